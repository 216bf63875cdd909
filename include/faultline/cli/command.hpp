// What every command file shares: the registration signature and how a command's outcome
// becomes the exit code. One command per file in src/cli/commands/: an Options struct,
// register_<command>(CLI::App&, Context&) and run_<command>(const Options&, Context&).
#pragma once

#include <CLI/CLI.hpp>

#include "faultline/cli/context.hpp"
#include "faultline/cli/exit_codes.hpp"

namespace faultline::cli {

// Records a command's outcome in the context: its exit code, and on error the message on
// stderr.
void finish(Context& ctx, const Result<ExitCode>& outcome);
void finish(Context& ctx, const Result<void>& outcome);

// Adds "Examples:" lines to a command's --help.
void set_examples(CLI::App& command, std::initializer_list<const char*> examples);

// Declares the values an option takes: --help shows them ("{a,b,c}"), and shell completion
// and the man page list them (command_tree.hpp reads them back from there). With `refuse_others`
// any other value is a usage error; without it the command reads the value itself (levels:
// "p1" is P1).
CLI::Option* one_of(CLI::Option* option, const std::vector<std::string>& values, bool refuse_others = true);

// The registration functions of every command, called by the app in this order.
void register_config(CLI::App& app, Context& ctx);
void register_init(CLI::App& app, Context& ctx);
void register_doctor(CLI::App& app, Context& ctx);
// The fault lifecycle (issue 4).
void register_open(CLI::App& app, Context& ctx);
void register_update(CLI::App& app, Context& ctx);
void register_recover(CLI::App& app, Context& ctx);
void register_show(CLI::App& app, Context& ctx);
void register_list(CLI::App& app, Context& ctx);
void register_classify(CLI::App& app, Context& ctx);
void register_rollback(CLI::App& app, Context& ctx);
// The review (issue 5): `review` registers init, render and publish on its subcommand.
void register_review(CLI::App& app, Context& ctx);
void register_review_init(CLI::App& review, Context& ctx);
void register_review_render(CLI::App& review, Context& ctx);
void register_review_publish(CLI::App& review, Context& ctx);
void register_review_pull(CLI::App& review, Context& ctx);
void register_review_schedule(CLI::App& review, Context& ctx);
// Actions and tracking (issues 5 and 6): `actions` (--overdue/--pending) registers add,
// list and done on its subcommand.
void register_actions(CLI::App& app, Context& ctx);
void register_actions_add(CLI::App& actions, Context& ctx);
void register_actions_list(CLI::App& actions, Context& ctx);
void register_actions_done(CLI::App& actions, Context& ctx);
void register_board(CLI::App& app, Context& ctx);
void register_stats(CLI::App& app, Context& ctx);
void register_search(CLI::App& app, Context& ctx);
void register_report(CLI::App& app, Context& ctx);
void register_remind(CLI::App& app, Context& ctx);
// Outages (issue 15): `sync` replays the spool; `serve` receives alert webhooks.
void register_sync(CLI::App& app, Context& ctx);
void register_serve(CLI::App& app, Context& ctx);
// Collaboration (issue 17): the fault's response room.
void register_room(CLI::App& app, Context& ctx);
// What `serve` runs: set by faultline-serve's main (src/serve_main.cpp) to run_serve, the
// receiver in src/serve/ (which links the HTTP server); unset in faultline, whose `serve`
// execs faultline-serve with the same arguments.
using ServeRunner = Result<ExitCode> (*)(const std::string& listen, Context& ctx);
void set_serve_runner(ServeRunner runner);
Result<ExitCode> run_serve(const std::string& listen, Context& ctx);
// `setup` registers `board` on its subcommand.
void register_setup(CLI::App& app, Context& ctx);
// Packaging (issue 16): `help [COMMAND...]` / `help --man`, and `completion SHELL`.
void register_help(CLI::App& app, Context& ctx);
void register_completion(CLI::App& app, Context& ctx);

}  // namespace faultline::cli
