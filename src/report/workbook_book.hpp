// The stats workbook while it is being written: libxlsxwriter's handle wrapped with typed
// cell writers (text always as a string cell, cleaned for XML; numbers, blanks for unknown
// values; times as Excel date-times in the team's zone) that remember the first failure,
// and the sheet builders of workbook_sheets.cpp, workbook_rows.cpp and workbook_charts.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <xlsxwriter.h>

#include "faultline/core/stats.hpp"

namespace faultline::report {

// The number format of a numeric cell.
enum class CellFormat { General, Decimal, Share };

// The sheet names, as workbook_sheet_names() lists them.
inline constexpr const char* k_summary_sheet = "Summary";
inline constexpr const char* k_charts_sheet = "Charts";
inline constexpr const char* k_by_level_sheet = "By level";
inline constexpr const char* k_owner_team_sheet = "Actions by owner team";
inline constexpr const char* k_releases_sheet = "Releases";
inline constexpr const char* k_faults_sheet = "Faults";
inline constexpr const char* k_actions_sheet = "Actions";

// Column numbers on the Summary sheet that the charts read.
inline constexpr lxw_col_t k_summary_ttr_median_col = 3;
inline constexpr lxw_col_t k_summary_ttr_p90_col = 4;

// `text` as a cell can hold it: invalid UTF-8 bytes as U+FFFD, without the control
// characters XML 1.0 cannot hold (C0 except tab, LF, CR; U+FFFE; U+FFFF), a literal
// "_xHHHH_" escaped as "_x005F_xHHHH_" (else Excel would read it as U+HHHH), at most 32767
// characters (Excel's limit).
std::string cell_text(std::string_view text);

// The workbook being written (owned by write_workbook, which closes it).
class Book {
public:
  Book(lxw_workbook* workbook, const date::time_zone* zone);
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  // A new worksheet; nullptr (and the error remembered) when libxlsxwriter refuses the name.
  lxw_worksheet* add_sheet(const char* name);
  // A new chart of libxlsxwriter's `type` (LXW_CHART_...); nullptr on failure (remembered).
  lxw_chart* add_chart(std::uint8_t type);

  // Bold column titles in row 0, that row frozen, the columns `width` characters wide.
  void header(lxw_worksheet* sheet, const std::vector<std::string>& titles, double width = 14);
  // Text as a string cell (never a formula), cleaned with cell_text.
  void text(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::string_view value);
  // The same in bold: a row or block title.
  void label(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::string_view value);
  // A number in `format`.
  void number(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, double value, CellFormat format = CellFormat::General);
  // A number, or nothing (a blank cell) when the value is unknown.
  void number(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::optional<double>& value,
              CellFormat format);
  // A whole number.
  void count(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::size_t value);
  // A date-time in the book's zone ("yyyy-mm-dd hh:mm"), or nothing when unknown or before 1900.
  void time(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::optional<core::TimePoint>& value);
  // A date ("yyyy-mm-dd"), or nothing.
  void day(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::optional<date::year_month_day>& value);

  // Remembers `error` (the first one only) with what was being done.
  void check(lxw_error error, std::string_view what);
  // The first failure: libxlsxwriter's reason and where; nullopt when all went well.
  const std::optional<std::string>& error() const { return m_error; }

private:
  lxw_format* format_for(CellFormat format) const;

  lxw_workbook* m_workbook;
  const date::time_zone* m_zone;
  lxw_format* m_bold;
  lxw_format* m_decimal;
  lxw_format* m_share;
  lxw_format* m_datetime;
  lxw_format* m_date;
  std::optional<std::string> m_error;
};

// How breakdown_columns orders a dimension's values.
enum class ColumnOrder { Alphabetical, Levels };

// The dimension values of one breakdown across the report, as the columns of its sheet:
// P1..P4 first (always) for ColumnOrder::Levels, other values alphabetically, "(none)" last.
std::vector<std::string> breakdown_columns(const core::StatsReport& report, core::Breakdown core::PeriodStats::*member,
                                           ColumnOrder order);

// The sheets, each on a Book; a failure is remembered by the Book.
void add_summary_sheet(Book& book, const core::StatsReport& report);
void add_breakdown_sheet(Book& book, const core::StatsReport& report, const char* name,
                         core::Breakdown core::PeriodStats::*member, ColumnOrder order);
void add_owner_team_sheet(Book& book, const core::StatsReport& report);
void add_releases_sheet(Book& book, const core::StatsReport& report);
void add_fault_rows_sheet(Book& book, const core::StatsReport& report);
void add_action_rows_sheet(Book& book, const core::StatsReport& report);
// The native charts on `sheet`, reading the Summary, "By level" and Releases sheets.
void add_native_charts(Book& book, lxw_worksheet* sheet, const core::StatsReport& report);

}  // namespace faultline::report
