// `review publish`: validation, then the named idempotent steps actions -> fault -> page ->
// labels -> record -> link -> save -> notify (see review_publisher.hpp for edit detection).
#include "faultline/cli/review_publisher.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "faultline/cli/action_repository.hpp"
#include "faultline/cli/fault_operations.hpp"
#include "faultline/cli/fault_repository.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/review.hpp"
#include "faultline/core/timeline.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/report/report.hpp"

namespace faultline::cli {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What faultline.review holds.
struct ReviewRecord {
  std::string page_id, hash, url, title, creating;
  int version = 0;

  nlohmann::json to_json() const {
    nlohmann::json json{{"page_id", page_id}, {"version", version}, {"hash", hash}, {"url", url}, {"title", title}};
    if (!creating.empty()) json["creating"] = creating;
    return json;
  }
  static ReviewRecord from_json(const nlohmann::json& json) {
    ReviewRecord record;
    if (!json.is_object()) return record;
    record.page_id = json.value("page_id", "");
    record.version = json.value("version", 0);
    record.hash = json.value("hash", "");
    record.url = json.value("url", "");
    record.title = json.value("title", "");
    record.creating = json.value("creating", "");
    return record;
  }
  bool operator==(const ReviewRecord&) const = default;
};

// The version message and author of a page's current version (raw call: the Page model has
// neither). Empty strings when the answer does not carry them.
struct VersionInfo {
  std::string message, author;
};

Result<VersionInfo> current_version(confluence::Client& client, const std::string& page_id) {
  VersionInfo info;
  if (client.flavor() == confluence::Flavor::Cloud) {
    auto reply = client.call(http::Method::Get, "/api/v2/pages/" + http::url_encode(page_id));
    if (!reply) return std::unexpected(reply.error());
    const auto& version = reply->body.value("version", nlohmann::json::object());
    info.message = version.value("message", "");
    info.author = version.value("authorId", "");
  } else {
    auto reply = client.call(http::Method::Get, "/rest/api/content/" + http::url_encode(page_id), {{"expand", "version"}});
    if (!reply) return std::unexpected(reply.error());
    const auto& version = reply->body.value("version", nlohmann::json::object());
    info.message = version.value("message", "");
    const auto& by = version.value("by", nlohmann::json::object());
    info.author = by.value("displayName", by.value("username", ""));
  }
  return info;
}

std::string message_hash(std::string_view message) {
  if (!message.starts_with(k_publish_message_prefix)) return {};
  return std::string(message.substr(k_publish_message_prefix.size()));
}

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

Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(ErrorKind::Usage, fmt::format("cannot read review file '{}'", path), "check the path (`faultline review init KEY -o FILE` writes one)");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The Jira site URL (browse_url without "/browse/...").
std::string jira_base_url(const jira::Client& client) {
  auto url = client.browse_url("");
  const std::string_view suffix = "/browse/";
  if (url.ends_with(suffix)) url.resize(url.size() - suffix.size());
  return url;
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

// Whether the fault is at the reviewing step or beyond it.
bool reviewing_or_beyond(const core::Fault& fault, const config::Workflow& workflow) {
  return same_name(fault.status, workflow.reviewing) || same_name(fault.status, workflow.closed) ||
         fault.status_category == "done";
}

}  // namespace

std::string review_link_global_id(std::string_view fault_issue_id) { return "faultline-review:" + std::string(fault_issue_id); }

std::string review_page_title(std::string_view key, std::string_view summary) {
  return fmt::format("{}: {} \u2014 Fault review", key, summary);
}

std::vector<std::string> review_page_labels(std::string_view key, std::string_view level, std::string_view type) {
  std::vector<std::string> labels = {"fault-review", lower(key)};
  if (auto l = core::prefixed_label(core::k_level_label_prefix, level); !l.empty()) labels.push_back(l);
  if (auto t = core::prefixed_label(core::k_type_label_prefix, type); !t.empty()) labels.push_back(t);
  return labels;
}

Result<PublishOutcome> publish_review(Context& ctx, const PublishOptions& options) {
  // ---------------------------------------------------------------- validation: reads only
  auto text = read_file(options.file);
  if (!text) return std::unexpected(text.error());
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  const auto& config = *session->config;
  auto& jira = *session->jira;
  auto& repo = *session->repository;
  const auto* zone = session->zone;
  const auto now = ctx.clock().now();
  const auto today = core::local_date(now, zone);

  auto parsed = core::parse_review(*text, options.file, today, zone);
  auto current = repo.get(options.key);
  if (!current) return std::unexpected(current.error());

  ActionRepository actions(jira, config);
  auto existing = actions.list(current->key);
  if (!existing) return std::unexpected(existing.error());

  auto problems = parsed.problems;
  std::vector<ActionSpec> specs;
  for (const auto& a : parsed.doc.actions) {
    ActionSpec spec{a.id, a.summary, a.due, core::to_string(a.kind), a.owner, std::nullopt, a.key};
    if (!a.owner.empty()) {
      auto owner = actions.resolve_owner(a.owner);
      if (owner) {
        spec.assignee = *owner;
      } else if (owner.error().kind == ErrorKind::Usage) {  // Jira knows no such user
        problems.push_back({options.file, a.line, "owner", owner.error().message});
      } else {
        return std::unexpected(owner.error());
      }
    }
    specs.push_back(std::move(spec));
  }
  const auto matches = match_actions(specs, *existing);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!specs[i].key.empty() && !matches[i].existing)
      problems.push_back({options.file, parsed.doc.actions[i].line, "key",
                          fmt::format("{} is not an action sub-task of {}", specs[i].key, current->key)});
  }
  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const core::ReviewProblem& a, const core::ReviewProblem& b) { return a.line < b.line; });
    Error error{ErrorKind::Usage,
                fmt::format("{}: {} problem{}; nothing was published", options.file, problems.size(),
                            problems.size() == 1 ? "" : "s"),
                "fix the review file and run the same command again", 0, {}};
    for (const auto& p : problems) error.details.push_back(core::to_string(p));
    return std::unexpected(error);
  }

  // The template is checked before any write (the page step renders again, with the keys).
  {
    std::vector<report::ActionRow> rows;
    for (const auto& a : parsed.doc.actions) rows.push_back({a, a.key, {}, {}, {}});
    auto data = report::report_data(*current, parsed.doc, {}, rows, zone, jira_base_url(jira), std::nullopt, std::nullopt);
    auto trial = report::render_report(data, options.template_name, report::Format::Storage, config.team.template_dir);
    if (!trial) return std::unexpected(trial.error());
  }

  auto conf_client = ctx.confluence();
  if (!conf_client) return std::unexpected(conf_client.error());
  auto& conf = **conf_client;
  const auto& space = config.confluence.space;
  auto parent = conf.find_page(space, config.confluence.parent);
  if (!parent) return std::unexpected(parent.error());
  if (!*parent)
    return fail(ErrorKind::Config,
                fmt::format("the parent page '{}' does not exist in Confluence space {}", config.confluence.parent, space),
                "create it, or set [confluence] parent to the title of an existing page");
  const std::string parent_id = (*parent)->id;

  ReviewRecord record;
  if (auto stored = jira.property(current->key, k_review_property)) {
    record = ReviewRecord::from_json(*stored);
  } else if (stored.error().kind != ErrorKind::NotFound) {
    return std::unexpected(stored.error());
  }
  const auto title = review_page_title(current->key, current->summary);

  // The page: by the recorded id, else by title.
  std::optional<confluence::Page> page;
  for (const auto& id : {record.page_id, current->review_page_id}) {
    if (id.empty() || page) continue;
    auto found = conf.get_page(id);
    if (found) page = std::move(*found);
    else if (found.error().kind != ErrorKind::NotFound) return std::unexpected(found.error());
  }
  if (!page) {
    auto found = conf.find_page(space, title);
    if (!found) return std::unexpected(found.error());
    if (*found) page = std::move(**found);
  }

  // Edit detection: a newer version whose message is not faultline's was made by a person.
  std::string ours_hash;  // the hash in the current version's message when it is faultline's
  bool created_by_us = false;  // version 1 made by a publish that stopped before recording it
  if (page) {
    auto version = current_version(conf, page->id);
    if (!version) return std::unexpected(version.error());
    ours_hash = message_hash(version->message);
    const bool recorded = record.page_id == page->id && record.version == page->version;
    created_by_us = !record.creating.empty() && page->version == 1 && record.page_id.empty();
    if (created_by_us) ours_hash = record.creating;
    if (!recorded && ours_hash.empty() && !created_by_us) {
      const auto since = record.page_id == page->id && record.version > 0
                             ? fmt::format("since faultline published version {}", record.version)
                             : std::string("and faultline has no record of publishing it");
      if (!options.force) {
        return fail(ErrorKind::Failed,
                    fmt::format("the review page '{}' (id {}, version {}) was edited in Confluence{} {}; nothing was "
                                "published",
                                page->title, page->id, page->version,
                                version->author.empty() ? "" : " by " + version->author, since),
                    fmt::format("copy the edits into {} and publish again, or publish with --force to overwrite them "
                                "({})",
                                options.file, page->web_url));
      }
      ctx.warn(fmt::format("--force: overwriting the edits made in Confluence to '{}' (version {})", page->title,
                           page->version));
    }
  }

  // ----------------------------------------------------------------------- the steps
  PublishOutcome outcome;
  std::vector<SyncedAction> synced;
  core::Fault fault = *current;
  std::string body;
  std::string body_hash;
  OperationList ops;

  ops.add({"actions", op_key({"review-actions", current->key}), [&]() -> Result<OpStatus> {
             auto done = actions.sync(current->key, specs, *existing);
             if (!done) return std::unexpected(done.error());
             synced = std::move(*done);
             const bool wrote = std::any_of(synced.begin(), synced.end(), [](const SyncedAction& s) { return s.created || s.updated; });
             return wrote ? OpStatus::Done : OpStatus::Skipped;
           }});

  const auto& workflow = config.jira.workflow;
  ops.add({"transition", op_key({"transition", current->key, workflow.reviewing}), [&]() -> Result<OpStatus> {
             if (reviewing_or_beyond(fault, workflow)) return OpStatus::Skipped;
             auto moved = jira.transition_to_status(fault.key, workflow.reviewing);
             if (!moved && moved.error().kind == ErrorKind::Failed &&
                 (same_name(fault.status, workflow.reported) || same_name(fault.status, workflow.handling))) {
               // Workflows that reach "reviewing" only through the earlier steps: walk them
               // forward (never back) from where the fault stands.
               bool walked = true;
               if (same_name(fault.status, workflow.reported))
                 walked = jira.transition_to_status(fault.key, workflow.handling).has_value();
               if (walked) walked = jira.transition_to_status(fault.key, workflow.recovered).has_value();
               if (walked) moved = jira.transition_to_status(fault.key, workflow.reviewing);
             }
             if (!moved) return std::unexpected(moved.error());
             fault.status = moved->to_status.empty() ? workflow.reviewing : moved->to_status;
             return OpStatus::Done;
           }});

  ops.add({"confirm", op_key({"review-confirm", current->key}), [&]() -> Result<OpStatus> {
             auto changes = confirmed_facts(parsed.doc, *current);
             if (!current->reviewed_at) changes.reviewed_at = now;
             if (!has_facts(changes)) return OpStatus::Skipped;
             auto updated = apply_facts(*current, changes);
             updated.status = fault.status;
             if (auto saved = repo.save(current->key, *current, changes, updated); !saved) return std::unexpected(saved.error());
             return OpStatus::Done;
           }});

  // The page is rendered from the fault as it stands after the writes above, so a re-run
  // (which changes nothing) renders the same body and writes no version.
  ops.add({"page", op_key({"review-page", current->key}), [&]() -> Result<OpStatus> {
             auto read = repo.get_record(current->key);
             if (!read) return std::unexpected(read.error());
             fault = read->fault;
             core::Fault shown = fault;
             shown.updated.reset();
             shown.review_page_id.clear();
             shown.review_page_url.clear();
             std::vector<report::ActionRow> rows;
             for (std::size_t i = 0; i < synced.size() && i < parsed.doc.actions.size(); ++i) {
               report::ActionRow row;
               row.action = parsed.doc.actions[i];
               row.action.key = synced[i].action.key;
               row.key = synced[i].action.key;
               row.url = jira.browse_url(row.key);
               row.owner_display = synced[i].action.owner_display;
               row.status = synced[i].action.status;
               rows.push_back(std::move(row));
             }
             const auto timeline = report_timeline(*read, config);
             auto data = report::report_data(shown, parsed.doc, timeline, rows, zone, jira_base_url(jira), std::nullopt,
                                             std::nullopt);
             auto rendered = report::render_report(data, options.template_name, report::Format::Storage, config.team.template_dir);
             if (!rendered) return std::unexpected(rendered.error());
             body = std::move(*rendered);
             body_hash = op_key({title, body});
             const auto message = std::string(k_publish_message_prefix) + body_hash;
             if (page) {
               const bool unchanged = page->title == title &&
                                      ((record.page_id == page->id && record.version == page->version && record.hash == body_hash) ||
                                       ours_hash == body_hash);
               if (unchanged) return OpStatus::Skipped;
               auto updated = conf.update_page(*page, title, body, message);
               if (!updated) return std::unexpected(updated.error());
               page = std::move(*updated);
               outcome.page_changed = true;
               return OpStatus::Done;
             }
             // Say what is being created first, so a crash before the record is written still
             // lets the re-run recognise the page as faultline's (found by title, version 1).
             ReviewRecord intent = record;
             intent.creating = body_hash;
             if (auto noted = jira.set_property(current->key, k_review_property, intent.to_json()); !noted)
               return std::unexpected(noted.error());
             record = intent;
             auto created = conf.create_page(space, title, parent_id, body);
             if (!created) return std::unexpected(created.error());
             page = std::move(*created);
             outcome.page_changed = true;
             return OpStatus::Done;
           }});

  ops.add({"labels", op_key({"review-labels", current->key}), [&]() -> Result<OpStatus> {
             const auto wanted = review_page_labels(fault.key, fault.level, fault.type);
             auto have = conf.labels(page->id);
             if (!have) return std::unexpected(have.error());
             std::vector<std::string> missing;
             for (const auto& l : wanted)
               if (std::find(have->begin(), have->end(), l) == have->end()) missing.push_back(l);
             if (missing.empty()) return OpStatus::Skipped;
             if (auto added = conf.add_labels(page->id, missing); !added) return std::unexpected(added.error());
             return OpStatus::Done;
           }});

  ops.add({"record", op_key({"review-record", current->key}), [&]() -> Result<OpStatus> {
             ReviewRecord next{page->id, body_hash, page->web_url, page->title, "", page->version};
             if (next == record) return OpStatus::Skipped;
             if (auto written = jira.set_property(current->key, k_review_property, next.to_json()); !written)
               return std::unexpected(written.error());
             record = next;
             return OpStatus::Done;
           }});

  ops.add({"link", op_key({"review-link", current->key}), [&]() -> Result<OpStatus> {
             const auto global_id = review_link_global_id(current->id);
             // Jira answers 404 for a global id it does not have yet.
             auto links = jira.remote_links(current->key, global_id);
             if (!links && links.error().kind != ErrorKind::NotFound) return std::unexpected(links.error());
             if (links)
               for (const auto& l : *links)
               if (l.global_id == global_id && l.url == page->web_url && l.title == page->title) return OpStatus::Skipped;
             jira::RemoteLinkInput link;
             link.global_id = global_id;
             link.url = page->web_url;
             link.title = page->title;
             link.summary = "Fault review report";
             link.relationship = "fault review";
             link.application_type = "com.atlassian.confluence";
             link.application_name = "Confluence";
             auto upserted = jira.upsert_remote_link(current->key, link);
             if (!upserted) return std::unexpected(upserted.error());
             return OpStatus::Done;
           }});

  ops.add({"save", op_key({"review-save", current->key}), [&]() -> Result<OpStatus> {
             if (fault.review_page_id == page->id && fault.review_page_url == page->web_url) return OpStatus::Skipped;
             core::Fault changes;
             changes.review_page_id = page->id;
             changes.review_page_url = page->web_url;
             auto updated = apply_facts(fault, changes);
             if (auto saved = repo.save(fault.key, fault, changes, updated); !saved) return std::unexpected(saved.error());
             fault = updated;
             return OpStatus::Done;
           }});

  auto ran = ops.run();
  outcome.operations = ops.to_json();
  if (!ran) {
    auto error = ran.error();
    error.message = fmt::format("review publish stopped at step '{}': {}", ops.results().empty() ? "" : ops.results().back().name,
                                error.message);
    if (error.hint.empty()) error.hint = "fix the cause and run the same command again: steps already done are not repeated";
    return std::unexpected(error);
  }

  outcome.page_id = page->id;
  outcome.page_url = page->web_url;
  outcome.page_title = page->title;
  outcome.page_version = page->version;
  for (std::size_t i = 0; i < synced.size(); ++i) {
    const auto& a = synced[i].action;
    outcome.actions.push_back({specs[i].id, a.key, a.summary, a.owner, a.owner_display,
                               a.due ? core::format_date(*a.due) : std::string(), synced[i].created, synced[i].updated});
  }

  if (!options.no_notify) {
    nlohmann::json review{{"url", page->web_url}, {"title", page->title}};
    if (!synced.empty()) review["actions_count"] = static_cast<int>(synced.size());
    nlohmann::json data{{"fault", fault_event_json(fault, zone)},
                        {"review", review},
                        {"link", {{"url", page->web_url}, {"title", page->title}}},
                        {"mentions", mentions_json(fault.coordinator)},
                        {"dedupe_key", fault.key + ":review.published"}};
    outcome.notifications = notify_fault_event(ctx, jira, fault.key, "review.published", data);
  }
  return outcome;
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
  return {{"page", {{"id", outcome.page_id}, {"url", outcome.page_url}, {"version", outcome.page_version}}},
          {"actions", actions},
          {"operations", outcome.operations},
          {"notifications", notifications_json(outcome.notifications)}};
}

}  // namespace faultline::cli
