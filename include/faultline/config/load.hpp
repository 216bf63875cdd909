// Finding and loading the configuration: the TOML file (with an optional profile overlaid),
// then environment overrides, then command-line flags, over the defaults in config.hpp.
// Secrets are resolved here (token_env / token_cmd / ...); every error names where it is.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/config/config.hpp"
#include "faultline/util/environment.hpp"
#include "faultline/util/error.hpp"

namespace faultline::config {

// What the command line says about configuration.
struct LoadOptions {
  std::string config_path;  // --config ("" = search)
  std::string profile;      // --profile ("" = FAULTLINE_PROFILE or none)
  // dotted key -> value from CLI flags, e.g. "jira.url"; "" sets a text or URL value to empty
  std::map<std::string, std::string> flag_overrides;
  std::string working_dir = ".";                      // where ./faultline.toml is looked for
  enum class Missing { Allowed, Error } missing = Missing::Allowed;  // what to do when no file is found
};

// A loaded configuration and the warnings to show the user (unset token_env variables,
// a token_cmd that failed, ...). Warnings never contain secret values nor secret commands.
struct Loaded {
  Config config;
  std::vector<std::string> warnings;
};

// The config file to read: the first of --config, $FAULTLINE_CONFIG, <working_dir>/faultline.toml,
// $XDG_CONFIG_HOME/faultline/config.toml ($HOME/.config when unset). nullopt when none exists.
// Error (Config) when --config or $FAULTLINE_CONFIG names a file that does not exist.
Result<std::optional<std::string>> find_config_file(const LoadOptions& options, const Environment& env);

// Finds and reads the config file, overlays the chosen profile, applies the environment and
// the flags, resolves secrets and validates everything. Precedence per value:
// flag > env > profile > file > default; Config::sources says where each value came from.
// Error (Config) names the file, line, key and what is allowed; a bad flag value or an
// unknown flag key is an Error of kind Usage. A file holding a literal secret (token = ...,
// a channel url, secret or smtp_password) whose mode grants its group or anyone else any
// access (mode & 077, so anything but 0600 / 0400) is an Error (Config) naming the keys, their
// lines and the mode, never the values.
// token_cmd / url_cmd / ... run here; a failing command or an unset token_env variable is a
// warning and leaves the secret empty (commands that need it fail later, saying so). The
// warning names the setting and the exit status, never the command or what it printed.
// Missing::Error turns "no file found" into an Error (Config) listing the places looked in.
Result<Loaded> load_config(const LoadOptions& options, const Environment& env, const CommandRunner& runner);

// As load_config, for TOML text already in memory; `file_label` stands for the file name in
// messages and sources. No file permission check is made. For tests and `config check -`.
Result<Loaded> load_config_from_string(std::string_view toml, std::string_view file_label, const LoadOptions& options,
                                       const Environment& env, const CommandRunner& runner);

// The dotted keys a flag override may set (scalars such as "jira.url", "jira.token",
// "http.timeout_seconds"), for the CLI's help and checks.
std::vector<std::string> overridable_keys();

}  // namespace faultline::config
