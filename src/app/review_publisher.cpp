// `review publish`: validation, then the named idempotent steps actions -> transition ->
// confirm -> page -> labels -> record -> link -> save -> notify (see review_publisher.hpp for
// edit detection and the request graph: which requests go out together in one wave).
#include "faultline/app/review_publisher.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/fault_workflow.hpp"
#include "faultline/app/page_edits.hpp"
#include "faultline/app/reminder_claims.hpp"
#include "faultline/app/review_owners.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/jira_limits.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/timeline.hpp"
#include "faultline/core/text.hpp"
#include "faultline/core/storage_text.hpp"
#include "faultline/core/page_sections.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/report/report.hpp"
#include "faultline/util/files.hpp"
#include "faultline/util/strings.hpp"
#include "faultline/util/waves.hpp"

namespace faultline::app {

namespace {

// The timeline for the report: the issue's changelog, comments and rollbacks, without the
// changes publish itself makes to bound review fields (so a re-run renders the same page).
std::vector<core::TimelineEntry> report_timeline(const FaultRecord& record, const config::Config& config) {
  auto timeline = record_timeline(record);
  std::vector<std::string> volatile_fields;
  for (const auto& [fact, name] : config.jira.fields) {
    const auto canonical = core::canonical_fact_name(fact);
    if (canonical == "reviewed_at" || canonical == "review_page_id" || canonical == "review_page_url")
      volatile_fields.push_back(name + ":");
  }
  std::erase_if(timeline, [&](const core::TimelineEntry& e) {
    if (e.kind != "field") return false;
    return std::any_of(volatile_fields.begin(), volatile_fields.end(),
                       [&](const std::string& prefix) { return e.text.starts_with(prefix); });
  });
  return timeline;
}

// Equal at whole seconds (review files carry seconds, Jira milliseconds).
bool same_second(const std::optional<core::TimePoint>& a, const std::optional<core::TimePoint>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return std::chrono::floor<std::chrono::seconds>(*a) == std::chrono::floor<std::chrono::seconds>(*b);
}

// The fault facts the review file confirms (level, type, ...), set where the file has them.
core::Fault confirmed_facts(const core::ReviewDoc& doc, const core::Fault& current) {
  core::Fault changes;
  auto set = [](std::string& target, const std::string& value, const std::string& now) {
    if (!value.empty() && value != now) target = value;
  };
  set(changes.level, doc.level, current.level);
  set(changes.type, doc.type, current.type);
  set(changes.source, doc.source, current.source);
  set(changes.team, doc.team, current.team);
  set(changes.business_unit, doc.business_unit, current.business_unit);
  set(changes.impact, doc.impact, current.impact);
  if (doc.started_at && !same_second(doc.started_at, current.started_at)) changes.started_at = doc.started_at;
  if (doc.detected_at && !same_second(doc.detected_at, current.detected_at)) changes.detected_at = doc.detected_at;
  if (doc.recovered_at && !same_second(doc.recovered_at, current.recovered_at)) changes.recovered_at = doc.recovered_at;
  return changes;
}

// `base` with the facts set in `changes` applied.
core::Fault apply_facts(core::Fault base, const core::Fault& changes) {
  auto take = [](std::string& target, const std::string& value) {
    if (!value.empty()) target = value;
  };
  take(base.level, changes.level);
  take(base.type, changes.type);
  take(base.source, changes.source);
  take(base.team, changes.team);
  take(base.business_unit, changes.business_unit);
  take(base.impact, changes.impact);
  take(base.review_page_id, changes.review_page_id);
  take(base.review_page_url, changes.review_page_url);
  if (changes.started_at) base.started_at = changes.started_at;
  if (changes.detected_at) base.detected_at = changes.detected_at;
  if (changes.recovered_at) base.recovered_at = changes.recovered_at;
  if (changes.reviewed_at) base.reviewed_at = changes.reviewed_at;
  return base;
}

bool has_facts(const core::Fault& f) {
  return !f.level.empty() || !f.type.empty() || !f.source.empty() || !f.team.empty() || !f.business_unit.empty() ||
         !f.impact.empty() || !f.review_page_id.empty() || !f.review_page_url.empty() || f.started_at || f.detected_at ||
         f.recovered_at || f.reviewed_at;
}

// The remote link from the fault to its review page.
jira::RemoteLinkInput page_link(const std::string& global_id, const confluence::Page& page) {
  jira::RemoteLinkInput link;
  link.global_id = global_id;
  link.url = page.web_url;
  link.title = page.title;
  link.summary = "Fault review report";
  link.relationship = "fault review";
  link.application_type = "com.atlassian.confluence";
  link.application_name = "Confluence";
  return link;
}

}  // namespace

std::string review_link_global_id(std::string_view fault_issue_id) { return "faultline-review:" + std::string(fault_issue_id); }

std::string review_page_title(std::string_view key, std::string_view summary) {
  // Confluence takes at most 255 characters (core/jira_limits.hpp): the summary gives way.
  const std::string head = fmt::format("{}: ", key);
  const std::string tail = " \u2014 Fault review";
  const std::size_t fixed = core::count_characters(head) + core::count_characters(tail);
  const std::size_t room = fixed < core::k_max_short_text_chars ? core::k_max_short_text_chars - fixed : 1;
  return head + core::fit_characters(summary, room) + tail;
}

std::vector<std::string> review_page_labels(std::string_view key, std::string_view level, std::string_view type) {
  std::vector<std::string> labels = {"fault-review", lower(key)};
  if (auto l = core::prefixed_label(core::k_level_label_prefix, level); !l.empty()) labels.push_back(l);
  if (auto t = core::prefixed_label(core::k_type_label_prefix, type); !t.empty()) labels.push_back(t);
  return labels;
}

nlohmann::json ReviewRecord::to_json() const {
  nlohmann::json json{{"page_id", page_id}, {"version", version}, {"hash", hash}, {"url", url}, {"title", title}};
  if (!creating.empty()) json["creating"] = creating;
  if (!sections.empty()) json["sections"] = sections;
  return json;
}

ReviewRecord ReviewRecord::from_json(const nlohmann::json& json) {
  ReviewRecord record;
  if (!json.is_object()) return record;
  record.page_id = json.value("page_id", "");
  record.version = json.value("version", 0);
  record.hash = json.value("hash", "");
  record.url = json.value("url", "");
  record.title = json.value("title", "");
  record.creating = json.value("creating", "");
  if (const auto it = json.find("sections"); it != json.end() && it->is_object()) {
    for (const auto& [key, hash] : it->items())
      if (hash.is_string()) record.sections[key] = hash.get<std::string>();
  }
  return record;
}

ReviewPublisher::ReviewPublisher(Services& services, FaultSession& session, PublishOptions options)
    : m_services(services),
      m_session(session),
      m_options(std::move(options)),
      m_actions(*session.jira, *session.config),
      m_now(services.clock().now()) {}

// ---------------------------------------------------------------- validation: reads only

std::vector<ActionSpec> ReviewPublisher::action_specs(std::vector<core::ReviewProblem>& problems) {
  std::vector<ActionSpec> specs;
  auto owners = check_review_owners(m_actions, m_parsed.doc, m_options.file);
  if (!owners) {
    m_lookup_error = owners.error();
    return specs;
  }
  problems.insert(problems.end(), owners->problems.begin(), owners->problems.end());
  for (std::size_t i = 0; i < m_parsed.doc.actions.size(); ++i) {
    const auto& a = m_parsed.doc.actions[i];
    specs.push_back({a.id, a.summary, a.due, core::to_string(a.kind), a.owner, owners->assignees[i], a.key});
  }
  return specs;
}

Result<void> ReviewPublisher::check_template() const {
  std::vector<report::ActionRow> rows;
  for (const auto& a : m_parsed.doc.actions) rows.push_back({a, a.key, {}, {}, {}});
  const auto& jira = *m_session.jira;
  auto data = report::report_data(m_current, m_parsed.doc, {}, rows, m_session.zone, jira.base_url(), std::nullopt,
                                  std::nullopt);
  FAULTLINE_TRY(trial,
                report::render_report(data, m_options.template_name, report::Format::Storage,
                                      m_session.config->team.template_dir));
  return {};
}

// Wave 1 of the graph (review_publisher.hpp): every read publish decides on but the pages.
// No task needs another task's answer; inside a task "→" is a dependency.
Result<void> ReviewPublisher::read_all() {
  // The clients first: Services' lazy getters are not thread-safe. A Confluence that cannot
  // be set up is reported by locate_page(), after the file's own problems.
  if (auto conf = m_services.confluence()) m_confluence = *conf;
  else m_prefetch.confluence_error = conf.error();
  auto& jira = *m_session.jira;
  auto& repository = *m_session.repository;
  const std::string key = m_options.key;
  std::vector<std::string> owners;
  for (const auto& a : m_parsed.doc.actions)
    if (!a.owner.empty()) owners.push_back(a.owner);

  Result<FaultRecord> record = std::unexpected(Error{});
  Result<jira::Issue> hub = std::unexpected(Error{});
  Result<std::vector<ExistingAction>> found = std::unexpected(Error{});
  jira::IssueQuery hub_query;
  hub_query.fields = {"subtasks", "summary"};
  hub_query.kept_members = core::subtask_list_members();  // each sub-task's own fields are not read
  hub_query.properties = {std::string(k_review_property), std::string(k_publishing_property),
                          std::string(k_notified_property)};
  confluence::Client* conf = m_confluence;
  const bool cloud_wiki = conf && conf->flavor() == confluence::Flavor::Cloud;
  m_space_read = !cloud_wiki;
  m_prefetch.lock_read_at = std::chrono::steady_clock::now();  // the hub GET below reads the lock
  util::wave(
      // the fault with its timeline (issue ‖ comments): validation, the title, the page body
      [&] { record = repository.get_record(key); },
      // the fault's sub-task list, summary and three properties (the page record, the lock,
      // the sent log)
      [&] { hub = jira.get_issue(key, hub_query); },
      // Cloud: the space's id (v2 pages are found by it; fills the client's space cache)
      [&] {
        if (cloud_wiki) m_space_read = static_cast<bool>(conf->find_space(m_session.config->confluence.space));
      },
      // the sub-tasks with their fields (parent = KEY)
      [&] { found = m_actions.search(key); },
      // the owners, one lookup each (a wave of their own)
      [&] { m_actions.prefetch_owners(owners); },
      // the fault's remote links (the review link is picked by its global id below)
      [&] { m_prefetch.links = jira.remote_links(key); });
  if (!record) return std::unexpected(record.error());
  m_read = std::move(*record);
  m_current = m_read->fault;
  m_fault = m_current;
  if (!hub) return std::unexpected(hub.error());
  if (!found) return std::unexpected(found.error());
  const auto& properties = hub->properties;
  m_record = ReviewRecord::from_json(properties.value(std::string(k_review_property), nlohmann::json()));
  m_prefetch.lock = properties.value(std::string(k_publishing_property), nlohmann::json());
  m_prefetch.lock_read = true;
  m_prefetch.notified = properties.value(std::string(k_notified_property), nlohmann::json::object());
  m_hub_title = review_page_title(key, hub->summary());
  // Sub-tasks the search did not show yet (Cloud's index lags) are fetched by key: a second
  // wave only then.
  const auto subtasks = hub->fields.value("subtasks", nlohmann::json::array());
  m_hub_subtasks = subtasks.is_array() ? subtasks.size() : 0;
  if (auto completed = m_actions.complete(key, *found, subtasks); !completed) return std::unexpected(completed.error());
  m_existing = std::move(*found);
  m_prefetch.fresh = true;
  return {};
}

// Wave 2, once the file is valid: [the parent page ‖ this fault's page: by the recorded id,
// else by title (with version and labels: no further read before the steps) ‖ the
// publishing lock's write (write_lock_early)].
void ReviewPublisher::read_pages() {
  confluence::Client* conf = m_confluence;
  if (!conf) return;
  const auto& settings = m_session.config->confluence;
  // Without the space (Cloud), the parent lookup alone reports it.
  const bool page_too = m_space_read;
  util::wave([&] { write_lock_early(); },
             [&] { m_prefetch.parent = conf->find_page(settings.space, settings.parent); },
             [&] {
               if (!page_too) return;
               if (!m_record.page_id.empty()) {
                 m_prefetch.by_record = conf->get_page(m_record.page_id, settings.space);
               } else {
                 m_prefetch.by_title = conf->find_page(settings.space, m_hub_title);
                 m_prefetch.by_title_for = m_hub_title;
               }
             });
}

// The lock's write in the wave of the page reads (the file is valid by then), instead of a
// wave of its own before the bulk create: only when that create is certain — the file lists
// more actions than the fault has sub-tasks (each action matches a sub-task of its own), so a
// no-change re-run writes nothing — and never in a dry run. A publish that then stops (a
// conflict with an edit in Confluence) releases it when it ends; one that finds another
// run's lock waits in lock_actions(), as without the early write.
void ReviewPublisher::write_lock_early() {
  if (m_services.dry_run() || m_parsed.doc.actions.size() <= m_hub_subtasks) return;
  auto& lock = publishing_lock();
  auto written = lock.write_if_free(m_prefetch.lock, m_prefetch.lock_read_at);
  if (!written) {
    m_lock.reset();  // nothing held: lock_actions() tries again and reports what fails
    return;
  }
  m_lock_started = true;
}

IssueLock& ReviewPublisher::publishing_lock() {
  if (m_lock) return *m_lock;
  IssueLockOptions options;
  options.run_id = make_run_id();
  options.what = "review publish";
  options.settle = m_options.claim_wait.value_or(std::chrono::milliseconds(2000));
  options.settle_auto = !m_options.claim_wait;
  options.now = [this] { return m_services.clock().now(); };
  options.sleep = [this](std::chrono::milliseconds pause) { m_services.sleep(pause); };
  // What a publish that held the lock before created is found now, not created again: read
  // in one wave with the lock's read-back (both need only this run's lock write).
  options.alongside_read_back = [this] { m_after_lock = m_actions.list_by_search(m_current.key); };
  m_lock.emplace(*m_session.jira, m_options.key, std::string(k_publishing_property), std::move(options));
  return *m_lock;
}

Result<void> ReviewPublisher::validate(std::string_view text) {
  const auto today = core::local_date(m_now, m_session.zone);
  m_parsed = core::parse_review(text, m_options.file, today, m_session.zone);
  if (auto read = read_all(); !read) return read;

  auto problems = m_parsed.problems;
  m_specs = action_specs(problems);
  if (m_lookup_error) return std::unexpected(*m_lookup_error);
  const auto matches = match_actions(m_specs, m_existing);
  for (std::size_t i = 0; i < m_specs.size(); ++i) {
    if (!m_specs[i].key.empty() && !matches[i].existing)
      problems.push_back({m_options.file, m_parsed.doc.actions[i].line, "key",
                          fmt::format("{} is not an action sub-task of {}", m_specs[i].key, m_current.key)});
  }
  if (!problems.empty()) {
    return std::unexpected(core::review_problems_error(m_options.file, std::move(problems), "; nothing was published",
                                                       "fix the review file and run the same command again"));
  }
  // The template is checked before any write (the page step renders again, with the keys).
  if (auto checked = check_template(); !checked) return checked;
  read_pages();
  return {};
}

Result<void> ReviewPublisher::read_record() {
  auto stored = m_session.jira->property(m_current.key, k_review_property);
  if (stored) {
    m_record = ReviewRecord::from_json(*stored);
  } else if (stored.error().kind != ErrorKind::NotFound) {
    return std::unexpected(stored.error());
  }
  return {};
}

Result<void> ReviewPublisher::find_page(const std::string& title) {
  auto& conf = *m_confluence;
  const auto& space = m_session.config->confluence.space;
  for (const auto& id : {m_record.page_id, m_current.review_page_id}) {
    if (id.empty() || m_page || id == m_tried_page_id) continue;
    auto found = conf.get_page(id, space);
    if (found) m_page = std::move(*found);
    else if (found.error().kind != ErrorKind::NotFound) return std::unexpected(found.error());
  }
  if (m_page) return {};
  if (m_prefetch.by_title && m_prefetch.by_title_for == title) {  // read in the first wave
    auto found = std::move(*m_prefetch.by_title);
    m_prefetch.by_title.reset();
    if (!found) return std::unexpected(found.error());
    if (*found) m_page = std::move(**found);
    return {};
  }
  FAULTLINE_TRY(found, conf.find_page(space, title));
  if (*found) m_page = std::move(**found);
  return {};
}

// A newer version whose message is not faultline's was made by a person.
Result<void> ReviewPublisher::detect_edits() {
  if (!m_page) return {};
  const auto& page = *m_page;
  PageVersionInfo version;
  if (page.has_version_info) {  // the page read carried it: no request
    version = {page.version_message, page.version_author, page.version_author_id};
  } else {
    FAULTLINE_TRY(read, current_version(*m_confluence, page.id));
    version = *read;
  }
  m_ours_hash = publish_message_hash(version.message);
  const bool recorded = m_record.page_id == page.id && m_record.version == page.version;
  // Version 1 made by a publish that stopped before recording it.
  const bool created_by_us = !m_record.creating.empty() && page.version == 1 && m_record.page_id.empty();
  if (created_by_us) m_ours_hash = m_record.creating;
  if (recorded || !m_ours_hash.empty() || created_by_us) return {};
  m_edited_by = version.author.empty() ? std::string("someone") : version.author;
  if (m_options.force) {
    m_services.diagnostics().warn(
        fmt::format("--force: overwriting the edits made in Confluence to '{}' (version {})", page.title, page.version));
    return {};
  }
  // Edits are merged section by section (write_page); a section the file changed too stops
  // the publish here, before any write.
  if (auto base = read_merge_base(); !base) return base;
  return check_conflicts();
}

// The last rendering's section hashes (the record's; a record from before they were kept
// takes them from the version faultline last wrote, which was a pure rendering then), and
// what is still known of its text, for the three versions of a conflict.
Result<void> ReviewPublisher::read_merge_base() {
  const auto& page = *m_page;
  m_merge_base_read = true;
  m_merge_base = m_record.sections;
  const bool ours_now = !m_ours_hash.empty() || (m_record.page_id == page.id && m_record.version == page.version);
  std::string base_body;
  if (ours_now) {
    base_body = page.body_storage;
  } else if (m_record.page_id == page.id && m_record.version > 0 && m_record.version < page.version) {
    auto earlier = m_confluence->get_page_version(page.id, m_record.version, m_session.config->confluence.space);
    if (earlier) base_body = earlier->body_storage;
    else if (earlier.error().kind != ErrorKind::NotFound) return std::unexpected(earlier.error());
  }
  m_merge_base_text.clear();
  const auto base_sections = core::split_page_sections(base_body);
  for (const auto& section : base_sections) m_merge_base_text[section.key] = section.storage;
  if (m_merge_base.empty() && !base_body.empty()) m_merge_base = core::section_hashes(base_sections);
  return {};
}

std::set<std::string> ReviewPublisher::prose_keys() const {
  std::set<std::string> keys;
  for (const auto& section : m_parsed.doc.sections)
    keys.insert(core::section_key(core::storage_plain_text(core::escape_storage(section.title))));
  return keys;
}

// The prose sections render from the file alone, so the fault as first read gives the same
// text the page step will: a conflict is found before anything is written.
Result<void> ReviewPublisher::check_conflicts() {
  if (!m_read) return {};
  FAULTLINE_TRY(early, render_from(*m_read));
  const auto merge = core::merge_page(m_merge_base, m_merge_base_text, m_page->body_storage, *early, prose_keys());
  if (merge.conflicts.empty()) return {};
  return conflict_error(merge.conflicts);
}

Result<void> ReviewPublisher::conflict_error(const std::vector<core::SectionConflict>& conflicts) {
  const auto& page = *m_page;
  std::filesystem::path path(m_options.file);
  path.replace_extension(".conflict.md");
  std::string text = fmt::format(
      "# Review page conflicts for {}\n\nBoth the review file ({}) and the page in Confluence ({}, version {}, edited "
      "by {}) changed these sections since the last publish. Nothing was published. Merge what you want to keep into "
      "the review file and publish again; `--force` overwrites the page with the file.\n",
      m_current.key, m_options.file, page.web_url, page.version, m_edited_by);
  std::vector<std::string> titles;
  for (const auto& c : conflicts) {
    titles.push_back("'" + c.title + "'");
    text += fmt::format("\n## {}\n\n### As last published\n\n{}\n\n### In Confluence now\n\n{}\n\n### In the review "
                        "file now\n\n{}\n",
                        c.title,
                        c.base ? core::storage_to_markdown(*c.base) : std::string("(not known any more)"),
                        core::storage_to_markdown(c.current), core::storage_to_markdown(c.rendered));
  }
  std::string where = path.string();
  if (auto written = write_file_atomically(path, text); !written) where = "(could not be written: " + written.error().message + ")";
  return fail(ErrorKind::Conflict,
              fmt::format("the review page '{}' was edited in Confluence by {} and {} changed the same section{} since "
                          "the last publish: {}; nothing was published",
                          page.title, m_edited_by, m_options.file, conflicts.size() == 1 ? "" : "s",
                          fmt::join(titles, ", ")),
              fmt::format("the three versions of each are in {}: merge them into {} (`faultline review pull {} {}` "
                          "takes Confluence's text), then publish again; --force overwrites the page",
                          where, m_options.file, m_current.key, m_options.file));
}

Result<void> ReviewPublisher::locate_page() {
  if (!m_confluence) {
    if (m_prefetch.confluence_error) return std::unexpected(*m_prefetch.confluence_error);
    FAULTLINE_TRY(conf, m_services.confluence());
    m_confluence = *conf;
  }
  const auto& settings = m_session.config->confluence;
  // What validate() read is used once; a publish that waited for another one reads again.
  const bool prefetched = m_prefetch.fresh && m_prefetch.parent.has_value();
  m_prefetch.fresh = false;
  std::optional<confluence::Page> parent;
  if (prefetched) {
    if (!*m_prefetch.parent) return std::unexpected(m_prefetch.parent->error());
    parent = **m_prefetch.parent;
  } else {
    FAULTLINE_TRY(found, m_confluence->find_page(settings.space, settings.parent));
    parent = *found;
  }
  if (!parent)
    return fail(ErrorKind::Config,
                fmt::format("the parent page '{}' does not exist in Confluence space {}", settings.parent, settings.space),
                "create it, or set [confluence] parent to the title of an existing page");
  m_parent_id = parent->id;
  if (!prefetched) {
    if (auto read = read_record(); !read) return read;
  } else if (m_prefetch.by_record) {
    auto& by_record = *m_prefetch.by_record;
    if (by_record) m_page = std::move(*by_record);
    else if (by_record.error().kind != ErrorKind::NotFound) return std::unexpected(by_record.error());
    m_tried_page_id = m_record.page_id;
    m_prefetch.by_record.reset();
  }
  if (!prefetched) {
    m_prefetch.by_title.reset();
    m_tried_page_id.clear();
  }
  m_title = review_page_title(m_current.key, m_current.summary);
  // By the fault's page id, else by title: a wave after the first, only when the recorded
  // page was not found (first publish, or a publish that stopped before recording).
  if (auto found = find_page(m_title); !found) return found;
  return detect_edits();
}

// ----------------------------------------------------------------------- the steps

Result<OpStatus> ReviewPublisher::sync_actions() {
  const auto matches = match_actions(m_specs, m_existing);
  const bool creates = std::any_of(matches.begin(), matches.end(), [](const ActionMatch& m) { return !m.existing; });
  if (creates && !m_services.dry_run()) {
    if (auto locked = lock_actions(); !locked) return std::unexpected(locked.error());
  }
  FAULTLINE_TRY(closed_before, close_duplicates(m_existing));  // left by an earlier race
  // The page intent (run() only, for a page still to create) goes out with the creates.
  const bool intent = m_intent_pending && !m_page && !m_intent_written;
  m_intent_pending = false;
  Result<std::vector<SyncedAction>> done = std::unexpected(Error{});
  util::wave([&] { done = m_actions.sync(m_current.key, m_specs, m_existing); },
             [&] {
               if (intent) write_intent();
             });
  if (!done) return std::unexpected(done.error());
  m_synced = std::move(*done);
  const bool created = std::any_of(m_synced.begin(), m_synced.end(), [](const SyncedAction& s) { return s.created; });
  const bool updated = std::any_of(m_synced.begin(), m_synced.end(), [](const SyncedAction& s) { return s.updated; });
  bool closed_after = false;
  if (created || updated) {
    if (m_defer_reread && !m_page && !m_waited) {
      // A page still to create: the sub-tasks are read again beside its create (write_page).
      m_subtasks_unread = true;
    } else {
      FAULTLINE_TRY(closed, apply_reread(m_actions.list_by_search(m_current.key)));
      closed_after = *closed;
    }
  }
  return created || updated || *closed_before || closed_after ? OpStatus::Done : OpStatus::Skipped;
}

// One read of the sub-tasks again (consistent reads) instead of one per written sub-task:
// what Jira set (status, owner display name), and the actions a publish that raced past the
// lock created too — the oldest of each id is kept. True when it closed duplicates.
Result<bool> ReviewPublisher::apply_reread(Result<std::vector<ExistingAction>> after) {
  if (!after) return std::unexpected(after.error());
  std::unordered_map<std::string, const core::Action*> read_by_key;
  for (const auto& a : *after) read_by_key.emplace(a.action.key, &a.action);
  for (auto& synced : m_synced) {
    if (auto read = read_by_key.find(synced.action.key); read != read_by_key.end()) synced.action = *read->second;
  }
  return close_duplicates(*after);
}

Result<void> ReviewPublisher::lock_actions() {
  auto& lock = publishing_lock();
  m_after_lock.reset();
  // validate() read the lock with the fault (and may have written it already, early).
  const bool first_read = m_prefetch.lock_read && !m_lock_started;
  m_prefetch.lock_read = false;
  m_lock_started = false;
  FAULTLINE_TRY(waited, first_read ? lock.acquire(m_prefetch.lock, m_prefetch.lock_read_at) : lock.acquire());
  if (*waited) {
    m_waited = true;
    m_prefetch.notified.reset();  // the other publish may have announced: read the sent log again
    // Another publish ran meanwhile: the fault, its page and its record are read again, so
    // this run goes on from what that one left (and skips what it did).
    FAULTLINE_TRY(current, m_session.repository->get(m_current.key));
    m_current = *current;
    m_fault = m_current;
    m_page.reset();
    m_record = {};
    m_read.reset();
    if (auto located = locate_page(); !located) return located;
    m_after_lock = m_actions.list_by_search(m_current.key);
  }
  if (!m_after_lock) m_after_lock = m_actions.list_by_search(m_current.key);
  if (!*m_after_lock) return std::unexpected(m_after_lock->error());
  m_existing = std::move(**m_after_lock);
  m_after_lock.reset();
  return {};
}

Result<bool> ReviewPublisher::close_duplicates(std::vector<ExistingAction>& actions) {
  if (find_duplicate_actions(actions).empty()) return false;
  FAULTLINE_TRY(closed, m_actions.close_duplicates(actions));
  for (const auto& dup : *closed) {
    m_services.diagnostics().warn(fmt::format("{}: closed {} as a duplicate of {} (action '{}', created twice by two "
                                              "publishes at once)",
                                              m_current.key, dup.closed, dup.kept, dup.id));
    m_duplicates_closed.push_back(dup);
    for (auto& synced : m_synced) {
      if (synced.action.key != dup.closed) continue;
      const auto kept = std::find_if(actions.begin(), actions.end(),
                                     [&](const ExistingAction& a) { return a.action.key == dup.kept; });
      if (kept != actions.end()) synced.action = kept->action;
      synced.created = false;
    }
  }
  return !closed->empty();
}

Result<OpStatus> ReviewPublisher::move_to_reviewing() {
  return advance_to(*m_session.jira, m_session.config->jira.workflow, m_fault, WorkflowStep::Reviewing);
}

Result<OpStatus> ReviewPublisher::confirm_facts() { return confirm_facts_of(m_current); }

Result<OpStatus> ReviewPublisher::confirm_facts_of(const core::Fault& current) {
  auto changes = confirmed_facts(m_parsed.doc, current);
  if (!current.reviewed_at) changes.reviewed_at = m_now;
  if (!has_facts(changes)) return OpStatus::Skipped;
  auto updated = apply_facts(current, changes);
  // The status as read (it runs next to the transition; neither labels nor the property carry it).
  updated.status = current.status;
  if (auto saved = m_session.repository->save(current.key, current, changes, updated); !saved)
    return std::unexpected(saved.error());
  return OpStatus::Done;
}

// Runs `step` unless an earlier wave already ran it; hands out that result once.
namespace {
Result<OpStatus> ran_or_run(std::optional<Result<OpStatus>>& done, const std::function<Result<OpStatus>()>& step) {
  if (!done) return step();
  auto result = std::move(*done);
  done.reset();
  return result;
}
}  // namespace

// The `actions` wave: two independent chains.
//   sub-tasks: [lock write → read-back ‖ sub-tasks again] → bulk create (chunks ‖) ‖ updates ‖
//              page intent (a new page only) → sub-tasks again (status, display names, duplicates)
//   the fault: transition ‖ confirm → the fault read again for the page body (only when one
//              of them wrote)
// The page body needs both: it shows the sub-task keys and the fault after its writes. The
// fault chain works on a copy of the fault as read: the sub-task chain replaces m_current
// when it had to wait for another publish (then the page body reads the fault again).
Result<OpStatus> ReviewPublisher::actions_wave() {
  Result<OpStatus> actions = OpStatus::Skipped;
  const core::Fault snapshot = m_current;
  core::Fault moved = m_fault;
  Result<OpStatus> transition = OpStatus::Skipped;
  Result<OpStatus> confirm = OpStatus::Skipped;
  std::optional<Result<FaultRecord>> reread;
  auto& jira = *m_session.jira;
  auto& repository = *m_session.repository;
  const auto& workflow = m_session.config->jira.workflow;
  m_waited = false;
  util::wave([&] { actions = sync_actions(); },
             [&] {
               util::wave([&] { transition = advance_to(jira, workflow, moved, WorkflowStep::Reviewing); },
                          [&] { confirm = confirm_facts_of(snapshot); });
               const bool wrote = (transition && *transition == OpStatus::Done) || (confirm && *confirm == OpStatus::Done);
               if (wrote) reread = repository.get_record(snapshot.key);
             });
  m_transition_done = transition;
  m_confirm_done = confirm;
  if (!m_waited) {
    if (transition && *transition == OpStatus::Done) {
      m_fault.status = moved.status;
      m_fault.status_category = moved.status_category;
    }
    m_reread = std::move(reread);
  }  // else: the page step reads the fault again (another publish wrote meanwhile)
  return actions;
}

// Says a page is being created before it is: a crash before the record is written still lets
// the re-run recognise the page as faultline's (found by title, version 1).
void ReviewPublisher::write_intent() {
  ReviewRecord next = m_record;
  next.creating = "pending";
  auto noted = m_session.jira->set_property(m_current.key, k_review_property, next.to_json());
  if (noted) m_intent_written = true;
  else m_intent_error = noted.error();
}

// The page is rendered from the fault as it stands after the writes above, so a re-run
// (which changes nothing) renders the same body.
Result<std::string> ReviewPublisher::render_body() {
  std::optional<FaultRecord> fresh;
  if (m_reread) {
    if (!*m_reread) return std::unexpected(m_reread->error());
    fresh = std::move(**m_reread);
    m_reread.reset();
  } else if (m_read && !m_waited) {
    fresh = *m_read;  // nothing wrote to the fault since it was read
  } else {
    FAULTLINE_TRY(read, m_session.repository->get_record(m_current.key));
    fresh = std::move(*read);
  }
  m_fault = fresh->fault;
  m_rendered_from = std::move(*fresh);
  return render_from(*m_rendered_from);
}

Result<std::string> ReviewPublisher::render_from(const FaultRecord& read) const {
  core::Fault shown = read.fault;
  shown.updated.reset();
  shown.review_page_id.clear();
  shown.review_page_url.clear();
  auto& jira = *m_session.jira;
  std::vector<report::ActionRow> rows;
  for (std::size_t i = 0; i < m_synced.size() && i < m_parsed.doc.actions.size(); ++i) {
    report::ActionRow row;
    row.action = m_parsed.doc.actions[i];
    row.action.key = m_synced[i].action.key;
    row.key = m_synced[i].action.key;
    row.url = jira.browse_url(row.key);
    row.owner_display = m_synced[i].action.owner_display;
    row.status = m_synced[i].action.status;
    rows.push_back(std::move(row));
  }
  const auto& config = *m_session.config;
  const auto timeline = report_timeline(read, config);
  auto data = report::report_data(shown, m_parsed.doc, timeline, rows, m_session.zone, jira.base_url(), std::nullopt,
                                  std::nullopt);
  return report::render_report(data, m_options.template_name, report::Format::Storage, config.team.template_dir);
}

Result<OpStatus> ReviewPublisher::write_page() {
  FAULTLINE_TRY(body, render_body());
  m_body_hash = op_key({m_title, *body});
  m_rendered_sections = core::section_hashes(core::split_page_sections(*body));
  if (!m_page && m_subtasks_unread) return create_page_beside_reread(*body);
  if (!m_page) return create_page(*body);
  const bool recorded = m_record.page_id == m_page->id && m_record.version == m_page->version;
  const bool unchanged = m_page->title == m_title && ((recorded && m_record.hash == m_body_hash) || m_ours_hash == m_body_hash);
  if (unchanged) return OpStatus::Skipped;
  std::string next = *body;
  if (!m_options.force) {
    // What people wrote in Confluence stays (core::merge_page); the page is written only
    // when the merge differs from it.
    if (!m_merge_base_read) {
      if (auto base = read_merge_base(); !base) return std::unexpected(base.error());
    }
    const auto merge = core::merge_page(m_merge_base, m_merge_base_text, m_page->body_storage, *body, prose_keys());
    if (!merge.conflicts.empty()) {
      auto error = conflict_error(merge.conflicts);
      return std::unexpected(error.error());
    }
    m_kept_edits = merge.kept;
    m_added_sections = merge.added;
    next = merge.storage;
    if (m_page->title == m_title && core::section_hash(next) == core::section_hash(m_page->body_storage))
      return OpStatus::Skipped;  // the page already says it all: only the record moves on
  }
  auto labels = m_page->labels;
  FAULTLINE_TRY(updated,
                m_confluence->update_page(*m_page, m_title, next, std::string(k_publish_message_prefix) + m_body_hash));
  m_page = std::move(*updated);
  if (!m_page->labels) m_page->labels = std::move(labels);  // a new version keeps the labels
  m_page_changed = true;
  return OpStatus::Done;
}

// The intent ("creating" in the record) is written first (in the actions wave when run() runs
// the steps), so a crash before the record is written still lets the re-run recognise the
// page as faultline's (found by title, version 1). Data Center gets the labels in the create.
Result<OpStatus> ReviewPublisher::create_page(const std::string& body) {
  if (m_intent_error) {
    auto error = *m_intent_error;
    m_intent_error.reset();
    return std::unexpected(error);
  }
  if (m_intent_written) {
    m_record.creating = "pending";
  } else {
    ReviewRecord intent = m_record;
    intent.creating = m_body_hash;
    if (auto noted = m_session.jira->set_property(m_current.key, k_review_property, intent.to_json()); !noted)
      return std::unexpected(noted.error());
    m_record = intent;
    m_intent_written = true;
  }
  const auto labels = review_page_labels(m_fault.key, m_fault.level, m_fault.type);
  FAULTLINE_TRY(created,
                m_confluence->create_page(m_session.config->confluence.space, m_title, m_parent_id, body, labels));
  m_page = std::move(*created);
  m_page_changed = true;
  return OpStatus::Done;
}

// The first publish's page create in one wave with the read of the sub-tasks just written
// (instead of that read first): the body shows their keys and owners, known from the create
// and the owner lookups. What the read changes in the rows — a status a template shows, a
// duplicate a racing publish made and this one closed — is written as the page's next
// version, only when it changes the body.
Result<OpStatus> ReviewPublisher::create_page_beside_reread(const std::string& body) {
  m_subtasks_unread = false;
  Result<OpStatus> created = OpStatus::Skipped;
  Result<std::vector<ExistingAction>> after = std::unexpected(Error{});
  util::wave([&] { created = create_page(body); }, [&] { after = m_actions.list_by_search(m_current.key); });
  if (!created) return created;
  FAULTLINE_TRY(closed, apply_reread(std::move(after)));
  FAULTLINE_TRY(again, render_from(*m_rendered_from));
  const auto hash = op_key({m_title, *again});
  if (hash == m_body_hash) return created;
  m_body_hash = hash;
  m_rendered_sections = core::section_hashes(core::split_page_sections(*again));
  auto labels = m_page->labels;
  FAULTLINE_TRY(updated,
                m_confluence->update_page(*m_page, m_title, *again, std::string(k_publish_message_prefix) + m_body_hash));
  m_page = std::move(*updated);
  if (!m_page->labels) m_page->labels = std::move(labels);
  return OpStatus::Done;
}

Result<OpStatus> ReviewPublisher::label_page() {
  return label_page_with(review_page_labels(m_fault.key, m_fault.level, m_fault.type));
}

Result<OpStatus> ReviewPublisher::label_page_with(const std::vector<std::string>& wanted) {
  std::vector<std::string> have;
  if (m_page->labels) {  // read with the page (or sent in its create)
    have = *m_page->labels;
  } else {
    FAULTLINE_TRY(read, m_confluence->labels(m_page->id));
    have = std::move(*read);
  }
  std::vector<std::string> missing;
  for (const auto& l : wanted)
    if (std::find(have.begin(), have.end(), l) == have.end()) missing.push_back(l);
  if (missing.empty()) return OpStatus::Skipped;
  if (auto added = m_confluence->add_labels(m_page->id, missing); !added) return std::unexpected(added.error());
  have.insert(have.end(), missing.begin(), missing.end());
  m_page->labels = std::move(have);
  return OpStatus::Done;
}

Result<OpStatus> ReviewPublisher::record_page() {
  ReviewRecord next{m_page->id, m_body_hash, m_page->web_url, m_page->title, "", m_page->version, m_rendered_sections};
  if (next == m_record) return OpStatus::Skipped;
  if (auto written = m_session.jira->set_property(m_current.key, k_review_property, next.to_json()); !written)
    return std::unexpected(written.error());
  m_record = next;
  return OpStatus::Done;
}

Result<OpStatus> ReviewPublisher::link_page() {
  auto& jira = *m_session.jira;
  const auto global_id = review_link_global_id(m_current.id);
  std::optional<Result<std::vector<jira::RemoteLink>>> links;
  if (m_prefetch.links && !m_waited) {
    links = std::move(*m_prefetch.links);  // read in the first wave
    m_prefetch.links.reset();
  } else {
    links = jira.remote_links(m_current.key, global_id);  // Jira answers 404 for a global id it does not have yet
  }
  if (!*links && links->error().kind != ErrorKind::NotFound) return std::unexpected(links->error());
  if (*links) {
    for (const auto& l : **links)
      if (l.global_id == global_id && l.url == m_page->web_url && l.title == m_page->title) return OpStatus::Skipped;
  }
  if (auto upserted = jira.upsert_remote_link(m_current.key, page_link(global_id, *m_page)); !upserted)
    return std::unexpected(upserted.error());
  return OpStatus::Done;
}

Result<OpStatus> ReviewPublisher::save_page_facts() {
  if (m_fault.review_page_id == m_page->id && m_fault.review_page_url == m_page->web_url) return OpStatus::Skipped;
  core::Fault changes;
  changes.review_page_id = m_page->id;
  changes.review_page_url = m_page->web_url;
  auto updated = apply_facts(m_fault, changes);
  if (auto saved = m_session.repository->save(m_fault.key, m_fault, changes, updated); !saved)
    return std::unexpected(saved.error());
  m_fault = updated;
  return OpStatus::Done;
}

std::vector<DroppedAction> ReviewPublisher::find_dropped() const {
  const auto matches = match_actions(m_specs, m_existing);
  std::vector<bool> matched(m_existing.size(), false);
  for (const auto& m : matches)
    if (m.existing) matched[*m.existing] = true;
  std::vector<DroppedAction> dropped;
  for (std::size_t i = 0; i < m_existing.size(); ++i) {
    const auto& a = m_existing[i].action;
    if (matched[i] || core::action_is_done(a)) continue;
    const bool duplicate = std::any_of(m_duplicates_closed.begin(), m_duplicates_closed.end(),
                                       [&](const ClosedDuplicate& d) { return d.closed == a.key; });
    if (duplicate) continue;
    // A second sub-task of an action the file still has is a duplicate, not a dropped action.
    const bool listed = std::any_of(m_specs.begin(), m_specs.end(), [&](const ActionSpec& s) { return s.id == a.id; });
    if (listed && !a.id.empty()) continue;
    dropped.push_back({a.id, a.key, a.summary, a.status, false});
  }
  return dropped;
}

// Actions the file no longer has: listed always; with --prune each gets a comment saying why
// and is closed (a re-run finds them done and does nothing).
Result<OpStatus> ReviewPublisher::prune_dropped() {
  m_dropped = find_dropped();
  if (!m_options.prune || m_dropped.empty()) return OpStatus::Skipped;
  auto& jira = *m_session.jira;
  for (auto& dropped : m_dropped) {
    const auto key = op_key({"review-prune", m_current.key, dropped.key});
    const auto body = fmt::format("Dropped from the review of {}: action `{}` is no longer in the review file, so "
                                  "`faultline review publish --prune` closed this sub-task.",
                                  m_current.key, dropped.id.empty() ? dropped.key : dropped.id);
    if (auto noted = ensure_comment(jira, dropped.key, key, body); !noted) return std::unexpected(noted.error());
    FAULTLINE_TRY(closed, m_actions.mark_done(dropped.key));
    dropped.status = closed->action.status;
    dropped.closed = true;
  }
  return OpStatus::Done;
}

// The `finish` wave: once the page exists, its labels, the record, the remote link and the
// page facts on the fault depend only on it, not on each other.
Result<OpStatus> ReviewPublisher::finish_wave() {
  Result<OpStatus> labels = OpStatus::Skipped;
  const auto wanted = review_page_labels(m_fault.key, m_fault.level, m_fault.type);  // before save changes m_fault
  util::wave([&] { labels = label_page_with(wanted); }, [&] { m_record_done = record_page(); },
             [&] { m_link_done = link_page(); }, [&] { m_save_done = save_page_facts(); },
             [&] {
               // The sub-tasks are written and the page exists: a publish waiting for the lock
               // can go on (it finds both).
               if (m_lock) m_lock->release();
             });
  return labels;
}

namespace {

// The sent log of faultline.notified as validate() read it (one GET fewer at the end).
class ReadSentLog final : public notify::SentLog {
public:
  ReadSentLog(jira::Client& client, std::string key, nlohmann::json value)
      : m_client(client), m_key(std::move(key)), m_value(value.is_object() ? std::move(value) : nlohmann::json::object()) {}

protected:
  const nlohmann::json& value() const override { return m_value; }
  Result<void> store(nlohmann::json next) override {
    FAULTLINE_TRY(written, m_client.set_property(m_key, k_notified_property, next));
    m_value = std::move(next);
    return {};
  }

private:
  jira::Client& m_client;
  std::string m_key;
  nlohmann::json m_value;
};

}  // namespace

void ReviewPublisher::announce() {
  const auto& page = *m_page;
  nlohmann::json review{{"url", page.web_url}, {"title", page.title}};
  if (!m_synced.empty()) review["actions_count"] = static_cast<int>(m_synced.size());
  auto data = fault_event_data(m_fault, "review.published", *m_session.jira, m_session.zone);
  data["review"] = review;
  data["link"] = {{"url", page.web_url}, {"title", page.title}};
  if (!m_prefetch.notified) {
    m_notifications = notify_fault_event(m_services, *m_session.jira, m_fault.key, "review.published", data);
    return;
  }
  auto config = m_services.config();
  if (!config) return;
  const auto route = (*config)->routes.find("review.published");
  if (route == (*config)->routes.end() || route->second.empty()) return;
  ReadSentLog sent_log(*m_session.jira, m_fault.key, *m_prefetch.notified);
  m_notifications = notify_event(m_services, "review.published", data, sent_log,
                                 fault_event_targets(m_services, *m_session.jira, m_fault.key, "review.published"));
}

PublishOutcome ReviewPublisher::outcome() const {
  PublishOutcome outcome;
  outcome.page_id = m_page->id;
  outcome.page_url = m_page->web_url;
  outcome.page_title = m_page->title;
  outcome.page_version = m_page->version;
  outcome.page_changed = m_page_changed;
  for (std::size_t i = 0; i < m_synced.size(); ++i) {
    const auto& a = m_synced[i].action;
    outcome.actions.push_back({m_specs[i].id, a.key, a.summary, a.owner, a.owner_display,
                               a.due ? core::format_date(*a.due) : std::string(), m_synced[i].created,
                               m_synced[i].updated});
  }
  outcome.duplicates_closed = m_duplicates_closed;
  outcome.dropped = m_dropped;
  outcome.kept_edits = m_kept_edits;
  outcome.added_sections = m_added_sections;
  outcome.operations = m_ops.to_json();
  outcome.warnings = m_ops.warnings();
  outcome.notifications = m_notifications;
  return outcome;
}

// The steps keep their names, order and idempotence keys; steps that do not depend on each
// other run in one wave inside the first of them (`actions` runs transition and confirm,
// `labels` runs record, link and save), and their own step hands out that result, so the
// operations list and "stopped at step" read as before.
Result<PublishOutcome> ReviewPublisher::run() {
  const auto& key = m_current.key;
  const auto& workflow = m_session.config->jira.workflow;
  m_intent_pending = true;
  m_defer_reread = true;
  m_ops.add({"actions", op_key({"review-actions", key}), [this] { return actions_wave(); }});
  m_ops.add({"transition", op_key({"transition", key, workflow.reviewing}),
             [this] { return ran_or_run(m_transition_done, [this] { return move_to_reviewing(); }); }});
  m_ops.add({"confirm", op_key({"review-confirm", key}),
             [this] { return ran_or_run(m_confirm_done, [this] { return confirm_facts(); }); }});
  m_ops.add({"page", op_key({"review-page", key}), [this] { return write_page(); }});
  m_ops.add({"labels", op_key({"review-labels", key}), [this] { return finish_wave(); }});
  m_ops.add({"record", op_key({"review-record", key}),
             [this] { return ran_or_run(m_record_done, [this] { return record_page(); }); }});
  m_ops.add({"link", op_key({"review-link", key}),
             [this] { return ran_or_run(m_link_done, [this] { return link_page(); }); }});
  m_ops.add({"save", op_key({"review-save", key}),
             [this] { return ran_or_run(m_save_done, [this] { return save_page_facts(); }); }});
  m_ops.add({"prune", op_key({"review-prune", key}), [this] { return prune_dropped(); }});
  if (auto ran = m_ops.run(); !ran) {
    auto error = ran.error();
    const auto& results = m_ops.results();
    error.message = fmt::format("review publish stopped at step '{}': {}", results.empty() ? "" : results.back().name,
                                error.message);
    if (error.hint.empty()) error.hint = "fix the cause and run the same command again: steps already done are not repeated";
    return std::unexpected(error);
  }
  for (const auto& warning : m_ops.warnings()) m_services.diagnostics().warn(warning);
  if (!m_options.no_notify) announce();
  return outcome();
}

Result<std::string> read_review_file(const std::string& file) {
  auto text = read_file(file);
  if (!text) {
    return fail(ErrorKind::Usage, fmt::format("cannot read review file '{}'", file),
                "check the path (`faultline review init KEY -o FILE` writes one)");
  }
  return text;
}

Result<PublishOutcome> publish_review(Services& services, const PublishOptions& options) {
  FAULTLINE_TRY(text, read_review_file(options.file));
  FAULTLINE_TRY(session, open_fault_session(services));
  ReviewPublisher publisher(services, *session, options);
  if (auto valid = publisher.validate(*text); !valid) return std::unexpected(valid.error());
  if (auto located = publisher.locate_page(); !located) return std::unexpected(located.error());
  return publisher.run();
}

nlohmann::json publish_outcome_json(const PublishOutcome& outcome) {
  auto actions = nlohmann::json::array();
  for (const auto& a : outcome.actions) {
    actions.push_back({{"id", a.id},
                       {"key", a.key},
                       {"summary", a.summary},
                       {"owner", a.owner},
                       {"owner_display", a.owner_display},
                       {"due", a.due.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.due)},
                       {"created", a.created},
                       {"updated", a.updated}});
  }
  auto duplicates = nlohmann::json::array();
  for (const auto& d : outcome.duplicates_closed) duplicates.push_back({{"id", d.id}, {"kept", d.kept}, {"closed", d.closed}});
  auto dropped = nlohmann::json::array();
  for (const auto& d : outcome.dropped)
    dropped.push_back({{"id", d.id}, {"key", d.key}, {"summary", d.summary}, {"status", d.status}, {"closed", d.closed}});
  return {{"page", {{"id", outcome.page_id}, {"url", outcome.page_url}, {"version", outcome.page_version}}},
          {"actions", actions},
          {"duplicates_closed", duplicates},
          {"dropped", dropped},
          {"kept_edits", outcome.kept_edits},
          {"added_sections", outcome.added_sections},
          {"operations", outcome.operations},
          {"warnings", outcome.warnings},
          {"notifications", notifications_json(outcome.notifications)}};
}

}  // namespace faultline::app
