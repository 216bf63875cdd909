// One webhook delivery to `faultline serve`: authentication, the payload check, the durable
// spool write before the acknowledgement, and the metrics.
#include "faultline/app/alert_receiver.hpp"

#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "faultline/app/open_alerts.hpp"
#include "faultline/app/spool_replay.hpp"
#include "faultline/core/alerts.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/notify/signing.hpp"

namespace faultline::app {

namespace {

constexpr std::int64_t k_timestamp_window_seconds = 300;  // a signed timestamp older than this is a replay
constexpr std::size_t k_waiting_pruned_at = 4096;          // remembered deliveries before a prune

DeliveryAnswer refused(int status, std::string error) {
  return DeliveryAnswer{status, {{"status", "refused"}, {"error", std::move(error)}}, {}};
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
  return text.substr(start);
}

}  // namespace

const char* to_string(AlertSource source) {
  return source == AlertSource::Alertmanager ? "alertmanager" : "grafana";
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  // Every byte of the longer is looked at, whatever differs first.
  const std::size_t length = std::max(a.size(), b.size());
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < length; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    difference |= static_cast<unsigned char>(x ^ y);
  }
  return difference == 0;
}

std::string ReceiverMetrics::prometheus_text() const {
  std::string out;
  auto counter = [&out](const char* name, const char* help, std::uint64_t value, const char* labels = "") {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0}{2} {3}\n", name, help, labels, value);
  };
  out += "# HELP faultline_deliveries_received_total Webhook deliveries received, by source.\n"
         "# TYPE faultline_deliveries_received_total counter\n";
  out += fmt::format("faultline_deliveries_received_total{{source=\"alertmanager\"}} {}\n", received_alertmanager.load());
  out += fmt::format("faultline_deliveries_received_total{{source=\"grafana\"}} {}\n", received_grafana.load());
  counter("faultline_deliveries_spooled_total", "Deliveries written to the spool and acknowledged.", spooled.load());
  counter("faultline_deliveries_duplicate_total", "Deliveries acknowledged as repeats of one still waiting.",
          duplicates.load());
  out += "# HELP faultline_deliveries_refused_total Deliveries refused, by reason.\n"
         "# TYPE faultline_deliveries_refused_total counter\n";
  out += fmt::format("faultline_deliveries_refused_total{{reason=\"unauthorized\"}} {}\n", unauthorized.load());
  out += fmt::format("faultline_deliveries_refused_total{{reason=\"too_large\"}} {}\n", too_large.load());
  out += fmt::format("faultline_deliveries_refused_total{{reason=\"bad_payload\"}} {}\n", bad_payload.load());
  out += fmt::format("faultline_deliveries_refused_total{{reason=\"spool_error\"}} {}\n", spool_errors.load());
  counter("faultline_deliveries_processed_total", "Spooled work done in Jira (opened, commented or resolved).",
          processed.load());
  counter("faultline_replays_unavailable_total", "Replays that found Jira unavailable and will be retried.",
          retries.load());
  out += fmt::format("# HELP faultline_spool_entries Spool entries waiting to be replayed.\n"
                     "# TYPE faultline_spool_entries gauge\nfaultline_spool_entries {}\n",
                     queue_depth.load());
  out += fmt::format("# HELP faultline_spool_failed_entries Spool entries Jira refused for good (faultline sync "
                     "--status lists them).\n# TYPE faultline_spool_failed_entries gauge\nfaultline_spool_failed_entries {}\n",
                     failed_entries.load());
  out += fmt::format("# HELP faultline_jira_up Whether the last replay reached Jira.\n"
                     "# TYPE faultline_jira_up gauge\nfaultline_jira_up {}\n",
                     jira_up.load() ? 1 : 0);
  const auto requests = jira_requests.load();
  out += fmt::format("# HELP faultline_jira_request_duration_seconds Requests to Jira, Confluence and chat, and their "
                     "total time.\n# TYPE faultline_jira_request_duration_seconds summary\n"
                     "faultline_jira_request_duration_seconds_sum {:.6f}\n"
                     "faultline_jira_request_duration_seconds_count {}\n",
                     static_cast<double>(jira_request_micros.load()) / 1e6, requests);
  counter("faultline_jira_request_errors_total", "Requests answered 429 or 5xx, or not answered.", jira_errors.load());
  return out;
}

AlertReceiver::AlertReceiver(Spool& spool, config::ServeSettings settings, std::string site,
                             std::function<std::chrono::system_clock::time_point()> now)
    : m_spool(spool), m_settings(std::move(settings)), m_site(std::move(site)), m_now(std::move(now)) {}

std::size_t AlertReceiver::max_body_bytes() const { return static_cast<std::size_t>(m_settings.max_body_kib) * 1024U; }

