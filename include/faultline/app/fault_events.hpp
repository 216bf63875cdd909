// Chat notifications about one fault: the event data every fault use-case sends (the fault
// model with its times in the team's zone) and the delivery through the configured routes,
// with the sent log kept in the issue property so a re-run never posts a message twice.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/core/fault.hpp"
#include "faultline/notify/notifier.hpp"

namespace faultline::jira {
class Client;
}

namespace faultline::app {

class Services;

// Sends `event` with `data` through the configured routes, deduplicated by `sent_log`. Never
// fails: each failed channel is reported as a diagnostics error and returned; nothing is sent
// when the config or the transport is unavailable or the event has no route.
std::vector<notify::DeliveryReport> notify_event(Services& services, std::string_view event, const nlohmann::json& data,
                                                 notify::SentLog& sent_log);

// Where a fault event goes besides its routes.
struct EventTargets {
  notify::RoomPoster room;  // the fault's room, for the route target "room"
  bool always_room = false;  // post to the room even when the event has no route there
  // When set, these channels instead of the event's routes (review.scheduled leaves out the
  // e-mail channels, which get the invitation instead).
  std::optional<std::vector<std::string>> channels;
};

// The targets of `event` for the fault `issue_key`: its room's poster when the event routes to
// "room" and the fault has an open room (one read of the room's record), else none.
EventTargets fault_event_targets(Services& services, jira::Client& client, std::string_view issue_key,
                                 std::string_view event);

// notify_event with the fault's room: the routes of `event`, plus "room" when
// targets.always_room.
std::vector<notify::DeliveryReport> notify_event(Services& services, std::string_view event, const nlohmann::json& data,
                                                 notify::SentLog& sent_log, const EventTargets& targets);

// Sends `event` for the fault `issue_key` (dedupe key data["dedupe_key"], default
// "<KEY>:<event>") through the configured routes, with the sent log in the issue property;
// a route to "room" posts to the fault's room when it has an open one (app/rooms.hpp).
// Never fails: each failed channel is reported as a diagnostics error and returned; nothing
// is sent when the config or the transport is unavailable.
std::vector<notify::DeliveryReport> notify_fault_event(Services& services, jira::Client& client,
                                                       std::string_view issue_key, std::string_view event,
                                                       const nlohmann::json& data);

// The reports as JSON for --json "notifications".
nlohmann::json notifications_json(const std::vector<notify::DeliveryReport>& reports);

// The fault part of the notification data (templates/notify/README.md): the fault model
// plus "started", "recovered" and "duration" in the team's zone, empty members left out.
nlohmann::json fault_event_json(const core::Fault& fault, const date::time_zone* zone);

// The people a message mentions: [person] when set, else [].
nlohmann::json mentions_json(std::string_view person);

// The notification data of `event` for `fault`: {"fault", "link" (the issue), "mentions"
// (the coordinator), "dedupe_key": "<KEY>:<event>"}; callers add their event's own members.
nlohmann::json fault_event_data(const core::Fault& fault, std::string_view event, const jira::Client& client,
                                const date::time_zone* zone);

}  // namespace faultline::app
