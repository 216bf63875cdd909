// Tests of the stats workbook, read back as a zip: the sheets in order, the native charts
// and the ranges they read, the numbers in the cells, hostile text kept as strings, times as
// Excel date-times in the team's zone, and failures that leave no file.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "faultline/report/workbook.hpp"
#include "report/report_test_support.hpp"
#include "report/zip_reader.hpp"

using namespace faultline;
using namespace faultline::report;

namespace {

namespace fs = std::filesystem;

const date::time_zone* shanghai() { return date::locate_zone("Asia/Shanghai"); }

std::string xml_unescape(std::string text) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : entities)
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
      text.replace(at, std::string_view(entity).size(), plain);
  return text;
}

// The text of every <si> of sharedStrings.xml, unescaped, in index order.
std::vector<std::string> shared_strings(const test::ZipArchive& zip) {
  const std::string xml = zip.read("xl/sharedStrings.xml").value_or("");
  std::vector<std::string> strings;
  for (auto at = xml.find("<si>"); at != std::string::npos; at = xml.find("<si>", at + 1)) {
    const auto open = xml.find('>', xml.find("<t", at)) + 1;
    const auto close = xml.find("</t>", open);
    strings.push_back(xml_unescape(xml.substr(open, close - open)));
  }
  return strings;
}

// The element of cell `ref` ("B2") in a sheet's XML, "" when there is none.
std::string cell_xml(const std::string& sheet, const std::string& ref) {
  const auto at = sheet.find("<c r=\"" + ref + "\"");
  if (at == std::string::npos) return "";
  const auto self_closed = sheet.find("/>", at);
  const auto end = sheet.find("</c>", at);
  if (self_closed < sheet.find('>', at) + 1) return sheet.substr(at, self_closed + 2 - at);
  return sheet.substr(at, end + 4 - at);
}

// The value of cell `ref`: its number as written, or the shared string it points at.
std::string cell(const test::ZipArchive& zip, int sheet_number, const std::string& ref) {
  const std::string sheet = zip.read("xl/worksheets/sheet" + std::to_string(sheet_number) + ".xml").value_or("");
  const std::string element = cell_xml(sheet, ref);
  const auto v = element.find("<v>");
  if (v == std::string::npos) return "";
  const std::string value = element.substr(v + 3, element.find("</v>") - v - 3);
  if (element.find("t=\"s\"") == std::string::npos) return value;
  return shared_strings(zip).at(std::stoul(value));
}

// The sheet names of xl/workbook.xml, in tab order.
std::vector<std::string> sheet_names(const test::ZipArchive& zip) {
  const std::string xml = zip.read("xl/workbook.xml").value_or("");
  std::vector<std::string> names;
  for (auto at = xml.find("<sheet name=\""); at != std::string::npos; at = xml.find("<sheet name=\"", at + 1)) {
    const auto start = at + 13;
    names.push_back(xml_unescape(xml.substr(start, xml.find('"', start) - start)));
  }
  return names;
}

test::ZipArchive written_workbook(const fs::path& file, const core::StatsReport& report) {
  const auto written = write_workbook(report, file, shanghai());
  if (!written) FAIL(written.error().message);
  auto zip = test::ZipArchive::open(file);
  REQUIRE(zip.has_value());
  return std::move(*zip);
}

constexpr int k_summary = 1, k_by_level = 3, k_by_team = 6, k_releases = 10, k_faults = 11, k_actions = 12;

}  // namespace

TEST_CASE("the workbook is a zip with its content types and the sheets in tab order", "[workbook]") {
  test::TempDir temp("workbook-sheets");
  const auto zip = written_workbook(temp.path / "stats.xlsx", test::sample_report());
  const auto types = zip.read("[Content_Types].xml");
  REQUIRE(types.has_value());
  CHECK(types->find("spreadsheetml.sheet.main+xml") != std::string::npos);
  const std::vector<std::string> expected{"Summary", "Charts", "By level", "By type", "By source", "By team",
                                          "By business unit", "By service", "Actions by owner team", "Releases",
                                          "Faults", "Actions"};
  CHECK(workbook_sheet_names() == expected);
  CHECK(sheet_names(zip) == expected);
  for (const auto& name : expected) CHECK(name.size() <= 31);
}

