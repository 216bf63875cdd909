// The workbook's native Excel charts, on the Charts sheet, reading the period rows (1..N) of
// the "By level", Summary and Releases sheets: the same three views as the PNG charts, in
// the same colours.
#include "chart_draw.hpp"
#include "workbook_book.hpp"

namespace faultline::report {

namespace {

// Where the period rows are: 1..N, the labels in column A.
struct PeriodRows {
  lxw_row_t first = 1;
  lxw_row_t last = 1;
};

lxw_color_t excel_colour(Rgb colour) {
  return (static_cast<lxw_color_t>(colour.r) << 16) | (static_cast<lxw_color_t>(colour.g) << 8) | colour.b;
}

// A series of column `col` of `sheet`, named by its title cell, over the period rows.
lxw_chart_series* add_column_series(lxw_chart* chart, const char* sheet, lxw_col_t col, PeriodRows rows) {
  lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
  if (series == nullptr) return nullptr;
  chart_series_set_categories(series, sheet, rows.first, 0, rows.last, 0);
  chart_series_set_values(series, sheet, rows.first, col, rows.last, col);
  chart_series_set_name_range(series, sheet, 0, col);
  return series;
}

void fill_series(lxw_chart_series* series, Rgb colour) {
  if (series == nullptr) return;
  lxw_chart_fill fill{excel_colour(colour), 0, 0};
  lxw_chart_line border{excel_colour(Rgb{0x3A, 0x3A, 0x3A}), 0, 0.75F, LXW_CHART_LINE_DASH_SOLID, 0};
  chart_series_set_fill(series, &fill);
  chart_series_set_line(series, &border);
}

void line_series(lxw_chart_series* series, std::size_t style, std::uint8_t dash, std::uint8_t marker) {
  if (series == nullptr) return;
  lxw_chart_line line{excel_colour(line_colour(style)), 0, 2.25F, dash, 0};
  lxw_chart_fill fill{excel_colour(line_colour(style)), 0, 0};
  chart_series_set_line(series, &line);
  chart_series_set_marker_type(series, marker);
  chart_series_set_marker_fill(series, &fill);
}

void set_titles(lxw_chart* chart, const char* title, const char* y_title) {
  chart_title_set_name(chart, title);
  chart_axis_set_name(chart->x_axis, "Period");
  chart_axis_set_name(chart->y_axis, y_title);
  chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
}

lxw_chart* level_chart(Book& book, const core::StatsReport& report, PeriodRows rows) {
  lxw_chart* chart = book.add_chart(LXW_CHART_COLUMN_STACKED);
  if (chart == nullptr) return nullptr;
  set_titles(chart, "Faults by level", "Faults");
  const auto columns = breakdown_columns(report, &core::PeriodStats::by_level, ColumnOrder::Levels);
  for (std::size_t i = 0; i < columns.size(); ++i)
    fill_series(add_column_series(chart, k_by_level_sheet, static_cast<lxw_col_t>(i + 1), rows), bar_colour(i));
  chart_set_series_gap(chart, 50);
  return chart;
}

lxw_chart* recovery_chart(Book& book, PeriodRows rows) {
  lxw_chart* chart = book.add_chart(LXW_CHART_LINE);
  if (chart == nullptr) return nullptr;
  set_titles(chart, "Time to recover (median and p90)", "Hours");
  line_series(add_column_series(chart, k_summary_sheet, k_summary_ttr_median_col, rows), 0,
              LXW_CHART_LINE_DASH_SOLID, LXW_CHART_MARKER_CIRCLE);
  line_series(add_column_series(chart, k_summary_sheet, k_summary_ttr_p90_col, rows), 1, LXW_CHART_LINE_DASH_DASH,
              LXW_CHART_MARKER_SQUARE);
  chart_show_blanks_as(chart, LXW_CHART_BLANKS_AS_GAP);
  return chart;
}

lxw_chart* release_chart(Book& book, const core::StatsReport& report, PeriodRows rows) {
  lxw_chart* chart = book.add_chart(LXW_CHART_COLUMN);
  if (chart == nullptr) return nullptr;
  const bool releases = !report.release_source.empty() && report.release_source != "none";
  set_titles(chart, releases ? "Releases and faults" : "Faults (no release data)", "Count");
  if (releases) fill_series(add_column_series(chart, k_releases_sheet, 1, rows), bar_colour(4));
  fill_series(add_column_series(chart, k_releases_sheet, 2, rows), line_colour(0));
  return chart;
}

void insert_chart(Book& book, lxw_worksheet* sheet, lxw_row_t row, lxw_chart* chart) {
  if (chart == nullptr) return;
  lxw_chart_options options{};
  options.x_scale = 1.8;
  options.y_scale = 1.4;
  book.check(worksheet_insert_chart_opt(sheet, row, 1, chart, &options), "inserting a chart");
}

}  // namespace

void add_native_charts(Book& book, lxw_worksheet* sheet, const core::StatsReport& report) {
  if (sheet == nullptr) return;
  if (report.periods.empty()) {
    book.text(sheet, 0, 0, "No periods, so no charts.");
    return;
  }
  const PeriodRows rows{1, static_cast<lxw_row_t>(report.periods.size())};
  insert_chart(book, sheet, 1, level_chart(book, report, rows));
  insert_chart(book, sheet, 24, recovery_chart(book, rows));
  insert_chart(book, sheet, 47, release_chart(book, report, rows));
  book.text(sheet, 70, 1, report.correlation.sentence);
}

}  // namespace faultline::report
