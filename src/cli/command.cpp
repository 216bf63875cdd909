#include "faultline/cli/command.hpp"

#include <string>

#include <fmt/format.h>

namespace faultline::cli {

namespace {

void finish_with_error(Context& ctx, const Error& error) {
  // Under --dry-run a write is printed and answered with nothing, so a command that needs the
  // answer (a new issue's key, a page id) cannot go on: the plan ends there, which is what
  // the dry run was asked for, not a failure.
  if (const auto writes = ctx.dry_run_writes(); writes > 0) {
    Error note;
    note.message = fmt::format("dry run: nothing was sent; the plan ends after {} write{}, because the next step needs "
                               "an answer only a real run gets",
                               writes, writes == 1 ? "" : "s");
    note.details = {"stopped at: " + error.message};
    ctx.report(note);
    ctx.exit_code = to_int(ExitCode::Ok);
    return;
  }
  ctx.report(error);
  ctx.exit_code = to_int(exit_code_for(error.kind));
}

}  // namespace

void finish(Context& ctx, const Result<ExitCode>& outcome) {
  if (outcome) {
    // A late failure outranks work left in the spool: both mean "look", but 1 means "by hand".
    auto code = *outcome;
    if (code == ExitCode::Ok && ctx.failed_late) code = ExitCode::Failed;
    if (code == ExitCode::Ok && !ctx.spooled_entries.empty()) code = ExitCode::Spooled;
    ctx.exit_code = to_int(code);
    return;
  }
  finish_with_error(ctx, outcome.error());
}

void finish(Context& ctx, const Result<void>& outcome) {
  if (outcome) {
    finish(ctx, Result<ExitCode>(ExitCode::Ok));
    return;
  }
  finish_with_error(ctx, outcome.error());
}

void set_examples(CLI::App& command, std::initializer_list<const char*> examples) {
  std::string footer = "\nExamples:\n";
  for (const char* example : examples) footer += std::string("  ") + example + "\n";
  command.footer(footer);
}

CLI::Option* one_of(CLI::Option* option, const std::vector<std::string>& values, bool refuse_others) {
  if (refuse_others) return option->check(CLI::IsMember(values));
  // The description only, in the form CLI::IsMember gives it, for --help and completion.
  std::string described = "{";
  for (const auto& value : values) described += (described.size() > 1 ? "," : "") + value;
  return option->check(CLI::Validator([](const std::string&) { return std::string(); }, described + "}"));
}

}  // namespace faultline::cli