TEST_CASE("the native charts read the level, recovery and release columns of the period rows", "[workbook]") {
  test::TempDir temp("workbook-charts");
  const auto zip = written_workbook(temp.path / "stats.xlsx", test::sample_report());
  const auto levels = zip.read("xl/charts/chart1.xml");
  const auto recovery = zip.read("xl/charts/chart2.xml");
  const auto releases = zip.read("xl/charts/chart3.xml");
  REQUIRE(levels.has_value());
  REQUIRE(recovery.has_value());
  REQUIRE(releases.has_value());
  CHECK(levels->find("<c:grouping val=\"stacked\"/>") != std::string::npos);
  CHECK(levels->find("'By level'!$A$2:$A$14") != std::string::npos);
  CHECK(levels->find("'By level'!$B$2:$B$14") != std::string::npos);  // P1
  CHECK(levels->find("'By level'!$F$2:$F$14") != std::string::npos);  // (none)
  CHECK(recovery->find("<c:lineChart>") != std::string::npos);
  CHECK(recovery->find("Summary!$D$2:$D$14") != std::string::npos);  // median
  CHECK(recovery->find("Summary!$E$2:$E$14") != std::string::npos);  // p90
  CHECK(releases->find("Releases!$B$2:$B$14") != std::string::npos);
  CHECK(releases->find("Releases!$C$2:$C$14") != std::string::npos);
}

TEST_CASE("without release data the release chart has the faults series only", "[workbook]") {
  test::TempDir temp("workbook-no-releases");
  const auto zip = written_workbook(temp.path / "stats.xlsx", test::sample_report(13, core::PeriodUnit::Month, false));
  const auto releases = zip.read("xl/charts/chart3.xml");
  REQUIRE(releases.has_value());
  CHECK(releases->find("Releases!$B$2:$B$14") == std::string::npos);
  CHECK(releases->find("Releases!$C$2:$C$14") != std::string::npos);
  CHECK(cell(zip, k_releases, "B2").empty());
  CHECK(cell(zip, k_releases, "C2") == std::to_string(test::sample_report().periods[0].faults));
}

TEST_CASE("the level sheet holds each period's count per level and the total row", "[workbook]") {
  test::TempDir temp("workbook-levels");
  const auto report = test::sample_report();
  const auto zip = written_workbook(temp.path / "stats.xlsx", report);
  CHECK(cell(zip, k_by_level, "A1") == "Period");
  CHECK(cell(zip, k_by_level, "B1") == "P1");
  CHECK(cell(zip, k_by_level, "F1") == "(none)");
  CHECK(cell(zip, k_by_level, "A2") == "2025-11");
  CHECK(cell(zip, k_by_level, "B2") == std::to_string(report.periods[0].by_level.at("P1")));
  CHECK(cell(zip, k_by_level, "D7") == std::to_string(report.periods[5].by_level.at("P3")));
  CHECK(cell(zip, k_by_level, "F2") == "0");  // no "(none)" fault that month: a zero, not a blank
  CHECK(cell(zip, k_by_level, "A15") == "total");
  CHECK(cell(zip, k_by_level, "B15") == std::to_string(report.total.by_level.at("P1")));
}

TEST_CASE("the summary sheet holds the counts, the recovery hours and blanks for unknown values", "[workbook]") {
  test::TempDir temp("workbook-summary");
  const auto report = test::sample_report();
  const auto zip = written_workbook(temp.path / "stats.xlsx", report);
  CHECK(cell(zip, k_summary, "B2") == std::to_string(report.periods[0].faults));
  CHECK(std::stod(cell(zip, k_summary, "D2")) == Approx(*report.periods[0].time_to_recover.median / 60.0));
  CHECK(std::stod(cell(zip, k_summary, "E2")) == Approx(*report.periods[0].time_to_recover.p90 / 60.0));
  CHECK(cell(zip, k_summary, "D5").empty());  // 2026-02 has no time to recover
  CHECK(std::stod(cell(zip, k_summary, "S2")) == static_cast<double>(*report.periods[0].releases));
  CHECK(cell(zip, k_summary, "A15") == "total");
}

TEST_CASE("the releases sheet holds the correlation figures and sentence", "[workbook]") {
  test::TempDir temp("workbook-correlation");
  const auto report = test::sample_report();
  const auto zip = written_workbook(temp.path / "stats.xlsx", report);
  const auto strings = shared_strings(zip);
  CHECK(std::find(strings.begin(), strings.end(), report.correlation.sentence) != strings.end());
  CHECK(std::find(strings.begin(), strings.end(), "Spearman rho") != strings.end());
  CHECK(std::find(strings.begin(), strings.end(), "checkout") != strings.end());
  const std::string sheet = zip.read("xl/worksheets/sheet10.xml").value_or("");
  CHECK(sheet.find("<v>0.58</v>") != std::string::npos);
  CHECK(sheet.find("<v>0.037</v>") != std::string::npos);
}

