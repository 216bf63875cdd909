// Tests of the review file: front matter parsing with every problem and its line, sections,
// relative dues, derived action ids, and write_review round trips.
#include <catch2/catch.hpp>

#include <algorithm>

#include "faultline/core/review.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/util/strings.hpp"

using namespace faultline::core;
using namespace date::literals;

namespace {

const date::time_zone* shanghai() { return date::locate_zone("Asia/Shanghai"); }
constexpr date::year_month_day k_today = 2026_y / 11 / 25;

ReviewParse parse(std::string_view text) { return parse_review(text, "review.md", k_today, shanghai()); }

std::vector<std::string> problem_lines(const ReviewParse& parsed) {
  std::vector<std::string> out;
  for (const auto& problem : parsed.problems) out.push_back(to_string(problem));
  return out;
}

bool has_problem(const ReviewParse& parsed, const std::string& prefix) {
  return std::any_of(parsed.problems.begin(), parsed.problems.end(),
                     [&](const ReviewProblem& p) { return to_string(p).starts_with(prefix); });
}

constexpr const char* k_good = R"(+++
level = "P2"
type = "Database"
source = "monitoring"
team = "payments"
business_unit = "retail"
owner = "alice"
participants = ["alice", "bob"]
started_at = 2026-11-25T10:00:00+08:00
detected_at = "2026-11-25T10:05:00"
recovered_at = 2026-11-25T11:20:00Z
impact = """
Checkout failed for 12% of users.
"""

[[action]]
summary = "Alert on pool saturation"
owner = "alice"
due = "+7d"
kind = "detect"

[[action]]
id = "fix-pool"
summary = "Raise the pool size"
owner = "bob"
due = 2026-12-01
kind = "Prevent"
key = "FAULT-13"
+++

## Summary

The pool ran dry.

## Timeline

```
## not a heading inside code
```

## Root cause
Too few connections.
)";

}  // namespace

TEST_CASE("parse_review reads the front matter, actions and sections of a good file") {
  const auto parsed = parse(k_good);
  INFO(faultline::join(problem_lines(parsed), "\n"));
  REQUIRE(parsed.problems.empty());
  const auto& doc = parsed.doc;
  CHECK(doc.file == "review.md");
  CHECK(doc.level == "P2");
  CHECK(doc.type == "Database");
  CHECK(doc.source == "monitoring");
  CHECK(doc.team == "payments");
  CHECK(doc.business_unit == "retail");
  CHECK(doc.owner == "alice");
  CHECK(doc.participants == std::vector<std::string>{"alice", "bob"});
  CHECK(doc.impact == "Checkout failed for 12% of users.");
  REQUIRE(doc.started_at);
  CHECK(*doc.started_at == *parse_timestamp("2026-11-25T02:00:00Z"));
  REQUIRE(doc.detected_at);  // local time in the team's zone
  CHECK(*doc.detected_at == *parse_timestamp("2026-11-25T02:05:00Z"));
  REQUIRE(doc.recovered_at);
  CHECK(*doc.recovered_at == *parse_timestamp("2026-11-25T11:20:00Z"));

  REQUIRE(doc.actions.size() == 2);
  CHECK(doc.actions[0].summary == "Alert on pool saturation");
  CHECK(doc.actions[0].due_text == "+7d");
  REQUIRE(doc.actions[0].due);
  CHECK(*doc.actions[0].due == 2026_y / 12 / 2);
  CHECK(doc.actions[0].kind == ActionKind::Detect);
  CHECK(doc.actions[0].id == derive_action_id("Alert on pool saturation"));
  CHECK(doc.actions[0].line == 16);
  CHECK(doc.actions[1].id == "fix-pool");
  CHECK(doc.actions[1].key == "FAULT-13");
  CHECK(doc.actions[1].kind == ActionKind::Prevent);
  CHECK(doc.actions[1].due_text == "2026-12-01");
  CHECK(doc.actions[1].line == 22);

  REQUIRE(doc.sections.size() == 3);
  CHECK(doc.sections[0].title == "Summary");
  CHECK(doc.sections[0].markdown == "The pool ran dry.");
  CHECK(doc.sections[0].line == 31);
  CHECK(doc.sections[1].title == "Timeline");
  CHECK(doc.sections[1].markdown.find("## not a heading") != std::string::npos);
  CHECK(doc.sections[2].title == "Root cause");
  CHECK(doc.sections[2].markdown == "Too few connections.");
}

