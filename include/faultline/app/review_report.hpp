// The review file and its report, before publishing: `review init` scaffolds the file from
// Jira (facts and times in the TOML front matter, the existing action sub-tasks as [[action]]
// tables, and the sections with a timeline generated from the changelog, comments and
// rollback records); `review render` validates a file and renders the report locally, writing
// nothing to Jira or Confluence.
#pragma once

#include <cstddef>
#include <string>

#include "faultline/report/report.hpp"
#include "faultline/util/error.hpp"

namespace faultline::app {

class Services;

// A review file prefilled for one fault.
struct ReviewScaffold {
  std::string key;
  std::string text;
  std::size_t actions = 0;  // existing actions written as [[action]] tables
};

// The review file for the fault `key`. Error: NotFound for the fault; Jira's error.
Result<ReviewScaffold> scaffold_review(Services& services, const std::string& key);

struct RenderRequest {
  std::string key;
  std::string file;  // the review file
  report::Format format = report::Format::Storage;
  std::string template_name = "fault-analysis";
  bool data_only = false;  // the template data (JSON, pretty) instead of the report
  bool offline = false;    // render from the file alone: no Jira read, owners not checked
};

// The rendered report (or its data). With Jira: the fault, its timeline and sub-tasks read
// from it, and every action owner checked as `review publish` checks them
// (check_review_owners). Without Jira (`offline`, no Jira configured, or Jira unreachable
// after retries): the report from the file alone (the key, the file's facts and actions; no
// title, timeline or sub-task status) and a warning "owners not checked: <reason>".
// Error: NotFound for a missing file or fault; Usage listing every problem of the file
// (file:line: field: message, in details), unknown owners included; the template's error;
// Jira's other errors (authentication, permission).
Result<std::string> render_review(Services& services, const RenderRequest& request);

}  // namespace faultline::app