TEST_CASE("a hostile team name is a shared string and no cell is a formula", "[workbook]") {
  test::TempDir temp("workbook-hostile");
  const auto zip = written_workbook(temp.path / "stats.xlsx", test::sample_report());
  const std::string hostile = "=cmd|' /C calc'!A0";
  const auto strings = shared_strings(zip);
  CHECK(std::find(strings.begin(), strings.end(), hostile) != strings.end());
  CHECK(cell(zip, k_by_team, "B1") == hostile);
  CHECK(cell(zip, k_faults, "F2") == hostile);
  for (const auto& name : zip.names())
    if (name.rfind("xl/worksheets/", 0) == 0) CHECK(zip.read(name).value_or("").find("<f>") == std::string::npos);
}

TEST_CASE("control characters are removed from text cells", "[workbook]") {
  test::TempDir temp("workbook-control");
  const auto zip = written_workbook(temp.path / "stats.xlsx", test::sample_report());
  CHECK(cell(zip, k_faults, "B2") == "Checkout errors  after deploy");
  const std::string xml = zip.read("xl/sharedStrings.xml").value_or("");
  CHECK(xml.find('\x01') == std::string::npos);
  CHECK(xml.find("_x0001_") == std::string::npos);
}

TEST_CASE("text that looks like Excel's _xHHHH_ escape stays literal", "[workbook]") {
  test::TempDir temp("workbook-escape");
  auto report = test::sample_report();
  report.faults[0].summary = "see _x0041_ and _x12_";
  const auto zip = written_workbook(temp.path / "stats.xlsx", report);
  CHECK(cell(zip, k_faults, "B2") == "see _x005F_x0041_ and _x12_");
}

TEST_CASE("fault and action times are Excel date-times in the team's zone", "[workbook]") {
  test::TempDir temp("workbook-times");
  const auto report = test::sample_report();
  const auto zip = written_workbook(temp.path / "stats.xlsx", report);
  // FAULT-1 started 2025-11-02 02:00 UTC = 10:00 in Asia/Shanghai.
  using namespace date;
  const double day = static_cast<double>((sys_days(year{2025} / 11 / 2) - sys_days(year{1899} / 12 / 30)).count());
  CHECK(std::stod(cell(zip, k_faults, "J2")) == Approx(day + 10.0 / 24.0));
  CHECK(cell_xml(zip.read("xl/worksheets/sheet11.xml").value_or(""), "J2").find(" s=\"") != std::string::npos);
  CHECK(std::stod(cell(zip, k_faults, "N2")) == Approx(80.0));  // time to recover, minutes
  CHECK(std::stod(cell(zip, k_faults, "O2")) == Approx(10.0));  // time to detect
  CHECK(cell(zip, k_faults, "K3").empty());                      // FAULT-2 was never detected
  const double due = static_cast<double>((sys_days(year{2025} / 12 / 2) - sys_days(year{1899} / 12 / 30)).count());
  CHECK(std::stod(cell(zip, k_actions, "F2")) == Approx(due));
  CHECK(cell(zip, k_actions, "A2") == "FAULT-3");
  CHECK(cell(zip, k_actions, "K2") == "detect");
}

TEST_CASE("a workbook in a missing directory fails naming the file and leaves nothing", "[workbook]") {
  test::TempDir temp("workbook-missing");
  const fs::path file = temp.path / "missing" / "stats.xlsx";
  const auto written = write_workbook(test::sample_report(), file, shanghai());
  REQUIRE_FALSE(written.has_value());
  CHECK(written.error().kind == ErrorKind::Failed);
  CHECK(written.error().message.find(file.string()) != std::string::npos);
  CHECK_FALSE(fs::exists(temp.path / "missing"));
  CHECK(test::entries(temp.path).empty());
}

TEST_CASE("writing a workbook again replaces it and leaves no temporary file", "[workbook]") {
  test::TempDir temp("workbook-replace");
  const fs::path file = temp.path / "stats.xlsx";
  REQUIRE(write_workbook(test::sample_report(), file, shanghai()).has_value());
  REQUIRE(write_workbook(test::sample_report(4), file, nullptr).has_value());
  CHECK(test::entries(temp.path) == std::vector<std::string>{"stats.xlsx"});
  const auto zip = test::ZipArchive::open(file);
  REQUIRE(zip.has_value());
  CHECK(cell(*zip, k_by_level, "A6") == "total");
}

TEST_CASE("a report without periods still makes a workbook, without charts", "[workbook]") {
  test::TempDir temp("workbook-empty");
  core::StatsReport report;
  report.total.period.label = "total";
  const auto zip = written_workbook(temp.path / "stats.xlsx", report);
  CHECK(sheet_names(zip).size() == 12);
  CHECK_FALSE(zip.read("xl/charts/chart1.xml").has_value());
  CHECK(cell(zip, k_summary, "A2") == "total");
}
