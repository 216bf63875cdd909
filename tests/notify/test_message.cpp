#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "faultline/notify/markdown_literals.hpp"
#include "faultline/notify/message.hpp"
#include "notify_test_support.hpp"

using namespace faultline;
using namespace faultline::notify;
namespace fs = std::filesystem;

namespace {

// A fresh directory removed at the end of the test.
class TempDir {
public:
  explicit TempDir(const std::string& tag)
      : m_path(fs::temp_directory_path() / ("faultline-notify-" + tag + "-" + std::to_string(::getpid()))) {
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  const fs::path& path() const { return m_path; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(m_path / name, std::ios::binary) << text;
  }

private:
  fs::path m_path;
};

TemplateDirs shipped_only() { return TemplateDirs{{}, {std::string(FAULTLINE_SOURCE_DIR) + "/templates/notify"}}; }

}  // namespace

TEST_CASE("every shipped event template renders the fixture data into a title and a body") {
  const auto events = test::load_fixture("events.json");
  for (const auto event : k_events) {
    INFO(event);
    REQUIRE(events.contains(std::string(event)));
    const auto message = render_message(event, events[std::string(event)], shipped_only());
    REQUIRE(message.has_value());
    CHECK(message->event == event);
    CHECK_FALSE(message->title.empty());
    CHECK_FALSE(message->markdown_body.empty());
    CHECK(message->title.find("{{") == std::string::npos);
    CHECK(message->markdown_body.find("{{") == std::string::npos);
    CHECK_FALSE(message->dedupe_key.empty());
  }
}

TEST_CASE("fault.opened: title, body, link, mentions and the default dedupe key come from the data") {
  const auto data = test::load_fixture("events.json")["fault.opened"];
  const auto message = render_message("fault.opened", data, shipped_only());
  REQUIRE(message.has_value());
  CHECK(message->title == "[P2] FAULT-12 opened: Checkout returns 502");
  CHECK(message->markdown_body.find("- **Service:** checkout") != std::string::npos);
  CHECK(message->markdown_body.find("- **Coordinator:** dave") != std::string::npos);
  CHECK(message->link_url == "https://example.atlassian.net/browse/FAULT-12");
  CHECK(message->link_title == "FAULT-12");
  CHECK(message->mention_people == std::vector<std::string>{"dave", "alice"});
  CHECK(message->dedupe_key == "FAULT-12:fault.opened");
}

TEST_CASE("an explicit dedupe_key in the data wins; actions.overdue lists each owner's actions") {
  const auto data = test::load_fixture("events.json")["actions.overdue"];
  const auto message = render_message("actions.overdue", data, shipped_only());
  REQUIRE(message.has_value());
  CHECK(message->dedupe_key == "actions.overdue:2026-11-25");
  CHECK(message->title == "2 overdue fault action(s)");
  CHECK(message->markdown_body.find("[FAULT-14](https://example.atlassian.net/browse/FAULT-14) Alert on 502 rate") !=
        std::string::npos);
}

TEST_CASE("values are escaped as literal Markdown text, not HTML; a triple mustache stays raw") {
  const auto message = render_template_text("t.md.mustache", "# {{a}}\n\n{{b}} {{{c}}}\n", "fault.opened",
                                            {{"a", "A & B <c>"}, {"b", "x \"y\" [z](u)"}, {"c", "**raw**"}});
  REQUIRE(message.has_value());
  CHECK(message->title == "A \\& B \\<c\\>");
  CHECK(markdown_to_plain(message->title) == "A & B <c>");
  CHECK(message->markdown_body == "x \"y\" \\[z\\](u) **raw**");
}

TEST_CASE("a newline in a value does not end the title; in the body it stays a line break") {
  const auto message = render_template_text("t.md.mustache", "{{a}} opened\n\n{{b}}\n", "fault.opened",
                                            {{"a", "line one\r\n# line two"}, {"b", "first\n- second"}});
  REQUIRE(message.has_value());
  CHECK(message->title == "line one \\# line two opened");
  CHECK(message->markdown_body == "first\n\\- second");
}

TEST_CASE("a template in the user's directory overrides the shipped one") {
  TempDir dir("override");
  dir.write("fault.opened.md.mustache", "OVERRIDE {{fault.key}}\n\ncustom body\n");
  TemplateDirs dirs = shipped_only();
  dirs.user_dir = dir.path().string();
  const auto data = test::load_fixture("events.json")["fault.opened"];
  const auto message = render_message("fault.opened", data, dirs);
  REQUIRE(message.has_value());
  CHECK(message->title == "OVERRIDE FAULT-12");
  CHECK(message->markdown_body == "custom body");
  // Events the user did not override still come from the shipped directory.
  const auto recovered = render_message("fault.recovered", test::load_fixture("events.json")["fault.recovered"], dirs);
  REQUIRE(recovered.has_value());
  CHECK(recovered->title.find("recovered") != std::string::npos);
}

TEST_CASE("a template syntax error names the file and the line") {
  TempDir dir("syntax");
  dir.write("fault.opened.md.mustache", "Title {{fault.key}}\n\nline two\n{{#fault}}\nunclosed\n");
  TemplateDirs dirs = shipped_only();
  dirs.user_dir = dir.path().string();
  const auto message = render_message("fault.opened", {{"fault", {{"key", "F-1"}}}}, dirs);
  REQUIRE_FALSE(message.has_value());
  CHECK(message.error().kind == ErrorKind::Config);
  const std::string expected_file = (dir.path() / "fault.opened.md.mustache").string();
  CHECK(message.error().message.find(expected_file + ":4:") == 0);
  CHECK(message.error().message.find("Unclosed section") != std::string::npos);
}

TEST_CASE("a missing template and an empty title are errors that say where") {
  const auto missing = render_message("no.such.event", {}, shipped_only());
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("no.such.event.md.mustache") != std::string::npos);
  CHECK(missing.error().message.find("templates/notify") != std::string::npos);

  const auto empty = render_template_text("x.md.mustache", "{{missing}}\n\n", "fault.opened", {});
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().message.find("x.md.mustache") == 0);
}

TEST_CASE("default template dirs end with the source tree's templates/notify") {
  const auto dirs = default_template_dirs("/etc/faultline/templates");
  CHECK(dirs.user_dir == "/etc/faultline/templates");
  REQUIRE_FALSE(dirs.shipped_dirs.empty());
  CHECK(dirs.shipped_dirs.back().ends_with("templates/notify"));
}
