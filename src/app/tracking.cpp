// Board, action lanes, fault list and one fault: reads for people.
#include "faultline/app/tracking.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "faultline/app/action_search.hpp"
#include "faultline/app/fault_session.hpp"
#include "faultline/app/services.hpp"
#include "faultline/app/users.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/waves.hpp"

namespace faultline::app {

namespace {

void add_urls(nlohmann::json& items, const jira::Client& client) {
  for (auto& item : items) item["url"] = client.browse_url(item["key"].get_ref<const std::string&>());
}

// The JQL of a fault list (level already normalized): the project's faults, open ones unless
// asked otherwise.
Result<std::string> list_jql(const FaultListRequest& request, const FaultRepository& repo, core::TimePoint now,
                             const date::time_zone* zone) {
  std::vector<std::string> clauses = {repo.fault_scope_jql()};
  if (!request.all && request.status.empty()) clauses.push_back("statusCategory != " + core::jql_quote("Done"));
  if (!request.status.empty()) clauses.push_back("status = " + core::jql_quote(request.status));
  if (!request.level.empty())
    clauses.push_back("labels = " + core::jql_quote(core::prefixed_label(core::k_level_label_prefix, request.level)));
  if (!request.since.empty()) {
    auto since = core::parse_time(request.since, now, zone);
    if (!since) return std::unexpected(Error{ErrorKind::Usage, "--since: " + since.error().message, since.error().hint, 0, {}});
    clauses.push_back("created >= " + core::jql_quote(core::format_minutes(*since, zone)));
  }
  return core::jql_and(clauses) + " ORDER BY created DESC";
}

nlohmann::json actions_json(const std::vector<ExistingAction>& actions, const jira::Client& client) {
  auto list = nlohmann::json::array();
  for (const auto& existing : actions) {
    const auto& a = existing.action;
    list.push_back({{"key", a.key},
                    {"summary", a.summary},
                    {"status", a.status},
                    {"status_category", a.status_category},
                    {"owner", a.owner_display},
                    {"due", a.due ? core::format_date(*a.due) : std::string()},
                    {"url", client.browse_url(a.key)}});
  }
  return list;
}

}  // namespace

Result<Board> load_board(Services& services, const std::string& team) {
  FAULTLINE_TRY(session, open_fault_session(services));
  const auto& config = *session->config;
  Board board;
  board.now = services.clock().now();
  board.zone = session->zone;
  board.today = core::today_in(board.now, board.zone);
  board.policy = core::ReviewPolicy{config.team.review_due_hours, config.team.review_due_hours_by_level};

  core::ActionQuery query;
  query.project = config.jira.project;
  query.today = board.today;
  // Two independent reads, together: the open faults and every open action (both sorted
  // below, so either may come in any order). Nothing in the wave prints progress.
  FAULTLINE_TRY(transport, services.transport());
  auto& jira = *session->jira;
  auto& repository = *session->repository;
  const auto faults_jql = core::open_faults_jql(config.jira.project, config.jira.fault_type);
  Result<std::vector<core::Fault>> faults = std::vector<core::Fault>{};
  Result<std::vector<core::Action>> actions = std::vector<core::Action>{};
  const std::vector<std::string> board_facts(std::begin(core::k_board_facts), std::end(core::k_board_facts));
  util::wave([&] { faults = repository.read_all(faults_jql, board_facts); },
             [&] { actions = read_actions(jira, **transport, query, ActionReadOptions{true, {}}); });
  if (!faults) return std::unexpected(faults.error());
  if (!actions) return std::unexpected(actions.error());
  std::map<std::string, std::string> known_teams;  // the open faults' teams: not read again for the team filter
  for (const auto& fault : *faults) known_teams[fault.key] = fault.team;
  board.faults = core::filter_faults_by_team(std::move(*faults), team);
  core::sort_fault_lane(board.faults);

  FAULTLINE_TRY(kept, filter_actions_by_team(*session->repository, std::move(*actions), team, known_teams));
  board.lanes = core::assign_lanes(std::move(*kept), board.today);

  board.json = core::board_json(board.faults, board.lanes, board.now, board.zone, board.policy);
  for (const char* lane : {"faults", "overdue", "pending"}) add_urls(board.json[lane], *session->jira);
  return board;
}

Result<ActionLanesView> find_action_lanes(Services& services, const ActionLanesRequest& request) {
  FAULTLINE_TRY(session, open_fault_session(services));
  std::string owner;
  if (!request.owner.empty()) {
    FAULTLINE_TRY(user, resolve_user(*session->jira, *session->config, request.owner));
    owner = user->id;
  }
  ActionLanesView view;
  view.today = core::today_in(services.clock().now(), session->zone);
  core::ActionQuery query;
  query.project = session->config->jira.project;
  query.today = view.today;
  query.owner = owner;
  // Both lanes: one search for every open action.
  if (!request.overdue || !request.pending)
    query.lane = request.overdue ? core::ActionLane::Overdue : core::ActionLane::Pending;
  // assign_lanes sorts them: any order will do.
  FAULTLINE_TRY(found, search_actions(services, *session->jira, query, true));
  FAULTLINE_TRY(kept, filter_actions_by_team(*session->repository, std::move(*found), request.team));
  // The lanes are decided again here on the team's "today" (the JQL used the same date),
  // which also sorts them and drops anything done meanwhile.
  view.lanes = core::assign_lanes(std::move(*kept), view.today);
  if (!request.overdue) view.lanes.overdue.clear();
  if (!request.pending) view.lanes.pending.clear();
  view.json = nlohmann::json::array();
  for (const auto lane : {core::ActionLane::Overdue, core::ActionLane::Pending}) {
    for (const auto& action : lane == core::ActionLane::Overdue ? view.lanes.overdue : view.lanes.pending) {
      auto item = core::action_to_json(action, view.today);
      item["lane"] = core::to_string(lane);
      item["url"] = session->jira->browse_url(action.key);
      view.json.push_back(std::move(item));
    }
  }
  return view;
}

std::string review_state_of(const core::Fault& fault, core::TimePoint now) {
  if (!fault.review_deadline) return "not_due";
  return core::to_string(core::review_state(fault.recovered_at, fault.reviewed_at, *fault.review_deadline, now, fault.review_scheduled_at));
}

Result<FaultList> list_faults(Services& services, const FaultListRequest& given) {
  FaultListRequest request = given;
  if (!request.level.empty()) {
    FAULTLINE_TRY(level, normalize_level(request.level, "--level"));
    request.level = *level;
  }
  FAULTLINE_TRY(session, open_fault_session(services));
  FaultList list;
  list.now = services.clock().now();
  list.zone = session->zone;
  FAULTLINE_TRY(jql, list_jql(request, *session->repository, list.now, list.zone));
  FAULTLINE_TRY(faults, session->repository->search(*jql, request.limit));
  std::erase_if(*faults, [&](const core::Fault& f) {
    return (!request.team.empty() && f.team != request.team) || (!request.service.empty() && f.service != request.service);
  });
  list.faults = std::move(*faults);
  list.json = nlohmann::json::array();
  for (const auto& f : list.faults) {
    auto item = core::fault_to_json(f, list.zone);
    item["url"] = session->jira->browse_url(f.key);
    item["review_state"] = review_state_of(f, list.now);
    list.json.push_back(std::move(item));
  }
  return list;
}

Result<FaultView> show_fault(Services& services, const std::string& key) {
  FAULTLINE_TRY(session, open_fault_session(services));
  FAULTLINE_TRY(record, session->repository->get_record(key));
  FaultView view;
  view.fault = record->fault;
  view.zone = session->zone;
  view.url = session->jira->browse_url(view.fault.key);
  view.timeline = record_timeline(*record);
  ActionRepository repository(*session->jira, *session->config);
  FAULTLINE_TRY(actions, repository.list(view.fault.key));
  view.actions = std::move(*actions);
  std::stable_sort(view.actions.begin(), view.actions.end(), [](const ExistingAction& a, const ExistingAction& b) {
    if (a.action.due && b.action.due) return *a.action.due < *b.action.due;
    return a.action.due.has_value() && !b.action.due.has_value();
  });
  view.review_state = review_state_of(view.fault, services.clock().now());
  view.json = core::fault_to_json(view.fault, view.zone);
  view.json["url"] = view.url;
  view.json["timeline"] = core::timeline_to_json(view.timeline, view.zone);
  view.json["actions"] = actions_json(view.actions, *session->jira);
  view.json["review_state"] = review_state_of(view.fault, services.clock().now());
  return view;
}

}  // namespace faultline::app
