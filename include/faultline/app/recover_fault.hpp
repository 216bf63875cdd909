// Recovery of a fault: the recovered time, how, rollback version, impact and data-repair
// state saved, the review deadline recorded (recovery + team.review_due_hours, per level when
// configured), the workflow moved forward to the recovered step, a comment, and a post to the
// channels routed for fault.recovered. A re-run changes nothing already done.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/operations.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/notify/notifier.hpp"

namespace faultline::app {

class Services;

struct RecoverRequest {
  std::string key;
  std::string at;  // when service recovered (parse_time forms); "" = now, or the time recorded before
  std::string how;          // rollback | config | restart | scale | other
  std::string rollback_to;  // implies how = rollback
  std::string data_repair;  // needed | not-needed | done
  std::string impact;
  bool notify = true;
};

struct RecoverOutcome {
  core::Fault fault;  // as updated
  std::string url;
  std::string recovered_at;     // ISO 8601 in the team's zone
  std::string review_deadline;  // ISO 8601 in the team's zone
  OperationList operations;
  std::vector<notify::DeliveryReport> notifications;

  // {"key","url","recovered_at","review_deadline","fault","operations","warnings","notifications"}
  // (warnings: the steps the site's workflow could not take, OperationList::warnings()).
  nlohmann::json to_json(const date::time_zone* zone) const;
};

// Records the recovery. Error: Usage for a bad --at; NotFound for the fault; Jira's error.
Result<RecoverOutcome> recover_fault(Services& services, const RecoverRequest& request);

}  // namespace faultline::app
