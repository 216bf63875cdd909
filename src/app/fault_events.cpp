// Fault notifications: event data and delivery with the issue-property sent log.
#include "faultline/app/fault_events.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "faultline/app/operations.hpp"
#include "faultline/app/rooms.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/spool_replay.hpp"
#include "faultline/config/config.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/notify/message.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::app {

std::vector<notify::DeliveryReport> notify_event(Services& services, std::string_view event, const nlohmann::json& data,
                                                 notify::SentLog& sent_log) {
  return notify_event(services, event, data, sent_log, EventTargets{});
}

std::vector<notify::DeliveryReport> notify_event(Services& services, std::string_view event, const nlohmann::json& data,
                                                 notify::SentLog& sent_log, const EventTargets& targets) {
  std::vector<notify::DeliveryReport> reports;
  auto config = services.config();
  auto transport = services.transport();
  if (!config || !transport) return reports;
  std::vector<std::string> channels;
  if (targets.channels) channels = *targets.channels;
  else if (const auto* routed = notify::routed_channels(**config, event)) channels = *routed;
  const std::string room(notify::k_room_target);
  if (targets.always_room && targets.room && std::find(channels.begin(), channels.end(), room) == channels.end())
    channels.push_back(room);
  if (channels.empty()) return reports;
  const auto& diagnostics = services.diagnostics();
  notify::NotifierOptions options;
  options.templates = notify::default_template_dirs((*config)->team.template_dir);
  options.sent_log = &sent_log;
  options.dry_run = services.dry_run();
  options.room = targets.room;
  if (auto mail = services.mail_sender()) options.mail = *mail;
  notify::Notifier notifier(**transport, **config, std::move(options));
  reports = notifier.notify(event, data, channels);
  for (const auto& report : reports) {
    if (report.record_failed) {
      diagnostics.fail(notify::describe(report));
    } else if (report.status == notify::ReportStatus::Failed) {
      diagnostics.error(notify::describe(report));
    } else if (!report.warning.empty()) {
      diagnostics.warn(notify::describe(report));
    }
  }
  return reports;
}

namespace {

// A platform that refused for a passing reason gets the message from `faultline sync`: the
// notification goes into the spool (once per fault and message) and the run says so.
void spool_failed_notification(Services& services, const std::string& issue_key, const std::string& event,
                               const nlohmann::json& data, const std::vector<notify::DeliveryReport>& reports) {
  Spool* spool = services.spool();
  if (spool == nullptr || services.dry_run()) return;
  const auto failed = std::find_if(reports.begin(), reports.end(), [](const notify::DeliveryReport& report) {
    return report.status == notify::ReportStatus::Failed && report.retryable;
  });
  if (failed == reports.end()) return;
  auto entry = spool_notification(services, *spool, issue_key, event, data, notify::describe(*failed));
  if (!entry) {
    services.diagnostics().error("notify: the message could not be spooled: " + entry.error().message);
    return;
  }
  services.diagnostics().spooled(
      entry->id, fmt::format("notify: {} for {} spooled as {} ({}): `faultline sync` sends it", event, issue_key,
                             entry->id, (spool->dir() / entry->file).string()));
}

}  // namespace

std::vector<notify::DeliveryReport> notify_fault_event(Services& services, jira::Client& client,
                                                       std::string_view issue_key, std::string_view event,
                                                       const nlohmann::json& data) {
  auto config = services.config();
  if (!config) return {};
  if (notify::routed_channels(**config, event) == nullptr) return {};
  const EventTargets targets = fault_event_targets(services, client, issue_key, event);
  PropertySentLog sent_log(client, std::string(issue_key));
  if (!sent_log.load_warning().empty()) services.diagnostics().warn("notify: " + sent_log.load_warning());
  auto reports = notify_event(services, event, data, sent_log, targets);
  spool_failed_notification(services, std::string(issue_key), std::string(event), data, reports);
  return reports;
}

EventTargets fault_event_targets(Services& services, jira::Client& client, std::string_view issue_key,
                                 std::string_view event) {
  EventTargets targets;
  auto config = services.config();
  if (!config) return targets;
  const auto* routed = notify::routed_channels(**config, event);
  if (routed != nullptr &&
      std::find(routed->begin(), routed->end(), std::string(notify::k_room_target)) != routed->end())
    targets.room = room_poster_for(services, client, issue_key);
  return targets;
}

nlohmann::json notifications_json(const std::vector<notify::DeliveryReport>& reports) {
  auto list = nlohmann::json::array();
  for (const auto& report : reports) list.push_back(notify::to_json(report));
  return list;
}

nlohmann::json fault_event_json(const core::Fault& fault, const date::time_zone* zone) {
  auto json = core::fault_to_json(fault, zone);
  if (fault.started_at) json["started"] = core::format_iso(*fault.started_at, zone);
  if (fault.recovered_at) json["recovered"] = core::format_iso(*fault.recovered_at, zone);
  if (json.value("time_to_recover", nlohmann::json()).is_string()) json["duration"] = json["time_to_recover"];
  return json_access::without_empty(json);
}

nlohmann::json mentions_json(std::string_view person) {
  auto list = nlohmann::json::array();
  if (!person.empty()) list.push_back(std::string(person));
  return list;
}

nlohmann::json fault_event_data(const core::Fault& fault, std::string_view event, const jira::Client& client,
                                const date::time_zone* zone) {
  return nlohmann::json{{"fault", fault_event_json(fault, zone)},
                        {"link", {{"url", client.browse_url(fault.key)}, {"title", fault.key}}},
                        {"mentions", mentions_json(fault.coordinator)},
                        {"dedupe_key", fault.key + ":" + std::string(event)}};
}

}  // namespace faultline::app
