// The review file: TOML front matter between "+++" lines (the fault's facts, participants,
// times and one [[action]] table per action) followed by Markdown sections split on "## "
// headings. Parsed with every problem collected (file:line), and written for `review init`.
// Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "faultline/core/time.hpp"

namespace faultline::core {

enum class ActionKind { Prevent, Mitigate, Detect, Process };

const char* to_string(ActionKind kind);  // "prevent" | "mitigate" | "detect" | "process"

// Parses "prevent" | "mitigate" | "detect" | "process" (case-insensitive); nullopt otherwise.
std::optional<ActionKind> parse_action_kind(std::string_view text);

// One [[action]] of the review file.
struct ReviewAction {
  std::string id;        // explicit `id`, else derived from the summary (stable hash), valid per is_valid_action_id
  std::string summary;
  std::string owner;     // as written: config people key or Jira user
  std::string due_text;  // as written: "2026-12-01" or "+7d"
  std::optional<date::year_month_day> due;  // resolved ("+7d" from `today`)
  ActionKind kind = ActionKind::Prevent;
  std::string key;       // existing sub-task key ("" when none)
  int line = 0;          // line of its [[action]] header in the file
};

// One "## Title" section of the Markdown body; `markdown` excludes the heading line.
struct ReviewSection {
  std::string title;
  std::string markdown;
  int line = 0;  // line of the "## " heading
};

struct ReviewDoc {
  std::string file;
  std::string level, type, source, team, business_unit, owner, impact;
  std::vector<std::string> participants;
  std::optional<TimePoint> detected_at, started_at, recovered_at;
  std::vector<ReviewAction> actions;
  std::vector<ReviewSection> sections;  // file order
};

struct ReviewProblem {
  std::string file;
  int line = 0;
  std::string field;
  std::string message;
};

std::string to_string(const ReviewProblem& problem);  // "file:line: field: message"

// The Usage error for a review file with problems: "<file>: N problem(s)<consequence>", every
// problem in details by line, and `hint`.
Error review_problems_error(std::string_view file, std::vector<ReviewProblem> problems, std::string_view consequence,
                            std::string_view hint);

struct ReviewParse {
  ReviewDoc doc;
  std::vector<ReviewProblem> problems;
};

// The id derived from an action summary when none is written: "a-" + 10 hex digits of a
// stable hash (FNV-1a 64) of the whitespace-normalised, lower-cased summary. Always valid
// per is_valid_action_id.
std::string derive_action_id(std::string_view summary);

// A section title as a template key: lower case, runs of other characters as "_"
// ("What went well" -> "what_went_well", "Root cause" -> "root_cause").
std::string section_slug(std::string_view title);

// The section titles `review init` writes, in order.
const std::vector<std::string>& default_review_sections();

// Every problem, not just the first: unknown keys (did you mean), bad times/dates/kinds,
// missing summary/owner/due, duplicate action ids, due dates before `today` for actions
// without a key, front matter syntax errors with their line. An action with a `key` (already a
// sub-task) may leave owner and due out: Jira's assignee and due date stay.
// Front matter keys: level, type, source, team, business_unit, owner, impact,
// participants (array of strings), detected_at, started_at, recovered_at (TOML datetimes or
// strings parse_time accepts; local times are in `zone`), and [[action]] tables with
// id, summary, owner, due, kind, key.
ReviewParse parse_review(std::string_view text, std::string_view file, date::year_month_day today,
                         const date::time_zone* zone);

// The review file text (front matter + sections) for `review init`. Times are written in
// `zone` with their offset; dues as written (due_text), else the resolved date.
std::string write_review(const ReviewDoc& doc, const date::time_zone* zone);

}  // namespace faultline::core
