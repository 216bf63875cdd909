// The fault timeline: creation, status and field changes from Jira's changelog, comments and
// rollback records, merged in time order. Feeds `review init` and the report. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/fault.hpp"
#include "faultline/core/time.hpp"

namespace faultline::core {

// One event of the timeline.
struct TimelineEntry {
  TimePoint at{};
  std::string kind;    // created | status | field | comment | rollback
  std::string author;  // display name, else user name / account id; "" when unknown
  std::string text;    // "Status: Reported → Handling", "Fault Level: P3 → P2", comment text
};

// A comment already read from Jira (body as plain text).
struct CommentLike {
  TimePoint created{};
  std::string author;
  std::string text;
};

// `text` without the operation marker faultline ends its own comments with
// ("faultline op <16 hex digits>", see cli/fault_operations.hpp): a timeline reader needs
// the words, not the bookkeeping.
std::string without_op_marker(std::string_view text);

// Reads Jira's comment list ({"comments":[{"created","author","body"}]} or the bare array):
// wiki bodies through wiki_to_text, ADF bodies through adf_to_text. Comments whose created
// time is missing or malformed are skipped.
std::vector<CommentLike> comments_from_json(const nlohmann::json& comments_json);

// The timeline of an issue read with expand=changelog: "created" from fields.created (by
// the reporter or creator), one entry per changelog item (histories under "changelog" or a
// Cloud changelog page's "values"; status items as kind "status", others "field"; long
// text values shortened, description edits summarised), then comments and rollbacks.
// Sorted by time; entries at the same time keep that order. Histories or items of the
// wrong shape, or with an unreadable time, are skipped (the timeline is a draft a person
// edits, so it never fails).
std::vector<TimelineEntry> build_timeline(const nlohmann::json& issue_json_with_changelog,
                                          const std::vector<CommentLike>& comments,
                                          const std::vector<RollbackRecord>& rollbacks);

// [{"at": ISO in `zone` (UTC when null), "kind", "author", "text"}, ...].
nlohmann::json timeline_to_json(const std::vector<TimelineEntry>& entries, const date::time_zone* zone);

}  // namespace faultline::core
