// Progress on a fault: a comment (cause, ETA, status, message) in the flavor's body format,
// the facts saved, the last-update time recorded for the update cadence, the first update
// moving a Reported fault to Handling, and a post to the channels routed for fault.updated.
// A re-run with the same values finds its comment by its operation marker and posts nothing
// twice.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/operations.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/notify/notifier.hpp"

namespace faultline::app {

class Services;

struct UpdateRequest {
  std::string key;
  std::string message;
  std::string cause;
  std::string eta;     // a time (parse_time forms) or a duration from now ("30m")
  std::string status;  // investigating | identified | monitoring
  bool notify = true;
};

struct UpdateOutcome {
  core::Fault fault;   // as updated
  std::string url;
  bool commented = false;  // this run wrote the comment (false: found from an earlier run)
  OperationList operations;
  std::vector<notify::DeliveryReport> notifications;

  // {"key","url","commented","fault","operations","warnings","notifications"}
  // (warnings: the steps the site's workflow could not take, OperationList::warnings()).
  nlohmann::json to_json(const date::time_zone* zone) const;
};

// Posts the update. Error: Usage for a bad ETA; NotFound for the fault; Jira's error.
Result<UpdateOutcome> update_fault(Services& services, const UpdateRequest& request);

}  // namespace faultline::app
