// `review publish`: turns a review file into the fault's one Confluence report page, its
// action sub-tasks, a remote link, the Reviewing status and one chat post. Validation comes
// first and writes nothing; then named idempotent steps (OperationList), so a re-run after a
// failure at any step repeats nothing already done, and a re-run with the same file writes
// nothing at all (no page version, no sub-task, no message).
//
// Edits made in Confluence are kept: faultline records the page version it published and the
// section hashes of its rendering (issue property faultline.review) and puts "faultline
// publish <hash>" in every version message it writes. A new version merges the page with the
// new rendering section by section (core::merge_page): the sections faultline owns (facts,
// timeline, actions, classification) are regenerated; a prose section only people changed
// keeps their text; a section people added stays. A prose section both the file and the page
// changed stops the publish before any write (exit 1), with the three versions written to
// FILE's name with ".conflict.md". --force overwrites the page with the rendering.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/action_repository.hpp"
#include "faultline/app/fault_session.hpp"
#include "faultline/app/issue_lock.hpp"
#include "faultline/app/operations.hpp"
#include "faultline/app/page_edits.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/core/page_sections.hpp"
#include "faultline/core/review.hpp"
#include "faultline/notify/notifier.hpp"

namespace faultline::app {

class Services;

// The issue property that records the published page: {"page_id","version","hash","url",
// "title"} (plus "creating": hash while a page is being created).
inline constexpr std::string_view k_review_property = "faultline.review";

// The issue property a publish that creates action sub-tasks holds while it runs (IssueLock),
// so that two publishes of one fault take turns instead of both creating every action.
inline constexpr std::string_view k_publishing_property = "faultline.publishing";


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
  // Close the open sub-tasks whose action is no longer in the file (with a comment saying so);
  // without it they are only listed (PublishOutcome::dropped).
  bool prune = false;
  // IssueLock settle, between the lock's write and its read-back: fixed when set; else twice
  // this run's read-to-write time, 100 ms to 2 s (issue_lock.hpp).
  std::optional<std::chrono::milliseconds> claim_wait;
};

// One action as published.
struct PublishedAction {
  std::string id, key, summary, owner, owner_display, due;  // due "YYYY-MM-DD" or ""
  bool created = false;
  bool updated = false;
};

// An open action sub-task of the fault whose action the review file no longer has.
struct DroppedAction {
  std::string id, key, summary, status;
  bool closed = false;  // --prune closed it (with a comment) in this run
};

struct PublishOutcome {
  std::string page_id, page_url, page_title;
  int page_version = 0;
  bool page_changed = false;
  std::vector<PublishedAction> actions;
  std::vector<ClosedDuplicate> duplicates_closed;  // sub-tasks a concurrent publish created twice
  std::vector<DroppedAction> dropped;              // open sub-tasks the file no longer lists
  std::vector<std::string> kept_edits;             // prose sections whose Confluence edits were kept
  std::vector<std::string> added_sections;         // sections people added in Confluence, kept
  nlohmann::json operations = nlohmann::json::array();
  std::vector<std::string> warnings;  // steps the site's workflow could not take (OperationList::warnings)
  std::vector<notify::DeliveryReport> notifications;
};

// What faultline.review holds.
struct ReviewRecord {
  std::string page_id, hash, url, title, creating;
  int version = 0;
  // Section key -> hash of the last rendering's sections (core::section_hashes): the base of
  // the next merge with the page as people left it.
  std::map<std::string, std::string> sections;

  nlohmann::json to_json() const;
  static ReviewRecord from_json(const nlohmann::json& json);
  bool operator==(const ReviewRecord&) const = default;
};

// One publish of one review file. validate() reads (the file, the fault, its sub-tasks, the
// owners, the template trial — and, in the same wave, what locate_page() needs); locate_page()
// finds the parent, the record and the page and detects edits made in Confluence; run()
// performs the steps in order. Each step is a public method that returns Done or Skipped, so
// it can be exercised on its own.
//
// The request graph (each line one wave; "‖" independent, "→" a dependency inside a task):
//   read:    fault+timeline (issue ‖ comments) ‖ sub-task search ‖ owners ‖ remote links ‖
//            sub-task list, summary and properties review, publishing, notified (one GET) ‖
//            Cloud: the space's id
//   (the file is checked here: a problem stops the publish before the next wave)
//   pages:   parent page ‖ page by recorded id, else by title (with version and labels) ‖
//            the lock's write, when sub-tasks will surely be created (more actions than
//            sub-tasks)
//   locate:  only a fallback (the page by the fault's page id) when the recorded one is gone
//   actions: [(lock write, unless written above) → settle → read-back ‖ sub-tasks again →
//            bulk create (chunks ‖) ‖ updates ‖ page intent → sub-tasks again (when the page
//            exists)] ‖ [transition ‖ confirm → fault read for the page]
//   page:    create (Data Center: labels in the create) ‖ sub-tasks again (a new page: the
//            body's keys and owners are known from the create and the owner lookups; a row
//            the read changes is written as a second version), or one new version
//   finish:  labels (Cloud, or missing) ‖ record ‖ remote link ‖ page facts on the fault ‖
//            lock release
//   notify:  chat post → sent log (its record read in the first wave)
// A re-run with nothing to do stops after `read` (and `locate` when the page was not recorded).
class ReviewPublisher {
public:
  ReviewPublisher(Services& services, FaultSession& session, PublishOptions options);

