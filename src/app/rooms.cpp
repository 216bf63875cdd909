// The response room of a fault: create, invite, topic, record, link, post; close.
#include "faultline/app/rooms.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/issue_lock.hpp"
#include "faultline/app/operations.hpp"
#include "faultline/app/reminder_claims.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/spool.hpp"
#include "faultline/app/spool_replay.hpp"
#include "faultline/app/users.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/room_names.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/notify/mentions.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::app {

namespace {

using nlohmann::json;

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

Result<void> require_rooms(const config::Config& config) {
  if (config.rooms.enabled()) return {};
  return fail(ErrorKind::Config, "no response rooms are configured",
              "add a [rooms] table with the platform and its bot credentials (see examples/faultline-cloud.toml)");
}

// The room's message: the title, the body, then the link.
std::string room_text(const notify::Message& message) {
  std::string text = message.markdown_body;
  if (!message.link_url.empty()) {
    if (!text.empty()) text += "\n\n";
    text += fmt::format("[{}]({})", message.link_title.empty() ? message.link_url : message.link_title, message.link_url);
  }
  return text;
}

notify::RoomPoster make_poster(std::shared_ptr<notify::RoomPlatform> platform, notify::RoomRef room) {
  return [platform = std::move(platform), room = std::move(room)](const notify::Message& message) -> Result<void> {
    return platform->post(room, message.title, room_text(message));
  };
}

Result<std::shared_ptr<notify::RoomPlatform>> platform_for(Services& services, const config::Config& config) {
  FAULTLINE_TRY(transport, services.transport());
  FAULTLINE_TRY(platform, notify::make_room_platform(**transport, config.rooms));
  return std::shared_ptr<notify::RoomPlatform>(std::move(*platform));
}

// The topic: the fault in one line, with its ticket.
std::string topic_text(const core::Fault& fault, const std::string& url) {
  std::string text = fault.level.empty() ? fault.key : fmt::format("[{}] {}", fault.level, fault.key);
  if (!fault.summary.empty()) text += ": " + fault.summary;
  if (!url.empty()) text += " | " + url;
  return text;
}

Result<void> save_record(jira::Client& client, const std::string& key, const RoomRecord& record) {
  FAULTLINE_TRY(saved, client.set_property(key, k_room_property, record.to_json()));
  return {};
}

// Sends `event` about the room to the room itself and to the event's routes, deduplicated by
// the issue's sent log.
std::vector<notify::DeliveryReport> post_room_event(Services& services, FaultSession& session, const core::Fault& fault,
                                                    std::string_view event, json data,
                                                    std::shared_ptr<notify::RoomPlatform> platform,
                                                    const RoomRecord& record) {
  EventTargets targets;
  targets.room = make_poster(std::move(platform), record.room);
  targets.always_room = true;
  PropertySentLog sent_log(*session.jira, fault.key);
  if (!sent_log.load_warning().empty()) services.diagnostics().warn("notify: " + sent_log.load_warning());
  return notify_event(services, event, data, sent_log, targets);
}

// The property two runs on one fault's room take turns by.
constexpr std::string_view k_room_lock_property = "faultline-room-lock";

// Takes the room lock of `key` (not in a dry run, which writes nothing): two `room create` at
// once would both find no room recorded and both post the summary.
Result<std::unique_ptr<IssueLock>> lock_room(Services& services, jira::Client& client, const std::string& key,
                                             std::string what) {
  if (services.dry_run()) return std::unique_ptr<IssueLock>();
  IssueLockOptions options;
  options.run_id = make_run_id();
  options.what = std::move(what);
  options.settle_auto = true;
  options.now = [&services] { return services.clock().now(); };
  options.sleep = [&services](std::chrono::milliseconds pause) { services.sleep(pause); };
  auto lock = std::make_unique<IssueLock>(client, key, std::string(k_room_lock_property), std::move(options));
  FAULTLINE_TRY(waited, lock->acquire());
  return lock;
}

void take_warnings(RoomOutcome& outcome, const std::vector<notify::DeliveryReport>& reports) {
  for (const auto& report : reports) {
    if (report.status == notify::ReportStatus::Failed) outcome.warnings.push_back(notify::describe(report));
  }
}

}  // namespace

json RoomRecord::to_json() const {
  return json{{"schema", 1},
              {"room", notify::to_json(room)},
              {"dedupe_key", dedupe_key},
              {"created_at", created_at},
              {"invited", invited},
              {"unresolved", unresolved},
              {"topic_set", topic_set},
              {"linked", linked},
              {"closed_at", closed_at},
              {"archived", archived}};
}

