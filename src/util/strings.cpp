#include "faultline/util/strings.hpp"

namespace faultline {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string one_line(std::string_view text, std::size_t limit) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= limit) break;
  }
  return out;
}

std::string html_title(std::string_view body, std::size_t limit) {
  const std::string lowered = ascii_lower(body);
  const auto open = lowered.find("<title");
  if (open == std::string::npos) return {};
  const auto start = lowered.find('>', open);
  const auto close = lowered.find("</title>", open);
  if (start == std::string::npos || close == std::string::npos || close < start) return {};
  return one_line(body.substr(start + 1, close - start - 1), limit);
}

}  // namespace faultline
