// Alert ingestion: Prometheus Alertmanager (webhook payload version "4") and Grafana unified
// alerting (webhook version "1") payloads, validated and turned into fault drafts with
// PagerDuty-style dedupe keys. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/core/fault.hpp"
#include "faultline/core/time.hpp"
#include "faultline/util/error.hpp"

namespace faultline::core {

// One alert of a webhook payload.
struct Alert {
  std::string status;  // firing | resolved
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  TimePoint starts_at{};
  std::optional<TimePoint> ends_at;  // only for resolved alerts (a firing one's is a timeout)
  std::string generator_url;
  std::string fingerprint;           // "" when the sender gave none
  // Grafana only ("" from Alertmanager):
  std::string silence_url;
  std::string dashboard_url;
  std::string panel_url;
  std::string value_string;
};

// One webhook payload: an aggregation group and its alerts.
struct AlertGroup {
  std::string source_system;  // alertmanager | grafana
  std::string receiver;
  std::string group_key;      // "" when the sender gave none
  std::string status;         // firing | resolved
  std::map<std::string, std::string> group_labels;
  std::map<std::string, std::string> common_labels;
  std::map<std::string, std::string> common_annotations;
  std::string external_url;
  std::string title;          // Grafana only
  std::string message;        // Grafana only
  int truncated_alerts = 0;
  std::vector<Alert> alerts;  // never empty
};

// Validates and reads a webhook payload. Grafana is recognised by its fields (top-level
// orgId/title/state/message, per-alert silenceURL/dashboardURL/panelURL/values/valueString),
// otherwise Alertmanager; "version" must be "4" or "1". Unknown fields are ignored.
// Error (Config) names the field path: "alerts[2].startsAt: not an RFC 3339 time",
// "alerts[1].labels: expected an object", "alerts: empty, no alert to open a fault for".
Result<AlertGroup> parse_alert_payload(const nlohmann::json& payload);

// The same from the payload's text. Error (Config) also when the text is not JSON (with the
// byte offset).
Result<AlertGroup> parse_alert_payload_text(std::string_view text);

// One fault draft per group (one fault per Alertmanager group) or per alert.
enum class AlertGrouping { PerGroup, PerAlert };

// A mapping rule: when every `match` label has the given value ("*" = present with any
// value), the rule decides service, team and level. Each may hold {{label}} placeholders
// ("{{service}}", "svc-{{job}}"); an empty result falls back to the defaults.
struct AlertRule {
  std::map<std::string, std::string> match;
  std::string service;
  std::string team;
  std::string level;  // P1..P4, or a severity word mapped through severity_levels
};

// The rules (first match wins) and the defaults behind them: service from label "service",
// "job" or "app" (first present), team from "team", level from "severity" through
// `severity_levels` (case-insensitive), else `fallback_level`.
struct AlertRules {
  std::vector<AlertRule> rules;
  std::map<std::string, std::string> severity_levels = {
      {"critical", "P1"}, {"error", "P2"}, {"high", "P2"}, {"warning", "P3"}, {"info", "P4"}};
  std::string fallback_level = "P4";
};

// A fault to open (or to find by dedupe key) from alerts.
struct AlertFault {
  std::string dedupe_key;   // PerGroup "am:<groupKey>", PerAlert "am:<fingerprint>:<startsAt UTC>"
  std::string title;        // one line, at most 255 bytes
  std::string description;  // Markdown: annotations, labels table, links
  TimePoint started_at{};   // earliest startsAt
  std::optional<TimePoint> ended_at;  // latest endsAt, when resolved
  std::string status;       // firing (any alert firing) | resolved (all resolved)
  std::string service;
  std::string team;
  std::string level;        // P1..P4
  std::string source = "monitoring";
  std::map<std::string, std::string> alert_labels;  // labels shared by the draft's alerts
  std::vector<std::string> labels;  // Jira label markers (see fault_labels) + "alert-<alertname>"
  int alert_count = 0;
  int firing_count = 0;
};

// The fault drafts of a group: one (PerGroup) or one per alert (PerAlert), in payload order.
// An Alertmanager group without group labels (groupKey "{}:{}": a route without group_by)
// gives one draft per alert name under PerGroup, keyed "am:<route>:{alertname=\"X\"}".
// Dedupe keys longer than 255 bytes become "am:h:<16 hex FNV-1a>" of the long key.
std::vector<AlertFault> alert_faults(const AlertGroup& group, AlertGrouping grouping, const AlertRules& rules);

// `text` with each {{name}} replaced by the label's value ("" when absent; spaces inside the
// braces allowed). Unclosed braces stay literal.
std::string expand_label_placeholders(std::string_view text, const std::map<std::string, std::string>& labels);

// A Fault prefilled from a draft: summary, description, level, source, service, team,
// dedupe_key, started_at, detected_at (= started_at), recovered_at (= ended_at when
// resolved), labels.
Fault fault_from_alert(const AlertFault& draft);

}  // namespace faultline::core