Result<RoomRecord> RoomRecord::from_json(const json& value, std::string_view key) {
  if (!value.is_object() || !value.contains("room") || !value["room"].is_object()) {
    return fail(ErrorKind::Failed,
                fmt::format("{}: the issue property '{}' is not a room record", key, k_room_property),
                fmt::format("delete the property (it is rebuilt by `faultline room create {}`)", key));
  }
  RoomRecord record;
  record.room = notify::room_from_json(value["room"]);
  record.dedupe_key = value.value("dedupe_key", "");
  record.created_at = value.value("created_at", "");
  record.invited = json_access::strings(value.value("invited", json::array()));
  record.unresolved = json_access::strings(value.value("unresolved", json::array()));
  record.topic_set = value.value("topic_set", false);
  record.linked = value.value("linked", false);
  record.closed_at = value.value("closed_at", "");
  record.archived = value.value("archived", false);
  return record;
}

Result<std::optional<RoomRecord>> read_room(jira::Client& client, std::string_view key) {
  auto value = client.property(key, k_room_property);
  if (!value) {
    if (value.error().kind == ErrorKind::NotFound) return std::optional<RoomRecord>();
    return std::unexpected(value.error());
  }
  FAULTLINE_TRY(record, RoomRecord::from_json(*value, key));
  return std::optional<RoomRecord>(std::move(*record));
}

json RoomOutcome::to_json() const {
  return json{{"key", key},
              {"room", record.to_json()},
              {"created", created},
              {"closed", closed},
              {"dry_run", dry_run},
              {"warnings", warnings},
              {"notifications", notifications_json(notifications)}};
}

bool level_gets_room(const config::Config& config, std::string_view level) {
  const auto& levels = config.rooms.levels;
  return config.rooms.enabled() && std::find(levels.begin(), levels.end(), level) != levels.end();
}

std::vector<std::string> room_invitees(const config::Config& config, const core::Fault& fault) {
  std::vector<std::string> people;
  auto add_team = [&](const std::string& team) {
    if (team.empty()) return;
    if (const auto it = config.teams.find(team); it != config.teams.end()) {
      add_unique(people, it->second.lead);
      for (const auto& member : it->second.members) add_unique(people, member);
    }
    for (const auto& [key, person] : config.people)
      if (person.team == team) add_unique(people, key);
  };
  for (const auto& role : config.rooms.invite) {
    if (role == "handler") {
      if (!fault.handler.empty()) add_unique(people, person_name(config, fault.handler, fault.handler));
    } else if (role == "coordinator") {
      const std::string coordinator = fault.coordinator.empty() ? config.team.coordinator : fault.coordinator;
      add_unique(people, person_name(config, coordinator, coordinator));
    } else if (role == "team") {
      add_team(fault.team);
    } else if (role == "owner") {
      add_unique(people, config.rooms.owner);
    } else {
      add_unique(people, role);
    }
  }
  if (const auto it = config.rooms.extra_by_level.find(fault.level); it != config.rooms.extra_by_level.end())
    for (const auto& name : it->second) add_unique(people, name);
  return people;
}

