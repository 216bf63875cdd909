// `faultline help [COMMAND...]`: the same text as `faultline COMMAND --help`.
// `faultline help --man`: faultline(1), every command's help as a man page (cli/man_page.cpp);
// the build writes it with this, so the man page and --help cannot drift.
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/command_tree.hpp"
#include "faultline/util/build_info.hpp"

namespace faultline::cli {

namespace {

struct HelpOptions {
  std::vector<std::string> command;
  bool man = false;
};

Result<ExitCode> run_help(const HelpOptions& options, const CLI::App& root, Context& ctx) {
  if (options.man) {
    ctx.out() << man_page(describe_commands(root), version());
    return ExitCode::Ok;
  }
  const CLI::App* target = &root;
  std::string name = root.get_name();  // "faultline review publish", as --help names it
  for (const auto& word : options.command) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : target->get_subcommands([](const CLI::App* candidate) { return !candidate->get_group().empty(); }))
      if (sub->check_name(word)) next = sub;
    if (next == nullptr) {
      std::string path;
      for (const auto& part : options.command) path += (path.empty() ? "" : " ") + part;
      return std::unexpected(Error{ErrorKind::Usage, fmt::format("no command `{}`", path),
                                   {"faultline help lists the commands"}, 0, {}});
    }
    target = next;
    name += " " + target->get_name();
  }
  // The formatter directly: App::help() on the root would describe the command being run
  // (`help`), since it is the one selected.
  ctx.out() << target->get_formatter()->make_help(target, name, CLI::AppFormatMode::Normal);
  return ExitCode::Ok;
}

}  // namespace

void register_help(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<HelpOptions>();
  auto* cmd = app.add_subcommand("help", "Show a command's help (the text of COMMAND --help), or the man page");
  cmd->add_option("COMMAND", options->command, "The command and subcommands: review publish");
  cmd->add_flag("--man", options->man, "Print faultline(1), every command's help, as a man page (roff)");
  set_examples(*cmd, {"faultline help review publish", "faultline help --man | man -l -"});
  cmd->callback([options, cmd, &ctx] { finish(ctx, run_help(*options, *cmd->get_parent(), ctx)); });
}

}  // namespace faultline::cli
