// `faultline review init|render|publish|pull|schedule`: the review of a recovered fault. The
// subcommands live in review_init.cpp, review_render.cpp, review_publish.cpp, review_pull.cpp
// and review_schedule.cpp.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_review(CLI::App& app, Context& ctx) {
  auto* review = app.add_subcommand("review", "Review a recovered fault: schedule the meeting, scaffold, render and publish the report");
  review->require_subcommand(1);
  register_review_init(*review, ctx);
  register_review_render(*review, ctx);
  register_review_publish(*review, ctx);
  register_review_pull(*review, ctx);
  register_review_schedule(*review, ctx);
}

}  // namespace faultline::cli
