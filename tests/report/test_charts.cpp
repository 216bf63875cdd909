// Tests of the charts: the three stats charts built from a report, the SVG's title and
// description, what the drawing fills (one rectangle per non-zero bar value, one marker per
// known line value, nothing for a gap), the PNG's size, and write_charts' files and failures.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "faultline/report/charts.hpp"
#include "report/report_test_support.hpp"

using namespace faultline;
using namespace faultline::report;

namespace {

namespace fs = std::filesystem;

struct Rgb8 {
  int r = 0, g = 0, b = 0;
  bool operator==(const Rgb8&) const = default;
};

// The colour the description gives a series: "<name> (<kind>, #RRGGBB):".
Rgb8 described_colour(const std::string& svg, const std::string& name) {
  const auto at = svg.find("\n" + name + " (");
  REQUIRE(at != std::string::npos);
  const auto hash = svg.find('#', at);
  const auto hex = svg.substr(hash + 1, 6);
  return {std::stoi(hex.substr(0, 2), nullptr, 16), std::stoi(hex.substr(2, 2), nullptr, 16),
          std::stoi(hex.substr(4, 2), nullptr, 16)};
}

// How many <path> elements cairo filled with `colour` ("fill:rgb(49.8%,0%,5.1%)").
int filled_paths(const std::string& svg, Rgb8 colour) {
  int count = 0;
  for (auto at = svg.find("<path style=\""); at != std::string::npos; at = svg.find("<path style=\"", at + 1)) {
    const auto style_end = svg.find('"', at + 13);
    const std::string style = svg.substr(at + 13, style_end - at - 13);
    const auto fill = style.find("fill:rgb(");
    if (fill == std::string::npos) continue;
    double r = 0, g = 0, b = 0;
    if (std::sscanf(style.c_str() + fill, "fill:rgb(%lf%%,%lf%%,%lf%%)", &r, &g, &b) != 3) continue;
    const Rgb8 seen{static_cast<int>(std::lround(r * 2.55)), static_cast<int>(std::lround(g * 2.55)),
                    static_cast<int>(std::lround(b * 2.55))};
    if (seen == colour) ++count;
  }
  return count;
}

std::string desc_of(const std::string& svg) {
  const auto start = svg.find("<desc>");
  const auto end = svg.find("</desc>");
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  return svg.substr(start + 6, end - start - 6);
}

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

Chart two_bar_chart() {
  Chart chart;
  chart.name = "test";
  chart.title = "Bars";
  chart.x_title = "Month";
  chart.y_title = "Faults";
  chart.categories = {"a", "b", "c", "d", "e"};
  chart.bars = {{"low", {1.0, 0.0, std::nullopt, 4.0, 2.0}, ChartAxis::Primary, std::nullopt},
                {"high", {3.0, 1.0, 2.0, 0.0, std::nullopt}, ChartAxis::Primary, std::nullopt}};
  return chart;
}

Chart chart_named(const std::vector<Chart>& charts, const std::string& name) {
  for (const auto& chart : charts)
    if (chart.name == name) return chart;
  FAIL("no chart " << name);
  return charts.front();
}

}  // namespace

TEST_CASE("stats_charts gives the level, recovery and release charts in that order", "[charts]") {
  const auto charts = stats_charts(test::sample_report());
  REQUIRE(charts.size() == 3);
  CHECK(charts[0].name == "faults-by-level");
  CHECK(charts[1].name == "time-to-recover");
  CHECK(charts[2].name == "releases-vs-faults");
  for (const auto& chart : charts) {
    CHECK(chart.categories.size() == 13);
    CHECK(chart.categories.front() == "2025-11");
    CHECK(chart.categories.back() == "2026-11");
  }
}

TEST_CASE("the level chart stacks P1 to P4 first and (none) last, with each period's counts", "[charts]") {
  const auto report = test::sample_report();
  const Chart chart = chart_named(stats_charts(report), "faults-by-level");
  std::vector<std::string> names;
  for (const auto& series : chart.bars) names.push_back(series.name);
  CHECK(names == std::vector<std::string>{"P1", "P2", "P3", "P4", "(none)"});
  CHECK(chart.lines.empty());
  for (std::size_t i = 0; i < report.periods.size(); ++i) {
    CHECK(chart.bars[0].values[i] == static_cast<double>(report.periods[i].by_level.at("P1")));
    CHECK(chart.bars[2].values[i] == static_cast<double>(report.periods[i].by_level.at("P3")));
  }
}

