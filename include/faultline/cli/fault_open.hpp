// Opening a fault, shared by `open`, `open --from-alert` and `rollback`: with a dedupe key,
// an open fault carrying it gets a "reported again" comment instead of a new issue; after
// creating, the search runs again (Cloud: reconciling the new id) and of several open faults
// with the key the oldest wins, the newer ones closed as its duplicates. Then the
// coordinator watches it and fault.opened is announced — on a re-run too: the sent log in
// the issue property keeps a channel from getting it twice, and one that failed gets it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/cli/fault_operations.hpp"
#include "faultline/cli/fault_session.hpp"

namespace faultline::cli {

// Whether opening announces to chat.
enum class Announce { Yes, No };

// What opening did.
struct OpenOutcome {
  core::Fault fault;                       // the fault now standing for this report
  bool created = false;                    // a new issue stands for it
  bool dry_run = false;                    // --dry-run: the create was only printed
  std::vector<std::string> duplicates_closed;
  OperationList operations;
  std::vector<notify::DeliveryReport> notifications;

  // {"key","url","created","level","fault","duplicates_closed","operations","notifications"}.
  nlohmann::json to_json(const FaultSession& session) const;
};

// Opens `draft` (summary, level, facts; dedupe_key optional) or finds the open fault with
// its dedupe key. Error: a Jira write or search failed (notification failures are reports).
Result<OpenOutcome> open_fault(Context& ctx, FaultSession& session, core::Fault draft, Announce announce);

// Closes every fault but the first (the oldest) of `open_faults` as its duplicate: the
// closed status of the workflow with a comment, and a "Duplicate" issue link. Returns the
// keys closed. Error: a transition or link failed.
Result<std::vector<std::string>> close_duplicates(FaultSession& session, const std::vector<core::Fault>& open_faults);

}  // namespace faultline::cli
