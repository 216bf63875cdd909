// What a command needs from the outside world, handed over in one object (gh's Factory): the
// use-cases' Services (configuration, clock, transport, clients), plus the process's streams,
// whether they are terminals, the environment and the global options. Tests build a Context
// with fakes; main() builds the real one. Nothing below main reads globals or exits.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/util/environment.hpp"
#include "faultline/util/error.hpp"
#include "faultline/util/redact.hpp"

namespace faultline::http {
class DryRunTransport;
class Transport;
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
  bool no_sync = false;     // --no-sync: do not replay the spool before the command
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

// Sleeps for retries and settle waits; the app sleeps for real, tests record.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

class Context final : public app::Services {
public:
  Context(Streams streams, const Environment& env, const CommandRunner& runner, const core::Clock& clock,
          TransportFactory transport_factory, Sleeper sleeper);
  ~Context() override;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  GlobalOptions options;
  // The exit code the command run recorded (see cli/command.hpp finish()).
  int exit_code = 0;
  // A use-case reported a failure through Diagnostics::fail although it finished: a
  // successful command exits 1 (finish() in command.cpp).
  bool failed_late = false;
  // Work a use-case put in the spool although it finished (a chat message a platform refused
  // for a passing reason): the ids; a successful command exits 6.
  std::vector<std::string> spooled_entries;
  // Told of every request on the wire (attempts included), when set before the first
  // request: `faultline serve`'s metrics.
  std::function<void(std::chrono::microseconds took, bool failed)> request_timer;
  // Told of every warning and error instead of stderr, when set: `faultline serve` logs them as
  // JSON lines. `level` is "warning" or "error"; the text is masked.
  std::function<void(std::string_view level, std::string_view text)> log_sink;
  // The command line as given (argv), for `serve`, which execs faultline-serve with it.
  std::vector<std::string> arguments;
  // Dotted config keys set by command flags (init's --jira-url ...), applied over env.
  std::map<std::string, std::string> config_overrides;

  Streams& streams() { return m_streams; }
  std::ostream& out() { return m_streams.out; }
  std::ostream& err() { return m_streams.err; }
  const Environment& env() const { return m_env; }
  Redactor& redactor() { return m_redactor; }

  // True when prompting is allowed: stdin and stderr are terminals.
  bool interactive() const { return m_streams.in_tty && m_streams.err_tty; }
  // True when stdout gets colour: a terminal, no --no-color, no NO_COLOR.
  bool color() const;

  // The configuration as found, loaded once (--config, --profile, env, overrides); a missing
  // file is not an error here (`config show`, `doctor`). Its secrets join the redactor and its
  // warnings go to stderr (unless --quiet). Error: kind Config.
  Result<const config::Config*> loaded_config();

  // --- app::Services ------------------------------------------------------------------
  // loaded_config(), but a missing file is an error telling how to create one.
  Result<const config::Config*> config() override;
  Result<const date::time_zone*> zone() override;
  // The transport every client uses: network (or fake) -> dry run -> verbose log -> retries.
  Result<http::Transport*> transport() override;
  Result<jira::Client*> jira() override;
  Result<confluence::Client*> confluence() override;
  // Printed under --dry-run, else SMTP with the config's http timeouts and CA bundle.
  Result<notify::MailSender*> mail_sender() override;
  const core::Clock& clock() const override { return m_clock; }
  void sleep(std::chrono::milliseconds pause) override;
  bool dry_run() const override { return options.dry_run; }
  // Warnings on stderr unless --quiet, errors always, progress on a terminal only; all masked.
  const app::Diagnostics& diagnostics() const override { return m_diagnostics; }
  // The spool in [spool] dir, $XDG_STATE_HOME or ~/.local/state (nullptr when none of them is
  // known, or the config cannot be loaded).
  app::Spool* spool() override;

  // Whether Jira answers at all within `timeout`: one GET of serverInfo straight through the
  // network (no retries, no log); any answer but 429 or 5xx counts. For the spool's auto-sync,
  // which must not spend a command's time on a site that is still down.
  bool jira_answers(std::chrono::milliseconds timeout);

  // How many writes --dry-run has printed instead of sending (0 without --dry-run).
  std::size_t dry_run_writes() const;

  // Prints an error to stderr, masked: "faultline: <message>" + details + "hint: ...".
  void report(const Error& error);
  // Prints a warning to stderr unless --quiet.
  void warn(std::string_view text);

private:
  void show_progress(std::string_view what, std::size_t done, std::optional<std::size_t> total);
  void clear_progress();

  Streams m_streams;
  const Environment& m_env;
  const CommandRunner& m_runner;
  const core::Clock& m_clock;
  TransportFactory m_transport_factory;
  Sleeper m_sleeper;
  Redactor m_redactor;
  app::Diagnostics m_diagnostics;
  bool m_progress_shown = false;
  std::optional<config::Config> m_config;
  std::unique_ptr<http::Transport> m_transport;
  const http::DryRunTransport* m_dry_run = nullptr;  // inside m_transport, under --dry-run
  std::unique_ptr<jira::Client> m_jira;
  std::unique_ptr<notify::MailSender> m_mail_sender;
  std::unique_ptr<confluence::Client> m_confluence;
  std::unique_ptr<app::Spool> m_spool;
};

}  // namespace faultline::cli
