// `faultline remind [--overdue] [--stale] [--reviews]` (all three when none is named), for
// cron: overdue fault actions grouped by owner to the channels routed for actions.overdue
// (owners mentioned, the coordinator too once an action is escalate_after_days overdue),
// open faults without a progress update for longer than their level's cadence to fault.stale
// (the handler mentioned), recovered faults past their review deadline without a published
// review to review.overdue. Each reminder is claimed on the issue before it is sent
// (cli/reminder_claims.hpp), so it is sent at most once per interval (core/reminders.hpp)
// even when cron runs overlap. Silent when there is nothing to send. Exit codes: 0 ok
// (including nothing to do and everything recently reminded), 1 a message or a claim failed
// (the others were still tried), 10 with --fail-on-overdue when overdue actions exist, and the
// usual 2/3/5 when the config, the credentials or Jira fail before anything is sent.
#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/action_search.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/reminder_claims.hpp"
#include "faultline/core/reminder_messages.hpp"
#include "faultline/core/reminders.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/notify/channel_kind.hpp"
#include "faultline/notify/notifier.hpp"

namespace faultline::cli {

namespace {

struct RemindOptions {
  bool overdue = false;
  bool stale = false;
  bool reviews = false;
  bool fail_on_overdue = false;
  std::string run_id;
  int claim_wait_ms = 2000;
  int limit = 5000;
};

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

// How a Jira user is named in messages and mentions: their people key when the people map
// has them (so mentions resolve to platform ids), else `fallback`.
std::string person_name(const config::Config& config, std::string_view jira_id, std::string_view fallback) {
  if (!jira_id.empty()) {
    for (const auto& [key, person] : config.people)
      if (person.jira == jira_id || key == jira_id) return key;
  }
  return std::string(fallback);
}

// One reminder kind's work in this run.
struct KindRun {
  core::ReminderKind kind;
  std::vector<ClaimRequest> requests;  // in leader order (issue key)
  std::vector<ClaimResult> claims;
};

// The summary --json prints and the lines a person reads.
struct Summary {
  nlohmann::json sent = nlohmann::json::array();
  nlohmann::json skipped = nlohmann::json::array();
  bool failed = false;
};

// Records what was not sent; a claim that failed is also reported on stderr (exit 1).
void record_skips(Context& ctx, const std::vector<ClaimResult>& claims, Summary& summary, const date::time_zone* zone) {
  for (const auto& claim : claims) {
    if (claim.status == ClaimStatus::Won || claim.status == ClaimStatus::DryRun) continue;
    nlohmann::json entry{{"kind", core::to_string(claim.request.kind)},
                         {"event", core::reminder_event(claim.request.kind)},
                         {"key", claim.request.issue_key},
                         {"reason", to_string(claim.status)}};
    if (claim.mark) {
      entry["by"] = claim.mark->by;
      entry["at"] = core::format_iso(claim.mark->at, zone);
    }
    if (!claim.error.empty()) entry["error"] = claim.error;
    if (claim.status == ClaimStatus::Failed) {
      summary.failed = true;
      ctx.err() << ctx.redactor().mask("faultline: remind: " + claim.error) << "\n";
    }
    summary.skipped.push_back(std::move(entry));
  }
}

std::set<std::string> won_keys(const std::vector<ClaimResult>& claims) {
  std::set<std::string> keys;
  for (const auto& claim : claims)
    if (claim.status == ClaimStatus::Won || claim.status == ClaimStatus::DryRun) keys.insert(claim.request.issue_key);
  return keys;
}

class Reminder {
public:
  Reminder(Context& ctx, FaultSession& session, const RemindOptions& options, std::string run_id)
      : m_ctx(ctx), m_session(session), m_config(*session.config), m_options(options), m_run_id(std::move(run_id)),
        m_now(ctx.clock().now()), m_today(core::today_in(m_now, session.zone)) {}

