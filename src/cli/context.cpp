#include "faultline/cli/context.hpp"

#include <ostream>

#include <fmt/format.h>

#include "faultline/confluence/client.hpp"
#include "faultline/http/dry_run.hpp"
#include "faultline/http/logging.hpp"
#include "faultline/http/retry.hpp"
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/notify/notifier.hpp"
#include "faultline/notify/smtp_sender.hpp"

namespace faultline::cli {

Context::Context(Streams streams, const Environment& env, const CommandRunner& runner, const core::Clock& clock,
                 TransportFactory transport_factory, Sleeper sleeper)
    : m_streams(streams),
      m_env(env),
      m_runner(runner),
      m_clock(clock),
      m_transport_factory(std::move(transport_factory)),
      m_sleeper(std::move(sleeper)) {}

Context::~Context() = default;

bool Context::color() const {
  if (options.no_color || !m_streams.out_tty) return false;
  return !m_env.get("NO_COLOR").has_value();
}

Result<const config::Config*> Context::config() {
  if (m_config) return &*m_config;
  config::LoadOptions load;
  load.config_path = options.config_path;
  load.profile = options.profile;
  load.flag_overrides = config_overrides;
  auto loaded = config::load_config(load, m_env, m_runner);
  if (!loaded) return std::unexpected(loaded.error());
  m_config = std::move(loaded->config);
  for (const auto& secret : m_config->secrets()) m_redactor.add_secret(secret);
  for (const auto& secret : notify::channel_secrets(*m_config)) m_redactor.add_secret(secret);
  if (!m_config->jira.user.empty() && !m_config->jira.token.empty()) {
    m_redactor.add_secret(http::basic_authorization(m_config->jira.user, m_config->jira.token));
  }
  if (!m_config->confluence.token.empty()) {
    const auto& user = m_config->confluence.user.empty() ? m_config->jira.user : m_config->confluence.user;
    if (!user.empty()) m_redactor.add_secret(http::basic_authorization(user, m_config->confluence.token));
  }
  for (const auto& warning : loaded->warnings) warn(warning);
  return &*m_config;
}

Result<const config::Config*> Context::require_config() {
  auto config = this->config();
  if (!config) return config;
  if ((*config)->file.empty() && (*config)->jira.url.empty()) {
    return fail(ErrorKind::Config, "no configuration found",
                "run `faultline init` to write one, or pass --config FILE (or set FAULTLINE_CONFIG)");
  }
  return config;
}

Result<http::Transport*> Context::transport() {
  if (m_transport) return m_transport.get();
  auto config = this->config();
  if (!config) return std::unexpected(config.error());
  const auto& http_settings = (*config)->http;
  const auto timeout = std::chrono::seconds(options.timeout_seconds > 0 ? options.timeout_seconds
                                                                        : http_settings.timeout_seconds);
  std::unique_ptr<http::Transport> transport = m_transport_factory(http_settings, timeout);

  // Innermost first: dry run replaces the network for writes, the log sees every attempt,
  // retries wrap them all.
  if (options.dry_run) {
    auto dry_run = std::make_unique<http::DryRunTransport>(std::move(transport), m_streams.out, m_redactor);
    m_dry_run = dry_run.get();
    transport = std::move(dry_run);
  }
  if (options.verbose) {
    transport = std::make_unique<http::LoggingTransport>(std::move(transport), m_streams.err, m_redactor);
  }
  http::RetryPolicy policy;
  policy.max_attempts = http_settings.max_retries + 1;
  const bool verbose = options.verbose;
  auto observer = [this, verbose](const http::RetryEvent& event) {
    if (!verbose) return;
    m_streams.err << m_redactor.mask(fmt::format("retrying {} {} in {} ms ({})\n", http::to_string(event.request.method),
                                                 event.request.url, event.delay.count(), event.reason));
  };
  const auto& clock = m_clock;
  transport = std::make_unique<http::RetryingTransport>(
      std::move(transport), policy, m_sleeper,
      [&clock] { return std::chrono::system_clock::time_point(clock.now().time_since_epoch()); },
      static_cast<std::uint64_t>(clock.now().time_since_epoch().count()), observer);
  m_transport = std::move(transport);
  return m_transport.get();
}

Result<jira::Client*> Context::jira() {
  if (m_jira) return m_jira.get();
  auto config = require_config();
  if (!config) return std::unexpected(config.error());
  const auto& settings = (*config)->jira;
  if (settings.url.empty()) {
    return fail(ErrorKind::Config, "jira.url is not set",
                "set [jira] url in the config file or FAULTLINE_JIRA_URL in the environment");
  }
  if (settings.token.empty()) {
    return fail(ErrorKind::Config, "no Jira token",
                "set [jira] token_env = \"JIRA_API_TOKEN\" (or token_cmd) in the config, or FAULTLINE_JIRA_TOKEN");
  }
  auto transport = this->transport();
  if (!transport) return std::unexpected(transport.error());
  jira::Connection connection{settings.url, settings.user, settings.token,
                              settings.auth == config::AuthScheme::Basic    ? jira::AuthScheme::Basic
                              : settings.auth == config::AuthScheme::Bearer ? jira::AuthScheme::Bearer
                                                                            : jira::AuthScheme::Auto};
  jira::Flavor flavor = jira::Flavor::Cloud;
  if (settings.flavor == config::Flavor::Cloud) {
    flavor = jira::Flavor::Cloud;
  } else if (settings.flavor == config::Flavor::DataCenter) {
    flavor = jira::Flavor::DataCenter;
  } else {
    auto detected = jira::detect_flavor(**transport, connection);
    if (!detected) return std::unexpected(detected.error());
    flavor = *detected;
  }
  m_jira = std::make_unique<jira::Client>(**transport, std::move(connection), flavor);
  return m_jira.get();
}

Result<confluence::Client*> Context::confluence() {
  if (m_confluence) return m_confluence.get();
  auto config = require_config();
  if (!config) return std::unexpected(config.error());
  const auto& settings = (*config)->confluence;
  if (settings.url.empty()) {
    return fail(ErrorKind::Config, "confluence.url is not set",
                "set [confluence] url in the config file or FAULTLINE_CONFLUENCE_URL in the environment");
  }
  const std::string& user = settings.user.empty() ? (*config)->jira.user : settings.user;
  const std::string& token = settings.token.empty() ? (*config)->jira.token : settings.token;
  if (token.empty()) {
    return fail(ErrorKind::Config, "no Confluence token",
                "set [confluence] token_env (or reuse the Jira token), or FAULTLINE_CONFLUENCE_TOKEN");
  }
  auto transport = this->transport();
  if (!transport) return std::unexpected(transport.error());
  confluence::Connection connection{settings.url, user, token,
                                    settings.auth == config::AuthScheme::Basic    ? confluence::AuthScheme::Basic
                                    : settings.auth == config::AuthScheme::Bearer ? confluence::AuthScheme::Bearer
                                                                                  : confluence::AuthScheme::Auto};
  confluence::Flavor flavor = confluence::Flavor::Cloud;
  if (settings.flavor == config::Flavor::Cloud) {
    flavor = confluence::Flavor::Cloud;
  } else if (settings.flavor == config::Flavor::DataCenter) {
    flavor = confluence::Flavor::DataCenter;
  } else {
    flavor = confluence::guess_flavor(settings.url);
  }
  m_confluence = std::make_unique<confluence::Client>(**transport, std::move(connection), flavor);
  return m_confluence.get();
}

Result<notify::MailSender*> Context::mail_sender() {
  if (m_mail_sender) return m_mail_sender.get();
  auto loaded = config();
  if (!loaded) return std::unexpected(loaded.error());
  if (options.dry_run) {
    m_mail_sender = std::make_unique<notify::DryRunMailSender>(err(), m_redactor);
  } else {
    const auto& http = (*loaded)->http;
    http::SmtpOptions smtp;
    smtp.connect_timeout = std::chrono::seconds(http.connect_timeout_seconds);
    smtp.total_timeout = std::chrono::seconds(http.timeout_seconds);
    smtp.ca_bundle = http.ca_bundle;
    m_mail_sender = std::make_unique<notify::CurlMailSender>(std::move(smtp));
  }
  return m_mail_sender.get();
}

Result<const date::time_zone*> Context::zone() {
  auto config = this->config();
  if (!config) return std::unexpected(config.error());
  return core::find_zone((*config)->team.timezone);
}

std::size_t Context::dry_run_writes() const { return m_dry_run ? m_dry_run->writes_printed() : 0; }

void Context::report(const Error& error) {
  std::string text = "faultline: " + error.message + "\n";
  for (const auto& detail : error.details) text += "  " + detail + "\n";
  if (!error.hint.empty()) text += "  hint: " + error.hint + "\n";
  m_streams.err << m_redactor.mask(text);
  m_streams.err.flush();
}

void Context::warn(std::string_view text) {
  if (options.quiet) return;
  m_streams.err << m_redactor.mask(fmt::format("faultline: warning: {}\n", text));
}

}  // namespace faultline::cli
