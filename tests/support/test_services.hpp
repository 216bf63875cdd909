// app::Services for use-case tests, without the command line: a config from TOML text, the
// test's transport (a FakeTransport, or curl to the sandbox), a fixed clock, recorded sleeps,
// and recorded diagnostics. Clients are built as the app builds them (app::connect_jira).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "faultline/app/connections.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/load.hpp"
#include "faultline/core/time.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/notify/mail.hpp"

namespace faultline::testing {

class TestServices final : public app::Services {
public:
  // `toml` is the config text; `env` the environment it reads (token_env, url_env ...).
  TestServices(http::Transport& transport, std::string toml, std::map<std::string, std::string> env = {})
      : m_transport(transport), m_toml(std::move(toml)), m_env(std::move(env)) {
    m_diagnostics.on_warning = [this](std::string_view text) { warnings.emplace_back(text); };
    m_diagnostics.on_error = [this](std::string_view text) { errors.emplace_back(text); };
    m_diagnostics.on_progress = [this](std::string_view, std::size_t done, std::optional<std::size_t>) {
      progress.push_back(done);
    };
  }

  core::FixedClock fixed_clock{core::TimePoint{std::chrono::milliseconds{1795000000000}}};  // 2026-11-18
  bool dry = false;
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
  std::vector<std::size_t> progress;
  std::vector<std::chrono::milliseconds> sleeps;

  Result<const config::Config*> config() override {
    if (m_config) return &*m_config;
    MapEnvironment env(m_env);
    NoCommands runner;
    auto loaded = config::load_config_from_string(m_toml, "test.toml", {}, env, runner);
    if (!loaded) return std::unexpected(loaded.error());
    m_config = std::move(loaded->config);
    return &*m_config;
  }
  Result<const date::time_zone*> zone() override {
    auto loaded = config();
    if (!loaded) return std::unexpected(loaded.error());
    return core::find_zone((*loaded)->team.timezone);
  }
  Result<http::Transport*> transport() override { return &m_transport; }
  Result<jira::Client*> jira() override {
    if (m_jira) return m_jira.get();
    auto loaded = config();
    if (!loaded) return std::unexpected(loaded.error());
    auto client = app::connect_jira(**loaded, m_transport);
    if (!client) return std::unexpected(client.error());
    m_jira = std::move(*client);
    return m_jira.get();
  }
  Result<confluence::Client*> confluence() override {
    if (m_confluence) return m_confluence.get();
    auto loaded = config();
    if (!loaded) return std::unexpected(loaded.error());
    auto client = app::connect_confluence(**loaded, m_transport);
    if (!client) return std::unexpected(client.error());
    m_confluence = std::move(*client);
    return m_confluence.get();
  }
  Result<notify::MailSender*> mail_sender() override {
    return fail(ErrorKind::Config, "no mail in use-case tests");
  }
  const core::Clock& clock() const override { return fixed_clock; }
  void sleep(std::chrono::milliseconds pause) override { sleeps.push_back(pause); }
  bool dry_run() const override { return dry; }
  const app::Diagnostics& diagnostics() const override { return m_diagnostics; }

private:
  // token_cmd and friends are not used by these tests.
  class NoCommands final : public CommandRunner {
  public:
    Result<std::string> run(const std::string& command) const override {
      return fail(ErrorKind::Config, "no commands in tests: " + command);
    }
  };

  http::Transport& m_transport;
  std::string m_toml;
  std::map<std::string, std::string> m_env;
  app::Diagnostics m_diagnostics;
  std::optional<config::Config> m_config;
  std::unique_ptr<jira::Client> m_jira;
  std::unique_ptr<confluence::Client> m_confluence;
};

}  // namespace faultline::testing
