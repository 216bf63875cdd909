// The workbook's typed cell writers: every write goes through one of them, so text is never
// a formula and never holds what XML cannot, unknown values stay blank, times are local to
// the team, and the first libxlsxwriter failure is kept with where it happened.
#include "workbook_book.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <date/tz.h>
#include <fmt/format.h>

#include "faultline/core/utf8.hpp"

namespace faultline::report {

namespace {

constexpr std::size_t k_max_cell_chars = 32767;

bool xml_can_hold(char32_t cp) {
  if (cp < 0x20) return cp == U'\t' || cp == U'\n' || cp == U'\r';
  return cp != 0xFFFE && cp != 0xFFFF;
}

// Whether `text` starts with "_xHHHH_", which Excel reads as the escaped character U+HHHH.
bool looks_like_escape(std::string_view text) {
  if (text.size() < 7 || text[0] != '_' || text[1] != 'x' || text[6] != '_') return false;
  return std::all_of(text.begin() + 2, text.begin() + 6,
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

lxw_format* new_format(lxw_workbook* workbook, const char* number_format) {
  lxw_format* format = workbook_add_format(workbook);
  if (format != nullptr && number_format != nullptr) format_set_num_format(format, number_format);
  return format;
}

std::optional<lxw_datetime> excel_datetime(core::TimePoint at, const date::time_zone* zone) {
  const auto seconds = date::floor<std::chrono::seconds>(at);
  const date::local_seconds local =
      zone != nullptr ? zone->to_local(seconds) : date::local_seconds{seconds.time_since_epoch()};
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> clock{local - day};
  const int year = static_cast<int>(ymd.year());
  if (year < 1900 || year > 9999) return std::nullopt;
  return lxw_datetime{year, static_cast<int>(static_cast<unsigned>(ymd.month())),
                      static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(clock.hours().count()),
                      static_cast<int>(clock.minutes().count()), static_cast<double>(clock.seconds().count())};
}

std::string cell_name(lxw_row_t row, lxw_col_t col) {
  std::string letters;
  for (unsigned n = col + 1; n > 0; n = (n - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  return letters + std::to_string(row + 1);
}

std::string sheet_name(lxw_worksheet* sheet) { return sheet != nullptr && sheet->name != nullptr ? sheet->name : "?"; }

}  // namespace

std::string cell_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0, chars = 0;
  while (pos < text.size() && chars < k_max_cell_chars) {
    const std::size_t start = pos;
    const char32_t cp = core::next_code_point(text, pos);
    if (!xml_can_hold(cp)) continue;
    if (cp == U'_' && looks_like_escape(text.substr(start))) out += "_x005F";
    core::append_utf8(out, cp);
    ++chars;
  }
  return out;
}

Book::Book(lxw_workbook* workbook, const date::time_zone* zone)
    : m_workbook(workbook),
      m_zone(zone),
      m_bold(new_format(workbook, nullptr)),
      m_decimal(new_format(workbook, "0.0")),
      m_share(new_format(workbook, "0.0%")),
      m_datetime(new_format(workbook, "yyyy-mm-dd hh:mm")),
      m_date(new_format(workbook, "yyyy-mm-dd")) {
  if (m_bold != nullptr) format_set_bold(m_bold);
}

lxw_worksheet* Book::add_sheet(const char* name) {
  lxw_worksheet* sheet = workbook_add_worksheet(m_workbook, name);
  if (sheet == nullptr) check(workbook_validate_sheet_name(m_workbook, name), std::string("adding sheet ") + name);
  if (sheet == nullptr && !m_error) m_error = std::string("cannot add sheet ") + name;
  return sheet;
}

lxw_chart* Book::add_chart(std::uint8_t type) {
  lxw_chart* chart = workbook_add_chart(m_workbook, type);
  if (chart == nullptr) check(LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a chart");
  return chart;
}

void Book::header(lxw_worksheet* sheet, const std::vector<std::string>& titles, double width) {
  if (sheet == nullptr) return;
  for (std::size_t i = 0; i < titles.size(); ++i) label(sheet, 0, static_cast<lxw_col_t>(i), titles[i]);
  worksheet_freeze_panes(sheet, 1, 0);
  if (!titles.empty())
    check(worksheet_set_column(sheet, 0, static_cast<lxw_col_t>(titles.size() - 1), width, nullptr),
          "setting column widths on " + sheet_name(sheet));
}

void Book::text(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::string_view value) {
  if (sheet == nullptr || value.empty()) return;
  check(worksheet_write_string(sheet, row, col, cell_text(value).c_str(), nullptr),
        "writing " + sheet_name(sheet) + "!" + cell_name(row, col));
}

void Book::label(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::string_view value) {
  if (sheet == nullptr || value.empty()) return;
  check(worksheet_write_string(sheet, row, col, cell_text(value).c_str(), m_bold),
        "writing " + sheet_name(sheet) + "!" + cell_name(row, col));
}

void Book::number(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, double value, CellFormat format) {
  if (sheet == nullptr) return;
  check(worksheet_write_number(sheet, row, col, value, format_for(format)),
        "writing " + sheet_name(sheet) + "!" + cell_name(row, col));
}

void Book::number(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::optional<double>& value,
                  CellFormat format) {
  if (value) number(sheet, row, col, *value, format);
}

void Book::count(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::size_t value) {
  number(sheet, row, col, static_cast<double>(value), CellFormat::General);
}

void Book::time(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::optional<core::TimePoint>& value) {
  if (sheet == nullptr || !value) return;
  auto datetime = excel_datetime(*value, m_zone);
  if (!datetime) return;
  check(worksheet_write_datetime(sheet, row, col, &*datetime, m_datetime),
        "writing " + sheet_name(sheet) + "!" + cell_name(row, col));
}

void Book::day(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::optional<date::year_month_day>& value) {
  if (sheet == nullptr || !value || !value->ok()) return;
  const int year = static_cast<int>(value->year());
  if (year < 1900 || year > 9999) return;
  lxw_datetime datetime{year, static_cast<int>(static_cast<unsigned>(value->month())),
                        static_cast<int>(static_cast<unsigned>(value->day())), 0, 0, 0.0};
  check(worksheet_write_datetime(sheet, row, col, &datetime, m_date),
        "writing " + sheet_name(sheet) + "!" + cell_name(row, col));
}

void Book::check(lxw_error error, std::string_view what) {
  if (error == LXW_NO_ERROR || m_error) return;
  m_error = fmt::format("{} ({})", lxw_strerror(error), what);
}

lxw_format* Book::format_for(CellFormat format) const {
  switch (format) {
    case CellFormat::General: return nullptr;
    case CellFormat::Decimal: return m_decimal;
    case CellFormat::Share: return m_share;
  }
  return nullptr;
}

std::vector<std::string> breakdown_columns(const core::StatsReport& report, core::Breakdown core::PeriodStats::*member,
                                           ColumnOrder order) {
  std::set<std::string> seen;
  for (const auto& period : report.periods)
    for (const auto& entry : period.*member) seen.insert(entry.first);
  for (const auto& entry : report.total.*member) seen.insert(entry.first);
  std::vector<std::string> columns;
  if (order == ColumnOrder::Levels) columns = {"P1", "P2", "P3", "P4"};
  for (const auto& value : seen)
    if (value != core::k_no_value && std::find(columns.begin(), columns.end(), value) == columns.end())
      columns.push_back(value);
  if (seen.contains(std::string(core::k_no_value))) columns.emplace_back(core::k_no_value);
  return columns;
}

}  // namespace faultline::report
