// Faults from monitoring: an Alertmanager (v4) or Grafana webhook payload becomes one fault per
// alert group (or per alert), the alert fingerprint being the dedupe key. A firing draft opens
// (or finds) its fault; a resolved one comments on its open fault and never opens one.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/util/error.hpp"

namespace faultline::app {

class Services;

struct AlertOpenRequest {
  std::string payload;      // the webhook body
  std::string source_name;  // where it came from, for errors ("alert.json", "stdin")
  bool per_alert = false;   // one fault per alert, not per group
  std::string level;        // overrides the rules' level
  std::string team;         // overrides
  std::string service;      // overrides
  bool notify = true;
};

// One fault the payload touched.
struct AlertOpenItem {
  std::string key;  // "" when a resolved alert had no open fault
  std::string url;
  bool resolved = false;  // the alert was resolved (a comment, never a new fault)
  nlohmann::json json;    // {"key","dedupe_key","alert_status","action",...} (open outcome for firing)
};

// Opens, finds or comments per alert draft, in payload order. Error: Usage/Config naming the
// source for a payload that is not Alertmanager or Grafana JSON; a level that is not P1-P4;
// Jira's error (drafts before it are done and a re-run skips them).
Result<std::vector<AlertOpenItem>> open_from_alert(Services& services, const AlertOpenRequest& request);

}  // namespace faultline::app