  Result<ExitCode> run(bool overdue, bool stale, bool reviews) {
    std::vector<core::OwnerGroup> owners;
    std::vector<core::Fault> stale_faults;
    std::vector<core::Fault> review_faults;
    std::vector<KindRun> kinds;

    if (overdue) {
      core::ActionQuery query;
      query.project = m_config.jira.project;
      query.lane = core::ActionLane::Overdue;
      query.today = m_today;
      auto actions = search_actions(m_ctx, *m_session.jira, query);
      if (!actions) return std::unexpected(actions.error());
      m_overdue_found = std::any_of(actions->begin(), actions->end(),
                                    [&](const core::Action& a) { return core::days_overdue(a, m_today) > 0; });
      owners = core::group_overdue_by_owner(*actions, m_today, m_config.team.escalate_after_days);
      if (!owners.empty() && want(core::ReminderKind::Overdue)) {
        KindRun run{core::ReminderKind::Overdue, {}, {}};
        for (const auto& group : owners)
          for (const auto& item : group.items)
            run.requests.push_back({item.action.key, core::ReminderKind::Overdue,
                                    core::reminder_interval(core::ReminderKind::Overdue, 0)});
        kinds.push_back(std::move(run));
      }
    }
    if (stale || reviews) {
      auto faults = m_session.repository->search(
          core::open_faults_jql(m_config.jira.project, m_config.jira.fault_type), m_options.limit);
      if (!faults) return std::unexpected(faults.error());
      const core::ReviewPolicy policy{m_config.team.review_due_hours, m_config.team.review_due_hours_by_level};
      for (const auto& fault : *faults) {
        if (stale && !past_handling(fault) && core::fault_is_stale(fault, m_now, m_config.team.update_cadence_minutes,
                                          m_config.team.update_cadence_by_level))
          stale_faults.push_back(fault);
        if (reviews && core::review_is_overdue(fault, m_now, policy)) review_faults.push_back(fault);
      }
      if (!stale_faults.empty() && want(core::ReminderKind::Stale)) {
        KindRun run{core::ReminderKind::Stale, {}, {}};
        for (const auto& fault : stale_faults) {
          const int cadence = core::update_interval_minutes(fault.level, m_config.team.update_cadence_minutes,
                                                            m_config.team.update_cadence_by_level);
          run.requests.push_back({fault.key, core::ReminderKind::Stale,
                                  core::reminder_interval(core::ReminderKind::Stale, cadence)});
        }
        kinds.push_back(std::move(run));
      }
      if (!review_faults.empty() && want(core::ReminderKind::Review)) {
        KindRun run{core::ReminderKind::Review, {}, {}};
        for (const auto& fault : review_faults)
          run.requests.push_back({fault.key, core::ReminderKind::Review,
                                  core::reminder_interval(core::ReminderKind::Review, 0)});
        kinds.push_back(std::move(run));
      }
    }

    // Claim everything in one pass (one settle for the whole run).
    std::vector<std::vector<ClaimRequest>> groups;
    for (auto& kind : kinds) {
      std::sort(kind.requests.begin(), kind.requests.end(),
                [](const ClaimRequest& a, const ClaimRequest& b) { return core::key_less(a.issue_key, b.issue_key); });
      groups.push_back(kind.requests);
    }
    ClaimOptions claim_options;
    claim_options.run_id = m_run_id;
    claim_options.now = m_now;
    claim_options.zone = m_session.zone;
    claim_options.settle = std::chrono::milliseconds(m_options.claim_wait_ms);
    claim_options.dry_run = m_ctx.options.dry_run;
    ReminderClaims claims(*m_session.jira, claim_options);
    if (!groups.empty()) {
      auto results = claims.claim(groups);
      for (std::size_t i = 0; i < kinds.size(); ++i) kinds[i].claims = std::move(results[i]);
    }

    for (auto& kind : kinds) {
      record_skips(m_ctx, kind.claims, m_summary, m_session.zone);
      const auto keys = won_keys(kind.claims);
      if (keys.empty()) continue;
      std::vector<nlohmann::json> messages;
      switch (kind.kind) {
        case core::ReminderKind::Overdue: messages = overdue_messages(owners, keys); break;
        case core::ReminderKind::Stale: messages = fault_messages(kind.kind, stale_faults, keys); break;
        case core::ReminderKind::Review: messages = fault_messages(kind.kind, review_faults, keys); break;
      }
      const bool delivered_any = deliver(kind.kind, messages);
      if (!delivered_any && !m_ctx.options.dry_run) {
        for (const auto& warning : claims.release(kind.claims)) m_ctx.warn(warning);
      }
    }
    for (const auto& warning : claims.unlock()) m_ctx.warn(warning);

    if (m_ctx.options.json) {
      print_json(m_ctx.out(), nlohmann::json{{"run_id", m_run_id},
                                             {"dry_run", m_ctx.options.dry_run},
                                             {"sent", m_summary.sent},
                                             {"skipped", m_summary.skipped}});
    }
    if (m_summary.failed) return ExitCode::Failed;
    if (m_options.fail_on_overdue && m_overdue_found) return ExitCode::Overdue;
    return ExitCode::Ok;
  }

private:
  // Whether the kind's event goes anywhere; warns (once) when it does not, since claiming a
  // reminder nobody receives would silence it for a whole interval.
  bool want(core::ReminderKind kind) {
    const char* event = core::reminder_event(kind);
    if (routed(m_config, event)) return true;
    m_ctx.warn(fmt::format("remind: no channel is routed for {}: add it under [routes] to send these reminders", event));
    return false;
  }

