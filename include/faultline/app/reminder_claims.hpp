// The last-reminded markers of `faultline remind`, kept in the Jira entity property
// faultline.reminded ({"overdue"|"stale"|"review": {"at": UTC ISO, "by": run id}}) on each
// action sub-task (overdue) or on the fault (stale, review), and claimed BEFORE a reminder is
// sent, so that two cron runs never send the same reminder twice.
//
// The protocol, per group of claims that make one message (every overdue action of the run,
// every stale fault, every missed review), the group's first issue (in the caller's order)
// being its lock issue:
//   0. read every issue's marker: when all were reminded within the kind's interval, the group
//      is done (Recent) without a lock, a write or a wait;
//   1. lock: read the lock issue's property; when another run holds "<kind>_lock" (set less
//      than `lock_ttl` ago) the whole group is left to it (Lost); otherwise write the lock
//      with this run's id straight away (one request after the read);
//   2. after every lock of the run is written, wait `settle` (default 2 s) once, then read
//      each lock back (Jira entity properties are strongly consistent on Cloud and Data
//      Center: a read after a write sees it). Properties are last-writer-wins, so when two
//      runs raced for a lock both read back the same last writer: only that run goes on;
//   3. the lock holder reads each issue's marker again; when it was set within the kind's
//      interval the issue is skipped (Recent); otherwise the holder writes the marker with its
//      run id and "sent": false (Won) and sends the message;
//   4. after sending, confirm() drops "sent": false from the markers of a message that reached
//      a channel, release() gives back the markers of a message that reached none, and
//      unlock() removes the lock. A run that dies holding a lock blocks its group for
//      `lock_ttl` (default 10 minutes) at most; the run that takes the lock next finds the
//      dead run's markers unconfirmed and sends those reminders again.
//
// The remaining race, honestly: Jira has no compare-and-set for entity properties. If a run
// reads the lock (step 1) before the other run's write and then writes its own lock more than
// `settle` later — after the other run already read its lock back and went on — both send.
// That needs one run to stall for longer than `settle` between two consecutive requests on
// the same issue (a retried request with a long Retry-After can). Two runs whose searches saw
// different first issues (an action created or closed in between) lock different issues and
// may both send the issues whose markers they read before the other wrote them. A run that
// holds its lock for longer than `lock_ttl` (thousands of issues on a very slow Jira) can be
// overtaken by the next one. Schedules far apart compared with a run's duration, and one
// scheduler per team (flock, a systemd timer, Kubernetes' concurrencyPolicy: Forbid; see
// examples/) avoid all three.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/core/reminders.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::app {

// One claim to make: a reminder of `kind` about `issue_key`.
struct ClaimRequest {
  std::string issue_key;
  core::ReminderKind kind = core::ReminderKind::Overdue;
  core::ReminderInterval interval;
};

enum class ClaimStatus {
  Won,     // this run may send
  Recent,  // reminded within the interval (mark says when and by which run)
  Lost,    // another run holds the group's lock (mark names it)
  Failed,  // the marker could not be read or written (error says why); not sent
  DryRun,  // --dry-run: would be claimed and sent; nothing written
};

// "won" | "recently_reminded" | "claimed_by_other_run" | "failed" | "dry_run".
const char* to_string(ClaimStatus status);

// The outcome of one ClaimRequest.
struct ClaimResult {
  ClaimRequest request;
  ClaimStatus status = ClaimStatus::Failed;
  std::optional<core::ReminderMark> mark;  // Recent: the marker found; Lost: the leader's holder
  std::string error;                       // Failed: why, free of secrets
  nlohmann::json previous;                 // the property before this run's claim (for release)
};

struct ClaimOptions {
  std::string run_id;                          // written as "by"; must be unique per run
  core::TimePoint now;                         // written as "at"; decides intervals
  const date::time_zone* zone = nullptr;       // calendar days of the daily intervals
  std::chrono::milliseconds settle{2000};      // wait between the lock writes and the read-back
  std::chrono::milliseconds lock_ttl{std::chrono::minutes(10)};  // a lock older than this is stale
  bool dry_run = false;                        // read only: Recent or DryRun, nothing written
  std::function<void(std::chrono::milliseconds)> sleep;  // default std::this_thread::sleep_for
};

// A run id that is unique enough across hosts and runs: "<host>-<pid>-<8 hex random>".
std::string make_run_id();

class ReminderClaims {
public:
  // `client` must outlive this object.
  ReminderClaims(jira::Client& client, ClaimOptions options);

  // Locks every group (one settle for all), then claims the requests of the groups this run
  // holds. Returns, per group and in request order, one result each. Never fails as a whole:
  // an issue whose marker cannot be read or written is Failed. In a dry run nothing is
  // written: a group another run holds is Lost, the rest Recent or DryRun.
  std::vector<std::vector<ClaimResult>> claim(const std::vector<std::vector<ClaimRequest>>& groups);

  // Gives Won claims back (their message could not be delivered anywhere): each marker is
  // restored to what it was before the claim, so the next run tries again. Returns a warning
  // per marker that could not be restored.
  std::vector<std::string> release(const std::vector<ClaimResult>& results);

  // Confirms Won claims whose message reached a channel: their markers lose "sent": false, so
  // later runs see the reminder as sent. Returns an error per marker that could not be
  // confirmed (the next run holding the lock would send that reminder again).
  std::vector<std::string> confirm(const std::vector<ClaimResult>& results);

  // Removes every lock this run holds (call after sending). Returns a warning per lock that
  // could not be removed (it expires after lock_ttl).
  std::vector<std::string> unlock();

private:
  // Whether the group's lock was taken (locked) and whether the group may go on to claiming
  // (proceed: also true in a dry run, which takes no lock).
  struct GroupState {
    bool proceed = false;
    bool locked = false;
  };
  // Step 0: when every issue of the group was reminded within its interval, marks the group
  // Recent and returns true.
  bool all_recent(std::vector<ClaimResult>& group);
  // Step 1: the lock of the group's first issue; Lost or Failed marked on the group.
  GroupState lock_group(std::vector<ClaimResult>& group);
  // Step 2: reads the lock back; a group whose lock another run overwrote is Lost.
  void confirm_lock(std::vector<ClaimResult>& group, GroupState& state);
  // Step 3: claims one issue of a group this run holds.
  void claim_issue(ClaimResult& result, const std::string& lock_issue);

  // The issue's property value ({} when it has none), from this run's cache when it wrote
  // it. Error: the read failed.
  Result<nlohmann::json> read(const std::string& issue_key, bool fresh = false);
  // Writes the property and caches it.
  Result<void> write(const std::string& issue_key, const nlohmann::json& value);

  jira::Client& m_client;
  ClaimOptions m_options;
  std::map<std::string, nlohmann::json> m_known;  // the last value this run read or wrote per issue
  std::vector<std::pair<std::string, core::ReminderKind>> m_locks;  // held: lock issue, kind
};

}  // namespace faultline::app
