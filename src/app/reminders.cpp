// `remind`: what is due (overdue actions, stale faults, missed reviews), claimed once per
// interval, then sent per kind; claims of a message that reached nowhere are given back.
#include "faultline/app/reminders.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "faultline/app/action_search.hpp"
#include "faultline/app/fault_events.hpp"
#include "faultline/app/fault_session.hpp"
#include "faultline/app/reminder_claims.hpp"
#include "faultline/app/review_meeting.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/users.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/reminder_messages.hpp"
#include "faultline/core/reminders.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/notify/channel_kind.hpp"
#include "faultline/notify/message.hpp"
#include "faultline/notify/notifier.hpp"
#include "faultline/notify/text_limits.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

// The byte size a reminder message should stay within: the smallest body limit of the
// channels routed for the event (a message that fits WeCom fits everywhere).
std::size_t message_budget(const config::Config& config, std::string_view event) {
  const notify::PlatformLimits limits;
  std::size_t budget = 16000;
  const auto route = config.routes.find(std::string(event));
  if (route == config.routes.end()) return budget;
  for (const auto& name : route->second) {
    const auto channel = config.channels.find(name);
    if (channel == config.channels.end()) continue;
    const auto kind = notify::parse_channel_kind(channel->second.kind);
    if (!kind) continue;
    switch (*kind) {
      case notify::ChannelKind::WeCom: budget = std::min(budget, limits.wecom_markdown_bytes); break;
      case notify::ChannelKind::DingTalk: budget = std::min(budget, limits.dingtalk_text_bytes); break;
      case notify::ChannelKind::Feishu: budget = std::min(budget, limits.feishu_content_bytes); break;
      case notify::ChannelKind::Teams: budget = std::min(budget, limits.teams_payload_bytes / 2); break;
      default: break;
    }
  }
  return budget;
}

bool routed(const config::Config& config, std::string_view event) {
  const auto route = config.routes.find(std::string(event));
  return route != config.routes.end() && !route->second.empty();
}

std::set<std::string> won_keys(const std::vector<ClaimResult>& claims) {
  std::set<std::string> keys;
  for (const auto& claim : claims)
    if (claim.status == ClaimStatus::Won || claim.status == ClaimStatus::DryRun) keys.insert(claim.request.issue_key);
  return keys;
}

// The issue keys a message names (its owners' actions or its faults).
std::vector<std::string> message_keys(const nlohmann::json& data) {
  std::vector<std::string> keys;
  if (data.contains("owners"))
    for (const auto& owner : data["owners"])
      for (const auto& action : owner["actions"]) keys.push_back(action["key"].get<std::string>());
  if (data.contains("faults"))
    for (const auto& fault : data["faults"]) keys.push_back(fault["key"].get<std::string>());
  return keys;
}

}  // namespace

Reminder::Reminder(Services& services, FaultSession& session, const RemindRequest& request, std::string run_id)
    : m_services(services), m_session(session), m_config(*session.config), m_request(request),
      m_now(services.clock().now()), m_today(core::today_in(m_now, session.zone)) {
  m_outcome.run_id = std::move(run_id);
  m_outcome.dry_run = services.dry_run();
}

Result<RemindOutcome> Reminder::run() {
  if (m_request.overdue) {
    if (auto found = collect_overdue(); !found) return std::unexpected(found.error());
  }
  if (m_request.stale || m_request.reviews) {
    if (auto found = collect_faults(); !found) return std::unexpected(found.error());
  }
  ReminderClaims claims(*m_session.jira, claim_options());
  claim(claims);
  send(claims);
  for (const auto& warning : claims.unlock()) m_services.diagnostics().warn(warning);
  remind_upcoming();
  return std::move(m_outcome);
}

