// `actions add|list|done`: one action at a time, through the ActionRepository.
#include "faultline/app/actions.hpp"

#include <fmt/format.h>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/services.hpp"
#include "faultline/core/jira_limits.hpp"
#include "faultline/core/review.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

// The request's kind and id, checked before anything is read. Error: Usage.
Result<ActionSpec> validated_spec(const AddActionRequest& request) {
  auto kind = core::parse_action_kind(request.kind);
  if (!kind)
    return fail(ErrorKind::Usage, fmt::format("--kind '{}' is not an action kind", shorten_for_message(request.kind)),
                "use prevent, mitigate, detect or process");
  const std::string id = request.id.empty() ? core::derive_action_id(request.summary) : request.id;
  if (!core::is_valid_action_id(id))
    return fail(ErrorKind::Usage, fmt::format("--id '{}' is not a valid action id", shorten_for_message(id)),
                "use 1 to 40 lower-case letters, digits and '-', starting with a letter or digit");
  if (request.summary.find_first_not_of(" \t") == std::string::npos)
    return fail(ErrorKind::Usage, "--summary is empty", "say what will be done, e.g. --summary \"Alert on 5xx rate\"");
  // The sub-task's summary and the owner's lookup, within Jira's limits before anything is sent.
  if (auto fits = core::check_jira_texts({{"--summary", core::JiraText::Summary, request.summary},
                                          {"--owner", core::JiraText::UserName, request.owner}});
      !fits)
    return std::unexpected(fits.error());
  return ActionSpec{id, request.summary, std::nullopt, core::to_string(*kind), request.owner, std::nullopt, ""};
}

// The due date, from today on. Error: Usage.
Result<date::year_month_day> due_date(const std::string& text, core::TimePoint now, const date::time_zone* zone) {
  const auto today = core::local_date(now, zone);
  auto due = core::parse_date(text, now, zone);
  if (!due) return std::unexpected(Error{ErrorKind::Usage, "--due: " + due.error().message, due.error().hint, 0, {}});
  if (date::sys_days{*due} < date::sys_days{today})
    return fail(ErrorKind::Usage,
                fmt::format("--due {} is in the past (today is {})", core::format_date(*due), core::format_date(today)),
                "give a date from today on, or a relative one such as +7d");
  return *due;
}

}  // namespace

Result<AddedAction> add_action(Services& services, const AddActionRequest& request) {
  FAULTLINE_TRY(spec, validated_spec(request));
  FAULTLINE_TRY(session, open_fault_session(services));
  const auto now = services.clock().now();
  FAULTLINE_TRY(due, due_date(request.due, now, session->zone));
  spec->due = *due;
  FAULTLINE_TRY(fault, session->repository->get(request.key));
  ActionRepository actions(*session->jira, *session->config);
  auto owner = actions.resolve_owner(request.owner);
  if (!owner) {
    auto error = owner.error();
    if (error.kind == ErrorKind::Usage) error.message = "--owner: " + error.message;
    return std::unexpected(error);
  }
  spec->assignee = *owner;
  FAULTLINE_TRY(existing, actions.list(fault->key));
  auto synced = actions.sync(fault->key, {*spec}, *existing);
  if (!synced) return std::unexpected(synced.error());
  AddedAction added{synced->front(), fault->key, spec->id, session->jira->browse_url(synced->front().action.key), {}};
  auto json = core::action_to_json(added.result.action, core::local_date(now, session->zone));
  json["url"] = added.url;
  added.json = {{"action", json}, {"created", added.result.created}, {"updated", added.result.updated}};
  return added;
}

Result<ActionList> list_actions(Services& services, const std::string& fault_key, int limit) {
  FAULTLINE_TRY(session, open_fault_session(services));
  ActionList list;
  list.today = core::local_date(services.clock().now(), session->zone);
  ActionRepository repository(*session->jira, *session->config);
  if (!fault_key.empty()) {
    FAULTLINE_TRY(fault, session->repository->get(fault_key));
    FAULTLINE_TRY(existing, repository.list(fault->key));
    for (auto& e : *existing) {
      if (e.action.parent_summary.empty()) e.action.parent_summary = fault->summary;
      list.actions.push_back(std::move(e.action));
    }
  } else {
    FAULTLINE_TRY(open, repository.search_open(limit));
    list.actions = std::move(*open);
  }
  list.json = nlohmann::json::array();
  for (const auto& a : list.actions) {
    auto json = core::action_to_json(a, list.today);
    json["url"] = session->jira->browse_url(a.key);
    list.json.push_back(std::move(json));
  }
  return list;
}

Result<DoneAction> mark_action_done(Services& services, const std::string& key) {
  FAULTLINE_TRY(session, open_fault_session(services));
  const auto today = core::local_date(services.clock().now(), session->zone);
  ActionRepository repository(*session->jira, *session->config);
  FAULTLINE_TRY(done, repository.mark_done(key));
  DoneAction result{*done, session->jira->browse_url(done->action.key), {}};
  auto json = core::action_to_json(done->action, today);
  json["url"] = result.url;
  result.json = {{"action", json}, {"changed", done->updated}};
  return result;
}

}  // namespace faultline::app
