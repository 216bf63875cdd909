// The fault review meeting (`faultline review schedule`): held within the review deadline
// (team.review_due_hours after recovery) unless a reason for lateness is given, sent as an
// iCalendar invitation (RFC 5545, one UID per fault, SEQUENCE raised by each reschedule, a
// CANCEL to call it off) through the e-mail channels routed for review.scheduled, posted to
// the other routes and the fault's room, and recorded on the fault: the time and the reason
// as facts (so board, show and remind see them), the meeting itself in the issue property
// `faultline-review-meeting`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/core/fault.hpp"
#include "faultline/core/time.hpp"
#include "faultline/notify/notifier.hpp"

namespace faultline::jira {
class Client;
}

namespace faultline::app {

class Services;

inline constexpr std::string_view k_meeting_property = "faultline-review-meeting";

// A fault's review meeting as recorded on the issue.
struct MeetingRecord {
  std::string uid;
  int sequence = 0;       // of the latest version decided
  int sent_sequence = -1;  // of the latest version whose invitation went out (-1: none)
  core::TimePoint at{};
  int duration_minutes = 60;
  std::string where;
  std::vector<std::string> participants;  // people keys, Jira users or addresses, in order
  std::vector<std::string> addresses;     // the invited addresses
  std::string organizer;                  // the address that sent the invitation
  std::string late_reason;
  bool cancelled = false;

  // {"schema":1,"uid","sequence","sent_sequence","at" (UTC ISO),"duration_minutes","where",
  //  "participants","addresses","organizer","late_reason","cancelled"}.
  nlohmann::json to_json() const;
  // Error (Failed) naming the property when `json` is not a meeting record.
  static Result<MeetingRecord> from_json(const nlohmann::json& json, std::string_view key);
};

// The fault's meeting; nullopt when none was scheduled. Error: the property could not be read.
Result<std::optional<MeetingRecord>> read_meeting(jira::Client& client, std::string_view key);

struct ScheduleRequest {
  std::string key;
  std::string at;                          // parse_time in the team's zone ("2026-12-04 15:00")
  std::string duration = "1h";             // parse_duration
  std::vector<std::string> participants;   // added to the default ones
  std::string where;                       // a URL or a room name; "" = the fault's room if any
  bool cancel = false;
  std::string late_reason;                 // --late: allows a time past the deadline
  bool notify = true;
};

struct ScheduleOutcome {
  std::string key;
  std::string action;  // "scheduled" | "rescheduled" | "unchanged" | "cancelled"
  MeetingRecord meeting;
  std::optional<core::TimePoint> review_deadline;
  bool invitation_sent = false;  // this run handed an invitation (or cancel) to the mail server
  bool dry_run = false;
  std::vector<std::string> warnings;  // participants without an address, no e-mail route
  std::vector<notify::DeliveryReport> notifications;

  // {"key","action","meeting":{...,"at" in the team's zone,"end"},"review_deadline",
  //  "invitation_sent","dry_run","warnings","notifications"}.
  nlohmann::json to_json(const date::time_zone* zone) const;
};

// The default participants: the handler (the fault's assignee, the owner of its resolution),
// the coordinator, and the lead of the fault's team ([teams.NAME] lead); then `extra`; people
// keys or Jira users, without repeats.
std::vector<std::string> meeting_participants(const config::Config& config, const core::Fault& fault,
                                              const std::vector<std::string>& extra);

// Schedules, reschedules or cancels the review meeting of request.key. Error: Usage for a time
// that cannot be read, is in the past, or is past the review deadline without a late reason
// (exit 2), or a cancel with nothing scheduled; NotFound for an unknown fault; Config when no
// participant has an address; the mail server's error when the invitation could not be sent
// (the meeting stays recorded as decided, and a re-run sends it).
Result<ScheduleOutcome> schedule_review(Services& services, const ScheduleRequest& request);

}  // namespace faultline::app
