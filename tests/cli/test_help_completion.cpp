// --version, `help`, `completion` and the man page: what packaging and shells rely on.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "faultline/cli/command_tree.hpp"
#include "faultline/util/build_info.hpp"
#include "support/test_context.hpp"

using faultline::testing::TestApp;
namespace cli = faultline::cli;

namespace {

std::string run_ok(std::vector<std::string> args) {
  TestApp app;
  INFO(app.err.str());
  REQUIRE(app.run(std::move(args)) == 0);
  return app.out.str();
}

// The subcommand names a --help lists under "Subcommands:".
std::vector<std::string> subcommands_in_help(const std::string& help) {
  std::vector<std::string> names;
  const auto start = help.find("Subcommands:\n");
  if (start == std::string::npos) return names;
  static const std::regex line(R"(^  ([a-z][a-z-]*) )");
  std::size_t at = start + 13;
  while (at < help.size() && help[at] != '\n') {
    const auto end = help.find('\n', at);
    std::smatch match;
    const std::string text = help.substr(at, end - at);
    if (std::regex_search(text, match, line)) names.push_back(match[1]);
    at = end + 1;
  }
  return names;
}

// Every command path, read from the --help texts: {"open"}, {"review", "publish"}, ...
void collect_paths(std::vector<std::string> prefix, std::vector<std::vector<std::string>>& out) {
  auto args = prefix;
  args.push_back("--help");
  for (const auto& name : subcommands_in_help(run_ok(args))) {
    auto path = prefix;
    path.push_back(name);
    out.push_back(path);
    collect_paths(path, out);
  }
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

}  // namespace

TEST_CASE("--version names version, commit and build type; --json makes it an object", "[cli][packaging]") {
  const auto line = run_ok({"--version"});
  CHECK(line.starts_with("faultline " + std::string(faultline::version()) + " (commit "));
  CHECK(line.find(std::string(faultline::build_type()) + ")") != std::string::npos);
  CHECK(line.find(std::string(faultline::commit()).substr(0, 7)) != std::string::npos);
  for (const auto& args : {std::vector<std::string>{"--version", "--json"}, std::vector<std::string>{"--json", "--version"}}) {
    const auto parsed = nlohmann::json::parse(run_ok(args));
    CHECK(parsed["version"] == std::string(faultline::version()));
    CHECK(parsed["commit"] == std::string(faultline::commit()));
    CHECK(parsed["build_type"] == std::string(faultline::build_type()));
  }
  CHECK_FALSE(std::string(faultline::commit()).empty());
}

TEST_CASE("faultline help COMMAND prints exactly COMMAND --help", "[cli][packaging]") {
  CHECK(run_ok({"help"}) == run_ok({"--help"}));
  CHECK(run_ok({"help", "review"}) == run_ok({"review", "--help"}));
  CHECK(run_ok({"help", "review", "publish"}) == run_ok({"review", "publish", "--help"}));
  CHECK(run_ok({"help", "actions", "list"}) == run_ok({"actions", "list", "--help"}));

  TestApp app;
  CHECK(app.run({"help", "review", "publsh"}) == 2);
  CHECK(app.err.str().find("no command `review publsh`") != std::string::npos);
  CHECK(app.out.str().empty());
}

TEST_CASE("a subcommand's help has its own notes, not faultline's exit codes and examples", "[cli][packaging]") {
  const auto review = run_ok({"review", "--help"});
  CHECK(review.find("faultline config show --json") == std::string::npos);
  CHECK(run_ok({"--help"}).find("Exit codes:") != std::string::npos);
}

TEST_CASE("completion scripts and the man page cover every command --help lists", "[cli][packaging]") {
  std::vector<std::vector<std::string>> paths;
  collect_paths({}, paths);
  REQUIRE(paths.size() >= 25);
  const auto bash = run_ok({"completion", "bash"});
  const auto zsh = run_ok({"completion", "zsh"});
  const auto fish = run_ok({"completion", "fish"});
  const auto man = run_ok({"help", "--man"});
  for (const auto& path : paths) {
    auto parent = path;
    parent.pop_back();
    const std::string key = joined(parent) + ":" + path.back();
    INFO(joined(path));
    CHECK(bash.find("'" + key + "')") != std::string::npos);
    CHECK(zsh.find("('" + key + "')") != std::string::npos);
    CHECK(fish.find("case '" + key + "'") != std::string::npos);
    std::string roff_name = "faultline " + joined(path);
    for (std::size_t at = 0; (at = roff_name.find('-', at)) != std::string::npos; at += 2) roff_name.replace(at, 1, "\\-");
    CHECK(man.find(".SS \"" + roff_name + "\"") != std::string::npos);
  }
}

TEST_CASE("completion offers each option's fixed values, levels included", "[cli][packaging]") {
  const auto bash = run_ok({"completion", "bash"});
  CHECK(bash.find("'open:--source') COMPREPLY=($(compgen -W 'customer internal monitoring ci'") != std::string::npos);
  CHECK(bash.find("'list:--level') COMPREPLY=($(compgen -W 'P1 P2 P3 P4'") != std::string::npos);
  CHECK(bash.find("'report monthly:--format') COMPREPLY=") != std::string::npos);
  // Global options complete after any command.
  CHECK(bash.find("*:--config) return") != std::string::npos);

  TestApp app;
  CHECK(app.run({"completion", "powershell"}) == 2);
  CHECK(app.err.str().find("powershell") != std::string::npos);
}

TEST_CASE("a level option lists P1..P4 but still reads the level itself", "[cli][packaging]") {
  // Only the value list, not a check: `list --level p2` is not refused by the parser. It goes
  // on to need a config, which is the error here.
  TestApp app;
  app.env.set("FAULTLINE_CONFIG", "/nonexistent/faultline.toml");
  CHECK(app.run({"list", "--level", "p2"}) != 0);
  CHECK(app.err.str().find("--level") == std::string::npos);
}

TEST_CASE("enumerated values are read from the set --help shows", "[cli][packaging]") {
  CHECK(cli::enumerated_values("TEXT:{storage,html,markdown}") == std::vector<std::string>{"storage", "html", "markdown"});
  CHECK(cli::enumerated_values("INT:INT in [1 - 3600]").empty());
  CHECK(cli::enumerated_values("TEXT").empty());
  CHECK(cli::enumerated_values("TEXT:{}").empty());
}

TEST_CASE("generated scripts and roff quote what the command tree says", "[cli][packaging]") {
  cli::CommandDoc root;
  root.description = ".starts with a period\nback\\slash and it's -dashed";
  cli::CommandDoc sub;
  sub.path = {"it's"};
  sub.description = "Don't 'quote' me";
  cli::OptionDoc option;
  option.flags = {"--mode"};
  option.value = "TEXT";
  option.values = {"a'b", "c"};
  option.description = "The mode's value";
  sub.options.push_back(option);
  root.commands.push_back(sub);

  const auto man = cli::man_page(root, "1.2.3");
  CHECK(man.find("\n\\&.starts with a period\n") != std::string::npos);
  CHECK(man.find("back\\eslash and it's \\-dashed") != std::string::npos);
  CHECK(man.find(".TH FAULTLINE 1 \"\" \"faultline 1.2.3\"") != std::string::npos);

  const auto bash = cli::completion_script(root, cli::Shell::Bash);
  CHECK(bash.find("compgen -W 'a'\\''b c'") != std::string::npos);
  const auto fish = cli::completion_script(root, cli::Shell::Fish);
  CHECK(fish.find("-d 'The mode\\'s value'") != std::string::npos);
  const auto zsh = cli::completion_script(root, cli::Shell::Zsh);
  CHECK(zsh.find("'it'\\''s:Don'\\''t '\\''quote'\\'' me'") != std::string::npos);
}
