#include "faultline/config/show.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "faultline/util/redact.hpp"

namespace faultline::config {

namespace {

using nlohmann::json;

constexpr std::string_view k_mask = "***";
constexpr std::size_t k_max_align = 72;  // longer "key = value" texts are not padded further
constexpr std::array<std::string_view, 15> k_section_order{"jira",   "confluence", "team",  "levels", "alerts",
                                                           "channels", "routes",   "people", "teams", "rooms",
                                                           "http",   "stats",      "report", "serve", "spool"};

json secret(const std::string& value) { return value.empty() ? json(nullptr) : json(k_mask); }

json level_rules_to_json(const core::LevelRules& rules) {
  json list = json::array();
  for (const auto& rule : rules.rules) {
    json conditions = json::array();
    for (const auto& condition : rule.conditions) conditions.push_back(condition.text);
    list.push_back({{"level", rule.level},
                    {"match", rule.combine == core::Combine::All ? "all" : "any"},
                    {"conditions", std::move(conditions)}});
  }
  return {{"fallback", rules.fallback_level}, {"rule", std::move(list)}};
}

// [[alerts.rule]] in file order: match (label -> value, "*" = any) and what each decides.
json alert_rules_to_json(const core::AlertRules& rules) {
  json list = json::array();
  for (const auto& rule : rules.rules) {
    json item = {{"match", json(rule.match)}};
    if (!rule.service.empty()) item["service"] = rule.service;
    if (!rule.team.empty()) item["team"] = rule.team;
    if (!rule.level.empty()) item["level"] = rule.level;
    list.push_back(std::move(item));
  }
  return {{"rule", std::move(list)}};
}

json channel_to_json(const Channel& channel) {
  json out = {{"kind", channel.kind}, {"url", secret(channel.url)}, {"secret", secret(channel.secret)}};
  if (channel.kind == "email") {
    out["smtp_url"] = mask_url_credentials(channel.smtp_url);
    out["smtp_user"] = channel.smtp_user;
    out["smtp_password"] = secret(channel.smtp_password);
    out["from"] = channel.from;
    out["to"] = channel.to;
  }
  return out;
}

json person_to_json(const Person& person) {
  json out = {{"jira", person.jira}};
  for (const auto& [platform, id] : person.mentions) out[platform] = id;
  if (!person.email.empty()) out["email"] = person.email;
  if (!person.team.empty()) out["team"] = person.team;
  return out;
}

std::string value_text(const json& value) {
  if (value.is_null()) return "(unset)";
  if (value.is_string() && value.get<std::string>() == k_mask) return std::string(k_mask);
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Dotted key -> printed value, for every leaf; arrays of tables get [i] after the key.
void flatten(const json& value, const std::string& key, std::vector<std::pair<std::string, std::string>>& lines) {
  if (value.is_object()) {
    for (const auto& [name, child] : value.items()) flatten(child, join_key(key, name), lines);
    return;
  }
  if (value.is_array() && std::any_of(value.begin(), value.end(), [](const json& e) { return e.is_object(); })) {
    for (std::size_t i = 0; i < value.size(); ++i) flatten(value[i], fmt::format("{}[{}]", key, i), lines);
    return;
  }
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const auto& element : value) items.push_back(value_text(element));
    lines.emplace_back(key, fmt::format("[{}]", fmt::join(items, ", ")));
    return;
  }
  lines.emplace_back(key, value_text(value));
}

// The recorded source of `key` or of the nearest enclosing key that has one.
std::string source_text(const Config& config, std::string key) {
  while (!key.empty()) {
    auto found = config.sources.find(key);
    if (found != config.sources.end()) {
      const ValueSource& source = found->second;
      return source.where.empty() ? source.origin : fmt::format("{} {}", source.origin, source.where);
    }
    const auto cut = key.find_last_of(".[");
    if (cut == std::string::npos) break;
    key.resize(cut);
  }
  return "default";
}

}  // namespace

