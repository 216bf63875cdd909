// `faultline setup board`: the Jira filters for the three tracking lanes (open faults,
// overdue actions, pending actions), created or updated by name (never duplicated: the
// caller's own filter of the same name is updated), and an agile board on the faults filter
// where the user may create one (found by name first). Prints their URLs and the manual steps
// (swimlanes, quick filters) the REST API cannot configure. Safe to re-run.
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/query.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::cli {

namespace {

struct SetupBoardOptions {
  std::string prefix = "faultline";
  bool no_board = false;
};

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
  steps.push_back(fmt::format("  Awaiting review: status = {}", core::jql_quote(config.jira.workflow.recovered)));
  steps.push_back(fmt::format("  Being handled: status = {}", core::jql_quote(config.jira.workflow.handling)));
  steps.push_back("  Mine: assignee = currentUser()");
  steps.push_back(fmt::format("Columns (Board settings > Columns): {} | {} | {} | {} (leave {} out or last).",
                              config.jira.workflow.reported, config.jira.workflow.handling,
                              config.jira.workflow.recovered, config.jira.workflow.reviewing,
                              config.jira.workflow.closed));
  steps.push_back(
      "The action lanes are filters, not board columns: add the overdue and pending filters to a dashboard "
      "(Dashboards > Add gadget > Filter Results) or subscribe to the overdue filter (Filters > Details > "
      "New subscription).");
  steps.push_back(
      "Overdue in the saved filter uses duedate < startOfDay(), evaluated in each viewer's Jira time zone; "
      "`faultline board` and `faultline remind` use team.timezone (" + config.team.timezone + ").");
  return steps;
}

Result<ExitCode> run_setup_board(const SetupBoardOptions& options, Context& ctx) {
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  auto& client = *session->jira;
  const auto& config = *session->config;
  const std::string base = config.jira.url;
  const auto filters = lane_filters(config, options.prefix);

  auto filter_list = nlohmann::json::array();
  std::string faults_filter_id;
  for (const auto& lane : filters) {
    auto existing = client.find_my_filter(lane.input.name);
    if (!existing) return std::unexpected(existing.error());
    jira::Filter filter;
    std::string status;
    if (!*existing) {
      auto created = client.create_filter(lane.input);
      if (!created) return std::unexpected(created.error());
      filter = *created;
      status = "created";
    } else if ((*existing)->jql != lane.input.jql) {
      auto updated = client.update_filter((*existing)->id, lane.input);
      if (!updated) return std::unexpected(updated.error());
      filter = *updated;
      if (filter.id.empty()) filter.id = (*existing)->id;
      status = "updated";
    } else {
      filter = **existing;
      status = "unchanged";
    }
    if (lane.lane == "faults") faults_filter_id = filter.id;
    filter_list.push_back(nlohmann::json{{"lane", lane.lane},
                                         {"name", lane.input.name},
                                         {"id", filter.id},
                                         {"jql", lane.input.jql},
                                         {"url", filter_url(base, filter)},
                                         {"status", ctx.options.dry_run && status != "unchanged" ? "dry_run" : status}});
  }

  nlohmann::json board = nullptr;
  bool board_made = false;
  if (!options.no_board) {
    const auto name = fmt::format("{}: faults ({})", options.prefix, config.jira.project);
    auto found = client.find_board(name, config.jira.project);
    if (!found && found.error().kind != ErrorKind::Auth) return std::unexpected(found.error());
    if (found && *found) {
      board = {{"name", name}, {"id", (*found)->id}, {"url", board_url(base, (*found)->id)}, {"status", "unchanged"}};
      board_made = true;
    } else if (found && ctx.options.dry_run && faults_filter_id.empty()) {
      board = {{"name", name}, {"id", ""}, {"url", ""}, {"status", "dry_run"}};
      board_made = true;
    } else if (found) {
      auto created = client.create_board({name, jira::BoardType::Kanban, faults_filter_id, config.jira.project});
      if (created) {
        board = {{"name", name}, {"id", created->id}, {"url", board_url(base, created->id)},
                 {"status", ctx.options.dry_run ? "dry_run" : "created"}};
        board_made = true;
      } else if (created.error().kind == ErrorKind::Auth || created.error().http_status == 403) {
        board = {{"name", name}, {"status", "not_permitted"}, {"error", created.error().message}};
      } else {
        return std::unexpected(created.error());
      }
    } else {
      board = {{"name", name}, {"status", "not_permitted"}, {"error", found.error().message}};
    }
  }

  const auto steps = manual_steps(config, filters, board_made || options.no_board);
  if (ctx.options.json) {
    print_json(ctx.out(), nlohmann::json{{"filters", filter_list}, {"board", board}, {"manual_steps", steps}});
    return ExitCode::Ok;
  }
  auto& out = ctx.out();
  for (const auto& f : filter_list) {
    out << fmt::format("filter\t{}\t{}\t{}\n", f["status"].get<std::string>(), f["name"].get<std::string>(),
                       f["url"].get<std::string>());
  }
  if (board.is_object()) {
    out << fmt::format("board\t{}\t{}\t{}\n", board["status"].get<std::string>(), board["name"].get<std::string>(),
                       board.value("url", ""));
    if (board["status"] == "not_permitted") {
      ctx.warn("setup board: Jira refused to create the board (" + board.value("error", std::string()) +
               "); create it by hand as below");
    }
  }
  out << "\nManual steps (the Jira API cannot configure these):\n";
  for (const auto& step : steps) out << step << "\n";
  return ExitCode::Ok;
}

}  // namespace

void register_setup(CLI::App& app, Context& ctx) {
  auto* setup = app.add_subcommand("setup", "Set up Jira for faultline: filters and board for the tracking lanes");
  setup->require_subcommand(1);
  auto options = std::make_shared<SetupBoardOptions>();
  auto* board = setup->add_subcommand("board", "Create or update the three lane filters and the faults board");
  board->add_option("--prefix", options->prefix, "Prefix of the filter and board names (default: faultline)");
  board->add_flag("--no-board", options->no_board, "Only the filters; no agile board");
  set_examples(*board, {"faultline setup board", "faultline setup board --json", "faultline --dry-run setup board"});
  board->footer(board->get_footer() + "\n" +
      "Filters (yours, favourited): \"<prefix>: open faults (<project>)\", \"... overdue actions ...\",\n"
      "\"... pending actions ...\"; found by name and updated, never duplicated. The board is a Kanban board\n"
      "on the open-faults filter, found by name first; when Jira refuses (403) the manual steps say how.\n"
      "The overdue filter uses duedate < startOfDay(), which Jira evaluates in your Jira time zone.");
  board->callback([options, &ctx] { finish(ctx, run_setup_board(*options, ctx)); });
}

}  // namespace faultline::cli
