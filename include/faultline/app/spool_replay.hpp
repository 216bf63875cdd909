// Work kept for later and done later: a write that found Jira, Confluence or a chat platform
// unavailable goes into the spool (app/spool.hpp) as the use-case's request, and `faultline
// sync` (a command's auto-sync, `faultline serve`'s worker) replays it through the same
// use-case with the same operation keys, so a replay repeats nothing that reached Jira.
//
// A replay runs with the clock of the moment the command was run: "now", "30m" and the
// default recovery time mean what they meant then.
//
// An `open` spooled during a Jira outage is announced at once under a provisional key,
// "<PROJECT>-pending-<id>" (chat is often up when Jira is not), with the entry itself as the
// announcement's sent log. Its replay then opens the fault with the draft's dedupe key (a
// draft without one gets "pending-<id>", so a replay finds what an earlier attempt created),
// and instead of a second announcement posts fault.synced ("<provisional> is <KEY>") to the
// channels of fault.opened. An alert payload, an update, a recovery, a review publish and a
// notification that a platform refused for a passing reason are spooled without an
// announcement.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/open_alerts.hpp"
#include "faultline/app/open_fault.hpp"
#include "faultline/app/recover_fault.hpp"
#include "faultline/app/review_publisher.hpp"
#include "faultline/app/spool.hpp"
#include "faultline/app/update_fault.hpp"

namespace faultline::app {

class Services;

// A fault key as a command was given it: a Jira key, or the provisional key of a spooled open
// ("FAULT-pending-3f9a2c1b", as chat announced it).
struct FaultKey {
  std::string key;       // the Jira key to use ("" while the provisional one is not open yet)
  bool waiting = false;  // a provisional key whose open is still in the spool
};
// Resolves `key` through the spool. Error: NotFound for a provisional key the spool does not
// know (a typo, or another host's spool).
Result<FaultKey> resolve_fault_key(const Spool* spool, const std::string& key);

// Whether work that failed with `error` is kept in the spool: Jira, Confluence or chat
// unavailable after the retries (exit 5 otherwise).
bool is_spoolable(const Error& error);

// What a command that spooled its work reports.
struct SpooledWork {
  SpoolEntry entry;
  Error cause;  // why it could not be done now
  std::vector<notify::DeliveryReport> notifications;  // the provisional announcement

  // {"spooled": {"id","file","dir","kind","provisional_key","error"}, "notifications": [...]}.
  nlohmann::json to_json(const Spool& spool) const;
  // "spooled as <id> (<dir>/<file>); `faultline sync` replays it" for stderr.
  std::string describe(const Spool& spool) const;
};

// Spools an `open` (the draft with its times set) and, with Announce::Yes, announces it under
// the provisional key. Error: the spool could not be written (then nothing was announced).
Result<SpooledWork> spool_open(Services& services, Spool& spool, core::Fault draft, Announce announce,
                               const Error& cause);
// Spools an alert payload (`open --from-alert`, or a delivery to `faultline serve`), at most
// once per identical payload while it waits.
Result<SpooledWork> spool_alert(Services& services, Spool& spool, const AlertOpenRequest& request, const Error& cause);
// An alert request as a spool entry's request, and the op that makes identical ones one.
nlohmann::json alert_request_json(const AlertOpenRequest& request);
std::string alert_op(const nlohmann::json& request);

// Spools an update or a recovery.
Result<SpooledWork> spool_update(Services& services, Spool& spool, const UpdateRequest& request, const Error& cause);
Result<SpooledWork> spool_recover(Services& services, Spool& spool, const RecoverRequest& request, const Error& cause);
// Spools a review publish with the review file's content as it is now (the replay publishes
// what was asked for, whatever the file holds later). Error: the file cannot be read.
Result<SpooledWork> spool_review_publish(Services& services, Spool& spool, const PublishOptions& options,
                                         const Error& cause);
// Spools a fault notification a platform refused for a passing reason (5xx, 429, unreachable),
// at most once per (fault, message); the replay sends it through the issue's sent log, so
// channels that got it are not sent it again. Error: the spool could not be written.
Result<SpoolEntry> spool_notification(Services& services, Spool& spool, const std::string& issue_key,
                                      const std::string& event, const nlohmann::json& data, const std::string& why);

// Keeps the creation of `issue_key`'s response room for the next sync (kind "room", once per
// fault) when the chat platform was unavailable.
Result<SpoolEntry> spool_room(Services& services, Spool& spool, const std::string& issue_key, const std::string& why);

// How one entry ended in a sync.
enum class SyncStatus {
  Done,       // replayed: removed from the spool
  Waiting,    // unavailable again: kept, replayed by the next sync
  Failed,     // refused for good (400, 403, 404, bad request): kept with its error, not replayed
  Skipped,    // not replayed: failed before, another site's, unreadable, or a dry run
};
const char* to_string(SyncStatus status);

struct SyncedEntry {
  SpoolEntry entry;
  SyncStatus status = SyncStatus::Skipped;
  std::string key;     // the fault it reached (open: the real key)
  std::string url;
  std::string detail;  // why it waits, failed or was skipped
  nlohmann::json to_json() const;  // {"id","file","kind","created_at","status","key","url","detail",
                                   //  "provisional_key","attempts"}
};

struct SyncOptions {
  // No entry is started after this time (nullopt: no limit).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool wait_for_lock = false;  // false: another sync holding the spool is not waited for
  std::function<bool()> stop;  // when it returns true, no further entry is started (shutdown)
};

struct SyncReport {
  std::vector<SyncedEntry> entries;  // every entry looked at, in spool order
  bool busy = false;                 // another process was replaying the spool: nothing done
  bool stopped = false;              // an entry found Jira unavailable: the later ones were left
  bool timed_out = false;            // the deadline passed with entries left
  std::size_t count(SyncStatus status) const;
  // {"dir","busy","stopped","timed_out","done","waiting","failed","skipped","entries":[...]}.
  nlohmann::json to_json(const Spool& spool) const;
};

// Replays the spool in order, for the configured site. Under dry run nothing is written to
// the spool and the replays only print their writes. Error: the spool cannot be read or
// locked, or the config is missing.
Result<SyncReport> sync_spool(Services& services, Spool& spool, const SyncOptions& options);

// The entries with the status a sync would give them now (--status): pending, failed, other
// site, unreadable. Error: as Spool::list.
Result<SyncReport> spool_status(Services& services, const Spool& spool);

}  // namespace faultline::app
