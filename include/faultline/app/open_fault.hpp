// Opening a fault (open, open --from-alert, rollback): with a dedupe key, an open fault
// carrying it gets a "reported again" comment instead of a new issue; after creating, the
// search runs again (Cloud: reconciling the new id, a few times over a bounded settle window
// because the index lags writes) and of several open faults with the key the oldest wins
// (created, then numeric id), the newer ones closed as its duplicates. Then the coordinator
// watches it and fault.opened is announced — on a re-run too: the sent log in the issue
// property keeps a channel from getting it twice, and one that failed gets it. A run whose
// new issue lost the race announces nothing: the winner's run does.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/operations.hpp"
#include "faultline/notify/notifier.hpp"

namespace faultline::app {

class Services;

// Whether opening announces to chat.
enum class Announce { Yes, No };

// What opening did.
struct OpenOutcome {
  core::Fault fault;                           // the fault now standing for this report
  std::string url;                             // its browse URL ("" in a dry run)
  bool created = false;                        // a new issue (this run's) stands for it
  bool dry_run = false;                        // --dry-run: the create was only printed
  std::vector<std::string> duplicates_closed;  // keys this run closed as duplicates
  std::string duplicate_of;                    // this run's new issue lost the race: the winner's key
  std::string closed_duplicate;                // ...and that key (now closed as a duplicate)
  OperationList operations;
  std::vector<notify::DeliveryReport> notifications;

  // {"key","url","created","dry_run","level","fault","duplicates_closed","duplicate_of" (key
  //  or null),"closed_duplicate" (key or null),"operations","notifications"}.
  nlohmann::json to_json(const date::time_zone* zone) const;
};

// How the search is repeated after creating with a dedupe key.
struct SettlePolicy {
  // Pauses before the 2nd, 3rd ... search on Cloud (the first runs at once); Data Center's
  // search is consistent and runs once. The default waits 0.25 + 0.5 + 1 + 1.25 = 3 s at most.
  std::vector<std::chrono::milliseconds> pauses;
  // Sleeps for a pause; the default sleeps through Services::sleep.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// The default policy (see SettlePolicy).
SettlePolicy default_settle_policy(Services& services);

// A read the caller wants alongside the last wave of a run that created a new fault (the
// similar past faults, say), given the fault as created (key and the draft's facts). It runs
// on another thread than the announcement and must only use the transport (no Services
// getters, no output). Not called when no new fault stands (found, lost the race, dry run).
using SideRead = std::function<void(const core::Fault& created)>;

// Opens `draft` (summary, level, facts; dedupe_key optional) or finds the open fault with
// its dedupe key. Error: a Jira write or search failed (notification failures are reports).
// Depth (sequential round trips, warm field cache, no chat route): 3 to create (coordinator
// lookup; create; watch ∥ re-read), 3 to report again (search ∥ lookup; comment read ∥
// watchers ∥ sent log; comment) plus one on Data Center for the search's property reads; with
// a dedupe key the create adds the settle search (Cloud: repeated over the settle window).
// A chat route makes the last wave of a create the announcement's chain (record the intent,
// post, record the result: 2 more; one more with a dedupe key, whose sent log is read first).
Result<OpenOutcome> open_fault(Services& services, FaultSession& session, core::Fault draft, Announce announce);
// The same with an explicit settle policy.
Result<OpenOutcome> open_fault(Services& services, FaultSession& session, core::Fault draft, Announce announce,
                               const SettlePolicy& settle);
// Whether an open fault found by the draft's dedupe key is a new report of it (a "reported
// again" comment) or this very report, made by an earlier attempt whose answer was lost (a
// spooled open replayed: its own `pending-<id>` key; nothing is commented).
enum class FoundFault { ReportedAgain, ThisReport };

// The same with a side read (see SideRead). `standing_key`, when given, is set to the key of
// the fault this run created or found as soon as there is one, so a caller whose run failed
// afterwards (the watch, a closing race) knows the fault exists and must not be opened again.
Result<OpenOutcome> open_fault(Services& services, FaultSession& session, core::Fault draft, Announce announce,
                               const SettlePolicy& settle, const SideRead& side_read,
                               FoundFault found = FoundFault::ReportedAgain, std::string* standing_key = nullptr);

// open_fault_session for the commands that open faults; when the schema could not be resolved
// against a cached field map (Config: a configured field is not in it, added since?), once
// more after dropping the site's cache entry. Error: as open_fault_session.
Result<FaultSession> open_fault_session_for_open(Services& services);

// Closes every fault but the first (the oldest) of `open_faults` as its duplicate: the
// workflow's closed status (else any transition into a Done-category status) with a comment
// naming the winner, and an issue link of type "Duplicate" (else "Relates"; none when the
// site has neither). A fault found closed already (a racing run closed it) counts as closed.
// Returns the keys closed. Error: a transition or link failed.
Result<std::vector<std::string>> close_duplicates(FaultSession& session, const std::vector<core::Fault>& open_faults);

}  // namespace faultline::app
