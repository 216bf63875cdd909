// Following Confluence's "next" links on our own base URL.
#include "paging.hpp"

#include <vector>

namespace faultline::confluence::detail {
namespace {

// The decoded names of the parameters in an encoded query string.
std::vector<std::string> parameter_names(std::string_view query) {
  std::vector<std::string> names;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    if (!part.empty()) names.push_back(http::url_decode(part.substr(0, part.find('=')), http::PlusAsSpace::Yes));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return names;
}

// `query` with every byte a URL may not hold raw (spaces, control characters, non-ASCII,
// " < > \ ^ ` { | }) percent-encoded; what is already encoded stays as it is. A next link is
// the server's text: a space or a line break in it must not reach the request line.
std::string encode_unsafe(std::string_view query) {
  constexpr std::string_view k_unsafe = "\"<>\\^`{|}";
  std::string out;
  out.reserve(query.size());
  for (const char c : query) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F || k_unsafe.find(c) != std::string_view::npos) {
      constexpr std::string_view k_hex = "0123456789ABCDEF";
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0x0F];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string next_page_url(std::string_view base_url, std::string_view path, const http::QueryParams& query,
                          std::string_view next) {
  if (next.empty()) return {};
  std::string_view next_query;
  if (const auto q = next.find('?'); q != std::string_view::npos) next_query = next.substr(q + 1);
  if (const auto hash = next_query.find('#'); hash != std::string_view::npos) next_query = next_query.substr(0, hash);
  // Nothing promises that a next link repeats expand or excerpt: keep what we asked for.
  const auto present = parameter_names(next_query);
  http::QueryParams missing;
  for (const auto& param : query) {
    bool found = false;
    for (const auto& name : present) found = found || name == param.first;
    if (!found) missing.push_back(param);
  }
  std::string url = http::build_url(base_url, path, missing);
  if (!next_query.empty()) url += (missing.empty() ? "?" : "&") + encode_unsafe(next_query);
  return url;
}

}  // namespace faultline::confluence::detail
