// The response room of a fault ([rooms]): a group on the team's chat platform made for one
// serious fault, so its discussion leaves the noisy availability group. `room create` makes it
// (idempotent by the fault key: the platform's own dedupe key and the record on the issue),
// invites the people it can resolve, sets the topic and posts the fault's summary; the room
// is recorded on the fault (issue property `faultline-room` and a remote link); the route
// target "room" posts there; `room close` posts a closing summary and archives it where the
// platform can. A platform that fails never fails a Jira write: its work is spooled.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/fault_session.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/notify/notifier.hpp"
#include "faultline/notify/room_platform.hpp"

namespace faultline::app {

class Services;

// The issue property holding a fault's room.
inline constexpr std::string_view k_room_property = "faultline-room";

// A fault's room as recorded on the issue.
struct RoomRecord {
  notify::RoomRef room;
  std::string dedupe_key;   // core::room_dedupe_key of the site and fault
  std::string created_at;   // UTC ISO
  std::vector<std::string> invited;     // people (keys or Jira users) the platform added
  std::vector<std::string> unresolved;  // people with no id on the platform, or refused by it
  bool topic_set = false;
  bool linked = false;       // the remote link exists
  std::string closed_at;     // UTC ISO; "" while open
  bool archived = false;

  bool open() const { return closed_at.empty(); }
  // {"schema":1,"room":{...},"dedupe_key","created_at","invited","unresolved","topic_set",
  //  "linked","closed_at","archived"}.
  nlohmann::json to_json() const;
  // Error (Failed) naming the property when `json` is not a room record.
  static Result<RoomRecord> from_json(const nlohmann::json& json, std::string_view key);
};

// The fault's room record; nullopt when it has none. Error: the property could not be read.
Result<std::optional<RoomRecord>> read_room(jira::Client& client, std::string_view key);

// What `room create` / `room close` did.
struct RoomOutcome {
  std::string key;            // the fault
  RoomRecord record;
  bool created = false;       // this run made the group
  bool closed = false;        // this run closed it
  bool dry_run = false;
  std::vector<std::string> warnings;  // people not invited, a step the platform refused
  std::vector<notify::DeliveryReport> notifications;

  // {"key","room":{...record},"created","closed","dry_run","warnings","notifications"}.
  nlohmann::json to_json() const;
};

// The people a fault's room invites by the config ([rooms] invite and extra per level):
// "handler" (the assignee), "coordinator", "team" (the fault team's lead and members from
// [teams.NAME], and the people whose team it is), "owner" ([rooms] owner), or people keys.
// People keys or Jira users, in order, without repeats.
std::vector<std::string> room_invitees(const config::Config& config, const core::Fault& fault);

// Whether `fault`'s level gets a room when it is opened ([rooms] levels).
bool level_gets_room(const config::Config& config, std::string_view level);

// Creates the room of `key` (or finds the one made before), invites, sets the topic, records
// it, links it and posts room.opened there (and to room.opened's routes). A second run does
// only what the first did not finish. Error: Config without [rooms]; NotFound for an unknown
// fault; the platform's error when the group could not be created (Unavailable: spool it).
Result<RoomOutcome> create_room(Services& services, FaultSession& session, const core::Fault& fault);
Result<RoomOutcome> create_room(Services& services, std::string_view key);

// Posts room.closed to the room (and its routes), archives it where the platform can, and
// records it closed. A closed room is left as it is. Error: Config without [rooms]; NotFound
// when the fault has no room; the platform's error.
Result<RoomOutcome> close_room(Services& services, FaultSession& session, const core::Fault& fault);
Result<RoomOutcome> close_room(Services& services, std::string_view key);

// After `open`: creates the room when the fault's level gets one. A failure is a warning (and
// an entry in the spool when the platform was unavailable), never the open's failure.
// Returns the outcome when a room was made or found.
std::optional<RoomOutcome> open_room_after_open(Services& services, FaultSession& session, const core::Fault& fault);

// The poster for the route target "room" of fault `key` when it has an open room (nullptr
// function otherwise, or when [rooms] is off): reads the record once.
notify::RoomPoster room_poster_for(Services& services, jira::Client& client, std::string_view key);

}  // namespace faultline::app
