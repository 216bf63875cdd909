// The workbook's raw rows: the faults the report counted and their actions, one row each,
// times as Excel date-times in the team's zone, durations in minutes.
#include <chrono>

#include "workbook_book.hpp"

namespace faultline::report {

namespace {

// Minutes from `from` to `to`; nothing when either is unknown or `to` comes first.
std::optional<double> minutes_between(const std::optional<core::TimePoint>& from,
                                      const std::optional<core::TimePoint>& to) {
  if (!from || !to || *to < *from) return std::nullopt;
  return std::chrono::duration<double, std::ratio<60>>(*to - *from).count();
}

void write_fault_row(Book& book, lxw_worksheet* sheet, lxw_row_t row, const core::Fault& fault) {
  const std::string* texts[] = {&fault.key,  &fault.summary,       &fault.level,   &fault.type,  &fault.source,
                                &fault.team, &fault.business_unit, &fault.service, &fault.status};
  lxw_col_t col = 0;
  for (const std::string* text : texts) book.text(sheet, row, col++, *text);
  for (const auto* at : {&fault.started_at, &fault.detected_at, &fault.recovered_at, &fault.reviewed_at})
    book.time(sheet, row, col++, *at);
  book.number(sheet, row, col++, minutes_between(fault.started_at, fault.recovered_at), CellFormat::Decimal);
  book.number(sheet, row, col, minutes_between(fault.started_at, fault.detected_at), CellFormat::Decimal);
}

void write_action_row(Book& book, lxw_worksheet* sheet, lxw_row_t row, const core::Action& action) {
  book.text(sheet, row, 0, action.key);
  book.text(sheet, row, 1, action.parent);
  book.text(sheet, row, 2, action.summary);
  book.text(sheet, row, 3, action.owner);
  book.text(sheet, row, 4, action.owner_display);
  book.day(sheet, row, 5, action.due);
  book.text(sheet, row, 6, action.status);
  book.text(sheet, row, 7, action.status_category);
  book.time(sheet, row, 8, action.created);
  book.time(sheet, row, 9, action.resolved);
  book.text(sheet, row, 10, action.kind);
}

}  // namespace

void add_fault_rows_sheet(Book& book, const core::StatsReport& report) {
  lxw_worksheet* sheet = book.add_sheet(k_faults_sheet);
  if (sheet == nullptr) return;
  book.header(sheet, {"Key", "Summary", "Level", "Type", "Source", "Team", "Business unit", "Service", "Status",
                      "Started", "Detected", "Recovered", "Reviewed", "Time to recover (min)",
                      "Time to detect (min)"},
              16);
  book.check(worksheet_set_column(sheet, 1, 1, 48, nullptr), "setting the summary column's width");
  lxw_row_t row = 1;
  for (const auto& fault : report.faults) write_fault_row(book, sheet, row++, fault);
}

void add_action_rows_sheet(Book& book, const core::StatsReport& report) {
  lxw_worksheet* sheet = book.add_sheet(k_actions_sheet);
  if (sheet == nullptr) return;
  book.header(sheet, {"Key", "Parent", "Summary", "Owner", "Owner display", "Due", "Status", "Status category",
                      "Created", "Resolved", "Kind"},
              16);
  book.check(worksheet_set_column(sheet, 2, 2, 48, nullptr), "setting the summary column's width");
  lxw_row_t row = 1;
  for (const auto& action : report.actions) write_action_row(book, sheet, row++, action);
}

}  // namespace faultline::report