// Each meeting version is announced once per channel by the issue's sent log (its dedupe key
// carries the meeting's SEQUENCE), so overlapping cron runs need no claim.
void Reminder::remind_upcoming() {
  for (const auto& fault : m_upcoming) {
    auto meeting = read_meeting(*m_session.jira, fault.key);
    if (!meeting) {
      m_services.diagnostics().warn(fmt::format("remind: the review meeting of {} could not be read: {}", fault.key,
                                                meeting.error().message));
      m_outcome.failed = true;
      continue;
    }
    if (!*meeting || (*meeting)->cancelled) continue;
    const auto& record = **meeting;
    auto data = fault_event_data(fault, "review.upcoming", *m_session.jira, m_session.zone);
    const auto end = record.at + std::chrono::minutes(record.duration_minutes);
    data["meeting"] = {{"at", core::format_iso(record.at, m_session.zone)},
                       {"end", core::format_iso(end, m_session.zone)},
                       {"duration", core::format_age(std::chrono::minutes(record.duration_minutes))},
                       {"where", record.where},
                       {"participants", record.participants},
                       {"sequence", record.sequence},
                       {"late_reason", record.late_reason},
                       {"starts_in", core::format_age(std::chrono::duration_cast<std::chrono::milliseconds>(record.at - m_now))}};
    data["mentions"] = record.participants;
    data["dedupe_key"] = fmt::format("{}:review.upcoming:{}", fault.key, record.sequence);
    const auto reports = notify_fault_event(m_services, *m_session.jira, fault.key, "review.upcoming", data);
    for (const auto& report : reports) {
      auto entry = notify::to_json(report);
      entry["kind"] = "review-upcoming";
      entry["event"] = "review.upcoming";
      entry["platform"] = report.kind;
      entry["items"] = nlohmann::json::array({fault.key});
      m_outcome.sent.push_back(std::move(entry));
      if (report.status == notify::ReportStatus::Failed) m_outcome.failed = true;
      if (report.status == notify::ReportStatus::Sent || report.status == notify::ReportStatus::AlreadySent)
        m_outcome.delivered.push_back({"review.upcoming", report.channel, {fault.key}});
    }
  }
}

std::vector<ClaimRequest> Reminder::requests(core::ReminderKind kind) const {
  for (const auto& run : m_kinds)
    if (run.kind == kind) return run.requests;
  return {};
}

Result<void> Reminder::collect_overdue() {
  core::ActionQuery query;
  query.project = m_config.jira.project;
  query.lane = core::ActionLane::Overdue;
  query.today = m_today;
  FAULTLINE_TRY(actions, search_actions(m_services, *m_session.jira, query));
  m_outcome.overdue_found = std::any_of(actions->begin(), actions->end(),
                                        [&](const core::Action& a) { return core::days_overdue(a, m_today) > 0; });
  m_owners = core::group_overdue_by_owner(*actions, m_today, m_config.team.escalate_after_days);
  if (m_owners.empty() || !want(core::ReminderKind::Overdue)) return {};
  KindRun run{core::ReminderKind::Overdue, {}, {}};
  for (const auto& group : m_owners)
    for (const auto& item : group.items)
      run.requests.push_back({item.action.key, core::ReminderKind::Overdue,
                              core::reminder_interval(core::ReminderKind::Overdue, 0)});
  m_kinds.push_back(std::move(run));
  return {};
}

Result<void> Reminder::collect_faults() {
  FAULTLINE_TRY(faults,
                m_session.repository->search(core::open_faults_jql(m_config.jira.project, m_config.jira.fault_type),
                                             m_request.limit));
  const auto& team = m_config.team;
  const core::ReviewPolicy policy{team.review_due_hours, team.review_due_hours_by_level};
  for (const auto& fault : *faults) {
    if (m_request.stale && !past_handling(fault) &&
        core::fault_is_stale(fault, m_now, team.update_cadence_minutes, team.update_cadence_by_level))
      m_stale.push_back(fault);
    if (m_request.reviews && core::review_is_overdue(fault, m_now, policy)) m_reviews.push_back(fault);
    if (m_request.reviews && !fault.reviewed_at && fault.review_scheduled_at && *fault.review_scheduled_at > m_now &&
        *fault.review_scheduled_at - m_now <= k_upcoming_window)
      m_upcoming.push_back(fault);
  }
  if (!m_stale.empty() && want(core::ReminderKind::Stale)) {
    KindRun run{core::ReminderKind::Stale, {}, {}};
    for (const auto& fault : m_stale) {
      const int cadence =
          core::update_interval_minutes(fault.level, team.update_cadence_minutes, team.update_cadence_by_level);
      run.requests.push_back({fault.key, core::ReminderKind::Stale, core::reminder_interval(core::ReminderKind::Stale, cadence)});
    }
    m_kinds.push_back(std::move(run));
  }
  if (!m_reviews.empty() && want(core::ReminderKind::Review)) {
    KindRun run{core::ReminderKind::Review, {}, {}};
    for (const auto& fault : m_reviews)
      run.requests.push_back({fault.key, core::ReminderKind::Review, core::reminder_interval(core::ReminderKind::Review, 0)});
    m_kinds.push_back(std::move(run));
  }
  return {};
}

