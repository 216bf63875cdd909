#include "faultline/cli/app.hpp"
#include "faultline/util/build_info.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "faultline/cli/arguments.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/spooling.hpp"
#include "faultline/util/waves.hpp"

namespace faultline::cli {

namespace {

constexpr const char* k_description =
    "faultline runs the online-fault process on Jira, Confluence and your chat groups:\n"
    "open a fault, keep people informed, record recovery and rollbacks, publish the review,\n"
    "track its actions and chase them until done.";

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("--config", options.config_path, "Config file (default: $FAULTLINE_CONFIG, ./faultline.toml, "
                                                    "$XDG_CONFIG_HOME/faultline/config.toml)");
  app.add_option("--profile", options.profile, "Config profile to apply (default: $FAULTLINE_PROFILE)");
  app.add_flag("--json", options.json, "Print the documented JSON contract on stdout");
  app.add_flag("--dry-run", options.dry_run, "Print the writes that would be sent (secrets masked); send none");
  app.add_flag("-v,--verbose", options.verbose, "Log every request on stderr (secrets masked)");
  app.add_flag("-q,--quiet", options.quiet, "Print nothing on stderr but errors");
  app.add_flag("--no-color", options.no_color, "No colour (also NO_COLOR)");
  app.add_flag("--no-sync", options.no_sync, "Do not replay the spool (faultline sync) before the command");
  app.add_option("--timeout", options.timeout_seconds, "Seconds allowed for each request")
      ->check(CLI::Range(1, 3600));
}

// "faultline 0.1.0 (commit 0123456789ab, RelWithDebInfo)": the commit shortened as git does.
std::string version_line() {
  const std::string_view full = commit();
  std::string shown(full.substr(0, full == "unknown" ? full.size() : 12));
  if (full.ends_with("-dirty")) shown += "-dirty";
  return fmt::format("faultline {} (commit {}, {})", version(), shown, build_type());
}

// `--version` or `--version --json`, in either order, and nothing else.
std::optional<bool> version_request(int argc, const char* const* argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--version") return false;
  if (argc != 3) return std::nullopt;
  const std::string_view first(argv[1]), second(argv[2]);
  if ((first == "--version" && second == "--json") || (first == "--json" && second == "--version")) return true;
  return std::nullopt;
}

// The commands that read or write Jira (and so replay the spool first).
bool uses_jira(std::string_view command) {
  constexpr std::array<std::string_view, 13> k_commands{"open",    "update", "recover", "show",  "list",
                                                        "rollback", "review", "actions", "board", "stats",
                                                        "search",  "report", "remind"};
  return std::find(k_commands.begin(), k_commands.end(), command) != k_commands.end();
}

}  // namespace

int run_app(int argc, const char* const* argv, Context& ctx) {
  // Answered before the command line is built (every option of every command): scripts and
  // shell prompts call it often and should not wait for that.
  if (const auto as_json = version_request(argc, argv)) {
    if (*as_json)
      print_json(ctx.out(), {{"version", version()}, {"commit", commit()}, {"build_type", build_type()}});
    else
      ctx.out() << version_line() << '\n';
    return 0;
  }
  ctx.arguments.assign(argv, argv + argc);
  CLI::App app{k_description, "faultline"};
  app.set_version_flag("--version", version_line());
  app.fallthrough();  // global options may follow the command: `faultline doctor --json`
  app.require_subcommand(0, 1);
  add_global_options(app, ctx.options);
  register_config(app, ctx);
  register_init(app, ctx);
  register_doctor(app, ctx);
  register_open(app, ctx);
  register_update(app, ctx);
  register_recover(app, ctx);
  register_show(app, ctx);
  register_list(app, ctx);
  register_classify(app, ctx);
  register_rollback(app, ctx);
  register_review(app, ctx);
  register_room(app, ctx);
  register_actions(app, ctx);
  register_board(app, ctx);
  register_stats(app, ctx);
  register_search(app, ctx);
  register_report(app, ctx);
  register_remind(app, ctx);
  register_sync(app, ctx);
  register_serve(app, ctx);
  register_setup(app, ctx);
  register_help(app, ctx);
  register_completion(app, ctx);
  // After the commands: CLI11 copies a parent's footer into the subcommands added after it.
  set_examples(app, {"faultline init", "faultline doctor", "faultline config show --json"});
  app.footer(app.get_footer() +
             "\nExit codes:\n"
             "  0   ok\n"
             "  1   failed\n"
             "  2   usage or config error\n"
             "  3   authentication or permission refused\n"
             "  4   not found\n"
             "  5   Jira, Confluence or chat unavailable\n"
             "  6   unavailable, and the work is spooled: `faultline sync` replays it\n"
             "  10  overdue actions found (remind, actions: --fail-on-overdue)\n");

  // Before CLI11 reads them: a broken byte is a usage error naming the argument, not a
  // failure deep inside the command that receives it.
  if (auto text_ok = check_arguments_are_text(argc, argv, app); !text_ok) {
    ctx.report(text_ok.error());
    return to_int(ExitCode::Usage);
  }
  // Work spooled by an earlier run goes first, so the command sees what it did.
  app.parse_complete_callback([&app, &ctx] {
    const auto chosen = app.get_subcommands();
    if (!chosen.empty() && uses_jira(chosen.front()->get_name())) sync_before_command(ctx);
  });
  // Counts the command's sequential round trips (util/waves.hpp) for --verbose.
  util::DepthProbe round_trips;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with code 0; everything else is a usage error.
    const int code = app.exit(e, ctx.out(), ctx.err());
    return code == 0 ? 0 : to_int(ExitCode::Usage);
  } catch (const std::exception& e) {
    ctx.report(Error{ErrorKind::Failed, fmt::format("unexpected failure: {}", e.what()), {}, 0, {}});
    return to_int(ExitCode::Failed);
  }
  if (app.get_subcommands().empty()) {
    ctx.out() << app.help();
    return 0;
  }
  if (ctx.options.verbose && round_trips.depth() > 0)
    ctx.err() << fmt::format("faultline: {} sequential round trips\n", round_trips.depth());
  return ctx.exit_code;
}

}  // namespace faultline::cli