Result<RoomOutcome> create_room(Services& services, FaultSession& session, const core::Fault& fault) {
  const config::Config& config = *session.config;
  FAULTLINE_TRY(enabled, require_rooms(config));
  jira::Client& client = *session.jira;
  RoomOutcome outcome;
  outcome.key = fault.key;
  FAULTLINE_TRY(lock, lock_room(services, client, fault.key, "room create"));
  FAULTLINE_TRY(existing, read_room(client, fault.key));
  if (*existing && !(*existing)->open()) {
    outcome.record = **existing;
    outcome.warnings.push_back(fmt::format("the room of {} was closed at {}; it is not opened again", fault.key,
                                           outcome.record.closed_at));
    return outcome;
  }
  FAULTLINE_TRY(made_platform, platform_for(services, config));
  const std::shared_ptr<notify::RoomPlatform> platform = *made_platform;
  const std::string& platform_name = config.rooms.platform;
  const auto kind = notify::parse_channel_kind(platform_name);
  if (!kind) return fail(ErrorKind::Config, fmt::format("rooms.platform: unknown platform '{}'", platform_name));

  const auto people = room_invitees(config, fault);
  const auto resolved = notify::resolve_mentions(*kind, people, notify::MentionAll::No, config.people);
  std::vector<std::string> ids;
  for (const auto& mention : resolved.mentions) ids.push_back(mention.id);

  RoomRecord record = existing->value_or(RoomRecord{});
  if (!*existing) {
    notify::RoomSpec spec;
    spec.name = core::room_name(platform_name, config.rooms.name, fault.key, fault.summary, fault.level);
    spec.topic = core::room_topic(platform_name, topic_text(fault, client.browse_url(fault.key)));
    spec.dedupe_key = core::room_dedupe_key(config.jira.url, fault.key);
    if (!config.rooms.owner.empty()) {
      const auto owner = notify::resolve_mentions(*kind, {config.rooms.owner}, notify::MentionAll::No, config.people);
      spec.owner = owner.mentions.empty() ? config.rooms.owner : owner.mentions.front().id;
    }
    spec.members = ids;
    auto made = platform->create(spec);
    if (services.dry_run()) {
      outcome.dry_run = true;  // the create was only printed: nothing to invite or record
      return outcome;
    }
    if (!made) return std::unexpected(made.error());
    record.room = made->room;
    record.dedupe_key = spec.dedupe_key;
    record.created_at = core::format_utc(services.clock().now());
    outcome.created = made->created;
    // Recorded at once: a run that dies now finds the room instead of asking the platform.
    FAULTLINE_TRY(saved, save_record(client, fault.key, record));
  }

  // Invite the people not invited yet (creation may have added them already on WeCom and
  // DingTalk; inviting a member again counts as added).
  std::vector<std::string> to_invite;
  std::vector<std::string> invite_people;
  for (const auto& mention : resolved.mentions) {
    if (std::find(record.invited.begin(), record.invited.end(), mention.person) != record.invited.end()) continue;
    to_invite.push_back(mention.id);
    invite_people.push_back(mention.person);
  }
  record.unresolved = resolved.unresolved;
  if (!to_invite.empty()) {
    auto invited = platform->invite(record.room, to_invite);
    if (!invited) {
      outcome.warnings.push_back(fmt::format("inviting {} to the room failed: {}; `faultline room create {}` tries again",
                                             fmt::join(invite_people, ", "), invited.error().message, fault.key));
    } else {
      for (std::size_t i = 0; i < to_invite.size(); ++i) {
        const auto refused = std::find_if(invited->refused.begin(), invited->refused.end(),
                                          [&](const auto& r) { return r.first == to_invite[i]; });
        if (refused == invited->refused.end()) {
          add_unique(record.invited, invite_people[i]);
        } else {
          add_unique(record.unresolved, invite_people[i]);
          outcome.warnings.push_back(
              fmt::format("{} refused to add {} to the room: {}", platform_name, invite_people[i], refused->second));
        }
      }
    }
  }
  for (const auto& name : resolved.unresolved) {
    outcome.warnings.push_back(fmt::format("{} was not invited: no {} id for them; add {} = \"...\" to [people.{}]",
                                           name, platform_name, platform_name, name));
  }

  if (platform->capabilities().topic && !record.topic_set) {
    const auto topic = core::room_topic(platform_name, topic_text(fault, client.browse_url(fault.key)));
    if (auto set = platform->set_topic(record.room, topic); set) {
      record.topic_set = true;
    } else {
      outcome.warnings.push_back("the room's topic could not be set: " + set.error().message);
    }
  }

  const std::string& link = record.room.url;  // Slack app_redirect, Feishu AppLink; none elsewhere
  if (!record.linked && !link.empty()) {
    jira::RemoteLinkInput input;
    input.global_id = "faultline-room:" + record.dedupe_key;
    input.url = link;
    input.title = fmt::format("Response room: {}", record.room.name);
    input.summary = fmt::format("{} group of {}", platform_name, fault.key);
    input.relationship = "response room";
    input.application_type = "faultline";
    input.application_name = platform_name;
    if (auto linked = client.upsert_remote_link(fault.key, input); linked) {
      record.linked = true;
    } else {
      outcome.warnings.push_back("the room could not be linked from the issue: " + linked.error().message);
    }
  }
  FAULTLINE_TRY(saved, save_record(client, fault.key, record));

  json data = fault_event_data(fault, "room.opened", client, session.zone);
  data["room"] = notify::to_json(record.room);
  data["room"]["url"] = link;
  data["invited"] = record.invited;
  data["unresolved"] = record.unresolved;
  outcome.notifications = post_room_event(services, session, fault, "room.opened", std::move(data), platform, record);
  take_warnings(outcome, outcome.notifications);
  outcome.record = std::move(record);
  return outcome;
}

