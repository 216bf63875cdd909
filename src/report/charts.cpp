// The charts of a stats report, and their rendering: one drawing (chart_draw.cpp) onto an
// SVG stream surface and onto an image surface written as PNG; the SVG gains a <title> and
// a <desc> naming every series and value, since cairo writes text as glyph outlines.
#include "faultline/report/charts.hpp"

#include <algorithm>
#include <memory>
#include <set>

#include <cairo-svg.h>
#include <cairo.h>
#include <fmt/format.h>

#include "chart_draw.hpp"
#include "faultline/core/stats.hpp"
#include "faultline/core/text.hpp"
#include "output_file.hpp"

namespace faultline::report {

namespace {

namespace fs = std::filesystem;

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using ContextPtr = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

// Releases as light bars (lavender), so the faults line over them stands out.
constexpr std::size_t k_releases_style = 4;

// --- the stats charts ---------------------------------------------------------------------

const char* unit_word(core::PeriodUnit unit) {
  switch (unit) {
    case core::PeriodUnit::Week: return "week";
    case core::PeriodUnit::Month: return "month";
    case core::PeriodUnit::Quarter: return "quarter";
  }
  return "period";
}

std::string capitalised(std::string word) {
  if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 'a' + 'A');
  return word;
}

// P1..P4 always (a stable legend), then any other level seen, "(none)" last.
std::vector<std::string> level_order(const core::StatsReport& report) {
  std::vector<std::string> order{"P1", "P2", "P3", "P4"};
  std::set<std::string> others;
  bool none = false;
  for (const auto& period : report.periods)
    for (const auto& [level, count] : period.by_level) {
      if (level == core::k_no_value) none = none || count > 0;
      else if (std::find(order.begin(), order.end(), level) == order.end()) others.insert(level);
    }
  order.insert(order.end(), others.begin(), others.end());
  if (none) order.emplace_back(core::k_no_value);
  return order;
}

Chart base_chart(const core::StatsReport& report, std::string name, std::string title) {
  Chart chart;
  chart.name = std::move(name);
  chart.title = std::move(title);
  chart.x_title = capitalised(unit_word(report.unit));
  for (const auto& period : report.periods) chart.categories.push_back(period.period.label);
  return chart;
}

std::string zone_note(const core::StatsReport& report) {
  return report.zone.empty() ? std::string() : " (periods in " + report.zone + ")";
}

Chart faults_by_level(const core::StatsReport& report) {
  Chart chart = base_chart(report, "faults-by-level", "Faults by level");
  chart.subtitle = fmt::format("Faults per {}, stacked by level{}", unit_word(report.unit), zone_note(report));
  chart.y_title = "Faults";
  for (const auto& level : level_order(report)) {
    ChartSeries series{level, {}, ChartAxis::Primary, std::nullopt};
    for (const auto& period : report.periods) {
      const auto found = period.by_level.find(level);
      series.values.emplace_back(found == period.by_level.end() ? 0.0 : static_cast<double>(found->second));
    }
    chart.bars.push_back(std::move(series));
  }
  return chart;
}

std::optional<double> hours(const std::optional<double>& minutes) {
  if (!minutes) return std::nullopt;
  return *minutes / 60.0;
}

Chart time_to_recover(const core::StatsReport& report) {
  Chart chart = base_chart(report, "time-to-recover", "Time to recover");
  chart.subtitle = fmt::format("From start to recovery, per {}{}", unit_word(report.unit), zone_note(report));
  chart.y_title = "Hours";
  chart.caption = fmt::format("A gap in a line: no fault of that {} has both a start and a recovery time.",
                              unit_word(report.unit));
  ChartSeries median{"Median", {}, ChartAxis::Primary, std::nullopt};
  ChartSeries p90{"90th percentile", {}, ChartAxis::Primary, std::nullopt};
  for (const auto& period : report.periods) {
    median.values.push_back(hours(period.time_to_recover.median));
    p90.values.push_back(hours(period.time_to_recover.p90));
  }
  chart.lines = {std::move(median), std::move(p90)};
  return chart;
}

Chart releases_vs_faults(const core::StatsReport& report) {
  Chart chart = base_chart(report, "releases-vs-faults", "Releases and faults");
  const bool releases = !report.release_source.empty() && report.release_source != "none";
  ChartSeries faults{"Faults", {}, releases ? ChartAxis::Secondary : ChartAxis::Primary, std::nullopt};
  ChartSeries released{"Releases", {}, ChartAxis::Primary, k_releases_style};
  for (const auto& period : report.periods) {
    faults.values.emplace_back(static_cast<double>(period.faults));
    if (period.releases) released.values.emplace_back(static_cast<double>(*period.releases));
    else released.values.emplace_back(std::nullopt);
  }
  if (releases) {
    chart.subtitle = fmt::format("Releases (source: {}) and faults per {}", report.release_source, unit_word(report.unit));
    chart.y_title = "Releases";
    chart.y2_title = "Faults";
    chart.bars.push_back(std::move(released));
  } else {
    chart.subtitle = fmt::format("No release data (release source: none): faults per {} only", unit_word(report.unit));
    chart.y_title = "Faults";
  }
  chart.lines.push_back(std::move(faults));
  chart.caption = report.correlation.sentence;
  return chart;
}

// --- rendering -----------------------------------------------------------------------------

std::string number_text(double value) {
  std::string text = fmt::format("{:.2f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string series_line(const Chart& chart, const ChartSeries& series, const char* kind, Rgb colour) {
  std::string line = fmt::format("{} ({}, {}):", series.name, kind, to_hex(colour));
  for (std::size_t i = 0; i < chart.categories.size(); ++i) {
    const bool known = i < series.values.size() && series.values[i].has_value();
    const std::string value = known ? number_text(*series.values[i]) : "no data";
    line += fmt::format("{} {} {}", i == 0 ? "" : ",", chart.categories[i], value);
  }
  return line + "\n";
}

// The <title> and <desc> elements that carry the chart's content as text.
std::string svg_description(const Chart& chart) {
  std::string desc = chart.title + "\n";
  if (!chart.subtitle.empty()) desc += chart.subtitle + "\n";
  desc += "x: " + chart.x_title + "; y: " + chart.y_title;
  if (!chart.y2_title.empty()) desc += "; right y: " + chart.y2_title;
  desc += "\n";
  for (std::size_t i = 0; i < chart.bars.size(); ++i)
    desc += series_line(chart, chart.bars[i], "bars", bar_colour(style_of(chart.bars[i], i)));
  for (std::size_t i = 0; i < chart.lines.size(); ++i)
    desc += series_line(chart, chart.lines[i], "line", line_colour(style_of(chart.lines[i], i)));
  if (!chart.caption.empty()) desc += chart.caption + "\n";
  return "<title>" + core::escape_storage(chart.title) + "</title>\n<desc>" + core::escape_storage(desc) + "</desc>\n";
}

std::string with_description(std::string svg, const Chart& chart) {
  const auto root = svg.find("<svg");
  const auto end = root == std::string::npos ? root : svg.find('>', root);
  if (end == std::string::npos) return svg;
  svg.insert(end + 1, "\n" + svg_description(chart));
  return svg;
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws the chart onto `surface` and finishes it. Error (Failed) with cairo's reason.
Result<void> draw_onto(cairo_surface_t* surface, const Chart& chart) {
  {
    const ContextPtr cr(cairo_create(surface), &cairo_destroy);
    draw_chart(cr.get(), chart);
    if (const auto status = cairo_status(cr.get()); status != CAIRO_STATUS_SUCCESS)
      return fail(ErrorKind::Failed, "cannot draw chart " + chart.name + ": " + cairo_status_to_string(status));
  }
  cairo_surface_flush(surface);
  if (const auto status = cairo_surface_status(surface); status != CAIRO_STATUS_SUCCESS)
    return fail(ErrorKind::Failed, "cannot draw chart " + chart.name + ": " + cairo_status_to_string(status));
  return {};
}

Result<std::string> svg_document(const Chart& chart) {
  std::string svg;
  const SurfacePtr surface(cairo_svg_surface_create_for_stream(&append_bytes, &svg, k_chart_width, k_chart_height),
                           &cairo_surface_destroy);
  cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PX);
  FAULTLINE_TRY(drawn, draw_onto(surface.get(), chart));
  cairo_surface_finish(surface.get());
  if (const auto status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS)
    return fail(ErrorKind::Failed, "cannot write chart " + chart.name + " as SVG: " + cairo_status_to_string(status));
  return with_description(std::move(svg), chart);
}

Result<std::string> png_image(const Chart& chart) {
  const SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, k_chart_width, k_chart_height),
                           &cairo_surface_destroy);
  FAULTLINE_TRY(drawn, draw_onto(surface.get(), chart));
  std::string png;
  if (const auto status = cairo_surface_write_to_png_stream(surface.get(), &append_bytes, &png);
      status != CAIRO_STATUS_SUCCESS)
    return fail(ErrorKind::Failed, "cannot write chart " + chart.name + " as PNG: " + cairo_status_to_string(status));
  return png;
}