TEST_CASE("parse_review reports every problem with its file and line") {
  const std::string text = R"(+++
levle = "P2"
source = "monitorin"
started_at = "yesterday-ish"
participants = "alice"

[[action]]
summary = "Add an alert"
owner = "alice"
due = "2026-11-01"
kind = "prevnt"

[[action]]
summry = "Typo"
due = "soon"

[[action]]
summary = "Add an alert"
owner = "bob"
due = "+2w"
+++

## Summary
ok
)";
  const auto parsed = parse(text);
  const auto lines = problem_lines(parsed);
  INFO(faultline::join(lines, "\n"));
  CHECK(has_problem(parsed, "review.md:2: levle: unknown key (did you mean 'level'?)"));
  CHECK(has_problem(parsed, "review.md:3: source: 'monitorin' is not a source"));
  CHECK(has_problem(parsed, "review.md:4: started_at: 'yesterday-ish' is not a time"));
  CHECK(has_problem(parsed, "review.md:5: participants: expected an array"));
  CHECK(has_problem(parsed, "review.md:10: action[1].due: 2026-11-01 is in the past"));
  CHECK(has_problem(parsed, "review.md:11: action[1].kind: 'prevnt' is not a kind"));
  CHECK(has_problem(parsed, "review.md:14: action[2].summry: unknown key (did you mean 'summary'?)"));
  CHECK(has_problem(parsed, "review.md:15: action[2].due: 'soon' is not a due date"));
  CHECK(has_problem(parsed, "review.md:13: action[2].summary: missing"));
  CHECK(has_problem(parsed, "review.md:13: action[2].owner: missing"));
  CHECK(has_problem(parsed, "review.md:17: action[3].id: duplicate action id"));
  CHECK(parsed.problems.size() == 11);
  // Problems come in line order.
  CHECK(std::is_sorted(parsed.problems.begin(), parsed.problems.end(),
                       [](const auto& a, const auto& b) { return a.line < b.line; }));
}

TEST_CASE("parse_review accepts a past due date on an action that already has a key") {
  const auto parsed = parse("+++\n[[action]]\nsummary = \"x\"\nowner = \"a\"\ndue = 2026-11-01\nkey = \"FAULT-9\"\n+++\n");
  INFO(faultline::join(problem_lines(parsed), "\n"));
  CHECK(parsed.problems.empty());
  // Due today is not in the past.
  CHECK(parse("+++\n[[action]]\nsummary = \"x\"\nowner = \"a\"\ndue = \"2026-11-25\"\n+++\n").problems.empty());
}

TEST_CASE("parse_review gives TOML syntax errors their line in the file") {
  const auto parsed = parse("+++\nlevel = \"P2\"\nteam = \"payments\ntype = \"x\"\n+++\n## Summary\n");
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0].line == 3);
  CHECK(parsed.problems[0].field == "front matter");
  CHECK(parsed.problems[0].message.starts_with("not valid TOML"));
}

TEST_CASE("parse_review needs the +++ fences") {
  auto parsed = parse("## Summary\ntext\n");
  REQUIRE_FALSE(parsed.problems.empty());
  CHECK(to_string(parsed.problems[0]).starts_with("review.md:1: front matter: the file must start with"));
  parsed = parse("+++\nlevel = \"P1\"\n## Summary\n");
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0].message.starts_with("no closing '+++'"));
}

TEST_CASE("parse_review flags a single-bracket [action], bad ids and keys, and stray text") {
  const auto parsed = parse(
      "+++\n[action]\nsummary = \"x\"\n+++\nstray\n## A\n\n## A\n");
  INFO(faultline::join(problem_lines(parsed), "\n"));
  CHECK(has_problem(parsed, "review.md:2: action: each action is an [[action]] table"));
  CHECK(has_problem(parsed, "review.md:5: sections: text before the first '## ' heading"));
  CHECK(has_problem(parsed, "review.md:8: sections: duplicate section 'A'"));

  const auto ids = parse("+++\n[[action]]\nid = \"Bad Id\"\nsummary = \"x\"\nowner = \"a\"\ndue = \"+1d\"\nkey = \"not a key\"\n+++\n");
  CHECK(has_problem(ids, "review.md:3: action[1].id: 'Bad Id' is not a valid action id"));
  CHECK(has_problem(ids, "review.md:7: action[1].key: 'not a key' is not a Jira issue key"));
}

TEST_CASE("derived action ids are stable and ignore case and spacing") {
  const auto id = derive_action_id("Alert on pool saturation");
  CHECK(id.size() == 12);
  CHECK(id.starts_with("a-"));
  CHECK(derive_action_id("  alert on   POOL saturation ") == id);
  CHECK(derive_action_id("Alert on pool saturation!") != id);
}

TEST_CASE("section_slug makes template keys") {
  CHECK(section_slug("What went well") == "what_went_well");
  CHECK(section_slug("Root cause") == "root_cause");
  CHECK(section_slug("  Where we got lucky?! ") == "where_we_got_lucky");
}