TEST_CASE("the recovery chart shows median and p90 in hours with a gap where a period has none", "[charts]") {
  const auto report = test::sample_report();
  const Chart chart = chart_named(stats_charts(report), "time-to-recover");
  REQUIRE(chart.lines.size() == 2);
  CHECK(chart.y_title == "Hours");
  const auto& median = chart.lines[0].values;
  CHECK(median[0] == Approx(*report.periods[0].time_to_recover.median / 60.0));
  CHECK(chart.lines[1].values[0] == Approx(*report.periods[0].time_to_recover.p90 / 60.0));
  CHECK_FALSE(report.periods[3].time_to_recover.median.has_value());
  CHECK_FALSE(median[3].has_value());
}

TEST_CASE("the release chart puts releases in bars and faults on the right axis, with the correlation caption", "[charts]") {
  const auto report = test::sample_report();
  const Chart chart = chart_named(stats_charts(report), "releases-vs-faults");
  REQUIRE(chart.bars.size() == 1);
  REQUIRE(chart.lines.size() == 1);
  CHECK(chart.bars[0].name == "Releases");
  CHECK(chart.bars[0].values[0] == static_cast<double>(*report.periods[0].releases));
  CHECK(chart.lines[0].name == "Faults");
  CHECK(chart.lines[0].axis == ChartAxis::Secondary);
  CHECK(chart.lines[0].values[0] == static_cast<double>(report.periods[0].faults));
  CHECK(chart.caption == report.correlation.sentence);
  CHECK_FALSE(chart.y2_title.empty());
}

TEST_CASE("without release data the release chart shows faults only and says there is no release data", "[charts]") {
  const auto report = test::sample_report(13, core::PeriodUnit::Month, false);
  const Chart chart = chart_named(stats_charts(report), "releases-vs-faults");
  CHECK(chart.bars.empty());
  REQUIRE(chart.lines.size() == 1);
  CHECK(chart.lines[0].axis == ChartAxis::Primary);
  CHECK(chart.subtitle.find("No release data") != std::string::npos);
  CHECK(chart.caption == report.correlation.sentence);
  CHECK(desc_of(render_svg(chart)).find("No release data") != std::string::npos);
}

TEST_CASE("render_svg is an SVG document whose title and description follow the root element", "[charts]") {
  const std::string svg = render_svg(two_bar_chart());
  CHECK(svg.rfind("<?xml", 0) == 0);
  const auto root = svg.find("<svg");
  const auto title = svg.find("<title>Bars</title>");
  const auto desc = svg.find("<desc>");
  REQUIRE(root != std::string::npos);
  REQUIRE(title != std::string::npos);
  CHECK(title > root);
  CHECK(desc > title);
  CHECK(desc < svg.find("<defs>"));
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(svg.find("width=\"1000px\"") != std::string::npos);
}

TEST_CASE("the SVG description lists every series with each period's value and no data for a gap", "[charts]") {
  const std::string desc = desc_of(render_svg(two_bar_chart()));
  CHECK(desc.find("low (bars, #") != std::string::npos);
  CHECK(desc.find("): a 1, b 0, c no data, d 4, e 2") != std::string::npos);
  CHECK(desc.find("): a 3, b 1, c 2, d 0, e no data") != std::string::npos);
  const std::string stats_desc = desc_of(render_svg(stats_charts(test::sample_report())[1]));
  CHECK(stats_desc.find("Median (line, #") != std::string::npos);
  CHECK(stats_desc.find("2026-02 no data") != std::string::npos);
}

TEST_CASE("the SVG description escapes names and drops control characters", "[charts]") {
  Chart chart = two_bar_chart();
  chart.title = "R&D <faults>";
  chart.bars[0].name = "a<b>&\"c\"\x01";
  const std::string svg = render_svg(chart);
  CHECK(svg.find("<title>R&amp;D &lt;faults&gt;</title>") != std::string::npos);
  const std::string desc = desc_of(svg);
  CHECK(desc.find("a&lt;b&gt;&amp;&quot;c&quot; (bars") != std::string::npos);
  CHECK(desc.find('\x01') == std::string::npos);
  CHECK(desc.find("<b>") == std::string::npos);
}

TEST_CASE("each bar series fills one rectangle per non-zero value plus its legend swatch", "[charts]") {
  const std::string svg = render_svg(two_bar_chart());
  const Rgb8 low = described_colour(svg, "low");
  const Rgb8 high = described_colour(svg, "high");
  CHECK_FALSE(low == high);
  CHECK(filled_paths(svg, low) == 3 + 1);   // 1, 4, 2 (0 and the gap draw nothing)
  CHECK(filled_paths(svg, high) == 3 + 1);  // 3, 1, 2
}

