// The process environment and external commands behind interfaces, so configuration,
// secrets lookup and CI detection are tested without touching the real process.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/util/error.hpp"

namespace faultline {

// Read access to environment variables.
class Environment {
public:
  virtual ~Environment() = default;
  // The variable's value, or nullopt when it is unset. An empty value is returned as "".
  virtual std::optional<std::string> get(std::string_view name) const = 0;
};

// The real process environment (getenv).
class ProcessEnvironment final : public Environment {
public:
  std::optional<std::string> get(std::string_view name) const override;
};

// A fixed map, for tests.
class MapEnvironment final : public Environment {
public:
  MapEnvironment() = default;
  explicit MapEnvironment(std::map<std::string, std::string> values) : m_values(std::move(values)) {}
  std::optional<std::string> get(std::string_view name) const override;
  void set(std::string name, std::string value) { m_values[std::move(name)] = std::move(value); }

private:
  std::map<std::string, std::string> m_values;
};

// Runs a shell command and returns its standard output (for token_cmd = "pass show jira").
class CommandRunner {
public:
  virtual ~CommandRunner() = default;
  // Output with one trailing newline removed. A non-zero exit or a failure to start is an
  // Error of kind Config whose message says only how it failed ("exit 3", "killed by signal
  // 9", "could not be started (/bin/sh)"): never the command, which may hold a secret
  // (`echo s3cr3t`), nor anything it printed. The caller names the setting.
  virtual Result<std::string> run(const std::string& command) const = 0;
};

// Runs commands with /bin/sh -c. Their stderr is discarded (it may quote the secret); their
// stdin is inherited.
class ShellCommandRunner final : public CommandRunner {
public:
  Result<std::string> run(const std::string& command) const override;
};

}  // namespace faultline
