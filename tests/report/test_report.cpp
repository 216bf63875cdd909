// Tests of the review report: the template data, rendering of the shipped templates in each
// format, escaping of hostile text, user template overrides and template errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "faultline/core/timestamp.hpp"
#include "faultline/report/report.hpp"

using namespace faultline;
using namespace faultline::report;
using namespace date::literals;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

const date::time_zone* shanghai() { return date::locate_zone("Asia/Shanghai"); }
core::TimePoint at(const char* text) { return *core::parse_timestamp(text); }

core::Fault sample_fault() {
  core::Fault fault;
  fault.key = "FAULT-7";
  fault.id = "10007";
  fault.summary = "Checkout errors";
  fault.status = "Reviewing";
  fault.status_category = "indeterminate";
  fault.level = "P3";
  fault.type = "Database";
  fault.source = "monitoring";
  fault.team = "payments";
  fault.service = "checkout";
  fault.business_unit = "retail";
  fault.coordinator = "dave";
  fault.started_at = at("2026-11-25T02:00:00Z");
  fault.detected_at = at("2026-11-25T02:10:00Z");
  fault.recovered_at = at("2026-11-25T03:20:00Z");
  fault.impact = "Some users could not pay.";
  return fault;
}

core::ReviewDoc sample_review() {
  core::ReviewDoc doc;
  doc.file = "review.md";
  doc.level = "P2";
  doc.owner = "alice";
  doc.participants = {"alice", "bob"};
  doc.sections = {{"Summary", "The pool *ran dry*.", 20},
                  {"Root cause", "Too few connections.", 24},
                  {"Custom notes", "Extra.", 30}};
  core::ReviewAction first;
  first.id = "a-1";
  first.summary = "Alert on pool saturation";
  first.owner = "alice";
  first.due_text = "+7d";
  first.due = 2026_y / 12 / 2;
  first.kind = core::ActionKind::Detect;
  first.line = 12;
  core::ReviewAction second = first;
  second.id = "fix-pool";
  second.summary = "Raise the pool size";
  second.owner = "bob";
  second.kind = core::ActionKind::Prevent;
  second.key = "FAULT-13";
  doc.actions = {first, second};
  return doc;
}

std::vector<core::TimelineEntry> sample_timeline() {
  return {{at("2026-11-25T02:00:00Z"), "created", "Carol Wu", "Created"},
          {at("2026-11-25T02:05:00Z"), "status", "Alice Liu", "Status: Reported → Handling"}};
}

std::vector<ActionRow> rows_of(const core::ReviewDoc& doc) {
  std::vector<ActionRow> rows;
  for (const auto& action : doc.actions) rows.push_back({action, "", "", "", ""});
  return rows;
}

json sample_data() {
  const auto doc = sample_review();
  return report_data(sample_fault(), doc, sample_timeline(), rows_of(doc), shanghai(), "https://jira.example.com/");
}

// A fresh directory under the temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("faultline-report-" + std::to_string(rd()));
    fs::create_directories(path / "review");
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / "review" / name) << text;
  }
};

}  // namespace

