// `faultline open`: creates the fault issue (mapped fields, the `faultline` property,
// label markers), sets the coordinator as a watcher and announces it to the channels routed
// for fault.opened. With --dedupe-key an open fault carrying the key gets a comment instead,
// and after creating the search runs again (on Cloud a few times over about 3 s: its index
// lags writes) so that of two racing runs the oldest fault wins and the newer one is closed
// as its duplicate; the losing run prints the winner's key and announces nothing. --from-alert reads an Alertmanager or Grafana
// webhook payload: a firing group opens (or finds) its fault, a resolved one comments on it.
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_open.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/prompt.hpp"
#include "faultline/core/alerts.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::cli {

namespace {

struct OpenOptions {
  std::string title;
  std::string level;
  std::string type;
  std::string source;
  std::string team;
  std::string service;
  std::string business_unit;
  std::string description;
  std::string started_at;
  std::string coordinator;
  std::string dedupe_key;
  std::vector<std::string> metrics;
  bool no_notify = false;
  std::string from_alert;  // FILE or "-"
  bool per_alert = false;
};

// Decides the level: --level, else the unit's rules over --metric, else a prompt.
Result<std::string> decide_level(const OpenOptions& options, Context& ctx, const config::Config& config) {
  if (!options.level.empty()) return normalize_level(options.level, "--level");
  if (!options.metrics.empty()) {
    if (options.business_unit.empty())
      return fail(ErrorKind::Usage, "--metric needs --bu (the business unit whose level rules apply)");
    auto metrics = parse_metrics(options.metrics);
    if (!metrics) return std::unexpected(metrics.error());
    auto decision = classify_for_unit(config, options.business_unit, *metrics);
    if (!decision) return std::unexpected(decision.error());
    return decision->level;
  }
  auto answer = ask(ctx, "Level (P1-P4)", "--level");
  if (!answer) return std::unexpected(answer.error());
  return normalize_level(*answer, "--level");
}

// `open --from-alert`: one fault per alert group (or per alert); a firing draft opens (or
// finds) its fault, a resolved one comments on its open fault and never opens one.
Result<ExitCode> run_open_from_alert(const OpenOptions& options, Context& ctx) {
  auto text = read_text_argument(ctx, options.from_alert == "-" ? "-" : "@" + options.from_alert);
  if (!text) return std::unexpected(text.error());
  auto group = core::parse_alert_payload_text(*text);
  if (!group) {
    auto error = group.error();
    error.message = fmt::format("{}: {}", options.from_alert == "-" ? "stdin" : options.from_alert, error.message);
    return std::unexpected(error);
  }
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  const auto drafts = core::alert_faults(*group, options.per_alert ? core::AlertGrouping::PerAlert : core::AlertGrouping::PerGroup,
                                         session->config->alert_rules);
  auto results = nlohmann::json::array();
  for (const auto& draft : drafts) {
    auto fault = core::fault_from_alert(draft);
    fault.coordinator = session->config->team.coordinator;
    if (!options.level.empty()) {
      auto level = normalize_level(options.level, "--level");
      if (!level) return std::unexpected(level.error());
      fault.level = *level;
    }
    if (!options.team.empty()) fault.team = options.team;
    if (!options.service.empty()) fault.service = options.service;
    if (draft.status == "resolved") {
      auto open_faults = session->repository->find_open_by_dedupe(draft.dedupe_key);
      if (!open_faults) return std::unexpected(open_faults.error());
      nlohmann::json item{{"dedupe_key", draft.dedupe_key}, {"alert_status", "resolved"}, {"created", false}};
      if (open_faults->empty()) {
        item["key"] = nullptr;
        item["action"] = "none";
      } else {
        const auto& target = open_faults->front();
        const auto ended = draft.ended_at ? core::format_iso(*draft.ended_at, session->zone) : std::string("now");
        const auto key = op_key({"alert-resolved", target.key, draft.dedupe_key, ended});
        auto commented = ensure_comment(*session->jira, target.key, key,
                                        fmt::format("Alert resolved at {}: {}", ended, draft.title));
        if (!commented) return std::unexpected(commented.error());
        item["key"] = target.key;
        item["url"] = session->jira->browse_url(target.key);
        item["action"] = *commented == OpStatus::Done ? "commented" : "already_commented";
      }
      if (!ctx.options.json) ctx.out() << (item["key"].is_null() ? std::string("-") : item["key"].get<std::string>()) << "\tresolved\n";
      results.push_back(std::move(item));
      continue;
    }
    auto outcome = open_fault(ctx, *session, std::move(fault), options.no_notify ? Announce::No : Announce::Yes);
    if (!outcome) return std::unexpected(outcome.error());
    auto item = outcome->to_json(*session);
    item["dedupe_key"] = draft.dedupe_key;
    item["alert_status"] = "firing";
    item["action"] = outcome->dry_run                   ? "dry_run"
                     : outcome->created                 ? "created"
                     : !outcome->duplicate_of.empty() ? "closed_duplicate"
                                                        : "commented";
    if (!ctx.options.json) ctx.out() << outcome->fault.key << "\t" << session->jira->browse_url(outcome->fault.key) << "\n";
    results.push_back(std::move(item));
  }
  if (ctx.options.json) print_json(ctx.out(), nlohmann::json{{"faults", results}});
  return ExitCode::Ok;
}

Result<ExitCode> run_open(const OpenOptions& options, Context& ctx) {
  auto config = ctx.require_config();
  if (!config) return std::unexpected(config.error());
  if (!options.from_alert.empty()) return run_open_from_alert(options, ctx);
  std::string title = options.title;
  if (title.empty()) {
    auto answer = ask(ctx, "Title", "--title");
    if (!answer) return std::unexpected(answer.error());
    title = *answer;
  }
  auto level = decide_level(options, ctx, **config);
  if (!level) return std::unexpected(level.error());
  std::string description;
  if (!options.description.empty()) {
    auto text = read_text_argument(ctx, options.description);
    if (!text) return std::unexpected(text.error());
    description = *text;
  }

  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  const auto now = ctx.clock().now();

  core::Fault fault;
  fault.summary = title;
  fault.description = description;
  fault.level = *level;
  fault.type = options.type;
  fault.source = options.source;
  fault.team = options.team;
  fault.service = options.service;
  fault.business_unit = options.business_unit;
  fault.coordinator = options.coordinator.empty() ? session->config->team.coordinator : options.coordinator;
  fault.dedupe_key = options.dedupe_key;
  fault.detected_at = now;
  fault.started_at = now;
  if (!options.started_at.empty()) {
    auto started = core::parse_time(options.started_at, now, session->zone);
    if (!started) return std::unexpected(Error{ErrorKind::Usage, "--started-at: " + started.error().message, started.error().hint, 0, {}});
    fault.started_at = *started;
  }
  fault.labels = {};

  auto outcome = open_fault(ctx, *session, std::move(fault), options.no_notify ? Announce::No : Announce::Yes);
  if (!outcome) return std::unexpected(outcome.error());
  if (ctx.options.json) {
    print_json(ctx.out(), outcome->to_json(*session));
  } else if (outcome->dry_run) {
    ctx.err() << "dry run: nothing was sent, no fault created\n";
  } else {
    ctx.out() << outcome->fault.key << "\t" << session->jira->browse_url(outcome->fault.key) << "\n";
    if (!outcome->duplicate_of.empty() && !ctx.options.quiet)
      ctx.err() << fmt::format("{} was opened for the same dedupe key at the same time; {} is the older and stands, "
                               "{} was closed as its duplicate\n",
                               outcome->closed_duplicate, outcome->duplicate_of, outcome->closed_duplicate);
    else if (!outcome->created && !ctx.options.quiet)
      ctx.err() << fmt::format("{} is already open for this dedupe key: reported again as a comment\n", outcome->fault.key);
  }
  return ExitCode::Ok;
}

}  // namespace