  // Parses `text` (the review file) against the fault. Error: Usage listing every problem of
  // the file (file:line, in details; nothing written); the template's error; Jira's error.
  Result<void> validate(std::string_view text);
  // Finds the parent page and this fault's page (by the recorded id, else by title). Error:
  // Config when the parent is missing; Failed when the page was edited in Confluence since the
  // last publish (unless force); Confluence's error.
  Result<void> locate_page();
  // The steps: actions -> transition -> confirm -> page -> labels -> record -> link -> save ->
  // prune, then the chat post. Error: the failing step's, named in the message.
  Result<PublishOutcome> run();

  // --- the steps, in order ---------------------------------------------------------------
  // Create the missing sub-tasks (holding the fault's publishing lock, and closing any
  // duplicate a concurrent publish made: the oldest of each action id stays), update changed ones.
  Result<OpStatus> sync_actions();
  Result<OpStatus> move_to_reviewing();  // the workflow forward to the reviewing step
  Result<OpStatus> confirm_facts();      // the file's facts and the review time saved
  Result<OpStatus> write_page();         // the page created, or one new version when it changed
  Result<OpStatus> label_page();         // the missing labels added
  Result<OpStatus> record_page();        // faultline.review updated
  Result<OpStatus> link_page();          // the remote link upserted by its global id
  Result<OpStatus> save_page_facts();    // review page id and url saved on the fault
  Result<OpStatus> prune_dropped();      // --prune: dropped actions commented on and closed
  void announce();                       // review.published, once per fault

private:
  // The first wave of reads (see the graph above); fills the prefetch, m_current, m_existing.
  Result<void> read_all();
  // The `actions` step as run(): the sub-task chain next to the fault's own writes.
  Result<OpStatus> actions_wave();
  // The `labels` step as run(): labels, record, link and page facts in one wave.
  Result<OpStatus> finish_wave();
  Result<OpStatus> confirm_facts_of(const core::Fault& current);
  void read_pages();
  Result<bool> apply_reread(Result<std::vector<ExistingAction>> after);
  Result<OpStatus> create_page_beside_reread(const std::string& body);
  void write_lock_early();
  IssueLock& publishing_lock();
  Result<OpStatus> label_page_with(const std::vector<std::string>& wanted);
  void write_intent();  // faultline.review with "creating": the page intent
  std::vector<ActionSpec> action_specs(std::vector<core::ReviewProblem>& problems);
  Result<void> check_template() const;
  Result<void> read_record();
  Result<void> find_page(const std::string& title);
  Result<void> detect_edits();
  Result<std::string> render_body();
  Result<std::string> render_from(const FaultRecord& read) const;
  Result<void> read_merge_base();
  Result<void> check_conflicts();
  Result<void> conflict_error(const std::vector<core::SectionConflict>& conflicts);
  std::set<std::string> prose_keys() const;
  Result<OpStatus> create_page(const std::string& body);
  PublishOutcome outcome() const;
  // Takes the fault's publishing lock (waiting for another publish) and reads the sub-tasks again.
  Result<void> lock_actions();
  // The open sub-tasks no action of the file matches (duplicates closed by this run aside).
  std::vector<DroppedAction> find_dropped() const;
  // Closes duplicate sub-tasks in `actions` and points the synced actions at the kept ones.
  Result<bool> close_duplicates(std::vector<ExistingAction>& actions);

  Services& m_services;
  FaultSession& m_session;
  PublishOptions m_options;
  ActionRepository m_actions;
  core::TimePoint m_now;
  confluence::Client* m_confluence = nullptr;

