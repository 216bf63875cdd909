// Reminders for cron: overdue fault actions grouped by owner to the channels routed for
// actions.overdue (owners mentioned, the coordinator too once an action is escalate_after_days
// overdue), open faults without a progress update for longer than their level's cadence to
// fault.stale (the handler mentioned), recovered faults past their review deadline without a
// published review to review.overdue (a scheduled meeting holds that off until its time), and
// the meetings starting within k_upcoming_window to review.upcoming (the participants
// mentioned; once per meeting version). Each reminder is claimed on the issue before it is sent
// (reminder_claims.hpp), so it is sent at most once per interval (core/reminders.hpp) even
// when cron runs overlap. Nothing is sent when nothing is due.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/reminder_claims.hpp"
#include "faultline/core/reminder_messages.hpp"
#include "faultline/core/reminders.hpp"
#include "faultline/util/error.hpp"

namespace faultline::notify {
struct DeliveryReport;
}

namespace faultline::app {

class Services;

struct RemindRequest {
  bool overdue = true;   // overdue actions (actions.overdue)
  bool stale = true;     // faults without a recent update (fault.stale)
  bool reviews = true;   // missed reviews (review.overdue), meetings soon (review.upcoming)
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

// One reminder run: what is due (collect_*), one claim pass over it (claim), then per kind
// the won reminders sent and, when a message reached no channel, its claims given back (send).
// run() does it all in order; the steps are public so each can be exercised on its own.
// How long before a review meeting review.upcoming is sent.
inline constexpr std::chrono::hours k_upcoming_window{2};

class Reminder {
public:
  Reminder(Services& services, FaultSession& session, const RemindRequest& request, std::string run_id);

  // The overdue actions (search by lane), grouped by owner; a claim request per action when
  // actions.overdue is routed. Error: the search failed.
  Result<void> collect_overdue();
  // The open faults without a recent update (fault.stale) and those past their review
  // deadline (review.overdue), each with claim requests when routed. Error: the search failed.
  Result<void> collect_faults();
  // Claims every collected request in one pass (one settle wait for the whole run).
  void claim(ReminderClaims& claims);
  // Records what was not claimed, sends what was, gives back the claims of a message that
  // reached no channel (not in a dry run).
  void send(ReminderClaims& claims);
  // collect_* as asked, claim, send, unlock. Error: as the collect steps.
  Result<RemindOutcome> run();

  // The claim requests collected for `kind`, in leader order once claimed (empty when none).
  std::vector<ClaimRequest> requests(core::ReminderKind kind) const;
  const RemindOutcome& outcome() const { return m_outcome; }

private:
  // One reminder kind's work in this run.
  struct KindRun {
    core::ReminderKind kind;
    std::vector<ClaimRequest> requests;
    std::vector<ClaimResult> claims;
  };

  ClaimOptions claim_options();
  bool want(core::ReminderKind kind);
  bool past_handling(const core::Fault& fault) const;
  void record_skips(const std::vector<ClaimResult>& claims);
  core::ReminderNaming naming() const;
  std::vector<nlohmann::json> overdue_messages(const std::set<std::string>& keys) const;
  std::vector<nlohmann::json> fault_messages(core::ReminderKind kind, const std::vector<core::Fault>& faults,
                                             const std::set<std::string>& keys) const;
  bool deliver(core::ReminderKind kind, const std::vector<nlohmann::json>& messages);
  bool record_report(core::ReminderKind kind, const notify::DeliveryReport& report, const std::vector<std::string>& keys);
  // Sends review.upcoming for the meetings about to start (after the claimed reminders).
  void remind_upcoming();

  Services& m_services;
  FaultSession& m_session;
  const config::Config& m_config;
  RemindRequest m_request;
  core::TimePoint m_now;
  date::year_month_day m_today;
  std::vector<core::OwnerGroup> m_owners;
  std::vector<core::Fault> m_stale;
  std::vector<core::Fault> m_reviews;
  std::vector<core::Fault> m_upcoming;
  std::vector<KindRun> m_kinds;
  RemindOutcome m_outcome;
};

// Finds what is due, claims it and sends it (a Reminder run). Error: the config, the
// credentials or a search failed before anything was sent; failures after that are in the
// outcome.
Result<RemindOutcome> send_reminders(Services& services, const RemindRequest& request);

}  // namespace faultline::app
