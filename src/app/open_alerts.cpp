// `open --from-alert`: alert drafts -> open_fault, or a comment for a resolved alert.
#include "faultline/app/open_alerts.hpp"

#include <fmt/format.h>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/open_fault.hpp"
#include "faultline/app/rooms.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/alerts.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::app {

namespace {

// A resolved alert: a comment on its open fault (once), nothing when none is open.
Result<AlertOpenItem> resolve_alert(FaultSession& session, const core::AlertFault& draft) {
  AlertOpenItem item;
  item.resolved = true;
  item.json = {{"dedupe_key", draft.dedupe_key}, {"alert_status", "resolved"}, {"created", false}};
  FAULTLINE_TRY(open_faults, session.repository->find_open_by_dedupe(draft.dedupe_key));
  if (open_faults->empty()) {
    item.json["key"] = nullptr;
    item.json["action"] = "none";
    return item;
  }
  const auto& target = open_faults->front();
  const auto ended = draft.ended_at ? core::format_iso(*draft.ended_at, session.zone) : std::string("now");
  const auto key = op_key({"alert-resolved", target.key, draft.dedupe_key, ended});
  auto commented = ensure_comment(*session.jira, target.key, key, fmt::format("Alert resolved at {}: {}", ended, draft.title));
  if (!commented) return std::unexpected(commented.error());
  item.key = target.key;
  item.url = session.jira->browse_url(target.key);
  item.json["key"] = item.key;
  item.json["url"] = item.url;
  item.json["action"] = *commented == OpStatus::Done ? "commented" : "already_commented";
  return item;
}

// A firing alert: its fault opened, or found and commented.
Result<AlertOpenItem> fire_alert(Services& services, FaultSession& session, const core::AlertFault& draft,
                                 const AlertOpenRequest& request, const std::string& level) {
  auto fault = core::fault_from_alert(draft);
  fault.coordinator = session.config->team.coordinator;
  if (!level.empty()) fault.level = level;
  if (!request.team.empty()) fault.team = request.team;
  if (!request.service.empty()) fault.service = request.service;
  FAULTLINE_TRY(outcome,
                open_fault(services, session, std::move(fault), request.notify ? Announce::Yes : Announce::No));
  AlertOpenItem item;
  item.key = outcome->fault.key;
  item.url = outcome->url;
  item.json = outcome->to_json(session.zone);
  item.json["dedupe_key"] = draft.dedupe_key;
  item.json["alert_status"] = "firing";
  item.json["action"] = outcome->dry_run                  ? "dry_run"
                        : outcome->created                ? "created"
                        : !outcome->duplicate_of.empty() ? "closed_duplicate"
                                                          : "commented";
  if (outcome->created && request.notify && !outcome->dry_run) {
    if (auto room = open_room_after_open(services, session, outcome->fault)) item.json["room"] = room->to_json();
  }
  return item;
}

}  // namespace

Result<std::vector<AlertOpenItem>> open_from_alert(Services& services, const AlertOpenRequest& request) {
  auto group = core::parse_alert_payload_text(request.payload);
  if (!group) {
    auto error = group.error();
    error.message = fmt::format("{}: {}", request.source_name, error.message);
    return std::unexpected(error);
  }
  std::string level;
  if (!request.level.empty()) {
    FAULTLINE_TRY(normalized, normalize_level(request.level, "--level"));
    level = *normalized;
  }
  FAULTLINE_TRY(session, open_fault_session_for_open(services));
  const auto grouping = request.per_alert ? core::AlertGrouping::PerAlert : core::AlertGrouping::PerGroup;
  std::vector<AlertOpenItem> items;
  for (const auto& draft : core::alert_faults(*group, grouping, session->config->alert_rules)) {
    FAULTLINE_TRY(item,
                  draft.status == "resolved" ? resolve_alert(*session, draft)
                                             : fire_alert(services, *session, draft, request, level));
    items.push_back(std::move(*item));
  }
  return items;
}

}  // namespace faultline::app