  core::ReviewParse m_parsed;
  core::Fault m_current;  // the fault as read before any write
  core::Fault m_fault;    // the fault as the steps leave it
  std::vector<ExistingAction> m_existing;
  std::vector<ActionSpec> m_specs;
  std::vector<SyncedAction> m_synced;
  std::vector<ClosedDuplicate> m_duplicates_closed;
  std::vector<DroppedAction> m_dropped;
  std::optional<IssueLock> m_lock;  // held from the first action created to the end of the run
  bool m_space_read = false;        // the Confluence space (Cloud) was found in the first wave
  std::string m_hub_title;          // the page title from the summary as first read
  std::size_t m_hub_subtasks = 0;   // the fault's sub-tasks as first read
  bool m_lock_started = false;      // write_lock_early() wrote it: lock_actions() settles and reads back
  // The sub-tasks read with the lock's read-back (IssueLockOptions::alongside_read_back).
  std::optional<Result<std::vector<ExistingAction>>> m_after_lock;
  std::optional<Error> m_lookup_error;  // an owner lookup that failed for another reason than "no such user"

  // What validate()'s wave read for locate_page() and the steps (used once: a publish that
  // waited for another one reads again).
  struct Prefetch {
    bool fresh = false;
    std::optional<Error> confluence_error;
    std::optional<Result<std::optional<confluence::Page>>> parent;
    std::optional<Result<confluence::Page>> by_record;  // the page by the recorded id, when there is one
    std::optional<Result<std::optional<confluence::Page>>> by_title;  // else by title
    std::string by_title_for;                                         // ... this title
    nlohmann::json lock;                                // faultline.publishing (null = none)
    bool lock_read = false;
    std::chrono::steady_clock::time_point lock_read_at;  // when that read went out
    std::optional<nlohmann::json> notified;             // faultline.notified (nullopt = not read)
    std::optional<Result<std::vector<jira::RemoteLink>>> links;
  };
  Prefetch m_prefetch;
  std::optional<FaultRecord> m_read;         // the fault with its timeline as first read
  std::optional<Result<FaultRecord>> m_reread;  // read again after the fault's own writes
  // Results of steps that ran inside an earlier step's wave, handed out by their own step.
  std::optional<Result<OpStatus>> m_transition_done, m_confirm_done, m_record_done, m_link_done, m_save_done;
  std::optional<Error> m_intent_error;  // the page intent, written in the actions wave
  bool m_intent_written = false;
  bool m_defer_reread = false;    // run(): a new page's create goes out with the sub-task read-back
  bool m_subtasks_unread = false;  // sync_actions() wrote sub-tasks and left their read to write_page()
  std::optional<FaultRecord> m_rendered_from;  // the fault the page body was rendered from
  bool m_intent_pending = false;  // run(): the intent goes out with the sub-task writes
  bool m_waited = false;          // the lock made this run wait for another publish
  std::string m_tried_page_id;    // the recorded page id the first wave already looked up

  std::string m_parent_id;
  std::string m_title;
  ReviewRecord m_record;
  std::optional<confluence::Page> m_page;
  std::string m_ours_hash;  // the hash in the current version's message when it is faultline's
  std::string m_edited_by;  // who edited the page in Confluence since faultline's last version
  bool m_merge_base_read = false;
  std::map<std::string, std::string> m_merge_base, m_merge_base_text;  // read_merge_base()
  std::map<std::string, std::string> m_rendered_sections;              // of this run's rendering
  std::vector<std::string> m_kept_edits, m_added_sections;             // what the merge kept
  std::string m_body_hash;
  bool m_page_changed = false;
  OperationList m_ops;
  std::vector<notify::DeliveryReport> m_notifications;
};

// The review file's text. Error: Usage naming the file and how to get one.
Result<std::string> read_review_file(const std::string& file);

// Reads `options.file`, validates it against the fault and publishes it (ReviewPublisher).
// Errors: Usage for an unreadable file or listing every problem of it (nothing written);
// Failed when the page was edited in Confluence since the last publish (without force) or a
// step failed; the client's error kinds otherwise.
Result<PublishOutcome> publish_review(Services& services, const PublishOptions& options);

// {"page":{"id","url","version"},"actions":[{"id","key","summary","owner","owner_display",
//  "due","created","updated"}],"duplicates_closed":[{"id","kept","closed"}],
//  "dropped":[{"id","key","summary","status","closed"}],"kept_edits":[title...],
//  "added_sections":[title...],"operations":[...],"warnings":[...],
//  "notifications":[...]}.
nlohmann::json publish_outcome_json(const PublishOutcome& outcome);

}  // namespace faultline::app
