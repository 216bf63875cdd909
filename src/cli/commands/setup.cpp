// `faultline setup board`: the Jira filters for the three tracking lanes (open faults,
// overdue actions, pending actions), created or updated by name (never duplicated: the
// caller's own filter of the same name is updated), and an agile board on the faults filter
// where the user may create one (found by name first). Prints their URLs and the manual steps
// (swimlanes, quick filters) the REST API cannot configure. Safe to re-run.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/setup_board.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct SetupBoardOptions {
  std::string prefix = "faultline";
  bool no_board = false;
};

void print_setup(Context& ctx, const app::SetupBoardOutcome& outcome) {
  auto& out = ctx.out();
  for (const auto& f : outcome.filters) {
    out << fmt::format("filter\t{}\t{}\t{}\n", f["status"].get<std::string>(), f["name"].get<std::string>(),
                       f["url"].get<std::string>());
  }
  const auto& board = outcome.board;
  if (board.is_object()) {
    out << fmt::format("board\t{}\t{}\t{}\n", board["status"].get<std::string>(), board["name"].get<std::string>(),
                       board.value("url", ""));
    if (board["status"] == "not_permitted") {
      ctx.warn("setup board: Jira refused to create the board (" + board.value("error", std::string()) +
               "); create it by hand as below");
    }
  }
  out << "\nManual steps (the Jira API cannot configure these):\n";
  for (const auto& step : outcome.manual_steps) out << step << "\n";
}

Result<ExitCode> run_setup_board(const SetupBoardOptions& options, Context& ctx) {
  auto outcome = app::setup_board(ctx, {options.prefix, !options.no_board});
  if (!outcome) return std::unexpected(outcome.error());
  if (ctx.options.json) {
    print_json(ctx.out(), outcome->to_json());
  } else {
    print_setup(ctx, *outcome);
  }
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
