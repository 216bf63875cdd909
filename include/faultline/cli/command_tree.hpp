// The command line as data: every command, subcommand, option and enumerated value, read
// from the CLI11 tree that --help prints. Shell completion scripts and the man page are
// generated from it, so they list exactly what the parser accepts and say what --help says.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace faultline::cli {

struct OptionDoc {
  std::vector<std::string> flags;   // "-o", "--output" (short first); empty for a positional
  std::string name;                 // a positional's name: "KEY"
  std::string value;                // the value's placeholder ("TEXT", "INT"); "" for a flag
  std::vector<std::string> values;  // the values it takes, when they are a fixed set
  std::string description;
  bool required = false;
};

struct CommandDoc {
  std::vector<std::string> path;  // {"review", "publish"}; {} for faultline itself
  std::string description;
  std::string footer;  // --help's text after the options: examples, notes
  std::vector<OptionDoc> options;      // without --help
  std::vector<OptionDoc> positionals;  // in order
  std::vector<CommandDoc> commands;    // visible subcommands, in order
};

// Reads `app` and its visible subcommands (hidden ones, in CLI11's empty group, are left out).
CommandDoc describe_commands(const CLI::App& app);

// The option's enumerated values, from the set its validator names in --help ("{a,b,c}",
// as CLI::IsMember and one_of() put there); empty when it takes any value.
std::vector<std::string> enumerated_values(std::string_view type_name);

enum class Shell { Bash, Zsh, Fish };

// A completion script for `shell`: commands, subcommands, options and enumerated values at
// each position; files where a value or a positional is free text. It runs nothing, so it is
// instant and never prompts.
std::string completion_script(const CommandDoc& root, Shell shell);

// faultline(1) in man(7) roff: the root's description and global options, then every command
// with its arguments, options and the notes of its --help.
std::string man_page(const CommandDoc& root, std::string_view version);

}  // namespace faultline::cli
