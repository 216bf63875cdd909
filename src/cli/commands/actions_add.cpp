// `faultline actions add KEY --summary TEXT --owner USER --due DATE|+7d [--kind K] [--id ID]`:
// one action sub-task under a fault outside a review. Idempotent by the action id (default:
// derived from the summary exactly as review files derive it), so running it twice makes one
// sub-task; a changed owner, due date or kind updates it.
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/action_repository.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/action.hpp"
#include "faultline/core/review.hpp"

namespace faultline::cli {

namespace {

struct ActionsAddOptions {
  std::string key;
  std::string summary;
  std::string owner;
  std::string due;
  std::string kind = "prevent";
  std::string id;
};

Result<ExitCode> run_actions_add(const ActionsAddOptions& options, Context& ctx) {
  auto kind = core::parse_action_kind(options.kind);
  if (!kind)
    return fail(ErrorKind::Usage, fmt::format("--kind '{}' is not an action kind", options.kind),
                "use prevent, mitigate, detect or process");
  const std::string id = options.id.empty() ? core::derive_action_id(options.summary) : options.id;
  if (!core::is_valid_action_id(id))
    return fail(ErrorKind::Usage, fmt::format("--id '{}' is not a valid action id", id),
                "use 1 to 40 lower-case letters, digits and '-', starting with a letter or digit");
  if (options.summary.find_first_not_of(" \t") == std::string::npos)
    return fail(ErrorKind::Usage, "--summary is empty", "say what will be done, e.g. --summary \"Alert on 5xx rate\"");

  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  const auto now = ctx.clock().now();
  const auto today = core::local_date(now, session->zone);
  auto due = core::parse_date(options.due, now, session->zone);
  if (!due) return std::unexpected(Error{ErrorKind::Usage, "--due: " + due.error().message, due.error().hint, 0, {}});
  if (date::sys_days{*due} < date::sys_days{today})
    return fail(ErrorKind::Usage, fmt::format("--due {} is in the past (today is {})", core::format_date(*due), core::format_date(today)),
                "give a date from today on, or a relative one such as +7d");

  auto fault = session->repository->get(options.key);
  if (!fault) return std::unexpected(fault.error());
  ActionRepository actions(*session->jira, *session->config);
  auto owner = actions.resolve_owner(options.owner);
  if (!owner) {
    auto error = owner.error();
    if (error.kind == ErrorKind::Usage) error.message = "--owner: " + error.message;
    return std::unexpected(error);
  }
  auto existing = actions.list(fault->key);
  if (!existing) return std::unexpected(existing.error());
  ActionSpec spec{id, options.summary, *due, core::to_string(*kind), options.owner, *owner, ""};
  auto synced = actions.sync(fault->key, {spec}, *existing);
  if (!synced) return std::unexpected(synced.error());
  const auto& result = synced->front();
  const auto url = session->jira->browse_url(result.action.key);
  if (ctx.options.json) {
    auto json = core::action_to_json(result.action, today);
    json["url"] = url;
    print_json(ctx.out(), nlohmann::json{{"action", json}, {"created", result.created}, {"updated", result.updated}});
    return ExitCode::Ok;
  }
  ctx.out() << result.action.key << "\t" << url << "\n";
  if (!ctx.options.quiet)
    ctx.err() << fmt::format("{} action {} of {} (id {})\n",
                             result.created ? "created" : result.updated ? "updated" : "unchanged:", result.action.key,
                             fault->key, id);
  return ExitCode::Ok;
}

}  // namespace

void register_actions_add(CLI::App& actions, Context& ctx) {
  auto options = std::make_shared<ActionsAddOptions>();
  auto* cmd = actions.add_subcommand("add", "Add an action sub-task to a fault (idempotent by id)");
  cmd->add_option("KEY", options->key, "The fault issue key")->required();
  cmd->add_option("--summary", options->summary, "What will be done")->required();
  cmd->add_option("--owner", options->owner, "Owner: config people key or Jira user")->required();
  cmd->add_option("--due", options->due, "Due date: YYYY-MM-DD or relative (+7d, +2w)")->required();
  cmd->add_option("--kind", options->kind, "prevent (default), mitigate, detect or process");
  cmd->add_option("--id", options->id, "Stable action id (default: derived from the summary)");
  set_examples(*cmd, {"faultline actions add FAULT-12 --summary \"Alert on checkout 5xx rate\" --owner alice --due +7d --kind detect",
                      "faultline actions add FAULT-12 --id canary-deploys --summary \"Canary config pushes\" --owner bob --due 2026-12-15 --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_actions_add(*options, ctx)); });
}

}  // namespace faultline::cli