std::string AlertReceiver::refusal(const std::function<std::string(std::string_view)>& header,
                                   const std::string& body) const {
  if (!m_settings.token.empty()) {
    const auto authorization = trimmed(header("Authorization"));
    constexpr std::string_view k_bearer = "Bearer ";
    if (authorization.size() < k_bearer.size() ||
        !std::equal(k_bearer.begin(), k_bearer.end(), authorization.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); }))
      return "no bearer token";
    if (!constant_time_equals(trimmed(authorization.substr(k_bearer.size())), m_settings.token)) return "wrong bearer token";
  }
  if (!m_settings.hmac_secret.empty()) {
    auto signature = trimmed(header(m_settings.signature_header));
    if (signature.starts_with("sha256=")) signature.erase(0, 7);
    for (auto& c : signature) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (signature.empty()) return "no signature in " + m_settings.signature_header;
    std::string message = body;
    if (!m_settings.timestamp_header.empty()) {
      const auto stamp = trimmed(header(m_settings.timestamp_header));
      std::int64_t seconds = 0;
      const auto [end, error] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), seconds);
      if (stamp.empty() || error != std::errc() || end != stamp.data() + stamp.size())
        return "no Unix timestamp in " + m_settings.timestamp_header;
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(m_now().time_since_epoch()).count();
      if (std::abs(now - seconds) > k_timestamp_window_seconds) return "the signed timestamp is more than 5 minutes off";
      message = stamp + ":" + body;
    }
    const auto expected = notify::hex_encode(notify::hmac_sha256(m_settings.hmac_secret, message));
    if (!constant_time_equals(signature, expected)) return "wrong signature";
  }
  return {};
}

DeliveryAnswer AlertReceiver::receive(AlertSource source, const std::function<std::string(std::string_view)>& header,
                                      const std::string& body) {
  (source == AlertSource::Alertmanager ? m_metrics.received_alertmanager : m_metrics.received_grafana) += 1;
  if (body.size() > max_body_bytes()) {
    m_metrics.too_large += 1;
    return refused(413, fmt::format("the body is larger than {} KiB ([serve] max_body_kib)", m_settings.max_body_kib));
  }
  if (const auto why = refusal(header, body); !why.empty()) {
    m_metrics.unauthorized += 1;
    // The answer does not say which check failed.
    auto answer = refused(401, "unauthorized");
    answer.body["reason_logged"] = why;
    return answer;
  }
  if (auto parsed = core::parse_alert_payload_text(body); !parsed) {
    m_metrics.bad_payload += 1;
    return refused(400, fmt::format("not an {} webhook payload: {}", to_string(source), parsed.error().message));
  }
  AlertOpenRequest request;
  request.payload = body;
  request.source_name = to_string(source);
  SpoolEntry entry;
  entry.kind = "alert";
  entry.site = m_site;
  entry.request = alert_request_json(request);
  entry.op = alert_op(entry.request);
  std::unique_lock lock(m_mutex);
  // A repeat of a delivery still waiting (Alertmanager retrying after a timeout) is the same work.
  for (;;) {
    auto waiting = m_waiting.find(entry.op);
    if (waiting == m_waiting.end()) break;
    if (waiting->second.file.empty()) {  // being written by another thread
      m_written.wait(lock);
      continue;
    }
    std::error_code error;
    if (std::filesystem::exists(m_spool.dir() / waiting->second.file, error)) {
      m_metrics.duplicates += 1;
      return DeliveryAnswer{200, {{"status", "duplicate"}, {"id", waiting->second.id}}, waiting->second.id};
    }
    m_waiting.erase(waiting);  // replayed since: this one is new work
  }
  if (m_waiting.size() >= m_prune_at) {
    // Forget the deliveries replayed since (their files are gone): memory stays bounded by
    // the backlog, and a long backlog is not looked through on every delivery.
    std::erase_if(m_waiting, [this](const auto& item) {
      std::error_code error;
      return !item.second.file.empty() && !std::filesystem::exists(m_spool.dir() / item.second.file, error);
    });
    m_prune_at = std::max(k_waiting_pruned_at, 2 * m_waiting.size());
  }
  const std::string op = entry.op;
  m_waiting[op] = Waiting{};  // claimed: a repeat now waits for this write
  lock.unlock();
  auto added = m_spool.add(std::move(entry), core::format_utc(std::chrono::time_point_cast<std::chrono::milliseconds>(m_now())));
  lock.lock();
  if (!added) {
    m_waiting.erase(op);
    m_written.notify_all();
    m_metrics.spool_errors += 1;
    return refused(503, "the delivery could not be stored; send it again");
  }
  m_waiting[op] = Waiting{added->id, added->file};
  m_written.notify_all();
  m_metrics.spooled += 1;
  m_metrics.queue_depth += 1;
  return DeliveryAnswer{202, {{"status", "spooled"}, {"id", added->id}}, added->id};
}

}  // namespace faultline::app
