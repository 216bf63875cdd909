// `faultline completion bash|zsh|fish`: prints a completion script generated from the
// command tree (cli/command_tree.hpp). The package installs the three; by hand:
//   source <(faultline completion bash)
//   faultline completion zsh > "${fpath[1]}/_faultline"
//   faultline completion fish > ~/.config/fish/completions/faultline.fish
#include <memory>

#include "faultline/cli/command.hpp"
#include "faultline/cli/command_tree.hpp"

namespace faultline::cli {

void register_completion(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("completion", "Print the shell completion script (bash, zsh or fish)");
  one_of(cmd->add_option("SHELL", *shell, "The shell: bash, zsh or fish")->required(), {"bash", "zsh", "fish"});
  set_examples(*cmd, {"source <(faultline completion bash)",
                      "faultline completion zsh > \"${fpath[1]}/_faultline\"",
                      "faultline completion fish > ~/.config/fish/completions/faultline.fish"});
  cmd->callback([shell, cmd, &ctx] {
    const Shell which = *shell == "zsh" ? Shell::Zsh : *shell == "fish" ? Shell::Fish : Shell::Bash;
    ctx.out() << completion_script(describe_commands(*cmd->get_parent()), which);
    ctx.exit_code = to_int(ExitCode::Ok);
  });
}

}  // namespace faultline::cli
