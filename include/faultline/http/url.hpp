// URL and header building shared by every REST client and chat channel.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline::http {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string url_encode(std::string_view text);

// Decodes %XX escapes (and '+' as space when `plus_is_space`); invalid escapes stay as is.
enum class PlusAsSpace { No, Yes };
std::string url_decode(std::string_view text, PlusAsSpace plus = PlusAsSpace::No);

// base (no trailing slash needed) + path + "?" + encoded params (omitted when empty).
// build_url("https://x/wiki", "/rest/api/content", {{"title","a b"}})
//   == "https://x/wiki/rest/api/content?title=a%20b"
std::string build_url(std::string_view base, std::string_view path, const QueryParams& params = {});

// Removes trailing slashes from a base URL.
std::string trim_base_url(std::string_view url);

// "Basic " + base64(user ":" secret).
std::string basic_authorization(std::string_view user, std::string_view secret);

// "Bearer " + token.
std::string bearer_authorization(std::string_view token);

// The User-Agent faultline sends: "faultline/<version> (+libcurl)".
std::string user_agent();

}  // namespace faultline::http
