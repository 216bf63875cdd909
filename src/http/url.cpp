#include "faultline/http/url.hpp"
#include "faultline/util/build_info.hpp"


namespace faultline::http {
namespace {

constexpr std::string_view k_hex_digits = "0123456789ABCDEF";

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string base64(std::string_view data) {
  constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned triple = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    out += k_alphabet[(triple >> 18) & 0x3F];
    out += k_alphabet[(triple >> 12) & 0x3F];
    out += k_alphabet[(triple >> 6) & 0x3F];
    out += k_alphabet[triple & 0x3F];
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    const unsigned first = static_cast<unsigned char>(data[i]);
    const unsigned second = rest == 2 ? static_cast<unsigned char>(data[i + 1]) : 0U;
    const unsigned pair = (first << 16) | (second << 8);
    out += k_alphabet[(pair >> 18) & 0x3F];
    out += k_alphabet[(pair >> 12) & 0x3F];
    out += rest == 2 ? k_alphabet[(pair >> 6) & 0x3F] : '=';
    out += '=';
  }
  return out;
}

}  // namespace

std::string url_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += k_hex_digits[byte >> 4];
      out += k_hex_digits[byte & 0x0F];
    }
  }
  return out;
}

std::string url_decode(std::string_view text, PlusAsSpace plus) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus == PlusAsSpace::Yes) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string trim_base_url(std::string_view url) {
  while (!url.empty() && url.back() == '/') {
    url.remove_suffix(1);
  }
  return std::string(url);
}

std::string build_url(std::string_view base, std::string_view path, const QueryParams& params) {
  std::string url = trim_base_url(base);
  if (!path.empty() && path.front() != '/' && path.front() != '?') {
    url += '/';
  }
  url.append(path);
  char separator = path.find('?') == std::string_view::npos ? '?' : '&';
  for (const auto& [name, value] : params) {
    url += separator;
    url += url_encode(name);
    url += '=';
    url += url_encode(value);
    separator = '&';
  }
  return url;
}

std::string basic_authorization(std::string_view user, std::string_view secret) {
  std::string credentials(user);
  credentials += ':';
  credentials.append(secret);
  return "Basic " + base64(credentials);
}

std::string bearer_authorization(std::string_view token) { return "Bearer " + std::string(token); }

std::string user_agent() { return "faultline/" + std::string(version()) + " (+libcurl)"; }

}  // namespace faultline::http
