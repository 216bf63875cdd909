// Secret masking. Every line faultline writes about a request (verbose log, dry-run, error
// message) passes through one Redactor that knows the run's secrets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faultline/util/error.hpp"

namespace faultline {

// `text` with the credentials a URL may carry masked, whoever's they are: user:password@
// ("https://***@host/path") and secret-looking query parameters ("?token=***"). For
// messages that quote a URL the user gave (a config value that was refused).
std::string mask_url_credentials(std::string_view text);

// Holds the secrets of one run and masks them in any text.
class Redactor {
public:
  // Remembers a secret (token, password, webhook key or URL). Values shorter than 4
  // characters are ignored: masking them would garble ordinary text. Its percent-encoded
  // form is remembered too. A URL ("https://host/path?query") is masked down to
  // "https://host/***", and its path-and-query on its own becomes a secret as well.
  // Callers holding a user:token pair also add basic_authorization(user, token).
  void add_secret(std::string_view secret);

  // Masks every known secret, the value of Authorization / Cookie / X-*-Token style headers
  // (also as "Name": "value" in JSON-ish text), "Basic ..." and "Bearer ..." credentials,
  // the user:password@ of URLs (keeping the host), and the values of secret-looking URL
  // query parameters (key, token, access_token, sign, signature, sig, secret, password, ...)
  // with "***". A dotted config key naming itself ("jira.token: expected a string") is left
  // alone. Byte-safe on any input (UTF-8 or binary): only ASCII bytes are ever compared
  // case-insensitively.
  std::string mask(std::string_view text) const;

  // `error` with its message, hint and details masked.
  Error mask(Error error) const;

  // The mask string: "***".
  static constexpr std::string_view k_mask = "***";

private:
  struct Secret {
    std::string text;         // what to find
    std::string replacement;  // what to put instead
  };
  void remember(std::string text, std::string replacement);

  std::vector<Secret> m_secrets;  // longest first, so a URL wins over its own tail
};

}  // namespace faultline
