// The JSON document the review report templates receive (documented in
// templates/review/README.md). Pure.
#include <set>

#include "faultline/core/text.hpp"
#include "faultline/util/strings.hpp"
#include "faultline/report/report.hpp"
#include "report/markdown_html.hpp"

namespace faultline::report {

namespace {

using nlohmann::json;

json time_json(const std::optional<core::TimePoint>& t, const date::time_zone* zone) {
  return t ? json(core::format_iso(*t, zone)) : json(nullptr);
}

// "2026-11-25 10:00 +08:00": a time as people read it in a report.
json time_display(const std::optional<core::TimePoint>& t, const date::time_zone* zone) {
  if (!t) return nullptr;
  const std::string iso = core::format_iso(*t, zone);  // 2026-11-25T10:00:00+08:00
  if (iso.size() < 19) return iso;
  std::string offset = iso.substr(19);
  if (offset == "Z") offset = "UTC";
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " " + offset;
}

json age_json(const std::optional<core::TimePoint>& from, const std::optional<core::TimePoint>& to) {
  if (!from || !to || *to < *from) return nullptr;
  return core::format_age(std::chrono::duration_cast<std::chrono::milliseconds>(*to - *from));
}

const std::string& either(const std::string& preferred, const std::string& fallback) {
  return preferred.empty() ? fallback : preferred;
}

std::optional<core::TimePoint> either(const std::optional<core::TimePoint>& preferred,
                                      const std::optional<core::TimePoint>& fallback) {
  return preferred ? preferred : fallback;
}

std::string level_colour(std::string_view level) {
  if (level == "P1") return "Red";
  if (level == "P2") return "Yellow";
  if (level == "P3") return "Blue";
  return "Grey";
}

std::string status_colour(std::string_view category) {
  if (category == "done") return "Green";
  if (category == "indeterminate") return "Blue";
  return "Grey";
}

json section_json(std::string title, std::string markdown, int line) {
  const bool has_content = markdown.find_first_not_of(" \t\r\n") != std::string::npos;
  json out{{"title", title},
           {"slug", core::section_slug(title)},
           {"markdown", markdown},
           {"html", has_content ? markdown_to_html(markdown) : std::string()},
           {"storage", has_content ? core::markdown_to_storage(markdown) : std::string()},
           {"has_content", has_content},
           {"line", line}};
  return out;
}

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The review's sections: the file's, in file order, then the default ones it leaves out
// (empty), so a template can always address review.by_slug.<default slug>.
void add_sections(json& rv, const core::ReviewDoc& review) {
  json sections = json::array();
  json by_slug = json::object();
  json extra = json::array();
  std::set<std::string> defaults;
  for (const auto& title : core::default_review_sections()) defaults.insert(core::section_slug(title));
  for (const auto& section : review.sections) {
    json item = section_json(section.title, section.markdown, section.line);
    const std::string slug = item["slug"];
    if (by_slug.contains(slug)) continue;
    by_slug[slug] = item;
    if (!defaults.contains(slug)) extra.push_back(item);
    sections.push_back(std::move(item));
  }
  for (const auto& title : core::default_review_sections()) {
    const std::string slug = core::section_slug(title);
    if (by_slug.contains(slug)) continue;
    json item = section_json(title, "", 0);
    by_slug[slug] = item;
    sections.push_back(std::move(item));
  }
  rv["sections"] = std::move(sections);
  rv["by_slug"] = std::move(by_slug);
  rv["extra_sections"] = extra;
  rv["has_extra_sections"] = !extra.empty();
}

// The review file as written.
json review_json(const core::ReviewDoc& review, const date::time_zone* zone) {
  json rv;
  rv["file"] = review.file;
  rv["level"] = review.level;
  rv["type"] = review.type;
  rv["source"] = review.source;
  rv["team"] = review.team;
  rv["business_unit"] = review.business_unit;
  rv["owner"] = review.owner;
  rv["impact"] = review.impact;
  rv["participants"] = review.participants;
  rv["participants_text"] = join(review.participants, ", ");
  rv["started_at"] = time_json(review.started_at, zone);
  rv["detected_at"] = time_json(review.detected_at, zone);
  rv["recovered_at"] = time_json(review.recovered_at, zone);
  add_sections(rv, review);
  return rv;
}

// The facts: the review's value where it gives one, else the fault's.
json facts_json(const core::Fault& fault, const core::ReviewDoc& review, const date::time_zone* zone) {
  const auto started = either(review.started_at, fault.started_at);
  const auto detected = either(review.detected_at, fault.detected_at);
  const auto recovered = either(review.recovered_at, fault.recovered_at);
  const std::string impact = either(review.impact, fault.impact);
  json facts;
  facts["level"] = either(review.level, fault.level);
  facts["type"] = either(review.type, fault.type);
  facts["source"] = either(review.source, fault.source);
  facts["team"] = either(review.team, fault.team);
  facts["business_unit"] = either(review.business_unit, fault.business_unit);
  facts["service"] = fault.service;
  facts["owner"] = either(review.owner, fault.coordinator);
  facts["handler"] = either(fault.handler_display, fault.handler);
  facts["participants"] = join(review.participants, ", ");
  facts["impact"] = impact;
  facts["impact_storage"] = impact.empty() ? std::string() : core::markdown_to_storage(impact);
  facts["impact_html"] = impact.empty() ? std::string() : markdown_to_html(impact);
  facts["started_at"] = time_display(started, zone);
  facts["detected_at"] = time_display(detected, zone);
  facts["recovered_at"] = time_display(recovered, zone);
  facts["time_to_detect"] = age_json(started, detected);
  facts["time_to_recover"] = age_json(started, recovered);
  return facts;
}

json timeline_json(const std::vector<core::TimelineEntry>& timeline, const date::time_zone* zone) {
  json rows = json::array();
  for (const auto& entry : timeline) {
    rows.push_back({{"at", core::format_iso(entry.at, zone)},
                    {"at_display", time_display(entry.at, zone)},
                    {"kind", entry.kind},
                    {"author", entry.author},
                    {"text", entry.text}});
  }
  return rows;
}

// The action rows, numbered, each linked to its sub-task when it has a key.
json actions_json(const std::vector<ActionRow>& actions, const std::string& base) {
  json rows = json::array();
  int number = 0;
  for (const auto& row : actions) {
    const std::string key = either(row.key, row.action.key);
    std::string url = row.url;
    if (url.empty() && !key.empty() && !base.empty()) url = base + "/browse/" + key;
    rows.push_back({{"number", ++number},
                    {"id", row.action.id},
                    {"summary", row.action.summary},
                    {"owner", row.action.owner},
                    {"owner_display", either(row.owner_display, row.action.owner)},
                    {"due", row.action.due ? json(date::format("%F", *row.action.due)) : json(nullptr)},
                    {"due_text", row.action.due_text},
                    {"kind", core::to_string(row.action.kind)},
                    {"key", key},
                    {"url", url},
                    {"status", row.status},
                    {"line", row.action.line}});
  }
  return rows;
}

}  // namespace


nlohmann::json report_data(const core::Fault& fault, const core::ReviewDoc& review,
                           const std::vector<core::TimelineEntry>& timeline,
                           const std::vector<ActionRow>& actions, const date::time_zone* zone,
                           const std::string& jira_base_url) {
  return report_data(fault, review, timeline, actions, zone, jira_base_url, std::nullopt, std::nullopt);
}

nlohmann::json report_data(const core::Fault& fault, const core::ReviewDoc& review,
                           const std::vector<core::TimelineEntry>& timeline,
                           const std::vector<ActionRow>& actions, const date::time_zone* zone,
                           const std::string& jira_base_url, const std::optional<PageInfo>& page,
                           std::optional<core::TimePoint> generated_at) {
  const std::string base = trim_slash(jira_base_url);
  json data;
  data["fault"] = core::fault_to_json(fault, zone);
  data["fault_url"] = base.empty() || fault.key.empty() ? std::string() : base + "/browse/" + fault.key;
  data["jira_base_url"] = base;
  // The key alone when the summary is unknown (a render from the review file alone).
  data["title"] = fault.key.empty()       ? fault.summary
                  : fault.summary.empty() ? fault.key
                                          : fault.key + ": " + fault.summary;
  data["review"] = review_json(review, zone);
  data["facts"] = facts_json(fault, review, zone);
  const std::string& level = either(review.level, fault.level);
  data["level"] = level;
  data["level_colour"] = level_colour(level);
  data["status"] = fault.status;
  data["status_colour"] = status_colour(fault.status_category);
  data["timeline"] = timeline_json(timeline, zone);
  data["has_timeline"] = !data["timeline"].empty();
  data["actions"] = actions_json(actions, base);
  data["has_actions"] = !data["actions"].empty();
  if (page) data["page"] = {{"id", page->id}, {"url", page->url}, {"version", page->version}};
  else data["page"] = nullptr;
  data["generated_at"] = generated_at ? json(core::format_iso(*generated_at, zone)) : json(nullptr);
  return data;
}

}  // namespace faultline::report
