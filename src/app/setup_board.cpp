// `setup board`: the three lane filters and the faults board, found by name and updated.
#include "faultline/app/setup_board.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::app {

namespace {

// One lane's saved filter as it should be.
struct LaneFilter {
  std::string lane;  // faults | overdue | pending
  jira::FilterInput input;
};

// `jql` with `clause` ANDed in before its ORDER BY.
std::string and_before_order(const std::string& jql, const std::string& clause) {
  const auto order = jql.find(" ORDER BY ");
  if (order == std::string::npos) return jql + " AND " + clause;
  return jql.substr(0, order) + " AND " + clause + jql.substr(order);
}

// The three lane filters. A saved filter cannot carry faultline's date in the team's zone, so
// the action lanes use Jira's startOfDay(), which Jira evaluates in the viewing user's zone.
std::vector<LaneFilter> lane_filters(const config::Config& config, const std::string& prefix) {
  const auto& project = config.jira.project;
  core::ActionQuery all_actions;
  all_actions.project = project;
  const auto actions = core::actions_jql(all_actions);
  return {
      {"faults",
       {fmt::format("{}: open faults ({})", prefix, project), core::open_faults_jql(project, config.jira.fault_type),
        "Open faults (status category not Done). Maintained by `faultline setup board`."}},
      {"overdue",
       {fmt::format("{}: overdue actions ({})", prefix, project), and_before_order(actions, "duedate < startOfDay()"),
        "Fault actions due before today (Jira evaluates startOfDay() in your Jira profile's time zone). "
        "Maintained by `faultline setup board`."}},
      {"pending",
       {fmt::format("{}: pending actions ({})", prefix, project),
        and_before_order(actions, "(duedate >= startOfDay() OR duedate is EMPTY)"),
        "Fault actions not done and not overdue. Maintained by `faultline setup board`."}},
  };
}

std::string filter_url(const std::string& base, const jira::Filter& filter) {
  if (!filter.id.empty()) return base + "/issues/?filter=" + http::url_encode(filter.id);
  return filter.view_url;
}

std::string board_url(const std::string& base, const std::string& id) {
  return base + "/secure/RapidBoard.jspa?rapidView=" + http::url_encode(id);
}

// The steps the API cannot do, with the JQL to paste.
std::vector<std::string> manual_steps(const config::Config& config, const std::vector<LaneFilter>& filters,
                                      bool board_made) {
  std::vector<std::string> steps;
  if (!board_made) {
    steps.push_back(fmt::format(
        "Create the board by hand: Boards > Create board > Kanban > \"Board from an existing saved filter\" > "
        "choose \"{}\", location project {}.",
        filters[0].input.name, config.jira.project));
  }
  steps.push_back(
      "Swimlanes (Board settings > Swimlanes > Base swimlanes on: Queries), one per level, in this order:");
  for (const char* level : {"P1", "P2", "P3", "P4"}) {
    steps.push_back(fmt::format("  {}: labels = {}", level,
                                core::jql_quote(core::prefixed_label(core::k_level_label_prefix, level))));
  }
  steps.push_back("Quick filters (Board settings > Quick filters > Add):");
  // Unset workflow steps ([jira.workflow] "") have no status to filter on or show as a column.
  const auto& workflow = config.jira.workflow;
  if (!workflow.recovered.empty())
    steps.push_back(fmt::format("  Awaiting review: status = {}", core::jql_quote(workflow.recovered)));
  if (!workflow.handling.empty())
    steps.push_back(fmt::format("  Being handled: status = {}", core::jql_quote(workflow.handling)));
  steps.push_back("  Mine: assignee = currentUser()");
  std::vector<std::string> columns;
  for (const auto* status : {&workflow.reported, &workflow.handling, &workflow.recovered, &workflow.reviewing})
    if (!status->empty()) columns.push_back(*status);
  std::string closed_hint = workflow.closed.empty() ? std::string() : fmt::format(" (leave {} out or last)", workflow.closed);
  steps.push_back(fmt::format("Columns (Board settings > Columns): {}{}.", fmt::join(columns, " | "), closed_hint));
  steps.push_back(
      "The action lanes are filters, not board columns: add the overdue and pending filters to a dashboard "
      "(Dashboards > Add gadget > Filter Results) or subscribe to the overdue filter (Filters > Details > "
      "New subscription).");
  steps.push_back(
      "Overdue in the saved filter uses duedate < startOfDay(), evaluated in each viewer's Jira time zone; "
      "`faultline board` and `faultline remind` use team.timezone (" + config.team.timezone + ").");
  return steps;
}

// One lane's filter created, updated or left as it is; its JSON entry.
Result<nlohmann::json> ensure_filter(jira::Client& client, const LaneFilter& lane, const std::string& base, bool dry_run) {
  FAULTLINE_TRY(existing, client.find_my_filter(lane.input.name));
  jira::Filter filter;
  std::string status;
  if (!*existing) {
    FAULTLINE_TRY(created, client.create_filter(lane.input));
    filter = *created;
    status = "created";
  } else if ((*existing)->jql != lane.input.jql) {
    FAULTLINE_TRY(updated, client.update_filter((*existing)->id, lane.input));
    filter = *updated;
    if (filter.id.empty()) filter.id = (*existing)->id;
    status = "updated";
  } else {
    filter = **existing;
    status = "unchanged";
  }
  return nlohmann::json{{"lane", lane.lane},
                        {"name", lane.input.name},
                        {"id", filter.id},
                        {"jql", lane.input.jql},
                        {"url", filter_url(base, filter)},
                        {"status", dry_run && status != "unchanged" ? "dry_run" : status}};
}

// The faults board found by name, or created on the faults filter; "not_permitted" when Jira
// refuses. Error: Jira's error other than a refusal.
Result<nlohmann::json> ensure_board(jira::Client& client, const config::Config& config, const std::string& prefix,
                                    const std::string& faults_filter_id, bool dry_run) {
  const std::string base = config.jira.url;
  const auto name = fmt::format("{}: faults ({})", prefix, config.jira.project);
  auto found = client.find_board(name, config.jira.project);
  if (!found && found.error().kind != ErrorKind::Auth) return std::unexpected(found.error());
  if (!found) return nlohmann::json{{"name", name}, {"status", "not_permitted"}, {"error", found.error().message}};
  if (*found)
    return nlohmann::json{{"name", name}, {"id", (*found)->id}, {"url", board_url(base, (*found)->id)}, {"status", "unchanged"}};
  if (dry_run && faults_filter_id.empty()) return nlohmann::json{{"name", name}, {"id", ""}, {"url", ""}, {"status", "dry_run"}};
  auto created = client.create_board({name, jira::BoardType::Kanban, faults_filter_id, config.jira.project});
  if (created) {
    return nlohmann::json{{"name", name}, {"id", created->id}, {"url", board_url(base, created->id)},
                          {"status", dry_run ? "dry_run" : "created"}};
  }
  if (created.error().kind == ErrorKind::Auth || created.error().http_status == 403)
    return nlohmann::json{{"name", name}, {"status", "not_permitted"}, {"error", created.error().message}};
  return std::unexpected(created.error());
}

}  // namespace

nlohmann::json SetupBoardOutcome::to_json() const {
  return nlohmann::json{{"filters", filters}, {"board", board}, {"manual_steps", manual_steps}};
}

Result<SetupBoardOutcome> setup_board(Services& services, const SetupBoardRequest& request) {
  FAULTLINE_TRY(session, open_fault_session(services));
  auto& client = *session->jira;
  const auto& config = *session->config;
  const auto filters = lane_filters(config, request.prefix);
  SetupBoardOutcome outcome;
  std::string faults_filter_id;
  for (const auto& lane : filters) {
    FAULTLINE_TRY(filter, ensure_filter(client, lane, config.jira.url, services.dry_run()));
    if (lane.lane == "faults") faults_filter_id = (*filter)["id"].get<std::string>();
    outcome.filters.push_back(std::move(*filter));
  }
  bool board_made = !request.board;
  if (request.board) {
    FAULTLINE_TRY(board, ensure_board(client, config, request.prefix, faults_filter_id, services.dry_run()));
    board_made = (*board)["status"] != "not_permitted";
    outcome.board = std::move(*board);
  }
  outcome.manual_steps = manual_steps(config, filters, board_made);
  return outcome;
}

}  // namespace faultline::app
