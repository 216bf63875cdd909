#include "faultline/core/alerts.hpp"
#include "faultline/core/jira_limits.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "faultline/core/labels.hpp"
#include "faultline/core/markdown_tree.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/core/utf8.hpp"

namespace faultline::core {

namespace {

using nlohmann::json;
using StringMap = std::map<std::string, std::string>;

constexpr std::size_t k_max_title = 255;
constexpr std::size_t k_max_dedupe_key = 255;
constexpr std::string_view k_dedupe_prefix = "am:";

Result<StringMap> read_string_map(const json& payload, const char* key, const std::string& path) {
  StringMap out;
  const auto it = payload.find(key);
  if (it == payload.end() || it->is_null()) return out;
  const std::string here = path.empty() ? std::string(key) : path + "." + key;
  if (!it->is_object()) return fail(ErrorKind::Config, here + ": expected an object");
  for (const auto& [name, value] : it->items()) {
    if (!value.is_string()) return fail(ErrorKind::Config, fmt::format("{}.{}: expected a string", here, name));
    out.emplace(name, value.get<std::string>());
  }
  return out;
}

Result<std::string> read_string(const json& object, const char* key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string{};
  if (!it->is_string()) {
    return fail(ErrorKind::Config, fmt::format("{}{}: expected a string", path.empty() ? "" : path + ".", key));
  }
  return it->get<std::string>();
}

Result<std::string> read_status(const json& object, const std::string& path, bool required) {
  const std::string here = path.empty() ? "status" : path + ".status";
  auto status = read_string(object, "status", path);
  if (!status) return status;
  if (status->empty()) {
    if (required) return fail(ErrorKind::Config, here + ": missing (expected \"firing\" or \"resolved\")");
    return status;
  }
  if (*status != "firing" && *status != "resolved") {
    return fail(ErrorKind::Config, fmt::format("{}: \"{}\" is not \"firing\" or \"resolved\"", here,
                                               sanitize_utf8(status->substr(0, 40))));
  }
  return status;
}

Result<std::optional<TimePoint>> read_time_field(const json& object, const char* key, const std::string& path,
                                                 bool required) {
  const std::string here = fmt::format("{}.{}", path, key);
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return fail(ErrorKind::Config, here + ": missing (expected an RFC 3339 time)");
    return std::optional<TimePoint>{};
  }
  if (!it->is_string()) return fail(ErrorKind::Config, here + ": expected an RFC 3339 time string");
  const auto t = parse_timestamp(it->get<std::string>());
  if (!t) return fail(ErrorKind::Config, here + ": not an RFC 3339 time");
  return std::optional<TimePoint>{*t};
}

bool has_any(const json& object, std::initializer_list<const char*> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return object.contains(k); });
}