Result<RoomOutcome> create_room(Services& services, std::string_view key) {
  FAULTLINE_TRY(session, open_fault_session(services));
  FAULTLINE_TRY(enabled, require_rooms(*session->config));
  FAULTLINE_TRY(fault, session->repository->get(key));
  return create_room(services, *session, *fault);
}

Result<RoomOutcome> close_room(Services& services, FaultSession& session, const core::Fault& fault) {
  const config::Config& config = *session.config;
  FAULTLINE_TRY(enabled, require_rooms(config));
  jira::Client& client = *session.jira;
  FAULTLINE_TRY(lock, lock_room(services, client, fault.key, "room close"));
  FAULTLINE_TRY(existing, read_room(client, fault.key));
  if (!*existing) {
    return fail(ErrorKind::NotFound, fmt::format("{} has no response room", fault.key),
                fmt::format("`faultline room create {}` makes one", fault.key));
  }
  RoomOutcome outcome;
  outcome.key = fault.key;
  outcome.record = **existing;
  if (!outcome.record.open()) return outcome;  // closed before: nothing to do
  FAULTLINE_TRY(made_platform, platform_for(services, config));
  const std::shared_ptr<notify::RoomPlatform> platform = *made_platform;
  RoomRecord& record = outcome.record;

  json data = fault_event_data(fault, "room.closed", client, session.zone);
  data["room"] = notify::to_json(record.room);
  data["archived"] = platform->capabilities().archive;
  outcome.notifications = post_room_event(services, session, fault, "room.closed", std::move(data), platform, record);
  take_warnings(outcome, outcome.notifications);

  if (platform->capabilities().archive) {
    auto archived = platform->archive(record.room);
    if (services.dry_run()) {
      outcome.dry_run = true;
      return outcome;
    }
    if (!archived) return std::unexpected(archived.error());
    record.archived = true;
  } else {
    outcome.warnings.push_back(fmt::format("{} cannot archive groups: the room stays, with the closing summary last",
                                           config.rooms.platform));
  }
  if (services.dry_run()) {
    outcome.dry_run = true;
    return outcome;
  }
  record.closed_at = core::format_utc(services.clock().now());
  FAULTLINE_TRY(saved, save_record(client, fault.key, record));
  outcome.closed = true;
  return outcome;
}

Result<RoomOutcome> close_room(Services& services, std::string_view key) {
  FAULTLINE_TRY(session, open_fault_session(services));
  FAULTLINE_TRY(enabled, require_rooms(*session->config));
  FAULTLINE_TRY(fault, session->repository->get(key));
  return close_room(services, *session, *fault);
}

std::optional<RoomOutcome> open_room_after_open(Services& services, FaultSession& session, const core::Fault& fault) {
  if (fault.key.empty() || !level_gets_room(*session.config, fault.level)) return std::nullopt;
  const auto& diagnostics = services.diagnostics();
  auto outcome = create_room(services, session, fault);
  if (outcome) {
    for (const auto& warning : outcome->warnings) diagnostics.warn("room: " + warning);
    return std::move(*outcome);
  }
  const Error& error = outcome.error();
  Spool* spool = services.spool();
  if (error.kind == ErrorKind::Unavailable && spool != nullptr && !services.dry_run()) {
    if (auto entry = spool_room(services, *spool, fault.key, error.message)) {
      diagnostics.spooled(entry->id, fmt::format("room: the room of {} could not be created ({}); spooled as {}: "
                                                 "`faultline sync` creates it",
                                                 fault.key, error.message, entry->id));
      return std::nullopt;
    }
  }
  diagnostics.error(fmt::format("room: the room of {} could not be created: {}{}", fault.key, error.message,
                                error.hint.empty() ? "" : " (" + error.hint + ")"));
  return std::nullopt;
}

notify::RoomPoster room_poster_for(Services& services, jira::Client& client, std::string_view key) {
  auto config = services.config();
  if (!config || !(*config)->rooms.enabled()) return {};
  auto record = read_room(client, key);
  if (!record) {
    services.diagnostics().warn(fmt::format("room: the room of {} could not be read: {}", key, record.error().message));
    return {};
  }
  if (!*record || !(*record)->open()) return {};
  auto platform = platform_for(services, **config);
  if (!platform) {
    services.diagnostics().warn("room: " + platform.error().message);
    return {};
  }
  return make_poster(std::move(*platform), (*record)->room);
}

}  // namespace faultline::app
