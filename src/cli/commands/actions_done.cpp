// `faultline actions done ACTION_KEY`: moves a fault action sub-task to a Done-category
// status (the workflow's closed status when reachable, else any transition to done).
// Refuses an issue that is not a fault action (exit 2); an action already done is left as
// it is.
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/action_repository.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/action.hpp"

namespace faultline::cli {

namespace {

struct ActionsDoneOptions {
  std::string key;
};

Result<ExitCode> run_actions_done(const ActionsDoneOptions& options, Context& ctx) {
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  const auto today = core::local_date(ctx.clock().now(), session->zone);
  ActionRepository repository(*session->jira, *session->config);
  auto done = repository.mark_done(options.key);
  if (!done) return std::unexpected(done.error());
  const auto url = session->jira->browse_url(done->action.key);
  if (ctx.options.json) {
    auto json = core::action_to_json(done->action, today);
    json["url"] = url;
    print_json(ctx.out(), nlohmann::json{{"action", json}, {"changed", done->updated}});
    return ExitCode::Ok;
  }
  ctx.out() << done->action.key << "\t" << done->action.status << "\t" << url << "\n";
  if (!ctx.options.quiet && !done->updated) ctx.err() << fmt::format("{} was already done\n", done->action.key);
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
