// Fuzz target: the alert payload parsers (Alertmanager webhook v4 and Grafana unified alerting
// v1, core::parse_alert_payload_text), the whole input as the payload, then the fault drafts
// made from an accepted payload (both groupings). Properties: no crash; an accepted group has
// alerts; drafts have the documented limits (title <= 255 bytes, dedupe key <= 255 bytes,
// level P1..P4).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "faultline/core/alerts.hpp"

namespace {

void check_drafts(const std::vector<faultline::core::AlertFault>& drafts) {
  for (const auto& draft : drafts) {
    if (draft.title.size() > 255 || draft.dedupe_key.size() > 255 || draft.dedupe_key.empty()) std::abort();
    if (draft.level.size() != 2 || draft.level[0] != 'P' || draft.level[1] < '1' || draft.level[1] > '4') std::abort();
    (void)faultline::core::fault_from_alert(draft);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline::core;
  static const AlertRules rules = [] {
    AlertRules r;
    r.rules.push_back(AlertRule{{{"team", "*"}}, "svc-{{job}}", "{{ team }}", "{{severity}}"});
    r.rules.push_back(AlertRule{{{"alertname", "Watchdog"}}, "", "", "P4"});
    return r;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto group = parse_alert_payload_text(text);
  if (!group) {
    if (group.error().message.empty()) std::abort();
    return 0;
  }
  if (group->alerts.empty()) std::abort();
  check_drafts(alert_faults(*group, AlertGrouping::PerGroup, rules));
  check_drafts(alert_faults(*group, AlertGrouping::PerAlert, rules));
  return 0;
}
