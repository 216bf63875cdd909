// `faultline actions done ACTION_KEY`: moves a fault action sub-task to a Done-category
// status (the workflow's closed status when reachable, else any Done status, through
// In-Progress statuses where the workflow needs them).
// Refuses an issue that is not a fault action (exit 2); an action already done is left as
// it is.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/actions.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct ActionsDoneOptions {
  std::string key;
};

Result<ExitCode> run_actions_done(const ActionsDoneOptions& options, Context& ctx) {
  FAULTLINE_TRY(done, app::mark_action_done(ctx, options.key));
  if (ctx.options.json) {
    print_json(ctx.out(), done->json);
    return ExitCode::Ok;
  }
  const auto& action = done->result.action;
  ctx.out() << action.key << "\t" << action.status << "\t" << done->url << "\n";
  if (!ctx.options.quiet && !done->result.updated) ctx.err() << fmt::format("{} was already done\n", action.key);
  return ExitCode::Ok;
}

}  // namespace

void register_actions_done(CLI::App& actions, Context& ctx) {
  auto options = std::make_shared<ActionsDoneOptions>();
  auto* cmd = actions.add_subcommand("done", "Mark a fault action done");
  cmd->add_option("ACTION_KEY", options->key, "The action sub-task key")->required();
  set_examples(*cmd, {"faultline actions done FAULT-13", "faultline actions done FAULT-13 --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_actions_done(*options, ctx)); });
}

}  // namespace faultline::cli
