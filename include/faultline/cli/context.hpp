// Everything a command needs from the outside world, handed over in one object (gh's
// Factory): streams and whether they are terminals, environment, clock, the configuration,
// the transport and the API clients. Tests build a Context with fakes; main() builds the
// real one. Nothing below main reads globals or exits.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "faultline/config/config.hpp"
#include "faultline/config/load.hpp"
#include "faultline/core/time.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/util/environment.hpp"
#include "faultline/util/error.hpp"
#include "faultline/util/redact.hpp"

namespace faultline::http {
class DryRunTransport;
}
namespace faultline::jira {
class Client;
}
namespace faultline::confluence {
class Client;
}
namespace faultline::notify {
class MailSender;
}

namespace faultline::cli {

// Options every command accepts (DESIGN.md section 4).
struct GlobalOptions {
  std::string config_path;  // --config
  std::string profile;      // --profile
  bool json = false;        // --json: the documented machine contract on stdout
  bool dry_run = false;     // --dry-run: print the writes, send none
  bool verbose = false;     // -v: request log on stderr
  bool quiet = false;       // --quiet: nothing on stderr but errors
  bool no_color = false;    // --no-color (or NO_COLOR)
  int timeout_seconds = 0;  // --timeout: per request; 0 = config's http.timeout_seconds
};

// The process's standard streams and whether each is a terminal.
struct Streams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool in_tty = false;
  bool out_tty = false;
  bool err_tty = false;
};

// Builds the raw network transport (curl in the app, a fake in tests) for these settings.
using TransportFactory =
    std::function<std::unique_ptr<http::Transport>(const config::HttpSettings&, std::chrono::milliseconds timeout)>;

// Sleeps for retries; the app sleeps for real, tests record.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

class Context {
public:
  Context(Streams streams, const Environment& env, const CommandRunner& runner, const core::Clock& clock,
          TransportFactory transport_factory, Sleeper sleeper);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  GlobalOptions options;
  // The exit code the command run recorded (see cli/command.hpp finish()).
  int exit_code = 0;
  // Dotted config keys set by command flags (init's --jira-url ...), applied over env.
  std::map<std::string, std::string> config_overrides;

  Streams& streams() { return m_streams; }
  std::ostream& out() { return m_streams.out; }
  std::ostream& err() { return m_streams.err; }
  const Environment& env() const { return m_env; }
  const CommandRunner& runner() const { return m_runner; }
  const core::Clock& clock() const { return m_clock; }
  Redactor& redactor() { return m_redactor; }
  // Waits `pause` through the context's sleeper (real in the app, recorded in tests).
  void sleep(std::chrono::milliseconds pause) const {
    if (m_sleeper) m_sleeper(pause);
  }

  // True when prompting is allowed: stdin and stderr are terminals.
  bool interactive() const { return m_streams.in_tty && m_streams.err_tty; }
  // True when stdout gets colour: a terminal, no --no-color, no NO_COLOR.
  bool color() const;

  // The configuration, loaded once (--config, --profile, env, overrides). Its secrets join
  // the redactor and its warnings go to stderr (unless --quiet). Error: kind Config.
  Result<const config::Config*> config();
  // Like config() but a missing file is an error telling how to create one.
  Result<const config::Config*> require_config();

  // The transport every client uses: network (or fake) -> retries -> verbose log -> dry run.
  Result<http::Transport*> transport();

  // The Jira client for the configured site, built once (flavor detected when "auto").
  // Error: Config when url/credentials are missing; the detection's error otherwise.
  Result<jira::Client*> jira();
  // The Confluence client, built once.
  Result<confluence::Client*> confluence();

  // How e-mail channels send: printed under --dry-run, else SMTP with the config's http
  // timeouts and CA bundle. Built once. Error: as config().
  Result<notify::MailSender*> mail_sender();

  // The team's time zone (config team.timezone).
  Result<const date::time_zone*> zone();

  // How many writes --dry-run has printed instead of sending (0 without --dry-run).
  std::size_t dry_run_writes() const;

  // Prints an error to stderr, masked: "faultline: <message>" + details + "hint: ...".
  void report(const Error& error);
  // Prints a warning to stderr unless --quiet.
  void warn(std::string_view text);

private:
  Streams m_streams;
  const Environment& m_env;
  const CommandRunner& m_runner;
  const core::Clock& m_clock;
  TransportFactory m_transport_factory;
  Sleeper m_sleeper;
  Redactor m_redactor;
  std::optional<config::Config> m_config;
  std::unique_ptr<http::Transport> m_transport;
  const http::DryRunTransport* m_dry_run = nullptr;  // inside m_transport, under --dry-run
  std::unique_ptr<jira::Client> m_jira;
  std::unique_ptr<notify::MailSender> m_mail_sender;
  std::unique_ptr<confluence::Client> m_confluence;
};

}  // namespace faultline::cli
