// `faultline review publish KEY FILE [--template NAME] [--force]`: validates the review file
// (every problem with file:line, exit 2, nothing written), then publishes the report page,
// the action sub-tasks, the remote link, the Reviewing status and one chat post. The work is
// in app/review_publisher.cpp.
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faultline/app/review_publisher.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/spooling.hpp"

namespace faultline::cli {

namespace {

Result<ExitCode> run_review_publish(const app::PublishOptions& options, Context& ctx) {
  auto outcome = app::publish_review(ctx, options);
  if (!outcome) {
    return spool_or_fail(ctx, outcome.error(), [&](app::Spool& spool) {
      return app::spool_review_publish(ctx, spool, options, outcome.error());
    });
  }
  if (ctx.options.json) {
    print_json(ctx.out(), app::publish_outcome_json(*outcome));
    return ExitCode::Ok;
  }
  ctx.out() << outcome->page_url << "\n";
  if (!ctx.options.quiet) {
    int created = 0;
    int updated = 0;
    for (const auto& a : outcome->actions) {
      created += a.created ? 1 : 0;
      updated += a.updated ? 1 : 0;
    }
    ctx.err() << fmt::format("{} '{}' (version {}); {} action{}: {} created, {} updated\n",
                             outcome->page_changed ? "published" : "unchanged", outcome->page_title,
                             outcome->page_version, outcome->actions.size(), outcome->actions.size() == 1 ? "" : "s",
                             created, updated);
    if (!outcome->kept_edits.empty() || !outcome->added_sections.empty()) {
      std::vector<std::string> kept = outcome->kept_edits;
      kept.insert(kept.end(), outcome->added_sections.begin(), outcome->added_sections.end());
      ctx.err() << fmt::format("kept the edits made in Confluence to: {}\n", fmt::join(kept, ", "));
    }
    std::vector<std::string> dropped;
    for (const auto& d : outcome->dropped) dropped.push_back(fmt::format("{} ({})", d.key, d.id.empty() ? d.summary : d.id));
    if (!dropped.empty() && outcome->dropped.front().closed) {
      ctx.err() << fmt::format("closed {} action{} no longer in the review file: {}\n", dropped.size(),
                               dropped.size() == 1 ? "" : "s", fmt::join(dropped, ", "));
    } else if (!dropped.empty()) {
      ctx.err() << fmt::format("{} open action{} no longer in the review file: {} (--prune closes them)\n",
                               dropped.size(), dropped.size() == 1 ? "" : "s", fmt::join(dropped, ", "));
    }
  }
  return ExitCode::Ok;
}

}  // namespace

void register_review_publish(CLI::App& review, Context& ctx) {
  auto options = std::make_shared<app::PublishOptions>();
  auto claim_wait_ms = std::make_shared<int>(-1);  // not given: the adaptive settle
  auto* cmd = review.add_subcommand("publish", "Publish a review: Confluence report page, action sub-tasks, chat post");
  cmd->add_option("KEY", options->key, "The fault issue key")->required();
  cmd->add_option("FILE", options->file, "The review file (from `faultline review init`)")->required();
  cmd->add_option("--template", options->template_name, "Report template: fault-analysis (default) or postmortem");
  cmd->add_flag("--force", options->force,
                "Overwrite the page with the rendering, dropping edits made in Confluence (they are merged otherwise)");
  cmd->add_flag("--no-notify", options->no_notify, "Do not post to chat");
  cmd->add_flag("--prune", options->prune,
                "Close the open action sub-tasks the review file no longer lists, each with a comment saying so");
  cmd->add_option("--claim-wait", *claim_wait_ms,
                  "Milliseconds between taking the fault's publishing lock and reading it back (concurrent "
                  "publishes; default: the time from reading the lock to writing it, 100 to 2000)")
      ->check(CLI::Range(0, 60000));
  set_examples(*cmd, {"faultline review publish FAULT-12 reviews/FAULT-12.md",
                      "faultline review publish FAULT-12 reviews/FAULT-12.md --template postmortem --json",
                      "faultline review publish FAULT-12 reviews/FAULT-12.md --force   # overwrite edits made in Confluence"});
  cmd->callback([options, claim_wait_ms, &ctx] {
    if (*claim_wait_ms >= 0) options->claim_wait = std::chrono::milliseconds(*claim_wait_ms);
    finish(ctx, run_review_publish(*options, ctx));
  });
}

}  // namespace faultline::cli