TEST_CASE("the level chart fills one rectangle per non-zero level count of every period", "[charts]") {
  const auto report = test::sample_report();
  const Chart chart = stats_charts(report)[0];
  const std::string svg = render_svg(chart);
  for (const auto& series : chart.bars) {
    int non_zero = 0;
    for (const auto& value : series.values) non_zero += value && *value > 0 ? 1 : 0;
    CHECK(filled_paths(svg, described_colour(svg, series.name)) == non_zero + 1);
  }
}

TEST_CASE("a gap in a line draws no point, and the line's colour differs from the bars'", "[charts]") {
  Chart chart = two_bar_chart();
  chart.lines = {{"trend", {2.0, std::nullopt, 3.0, 5.0, std::nullopt}, ChartAxis::Secondary, std::nullopt}};
  chart.y2_title = "Trend";
  const std::string svg = render_svg(chart);
  const Rgb8 trend = described_colour(svg, "trend");
  CHECK_FALSE(trend == described_colour(svg, "low"));
  CHECK_FALSE(trend == described_colour(svg, "high"));
  CHECK(filled_paths(svg, trend) == 3 + 1);  // markers at a, c, d and the legend sample
  CHECK(desc_of(svg).find("right y: Trend") != std::string::npos);
}

TEST_CASE("a series' style picks its palette entry", "[charts]") {
  Chart chart = two_bar_chart();
  chart.bars.resize(1);
  const Rgb8 first = described_colour(render_svg(chart), "low");
  chart.bars[0].style = 4;
  const std::string svg = render_svg(chart);
  CHECK_FALSE(described_colour(svg, "low") == first);
  CHECK(filled_paths(svg, described_colour(svg, "low")) == 3 + 1);
}

TEST_CASE("render_png is a PNG image of the chart's size", "[charts]") {
  const std::string png = render_png(two_bar_chart());
  REQUIRE(png.size() > 24);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(png.substr(12, 4) == "IHDR");
  CHECK(big_endian(png, 16) == static_cast<std::uint32_t>(k_chart_width));
  CHECK(big_endian(png, 20) == static_cast<std::uint32_t>(k_chart_height));
}

TEST_CASE("53 weekly periods and a chart without periods both render", "[charts]") {
  const auto weeks = stats_charts(test::sample_report(53, core::PeriodUnit::Week));
  for (const auto& chart : weeks) {
    CHECK(render_png(chart).size() > 1000);
    CHECK(desc_of(render_svg(chart)).find("2026-W53") != std::string::npos);
  }
  Chart empty;
  empty.name = "empty";
  empty.title = "Nothing";
  CHECK(render_svg(empty).find("<title>Nothing</title>") != std::string::npos);
  CHECK(render_png(empty).substr(1, 3) == "PNG");
}

TEST_CASE("write_charts creates the directory and writes an SVG and a PNG per chart", "[charts]") {
  test::TempDir temp("charts-write");
  const fs::path dir = temp.path / "out" / "charts";
  const auto charts = stats_charts(test::sample_report());
  const auto written = write_charts(charts, dir);
  REQUIRE(written.has_value());
  CHECK(written->size() == 6);
  CHECK(test::entries(dir) == std::vector<std::string>{"faults-by-level.png", "faults-by-level.svg",
                                                       "releases-vs-faults.png", "releases-vs-faults.svg",
                                                       "time-to-recover.png", "time-to-recover.svg"});
  CHECK(desc_of(test::read_all(dir / "time-to-recover.svg")) == desc_of(render_svg(charts[1])));
  CHECK(test::read_all(dir / "faults-by-level.png").substr(1, 3) == "PNG");
  REQUIRE(write_charts(charts, dir).has_value());  // replaces them, leaving no temporary file
  CHECK(test::entries(dir).size() == 6);
}

TEST_CASE("write_charts into a path that is a regular file fails naming it and writes nothing", "[charts]") {
  test::TempDir temp("charts-blocked");
  const fs::path blocker = temp.path / "charts";
  {
    std::ofstream out(blocker);
    out << "not a directory";
  }
  const auto written = write_charts(stats_charts(test::sample_report()), blocker);
  REQUIRE_FALSE(written.has_value());
  CHECK(written.error().kind == ErrorKind::Failed);
  CHECK(written.error().message.find(blocker.string()) != std::string::npos);
  CHECK(test::entries(temp.path) == std::vector<std::string>{"charts"});
  CHECK(test::read_all(blocker) == "not a directory");
}

TEST_CASE("write_charts refuses a chart name that is not a file name", "[charts]") {
  test::TempDir temp("charts-name");
  Chart chart = two_bar_chart();
  chart.name = "../escape";
  const auto written = write_charts({chart}, temp.path / "charts");
  REQUIRE_FALSE(written.has_value());
  CHECK(written.error().message.find("../escape") != std::string::npos);
  CHECK(test::entries(temp.path / "charts").empty());
}
