// Forward-only workflow walks for faults and their actions.
#include "faultline/app/fault_workflow.hpp"

#include <array>
#include <set>

#include <fmt/format.h>

#include "faultline/config/config.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

constexpr std::array k_steps = {WorkflowStep::Reported, WorkflowStep::Handling, WorkflowStep::Recovered,
                                WorkflowStep::Reviewing, WorkflowStep::Closed};

// The index of the step `status` names, k_steps.size() - 1 for any Done-category status, -1 for
// a status outside the configured steps.
int step_index(const core::Fault& fault, const config::Workflow& workflow) {
  if (fault.status_category == "done") return static_cast<int>(k_steps.size()) - 1;
  for (std::size_t i = 0; i < k_steps.size(); ++i) {
    const auto& status = status_of(workflow, k_steps[i]);
    if (!status.empty() && iequals(fault.status, status)) return static_cast<int>(i);
  }
  return -1;
}

int index_of(WorkflowStep step) { return static_cast<int>(step); }

// "'Done' (via 'Close')" for each transition.
std::vector<std::string> describe(const std::vector<jira::Transition>& transitions) {
  std::vector<std::string> out;
  for (const auto& t : transitions) out.push_back(fmt::format("'{}' (via '{}', {})", t.to_status, t.name, t.to_category));
  return out;
}

}  // namespace

const char* to_string(WorkflowStep step) {
  switch (step) {
    case WorkflowStep::Reported: return "reported";
    case WorkflowStep::Handling: return "handling";
    case WorkflowStep::Recovered: return "recovered";
    case WorkflowStep::Reviewing: return "reviewing";
    case WorkflowStep::Closed: return "closed";
  }
  return "closed";
}

const std::string& status_of(const config::Workflow& workflow, WorkflowStep step) {
  switch (step) {
    case WorkflowStep::Reported: return workflow.reported;
    case WorkflowStep::Handling: return workflow.handling;
    case WorkflowStep::Recovered: return workflow.recovered;
    case WorkflowStep::Reviewing: return workflow.reviewing;
    case WorkflowStep::Closed: return workflow.closed;
  }
  return workflow.closed;
}

bool at_or_beyond(const core::Fault& fault, const config::Workflow& workflow, WorkflowStep step) {
  return step_index(fault, workflow) >= index_of(step);
}

Result<OpStatus> advance_to(jira::Client& client, const config::Workflow& workflow, core::Fault& fault,
                            WorkflowStep step) {
  const int current = step_index(fault, workflow);
  const int target = index_of(step);
  if (current >= target) return OpStatus::Skipped;
  const std::string& wanted = status_of(workflow, step);
  if (wanted.empty()) {
    return fail(ErrorKind::Workflow,
                fmt::format("{} stays at '{}': no status is set for the '{}' step", fault.key, fault.status, to_string(step)),
                fmt::format("set [jira.workflow] {} to a status of the workflow to move faults there", to_string(step)));
  }
  auto moved = client.transition_to_status(fault.key, wanted);
  const bool no_such_transition = !moved && moved.error().kind == ErrorKind::Failed && moved.error().http_status == 0;
  if (no_such_transition && current >= 0) {
    // Workflows that reach the step only through the earlier ones: walk them from here (steps
    // the site's workflow lacks are passed over).
    for (int i = current + 1; i <= target; ++i) {
      const std::string& through = status_of(workflow, k_steps[static_cast<std::size_t>(i)]);
      if (through.empty()) continue;
      moved = client.transition_to_status(fault.key, through);
      if (!moved) break;
    }
  }
  if (!moved) {
    // A concurrent run (another publish, a person) may have moved it meanwhile: then the
    // transitions read for the old status no longer apply, and there is nothing left to do.
    jira::IssueQuery query;
    query.fields = {"status"};
    if (auto seen = client.get_issue(fault.key, query)) {
      core::Fault now = fault;
      now.status = seen->status();
      now.status_category = seen->status_category();
      if (step_index(now, workflow) >= target) {
        fault.status = now.status;
        fault.status_category = now.status_category;
        return OpStatus::Skipped;
      }
    }
    auto error = moved.error();
    // No way there from the fault's status: the workflow's shape, not a failure of this run.
    if (error.kind == ErrorKind::Failed && error.http_status == 0) {
      error.kind = ErrorKind::Workflow;
      error.hint = fmt::format("the other steps went on; move it in Jira, or set [jira.workflow] {} to a status the "
                               "workflow reaches from '{}'",
                               to_string(step), fault.status);
    }
    return std::unexpected(std::move(error));
  }
  fault.status = moved->to_status.empty() ? wanted : moved->to_status;
  if (!moved->to_category.empty()) fault.status_category = moved->to_category;
  return OpStatus::Done;
}

const jira::Transition* closing_transition(const std::vector<jira::Transition>& transitions,
                                           const config::Workflow& workflow) {
  for (const auto& t : transitions)
    if (!workflow.closed.empty() && iequals(t.to_status, workflow.closed)) return &t;
  for (const auto& t : transitions)
    if (t.to_category == "done") return &t;
  return nullptr;
}

Result<std::string> advance_to_done(jira::Client& client, const config::Workflow& workflow, std::string_view key) {
  constexpr int k_max_hops = 4;
  std::set<std::string> visited;
  for (int hop = 0; hop < k_max_hops; ++hop) {
    FAULTLINE_TRY(transitions, client.transitions(key));
    const jira::Transition* chosen = closing_transition(*transitions, workflow);
    if (chosen == nullptr) {
      for (const auto& t : *transitions) {
        if (t.to_category == "indeterminate" && !visited.contains(lower(t.to_status))) {
          chosen = &t;
          break;
        }
      }
    }
    if (chosen == nullptr) {
      const auto targets = describe(*transitions);
      return fail(ErrorKind::Failed, fmt::format("{} has no transition to a done status", key),
                  targets.empty() ? std::string("the workflow offers no transition from its current status")
                                  : fmt::format("available: {}", fmt::join(targets, ", ")));
    }
    const jira::Transition used = *chosen;
    if (auto moved = client.transition(key, used.id); !moved) return std::unexpected(moved.error());
    if (used.to_category == "done") return used.to_status;
    visited.insert(lower(used.to_status));
  }
  return fail(ErrorKind::Failed, fmt::format("{} did not reach a done status in {} transitions", key, k_max_hops),
              "move it to Done in Jira, or set [jira.workflow] closed to the status that ends its workflow");
}

}  // namespace faultline::app
