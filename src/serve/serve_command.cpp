// `faultline serve --listen HOST:PORT`: the alert receiver, run by the faultline-serve
// executable (the only one that links the HTTP server; `faultline serve` execs it). Alertmanager (v4) posts to
// /alertmanager, Grafana to /grafana; each delivery is authenticated, written to the spool and
// only then acknowledged (app/alert_receiver.hpp), and one worker replays the spool as
// `faultline sync` does — backing off while Jira is unavailable. GET /healthz and GET /metrics
// (Prometheus) serve the probes and the scraper; every event is a JSON line on stderr.
// SIGTERM or SIGINT stops taking deliveries, lets the entry being replayed finish, and leaves
// the rest in the spool for the next start.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "faultline/app/alert_receiver.hpp"
#include "faultline/app/spool_replay.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/core/timestamp.hpp"

namespace faultline::cli {

namespace {

// One JSON object per line on stderr, whole lines even from many threads.
class EventLog {
public:
  explicit EventLog(std::ostream& out) : m_out(out) {}
  void write(const std::string& level, const std::string& event, nlohmann::json fields = nlohmann::json::object()) {
    fields["time"] = core::format_utc(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
    fields["level"] = level;
    fields["event"] = event;
    const auto line = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(m_mutex);
    m_out << line << '\n' << std::flush;
  }

private:
  std::ostream& m_out;
  std::mutex m_mutex;
};

// Replays the spool on its own thread: woken by each new delivery, every 30 s anyway (entries
// other commands spooled), and backing off from 1 s to 60 s while Jira is unavailable.
class ReplayWorker {
public:
  ReplayWorker(Context& ctx, app::Spool& spool, app::ReceiverMetrics& metrics, EventLog& log)
      : m_ctx(ctx), m_spool(spool), m_metrics(metrics), m_log(log) {}

  void wake() {
    {
      std::lock_guard lock(m_mutex);
      m_woken = true;
    }
    m_changed.notify_one();
  }
  void stop() {
    m_stopping = true;
    m_changed.notify_one();
  }

  void run() {
    std::chrono::milliseconds backoff{1000};
    while (!m_stopping) {
      const auto pause = replay_once(backoff);
      std::unique_lock lock(m_mutex);
      m_changed.wait_for(lock, pause, [this] { return m_stopping.load() || (m_woken && m_jira_up); });
      m_woken = false;
    }
  }

private:
  // One pass over the spool; returns how long to wait before the next.
  std::chrono::milliseconds replay_once(std::chrono::milliseconds& backoff) {
    app::SyncOptions options;
    options.wait_for_lock = false;
    options.stop = [this] { return m_stopping.load(); };
    auto report = app::sync_spool(m_ctx, m_spool, options);
    if (!report) {
      m_log.write("error", "spool_unreadable", {{"error", m_ctx.redactor().mask(report.error().message)}});
      return std::chrono::seconds(5);
    }
    for (const auto& synced : report->entries) {
      if (synced.status == app::SyncStatus::Done)
        m_log.write("info", "processed", {{"id", synced.entry.id}, {"kind", synced.entry.kind}, {"key", synced.key}});
      else if (synced.status == app::SyncStatus::Failed && synced.entry.attempts > 0 && synced.detail == synced.entry.last_error &&
               synced.entry.permanent && m_reported_failed.insert(synced.entry.id).second)
        m_log.write("error", "failed", {{"id", synced.entry.id}, {"error", m_ctx.redactor().mask(synced.detail)}});
    }
    m_metrics.processed += report->count(app::SyncStatus::Done);
    m_metrics.queue_depth = static_cast<std::int64_t>(report->count(app::SyncStatus::Waiting));
    m_metrics.failed_entries = static_cast<std::int64_t>(report->count(app::SyncStatus::Failed));
    if (report->busy) return std::chrono::seconds(1);
    if (report->stopped) {
      m_metrics.retries += 1;
      if (m_jira_up) m_log.write("warning", "jira_unavailable", {{"waiting", report->count(app::SyncStatus::Waiting)}});
      m_jira_up = false;
      m_metrics.jira_up = false;
      const auto pause = backoff;
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(60));
      return pause;
    }
    if (!m_jira_up) m_log.write("info", "jira_available", {});
    m_jira_up = true;
    m_metrics.jira_up = true;
    backoff = std::chrono::milliseconds(1000);
    return std::chrono::seconds(30);
  }

  Context& m_ctx;
  app::Spool& m_spool;
  app::ReceiverMetrics& m_metrics;
  EventLog& m_log;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_woken = false;
  std::atomic<bool> m_stopping{false};
  bool m_jira_up = true;  // the worker thread's own view (the metric is for scrapers)
  std::set<std::string> m_reported_failed;
};

struct ListenAddress {
  std::string host;
  int port = 0;
};

Result<ListenAddress> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  ListenAddress address;
  if (colon != std::string::npos) {
    address.host = text.substr(0, colon);
    const auto digits = std::string_view(text).substr(colon + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), address.port);
    if (error == std::errc() && end == digits.data() + digits.size() && address.port >= 0 && address.port <= 65535 &&
        !address.host.empty()) {
      if (address.host.front() == '[' && address.host.back() == ']') address.host = address.host.substr(1, address.host.size() - 2);
      return address;
    }
  }
  return fail(ErrorKind::Usage, fmt::format("--listen '{}': expected HOST:PORT (127.0.0.1:9095, 0.0.0.0:9095, [::1]:9095; "
                                            "port 0 picks a free one)",
                                            text));
}