  // Whether the fault's status is the workflow's recovered or reviewing step (a fault moved
  // there by hand may lack a recovery time; it needs no progress updates any more).
  bool past_handling(const core::Fault& fault) const {
    auto same = [](std::string_view a, std::string_view b) {
      return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
             });
    };
    const auto& workflow = m_config.jira.workflow;
    return same(fault.status, workflow.recovered) || same(fault.status, workflow.reviewing);
  }

  // How this run's messages name people and link issues.
  core::ReminderNaming naming() const {
    core::ReminderNaming naming;
    naming.person = [this](std::string_view jira_id, std::string_view fallback) {
      return person_name(m_config, jira_id, fallback);
    };
    naming.issue_url = [this](std::string_view key) { return m_session.jira->browse_url(key); };
    naming.team_coordinator = m_config.team.coordinator;
    naming.run_id = m_run_id;
    return naming;
  }

  // The actions.overdue data of each message (owner sections split to fit the platforms).
  std::vector<nlohmann::json> overdue_messages(const std::vector<core::OwnerGroup>& owners,
                                               const std::set<std::string>& keys) {
    std::vector<core::OwnerGroup> claimed;
    for (const auto& group : owners) {
      auto copy = group;
      std::erase_if(copy.items, [&](const core::OverdueItem& item) { return !keys.contains(item.action.key); });
      if (copy.items.empty()) continue;
      copy.escalated = std::any_of(copy.items.begin(), copy.items.end(), [](const auto& i) { return i.escalated; });
      claimed.push_back(std::move(copy));
    }
    return core::overdue_messages(claimed, message_budget(m_config, "actions.overdue"), naming());
  }

  // The fault.stale / review.overdue data of each message.
  std::vector<nlohmann::json> fault_messages(core::ReminderKind kind, const std::vector<core::Fault>& faults,
                                             const std::set<std::string>& keys) {
    std::vector<core::Fault> chosen;
    for (const auto& fault : faults)
      if (keys.contains(fault.key)) chosen.push_back(fault);
    core::FaultReminderRules rules;
    rules.now = m_now;
    rules.zone = m_session.zone;
    rules.update_cadence_minutes = m_config.team.update_cadence_minutes;
    rules.update_cadence_by_level = m_config.team.update_cadence_by_level;
    rules.review_policy = {m_config.team.review_due_hours, m_config.team.review_due_hours_by_level};
    return core::fault_messages(kind, chosen, message_budget(m_config, core::reminder_event(kind)), rules, naming());
  }

