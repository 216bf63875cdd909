// `faultline actions add KEY --summary TEXT --owner USER --due DATE|+7d [--kind K] [--id ID]`:
// one action sub-task under a fault outside a review. Idempotent by the action id (default:
// derived from the summary exactly as review files derive it), so running it twice makes one
// sub-task; a changed owner, due date or kind updates it.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/actions.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

Result<ExitCode> run_actions_add(const app::AddActionRequest& request, Context& ctx) {
  FAULTLINE_TRY(added, app::add_action(ctx, request));
  if (ctx.options.json) {
    print_json(ctx.out(), added->json);
    return ExitCode::Ok;
  }
  const auto& result = added->result;
  ctx.out() << result.action.key << "\t" << added->url << "\n";
  if (!ctx.options.quiet)
    ctx.err() << fmt::format("{} action {} of {} (id {})\n",
                             result.created ? "created" : result.updated ? "updated" : "unchanged:", result.action.key,
                             added->fault_key, added->id);
  return ExitCode::Ok;
}

}  // namespace

void register_actions_add(CLI::App& actions, Context& ctx) {
  auto options = std::make_shared<app::AddActionRequest>();
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