Result<void> make_chart_dir(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (!error && !fs::is_directory(dir, error)) error = std::make_error_code(std::errc::not_a_directory);
  if (error)
    return fail(ErrorKind::Failed, "cannot create the chart directory " + dir.string() + ": " + error.message(),
                "choose a directory that can be created and written");
  return {};
}

// A chart name is a file stem: letters, digits, '-', '_' and '.', not starting with '.'.
Result<void> check_chart_name(const std::string& name) {
  const bool valid = !name.empty() && name.front() != '.' &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                              c == '-' || c == '_' || c == '.';
                     });
  if (valid) return {};
  return fail(ErrorKind::Failed, "chart name '" + name + "' is not a file name",
              "use letters, digits, '-', '_' and '.' in chart names");
}

}  // namespace

std::vector<Chart> stats_charts(const core::StatsReport& report) {
  return {faults_by_level(report), time_to_recover(report), releases_vs_faults(report)};
}

std::string render_svg(const Chart& chart) { return svg_document(chart).value_or(std::string()); }

std::string render_png(const Chart& chart) { return png_image(chart).value_or(std::string()); }

Result<std::vector<fs::path>> write_charts(const std::vector<Chart>& charts, const fs::path& dir) {
  FAULTLINE_TRY(made, make_chart_dir(dir));
  std::vector<fs::path> written;
  for (const auto& chart : charts) {
    FAULTLINE_TRY(named, check_chart_name(chart.name));
    FAULTLINE_TRY(svg, svg_document(chart));
    FAULTLINE_TRY(png, png_image(chart));
    for (const auto& [extension, bytes] : {std::pair{".svg", &*svg}, std::pair{".png", &*png}}) {
      const fs::path path = dir / (chart.name + extension);
      FAULTLINE_TRY(ok, write_bytes_atomically(path, *bytes));
      written.push_back(path);
    }
  }
  return written;
}

}  // namespace faultline::report