TEST_CASE("report_data merges the fault and the review file") {
  const json data = sample_data();
  CHECK(data["fault"]["key"] == "FAULT-7");
  CHECK(data["fault_url"] == "https://jira.example.com/browse/FAULT-7");
  CHECK(data["title"] == "FAULT-7: Checkout errors");
  CHECK(data["level"] == "P2");  // the review's level wins
  CHECK(data["level_colour"] == "Yellow");
  CHECK(data["status"] == "Reviewing");
  CHECK(data["status_colour"] == "Blue");
  CHECK(data["facts"]["type"] == "Database");  // the fault's when the review gives none
  CHECK(data["facts"]["owner"] == "alice");
  CHECK(data["facts"]["participants"] == "alice, bob");
  CHECK(data["facts"]["started_at"] == "2026-11-25 10:00 +08:00");
  CHECK(data["facts"]["time_to_detect"] == "10m");
  CHECK(data["facts"]["time_to_recover"] == "1h 20m");
  CHECK(data["facts"]["impact"] == "Some users could not pay.");
  CHECK(data["facts"]["impact_storage"] == "<p>Some users could not pay.</p>");

  const auto& review = data["review"];
  CHECK(review["file"] == "review.md");
  CHECK(review["participants"] == json::array({"alice", "bob"}));
  CHECK(review["started_at"].is_null());
  // The file's sections first, then the default ones it leaves out.
  REQUIRE(review["sections"].size() == 3 + 8);
  CHECK(review["sections"][0]["slug"] == "summary");
  CHECK(review["sections"][0]["markdown"] == "The pool *ran dry*.");
  CHECK(review["sections"][0]["storage"] == "<p>The pool <em>ran dry</em>.</p>");
  CHECK(review["sections"][0]["html"] == "<p>The pool <em>ran dry</em>.</p>");
  CHECK(review["sections"][0]["has_content"] == true);
  CHECK(review["sections"][0]["line"] == 20);
  CHECK(review["by_slug"]["root_cause"]["markdown"] == "Too few connections.");
  CHECK(review["by_slug"]["where_we_got_lucky"]["has_content"] == false);
  CHECK(review["by_slug"]["where_we_got_lucky"]["title"] == "Where we got lucky");
  REQUIRE(review["extra_sections"].size() == 1);
  CHECK(review["extra_sections"][0]["slug"] == "custom_notes");
  CHECK(review["has_extra_sections"] == true);

  REQUIRE(data["timeline"].size() == 2);
  CHECK(data["timeline"][1]["at"] == "2026-11-25T10:05:00+08:00");
  CHECK(data["timeline"][1]["at_display"] == "2026-11-25 10:05 +08:00");
  CHECK(data["timeline"][1]["author"] == "Alice Liu");
  CHECK(data["has_timeline"] == true);

  REQUIRE(data["actions"].size() == 2);
  CHECK(data["actions"][0]["number"] == 1);
  CHECK(data["actions"][0]["id"] == "a-1");
  CHECK(data["actions"][0]["due"] == "2026-12-02");
  CHECK(data["actions"][0]["due_text"] == "+7d");
  CHECK(data["actions"][0]["kind"] == "detect");
  CHECK(data["actions"][0]["key"] == "");
  CHECK(data["actions"][0]["url"] == "");
  CHECK(data["actions"][0]["owner_display"] == "alice");
  CHECK(data["actions"][1]["key"] == "FAULT-13");
  CHECK(data["actions"][1]["url"] == "https://jira.example.com/browse/FAULT-13");
  CHECK(data["page"].is_null());
  CHECK(data["generated_at"].is_null());
}

TEST_CASE("report_data carries the page and generation time when given") {
  const auto doc = sample_review();
  auto rows = rows_of(doc);
  rows[0].key = "FAULT-20";
  rows[0].url = "https://jira.example.com/browse/FAULT-20";
  rows[0].owner_display = "Alice Liu";
  rows[0].status = "To Do";
  const json data = report_data(sample_fault(), doc, {}, rows, shanghai(), "https://jira.example.com",
                                PageInfo{"123", "https://wiki.example.com/x/123", 4}, at("2026-11-26T01:00:00Z"));
  CHECK(data["page"] == json({{"id", "123"}, {"url", "https://wiki.example.com/x/123"}, {"version", 4}}));
  CHECK(data["generated_at"] == "2026-11-26T09:00:00+08:00");
  CHECK(data["actions"][0]["key"] == "FAULT-20");
  CHECK(data["actions"][0]["owner_display"] == "Alice Liu");
  CHECK(data["actions"][0]["status"] == "To Do");
  CHECK(data["has_timeline"] == false);
}

TEST_CASE("the default fault analysis report in storage format") {
  const auto rendered = render_report(sample_data(), "fault-analysis", Format::Storage, "");
  REQUIRE(rendered);
  const std::string& out = *rendered;
  INFO(out);
  // Level and status as status macros.
  CHECK(out.find("<ac:structured-macro ac:name=\"status\"><ac:parameter ac:name=\"colour\">Yellow</ac:parameter>"
                 "<ac:parameter ac:name=\"title\">P2</ac:parameter></ac:structured-macro>") != std::string::npos);
  CHECK(out.find("<ac:parameter ac:name=\"title\">Reviewing</ac:parameter>") != std::string::npos);
  // The process sections.
  for (const char* heading : {"1. Incident walkthrough", "2. Root cause analysis", "3. Preventive measures",
                              "4. Classification", "5. Further notes"})
    CHECK(out.find(heading) != std::string::npos);
  CHECK(out.find("<p>The pool <em>ran dry</em>.</p>") != std::string::npos);
  CHECK(out.find("<h3>Where we got lucky</h3>\n<p><em>Not written.</em></p>") != std::string::npos);
  // The generated timeline table (the file has no Timeline section).
  CHECK(out.find("<tr><td>2026-11-25 10:05 +08:00</td><td>Status: Reported → Handling</td><td>Alice Liu</td></tr>") !=
        std::string::npos);
  // Actions with a Jira issue macro for the one that has a key.
  CHECK(out.find("<ac:structured-macro ac:name=\"jira\"><ac:parameter ac:name=\"key\">FAULT-13</ac:parameter>"
                 "</ac:structured-macro>") != std::string::npos);
  CHECK(out.find("<td>Alert on pool saturation</td><td>detect</td><td>alice</td><td>2026-12-02</td><td><em>created on publish</em></td>") !=
        std::string::npos);
  CHECK(out.find("<a href=\"https://jira.example.com/browse/FAULT-7\">FAULT-7</a>") != std::string::npos);
}

