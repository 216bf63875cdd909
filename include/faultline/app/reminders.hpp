// Reminders for cron: overdue fault actions grouped by owner to the channels routed for
// actions.overdue (owners mentioned, the coordinator too once an action is escalate_after_days
// overdue), open faults without a progress update for longer than their level's cadence to
// fault.stale (the handler mentioned), recovered faults past their review deadline without a
// published review to review.overdue. Each reminder is claimed on the issue before it is sent
// (reminder_claims.hpp), so it is sent at most once per interval (core/reminders.hpp) even
// when cron runs overlap. Nothing is sent when nothing is due.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/util/error.hpp"

namespace faultline::app {

class Services;

struct RemindRequest {
  bool overdue = true;   // overdue actions (actions.overdue)
  bool stale = true;     // faults without a recent update (fault.stale)
  bool reviews = true;   // missed reviews (review.overdue)
  std::string run_id;    // "" = make_run_id()
  std::chrono::milliseconds claim_wait{2000};  // between taking the locks and reading them back
  int limit = 5000;      // open faults to check at most
};

// One message that reached (or, in a dry run, would reach) a channel.
struct DeliveredReminder {
  std::string event;
  std::string channel;
  std::vector<std::string> keys;  // the actions or faults it names
};

struct RemindOutcome {
  std::string run_id;
  bool dry_run = false;
  nlohmann::json sent = nlohmann::json::array();     // one entry per channel report
  nlohmann::json skipped = nlohmann::json::array();  // {"kind","event","key","reason",...}
  std::vector<DeliveredReminder> delivered;
  bool failed = false;         // a message or a claim failed (the others were still tried)
  bool overdue_found = false;  // some action is overdue (for --fail-on-overdue)

  // {"run_id","dry_run","sent","skipped"}.
  nlohmann::json to_json() const;
};

// Finds what is due, claims it and sends it. Error: the config, the credentials or a search
// failed before anything was sent; failures after that are in the outcome.
Result<RemindOutcome> send_reminders(Services& services, const RemindRequest& request);

}  // namespace faultline::app
