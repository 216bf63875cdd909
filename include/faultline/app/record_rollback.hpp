// A rollback from CI: finds the fault (the given key, the dedupe key, else the open fault of
// the service) or opens one (source ci), and records the rollback as a property record, a
// comment and a remote link to the pipeline run. A re-run of the same pipeline run changes
// nothing.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "faultline/app/open_fault.hpp"
#include "faultline/core/ci_env.hpp"

namespace faultline::app {

class Services;

struct RollbackRequest {
  std::string service;
  std::string from;  // version rolled back from
  std::string to;    // version rolled back to
  std::string fault;       // the fault to record it on; "" = find or open one
  std::string dedupe_key;  // of the fault to find or open; "" = the rollback's own
  std::string level = "P3";  // of a fault opened for the rollback
  core::CiContext ci;        // the pipeline run (detect_ci + overrides)
  bool notify = true;        // announce a fault opened for it
};

struct RollbackOutcome {
  std::string key;  // the fault it is recorded on ("" in a dry run that stopped at the create)
  std::string url;
  std::optional<OpenOutcome> opened;  // when this run opened the fault
  bool dry_run = false;               // the open was only printed: nothing else happened
  bool recorded = false;              // this run added the rollback record
  core::Fault fault;
  core::RollbackRecord record;
  OperationList operations;

  // The open outcome's JSON (or {"key","url","created":false,"level","notifications":[]}) plus
  // "fault", "rollback", "recorded", "ci" and "operations".
  nlohmann::json to_json(const core::CiContext& ci, const date::time_zone* zone) const;
};

// Records the rollback. Error: Usage for a bad level; NotFound for --fault; Jira's error.
Result<RollbackOutcome> record_rollback(Services& services, const RollbackRequest& request);

}  // namespace faultline::app