TEST_CASE("a Timeline section in the review file replaces the generated table") {
  auto doc = sample_review();
  doc.sections.push_back({"Timeline", "| Time | Event |\n| --- | --- |\n| 10:00 | Alarm |", 40});
  const json data = report_data(sample_fault(), doc, sample_timeline(), rows_of(doc), shanghai(), "");
  const auto rendered = render_report(data, "fault-analysis", Format::Storage, "");
  REQUIRE(rendered);
  CHECK(rendered->find("Alarm") != std::string::npos);
  CHECK(rendered->find("Reported → Handling") == std::string::npos);
  CHECK(data["fault_url"] == "");
}

TEST_CASE("hostile text comes out escaped in storage format") {
  auto fault = sample_fault();
  fault.summary = "<script>alert(1)</script> ]]> & \"quoted\" 'single' {{fault.key}}";
  auto doc = sample_review();
  doc.type = "<b>bold</b>";
  doc.participants = {"<img src=x>"};
  doc.sections[0].markdown =
      "<ac:structured-macro ac:name=\"html\"><ac:plain-text-body><![CDATA[<script>x</script>]]></ac:plain-text-body>"
      "</ac:structured-macro>\n\nText with \x01 control & ]]> and {{review}}\n\n```\ncode ]]> end\n```\n";
  doc.actions[0].summary = "</td><script>alert(2)</script>";
  std::vector<core::TimelineEntry> timeline = {{at("2026-11-25T02:00:00Z"), "comment", "<evil>", "a & b <i>"}};
  const json data = report_data(fault, doc, timeline, rows_of(doc), shanghai(), "https://jira.example.com");
  for (const char* name : {"fault-analysis", "postmortem"}) {
    for (Format format : {Format::Storage, Format::Html}) {
      const auto rendered = render_report(data, name, format, "");
      REQUIRE(rendered);
      const std::string& out = *rendered;
      INFO(name << " " << to_string(format) << "\n" << out);
      CHECK(out.find("<script>") == std::string::npos);
      const bool escaped_title =
          out.find("&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;quoted&quot; &#39;single&#39; {{fault.key}}") !=
              std::string::npos ||
          out.find("&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;quoted&quot; &apos;single&apos; {{fault.key}}") !=
              std::string::npos;
      CHECK(escaped_title);
      CHECK(out.find("ac:name=\"html\"") == std::string::npos);
      CHECK(out.find("<b>") == std::string::npos);
      CHECK(out.find("<img") == std::string::npos);
      CHECK(out.find("<evil>") == std::string::npos);
      CHECK(out.find("<i>") == std::string::npos);
      CHECK(out.find('\x01') == std::string::npos);
      CHECK(out.find("</td><script>") == std::string::npos);
      // A "]]>" only ever closes a CDATA section faultline opened.
      std::size_t opens = 0, closes = 0;
      for (std::size_t pos = 0; (pos = out.find("<![CDATA[", pos)) != std::string::npos; ++pos) ++opens;
      for (std::size_t pos = 0; (pos = out.find("]]>", pos)) != std::string::npos; ++pos) ++closes;
      CHECK(opens == closes);
    }
  }
}

TEST_CASE("every shipped template renders in every format") {
  const json data = sample_data();
  for (const char* name : {"fault-analysis", "postmortem"}) {
    for (Format format : {Format::Storage, Format::Html, Format::Markdown}) {
      const auto rendered = render_report(data, name, format, "");
      INFO(name << " " << to_string(format) << (rendered ? std::string() : rendered.error().message));
      REQUIRE(rendered);
      CHECK(rendered->find("Alert on pool saturation") != std::string::npos);
      CHECK(rendered->find("Too few connections.") != std::string::npos);
      CHECK(rendered->find("{{") == std::string::npos);
    }
  }
}

