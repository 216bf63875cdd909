// The issue lock (protocol in include/faultline/app/issue_lock.hpp).
#include "faultline/app/issue_lock.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "faultline/core/timestamp.hpp"
#include "faultline/util/waves.hpp"

namespace faultline::app {

namespace {

struct Holder {
  std::string by;
  std::optional<core::TimePoint> at;
};

// The lock in the property value; empty `by` when there is none.
Holder holder_of(const nlohmann::json& value) {
  Holder holder;
  if (!value.is_object()) return holder;
  if (const auto by = value.find("by"); by != value.end() && by->is_string()) holder.by = by->get<std::string>();
  if (const auto at = value.find("at"); at != value.end() && at->is_string())
    holder.at = core::parse_timestamp(at->get<std::string>());
  return holder;
}

}  // namespace

IssueLock::IssueLock(jira::Client& client, std::string issue_key, std::string property, IssueLockOptions options)
    : m_client(client), m_issue_key(std::move(issue_key)), m_property(std::move(property)), m_options(std::move(options)) {}

IssueLock::~IssueLock() { release(); }

Result<bool> IssueLock::acquire(const nlohmann::json& first_read, std::chrono::steady_clock::time_point read_at) {
  m_first_read = first_read;
  m_first_read_at = read_at;
  return acquire();
}

std::chrono::milliseconds IssueLock::settle_after(std::chrono::steady_clock::duration read_to_write) const {
  if (!m_options.settle_auto) return m_options.settle;
  const auto measured = std::chrono::duration_cast<std::chrono::milliseconds>(read_to_write);
  return std::min(m_options.settle, std::max(m_options.settle_floor, measured));
}

bool IssueLock::held_by_another(const nlohmann::json& seen) const {
  const Holder holder = holder_of(seen);
  const auto now = m_options.now();
  // A lock without a readable time counts as fresh until the ttl from this run's first look.
  const bool stale = holder.at && *holder.at <= now && now - *holder.at >= m_options.ttl;
  return !holder.by.empty() && holder.by != m_options.run_id && !stale;
}

Result<void> IssueLock::write_own() {
  nlohmann::json mine{{"by", m_options.run_id}, {"at", core::format_utc(m_options.now())}};
  FAULTLINE_TRY(written, m_client.set_property(m_issue_key, m_property, mine));
  m_held = true;  // from here on, release() removes what this run wrote
  return {};
}

Result<bool> IssueLock::write_if_free(const nlohmann::json& first_read, std::chrono::steady_clock::time_point read_at) {
  m_first_read_at = read_at;
  if (held_by_another(first_read)) {
    m_first_read = first_read;  // acquire() starts from this look and waits
    return false;
  }
  FAULTLINE_TRY(written, write_own());
  m_written_early = true;
  return true;
}

Result<bool> IssueLock::acquire() {
  std::chrono::milliseconds waited{0};
  bool lost_once = false;
  const auto pause = std::max(m_options.settle, std::chrono::milliseconds(200));
  const auto clock = [this] { return m_options.elapsed_now ? m_options.elapsed_now() : std::chrono::steady_clock::now(); };
  for (;;) {
    auto read_at = clock();
    if (m_written_early) {  // write_if_free() wrote after the caller's look: settle from there
      m_written_early = false;
      read_at = m_first_read_at;
    } else {
      nlohmann::json seen;
      if (m_first_read) {  // read by the caller, together with its other reads
        seen = std::move(*m_first_read);
        m_first_read.reset();
        read_at = m_first_read_at;
      } else {
        auto value = m_client.property(m_issue_key, m_property);
        if (!value && value.error().kind != ErrorKind::NotFound) return std::unexpected(value.error());
        if (value) seen = std::move(*value);
      }
      if (held_by_another(seen)) {
        if (waited >= m_options.wait_limit) {
          const Holder holder = holder_of(seen);
          return fail(ErrorKind::Failed,
                      fmt::format("another {} of {} is running (run {}{}) and did not finish within {} s", m_options.what,
                                  m_issue_key, holder.by, holder.at ? " since " + core::format_utc(*holder.at) : "",
                                  m_options.wait_limit.count() / 1000),
                      fmt::format("run the same command again when it has finished (a lock left by a run that died "
                                  "expires after {} minutes)",
                                  std::chrono::duration_cast<std::chrono::minutes>(m_options.ttl).count()));
        }
        m_options.sleep(pause);
        waited += pause;
        continue;
      }
      FAULTLINE_TRY(written, write_own());
    }
    if (const auto settle = settle_after(clock() - read_at); settle.count() > 0) m_options.sleep(settle);
    Result<nlohmann::json> back = std::unexpected(Error{});
    // Wave: the read-back ‖ the caller's reads (both only need this run's write to have landed).
    if (m_options.alongside_read_back) {
      util::wave([&] { back = m_client.property(m_issue_key, m_property); }, m_options.alongside_read_back);
    } else {
      back = m_client.property(m_issue_key, m_property);
    }
    if (!back) {
      if (back.error().kind != ErrorKind::NotFound) return std::unexpected(back.error());
      // Gone: a run that held the lock (its look came before this run's write, ours before
      // its write) released it, deleting this run's write with its own. It ran meanwhile:
      // take turns again, and the caller reads what it did.
      m_held = false;
      lost_once = true;
      continue;
    }
    if (holder_of(*back).by == m_options.run_id) return waited.count() > 0 || lost_once;
    m_held = false;  // another run's write landed last: it goes first
    lost_once = true;
  }
}

void IssueLock::release() {
  if (!m_held) return;
  m_held = false;
  (void)m_client.delete_property(m_issue_key, m_property);
}

}  // namespace faultline::app
