// Output helpers shared by commands: tables that are aligned on a terminal and tab-separated
// when piped, colour that respects NO_COLOR, and JSON printing for --json.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace faultline::cli {

enum class TableStyle { Aligned, TabSeparated };

// A simple table: a header row and rows of cells. print() aligns columns for a terminal or
// writes header-less tab-separated rows for scripts.
class Table {
public:
  explicit Table(std::vector<std::string> header) : m_header(std::move(header)) {}
  void add_row(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  bool empty() const { return m_rows.empty(); }
  void print(std::ostream& out, TableStyle style) const;

private:
  std::vector<std::string> m_header;
  std::vector<std::vector<std::string>> m_rows;
};

enum class Color { Red, Green, Yellow, Blue, Bold, Dim };

// `text` wrapped in the ANSI colour when `enabled`, else unchanged.
std::string paint(std::string_view text, Color color, bool enabled);

// Pretty JSON followed by a newline.
void print_json(std::ostream& out, const nlohmann::json& value);

// Visible width of a UTF-8 string (code points; wide CJK characters count 2).
std::size_t display_width(std::string_view text);

// The longest prefix of `text` (whole UTF-8 code points) at most `width` columns wide; "…"
// marks a cut.
std::string fit(std::string_view text, std::size_t width);

// `text` fitted and padded with spaces to exactly `width` columns.
std::string pad(std::string_view text, std::size_t width);

}  // namespace faultline::cli
