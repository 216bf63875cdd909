// A notification before it meets a platform: a title, a Markdown body, a link and the people to
// mention, rendered from a Mustache template per event (templates/notify/<event>.md.mustache).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/util/error.hpp"

namespace faultline::notify {

// The events the config may route ([routes]); each has a shipped template.
// room.opened and room.closed always go to the fault's room too; review.scheduled and
// review.upcoming carry the review meeting.
inline constexpr std::string_view k_events[] = {"fault.opened",     "fault.updated",    "fault.recovered",
                                                "review.published", "actions.overdue",  "fault.stale",
                                                "review.overdue",   "report.published", "fault.synced",
                                                "room.opened",      "room.closed",      "review.scheduled",
                                                "review.upcoming"};

struct Message {
  std::string event;          // "fault.opened", ...
  std::string title;          // one line; its values escaped as in the body (markdown_to_plain
                              // gives the text), no other Markdown expected
  std::string markdown_body;  // Markdown (the common subset the platforms understand) whose
                              // template values are literal text (escape_markdown_text)
  std::string link_url;       // the fault, page or filter the message is about; may be empty
  std::string link_title;     // text of that link ("FAULT-12")
  std::vector<std::string> mention_people;  // people keys ([people.alice]) or Jira users
  bool mention_all = false;                 // @all where the platform allows it
  std::string dedupe_key;  // stable per logical message ("FAULT-12:fault.opened"): a re-run
                           // with the same key is not sent twice to a channel
};

// Where templates are looked up: the user's directory first (team.template_dir: its notify/
// folder, then the directory itself), then the shipped ones in order. A user file with the
// shipped name overrides the shipped one.
struct TemplateDirs {
  std::string user_dir;                  // may be empty
  std::vector<std::string> shipped_dirs;  // directories holding <event>.md.mustache
};

// The user's directory plus the shipped ones (shipped_template_dirs("notify"), util/build_info.hpp).
TemplateDirs default_template_dirs(std::string user_dir);

// The file name of an event's template: "<event>.md.mustache".
std::string template_file_name(std::string_view event);

// Renders `template_text` (Mustache; {{value}} is escaped as literal Markdown text by
// escape_markdown_text, {{{value}}} is inserted raw) with `data`. A newline in a value becomes a
// space in the title line and stays a newline in the body.
// `file_name` only names the template in errors. The first non-empty line is the title (a
// leading "# " is dropped), the rest, blank lines trimmed, the body. An Error of kind Config
// names the file and line ("fault.opened.md.mustache:3: Unclosed section ...") for a syntax
// error, and the file for a render error or an empty title.
Result<Message> render_template_text(std::string_view file_name, std::string_view template_text,
                                     std::string_view event, const nlohmann::json& data);

// Finds the event's template in `dirs` and renders it with `data`. Besides what the template
// uses, the data model supplies: "link": {"url", "title"}, "mentions": [people keys or Jira
// users], "mention_all": bool, "dedupe_key" (default "<fault.key>:<event>", or the event
// alone). Error (Config) when no directory has the template, naming the directories searched,
// or as render_template_text says.
Result<Message> render_message(std::string_view event, const nlohmann::json& data,
                               const TemplateDirs& dirs);

}  // namespace faultline::notify
