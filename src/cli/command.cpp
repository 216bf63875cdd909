#include "faultline/cli/command.hpp"

#include <string>

namespace faultline::cli {

void finish(Context& ctx, const Result<ExitCode>& outcome) {
  if (outcome) {
    ctx.exit_code = to_int(*outcome);
    return;
  }
  ctx.report(outcome.error());
  ctx.exit_code = to_int(exit_code_for(outcome.error().kind));
}

void finish(Context& ctx, const Result<void>& outcome) {
  if (outcome) {
    ctx.exit_code = to_int(ExitCode::Ok);
    return;
  }
  ctx.report(outcome.error());
  ctx.exit_code = to_int(exit_code_for(outcome.error().kind));
}

void set_examples(CLI::App& command, std::initializer_list<const char*> examples) {
  std::string footer = "\nExamples:\n";
  for (const char* example : examples) footer += std::string("  ") + example + "\n";
  command.footer(footer);
}

}  // namespace faultline::cli