ClaimOptions Reminder::claim_options() {
  ClaimOptions options;
  options.run_id = m_outcome.run_id;
  options.now = m_now;
  options.zone = m_session.zone;
  options.settle = m_request.claim_wait;
  options.dry_run = m_outcome.dry_run;
  options.sleep = [this](std::chrono::milliseconds pause) { m_services.sleep(pause); };
  return options;
}

void Reminder::claim(ReminderClaims& claims) {
  if (m_kinds.empty()) return;
  std::vector<std::vector<ClaimRequest>> groups;
  for (auto& kind : m_kinds) {
    std::sort(kind.requests.begin(), kind.requests.end(),
              [](const ClaimRequest& a, const ClaimRequest& b) { return core::key_less(a.issue_key, b.issue_key); });
    groups.push_back(kind.requests);
  }
  auto results = claims.claim(groups);
  for (std::size_t i = 0; i < m_kinds.size(); ++i) m_kinds[i].claims = std::move(results[i]);
}

void Reminder::send(ReminderClaims& claims) {
  for (auto& kind : m_kinds) {
    record_skips(kind.claims);
    const auto keys = won_keys(kind.claims);
    if (keys.empty()) continue;
    std::vector<nlohmann::json> messages;
    switch (kind.kind) {
      case core::ReminderKind::Overdue: messages = overdue_messages(keys); break;
      case core::ReminderKind::Stale: messages = fault_messages(kind.kind, m_stale, keys); break;
      case core::ReminderKind::Review: messages = fault_messages(kind.kind, m_reviews, keys); break;
    }
    const bool delivered_any = deliver(kind.kind, messages);
    if (m_outcome.dry_run) continue;
    if (!delivered_any) {
      for (const auto& warning : claims.release(kind.claims)) m_services.diagnostics().warn(warning);
      continue;
    }
    for (const auto& error : claims.confirm(kind.claims)) {
      m_outcome.failed = true;
      m_services.diagnostics().error("remind: " + error);
    }
  }
}

// Claiming a reminder nobody receives would silence it for a whole interval: a kind whose
// event goes nowhere is warned about (once) and not collected.
bool Reminder::want(core::ReminderKind kind) {
  const char* event = core::reminder_event(kind);
  if (routed(m_config, event)) return true;
  m_services.diagnostics().warn(
      fmt::format("remind: no channel is routed for {}: add it under [routes] to send these reminders", event));
  return false;
}

// A fault at the workflow's recovered or reviewing step (moved there by hand, it may lack a
// recovery time) needs no progress updates any more.
bool Reminder::past_handling(const core::Fault& fault) const {
  const auto& workflow = m_config.jira.workflow;
  return iequals(fault.status, workflow.recovered) || iequals(fault.status, workflow.reviewing);
}

void Reminder::record_skips(const std::vector<ClaimResult>& claims) {
  for (const auto& claim : claims) {
    if (claim.status == ClaimStatus::Won || claim.status == ClaimStatus::DryRun) continue;
    nlohmann::json entry{{"kind", core::to_string(claim.request.kind)},
                         {"event", core::reminder_event(claim.request.kind)},
                         {"key", claim.request.issue_key},
                         {"reason", to_string(claim.status)}};
    if (claim.mark) {
      entry["by"] = claim.mark->by;
      entry["at"] = core::format_iso(claim.mark->at, m_session.zone);
    }
    if (!claim.error.empty()) entry["error"] = claim.error;
    if (claim.status == ClaimStatus::Failed) {
      m_outcome.failed = true;
      m_services.diagnostics().error("remind: " + claim.error);
    }
    m_outcome.skipped.push_back(std::move(entry));
  }
}

