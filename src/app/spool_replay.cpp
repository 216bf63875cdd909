// Spooling a write that could not be done, and replaying the spool through the same use-cases.
#include "faultline/app/spool_replay.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/rooms.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/notify/sent_log.hpp"
#include "faultline/util/files.hpp"

namespace faultline::app {

namespace {

constexpr const char* k_opened = "fault.opened";
constexpr const char* k_synced = "fault.synced";

// ------------------------------------------------------------------ requests as JSON

nlohmann::json time_json(const std::optional<core::TimePoint>& t) {
  return t ? nlohmann::json(core::format_utc(*t)) : nlohmann::json(nullptr);
}

std::optional<core::TimePoint> time_from(const nlohmann::json& json, const char* name) {
  if (!json.contains(name) || !json[name].is_string()) return std::nullopt;
  return core::parse_timestamp(json[name].get<std::string>());
}

// The facts of an `open` draft (what the command line or an alert can set).
nlohmann::json draft_json(const core::Fault& draft) {
  return {{"summary", draft.summary},
          {"description", draft.description},
          {"level", draft.level},
          {"type", draft.type},
          {"source", draft.source},
          {"team", draft.team},
          {"service", draft.service},
          {"business_unit", draft.business_unit},
          {"coordinator", draft.coordinator},
          {"dedupe_key", draft.dedupe_key},
          {"started_at", time_json(draft.started_at)},
          {"detected_at", time_json(draft.detected_at)}};
}

core::Fault draft_from(const nlohmann::json& json) {
  core::Fault draft;
  draft.summary = json.value("summary", "");
  draft.description = json.value("description", "");
  draft.level = json.value("level", "");
  draft.type = json.value("type", "");
  draft.source = json.value("source", "");
  draft.team = json.value("team", "");
  draft.service = json.value("service", "");
  draft.business_unit = json.value("business_unit", "");
  draft.coordinator = json.value("coordinator", "");
  draft.dedupe_key = json.value("dedupe_key", "");
  draft.started_at = time_from(json, "started_at");
  draft.detected_at = time_from(json, "detected_at");
  return draft;
}

// The use-cases run with the clock of the moment the work was first asked for.
class ReplayServices final : public Services {
public:
  ReplayServices(Services& inner, core::TimePoint at) : m_inner(inner), m_clock(at) {}

