// The workbook's aggregate sheets: Summary, one sheet per breakdown, actions by owner team,
// and releases with the correlation. Periods are rows 1..N (row 0 holds the titles) and the
// "total" row follows them, so the charts can read rows 1..N.
#include <array>

#include "faultline/util/strings.hpp"
#include "workbook_book.hpp"

namespace faultline::report {

namespace {

std::optional<double> in_hours(const std::optional<double>& minutes) {
  if (!minutes) return std::nullopt;
  return *minutes / 60.0;
}

std::optional<double> as_number(const std::optional<std::size_t>& value) {
  if (!value) return std::nullopt;
  return static_cast<double>(*value);
}

lxw_col_t col_of(std::size_t index) { return static_cast<lxw_col_t>(index); }

std::vector<std::string> summary_titles() {
  return {"Period", "Faults", "TTR mean (h)", "TTR median (h)", "TTR p90 (h)", "TTR max (h)", "TTD median (min)",
      "Reviews on time", "Reviews late", "Reviews missing", "Reviews not due", "Actions created",
      "Actions done on time", "Actions done late", "Actions open overdue", "Actions open pending",
      "Monitoring share", "Customer share", "Releases", "Faults per 100 releases"};
}

void write_summary_row(Book& book, lxw_worksheet* sheet, lxw_row_t row, const core::PeriodStats& stats) {
  book.text(sheet, row, 0, stats.period.label);
  book.count(sheet, row, 1, stats.faults);
  book.number(sheet, row, 2, in_hours(stats.time_to_recover.mean), CellFormat::Decimal);
  book.number(sheet, row, k_summary_ttr_median_col, in_hours(stats.time_to_recover.median), CellFormat::Decimal);
  book.number(sheet, row, k_summary_ttr_p90_col, in_hours(stats.time_to_recover.p90), CellFormat::Decimal);
  book.number(sheet, row, 5, in_hours(stats.time_to_recover.max), CellFormat::Decimal);
  book.number(sheet, row, 6, stats.time_to_detect.median, CellFormat::Decimal);
  const std::array<std::size_t, 9> counts{stats.reviews.on_time,       stats.reviews.late,
                                          stats.reviews.missing,       stats.reviews.not_due,
                                          stats.actions.created,       stats.actions.done_on_time,
                                          stats.actions.done_late,     stats.actions.open_overdue,
                                          stats.actions.open_pending};
  for (std::size_t i = 0; i < counts.size(); ++i) book.count(sheet, row, col_of(7 + i), counts[i]);
  book.number(sheet, row, 16, stats.monitoring_share, CellFormat::Share);
  book.number(sheet, row, 17, stats.customer_share, CellFormat::Share);
  book.number(sheet, row, 18, as_number(stats.releases), CellFormat::General);
  book.number(sheet, row, 19, stats.faults_per_100_releases, CellFormat::Decimal);
}

// The window and its facts under the table.
void write_window(Book& book, lxw_worksheet* sheet, lxw_row_t row, const core::StatsReport& report) {
  book.label(sheet, row, 0, "Time zone");
  book.text(sheet, row++, 1, report.zone.empty() ? "UTC" : report.zone);
  book.label(sheet, row, 0, "From");
  book.time(sheet, row++, 1, report.since);
  book.label(sheet, row, 0, "Until (exclusive)");
  book.time(sheet, row++, 1, report.until);
  if (report.generated_at != core::TimePoint{}) {
    book.label(sheet, row, 0, "Generated");
    book.time(sheet, row++, 1, report.generated_at);
  }
  book.label(sheet, row, 0, "Release source");
  book.text(sheet, row++, 1, report.release_source.empty() ? "none" : report.release_source);
  book.label(sheet, row, 0, "Faults counted by creation time (no start)");
  book.count(sheet, row, 1, report.faults_without_start);
}

void write_correlation_row(Book& book, lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col,
                           const core::Correlation& correlation) {
  book.count(sheet, row, col, correlation.n);
  book.number(sheet, row, col + 1, correlation.pearson_r, CellFormat::Decimal);
  book.number(sheet, row, col + 2, correlation.pearson_p, CellFormat::General);
  book.number(sheet, row, col + 3, correlation.spearman_rho, CellFormat::Decimal);
  book.number(sheet, row, col + 4, correlation.spearman_p, CellFormat::General);
  book.text(sheet, row, col + 5, correlation.sentence);
  book.text(sheet, row, col + 6, join(correlation.cautions, "; "));
}

// The correlation of the whole window and of each service, under the period table.
void write_correlations(Book& book, lxw_worksheet* sheet, lxw_row_t row, const core::StatsReport& report) {
  book.label(sheet, row++, 0, "Correlation of releases and faults per period");
  const std::vector<std::string> titles{"Service", "n", "Pearson r", "Pearson p", "Spearman rho",
                                        "Spearman p", "Sentence", "Cautions"};
  for (std::size_t i = 0; i < titles.size(); ++i) book.label(sheet, row, col_of(i), titles[i]);
  ++row;
  book.text(sheet, row, 0, "(all)");
  write_correlation_row(book, sheet, row++, 1, report.correlation);
  for (const auto& [service, correlation] : report.correlation_by_service) {
    book.text(sheet, row, 0, service);
    write_correlation_row(book, sheet, row++, 1, correlation);
  }
}

void write_owner_team_row(Book& book, lxw_worksheet* sheet, lxw_row_t row, const std::string& period,
                          const std::string& team, const core::ActionCounts& counts) {
  book.text(sheet, row, 0, period);
  book.text(sheet, row, 1, team);
  const std::array<std::size_t, 5> values{counts.created, counts.done_on_time, counts.done_late, counts.open_overdue,
                                          counts.open_pending};
  for (std::size_t i = 0; i < values.size(); ++i) book.count(sheet, row, col_of(2 + i), values[i]);
}

}  // namespace

void add_summary_sheet(Book& book, const core::StatsReport& report) {
  lxw_worksheet* sheet = book.add_sheet(k_summary_sheet);
  if (sheet == nullptr) return;
  book.header(sheet, summary_titles());
  lxw_row_t row = 1;
  for (const auto& period : report.periods) write_summary_row(book, sheet, row++, period);
  write_summary_row(book, sheet, row++, report.total);
  write_window(book, sheet, row + 1, report);
}

void add_breakdown_sheet(Book& book, const core::StatsReport& report, const char* name,
                         core::Breakdown core::PeriodStats::*member, ColumnOrder order) {
  lxw_worksheet* sheet = book.add_sheet(name);
  if (sheet == nullptr) return;
  const auto columns = breakdown_columns(report, member, order);
  std::vector<std::string> titles{"Period"};
  titles.insert(titles.end(), columns.begin(), columns.end());
  book.header(sheet, titles);
  lxw_row_t row = 1;
  const auto write_row = [&](const core::PeriodStats& stats) {
    book.text(sheet, row, 0, stats.period.label);
    const core::Breakdown& counts = stats.*member;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto found = counts.find(columns[i]);
      book.count(sheet, row, col_of(i + 1), found == counts.end() ? 0 : found->second);
    }
    ++row;
  };
  for (const auto& period : report.periods) write_row(period);
  write_row(report.total);
}

