// The shipped monthly report templates, in the three formats: every section renders from a
// hand-made document, charts are embedded the way each format needs (storage: an attachment
// image; HTML and Markdown: the PNG file beside the report), and hostile text stays text.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faultline/report/report.hpp"

using namespace faultline;
using nlohmann::json;

namespace {

json sample() {
  return json::parse(R"({
    "month": "2026-11", "month_name": "November 2026", "title": "Fault report 2026-11",
    "previous_month": "2026-10", "last_year_month": "2025-11", "cutoff": "2026-12-01", "zone": "Asia/Shanghai",
    "headline": [{"metric": "faults", "label": "Faults", "value": "3", "previous": "1", "last_year": "5",
                  "change_previous": "+2", "change_last_year": "-2"}],
    "has_levels": true, "levels": [{"level": "P1", "count": 1, "previous": 0, "last_year": 0, "change_previous": "+1"}],
    "faults": [{"key": "FAULT-10", "url": "https://jira.example/browse/FAULT-10",
                "summary": "checkout <script>alert(1)</script> | pipes ]]> & more", "level": "P1", "team": "payments",
                "service": "pay-api", "status": "Closed", "started": "2026-11-03 10:00", "time_to_recover": "30m",
                "time_to_recover_minutes": 30, "review": {"url": "https://wiki.example/pages/10", "state": "met_on_time"}}],
    "has_faults": true,
    "reviews": {"on_time": 1, "late": 0, "missing": 1, "not_due": 0, "on_time_percent": 50, "on_time_text": "50%"},
    "actions": {"opened": 5, "closed": 2, "closed_on_time": 1, "overdue": 3, "has_overdue": true,
                "overdue_by_team": [{"team": "orders", "count": 2}],
                "overdue_by_owner": [{"owner": "bob", "team": "orders", "count": 2}]},
    "releases": {"source": "csv", "has_data": true, "this_month": 12, "months": [],
                 "correlation": {"n": 12, "sentence": "more releases went with more faults", "cautions": []}},
    "page": null,
    "charts": [{"name": "faults-by-level", "title": "Faults by level", "file": "faults-by-level.png", "caption": "c1"}]
  })");
}

std::string render(report::Format format) {
  auto rendered = report::render_template(sample(), "report", "monthly", format, "");
  INFO((rendered ? "" : rendered.error().message));
  REQUIRE(rendered);
  return *rendered;
}

}  // namespace

TEST_CASE("the storage template embeds the charts as page attachments and escapes text", "[monthly_templates]") {
  const auto page = render(report::Format::Storage);
  CHECK_THAT(page, Catch::Contains("<ri:attachment ri:filename=\"faults-by-level.png\" />"));
  CHECK_THAT(page, Catch::Contains("<a href=\"https://jira.example/browse/FAULT-10\">FAULT-10</a>"));
  CHECK_THAT(page, Catch::Contains("<a href=\"https://wiki.example/pages/10\">review</a>"));
  CHECK_THAT(page, Catch::Contains("&lt;script&gt;"));
  CHECK_THAT(page, !Catch::Contains("<script>"));
  CHECK_THAT(page, Catch::Contains("more releases went with more faults"));
  CHECK_THAT(page, Catch::Contains("<td>orders</td><td>2</td>"));
  CHECK_THAT(page, Catch::Contains("<td>P1</td><td>1</td>"));
}

TEST_CASE("the HTML template is a page that shows the PNG files beside it", "[monthly_templates]") {
  const auto page = render(report::Format::Html);
  CHECK(page.starts_with("<!DOCTYPE html>"));
  CHECK_THAT(page, Catch::Contains("<img src=\"faults-by-level.png\""));
  CHECK_THAT(page, !Catch::Contains("ri:attachment"));
  CHECK_THAT(page, !Catch::Contains("<script>"));
}

TEST_CASE("the Markdown template keeps table cells whole", "[monthly_templates]") {
  const auto page = render(report::Format::Markdown);
  CHECK(page.starts_with("# Fault report 2026-11"));
  CHECK_THAT(page, Catch::Contains("![Faults by level](faults-by-level.png)"));
  CHECK_THAT(page, Catch::Contains("\\| pipes"));
  CHECK_THAT(page, Catch::Contains("| Faults | **3** | 1 | +2 | 5 | -2 |"));
}

TEST_CASE("an unknown report template names where it looked", "[monthly_templates]") {
  const auto rendered = report::render_template(sample(), "report", "quarterly", report::Format::Html, "");
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().kind == ErrorKind::Config);
  CHECK_THAT(rendered.error().message, Catch::Contains("quarterly.html.mustache"));
  CHECK_THAT(rendered.error().hint, Catch::Contains("team.template_dir/report/"));
}