nlohmann::json config_to_json(const Config& config) {
  const JiraSettings& jira = config.jira;
  const ConfluenceSettings& confluence = config.confluence;
  const TeamSettings& team = config.team;
  json out;
  out["file"] = config.file.empty() ? json(nullptr) : json(config.file);
  out["profile"] = config.profile.empty() ? json(nullptr) : json(config.profile);
  out["jira"] = {{"url", mask_url_credentials(jira.url)},
                 {"flavor", to_string(jira.flavor)},
                 {"auth", to_string(jira.auth)},
                 {"user", jira.user},
                 {"token", secret(jira.token)},
                 {"project", jira.project},
                 {"fault_type", jira.fault_type},
                 {"subtask_type", jira.subtask_type},
                 {"fields", json(jira.fields)},
                 {"workflow",
                  {{"reported", jira.workflow.reported},
                   {"handling", jira.workflow.handling},
                   {"recovered", jira.workflow.recovered},
                   {"reviewing", jira.workflow.reviewing},
                   {"closed", jira.workflow.closed}}}};
  out["confluence"] = {{"url", mask_url_credentials(confluence.url)},
                       {"flavor", to_string(confluence.flavor)},
                       {"auth", to_string(confluence.auth)},
                       {"user", confluence.user},
                       {"token", secret(confluence.token)},
                       {"space", confluence.space},
                       {"parent", confluence.parent}};
  out["team"] = {{"timezone", team.timezone},
                 {"coordinator", team.coordinator},
                 {"update_cadence_minutes", team.update_cadence_minutes},
                 {"update_cadence_by_level", json(team.update_cadence_by_level)},
                 {"review_due_hours", team.review_due_hours},
                 {"review_due_hours_by_level", json(team.review_due_hours_by_level)},
                 {"escalate_after_days", team.escalate_after_days},
                 {"template_dir", team.template_dir}};
  out["levels"] = json::object();
  for (const auto& [unit, rules] : config.levels) out["levels"][unit] = level_rules_to_json(rules);
  out["alerts"] = alert_rules_to_json(config.alert_rules);
  out["channels"] = json::object();
  for (const auto& [name, channel] : config.channels) out["channels"][name] = channel_to_json(channel);
  out["routes"] = json(config.routes);
  out["people"] = json::object();
  for (const auto& [key, person] : config.people) out["people"][key] = person_to_json(person);
  out["teams"] = json::object();
  for (const auto& [name, team_group] : config.teams)
    out["teams"][name] = {{"lead", team_group.lead}, {"members", json(team_group.members)}};
  const auto& rooms = config.rooms;
  out["rooms"] = {{"platform", rooms.platform},
                  {"url", rooms.url},
                  {"api_url", rooms.api_url},
                  {"token", secret(rooms.token)},
                  {"app_id", rooms.app_id},
                  {"app_secret", secret(rooms.app_secret)},
                  {"template_id", rooms.template_id},
                  {"robot_code", rooms.robot_code},
                  {"owner", rooms.owner},
                  {"private", rooms.is_private},
                  {"levels", json(rooms.levels)},
                  {"name", rooms.name},
                  {"invite", json(rooms.invite)},
                  {"extra", json(rooms.extra_by_level)}};
  out["http"] = {{"timeout_seconds", config.http.timeout_seconds},
                 {"connect_timeout_seconds", config.http.connect_timeout_seconds},
                 {"max_retries", config.http.max_retries},
                 {"ca_bundle", config.http.ca_bundle},
                 {"concurrency", config.http.concurrency}};
  out["stats"] = {{"release_projects", json(config.stats.release_projects)},
                  {"releases_csv", config.stats.releases_csv}};
  out["report"] = {{"parent", config.report.parent}};
  out["serve"] = {{"listen", config.serve.listen},
                  {"token", secret(config.serve.token)},
                  {"hmac_secret", secret(config.serve.hmac_secret)},
                  {"signature_header", config.serve.signature_header},
                  {"timestamp_header", config.serve.timestamp_header},
                  {"max_body_kib", config.serve.max_body_kib}};
  out["spool"] = {{"dir", config.spool.dir}, {"sync_seconds", config.spool.sync_seconds}};
  json sources = json::object();
  for (const auto& [key, source] : config.sources) sources[key] = {{"origin", source.origin}, {"where", source.where}};
  out["sources"] = std::move(sources);
  return out;
}

std::string render_config_show(const Config& config) {
  const json data = config_to_json(config);
  std::vector<std::pair<std::string, std::string>> lines;
  for (std::string_view section : k_section_order) flatten(data.at(std::string(section)), std::string(section), lines);

  std::size_t width = 0;
  for (const auto& [key, value] : lines) width = std::max(width, std::min(k_max_align, key.size() + 3 + value.size()));

  std::string out;
  out += fmt::format("# file: {}\n", config.file.empty() ? "(none; defaults, environment and flags only)" : config.file);
  if (!config.profile.empty()) out += fmt::format("# profile: {}\n", config.profile);
  for (const auto& [key, value] : lines) {
    const std::string assignment = fmt::format("{} = {}", key, value);
    out += fmt::format("{:<{}}  # {}\n", assignment, width, source_text(config, key));
  }
  return out;
}

}  // namespace faultline::config
