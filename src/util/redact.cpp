#include "faultline/util/redact.hpp"

#include "faultline/util/strings.hpp"

#include <algorithm>
#include <array>

namespace faultline {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_name_char(char c) { return is_alnum(c) || c == '-' || c == '_'; }

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Percent-encoding of everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text) {
  constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0x0F];
    }
  }
  return out;
}

void replace_all(std::string& text, std::string_view needle, std::string_view replacement) {
  if (needle.empty()) {
    return;
  }
  std::size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    text.replace(pos, needle.size(), replacement);
    pos += replacement.size();
  }
}

// Header, JSON-key and "name=value" names whose values are credentials (lower case).
bool is_secret_field_name(std::string_view lower_name) {
  constexpr std::array<std::string_view, 18> k_names = {
      "authorization", "proxy-authorization", "cookie",        "set-cookie",
      "x-api-key",     "api-key",             "apikey",        "api_key",
      "private-token", "password",            "passwd",        "secret",
      "client_secret", "token",               "access_token",  "api_token",
      "refresh_token", "id_token"};
  if (std::find(k_names.begin(), k_names.end(), lower_name) != k_names.end()) {
    return true;
  }
  // Feishu's tenant_access_token, app_secret: snake-case names of tokens and secrets.
  if (ends_with(lower_name, "_token") || ends_with(lower_name, "_secret")) return true;
  return starts_with(lower_name, "x-") &&
         (ends_with(lower_name, "-token") || ends_with(lower_name, "-key") ||
          ends_with(lower_name, "-secret") || ends_with(lower_name, "-signature"));
}

// URL query parameter names whose values are credentials (lower case).
bool is_secret_query_name(std::string_view lower_name) {
  constexpr std::array<std::string_view, 15> k_names = {
      "key",      "token",  "access_token", "sign",          "signature",
      "sig",      "secret", "password",     "passwd",        "api_key",
      "apikey",   "auth",   "client_secret", "refresh_token", "private_token"};
  if (std::find(k_names.begin(), k_names.end(), lower_name) != k_names.end()) {
    return true;
  }
  return ends_with(lower_name, "_token") || ends_with(lower_name, "-token") ||
         ends_with(lower_name, "_secret") || ends_with(lower_name, "_password");
}

// Masks the value after "Name: ", "\"Name\": \"...\"" or "Name=" for secret field names.
// A quoted value is masked up to its closing quote; after ':' an unquoted value runs to the end
// of the line (header style); after '=' to the next blank, '&', ',' or ';'.
std::string mask_fields(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const bool boundary = i == 0 || !is_name_char(text[i - 1]);
    if (!boundary || !is_name_char(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_name_char(text[end])) {
      ++end;
    }
    const std::string_view name = text.substr(i, end - i);
    const bool dotted = i > 0 && text[i - 1] == '.';
    out.append(name);
    i = end;
    if (!is_secret_field_name(lower(name))) {
      continue;
    }
    // Optional closing quote of a JSON key, blanks, then the separator.
    std::size_t p = i;
    if (p < text.size() && (text[p] == '"' || text[p] == '\'')) {
      ++p;
    }
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) {
      ++p;
    }
    if (p >= text.size() || (text[p] != ':' && text[p] != '=')) {
      continue;
    }
    // "jira.token: ..." is a config key naming itself in a message, never a header: headers
    // have no dots, and config values are written with '='.
    if (dotted && text[p] == ':') {
      continue;
    }
    const char separator = text[p++];
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) {
      ++p;
    }
    out.append(text.substr(i, p - i));
    i = p;
    if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
      const char quote = text[i];
      std::size_t close = i + 1;
      while (close < text.size() && text[close] != quote) {
        close += (text[close] == '\\' && close + 1 < text.size()) ? 2 : 1;
      }
      out += quote;
      out.append(Redactor::k_mask);
      i = close;  // the closing quote (if any) is copied by the main loop
      continue;
    }
    std::size_t value_end = i;
    while (value_end < text.size() && text[value_end] != '\n' && text[value_end] != '\r') {
      constexpr std::string_view k_value_stops = " \t&,;#\"'<>";
      if (separator == '=' && k_value_stops.find(text[value_end]) != std::string_view::npos) {
        break;
      }
      ++value_end;
    }
    if (value_end > i) {
      out.append(Redactor::k_mask);
      i = value_end;
    }
  }
  return out;
}

bool is_token68_char(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}

