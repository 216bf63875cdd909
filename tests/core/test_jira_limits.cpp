// Tests of Jira's and Confluence's text limits checked before any write: lengths counted in
// characters (not bytes), the edges of every kind, labels without spaces, one-line summaries,
// and messages that quote a huge value shortened.
#include <catch2/catch.hpp>

#include <string>

#include "faultline/core/jira_limits.hpp"

using namespace faultline;
using namespace faultline::core;

namespace {

// `count` copies of `unit` (a character of one or more UTF-8 bytes).
std::string repeat(std::string_view unit, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

}  // namespace

TEST_CASE("Jira text limits: accepted at the limit, refused one character over", "[core][jira_limits]") {
  struct Row {
    JiraText kind;
    std::size_t limit;
  };
  const Row row = GENERATE(Row{JiraText::Summary, 255}, Row{JiraText::Label, 255}, Row{JiraText::Comment, 32767},
                           Row{JiraText::Description, 32767}, Row{JiraText::PageTitle, 255},
                           Row{JiraText::TextField, 255}, Row{JiraText::UserName, 255});
  INFO(describe(row.kind));
  CHECK(max_characters(row.kind) == row.limit);
  CHECK_FALSE(jira_text_problem(row.kind, repeat("a", row.limit)));
  const auto over = jira_text_problem(row.kind, repeat("a", row.limit + 1));
  REQUIRE(over);
  CHECK(*over == "too long for " + std::string(describe(row.kind)) + " (" + std::to_string(row.limit + 1) +
                     " characters, at most " + std::to_string(row.limit) + "): \"" + repeat("a", 60) + "\u2026\"");
}

TEST_CASE("Jira text limits count characters as Java does, not bytes", "[core][jira_limits]") {
  // 255 CJK characters are 765 bytes and still a valid summary; 256 are not.
  CHECK(count_characters(repeat("\u6545", 255)) == 255);
  CHECK_FALSE(jira_text_problem(JiraText::Summary, repeat("\u6545", 255)));
  CHECK(jira_text_problem(JiraText::Summary, repeat("\u6545", 256)));
  // A character beyond U+FFFF (an emoji, four bytes) counts twice, as Java's String.length()
  // counts it: 127 emoji (254) fit a summary, 128 (256) do not.
  CHECK(count_characters("\xF0\x9F\x94\xA5!") == 3);
  CHECK_FALSE(jira_text_problem(JiraText::Summary, repeat("\xF0\x9F\x94\xA5", 127)));
  CHECK(jira_text_problem(JiraText::Summary, repeat("\xF0\x9F\x94\xA5", 128)));
  // Each invalid byte counts as one character.
  CHECK(count_characters("\xFF\xFE" "ab") == 4);
  // A comment of 32767 multi-byte characters (98301 bytes) is within the limit.
  CHECK_FALSE(jira_text_problem(JiraText::Comment, repeat("\u00e9", 32767)));
  CHECK(jira_text_problem(JiraText::Comment, repeat("\u00e9", 32768)));
}

TEST_CASE("Jira labels are one word; summaries one line; both non-empty", "[core][jira_limits]") {
  CHECK_FALSE(jira_text_problem(JiraText::Label, "fault-level-p1"));
  for (const char* bad : {"two words", "tab\there", "line\nbreak", "bell\x07"}) {
    INFO(bad);
    const auto problem = jira_text_problem(JiraText::Label, bad);
    REQUIRE(problem);
    CHECK(problem->find("cannot contain spaces") != std::string::npos);
  }
  CHECK(jira_text_problem(JiraText::Label, ""));
  CHECK(jira_text_problem(JiraText::Summary, "   "));
  CHECK(jira_text_problem(JiraText::PageTitle, ""));
  CHECK_FALSE(jira_text_problem(JiraText::Comment, ""));      // optional texts may be empty
  CHECK_FALSE(jira_text_problem(JiraText::TextField, ""));
  const auto broken = jira_text_problem(JiraText::Summary, "first line\nsecond line");
  REQUIRE(broken);
  CHECK(broken->find("one line") != std::string::npos);
  CHECK_FALSE(jira_text_problem(JiraText::Comment, "first line\nsecond line"));
  CHECK_FALSE(jira_text_problem(JiraText::Summary, "Checkout returns 500 \u2014 \u7ed3\u7b97\u5931\u8d25"));
}

TEST_CASE("a 1 MB value makes a short message that names the flag, the limit and the size", "[core][jira_limits]") {
  const std::string huge(1048576, 'x');
  auto checked = check_jira_text(JiraText::Summary, "--title", huge);
  REQUIRE_FALSE(checked);
  const Error& error = checked.error();
  CHECK(error.kind == ErrorKind::Usage);
  INFO(error.message);
  CHECK(error.message.size() < 300);
  CHECK(error.message == "--title: too long for a Jira summary (1048576 characters, at most 255): \"" +
                             std::string(60, 'x') + "\u2026\"");
  CHECK_FALSE(error.hint.empty());
  CHECK(error.details.empty());  // one problem: the message says it
}

TEST_CASE("check_jira_texts reports every value Jira would refuse, and passes good ones", "[core][jira_limits]") {
  CHECK(check_jira_texts({{"--title", JiraText::Summary, "Checkout 500s"}, {"--team", JiraText::TextField, "payments"}}));
  const std::string long_title(300, 't');
  const std::string long_team(256, 'p');
  auto checked = check_jira_texts({{"--title", JiraText::Summary, long_title},
                                   {"--service", JiraText::TextField, "checkout"},
                                   {"--team", JiraText::TextField, long_team}});
  REQUIRE_FALSE(checked);
  CHECK(checked.error().message.starts_with("--title: "));
  REQUIRE(checked.error().details.size() == 2);
  CHECK(checked.error().details[0].starts_with("--title: "));
  CHECK(checked.error().details[1].starts_with("--team: too long for a Jira text field"));
}

TEST_CASE("fit_characters cuts a composed text to a limit on a character boundary", "[core][jira_limits]") {
  CHECK(fit_characters("short", 255) == "short");
  CHECK(fit_characters(repeat("a", 255), 255) == repeat("a", 255));
  CHECK(fit_characters(repeat("a", 300), 255) == repeat("a", 254) + "\u2026");
  CHECK(count_characters(fit_characters(repeat("\u6545", 300), 255)) == 255);
  CHECK(fit_characters(repeat("\u6545", 3), 2) == "\u6545\u2026");
  CHECK(fit_characters("abc", 0).empty());
  // An emoji (two) is not split: "a" + "…" when only two fit after the cut.
  CHECK(fit_characters("a\xF0\x9F\x94\xA5" "bc", 3) == "a\u2026");
  CHECK(count_characters(fit_characters(repeat("\xF0\x9F\x94\xA5", 200), 255)) <= 255);
}
