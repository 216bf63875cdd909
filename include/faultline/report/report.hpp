// The fault review report: the JSON document the report templates receive (built from the
// fault, the review file, the timeline and the action rows) and its rendering through a
// Mustache template into Confluence storage format, HTML or Markdown. Pure apart from
// reading the template files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/fault.hpp"
#include "faultline/core/review.hpp"
#include "faultline/core/timeline.hpp"
#include "faultline/util/error.hpp"

namespace faultline::report {

enum class Format { Storage, Html, Markdown };

const char* to_string(Format format);  // "storage" | "html" | "markdown"
// Parses "storage" | "html" | "markdown"; Error (Usage) otherwise.
Result<Format> parse_format(std::string_view text);

// One action row of the report (after publish it carries the sub-task key and URL).
struct ActionRow { core::ReviewAction action; std::string key, url, owner_display, status; };

// The published page, when known (adds "page" to the data).
struct PageInfo { std::string id, url; int version = 0; };

// The JSON document templates receive (`review render --data` prints it): fault (fault_to_json),
// review (front matter + sections as [{title, slug, markdown, html}] and by slug),
// timeline, actions, page {id,url,version} when known, generated_at. Documented in
// templates/review/README.md.
nlohmann::json report_data(const core::Fault& fault, const core::ReviewDoc& review,
                           const std::vector<core::TimelineEntry>& timeline,
                           const std::vector<ActionRow>& actions, const date::time_zone* zone,
                           const std::string& jira_base_url);

// report_data with the page and the generation time set ("generated_at" is otherwise null,
// so the data stays deterministic).
nlohmann::json report_data(const core::Fault& fault, const core::ReviewDoc& review,
                           const std::vector<core::TimelineEntry>& timeline,
                           const std::vector<ActionRow>& actions, const date::time_zone* zone,
                           const std::string& jira_base_url, const std::optional<PageInfo>& page,
                           std::optional<core::TimePoint> generated_at);

// Renders template `name` ("fault-analysis" default, "postmortem") in `format`; a user
// template of the same name in user_dir wins. Error (Config) naming template file and line.
// Files: <dir>/review/<name>.<format>.mustache (format = storage | html | md), with
// partials {{> x}} read from <dir>/review/x.<format>.mustache (user dir first). The
// shipped dirs are shipped_template_dirs("review") (util/build_info.hpp). user_dir may be ""
// (none) and is the team.template_dir itself.
Result<std::string> render_report(const nlohmann::json& data, std::string_view name, Format format,
                                  const std::string& user_dir);

// The same lookup and rendering for any template family: <dir>/<family>/<name>.<ext>.mustache
// ("review" for fault reviews, "report" for the monthly report), partials beside it.
Result<std::string> render_template(const nlohmann::json& data, std::string_view family, std::string_view name,
                                    Format format, const std::string& user_dir);

}  // namespace faultline::report