// Masks "Basic <credentials>" and "Bearer <token>" wherever they stand (16+ characters, so
// that prose like "Basic authentication" stays).
std::string mask_schemes(std::string_view text) {
  constexpr std::size_t k_min_credential = 16;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t scheme_length = 0;
    if (i == 0 || !is_name_char(text[i - 1])) {
      for (std::string_view scheme : {std::string_view("Basic "), std::string_view("Bearer ")}) {
        if (lower(text.substr(i, scheme.size())) == lower(scheme)) {
          scheme_length = scheme.size();
        }
      }
    }
    if (scheme_length == 0) {
      out += text[i++];
      continue;
    }
    std::size_t end = i + scheme_length;
    while (end < text.size() && is_token68_char(text[end])) {
      ++end;
    }
    out.append(text.substr(i, scheme_length));
    if (end - (i + scheme_length) >= k_min_credential) {
      out.append(Redactor::k_mask);
      i = end;
    } else {
      i += scheme_length;
    }
  }
  return out;
}

// Masks the values of secret-looking query parameters: "?key=...", "&access_token=...".
std::string mask_query(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    out += c;
    ++i;
    if (c != '?' && c != '&' && c != ';') {
      continue;
    }
    std::size_t name_end = i;
    while (name_end < text.size() && (is_name_char(text[name_end]) || text[name_end] == '.')) {
      ++name_end;
    }
    if (name_end == i || name_end >= text.size() || text[name_end] != '=' ||
        !is_secret_query_name(lower(text.substr(i, name_end - i)))) {
      continue;
    }
    std::size_t value_end = name_end + 1;
    constexpr std::string_view k_stops = "&#;\"'<> \t\r\n";
    while (value_end < text.size() && k_stops.find(text[value_end]) == std::string_view::npos) {
      ++value_end;
    }
    out.append(text.substr(i, name_end + 1 - i));
    if (value_end > name_end + 1) {
      out.append(Redactor::k_mask);
    }
    i = value_end;
  }
  return out;
}

// Masks the user information of URLs: "https://bob:pw@host/x" -> "https://***@host/x".
std::string mask_userinfo(std::string_view text) {
  constexpr std::string_view k_authority_stops = "/?#\"'<>` \t\r\n";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t separator = text.find("://", i);
    if (separator == std::string_view::npos) {
      break;
    }
    const std::size_t start = separator + 3;
    out.append(text.substr(i, start - i));
    std::size_t end = start;
    while (end < text.size() && k_authority_stops.find(text[end]) == std::string_view::npos) {
      ++end;
    }
    const std::size_t at = text.substr(start, end - start).rfind('@');
    if (at != std::string_view::npos && at > 0) {
      out.append(Redactor::k_mask);
      i = start + at;  // the '@' and the host are copied as they are
    } else {
      i = start;
    }
  }
  out.append(text.substr(i));
  return out;
}

}  // namespace

std::string mask_url_credentials(std::string_view text) { return mask_query(mask_userinfo(text)); }

void Redactor::remember(std::string text, std::string replacement) {
  if (text.size() < 4) {
    return;
  }
  const auto same = [&](const Secret& s) { return s.text == text; };
  if (std::find_if(m_secrets.begin(), m_secrets.end(), same) != m_secrets.end()) {
    return;
  }
  const auto longer = [&](const Secret& s) { return s.text.size() >= text.size(); };
  const auto position = std::find_if_not(m_secrets.begin(), m_secrets.end(), longer);
  m_secrets.insert(position, Secret{std::move(text), std::move(replacement)});
}

void Redactor::add_secret(std::string_view secret) {
  if (secret.size() < 4) {
    return;
  }
  const std::size_t scheme_end = secret.find("://");
  if (scheme_end != std::string_view::npos) {
    const std::size_t path_start = secret.find_first_of("/?#", scheme_end + 3);
    if (path_start != std::string_view::npos) {
      const std::string origin(secret.substr(0, path_start));
      remember(std::string(secret), origin + "/" + std::string(k_mask));
      remember(std::string(secret.substr(path_start)), std::string(k_mask));
      return;
    }
  }
  remember(std::string(secret), std::string(k_mask));
  remember(percent_encode(secret), std::string(k_mask));
}

std::string Redactor::mask(std::string_view text) const {
  std::string out(text);
  for (const Secret& secret : m_secrets) {
    replace_all(out, secret.text, secret.replacement);
  }
  return mask_query(mask_userinfo(mask_schemes(mask_fields(out))));
}

Error Redactor::mask(Error error) const {
  error.message = mask(error.message);
  error.hint = mask(error.hint);
  for (auto& detail : error.details) detail = mask(detail);
  return error;
}

}  // namespace faultline
