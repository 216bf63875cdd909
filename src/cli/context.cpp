#include "faultline/cli/context.hpp"

#include "faultline/app/spool.hpp"

#include <ostream>

#include <fmt/format.h>

#include "faultline/app/connections.hpp"
#include "faultline/app/field_cache.hpp"
#include "faultline/config/load.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/core/time.hpp"
#include "faultline/http/counting.hpp"
#include "faultline/http/dry_run.hpp"
#include "faultline/http/logging.hpp"
#include "faultline/http/retry.hpp"
#include "faultline/http/timing.hpp"
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
      m_sleeper(std::move(sleeper)) {
  m_diagnostics.on_warning = [this](std::string_view text) { warn(text); };
  m_diagnostics.on_error = [this](std::string_view text) {
    if (log_sink) {
      log_sink("error", m_redactor.mask(std::string(text)));
      return;
    }
    clear_progress();
    m_streams.err << m_redactor.mask(fmt::format("faultline: {}\n", text));
  };
  m_diagnostics.on_failure = [this](std::string_view text) {
    failed_late = true;
    m_diagnostics.on_error(text);
  };
  m_diagnostics.on_progress = [this](std::string_view what, std::size_t done, std::optional<std::size_t> total) {
    show_progress(what, done, total);
  };
  m_diagnostics.on_progress_finished = [this] { clear_progress(); };
  m_diagnostics.on_spooled = [this](std::string_view id, std::string_view text) {
    spooled_entries.emplace_back(id);
    warn(text);
  };
}

bool Context::jira_answers(std::chrono::milliseconds timeout) {
  auto config = loaded_config();
  if (!config || (*config)->jira.url.empty()) return false;
  auto network = m_transport_factory((*config)->http, timeout);
  http::Request request;
  request.url = (*config)->jira.url + "/rest/api/2/serverInfo";
  request.timeout = timeout;
  auto answer = network->send(request);
  return answer && answer->status != 429 && answer->status < 500;
}

app::Spool* Context::spool() {
  if (m_spool) return m_spool.get();
  auto config = loaded_config();
  if (!config) return nullptr;
  const auto dir = app::spool_dir((*config)->spool.dir, m_env.get("XDG_STATE_HOME"), m_env.get("HOME"));
  if (dir.empty()) return nullptr;
  m_spool = std::make_unique<app::Spool>(dir);
  return m_spool.get();
}

Context::~Context() = default;

bool Context::color() const {
  if (options.no_color || !m_streams.out_tty) return false;
  return !m_env.get("NO_COLOR").has_value();
}

