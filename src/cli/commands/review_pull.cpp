// `faultline review pull KEY FILE`: the prose edited in Confluence back into the review file
// (app/review_pull.cpp), so the file in git stays the source of truth. --dry-run says what
// would change and writes nothing.
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faultline/app/review_pull.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

Result<ExitCode> run_review_pull(const app::PullOptions& options, Context& ctx) {
  FAULTLINE_TRY(outcome, app::pull_review(ctx, options));
  if (ctx.options.json) {
    print_json(ctx.out(), outcome->to_json());
    return ExitCode::Ok;
  }
  if (outcome->updated.empty() && outcome->added.empty()) {
    ctx.out() << fmt::format("{} already says what the page says (version {})\n", options.file, outcome->page_version);
    return ExitCode::Ok;
  }
  const char* verb = outcome->written ? "updated" : "would update";
  if (!outcome->updated.empty())
    ctx.out() << fmt::format("{} {} from {} (version {}): {}\n", verb, options.file, outcome->page_url,
                             outcome->page_version, fmt::join(outcome->updated, ", "));
  if (!outcome->added.empty())
    ctx.out() << fmt::format("{} sections added in Confluence: {}\n", outcome->written ? "appended" : "would append",
                             fmt::join(outcome->added, ", "));
  return ExitCode::Ok;
}

}  // namespace

void register_review_pull(CLI::App& review, Context& ctx) {
  auto options = std::make_shared<app::PullOptions>();
  auto* cmd = review.add_subcommand("pull", "Bring prose edited on the Confluence review page back into the review file");
  cmd->add_option("KEY", options->key, "The fault issue key")->required();
  cmd->add_option("FILE", options->file, "The review file to update")->required();
  set_examples(*cmd, {"faultline review pull FAULT-12 reviews/FAULT-12.md",
                      "faultline --dry-run review pull FAULT-12 reviews/FAULT-12.md   # what would change"});
  cmd->callback([options, &ctx] { finish(ctx, run_review_pull(*options, ctx)); });
}

}  // namespace faultline::cli
