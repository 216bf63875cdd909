// `faultline actions`: the fault actions (Jira sub-tasks labelled fault-action). The
// subcommands live in actions_add.cpp, actions_list.cpp and actions_done.cpp.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_actions(CLI::App& app, Context& ctx) {
  auto* actions = app.add_subcommand("actions", "Fault actions: add, list, mark done, overdue and pending");
  register_actions_add(*actions, ctx);
  register_actions_list(*actions, ctx);
  register_actions_done(*actions, ctx);
}

}  // namespace faultline::cli