  Result<const config::Config*> config() override { return m_inner.config(); }
  Result<const date::time_zone*> zone() override { return m_inner.zone(); }
  Result<jira::Client*> jira() override { return m_inner.jira(); }
  Result<confluence::Client*> confluence() override { return m_inner.confluence(); }
  Result<http::Transport*> transport() override { return m_inner.transport(); }
  Result<notify::MailSender*> mail_sender() override { return m_inner.mail_sender(); }
  const core::Clock& clock() const override { return m_clock; }
  void sleep(std::chrono::milliseconds pause) override { m_inner.sleep(pause); }
  bool dry_run() const override { return m_inner.dry_run(); }
  const Diagnostics& diagnostics() const override { return m_inner.diagnostics(); }
  Spool* spool() override { return m_inner.spool(); }

private:
  Services& m_inner;
  core::FixedClock m_clock;
};

// The provisional announcement's sent log, kept in the entry's file.
class EntrySentLog final : public notify::SentLog {
public:
  EntrySentLog(Spool& spool, SpoolEntry& entry) : m_spool(spool), m_entry(entry) {}

protected:
  const nlohmann::json& value() const override { return m_entry.sent; }
  Result<void> store(nlohmann::json next) override {
    auto previous = std::exchange(m_entry.sent, std::move(next));
    if (auto saved = m_spool.save(m_entry); !saved) {
      m_entry.sent = std::move(previous);
      return saved;
    }
    return {};
  }

private:
  Spool& m_spool;
  SpoolEntry& m_entry;
};

Result<std::string> site_of(Services& services) {
  FAULTLINE_TRY(config, services.config());
  return spool_site((*config)->jira.url, (*config)->jira.project);
}

std::string now_utc(Services& services) { return core::format_utc(services.clock().now()); }

Result<SpooledWork> add_entry(Services& services, Spool& spool, SpoolEntry entry, const Error& cause) {
  if (!entry.op.empty()) {
    FAULTLINE_TRY(waiting, spool.find_waiting(entry.op));
    if (*waiting) return SpooledWork{std::move(**waiting), cause, {}};
  }
  FAULTLINE_TRY(site, site_of(services));
  entry.site = *site;
  entry.last_error = cause.message;
  entry.last_status = cause.http_status;
  FAULTLINE_TRY(added, spool.add(std::move(entry), now_utc(services)));
  return SpooledWork{std::move(*added), cause, {}};
}

// The channels fault.opened went to under the provisional key (sent, or possibly sent).
bool provisionally_announced(const SpoolEntry& entry, const config::Config& config) {
  const auto* channels = notify::routed_channels(config, k_opened);
  if (channels == nullptr || entry.provisional_key.empty()) return false;
  const auto dedupe = entry.provisional_key + ":" + k_opened;
  return std::any_of(channels->begin(), channels->end(), [&](const std::string& channel) {
    const auto state = notify::read_send_record(entry.sent, dedupe, channel).state;
    return state == notify::SendState::Sent || state == notify::SendState::PossiblySent ||
           state == notify::SendState::Pending;
  });
}

// ------------------------------------------------------------------ replays

struct Replayed {
  std::string key;
  std::string url;
  bool dry_run = false;
};

Result<Replayed> replay_open(Services& services, SpoolEntry& entry) {
  auto draft = draft_from(entry.request.value("draft", nlohmann::json::object()));
  const bool announce = entry.request.value("announce", true);
  const bool own_key = entry.request.value("own_dedupe_key", false);
  FAULTLINE_TRY(session, open_fault_session_for_open(services));
  const bool announced = provisionally_announced(entry, *session->config);
  FAULTLINE_TRY(outcome, open_fault(services, *session, std::move(draft),
                                    announce && !announced ? Announce::Yes : Announce::No,
                                    default_settle_policy(services), SideRead(),
                                    own_key ? FoundFault::ThisReport : FoundFault::ReportedAgain));
  if (outcome->dry_run) return Replayed{{}, {}, true};
  if (Spool* spool = services.spool(); spool != nullptr && !entry.provisional_key.empty()) {
    if (auto recorded = spool->record_key(entry.provisional_key, outcome->fault.key); !recorded)
      services.diagnostics().warn(recorded.error().message);
  }
  if (announce && announced) {
    // The channels know the provisional key: tell them the real one (once: the issue's sent
    // log). When an earlier, killed attempt's issue won a settle race, that one is named.
    auto data = fault_event_data(outcome->fault, k_synced, *session->jira, session->zone);
    data["pending_key"] = entry.provisional_key;
    notify_fault_event(services, *session->jira, outcome->fault.key, k_synced, data);
  }
  return Replayed{outcome->fault.key, outcome->url, false};
}

Result<Replayed> replay_alert(Services& services, const SpoolEntry& entry) {
  AlertOpenRequest request;
  request.payload = entry.request.value("payload", "");
  request.source_name = entry.request.value("source_name", "spool");
  request.per_alert = entry.request.value("per_alert", false);
  request.level = entry.request.value("level", "");
  request.team = entry.request.value("team", "");
  request.service = entry.request.value("service", "");
  request.notify = entry.request.value("notify", true);
  FAULTLINE_TRY(items, open_from_alert(services, request));
  Replayed replayed;
  std::vector<std::string> keys;
  for (const auto& item : *items)
    if (!item.key.empty()) keys.push_back(item.key);
  replayed.key = fmt::format("{}", fmt::join(keys, ","));
  if (items->size() == 1) replayed.url = items->front().url;
  replayed.dry_run = services.dry_run();
  return replayed;
}

// The Jira key of a replayed update or recovery: a provisional key is looked up (its open was
// replayed before it, being older). Error: NotFound when that open never reached Jira.
Result<std::string> replay_key(Services& services, const SpoolEntry& entry) {
  FAULTLINE_TRY(resolved, resolve_fault_key(services.spool(), entry.request.value("key", "")));
  if (resolved->waiting)
    return fail(ErrorKind::Unavailable, fmt::format("{} is not open in Jira yet", entry.request.value("key", "")));
  return resolved->key;
}

Result<Replayed> replay_update(Services& services, const SpoolEntry& entry) {
  UpdateRequest request;
  FAULTLINE_TRY(key, replay_key(services, entry));
  request.key = *key;
  request.message = entry.request.value("message", "");
  request.cause = entry.request.value("cause", "");
  request.eta = entry.request.value("eta", "");
  request.status = entry.request.value("status", "");
  request.notify = entry.request.value("notify", true);
  FAULTLINE_TRY(outcome, update_fault(services, request));
  return Replayed{outcome->fault.key, outcome->url, services.dry_run()};
}

Result<Replayed> replay_recover(Services& services, const SpoolEntry& entry) {
  RecoverRequest request;
  FAULTLINE_TRY(key, replay_key(services, entry));
  request.key = *key;
  request.at = entry.request.value("at", "");
  request.how = entry.request.value("how", "");
  request.rollback_to = entry.request.value("rollback_to", "");
  request.data_repair = entry.request.value("data_repair", "");
  request.impact = entry.request.value("impact", "");
  request.notify = entry.request.value("notify", true);
  FAULTLINE_TRY(outcome, recover_fault(services, request));
  return Replayed{outcome->fault.key, outcome->url, services.dry_run()};
}

// The review file as it was when publish was asked for, in a private file of the spool for
// the time of the replay.
Result<Replayed> replay_review_publish(Services& services, const SpoolEntry& entry) {
  Spool* spool = services.spool();
  if (spool == nullptr) return fail(ErrorKind::Config, "no spool directory to replay the review file from");
  PublishOptions options;
  options.key = entry.request.value("key", "");
  options.template_name = entry.request.value("template", "fault-analysis");
  options.force = entry.request.value("force", false);
  options.no_notify = entry.request.value("no_notify", false);
  options.prune = entry.request.value("prune", false);
  const auto file = spool->dir() / fmt::format(".review-{}.md", entry.id);
  if (auto written = write_file_atomically(file, entry.request.value("content", "")); !written)
    return std::unexpected(written.error());
  ::chmod(file.c_str(), 0600);
  options.file = file.string();
  auto outcome = publish_review(services, options);
  std::error_code ignored;
  std::filesystem::remove(file, ignored);
  if (!outcome) {
    auto error = outcome.error();
    error.message += fmt::format(" (the review file {} as spooled)", entry.request.value("file", ""));
    return std::unexpected(std::move(error));
  }
  return Replayed{options.key, outcome->page_url, services.dry_run()};
}

Result<Replayed> replay_notification(Services& services, const SpoolEntry& entry) {
  const std::string key = entry.request.value("key", "");
  const std::string event = entry.request.value("event", "");
  FAULTLINE_TRY(client, services.jira());
  const auto reports =
      notify_fault_event(services, **client, key, event, entry.request.value("data", nlohmann::json::object()));
  for (const auto& report : reports) {
    if (report.status != notify::ReportStatus::Failed) continue;
    return fail(report.retryable ? ErrorKind::Unavailable : ErrorKind::Failed, notify::describe(report), report.hint);
  }
  return Replayed{key, (*client)->browse_url(key), services.dry_run()};
}

Result<Replayed> replay_room(Services& services, const SpoolEntry& entry) {
  const std::string key = entry.request.value("key", "");
  FAULTLINE_TRY(outcome, create_room(services, key));
  for (const auto& warning : outcome->warnings) services.diagnostics().warn("room: " + warning);
  FAULTLINE_TRY(client, services.jira());
  return Replayed{key, (*client)->browse_url(key), services.dry_run()};
}

Result<Replayed> replay(Services& services, SpoolEntry& entry) {
  const auto at = core::parse_timestamp(entry.created_at).value_or(services.clock().now());
  ReplayServices replay_services(services, at);
  if (entry.kind == "open") return replay_open(replay_services, entry);
  if (entry.kind == "alert") return replay_alert(replay_services, entry);
  if (entry.kind == "update") return replay_update(replay_services, entry);
  if (entry.kind == "recover") return replay_recover(replay_services, entry);
  if (entry.kind == "notify") return replay_notification(replay_services, entry);
  if (entry.kind == "room") return replay_room(replay_services, entry);
  if (entry.kind == "review-publish") return replay_review_publish(replay_services, entry);
  return fail(ErrorKind::Config, fmt::format("unknown kind '{}' (written by a newer faultline?)", entry.kind),
              "run `faultline sync` with the version that wrote it, or remove the entry with `faultline sync --drop ID`");
}

// Whether another replay may succeed: unavailable, or a conflict with a concurrent writer.
bool worth_retrying(const Error& error) {
  return error.kind == ErrorKind::Unavailable || error.kind == ErrorKind::Conflict;
}

}  // namespace

std::string alert_op(const nlohmann::json& request) {
  return fmt::format("alert:{:016x}", std::hash<std::string>{}(request.dump()));
}

nlohmann::json alert_request_json(const AlertOpenRequest& request) {
  return {{"payload", request.payload}, {"source_name", request.source_name}, {"per_alert", request.per_alert},
          {"level", request.level},     {"team", request.team},               {"service", request.service},
          {"notify", request.notify}};
}

Result<FaultKey> resolve_fault_key(const Spool* spool, const std::string& key) {
  static const std::regex provisional(R"([A-Z][A-Z0-9_]*-pending-[0-9a-f]{8})");
  if (!std::regex_match(key, provisional)) return FaultKey{key, false};
  if (spool != nullptr) {
    if (auto real = spool->real_key(key)) return FaultKey{*real, false};
    if (auto entries = spool->list()) {
      for (const auto& entry : *entries)
        if (entry.provisional_key == key && !entry.permanent) return FaultKey{{}, true};
    }
  }
  return fail(ErrorKind::NotFound,
              fmt::format("{} is a provisional key this host's spool does not know", key),
              "use the Jira key (`faultline sync --status` lists the spooled faults and their keys once opened)");
}

bool is_spoolable(const Error& error) { return error.kind == ErrorKind::Unavailable; }

nlohmann::json SpooledWork::to_json(const Spool& spool) const {
  return nlohmann::json{{"spooled",
                         {{"id", entry.id},
                          {"file", entry.file},
                          {"dir", spool.dir().string()},
                          {"kind", entry.kind},
                          {"provisional_key", entry.provisional_key.empty() ? nlohmann::json(nullptr)
                                                                            : nlohmann::json(entry.provisional_key)},
                          {"error", cause.message}}},
                        {"notifications", notifications_json(notifications)}};
}

std::string SpooledWork::describe(const Spool& spool) const {
  return fmt::format("{}; spooled as {} ({}): `faultline sync` replays it", cause.message, entry.id,
                     (spool.dir() / entry.file).string());
}

Result<SpooledWork> spool_open(Services& services, Spool& spool, core::Fault draft, Announce announce,
                               const Error& cause) {
  FAULTLINE_TRY(config, services.config());
  SpoolEntry entry;
  entry.id = new_spool_id();
  entry.kind = "open";
  entry.provisional_key = fmt::format("{}-pending-{}", (*config)->jira.project, entry.id.substr(0, 8));
  const bool own_key = draft.dedupe_key.empty();
  if (own_key) draft.dedupe_key = "pending-" + entry.id;
  entry.request = {{"draft", draft_json(draft)}, {"announce", announce == Announce::Yes}, {"own_dedupe_key", own_key}};
  FAULTLINE_TRY(work, add_entry(services, spool, std::move(entry), cause));
  if (announce == Announce::No || services.dry_run()) return work;
  // Chat is often up when Jira is not: the fault is announced now under its provisional key.
  draft.key = work->entry.provisional_key;
  FAULTLINE_TRY(zone, services.zone());
  nlohmann::json data = {{"fault", fault_event_json(draft, *zone)},
                         {"mentions", mentions_json(draft.coordinator)},
                         {"pending", true},
                         {"dedupe_key", draft.key + ":" + k_opened}};
  EntrySentLog sent_log(spool, work->entry);
  work->notifications = notify_event(services, k_opened, data, sent_log);
  return work;
}

Result<SpooledWork> spool_alert(Services& services, Spool& spool, const AlertOpenRequest& request, const Error& cause) {
  SpoolEntry entry;
  entry.kind = "alert";
  entry.request = alert_request_json(request);
  // The same payload delivered twice while it waits is one piece of work.
  entry.op = alert_op(entry.request);
  return add_entry(services, spool, std::move(entry), cause);
}

Result<SpooledWork> spool_update(Services& services, Spool& spool, const UpdateRequest& request, const Error& cause) {
  SpoolEntry entry;
  entry.kind = "update";
  entry.request = {{"key", request.key},       {"message", request.message}, {"cause", request.cause},
                   {"eta", request.eta},       {"status", request.status},   {"notify", request.notify}};
  return add_entry(services, spool, std::move(entry), cause);
}

Result<SpooledWork> spool_recover(Services& services, Spool& spool, const RecoverRequest& request, const Error& cause) {
  SpoolEntry entry;
  entry.kind = "recover";
  entry.request = {{"key", request.key},
                   {"at", request.at},
                   {"how", request.how},
                   {"rollback_to", request.rollback_to},
                   {"data_repair", request.data_repair},
                   {"impact", request.impact},
                   {"notify", request.notify}};
  return add_entry(services, spool, std::move(entry), cause);
}

Result<SpooledWork> spool_review_publish(Services& services, Spool& spool, const PublishOptions& options,
                                         const Error& cause) {
  FAULTLINE_TRY(content, read_file(options.file));
  SpoolEntry entry;
  entry.kind = "review-publish";
  entry.request = {{"key", options.key},         {"file", options.file},   {"content", *content},
                   {"template", options.template_name}, {"force", options.force}, {"no_notify", options.no_notify},
                   {"prune", options.prune}};
  return add_entry(services, spool, std::move(entry), cause);
}

Result<SpoolEntry> spool_notification(Services& services, Spool& spool, const std::string& issue_key,
                                      const std::string& event, const nlohmann::json& data, const std::string& why) {
  SpoolEntry entry;
  entry.kind = "notify";
  entry.request = {{"key", issue_key}, {"event", event}, {"data", data}};
  entry.op = fmt::format("notify:{}:{}", issue_key, data.value("dedupe_key", issue_key + ":" + event));
  FAULTLINE_TRY(work, add_entry(services, spool, std::move(entry), Error{ErrorKind::Unavailable, why, {}, 0, {}}));
  return std::move(work->entry);
}

Result<SpoolEntry> spool_room(Services& services, Spool& spool, const std::string& issue_key, const std::string& why) {
  SpoolEntry entry;
  entry.kind = "room";
  entry.request = {{"key", issue_key}};
  entry.op = fmt::format("room:{}", issue_key);
  FAULTLINE_TRY(work, add_entry(services, spool, std::move(entry), Error{ErrorKind::Unavailable, why, {}, 0, {}}));
  return std::move(work->entry);
}

const char* to_string(SyncStatus status) {
  switch (status) {
    case SyncStatus::Done: return "done";
    case SyncStatus::Waiting: return "waiting";
    case SyncStatus::Failed: return "failed";
    case SyncStatus::Skipped: return "skipped";
  }
  return "skipped";
}

nlohmann::json SyncedEntry::to_json() const {
  auto or_null = [](const std::string& text) { return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text); };
  return {{"id", or_null(entry.id)},
          {"file", entry.file},
          {"kind", or_null(entry.kind)},
          {"created_at", or_null(entry.created_at)},
          {"status", to_string(status)},
          {"key", or_null(key)},
          {"url", or_null(url)},
          {"detail", or_null(detail)},
          {"provisional_key", or_null(entry.provisional_key)},
          {"attempts", entry.attempts}};
}