void add_owner_team_sheet(Book& book, const core::StatsReport& report) {
  lxw_worksheet* sheet = book.add_sheet(k_owner_team_sheet);
  if (sheet == nullptr) return;
  book.header(sheet, {"Period", "Owner team", "Actions created", "Done on time", "Done late", "Open overdue",
                      "Open pending"});
  lxw_row_t row = 1;
  for (const auto& period : report.periods)
    for (const auto& [team, counts] : period.actions_by_owner_team)
      write_owner_team_row(book, sheet, row++, period.period.label, team, counts);
  for (const auto& [team, counts] : report.total.actions_by_owner_team)
    write_owner_team_row(book, sheet, row++, report.total.period.label, team, counts);
}

void add_releases_sheet(Book& book, const core::StatsReport& report) {
  lxw_worksheet* sheet = book.add_sheet(k_releases_sheet);
  if (sheet == nullptr) return;
  book.header(sheet, {"Period", "Releases", "Faults", "Faults per 100 releases"}, 16);
  lxw_row_t row = 1;
  const auto write_row = [&](const core::PeriodStats& stats) {
    book.text(sheet, row, 0, stats.period.label);
    book.number(sheet, row, 1, as_number(stats.releases), CellFormat::General);
    book.count(sheet, row, 2, stats.faults);
    book.number(sheet, row, 3, stats.faults_per_100_releases, CellFormat::Decimal);
    ++row;
  };
  for (const auto& period : report.periods) write_row(period);
  write_row(report.total);
  book.label(sheet, row + 1, 0, "Release source");
  book.text(sheet, row + 1, 1, report.release_source.empty() ? "none" : report.release_source);
  write_correlations(book, sheet, row + 3, report);
}

}  // namespace faultline::report
