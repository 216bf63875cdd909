// Charts of the fault statistics: a generic Chart value (categories, stacked bars, lines),
// drawn by one routine onto both an SVG and a PNG surface so the two never differ, and the
// three charts of `faultline stats`. Cairo stays inside src/report.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "faultline/util/error.hpp"

namespace faultline::core {
struct StatsReport;
}

namespace faultline::report {

// The size of every rendered chart, in pixels (SVG user units and PNG pixels alike).
inline constexpr int k_chart_width = 1000;
inline constexpr int k_chart_height = 560;

// Which vertical axis a line is measured against; the secondary one is drawn on the right.
enum class ChartAxis { Primary, Secondary };

// One named series: a value per category, nullopt where it is unknown (a gap: no bar, no
// point, the line broken). `axis` applies to lines; bars always stack on the primary axis.
// `style` picks the palette entry (bars: colour and hatching; lines: colour, dash and
// marker); nullopt takes the series' position among the chart's bars or lines.
struct ChartSeries {
  std::string name;
  std::vector<std::optional<double>> values;
  ChartAxis axis = ChartAxis::Primary;
  std::optional<std::size_t> style;
};

// A chart: bars stack in order (the first at the bottom, each with its own colour and
// outline, hatched when there are several), lines are drawn over them (each with its own
// colour, dash pattern and marker).
// `name` is the file stem ("faults-by-level"); `y2_title` is shown when a line uses the
// secondary axis; `subtitle` sits under the title, `caption` under the x axis.
struct Chart {
  std::string name;
  std::string title;
  std::string subtitle;
  std::string caption;
  std::string x_title;
  std::string y_title;
  std::string y2_title;
  std::vector<std::string> categories;
  std::vector<ChartSeries> bars;
  std::vector<ChartSeries> lines;
};

// The three charts of a stats report, in this order:
//   "faults-by-level"    faults per period stacked by level: P1..P4, then other levels, "(none)" last;
//   "time-to-recover"    median and p90 time to recover per period, in hours (lines);
//   "releases-vs-faults" releases per period (bars) and faults (a line on the secondary axis);
//                        with release source "none" only faults, and the subtitle says there
//                        is no release data. The caption is report.correlation.sentence.
std::vector<Chart> stats_charts(const core::StatsReport& report);

// The chart as an SVG document, k_chart_width x k_chart_height. Cairo draws text as glyph
// outlines, so right after the root <svg> element come a <title> (the chart title) and a
// <desc> listing every series: "<name> (bars|line, #RRGGBB): <category> <value>, ..." with
// "no data" for a gap; both XML-escaped.
std::string render_svg(const Chart& chart);

// The same drawing as a PNG image, k_chart_width x k_chart_height, white background.
std::string render_png(const Chart& chart);

// Writes <dir>/<name>.svg and <dir>/<name>.png for each chart, creating `dir` when missing.
// Each file goes through a temporary file in `dir` and a rename, so none is ever half
// written. Returns the paths written, in order. Error (Failed) names the path and the
// operating system's reason.
Result<std::vector<std::filesystem::path>> write_charts(const std::vector<Chart>& charts,
                                                        const std::filesystem::path& dir);

}  // namespace faultline::report