std::size_t SyncReport::count(SyncStatus status) const {
  return static_cast<std::size_t>(
      std::count_if(entries.begin(), entries.end(), [status](const SyncedEntry& e) { return e.status == status; }));
}

nlohmann::json SyncReport::to_json(const Spool& spool) const {
  auto list = nlohmann::json::array();
  for (const auto& entry : entries) list.push_back(entry.to_json());
  return {{"dir", spool.dir().string()},
          {"busy", busy},
          {"stopped", stopped},
          {"timed_out", timed_out},
          {"done", count(SyncStatus::Done)},
          {"waiting", count(SyncStatus::Waiting)},
          {"failed", count(SyncStatus::Failed)},
          {"skipped", count(SyncStatus::Skipped)},
          {"entries", list}};
}

namespace {

// The status an entry has before any replay: nullopt when it is to be replayed.
std::optional<SyncedEntry> standing(const SpoolEntry& entry, const std::string& site) {
  SyncedEntry out{entry, SyncStatus::Skipped, {}, {}, {}};
  if (!entry.corrupt.empty()) {
    out.detail = "unreadable: " + entry.corrupt + " (remove the file, or `faultline sync --drop FILE`)";
    return out;
  }
  if (entry.site != site) {
    out.detail = "belongs to " + entry.site + " (replayed by the config of that site)";
    return out;
  }
  if (entry.permanent) {
    out.status = SyncStatus::Failed;
    out.detail = entry.last_error;
    return out;
  }
  return std::nullopt;
}

}  // namespace

