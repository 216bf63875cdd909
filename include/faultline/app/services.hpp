// What a use-case needs from the outside world, behind one narrow interface: the configuration,
// the clock and the team's time zone, the Jira and Confluence clients, the transport every
// request goes through, the mail sender, sleeping, and a diagnostics sink for warnings and
// progress. The command line implements it with streams and global options (cli::Context);
// tests implement it with fakes; a receiver or a scheduled job can implement it too. Use-cases
// never see CLI11, streams or the process environment.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

#include "faultline/util/error.hpp"

namespace date {
class time_zone;
}
namespace faultline::config {
struct Config;
}
namespace faultline::core {
class Clock;
}
namespace faultline::http {
class Transport;
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

namespace faultline::app {

class Spool;

// Where a use-case reports what is not its result: warnings (something did not work but the
// use-case went on), errors it recovered from (a chat channel that refused; the caller decides
// the exit code from the result), failures that make the run fail although the use-case
// finished (a delivered message that could not be recorded: exit 1, so a scheduler retries and
// a person looks), and progress of long reads. Every callback may be empty.
struct Diagnostics {
  std::function<void(std::string_view text)> on_warning;
  std::function<void(std::string_view text)> on_error;
  std::function<void(std::string_view text)> on_failure;
  // `what` ("actions"), how many of `total` (nullopt = unknown) are done; `finished` clears it.
  std::function<void(std::string_view what, std::size_t done, std::optional<std::size_t> total)> on_progress;
  std::function<void()> on_progress_finished;
  // Work was put in the spool (app/spool.hpp) instead of done: `id` names the entry. A command
  // that finished otherwise exits 6 (spooled).
  std::function<void(std::string_view id, std::string_view text)> on_spooled;

  void warn(std::string_view text) const {
    if (on_warning) on_warning(text);
  }
  void error(std::string_view text) const {
    if (on_error) on_error(text);
  }
  void fail(std::string_view text) const {
    if (on_failure) on_failure(text);
  }
  void progress(std::string_view what, std::size_t done, std::optional<std::size_t> total) const {
    if (on_progress) on_progress(what, done, total);
  }
  void spooled(std::string_view id, std::string_view text) const {
    if (on_spooled) on_spooled(id, text);
  }
  void progress_finished() const {
    if (on_progress_finished) on_progress_finished();
  }
};

class Services {
public:
  virtual ~Services() = default;

  // The configuration, loaded once. Error: Config when there is none or it is invalid.
  virtual Result<const config::Config*> config() = 0;
  // The team's time zone (config team.timezone). Error: as config(), or Config for an unknown zone.
  virtual Result<const date::time_zone*> zone() = 0;
  // The Jira client for the configured site, built once. Error: Config when url or credentials
  // are missing; the flavor detection's error otherwise.
  virtual Result<jira::Client*> jira() = 0;
  // The Confluence client, built once. Error: as jira().
  virtual Result<confluence::Client*> confluence() = 0;
  // The transport every client and chat channel sends through (retries, logs and dry run
  // included). Error: as config().
  virtual Result<http::Transport*> transport() = 0;
  // How e-mail channels send. Error: as config().
  virtual Result<notify::MailSender*> mail_sender() = 0;

  virtual const core::Clock& clock() const = 0;
  // Waits `pause` (real in the app, recorded in tests).
  virtual void sleep(std::chrono::milliseconds pause) = 0;
  // True when writes are printed instead of sent (--dry-run): a use-case that needs a write's
  // answer stops there.
  virtual bool dry_run() const = 0;
  virtual const Diagnostics& diagnostics() const = 0;
  // Where work that could not reach Jira, Confluence or chat is kept (app/spool.hpp); nullptr
  // when there is none (no state directory can be told): the failure is then the result.
  virtual Spool* spool() { return nullptr; }
};

}  // namespace faultline::app