Result<Alert> read_alert(const json& value, const std::string& path) {
  if (!value.is_object()) return fail(ErrorKind::Config, path + ": expected an object");
  Alert alert;
  FAULTLINE_TRY(status, read_status(value, path, true));
  alert.status = *status;
  FAULTLINE_TRY(labels, read_string_map(value, "labels", path));
  alert.labels = std::move(*labels);
  FAULTLINE_TRY(annotations, read_string_map(value, "annotations", path));
  alert.annotations = std::move(*annotations);
  FAULTLINE_TRY(starts, read_time_field(value, "startsAt", path, true));
  alert.starts_at = **starts;
  FAULTLINE_TRY(ends, read_time_field(value, "endsAt", path, false));
  if (alert.status == "resolved" && *ends && !is_go_zero_time(**ends)) alert.ends_at = *ends;
  const std::pair<const char*, std::string Alert::*> strings[] = {
      {"generatorURL", &Alert::generator_url}, {"fingerprint", &Alert::fingerprint},
      {"silenceURL", &Alert::silence_url},     {"dashboardURL", &Alert::dashboard_url},
      {"panelURL", &Alert::panel_url},         {"valueString", &Alert::value_string},
  };
  for (const auto& [key, member] : strings) {
    FAULTLINE_TRY(text, read_string(value, key, path));
    alert.*member = std::move(*text);
  }
  return alert;
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

// One line of text: control characters (newlines included) become spaces, runs collapse.
std::string one_line(std::string_view text) {
  std::string out;
  const std::string clean = sanitize_utf8(text);
  for (const char c : clean) {
    const auto u = static_cast<unsigned char>(c);
    const bool space = u < 0x20 || u == 0x7F || c == ' ';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Markdown-escapes user text so it stays literal; `Lines::Join` also folds newlines.
enum class Lines { Keep, Join };
std::string md_escape(std::string_view text, Lines lines) {
  const std::string clean = lines == Lines::Join ? one_line(text) : sanitize_utf8(text);
  std::string out;
  for (const char c : clean) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
      case '|': case '#': case '~': case '&': case '!': case '{': case '}':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\r':
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string md_link(std::string_view text, std::string_view url) {
  if (url.empty() || !is_safe_link(url)) return {};
  return fmt::format("[{}](<{}>)", text, encode_link_url(url));
}

// An annotation's value: a lone http(s) URL becomes a link, anything else literal text.
std::string annotation_markdown(std::string_view value) {
  const bool one_word = value.find_first_of(" \t\r\n") == std::string_view::npos;
  if (one_word && (value.starts_with("http://") || value.starts_with("https://"))) {
    if (auto link = md_link(md_escape(value, Lines::Join), value); !link.empty()) return link;
  }
  return md_escape(value, Lines::Keep);
}

std::string label_or(const StringMap& labels, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const auto it = labels.find(key);
    if (it != labels.end() && !it->second.empty()) return it->second;
  }
  return {};
}

bool rule_matches(const AlertRule& rule, const StringMap& labels) {
  for (const auto& [name, wanted] : rule.match) {
    const auto it = labels.find(name);
    if (it == labels.end()) return false;
    if (wanted != "*" && it->second != wanted) return false;
  }
  return true;
}

// P1..P4 as given (case-insensitive), or a severity word mapped; "" when neither.
std::string to_level(std::string_view text, const AlertRules& rules) {
  if (text.size() == 2 && (text[0] == 'P' || text[0] == 'p') && text[1] >= '1' && text[1] <= '4') {
    return fmt::format("P{}", text[1]);
  }
  const auto it = rules.severity_levels.find(lower(text));
  if (it != rules.severity_levels.end()) return it->second;
  for (const auto& [severity, level] : rules.severity_levels) {
    if (lower(severity) == lower(text)) return level;
  }
  return {};
}

// The labels every alert of the draft shares, plus the payload's common labels.
StringMap shared_labels(const std::vector<const Alert*>& alerts, const StringMap& common) {
  StringMap out = alerts.front()->labels;
  for (const Alert* alert : alerts) {
    for (auto it = out.begin(); it != out.end();) {
      const auto other = alert->labels.find(it->first);
      it = (other == alert->labels.end() || other->second != it->second) ? out.erase(it) : std::next(it);
    }
  }
  for (const auto& [name, value] : common) out.emplace(name, value);
  return out;
}

StringMap shared_annotations(const std::vector<const Alert*>& alerts, const StringMap& common) {
  StringMap out = common;
  if (alerts.size() == 1) {
    for (const auto& [name, value] : alerts.front()->annotations) out.emplace(name, value);
  }
  return out;
}

std::string bounded_key(std::string key) {
  if (key.size() <= k_max_dedupe_key) return key;
  return fmt::format("{}h:{}", k_dedupe_prefix, hex16(fnv1a_64(key)));
}

// The identity of one alert: its fingerprint, or a hash of its sorted labels when absent.
std::string alert_identity(const Alert& alert) {
  if (!alert.fingerprint.empty()) return alert.fingerprint;
  std::string joined;
  for (const auto& [name, value] : alert.labels) {
    joined += name;
    joined += '\x1f';
    joined += value;
    joined += '\x1e';
  }
  return hex16(fnv1a_64(joined));
}

// Alertmanager's groupKey is "<route matchers>:<group labels>", "{}:{}" for a route without
// group_by. True when the group labels are empty: the key then says nothing about the alerts.
bool ungrouped(const AlertGroup& group) {
  if (group.source_system != "alertmanager" || !group.group_labels.empty()) return false;
  return group.group_key.empty() || group.group_key.ends_with(":{}");
}

// The route part of the groupKey ("{}/{severity=\"page\"}"), the receiver when there is none.
std::string route_of(const AlertGroup& group) {
  const auto colon = group.group_key.rfind(":{");
  if (colon == std::string::npos || colon == 0) return group.receiver.empty() ? "{}" : group.receiver;
  return group.group_key.substr(0, colon);
}

std::string group_identity(const AlertGroup& group) {
  if (!group.group_key.empty()) return group.group_key;
  std::string joined = group.receiver + ":{";
  bool first = true;
  for (const auto& [name, value] : group.group_labels) {
    if (!first) joined += ",";
    first = false;
    joined += fmt::format("{}=\"{}\"", name, value);
  }
  return joined + "}";
}

std::string make_title(const StringMap& labels, const StringMap& annotations,
                       const std::vector<const Alert*>& alerts) {
  std::string title;
  for (const char* key : {"summary", "title"}) {
    const auto it = annotations.find(key);
    if (it != annotations.end() && !one_line(it->second).empty()) {
      title = one_line(it->second);
      break;
    }
  }
  if (title.empty()) {
    std::string name = label_or(labels, {"alertname"});
    if (name.empty()) name = label_or(alerts.front()->labels, {"alertname"});
    if (name.empty()) name = "Alert";
    std::vector<std::string> parts;
    for (const char* key : {"service", "job", "app", "instance", "namespace", "cluster"}) {
      const auto it = labels.find(key);
      if (it != labels.end() && !it->second.empty()) parts.push_back(fmt::format("{}={}", key, it->second));
    }
    title = one_line(name);
    if (!parts.empty()) title += fmt::format(" ({})", fmt::join(parts, ", "));
  }
  if (alerts.size() > 1) title += fmt::format(" [{} alerts]", alerts.size());
  return cut_utf8(std::move(title), k_max_title);
}

void append_label_table(std::string& out, const StringMap& labels) {
  if (labels.empty()) return;
  out += "| label | value |\n|---|---|\n";
  for (const auto& [name, value] : labels) {
    out += fmt::format("| {} | {} |\n", md_escape(name, Lines::Join), md_escape(value, Lines::Join));
  }
  out += "\n";
}

void append_alert_section(std::string& out, const Alert& alert, const StringMap& shared,
                          const StringMap& common_notes) {
  const std::string name = label_or(alert.labels, {"alertname"});
  out += fmt::format("### {} — {} since {}\n\n", md_escape(name.empty() ? "Alert" : name, Lines::Join),
                     alert.status, format_utc(alert.starts_at));
  if (alert.ends_at) out += fmt::format("Ended {}.\n\n", format_utc(*alert.ends_at));
  for (const auto& [key, value] : alert.annotations) {
    const auto it = common_notes.find(key);
    if (it != common_notes.end() && it->second == value) continue;
    out += fmt::format("**{}:** {}\n\n", md_escape(key, Lines::Join), annotation_markdown(value));
  }
  if (!alert.value_string.empty()) out += fmt::format("**Values:** {}\n\n", md_escape(alert.value_string, Lines::Join));
  StringMap own;
  for (const auto& [key, value] : alert.labels) {
    const auto it = shared.find(key);
    if (it == shared.end() || it->second != value) own.emplace(key, value);
  }
  append_label_table(out, own);
  std::vector<std::string> links;
  for (const auto& [text, url] : {std::pair{"Source", &alert.generator_url}, std::pair{"Dashboard", &alert.dashboard_url},
                                  std::pair{"Panel", &alert.panel_url}, std::pair{"Silence", &alert.silence_url}}) {
    if (auto link = md_link(text, *url); !link.empty()) links.push_back(std::move(link));
  }
  if (!links.empty()) out += fmt::format("{}\n\n", fmt::join(links, " · "));
}

std::string make_description(const AlertGroup& group, const std::vector<const Alert*>& alerts,
                             const StringMap& labels, const StringMap& annotations, int firing) {
  std::string out;
  const std::string system = group.source_system == "grafana" ? "Grafana" : "Alertmanager";
  out += fmt::format("Opened from {} alerts: {} firing, {} resolved", system, firing,
                     static_cast<int>(alerts.size()) - firing);
  if (!group.receiver.empty()) out += fmt::format(" (receiver {})", md_escape(group.receiver, Lines::Join));
  out += ".\n\n";
  for (const auto& [key, value] : annotations) {
    out += fmt::format("**{}:** {}\n\n", md_escape(key, Lines::Join), annotation_markdown(value));
  }
  out += "## Labels\n\n";
  append_label_table(out, labels);
  out += "## Alerts\n\n";
  for (const Alert* alert : alerts) append_alert_section(out, *alert, labels, annotations);
  if (auto link = md_link(system, group.external_url); !link.empty()) out += link + "\n";
  if (group.truncated_alerts > 0) {
    out += fmt::format("\n{} more alerts were left out of the payload (max_alerts).\n", group.truncated_alerts);
  }
  // An alert must open its fault: a description past Jira's text limit is cut, not refused.
  constexpr std::size_t k_room = k_max_long_text_chars - 200;  // headroom for the wiki/ADF conversion
  if (count_characters(out) > k_room) out = fit_characters(out, k_room) + "\n\n(cut to fit Jira's text limit)\n";
  return out;
}

AlertFault make_draft(const AlertGroup& group, const std::vector<const Alert*>& alerts, std::string dedupe_key,
                      const AlertRules& rules) {
  AlertFault draft;
  draft.dedupe_key = bounded_key(std::move(dedupe_key));
  draft.alert_count = static_cast<int>(alerts.size());
  draft.started_at = alerts.front()->starts_at;
  for (const Alert* alert : alerts) {
    draft.started_at = std::min(draft.started_at, alert->starts_at);
    if (alert->status == "firing") ++draft.firing_count;
    if (alert->ends_at && (!draft.ended_at || *alert->ends_at > *draft.ended_at)) draft.ended_at = alert->ends_at;
  }
  draft.status = draft.firing_count > 0 ? "firing" : "resolved";
  if (draft.status == "firing") draft.ended_at.reset();

  const bool whole_group = alerts.size() == group.alerts.size();
  const StringMap labels = shared_labels(alerts, whole_group ? group.common_labels : StringMap{});
  const StringMap annotations = shared_annotations(alerts, whole_group ? group.common_annotations : StringMap{});
  draft.alert_labels = labels;

  for (const auto& rule : rules.rules) {
    if (!rule_matches(rule, labels)) continue;
    draft.service = one_line(expand_label_placeholders(rule.service, labels));
    draft.team = one_line(expand_label_placeholders(rule.team, labels));
    draft.level = to_level(one_line(expand_label_placeholders(rule.level, labels)), rules);
    break;
  }
  if (draft.service.empty()) draft.service = one_line(label_or(labels, {"service", "job", "app"}));
  if (draft.team.empty()) draft.team = one_line(label_or(labels, {"team"}));
  if (draft.level.empty()) draft.level = to_level(label_or(labels, {"severity"}), rules);
  if (draft.level.empty()) draft.level = rules.fallback_level;

  draft.title = make_title(labels, annotations, alerts);
  draft.description = make_description(group, alerts, labels, annotations, draft.firing_count);

  Fault fault;
  fault.level = draft.level;
  fault.source = draft.source;
  fault.dedupe_key = draft.dedupe_key;
  draft.labels = fault_labels(fault);
  if (auto alert_label = prefixed_label("alert-", label_or(labels, {"alertname"})); !alert_label.empty()) {
    draft.labels.push_back(std::move(alert_label));
  }
  return draft;
}

}  // namespace

Result<AlertGroup> parse_alert_payload(const json& payload) {
  if (!payload.is_object()) return fail(ErrorKind::Config, "alert payload: expected a JSON object");
  AlertGroup group;
  const auto version = payload.find("version");
  if (version == payload.end() || !version->is_string()) {
    return fail(ErrorKind::Config, "version: missing (expected \"4\" from Alertmanager or \"1\" from Grafana)");
  }
  if (*version != "4" && *version != "1") {
    return fail(ErrorKind::Config, fmt::format("version: {} is not supported (expected \"4\" from Alertmanager "
                                               "or \"1\" from Grafana)",
                                               sanitize_utf8(version->dump().substr(0, 40))));
  }
  const auto alerts = payload.find("alerts");
  if (alerts == payload.end() || alerts->is_null()) return fail(ErrorKind::Config, "alerts: missing");
  if (!alerts->is_array()) return fail(ErrorKind::Config, "alerts: expected an array");
  if (alerts->empty()) return fail(ErrorKind::Config, "alerts: empty, no alert to open a fault for");

  bool grafana = has_any(payload, {"orgId", "title", "state", "message"});
  for (std::size_t i = 0; i < alerts->size(); ++i) {
    const std::string path = fmt::format("alerts[{}]", i);
    FAULTLINE_TRY(alert, read_alert((*alerts)[i], path));
    grafana = grafana || has_any((*alerts)[i], {"silenceURL", "dashboardURL", "panelURL", "values", "valueString"});
    group.alerts.push_back(std::move(*alert));
  }
  group.source_system = grafana ? "grafana" : "alertmanager";

  FAULTLINE_TRY(status, read_status(payload, "", false));
  group.status = *status;
  if (group.status.empty()) {
    const bool any_firing = std::any_of(group.alerts.begin(), group.alerts.end(),
                                        [](const Alert& a) { return a.status == "firing"; });
    group.status = any_firing ? "firing" : "resolved";
  }
  const std::pair<const char*, std::string AlertGroup::*> strings[] = {
      {"receiver", &AlertGroup::receiver}, {"groupKey", &AlertGroup::group_key},
      {"externalURL", &AlertGroup::external_url}, {"title", &AlertGroup::title},
      {"message", &AlertGroup::message},
  };
  for (const auto& [key, member] : strings) {
    FAULTLINE_TRY(text, read_string(payload, key, ""));
    group.*member = std::move(*text);
  }
  const std::pair<const char*, StringMap AlertGroup::*> maps[] = {
      {"groupLabels", &AlertGroup::group_labels},
      {"commonLabels", &AlertGroup::common_labels},
      {"commonAnnotations", &AlertGroup::common_annotations},
  };
  for (const auto& [key, member] : maps) {
    FAULTLINE_TRY(map, read_string_map(payload, key, ""));
    group.*member = std::move(*map);
  }
  if (const auto it = payload.find("truncatedAlerts"); it != payload.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 0) {
      return fail(ErrorKind::Config, "truncatedAlerts: expected a non-negative integer");
    }
    group.truncated_alerts = static_cast<int>(std::min<long long>(it->get<long long>(), 1'000'000'000));
  }
  return group;
}

Result<AlertGroup> parse_alert_payload_text(std::string_view text) {
  json payload;
  try {
    payload = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return fail(ErrorKind::Config, fmt::format("alert payload: not JSON (at byte {})", e.byte));
  } catch (const json::out_of_range&) {
    // A number too large for a double (1E400) is valid JSON that the parser cannot hold.
    return fail(ErrorKind::Config, "alert payload: a number is too large to read (beyond about 1.8e308)",
                "Check what sends the payload: Alertmanager and Grafana never send such numbers.");
  }
  return parse_alert_payload(payload);
}

std::vector<AlertFault> alert_faults(const AlertGroup& group, AlertGrouping grouping, const AlertRules& rules) {
  std::vector<AlertFault> drafts;
  if (group.alerts.empty()) return drafts;
  if (grouping == AlertGrouping::PerGroup && !ungrouped(group)) {
    std::vector<const Alert*> all;
    for (const auto& alert : group.alerts) all.push_back(&alert);
    drafts.push_back(make_draft(group, all, std::string(k_dedupe_prefix) + group_identity(group), rules));
    return drafts;
  }
  if (grouping == AlertGrouping::PerGroup) {
    // A route without group_by batches every alert of the receiver into one "{}:{}" group:
    // one fault per alert name instead (what group_by: [alertname] would have sent), keyed by
    // the route and the name, so DiskFull and HighLatency never share a fault.
    std::vector<std::pair<std::string, std::vector<const Alert*>>> by_name;
    for (const auto& alert : group.alerts) {
      const auto name = alert.labels.find("alertname");
      const std::string identity = name != alert.labels.end() ? fmt::format("{{alertname=\"{}\"}}", name->second)
                                                              : alert_identity(alert);
      auto it = std::find_if(by_name.begin(), by_name.end(), [&](const auto& entry) { return entry.first == identity; });
      if (it == by_name.end()) it = by_name.insert(by_name.end(), {identity, {}});
      it->second.push_back(&alert);
    }
    for (const auto& [identity, alerts] : by_name)
      drafts.push_back(make_draft(group, alerts, fmt::format("{}{}:{}", k_dedupe_prefix, route_of(group), identity), rules));
    return drafts;
  }
  for (const auto& alert : group.alerts) {
    std::string key = fmt::format("{}{}:{}", k_dedupe_prefix, alert_identity(alert), format_utc(alert.starts_at));
    drafts.push_back(make_draft(group, {&alert}, std::move(key), rules));
  }
  return drafts;
}

std::string expand_label_placeholders(std::string_view text, const StringMap& labels) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const auto it = labels.find(std::string(name));
    if (it != labels.end()) out += it->second;
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

Fault fault_from_alert(const AlertFault& draft) {
  Fault fault;
  fault.summary = draft.title;
  fault.description = draft.description;
  fault.level = draft.level;
  fault.source = draft.source;
  fault.service = draft.service;
  fault.team = draft.team;
  fault.dedupe_key = draft.dedupe_key;
  fault.started_at = draft.started_at;
  fault.detected_at = draft.started_at;
  if (draft.status == "resolved") fault.recovered_at = draft.ended_at;
  fault.labels = draft.labels;
  return fault;
}

}  // namespace faultline::core
