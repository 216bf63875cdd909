// `review schedule`: the review meeting, its invitation and its record on the fault.
#include "faultline/app/review_meeting.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/fault_session.hpp"
#include "faultline/app/operations.hpp"
#include "faultline/app/rooms.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/users.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/calendar.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/notify/invitation.hpp"
#include "faultline/notify/mail.hpp"
#include "faultline/util/json_access.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

using nlohmann::json;

void add_person(std::vector<std::string>& list, const std::string& name) {
  if (!name.empty() && std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

// The e-mail address of a participant: the person's address, or the name when it is one.
std::string address_of(const config::Config& config, const std::string& name) {
  if (const auto it = config.people.find(name); it != config.people.end()) return it->second.email;
  for (const auto& [key, person] : config.people)
    if (!person.jira.empty() && person.jira == name) return person.email;
  if (name.find('@') != std::string::npos) return notify::mail_address(name);
  return {};
}

// The e-mail channel the invitation goes through: the first routed for review.scheduled, else
// the first e-mail channel of the config; nullptr when there is none.
const config::Channel* invitation_channel(const config::Config& config) {
  if (const auto* routed = notify::routed_channels(config, "review.scheduled")) {
    for (const auto& name : *routed) {
      const auto it = config.channels.find(name);
      if (it != config.channels.end() && it->second.kind == "email") return &it->second;
    }
  }
  for (const auto& [name, channel] : config.channels)
    if (channel.kind == "email") return &channel;
  return nullptr;
}

// The routes of review.scheduled that are not e-mail (those get the invitation instead).
std::vector<std::string> post_channels(const config::Config& config) {
  std::vector<std::string> out;
  if (const auto* routed = notify::routed_channels(config, "review.scheduled")) {
    for (const auto& name : *routed) {
      const auto it = config.channels.find(name);
      if (it != config.channels.end() && it->second.kind == "email") continue;
      out.push_back(name);
    }
  }
  return out;
}

bool same_meeting(const MeetingRecord& a, const MeetingRecord& b) {
  return a.at == b.at && a.duration_minutes == b.duration_minutes && a.where == b.where &&
         a.participants == b.participants && a.addresses == b.addresses && a.late_reason == b.late_reason &&
         a.cancelled == b.cancelled;
}

json meeting_json(const MeetingRecord& meeting, const date::time_zone* zone) {
  const auto end = meeting.at + std::chrono::minutes(meeting.duration_minutes);
  return json{{"uid", meeting.uid},
              {"sequence", meeting.sequence},
              {"at", core::format_iso(meeting.at, zone)},
              {"end", core::format_iso(end, zone)},
              {"duration", core::format_age(std::chrono::minutes(meeting.duration_minutes))},
              {"duration_minutes", meeting.duration_minutes},
              {"where", meeting.where},
              {"participants", meeting.participants},
              {"addresses", meeting.addresses},
              {"organizer", meeting.organizer},
              {"late_reason", meeting.late_reason},
              {"cancelled", meeting.cancelled}};
}

// The plain-text part of the invitation.
std::string invitation_text(const core::Fault& fault, const MeetingRecord& meeting, const std::string& url,
                            const date::time_zone* zone, std::optional<core::TimePoint> deadline) {
  std::string text = meeting.cancelled ? fmt::format("The review meeting of {} is cancelled.\n\n", fault.key)
                                       : fmt::format("Review meeting of {}: {}\n\n", fault.key, fault.summary);
  if (!meeting.cancelled) {
    text += fmt::format("When: {} ({})\n", core::format_iso(meeting.at, zone),
                        core::format_age(std::chrono::minutes(meeting.duration_minutes)));
    if (!meeting.where.empty()) text += fmt::format("Where: {}\n", meeting.where);
  }
  if (deadline) text += fmt::format("Review due by: {}\n", core::format_iso(*deadline, zone));
  if (!meeting.late_reason.empty()) text += fmt::format("Late because: {}\n", meeting.late_reason);
  if (!meeting.participants.empty()) text += fmt::format("Participants: {}\n", fmt::join(meeting.participants, ", "));
  text += fmt::format("\nFault: {}\n", url);
  if (!meeting.cancelled)
    text += fmt::format("Prepare the review file with `faultline review init {}` before the meeting.\n", fault.key);
  return text;
}

Result<void> save_meeting(jira::Client& client, const std::string& key, const MeetingRecord& meeting) {
  FAULTLINE_TRY(saved, client.set_property(key, k_meeting_property, meeting.to_json()));
  return {};
}

}  // namespace

json MeetingRecord::to_json() const {
  return json{{"schema", 1},
              {"uid", uid},
              {"sequence", sequence},
              {"sent_sequence", sent_sequence},
              {"at", core::format_utc(at)},
              {"duration_minutes", duration_minutes},
              {"where", where},
              {"participants", participants},
              {"addresses", addresses},
              {"organizer", organizer},
              {"late_reason", late_reason},
              {"cancelled", cancelled}};
}

Result<MeetingRecord> MeetingRecord::from_json(const json& value, std::string_view key) {
  auto broken = [&] {
    return fail(ErrorKind::Failed,
                fmt::format("{}: the issue property '{}' is not a review meeting record", key, k_meeting_property),
                fmt::format("delete the property and run `faultline review schedule {} --at ...` again", key));
  };
  if (!value.is_object() || !value.contains("uid") || !value["uid"].is_string() || !value.contains("at") ||
      !value["at"].is_string())
    return broken();
  const auto at = core::parse_timestamp(value["at"].get<std::string>());
  if (!at) return broken();
  MeetingRecord record;
  record.uid = value["uid"].get<std::string>();
  record.sequence = value.value("sequence", 0);
  record.sent_sequence = value.value("sent_sequence", -1);
  record.at = *at;
  record.duration_minutes = value.value("duration_minutes", 60);
  record.where = value.value("where", "");
  record.participants = json_access::strings(value.value("participants", json::array()));
  record.addresses = json_access::strings(value.value("addresses", json::array()));
  record.organizer = value.value("organizer", "");
  record.late_reason = value.value("late_reason", "");
  record.cancelled = value.value("cancelled", false);
  return record;
}

Result<std::optional<MeetingRecord>> read_meeting(jira::Client& client, std::string_view key) {
  auto value = client.property(key, k_meeting_property);
  if (!value) {
    if (value.error().kind == ErrorKind::NotFound) return std::optional<MeetingRecord>();
    return std::unexpected(value.error());
  }
  FAULTLINE_TRY(record, MeetingRecord::from_json(*value, key));
  return std::optional<MeetingRecord>(std::move(*record));
}

json ScheduleOutcome::to_json(const date::time_zone* zone) const {
  return json{{"key", key},
              {"action", action},
              {"meeting", meeting_json(meeting, zone)},
              {"review_deadline", review_deadline ? json(core::format_iso(*review_deadline, zone)) : json(nullptr)},
              {"invitation_sent", invitation_sent},
              {"dry_run", dry_run},
              {"warnings", warnings},
              {"notifications", notifications_json(notifications)}};
}

std::vector<std::string> meeting_participants(const config::Config& config, const core::Fault& fault,
                                              const std::vector<std::string>& extra) {
  std::vector<std::string> people;
  if (!fault.handler.empty()) add_person(people, person_name(config, fault.handler, fault.handler));
  const std::string coordinator = fault.coordinator.empty() ? config.team.coordinator : fault.coordinator;
  add_person(people, person_name(config, coordinator, coordinator));
  if (const auto team = config.teams.find(fault.team); team != config.teams.end()) add_person(people, team->second.lead);
  for (const auto& name : extra) add_person(people, std::string(trim(name)));
  return people;
}

Result<ScheduleOutcome> schedule_review(Services& services, const ScheduleRequest& request) {
  FAULTLINE_TRY(session, open_fault_session(services));
  const config::Config& config = *session->config;
  const date::time_zone* zone = session->zone;
  jira::Client& client = *session->jira;
  FAULTLINE_TRY(fault, session->repository->get(request.key));
  FAULTLINE_TRY(existing, read_meeting(client, fault->key));
  const auto now = services.clock().now();

  ScheduleOutcome outcome;
  outcome.key = fault->key;
  outcome.dry_run = services.dry_run();
  const core::ReviewPolicy policy{config.team.review_due_hours, config.team.review_due_hours_by_level};
  outcome.review_deadline = core::effective_review_deadline(*fault, policy);

  const config::Channel* channel = invitation_channel(config);
  MeetingRecord meeting;
  if (request.cancel) {
    if (!*existing) {
      return fail(ErrorKind::Usage, fmt::format("{} has no review meeting to cancel", fault->key),
                  fmt::format("schedule one with `faultline review schedule {} --at \"YYYY-MM-DD HH:MM\"`", fault->key));
    }
    meeting = **existing;
    if (!meeting.cancelled) {
      meeting.cancelled = true;
      meeting.sequence += 1;
      outcome.action = "cancelled";
    } else {
      outcome.action = meeting.sent_sequence == meeting.sequence ? "unchanged" : "cancelled";
    }
  } else {
    if (request.at.empty())
      return fail(ErrorKind::Usage, "--at is required: when the review meeting starts",
                  "for example --at \"2026-12-04 15:00\" (the team's time zone) or --at +2h");
    FAULTLINE_TRY(at, core::parse_time(request.at, now, zone));
    FAULTLINE_TRY(duration, core::parse_duration(request.duration));
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(*duration).count();
    if (minutes < 5 || minutes > 8 * 60)
      return fail(ErrorKind::Usage, fmt::format("--duration {}: a review meeting lasts from 5 minutes to 8 hours",
                                                request.duration));
    if (*at < now) {
      return fail(ErrorKind::Usage,
                  fmt::format("--at {}: {} is in the past", request.at, core::format_iso(*at, zone)),
                  "give a time to come, in the team's time zone (" + config.team.timezone + ")");
    }
    if (outcome.review_deadline && *at > *outcome.review_deadline && request.late_reason.empty()) {
      return fail(ErrorKind::Usage,
                  fmt::format("--at {}: {} is past the review deadline of {}, {}", request.at,
                              core::format_iso(*at, zone), fault->key, core::format_iso(*outcome.review_deadline, zone)),
                  "hold the review by the deadline, or say why it is late with --late \"reason\" (it is recorded "
                  "and shown in show, the board and the stats)");
    }
    meeting.at = std::chrono::floor<std::chrono::minutes>(*at);
    meeting.duration_minutes = static_cast<int>(minutes);
    meeting.late_reason = std::string(trim(request.late_reason));
    meeting.participants = meeting_participants(config, *fault, request.participants);
    meeting.where = request.where;
    if (meeting.where.empty()) {
      if (auto room = read_room(client, fault->key); room && *room && (*room)->open())
        meeting.where = (*room)->room.name;
    }
    for (const auto& name : meeting.participants) {
      const std::string address = address_of(config, name);
      if (address.empty()) {
        outcome.warnings.push_back(fmt::format(
            "{} gets no invitation: no e-mail address; add email = \"...\" to [people.{}]", name, name));
        continue;
      }
      add_person(meeting.addresses, address);
    }
    if (meeting.addresses.empty() && channel != nullptr) {
      return fail(ErrorKind::Config,
                  fmt::format("none of the participants of {}'s review ({}) has an e-mail address", fault->key,
                              fmt::join(meeting.participants, ", ")),
                  "add email = \"...\" to their [people.NAME] tables, or pass --participants with addresses");
    }
    if (*existing) {
      meeting.uid = (*existing)->uid;
      meeting.organizer = (*existing)->organizer;
      if (!(*existing)->cancelled && same_meeting(meeting, **existing)) {
        meeting = **existing;
        outcome.action = meeting.sent_sequence == meeting.sequence ? "unchanged" : "scheduled";
      } else {
        meeting.sequence = (*existing)->sequence + 1;
        meeting.sent_sequence = (*existing)->sent_sequence;
        outcome.action = "rescheduled";
      }
    } else {
      outcome.action = "scheduled";
    }
  }
  if (channel != nullptr && meeting.organizer.empty()) meeting.organizer = notify::mail_address(channel->from);
  if (meeting.uid.empty()) meeting.uid = core::review_event_uid(config.jira.url, fault->key, meeting.organizer);

  // Record what was decided before anything is sent: a run that dies after the mail finds
  // the version it sent and sends it again with the same Message-ID instead of a new one.
  if (!services.dry_run() && (!*existing || !same_meeting(meeting, **existing) ||
                              meeting.sequence != (*existing)->sequence)) {
    FAULTLINE_TRY(saved, save_meeting(client, fault->key, meeting));
    core::Fault changes;
    core::Fault updated = *fault;
    if (meeting.cancelled) {
      updated.review_scheduled_at.reset();
      updated.review_late_reason.clear();
    } else {
      changes.review_scheduled_at = meeting.at;
      changes.review_late_reason = meeting.late_reason;
      updated.review_scheduled_at = meeting.at;
      updated.review_late_reason = meeting.late_reason;
    }
    FAULTLINE_TRY(facts, session->repository->save(fault->key, *fault, changes, updated));
  }

  const std::string url = client.browse_url(fault->key);
  if (meeting.sent_sequence < meeting.sequence) {
    if (channel == nullptr) {
      outcome.warnings.push_back("no e-mail channel is configured: no invitation was sent; add a [channels.NAME] "
                                 "with kind = \"email\" and route review.scheduled to it");
    } else {
      core::CalendarEvent event;
      event.method = meeting.cancelled ? core::CalendarMethod::Cancel : core::CalendarMethod::Request;
      event.uid = meeting.uid;
      event.sequence = meeting.sequence;
      event.stamp = now;
      event.start = meeting.at;
      event.duration = std::chrono::minutes(meeting.duration_minutes);
      event.summary = fmt::format("Fault review: {} {}", fault->key, fault->summary);
      event.description = invitation_text(*fault, meeting, url, zone, outcome.review_deadline);
      event.location = meeting.where;
      event.url = url;
      event.organizer = {"faultline", meeting.organizer};
      for (std::size_t i = 0; i < meeting.addresses.size(); ++i) event.attendees.push_back({"", meeting.addresses[i]});
      for (const auto& name : meeting.participants) {
        const std::string address = address_of(config, name);
        for (auto& attendee : event.attendees)
          if (attendee.email == address && attendee.name.empty()) attendee.name = name;
      }
      FAULTLINE_TRY(mail, notify::build_invitation_mail(*channel, event, event.description, now));
      FAULTLINE_TRY(sender, services.mail_sender());
      if (auto sent = (*sender)->send(*mail); !sent) {
        auto error = sent.error();
        error.message = fmt::format("the review meeting of {} is recorded, but its invitation was not sent: {}",
                                    fault->key, error.message);
        error.hint = "run the same command again: it sends the invitation it recorded";
        return std::unexpected(std::move(error));
      }
      outcome.invitation_sent = true;
      if (!services.dry_run()) {
        meeting.sent_sequence = meeting.sequence;
        FAULTLINE_TRY(saved, save_meeting(client, fault->key, meeting));
      }
    }
  }
  outcome.meeting = meeting;

  if (request.notify) {
    json data = fault_event_data(*fault, "review.scheduled", client, zone);
    data["meeting"] = meeting_json(meeting, zone);
    data["meeting"]["rescheduled"] = meeting.sequence > 0 && !meeting.cancelled;
    if (outcome.review_deadline) data["meeting"]["review_due"] = core::format_iso(*outcome.review_deadline, zone);
    data["mentions"] = meeting.participants;
    data["dedupe_key"] = fmt::format("{}:review.scheduled:{}", fault->key, meeting.sequence);
    EventTargets targets;
    targets.room = room_poster_for(services, client, fault->key);
    targets.always_room = true;
    const auto channels = post_channels(config);
    if (!channels.empty() || targets.room) {
      PropertySentLog sent_log(client, fault->key);
      if (!sent_log.load_warning().empty()) services.diagnostics().warn("notify: " + sent_log.load_warning());
      // Routed e-mail channels get the invitation, not a second mail: only the other routes.
      targets.channels = channels;
      outcome.notifications = notify_event(services, "review.scheduled", data, sent_log, targets);
    }
  }
  return outcome;
}

}  // namespace faultline::app