  // Sends each message to the kind's channels; records the outcome. Whether anything reached
  // any channel (in a dry run: whether anything would have been tried).
  bool deliver(core::ReminderKind kind, const std::vector<nlohmann::json>& messages) {
    auto transport = m_ctx.transport();
    const char* event = core::reminder_event(kind);
    if (!transport) {
      m_ctx.report(transport.error());
      m_summary.failed = true;
      return false;
    }
    notify::MemorySentLog sent_log;
    notify::NotifierOptions options;
    options.templates = notify::default_template_dirs(m_config.team.template_dir);
    options.sent_log = &sent_log;
    if (auto mail = m_ctx.mail_sender()) options.mail = *mail;
    notify::Notifier notifier(**transport, m_config, std::move(options));
    bool delivered_any = false;
    for (const auto& data : messages) {
      auto items = nlohmann::json::array();
      if (data.contains("owners"))
        for (const auto& owner : data["owners"])
          for (const auto& action : owner["actions"]) items.push_back(action["key"]);
      if (data.contains("faults"))
        for (const auto& fault : data["faults"]) items.push_back(fault["key"]);
      for (const auto& report : notifier.notify(event, data)) {
        auto entry = notify::to_json(report);
        entry["kind"] = core::to_string(kind);
        entry["event"] = event;
        entry["platform"] = report.kind;
        entry["items"] = items;
        if (report.status == notify::ReportStatus::Sent || report.status == notify::ReportStatus::AlreadySent) {
          delivered_any = true;
          if (!m_ctx.options.json && !m_ctx.options.quiet) {
            std::vector<std::string> keys;
            for (const auto& key : items) keys.push_back(key.get<std::string>());
            m_ctx.out() << fmt::format("{}{}\t{}\t{}\n", m_ctx.options.dry_run ? "dry-run " : "", event, report.channel,
                                       fmt::join(keys, ","));
          }
        } else if (report.status == notify::ReportStatus::Failed) {
          m_summary.failed = true;
          m_ctx.err() << m_ctx.redactor().mask(notify::describe(report)) << "\n";
        }
        if (!report.warning.empty()) m_ctx.warn(notify::describe(report));
        m_summary.sent.push_back(std::move(entry));
      }
    }
    return delivered_any;
  }

  Context& m_ctx;
  FaultSession& m_session;
  const config::Config& m_config;
  const RemindOptions& m_options;
  std::string m_run_id;
  core::TimePoint m_now;
  date::year_month_day m_today;
  Summary m_summary;
  bool m_overdue_found = false;
};

Result<ExitCode> run_remind(const RemindOptions& options, Context& ctx) {
  const bool none = !options.overdue && !options.stale && !options.reviews;
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  Reminder reminder(ctx, *session, options, options.run_id.empty() ? make_run_id() : options.run_id);
  return reminder.run(none || options.overdue, none || options.stale, none || options.reviews);
}

}  // namespace

void register_remind(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<RemindOptions>();
  auto* cmd = app.add_subcommand("remind", "Chase overdue actions, stale faults and missed reviews (for cron)");
  cmd->add_flag("--overdue", options->overdue, "Overdue fault actions, grouped by owner (actions.overdue)");
  cmd->add_flag("--stale", options->stale, "Open faults without an update for their level's cadence (fault.stale)");
  cmd->add_flag("--reviews", options->reviews, "Recovered faults past their review deadline (review.overdue)");
  cmd->add_flag("--fail-on-overdue", options->fail_on_overdue, "Exit 10 when overdue actions exist (CI gates)");
  cmd->add_option("--run-id", options->run_id, "This run's id in the reminder claims (default: host-pid-random)");
  cmd->add_option("--claim-wait", options->claim_wait_ms,
                  "Milliseconds between taking the reminder lock and reading it back (overlapping runs)")
      ->check(CLI::Range(0, 60000));
  cmd->add_option("--limit", options->limit, "At most this many open faults to check")->check(CLI::Range(1, 100000));
  set_examples(*cmd, {"faultline remind", "faultline remind --overdue --json", "faultline --dry-run remind --stale"});
  cmd->footer(cmd->get_footer() + "\n" +
      "Without --overdue/--stale/--reviews all three run. Each reminder is sent at most once per interval\n"
      "(overdue actions and missed reviews: once per day in team.timezone; stale faults: once per update\n"
      "cadence), also when cron runs overlap. Prints nothing when there is nothing to send. With the\n"
      "global --dry-run nothing is claimed or sent. Exit: 0 ok, 1 a message or claim failed, 10 overdue\n"
      "found (--fail-on-overdue), 2 config, 3 auth, 5 Jira unavailable.");
  cmd->callback([options, &ctx] { finish(ctx, run_remind(*options, ctx)); });
}

}  // namespace faultline::cli