core::ReminderNaming Reminder::naming() const {
  core::ReminderNaming naming;
  naming.person = [this](std::string_view jira_id, std::string_view fallback) {
    return person_name(m_config, jira_id, fallback);
  };
  naming.issue_url = [this](std::string_view key) { return m_session.jira->browse_url(key); };
  naming.team_coordinator = m_config.team.coordinator;
  naming.run_id = m_outcome.run_id;
  return naming;
}

// The actions.overdue data of each message (owner sections split to fit the platforms).
std::vector<nlohmann::json> Reminder::overdue_messages(const std::set<std::string>& keys) const {
  std::vector<core::OwnerGroup> claimed;
  for (const auto& group : m_owners) {
    auto copy = group;
    std::erase_if(copy.items, [&](const core::OverdueItem& item) { return !keys.contains(item.action.key); });
    if (copy.items.empty()) continue;
    copy.escalated = std::any_of(copy.items.begin(), copy.items.end(), [](const auto& i) { return i.escalated; });
    claimed.push_back(std::move(copy));
  }
  return core::overdue_messages(claimed, message_budget(m_config, "actions.overdue"), naming());
}

// The fault.stale / review.overdue data of each message.
std::vector<nlohmann::json> Reminder::fault_messages(core::ReminderKind kind, const std::vector<core::Fault>& faults,
                                                     const std::set<std::string>& keys) const {
  std::vector<core::Fault> chosen;
  for (const auto& fault : faults)
    if (keys.contains(fault.key)) chosen.push_back(fault);
  const auto& team = m_config.team;
  core::FaultReminderRules rules;
  rules.now = m_now;
  rules.zone = m_session.zone;
  rules.update_cadence_minutes = team.update_cadence_minutes;
  rules.update_cadence_by_level = team.update_cadence_by_level;
  rules.review_policy = {team.review_due_hours, team.review_due_hours_by_level};
  return core::fault_messages(kind, chosen, message_budget(m_config, core::reminder_event(kind)), rules, naming());
}

// Sends each message to the kind's channels and records the outcome. Whether anything
// reached any channel (in a dry run: whether anything would have been tried).
bool Reminder::deliver(core::ReminderKind kind, const std::vector<nlohmann::json>& messages) {
  auto transport = m_services.transport();
  if (!transport) {
    m_services.diagnostics().error(transport.error().message);
    m_outcome.failed = true;
    return false;
  }
  const char* event = core::reminder_event(kind);
  notify::MemorySentLog sent_log;
  notify::NotifierOptions options;
  options.templates = notify::default_template_dirs(m_config.team.template_dir);
  options.sent_log = &sent_log;
  if (auto mail = m_services.mail_sender()) options.mail = *mail;
  notify::Notifier notifier(**transport, m_config, std::move(options));
  bool delivered_any = false;
  for (const auto& data : messages) {
    const auto keys = message_keys(data);
    for (const auto& report : notifier.notify(event, data)) delivered_any |= record_report(kind, report, keys);
  }
  return delivered_any;
}

// Records one channel's report; whether the message reached the channel.
bool Reminder::record_report(core::ReminderKind kind, const notify::DeliveryReport& report,
                             const std::vector<std::string>& keys) {
  const char* event = core::reminder_event(kind);
  auto entry = notify::to_json(report);
  entry["kind"] = core::to_string(kind);
  entry["event"] = event;
  entry["platform"] = report.kind;
  entry["items"] = keys;
  m_outcome.sent.push_back(std::move(entry));
  const auto& diagnostics = m_services.diagnostics();
  if (!report.warning.empty()) diagnostics.warn(notify::describe(report));
  if (report.status == notify::ReportStatus::Failed) {
    m_outcome.failed = true;
    diagnostics.error(notify::describe(report));
  }
  if (report.status != notify::ReportStatus::Sent && report.status != notify::ReportStatus::AlreadySent) return false;
  m_outcome.delivered.push_back({event, report.channel, keys});
  return true;
}

nlohmann::json RemindOutcome::to_json() const {
  return nlohmann::json{{"run_id", run_id}, {"dry_run", dry_run}, {"sent", sent}, {"skipped", skipped}};
}

Result<RemindOutcome> send_reminders(Services& services, const RemindRequest& request) {
  FAULTLINE_TRY(session, open_fault_session(services));
  Reminder reminder(services, *session, request, request.run_id.empty() ? make_run_id() : request.run_id);
  return reminder.run();
}

}  // namespace faultline::app
