// `faultline open`: creates the fault issue (mapped fields, the `faultline` property,
// label markers), sets the coordinator as a watcher and announces it to the channels routed
// for fault.opened. With --dedupe-key an open fault carrying the key gets a comment instead,
// and after creating the search runs again so that of two racing runs the oldest fault wins
// and the newer one is closed as its duplicate.
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_operations.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/prompt.hpp"
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

// Closes every fault but the oldest as a duplicate of it; returns the keys closed.
Result<std::vector<std::string>> close_duplicates(FaultSession& session, const std::vector<core::Fault>& open_faults) {
  std::vector<std::string> closed;
  if (open_faults.size() < 2) return closed;
  const auto& winner = open_faults.front();
  for (std::size_t i = 1; i < open_faults.size(); ++i) {
    const auto& dup = open_faults[i];
    jira::TransitionInput input;
    input.comment_markdown = fmt::format("Duplicate of {}: the same dedupe key was opened twice.", winner.key);
    if (auto done = session.jira->transition_to_status(dup.key, session.config->jira.workflow.closed, input); !done)
      return std::unexpected(done.error());
    if (auto linked = session.jira->link_issues("Duplicate", winner.key, dup.key); !linked)
      return std::unexpected(linked.error());
    closed.push_back(dup.key);
  }
  return closed;
}

Result<ExitCode> run_open(const OpenOptions& options, Context& ctx) {
  auto config = ctx.require_config();
  if (!config) return std::unexpected(config.error());
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
  auto& repo = *session->repository;
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

  bool created = false;
  std::vector<std::string> closed;
  OperationList ops;

  std::vector<core::Fault> existing;
  if (!fault.dedupe_key.empty()) {
    auto found = repo.find_open_by_dedupe(fault.dedupe_key);
    if (!found) return std::unexpected(found.error());
    existing = std::move(*found);
  }

  if (!existing.empty()) {
    const auto& target = existing.front();
    const auto key = op_key({"open-again", target.key, fault.dedupe_key, title});
    ops.add({"comment", key, [&, key]() {
               return ensure_comment(*session->jira, target.key, key,
                                     fmt::format("Reported again (dedupe key `{}`): {}", fault.dedupe_key, title));
             }});
    if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
    fault = target;
  } else {
    CreatedFault made;
    ops.add({"create", op_key({"create", fault.dedupe_key.empty() ? title : fault.dedupe_key}), [&]() -> Result<OpStatus> {
               auto result = repo.create(fault);
               if (!result) return std::unexpected(result.error());
               made = *result;
               fault.key = made.key;
               fault.id = made.id;
               created = true;
               return OpStatus::Done;
             }});
    if (!fault.dedupe_key.empty()) {
      ops.add({"converge", op_key({"converge", fault.dedupe_key}), [&]() -> Result<OpStatus> {
                 auto again = repo.find_open_by_dedupe(fault.dedupe_key, {made.id});
                 if (!again) return std::unexpected(again.error());
                 auto done = close_duplicates(*session, *again);
                 if (!done) return std::unexpected(done.error());
                 closed = *done;
                 if (!again->empty() && again->front().key != made.key) {
                   fault = again->front();
                   created = false;
                 }
                 return closed.empty() ? OpStatus::Skipped : OpStatus::Done;
               }});
    }
    if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
  }

  if (created && !fault.coordinator.empty()) {
    ops.add({"watch", op_key({"watch", fault.key, fault.coordinator}), [&]() -> Result<OpStatus> {
               auto user = resolve_user(*session->jira, *session->config, fault.coordinator);
               if (!user) return std::unexpected(user.error());
               if (auto watched = session->jira->add_watcher(fault.key, *user); !watched) return std::unexpected(watched.error());
               return OpStatus::Done;
             }});
    if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());
  }

  std::vector<notify::DeliveryReport> reports;
  if (created && !options.no_notify) {
    nlohmann::json data{{"fault", fault_event_json(fault, session->zone)},
                        {"link", {{"url", session->jira->browse_url(fault.key)}, {"title", fault.key}}},
                        {"mentions", mentions_json(fault.coordinator)},
                        {"dedupe_key", fault.key + ":fault.opened"}};
    reports = notify_fault_event(ctx, *session->jira, fault.key, "fault.opened", data);
  }

  const auto url = session->jira->browse_url(fault.key);
  if (ctx.options.json) {
    nlohmann::json out{{"key", fault.key},
                       {"url", url},
                       {"created", created},
                       {"level", fault.level},
                       {"fault", core::fault_to_json(fault, session->zone)},
                       {"duplicates_closed", closed},
                       {"operations", ops.to_json()},
                       {"notifications", notifications_json(reports)}};
    print_json(ctx.out(), out);
  } else {
    ctx.out() << fault.key << "\t" << url << "\n";
    if (!created && !ctx.options.quiet) ctx.err() << fmt::format("{} was already open for this dedupe key: comment added\n", fault.key);
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
  set_examples(*cmd, {"faultline open --title \"Checkout 500s\" --level P2 --service checkout --team payments",
                      "faultline open --title \"Orders lost\" --bu retail --metric scope=12 --metric duration=45",
                      "faultline open --title \"Disk full\" --level P3 --dedupe-key db1-disk --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_open(*options, ctx)); });
}

}  // namespace faultline::cli