Result<SyncReport> spool_status(Services& services, const Spool& spool) {
  FAULTLINE_TRY(site, site_of(services));
  FAULTLINE_TRY(entries, spool.list());
  SyncReport report;
  for (const auto& entry : *entries) {
    if (auto known = standing(entry, *site)) {
      report.entries.push_back(std::move(*known));
      continue;
    }
    report.entries.push_back(
        SyncedEntry{entry, SyncStatus::Waiting, {}, {}, entry.attempts > 0 ? entry.last_error : "not replayed yet"});
  }
  return report;
}

Result<SyncReport> sync_spool(Services& services, Spool& spool, const SyncOptions& options) {
  FAULTLINE_TRY(site, site_of(services));
  SyncReport report;
  FAULTLINE_TRY(lock, spool.lock(options.wait_for_lock));
  if (!*lock) {
    report.busy = true;
    return report;
  }
  FAULTLINE_TRY(entries, spool.list());
  const bool dry_run = services.dry_run();
  for (auto& entry : *entries) {
    if (auto known = standing(entry, *site)) {
      report.entries.push_back(std::move(*known));
      continue;
    }
    SyncedEntry synced{entry, SyncStatus::Waiting, {}, {}, {}};
    if (report.stopped || report.timed_out || (options.stop && options.stop()) ||
        (options.deadline && std::chrono::steady_clock::now() >= *options.deadline)) {
      report.timed_out = report.timed_out || !report.stopped;
      synced.detail = report.stopped ? "not tried: Jira is unavailable" : "not tried: out of time";
      report.entries.push_back(std::move(synced));
      continue;
    }
    auto replayed = replay(services, entry);
    if (replayed) {
      synced.key = replayed->key;
      synced.url = replayed->url;
      if (dry_run || replayed->dry_run) {
        synced.status = SyncStatus::Skipped;
        synced.detail = "dry run: the writes were printed";
      } else {
        synced.status = SyncStatus::Done;
        if (auto removed = spool.remove(entry); !removed) return std::unexpected(removed.error());
      }
      report.entries.push_back(std::move(synced));
      continue;
    }
    const auto& error = replayed.error();
    synced.detail = error.message;
    if (!dry_run) {
      entry.attempts += 1;
      entry.last_error = error.message;
      entry.last_status = error.http_status;
      entry.permanent = !worth_retrying(error);
      if (auto saved = spool.save(entry); !saved) return std::unexpected(saved.error());
      synced.entry = entry;
    }
    synced.status = worth_retrying(error) ? SyncStatus::Waiting : SyncStatus::Failed;
    // Jira down for one entry is down for the next: they keep their order and wait. A chat
    // platform down only holds its own notification or room.
    if (error.kind == ErrorKind::Unavailable && entry.kind != "notify" && entry.kind != "room") report.stopped = true;
    report.entries.push_back(std::move(synced));
  }
  return report;
}

}  // namespace faultline::app
