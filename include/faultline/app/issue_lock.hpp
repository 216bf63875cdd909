// A lock on one issue, kept in a Jira entity property {"by": run id, "at": UTC ISO}, so that
// two runs of one use-case on one fault (two `review publish` of the same file) take turns.
//
// Jira has no compare-and-set for entity properties, so acquire() reads the property, writes
// its own lock when nobody else holds a fresh one, waits `settle`, and reads it back: of two
// runs that wrote at nearly the same time both read back the last writer, and only that run
// goes on. A run that finds another run's lock waits for it, reading again every `settle`,
// for up to `wait_limit`; a lock older than `ttl` was left by a run that died and is taken
// over. As in remind (reminder_claims.hpp), a run that stalls longer than `settle` between
// its read and its write can still race; the use-case re-checks what it wrote afterwards.
//
// The settle only has to outlast a rival that read the lock free just before this run's
// write landed: its own write reaches Jira its read-to-write time, less one round trip, after
// its read. This run's read-back reaches Jira the settle plus one round trip after its write
// did. With `settle_auto` the settle is this run's own read-to-write time (from its look at the
// lock to its write's answer), within [settle_floor, settle], instead of always `settle`: a
// rival whose read-to-write time is up to this run's plus two round trips — twice as slow
// when each measure spans two round trips — still writes before this run reads back.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "faultline/core/time.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/error.hpp"

namespace faultline::app {

struct IssueLockOptions {
  std::string run_id;                                   // unique per run (make_run_id())
  std::string what;                                     // for messages: "review publish"
  std::chrono::milliseconds settle{2000};               // between the write and the read-back
  bool settle_auto = false;                             // true: the read-to-write time, at most `settle`
  std::chrono::milliseconds settle_floor{100};          // the shortest automatic settle
  std::chrono::milliseconds ttl{std::chrono::minutes(10)};      // an older lock is stale
  std::chrono::milliseconds wait_limit{std::chrono::minutes(2)};  // waiting for another run
  std::function<core::TimePoint()> now;                 // the lock's time
  std::function<void(std::chrono::milliseconds)> sleep; // real in the app, recorded in tests
  // Measures the read-to-write time (steady_clock::now unless a test sets it).
  std::function<std::chrono::steady_clock::time_point()> elapsed_now;
  // Optional: reads the caller needs once the lock is held, sent in one wave with each
  // read-back (after this run's write, so they see what an earlier holder left). The caller
  // uses what they read only when acquire() returns false (no wait); otherwise it reads again.
  std::function<void()> alongside_read_back;
};

class IssueLock {
public:
  // `client` must outlive the lock.
  IssueLock(jira::Client& client, std::string issue_key, std::string property, IssueLockOptions options);
  ~IssueLock();
  IssueLock(const IssueLock&) = delete;
  IssueLock& operator=(const IssueLock&) = delete;

  // Takes the lock, waiting for another run that holds it; true when it had to wait (what the
  // caller read before may have changed). Error: Failed naming the run that still holds it
  // after wait_limit; the read or write error otherwise.
  Result<bool> acquire();
  // The same, with the lock property's value already read (null = absent) as the first look:
  // the caller read it together with other reads, so taking a free lock costs the write and
  // the read-back only. `read_at`: when that read was sent (the start of the read-to-write
  // time that settle_auto measures).
  Result<bool> acquire(const nlohmann::json& first_read, std::chrono::steady_clock::time_point read_at);
  // The first write of acquire() sent early, in a wave next to other requests: with the lock
  // property's value already read (`first_read`, null = absent; sent at `read_at`), writes
  // this run's lock unless another run holds a fresh one. True when it wrote: acquire() then
  // goes on from the settle and the read-back; false: acquire() starts from that look (and
  // waits). Error: the write failed (nothing held).
  Result<bool> write_if_free(const nlohmann::json& first_read, std::chrono::steady_clock::time_point read_at);
  // The pause after this run's write: `settle`, or with settle_auto the read-to-write time
  // within [settle_floor, settle].
  std::chrono::milliseconds settle_after(std::chrono::steady_clock::duration read_to_write) const;
  // Removes the lock when this run holds it (best effort: a lock left behind expires after ttl).
  void release();
  bool held() const { return m_held; }

private:
  jira::Client& m_client;
  std::string m_issue_key;
  std::string m_property;
  IssueLockOptions m_options;
  bool held_by_another(const nlohmann::json& seen) const;
  Result<void> write_own();

  bool m_held = false;
  bool m_written_early = false;  // write_if_free() wrote; acquire() settles from m_first_read_at
  std::optional<nlohmann::json> m_first_read;
  std::chrono::steady_clock::time_point m_first_read_at;
};

}  // namespace faultline::app
