// Moving issues forward through their workflow. A fault walks the configured steps
// (reported -> handling -> recovered -> reviewing -> closed, [jira.workflow]); a workflow that
// reaches a step only through the ones before it is walked one transition at a time, never
// backwards. An action sub-task (whose workflow is not the fault's) walks towards a Done
// status through In-Progress statuses where no transition leads to Done directly.
#pragma once

#include <string_view>
#include <vector>

#include "faultline/app/operations.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::config {
struct Workflow;
}

namespace faultline::app {

// The process steps of a fault, in workflow order.
enum class WorkflowStep { Reported, Handling, Recovered, Reviewing, Closed };

// "reported", "handling", ... (the [jira.workflow] key).
const char* to_string(WorkflowStep step);

// The status name of `step` in `workflow` ("" when the site's workflow has none: unset).
const std::string& status_of(const config::Workflow& workflow, WorkflowStep step);

// Whether `fault` stands at `step` or beyond it (a Done-category status is beyond every step).
bool at_or_beyond(const core::Fault& fault, const config::Workflow& workflow, WorkflowStep step);

// Moves `fault` forward to `step`: Skipped when it is there or beyond already; else the
// transition to the step's status, or — when there is none and the fault stands at an earlier
// step — each (set) step in between in turn. On Done, fault.status is the status reached.
// Error: Workflow when the step is unset or no path leads there (the available transitions in
// details): a warning for the use-case's step list; Jira's error otherwise.
Result<OpStatus> advance_to(jira::Client& client, const config::Workflow& workflow, core::Fault& fault, WorkflowStep step);

// Of `transitions`, the one that closes an issue: into the workflow's closed status, else into
// any Done-category status; nullptr when there is none.
const jira::Transition* closing_transition(const std::vector<jira::Transition>& transitions,
                                           const config::Workflow& workflow);

// Moves the issue `key` to a Done-category status: the closing transition when one is offered,
// else through In-Progress (indeterminate) statuses it has not visited, a few hops at most.
// Returns the status reached. Error: Failed naming the available transitions when no path
// leads to Done; Jira's error.
Result<std::string> advance_to_done(jira::Client& client, const config::Workflow& workflow, std::string_view key);

}  // namespace faultline::app