TEST_CASE("write_review output parses back to the same document") {
  ReviewDoc doc;
  doc.level = "P1";
  doc.type = "Network \"core\"";
  doc.source = "customer";
  doc.team = "payments";
  doc.owner = "alice";
  doc.participants = {"alice", "bob"};
  doc.started_at = *parse_timestamp("2026-11-25T02:00:00Z");
  doc.recovered_at = *parse_timestamp("2026-11-25T03:30:00Z");
  doc.impact = "Line one\nLine \\two\\ with \"quotes\"";
  ReviewAction action;
  action.id = "fix-it";
  action.summary = "Fix \"it\"";
  action.owner = "bob";
  action.due_text = "+7d";
  action.kind = ActionKind::Mitigate;
  action.key = "FAULT-3";
  doc.actions.push_back(action);
  for (const auto& title : default_review_sections()) doc.sections.push_back({title, "", 0});
  doc.sections[0].markdown = "A *summary*.";

  const std::string text = write_review(doc, shanghai());
  CHECK(text.find("started_at = 2026-11-25T10:00:00+08:00") != std::string::npos);
  const auto parsed = parse(text);
  INFO(text);
  INFO(faultline::join(problem_lines(parsed), "\n"));
  REQUIRE(parsed.problems.empty());
  CHECK(parsed.doc.level == "P1");
  CHECK(parsed.doc.type == doc.type);
  CHECK(parsed.doc.impact == doc.impact);
  CHECK(parsed.doc.participants == doc.participants);
  CHECK(parsed.doc.started_at == doc.started_at);
  CHECK(parsed.doc.recovered_at == doc.recovered_at);
  CHECK_FALSE(parsed.doc.detected_at);
  REQUIRE(parsed.doc.actions.size() == 1);
  CHECK(parsed.doc.actions[0].id == "fix-it");
  CHECK(parsed.doc.actions[0].summary == "Fix \"it\"");
  CHECK(parsed.doc.actions[0].kind == ActionKind::Mitigate);
  CHECK(parsed.doc.actions[0].key == "FAULT-3");
  REQUIRE(parsed.doc.sections.size() == default_review_sections().size());
  CHECK(parsed.doc.sections[0].markdown == "A *summary*.");
  CHECK(parsed.doc.sections[9].title == "Where we got lucky");
}

TEST_CASE("an action that is already a sub-task may leave owner and due to Jira") {
  const auto parsed = parse("+++\n[[action]]\nsummary = \"Canary\"\nowner = \"\"\nkey = \"FAULT-4\"\n+++\n");
  INFO(faultline::join(problem_lines(parsed), "\n"));
  CHECK(parsed.problems.empty());
  REQUIRE(parsed.doc.actions.size() == 1);
  CHECK_FALSE(parsed.doc.actions[0].due);

  // write_review leaves the due out for it, and gives a new action "+7d".
  ReviewDoc doc;
  doc.actions = parsed.doc.actions;
  ReviewAction fresh;
  fresh.summary = "New";
  fresh.owner = "bob";
  doc.actions.push_back(fresh);
  const std::string text = write_review(doc, shanghai());
  CHECK(text.find("key = \"FAULT-4\"") != std::string::npos);
  CHECK(text.find("due = \"+7d\"") != std::string::npos);
  const auto again = parse(text);
  INFO(text);
  CHECK(again.problems.empty());
  REQUIRE(again.doc.actions.size() == 2);
  CHECK_FALSE(again.doc.actions[0].due);
  REQUIRE(again.doc.actions[1].due);
  CHECK(*again.doc.actions[1].due == 2026_y / 12 / 2);
  // A new action still needs both.
  const auto missing = parse("+++\n[[action]]\nsummary = \"x\"\n+++\n");
  CHECK(has_problem(missing, "review.md:2: action[1].owner: missing"));
  CHECK(has_problem(missing, "review.md:2: action[1].due: missing"));
}

TEST_CASE("review file: a NUL byte or invalid UTF-8 is a problem at its line, not dropped", "[review][text_input]") {
  std::string with_nul = k_good;
  const auto heading = with_nul.find("## ");
  REQUIRE(heading != std::string::npos);
  const auto line = 1 + std::count(with_nul.begin(), with_nul.begin() + static_cast<std::ptrdiff_t>(heading), '\n');
  with_nul.insert(heading + 3, std::string("\0", 1));
  const auto parsed = parse(with_nul);
  REQUIRE(parsed.problems.size() == 1);
  CHECK(to_string(parsed.problems[0]) ==
        "review.md:" + std::to_string(line) +
            ": text: a NUL byte (0x00) at column 4 is not text: remove it (faultline refuses it rather than drop it)");

  std::string latin1 = k_good;
  latin1.insert(latin1.find("level"), "# caf\xe9\n");
  const auto broken = parse(latin1);
  REQUIRE(broken.problems.size() == 1);
  CHECK(to_string(broken.problems[0]) == "review.md:2: text: byte 0xe9 is not valid UTF-8 (column 6): save the file as UTF-8");
}