void register_open(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<OpenOptions>();
  auto* cmd = app.add_subcommand("open", "Open a fault: create the issue, watch it, announce it");
  cmd->add_option("--title", options->title, "What is broken, in one line");
  cmd->add_option("--level", options->level, "P1..P4 (or give --bu and --metric to classify)");
  cmd->add_option("--type", options->type, "Fault type (Code Defect, Configuration, ...)");
  cmd->add_option("--source", options->source, "Who reported it")
      ->check(CLI::IsMember({"customer", "internal", "monitoring", "ci"}));
  cmd->add_option("--team", options->team, "Team handling the fault");
  cmd->add_option("--service", options->service, "Affected service");
  cmd->add_option("--bu", options->business_unit, "Business unit (its level rules classify --metric)");
  cmd->add_option("--metric", options->metrics, "NAME=NUMBER for classification (scope=12, duration=45); repeatable");
  cmd->add_option("--description", options->description, "Description: TEXT, @FILE or - (stdin)");
  cmd->add_option("--started-at", options->started_at, "When it started (ISO 8601, -15m, now); default now");
  cmd->add_option("--coordinator", options->coordinator, "Coordinator (people key or Jira user); default team.coordinator");
  cmd->add_option("--dedupe-key", options->dedupe_key, "Stable key: an open fault with it gets a comment instead");
  cmd->add_flag("--no-notify", options->no_notify, "Do not announce to chat");
  cmd->add_option("--from-alert", options->from_alert,
                  "Alertmanager (v4) or Grafana webhook payload: FILE or - (stdin); resolved alerts comment");
  cmd->add_flag("--per-alert", options->per_alert, "With --from-alert: one fault per alert, not per group");
  set_examples(*cmd, {"faultline open --title \"Checkout 500s\" --level P2 --service checkout --team payments",
                      "faultline open --title \"Orders lost\" --bu retail --metric scope=12 --metric duration=45",
                      "faultline open --title \"Disk full\" --level P3 --dedupe-key db1-disk --json",
                      "faultline open --from-alert alert.json"});
  cmd->callback([options, &ctx] { finish(ctx, run_open(*options, ctx)); });
}

}  // namespace faultline::cli
