// `review publish`: turns a review file into the fault's one Confluence report page, its
// action sub-tasks, a remote link, the Reviewing status and one chat post. Validation comes
// first and writes nothing; then named idempotent steps (OperationList), so a re-run after a
// failure at any step repeats nothing already done, and a re-run with the same file writes
// nothing at all (no page version, no sub-task, no message).
//
// Edit detection: faultline records the page version it published (issue property
// faultline.review) and puts "faultline publish <hash>" in every version message it writes.
// When the page's current version is newer than the recorded one and its version message is
// not faultline's, someone edited the page in Confluence: publish stops (exit 1) before any
// write, unless --force, which overwrites the page with the rendered report.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/cli/context.hpp"
#include "faultline/core/action.hpp"
#include "faultline/notify/notifier.hpp"
#include "faultline/util/error.hpp"

namespace faultline::cli {

// The issue property that records the published page: {"page_id","version","hash","url",
// "title"} (plus "creating": hash while a page is being created).
inline constexpr std::string_view k_review_property = "faultline.review";

// The prefix of the version message of every page version faultline writes.
inline constexpr std::string_view k_publish_message_prefix = "faultline publish ";

// The remote link global id of a fault's review page: "faultline-review:" + issue id
// (stable per fault: the same link is updated even if the page is ever recreated).
std::string review_link_global_id(std::string_view fault_issue_id);

// The page title: "KEY: summary — Fault review".
std::string review_page_title(std::string_view key, std::string_view summary);

// The Confluence labels of a review page: fault-review, the key lower-cased, the level and
// type markers (fault-level-p2, fault-type-<slug>) when known.
std::vector<std::string> review_page_labels(std::string_view key, std::string_view level, std::string_view type);

struct PublishOptions {
  std::string key;
  std::string file;
  std::string template_name = "fault-analysis";
  bool force = false;
  bool no_notify = false;
};

// One action as published.
struct PublishedAction {
  std::string id, key, summary, owner, owner_display, due;  // due "YYYY-MM-DD" or ""
  bool created = false;
  bool updated = false;
};

struct PublishOutcome {
  std::string page_id, page_url, page_title;
  int page_version = 0;
  bool page_changed = false;
  std::vector<PublishedAction> actions;
  nlohmann::json operations = nlohmann::json::array();
  std::vector<notify::DeliveryReport> notifications;
};

// Validates `options.file` against the fault and publishes it. Errors: Usage listing every
// problem of the file (file:line, in details; nothing written); Failed when the page was
// edited in Confluence since the last publish (without force) or a step failed; the
// client's error kinds otherwise.
Result<PublishOutcome> publish_review(Context& ctx, const PublishOptions& options);

// {"page":{"id","url","version"},"actions":[{"id","key","summary","owner","due","created"}],
//  "operations":[...],"notifications":[...]}.
nlohmann::json publish_outcome_json(const PublishOutcome& outcome);

}  // namespace faultline::cli
