// The alert receiver behind `faultline serve`: what happens to one webhook delivery, apart
// from HTTP itself. A delivery is authenticated (a bearer token and/or an HMAC-SHA256
// signature of the body, compared in constant time), checked to be an Alertmanager (v4) or
// Grafana payload, and written to the spool (app/spool.hpp) before it is acknowledged: a 2xx
// means the delivery is on disk. A worker then replays the spool as `faultline sync` does,
// which opens, comments or resolves exactly as `open --from-alert`.
//
// receive() and the metrics are safe to call from many HTTP threads at once; the worker uses
// the Services (not thread-safe) alone.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "faultline/app/spool.hpp"
#include "faultline/config/config.hpp"

namespace faultline::app {

// Where a delivery came from: the path it was posted to.
enum class AlertSource { Alertmanager, Grafana };
const char* to_string(AlertSource source);

// Whether `a` equals `b`, in a time that depends only on their lengths.
bool constant_time_equals(std::string_view a, std::string_view b);

// The answer to a delivery.
struct DeliveryAnswer {
  int status = 500;         // 202 spooled, 200 a duplicate of a waiting one, 400, 401, 413, 503
  nlohmann::json body;      // {"status": "spooled"|"duplicate"|"refused", "id", "error"}
  std::string entry_id;     // the spool entry ("" when refused)
};

// Counters for GET /metrics (Prometheus text format).
struct ReceiverMetrics {
  std::atomic<std::uint64_t> received_alertmanager{0};
  std::atomic<std::uint64_t> received_grafana{0};
  std::atomic<std::uint64_t> spooled{0};         // written to the spool and acknowledged
  std::atomic<std::uint64_t> duplicates{0};      // acknowledged as a repeat of a waiting delivery
  std::atomic<std::uint64_t> unauthorized{0};    // 401
  std::atomic<std::uint64_t> too_large{0};       // 413
  std::atomic<std::uint64_t> bad_payload{0};     // 400
  std::atomic<std::uint64_t> spool_errors{0};    // 503: the spool could not be written
  std::atomic<std::uint64_t> processed{0};       // replayed: the fault opened, commented or resolved
  std::atomic<std::uint64_t> retries{0};         // replays that found Jira unavailable
  std::atomic<std::uint64_t> jira_requests{0};
  std::atomic<std::uint64_t> jira_request_micros{0};  // their total duration
  std::atomic<std::uint64_t> jira_errors{0};          // 429, 5xx, no answer
  std::atomic<std::int64_t> queue_depth{0};           // spool entries waiting (set by the worker)
  std::atomic<std::int64_t> failed_entries{0};        // entries Jira refused for good (kept; sync --status)
  std::atomic<bool> jira_up{true};

  // The Prometheus exposition text (version 0.0.4).
  std::string prometheus_text() const;
};

class AlertReceiver {
public:
  // `site` is the spool_site of the config the worker replays with; `now` gives UTC times.
  AlertReceiver(Spool& spool, config::ServeSettings settings, std::string site,
                std::function<std::chrono::system_clock::time_point()> now);

  // Handles one delivery. `header` looks a request header up by name (case-insensitive; ""
  // when absent). Never throws.
  DeliveryAnswer receive(AlertSource source, const std::function<std::string(std::string_view)>& header,
                         const std::string& body);

  // The largest body accepted (larger ones get 413 before they are read whole).
  std::size_t max_body_bytes() const;
  ReceiverMetrics& metrics() { return m_metrics; }
  const ReceiverMetrics& metrics() const { return m_metrics; }

private:
  // Empty when the delivery proves where it came from; else why not (for the log, not the answer).
  std::string refusal(const std::function<std::string(std::string_view)>& header, const std::string& body) const;

  Spool& m_spool;
  config::ServeSettings m_settings;
  std::string m_site;
  std::function<std::chrono::system_clock::time_point()> m_now;
  ReceiverMetrics m_metrics;
  // A delivery spooled and maybe not replayed yet: its entry's id and file ("" while it is
  // being written: a repeat arriving then waits for that write and is answered after it).
  struct Waiting {
    std::string id;
    std::string file;
  };
  std::mutex m_mutex;  // guards m_waiting; not held while writing, so distinct deliveries write in parallel
  std::condition_variable m_written;
  std::unordered_map<std::string, Waiting> m_waiting;  // op -> the entry spooled for it
  std::size_t m_prune_at = 4096;  // m_waiting's size that makes the next delivery forget replayed ones
};

}  // namespace faultline::app