// Waits for SIGTERM or SIGINT (blocked in every thread) until `done`; returns the signal, 0 when done.
int wait_for_signal(const sigset_t& signals, const std::atomic<bool>& done) {
  const timespec tick{0, 200'000'000};
  while (!done) {
    const int signal = sigtimedwait(&signals, nullptr, &tick);
    if (signal > 0) return signal;
  }
  return 0;
}

void answer_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", "application/json");
}

}  // namespace

Result<ExitCode> run_serve(const std::string& listen, Context& ctx) {
  FAULTLINE_TRY(config, ctx.config());
  const auto& settings = (*config)->serve;
  FAULTLINE_TRY(address, parse_listen(listen.empty() ? settings.listen : listen));
  if (settings.token.empty() && settings.hmac_secret.empty())
    return fail(ErrorKind::Config, "[serve] has neither token nor hmac_secret: anyone who can reach the port could open faults",
                "set [serve] token_env (Alertmanager's and Grafana's bearer credentials) or hmac_secret_env (Grafana's HMAC "
                "signature) and give the same secret to the sender");
  app::Spool* spool = ctx.spool();
  if (spool == nullptr)
    return fail(ErrorKind::Config, "there is no spool directory: neither [spool] dir, $XDG_STATE_HOME nor $HOME is set",
                "set [spool] dir (on a persistent volume) in the config or FAULTLINE_SPOOL_DIR");

  EventLog log(ctx.err());
  app::AlertReceiver receiver(*spool, settings, app::spool_site((*config)->jira.url, (*config)->jira.project),
                              [] { return std::chrono::system_clock::now(); });
  auto& metrics = receiver.metrics();
  ctx.log_sink = [&log](std::string_view level, std::string_view text) {
    log.write(std::string(level), "diagnostic", {{"message", std::string(text)}});
  };
  ctx.request_timer = [&metrics](std::chrono::microseconds took, bool failed) {
    metrics.jira_requests += 1;
    metrics.jira_request_micros += static_cast<std::uint64_t>(took.count());
    if (failed) metrics.jira_errors += 1;
  };
  ReplayWorker worker(ctx, *spool, metrics, log);

  // Signals go to the waiting thread only: blocked here, before any thread is started.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server server;
  server.set_payload_max_length(receiver.max_body_bytes());
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_keep_alive_timeout(5);
  auto deliver = [&](app::AlertSource source) {
    return [&, source](const httplib::Request& req, httplib::Response& res) {
      const auto answer = receiver.receive(
          source, [&req](std::string_view name) { return req.get_header_value(std::string(name)); }, req.body);
      auto body = answer.body;
      nlohmann::json fields = {{"source", app::to_string(source)}, {"status", answer.status}, {"bytes", req.body.size()},
                               {"remote", req.remote_addr}};
      if (!answer.entry_id.empty()) fields["id"] = answer.entry_id;
      if (body.contains("reason_logged")) {
        fields["reason"] = body["reason_logged"];
        body.erase("reason_logged");
      } else if (body.contains("error")) {
        fields["reason"] = body["error"];
      }
      log.write(answer.status < 300 ? "info" : "warning", "delivery", fields);
      answer_json(res, answer.status, body);
      if (answer.status < 300) worker.wake();
    };
  };
  server.Post("/alertmanager", deliver(app::AlertSource::Alertmanager));
  server.Post("/grafana", deliver(app::AlertSource::Grafana));
  server.Put("/grafana", deliver(app::AlertSource::Grafana));  // Grafana's HTTP Method may be PUT
  server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    const bool writable = ::access(spool->dir().c_str(), W_OK) == 0;
    answer_json(res, writable ? 200 : 503,
                {{"status", writable ? "ok" : "spool not writable"},
                 {"spool_entries", metrics.queue_depth.load()},
                 {"jira_up", metrics.jira_up.load()}});
  });
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.prometheus_text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.set_error_handler([&](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413) {
      metrics.too_large += 1;
      log.write("warning", "delivery", {{"status", 413}, {"path", req.path}, {"reason", "body too large"}});
      answer_json(res, 413, {{"status", "refused"}, {"error", fmt::format("the body is larger than {} KiB", settings.max_body_kib)}});
      return;
    }
    answer_json(res, res.status, {{"status", "refused"}, {"error", fmt::format("HTTP {}", res.status)}});
  });

  int port = address->port;
  if (port == 0) port = server.bind_to_any_port(address->host);
  else if (!server.bind_to_port(address->host, port)) port = -1;
  if (port <= 0) {
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    return fail(ErrorKind::Failed, fmt::format("cannot listen on {}:{} (in use, or not an address of this host?)",
                                               address->host, address->port),
                "choose another --listen address or port");
  }
  (void)spool->lock(false);  // creates the directory now, so /healthz is right from the start
  log.write("info", "listening", {{"address", fmt::format("{}:{}", address->host, port)}, {"spool", spool->dir().string()}});

  std::atomic<bool> done{false};
  std::thread replaying([&worker] { worker.run(); });
  std::thread serving([&] {
    server.listen_after_bind();
    done = true;
  });
  const int signal = wait_for_signal(signals, done);
  log.write("info", "stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "none"}});
  server.stop();  // no new deliveries; the ones being written finish first
  serving.join();
  worker.stop();  // the entry being replayed finishes; the rest stay in the spool
  replaying.join();
  log.write("info", "stopped", {{"spool_entries", metrics.queue_depth.load()}});
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  // What a replay reported as failed or spooled was logged and stays in the spool: a clean
  // stop is exit 0, whatever the worker met on the way.
  ctx.failed_late = false;
  ctx.spooled_entries.clear();
  return ExitCode::Ok;
}

}  // namespace faultline::cli
