#include "faultline/cli/output.hpp"

#include <algorithm>

namespace faultline::cli {

namespace {

// Wide (two-column) code points: CJK, Hangul, full-width forms, most emoji.
bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

// Tabs and newlines inside a cell would break a tab-separated row: make them spaces.
std::string flatten(std::string_view cell) {
  std::string out(cell);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  return out;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {  // ANSI colour: no width
      const auto end = text.find('m', i);
      i = end == std::string_view::npos ? text.size() : end + 1;
      continue;
    }
    auto byte = static_cast<unsigned char>(text[i]);
    char32_t cp = byte;
    std::size_t length = 1;
    if (byte >= 0xF0) {
      length = 4;
      cp = byte & 0x07;
    } else if (byte >= 0xE0) {
      length = 3;
      cp = byte & 0x0F;
    } else if (byte >= 0xC0) {
      length = 2;
      cp = byte & 0x1F;
    }
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += length;
    width += is_wide(cp) ? 2 : 1;
  }
  return width;
}

std::string fit(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out;
  std::size_t used = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t len = 1;
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0xF0) len = 4;
    else if (byte >= 0xE0) len = 3;
    else if (byte >= 0xC0) len = 2;
    len = std::min(len, text.size() - i);
    const auto piece = text.substr(i, len);
    const auto w = display_width(piece);
    if (used + w + 1 > width) break;
    out += piece;
    used += w;
    i += len;
  }
  return out + "…";
}

std::string pad(std::string_view text, std::size_t width) {
  std::string out = fit(text, width);
  const auto w = display_width(out);
  if (w < width) out.append(width - w, ' ');
  return out;
}

void Table::print(std::ostream& out, TableStyle style) const {
  if (style == TableStyle::TabSeparated) {
    for (const auto& row : m_rows) {
      for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "\t" : "") << flatten(row[c]);
      out << '\n';
    }
    return;
  }
  std::vector<std::size_t> widths(m_header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], display_width(flatten(row[c])));
  };
  measure(m_header);
  for (const auto& row : m_rows) measure(row);
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string cell = flatten(row[c]);
      line += cell;
      if (c + 1 < row.size() && c < widths.size()) line += std::string(widths[c] - display_width(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  emit(m_header);
  for (const auto& row : m_rows) emit(row);
}

std::string paint(std::string_view text, Color color, bool enabled) {
  if (!enabled) return std::string(text);
  const char* code = "";
  switch (color) {
    case Color::Red: code = "31"; break;
    case Color::Green: code = "32"; break;
    case Color::Yellow: code = "33"; break;
    case Color::Blue: code = "34"; break;
    case Color::Bold: code = "1"; break;
    case Color::Dim: code = "2"; break;
  }
  return std::string("\x1b[") + code + "m" + std::string(text) + "\x1b[0m";
}

void print_json(std::ostream& out, const nlohmann::json& value) {
  // Serialized straight into the stream: a 10,000-issue board is not first copied into one
  // string of several megabytes (dump() would). Invalid UTF-8 is replaced, as dump() here did.
  nlohmann::detail::serializer<nlohmann::json> serializer(nlohmann::detail::output_adapter<char>(out), ' ',
                                                          nlohmann::json::error_handler_t::replace);
  serializer.dump(value, true, false, 2);
  out << '\n';
}

}  // namespace faultline::cli