TEST_CASE("the markdown report keeps table cells intact") {
  auto doc = sample_review();
  doc.actions[0].summary = "Split a | b\nand <c>";
  const json data = report_data(sample_fault(), doc, {}, rows_of(doc), shanghai(), "https://jira.example.com");
  const auto rendered = render_report(data, "fault-analysis", Format::Markdown, "");
  REQUIRE(rendered);
  INFO(*rendered);
  CHECK(rendered->find("| 1 | Split a \\| b and &lt;c&gt; | detect | alice | 2026-12-02 | _created on publish_ |") !=
        std::string::npos);
  CHECK(rendered->find("[FAULT-13](https://jira.example.com/browse/FAULT-13)") != std::string::npos);
  CHECK(rendered->starts_with("# Fault analysis: FAULT-7: Checkout errors"));
}

TEST_CASE("a user template of the same name wins, and may use the shipped partials") {
  TempDir dir;
  dir.write("fault-analysis.storage.mustache", "<p>Ours: {{fault.key}}</p>\n{{> part-classification}}\n{{> mine}}");
  dir.write("mine.storage.mustache", "<p>{{level}}</p>");
  const auto rendered = render_report(sample_data(), "fault-analysis", Format::Storage, dir.path.string());
  REQUIRE(rendered);
  CHECK(rendered->starts_with("<p>Ours: FAULT-7</p>"));
  CHECK(rendered->find("<th>Service</th><td>checkout</td>") != std::string::npos);
  CHECK(rendered->find("<p>P2</p>") != std::string::npos);
  // Other names still come from the shipped templates.
  const auto postmortem = render_report(sample_data(), "postmortem", Format::Storage, dir.path.string());
  REQUIRE(postmortem);
  CHECK(postmortem->starts_with("<h1>Postmortem: FAULT-7: Checkout errors</h1>"));
}

TEST_CASE("template errors name the template file and line") {
  TempDir dir;
  dir.write("broken.storage.mustache", "<p>one</p>\n<p>two</p>\n{{#actions}}\n<p>{{summary}}</p>\n");
  auto rendered = render_report(sample_data(), "broken", Format::Storage, dir.path.string());
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().kind == ErrorKind::Config);
  CHECK(rendered.error().message.find((dir.path / "review" / "broken.storage.mustache").string() + ":") == 0);
  CHECK(rendered.error().message.find("Unclosed section") != std::string::npos);

  dir.write("partial.storage.mustache", "<p>one</p>\n\n{{> nowhere}}\n");
  rendered = render_report(sample_data(), "partial", Format::Storage, dir.path.string());
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().message.find("partial.storage.mustache:3: no partial nowhere.storage.mustache") !=
        std::string::npos);

  dir.write("bad-partial.storage.mustache", "{{> part-x}}\n");
  dir.write("part-x.storage.mustache", "ok\n{{/closing}}\n");
  rendered = render_report(sample_data(), "bad-partial", Format::Storage, dir.path.string());
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().message.find("part-x.storage.mustache:2:") != std::string::npos);

  dir.write("clash.storage.mustache", "{{> facts}}\n");
  dir.write("facts.storage.mustache", "x\n");
  rendered = render_report(sample_data(), "clash", Format::Storage, dir.path.string());
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().message.find("is also a key of the report data") != std::string::npos);
}

TEST_CASE("a user template or partial that is not UTF-8 text names its file, line and column") {
  TempDir dir;
  dir.write("latin1.storage.mustache", "<p>one</p>\n<p>caf\xe9</p>\n");
  auto rendered = render_report(sample_data(), "latin1", Format::Storage, dir.path.string());
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().kind == ErrorKind::Config);
  CHECK(rendered.error().message ==
        (dir.path / "review" / "latin1.storage.mustache").string() + ":2:7: byte 0xe9 is not valid UTF-8; faultline "
                                                                     "reads text as UTF-8");

  dir.write("with-part.storage.mustache", "{{> part-nul}}\n");
  dir.write("part-nul.storage.mustache", std::string("a\0b\n", 4));
  rendered = render_report(sample_data(), "with-part", Format::Storage, dir.path.string());
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().message.find("part-nul.storage.mustache:1:2: a NUL byte (0x00) is not text") !=
        std::string::npos);
}

TEST_CASE("unknown or unsafe template names are refused") {
  auto rendered = render_report(sample_data(), "nonesuch", Format::Html, "");
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().kind == ErrorKind::Config);
  CHECK(rendered.error().message.find("no report template nonesuch.html.mustache") != std::string::npos);
  rendered = render_report(sample_data(), "../notify/x", Format::Storage, "");
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error().kind == ErrorKind::Usage);
}

TEST_CASE("formats parse from their names") {
  CHECK(parse_format("storage").value() == Format::Storage);
  CHECK(parse_format("html").value() == Format::Html);
  CHECK(parse_format("markdown").value() == Format::Markdown);
  CHECK_FALSE(parse_format("pdf"));
}
