// `faultline board [--team T]`: the three lanes the team watches — open faults (level, age,
// last update, review deadline), overdue fault actions and pending fault actions. On a
// terminal: three columns side by side when it is at least 120 columns wide, else three
// sections, with colour; tab-separated rows (lane first) when piped; --json prints
// {"faults":[...],"overdue":[...],"pending":[...]}.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include <fmt/format.h>

#include "faultline/app/tracking.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/core/tracking.hpp"

namespace faultline::cli {

namespace {

constexpr int k_wide_columns = 120;
constexpr std::string_view k_gap = "  ";

struct BoardOptions {
  std::string team;
};

// One line of a column: plain text and its colour (painted after padding).
struct Cell {
  std::string text;
  std::optional<Color> color;
};

// The terminal width: $COLUMNS, else the window size of stdout, else 80.
int terminal_columns(Context& ctx) {
  if (auto columns = ctx.env().get("COLUMNS")) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(columns->data(), columns->data() + columns->size(), value);
    if (ec == std::errc{} && ptr == columns->data() + columns->size() && value > 0) return value;
  }
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

std::optional<Color> level_color(std::string_view level) {
  if (level == "P1") return Color::Red;
  if (level == "P2") return Color::Yellow;
  return std::nullopt;
}

std::string age_of(const core::Fault& fault, core::TimePoint now) {
  const auto since = fault.started_at ? fault.started_at : fault.created;
  if (!since) return "";
  return core::format_age(std::chrono::duration_cast<std::chrono::milliseconds>(now - *since));
}

std::string last_update_of(const core::Fault& fault, core::TimePoint now) {
  const auto last = fault.last_update_at ? fault.last_update_at : fault.updated;
  if (!last) return "";
  return core::format_age(std::chrono::duration_cast<std::chrono::milliseconds>(now - *last)) + " ago";
}

// "2026-11-26 10:00" in the zone, or "".
std::string short_time(std::optional<core::TimePoint> t, const date::time_zone* zone) {
  if (!t) return "";
  const auto local = date::make_zoned(zone, std::chrono::time_point_cast<std::chrono::minutes>(*t));
  return date::format("%Y-%m-%d %H:%M", local.get_local_time());
}

std::string review_of(const core::Fault& fault, const app::Board& board) {
  const auto deadline = core::effective_review_deadline(fault, board.policy);
  if (!deadline) return "";
  const auto state = core::review_state(fault.recovered_at, fault.reviewed_at, *deadline, board.now, fault.review_scheduled_at);
  std::string text = short_time(deadline, board.zone);
  if (state == core::ReviewState::Overdue) text += " (overdue)";
  if (state == core::ReviewState::Scheduled) text += " (meeting " + short_time(fault.review_scheduled_at, board.zone) + ")";
  if (!fault.review_late_reason.empty()) text += " (late, reason in show)";
  return text;
}

// --- piped: tab-separated rows, the lane first ------------------------------------------------
void print_rows(Context& ctx, const app::Board& board) {
  auto& out = ctx.out();
  for (const auto& f : board.faults) {
    out << fmt::format("fault\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", f.key, f.level, f.status, age_of(f, board.now),
                       last_update_of(f, board.now), review_of(f, board), f.summary);
  }
  for (const auto* lane : {&board.lanes.overdue, &board.lanes.pending}) {
    const char* name = lane == &board.lanes.overdue ? "overdue" : "pending";
    for (const auto& a : *lane) {
      out << fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", name, a.key, a.parent, core::owner_label(a),
                         a.due ? core::format_date(*a.due) : "", core::days_overdue(a, board.today), a.status, a.summary);
    }
  }
}

// --- terminal, narrow: three sections ----------------------------------------------------------
void print_sections(Context& ctx, const app::Board& board, bool color) {
  auto& out = ctx.out();
  out << paint(fmt::format("Faults ({})", board.faults.size()), Color::Bold, color) << "\n";
  if (board.faults.empty()) {
    out << "  (none)\n";
  } else {
    Table table({"KEY", "LEVEL", "STATUS", "AGE", "LAST UPDATE", "REVIEW BY", "SUMMARY"});
    for (const auto& f : board.faults) {
      const auto colour = level_color(f.level);
      table.add_row({f.key, colour ? paint(f.level, *colour, color) : f.level, f.status, age_of(f, board.now),
                     last_update_of(f, board.now), review_of(f, board), f.summary});
    }
    table.print(out, TableStyle::Aligned);
  }
  out << "\n" << paint(fmt::format("Overdue fault actions ({})", board.lanes.overdue.size()), Color::Bold, color) << "\n";
  if (board.lanes.overdue.empty()) {
    out << "  (none)\n";
  } else {
    Table table({"KEY", "OVERDUE", "DUE", "OWNER", "STATUS", "FAULT", "SUMMARY"});
    for (const auto& a : board.lanes.overdue) {
      table.add_row({a.key, paint(fmt::format("{}d", core::days_overdue(a, board.today)), Color::Red, color),
                     a.due ? core::format_date(*a.due) : "", core::owner_label(a), a.status, a.parent, a.summary});
    }
    table.print(out, TableStyle::Aligned);
  }
  out << "\n" << paint(fmt::format("Pending fault actions ({})", board.lanes.pending.size()), Color::Bold, color) << "\n";
  if (board.lanes.pending.empty()) {
    out << "  (none)\n";
  } else {
    Table table({"KEY", "DUE", "OWNER", "STATUS", "FAULT", "SUMMARY"});
    for (const auto& a : board.lanes.pending) {
      table.add_row({a.key, a.due ? core::format_date(*a.due) : "-", core::owner_label(a), a.status, a.parent, a.summary});
    }
    table.print(out, TableStyle::Aligned);
  }
}

// --- terminal, wide: three columns ----------------------------------------------------------
std::vector<Cell> fault_column(const app::Board& board) {
  std::vector<Cell> cells{{fmt::format("FAULTS ({})", board.faults.size()), Color::Bold}};
  for (const auto& f : board.faults) {
    cells.push_back({fmt::format("{} {} {} · {}", f.key, f.level, f.status, age_of(f, board.now)), level_color(f.level)});
    cells.push_back({"  " + f.summary, std::nullopt});
    std::string facts;
    if (const auto update = last_update_of(f, board.now); !update.empty()) facts = "updated " + update;
    if (const auto review = review_of(f, board); !review.empty()) {
      if (!facts.empty()) facts += " · ";
      facts += "review by " + review;
    }
    if (!facts.empty()) cells.push_back({"  " + facts, Color::Dim});
  }
  if (board.faults.empty()) cells.push_back({"(none)", Color::Dim});
  return cells;
}

std::vector<Cell> action_column(const app::Board& board, bool overdue) {
  const auto& lane = overdue ? board.lanes.overdue : board.lanes.pending;
  std::vector<Cell> cells{{fmt::format("{} ACTIONS ({})", overdue ? "OVERDUE" : "PENDING", lane.size()), Color::Bold}};
  for (const auto& a : lane) {
    std::string head = a.key + " ";
    if (overdue) {
      head += fmt::format("{}d overdue", core::days_overdue(a, board.today));
    } else {
      head += a.due ? "due " + core::format_date(*a.due) : "no due date";
    }
    head += " · " + core::owner_label(a);
    cells.push_back({head, overdue ? std::optional<Color>(Color::Red) : std::nullopt});
    cells.push_back({"  " + a.summary, std::nullopt});
    cells.push_back({fmt::format("  {} · {}", a.parent, a.status), Color::Dim});
  }
  if (lane.empty()) cells.push_back({"(none)", Color::Dim});
  return cells;
}

void print_columns(Context& ctx, const app::Board& board, int columns, bool color) {
  const auto width = static_cast<std::size_t>((columns - 2 * static_cast<int>(k_gap.size())) / 3);
  const std::vector<std::vector<Cell>> lanes = {fault_column(board), action_column(board, true),
                                                action_column(board, false)};
  std::size_t rows = 0;
  for (const auto& lane : lanes) rows = std::max(rows, lane.size());
  for (std::size_t row = 0; row < rows; ++row) {
    std::string line;
    for (std::size_t col = 0; col < lanes.size(); ++col) {
      const bool last = col + 1 == lanes.size();
      const Cell cell = row < lanes[col].size() ? lanes[col][row] : Cell{};
      std::string text = last ? fit(cell.text, width) : pad(cell.text, width);
      if (cell.color) text = paint(text, *cell.color, color);
      line += text;
      if (!last) line += k_gap;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    ctx.out() << line << "\n";
  }
}

Result<ExitCode> run_board(const BoardOptions& options, Context& ctx) {
  FAULTLINE_TRY(board, app::load_board(ctx, options.team));
  if (ctx.options.json) {
    print_json(ctx.out(), board->json);
  } else if (!ctx.streams().out_tty) {
    print_rows(ctx, *board);
  } else if (const int columns = terminal_columns(ctx); columns >= k_wide_columns) {
    print_columns(ctx, *board, columns, ctx.color());
  } else {
    print_sections(ctx, *board, ctx.color());
  }
  return ExitCode::Ok;
}

}  // namespace

void register_board(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<BoardOptions>();
  auto* cmd = app.add_subcommand("board", "The three lanes: open faults, overdue and pending fault actions");
  cmd->add_option("--team", options->team, "Only this team's faults and their actions");
  set_examples(*cmd, {"faultline board", "faultline board --team payments", "faultline board --json | jq '.overdue'"});
  cmd->callback([options, &ctx] { finish(ctx, run_board(*options, ctx)); });
}

}  // namespace faultline::cli