Result<const config::Config*> Context::loaded_config() {
  if (m_config) return &*m_config;
  config::LoadOptions load;
  load.config_path = options.config_path;
  load.profile = options.profile;
  load.flag_overrides = config_overrides;
  FAULTLINE_TRY(loaded, config::load_config(load, m_env, m_runner));
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

Result<const config::Config*> Context::config() {
  auto config = loaded_config();
  if (!config) return config;
  if ((*config)->file.empty() && (*config)->jira.url.empty()) {
    return fail(ErrorKind::Config, "no configuration found",
                "run `faultline init` to write one, or pass --config FILE (or set FAULTLINE_CONFIG)");
  }
  return config;
}

Result<http::Transport*> Context::transport() {
  if (m_transport) return m_transport.get();
  FAULTLINE_TRY(config, loaded_config());
  const auto& http_settings = (*config)->http;
  const auto timeout = std::chrono::seconds(options.timeout_seconds > 0 ? options.timeout_seconds
                                                                        : http_settings.timeout_seconds);
  auto network = m_transport_factory(http_settings, timeout);
  if (request_timer) network = std::make_unique<http::TimingTransport>(std::move(network), request_timer);
  std::unique_ptr<http::Transport> transport =
      std::make_unique<http::RoundTripCountingTransport>(std::move(network), http_settings.concurrency);

  // Innermost first: dry run replaces the network for writes, the log sees every attempt,
  // retries wrap them all.
  if (options.dry_run) {
    auto dry_run = std::make_unique<http::DryRunTransport>(std::move(transport), m_streams.out, m_redactor);
    m_dry_run = dry_run.get();
    transport = std::move(dry_run);
  }
  // The retry lines go through the log's lock: requests may be sent from two threads at once.
  http::RetryObserver observer;
  if (options.verbose) {
    auto logging = std::make_unique<http::LoggingTransport>(std::move(transport), m_streams.err, m_redactor);
    observer = logging->retry_observer();
    transport = std::move(logging);
  }
  http::RetryPolicy policy;
  policy.max_attempts = http_settings.max_retries + 1;
  const auto& clock = m_clock;
  transport = std::make_unique<http::RetryingTransport>(
      std::move(transport), policy, m_sleeper,
      [&clock] { return std::chrono::system_clock::time_point(clock.now().time_since_epoch()); },
      static_cast<std::uint64_t>(clock.now().time_since_epoch().count()), observer);
  // Outermost: Jira's field map comes from the per-site cache while fresh (app/field_cache.hpp).
  const auto xdg_cache = m_env.get("XDG_CACHE_HOME");
  if (const auto dir = app::field_cache_dir(xdg_cache, m_env.get("HOME")); !dir.empty()) {
    const auto loopback = xdg_cache && !xdg_cache->empty() ? app::LoopbackSites::Cache : app::LoopbackSites::Skip;
    transport = std::make_unique<app::FieldCachingTransport>(
        std::move(transport), app::FieldCache(dir, app::k_field_cache_ttl, m_clock, loopback));
  }
  m_transport = std::move(transport);
  return m_transport.get();
}

Result<jira::Client*> Context::jira() {
  if (m_jira) return m_jira.get();
  FAULTLINE_TRY(config, this->config());
  FAULTLINE_TRY(transport, this->transport());
  FAULTLINE_TRY(client, app::connect_jira(**config, **transport));
  m_jira = std::move(*client);
  return m_jira.get();
}

Result<confluence::Client*> Context::confluence() {
  if (m_confluence) return m_confluence.get();
  FAULTLINE_TRY(config, this->config());
  FAULTLINE_TRY(transport, this->transport());
  FAULTLINE_TRY(client, app::connect_confluence(**config, **transport));
  m_confluence = std::move(*client);
  return m_confluence.get();
}

Result<notify::MailSender*> Context::mail_sender() {
  if (m_mail_sender) return m_mail_sender.get();
  FAULTLINE_TRY(loaded, loaded_config());
  if (options.dry_run) {
    m_mail_sender = std::make_unique<notify::DryRunMailSender>(err(), m_redactor);
  } else {
    const auto& http = (*loaded)->http;
    http::SmtpOptions smtp;
    smtp.connect_timeout = std::chrono::seconds(http.connect_timeout_seconds);
    smtp.total_timeout = std::chrono::seconds(http.timeout_seconds);
    smtp.ca_bundle = http.ca_bundle;
    // A relay on this machine (smtp://127.0.0.1) may speak plain SMTP: nothing leaves the host.
    smtp.plain = http::PlainSmtp::LoopbackOnly;
    m_mail_sender = std::make_unique<notify::CurlMailSender>(std::move(smtp));
  }
  return m_mail_sender.get();
}

Result<const date::time_zone*> Context::zone() {
  FAULTLINE_TRY(config, loaded_config());
  return core::find_zone((*config)->team.timezone);
}

void Context::sleep(std::chrono::milliseconds pause) {
  if (m_sleeper) m_sleeper(pause);
}

std::size_t Context::dry_run_writes() const { return m_dry_run ? m_dry_run->writes_printed() : 0; }

void Context::report(const Error& error) {
  clear_progress();
  std::string text = "faultline: " + error.message + "\n";
  for (const auto& detail : unsaid_details(error)) text += "  " + detail + "\n";
  if (!error.hint.empty()) text += "  hint: " + error.hint + "\n";
  m_streams.err << m_redactor.mask(text);
  m_streams.err.flush();
}

void Context::warn(std::string_view text) {
  if (log_sink) {
    log_sink("warning", m_redactor.mask(std::string(text)));
    return;
  }
  if (options.quiet) return;
  clear_progress();
  m_streams.err << m_redactor.mask(fmt::format("faultline: warning: {}\n", text));
}

// A one-line display on stderr, "fetching actions: 150/1200", on a terminal only and never
// with --quiet.
void Context::show_progress(std::string_view what, std::size_t done, std::optional<std::size_t> total) {
  if (!m_streams.err_tty || options.quiet) return;
  if (total) {
    m_streams.err << fmt::format("\r\x1b[Kfetching {}: {}/{}", what, done, *total);
  } else {
    m_streams.err << fmt::format("\r\x1b[Kfetching {}: {}", what, done);
  }
  m_streams.err.flush();
  m_progress_shown = true;
}

void Context::clear_progress() {
  if (!m_progress_shown) return;
  m_streams.err << "\r\x1b[K";
  m_streams.err.flush();
  m_progress_shown = false;
}

}  // namespace faultline::cli
