// `faultline review render KEY FILE [-o OUT] [--format storage|html|markdown] [--data]
// [--template NAME] [--offline]`: validates the review file (every problem as file:line:
// field: message, exit 2), reads the fault, its timeline and its action sub-tasks from Jira,
// checks every action owner as `review publish` does (an unknown owner is a problem of the
// file, exit 2), and renders the report locally. Nothing is written to Jira or Confluence.
// --data prints the JSON document the templates receive instead. With --offline, no Jira
// configured, or Jira unreachable, it renders from the file alone and warns "owners not
// checked: <reason>" on stderr.
#include <memory>

#include "faultline/app/review_report.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/util/files.hpp"

namespace faultline::cli {

namespace {

struct ReviewRenderOptions {
  app::RenderRequest request;
  std::string output;
  std::string format = "storage";
};

Result<ExitCode> run_review_render(const ReviewRenderOptions& options, Context& ctx) {
  FAULTLINE_TRY(format, report::parse_format(options.format));
  auto request = options.request;
  request.format = *format;
  FAULTLINE_TRY(rendered, app::render_review(ctx, request));
  if (options.output.empty()) {
    ctx.out() << *rendered;
    return ExitCode::Ok;
  }
  if (auto written = write_file_atomically(options.output, *rendered); !written) return std::unexpected(written.error());
  if (!ctx.options.quiet) ctx.err() << "Wrote " << options.output << (request.data_only ? " (template data)" : "") << "\n";
  return ExitCode::Ok;
}

}  // namespace

void register_review_render(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ReviewRenderOptions>();
  auto* cmd = parent.add_subcommand("render", "Validate a review file and render the report locally (no writes)");
  cmd->add_option("KEY", options->request.key, "The fault issue key")->required();
  cmd->add_option("FILE", options->request.file, "The review file")->required();
  cmd->add_option("-o,--output", options->output, "Write the report here (default: stdout)");
  cmd->add_option("--format", options->format, "storage (Confluence, default), html or markdown")
      ->check(CLI::IsMember({"storage", "html", "markdown"}));
  cmd->add_flag("--data", options->request.data_only, "Print the JSON document the templates receive instead");
  cmd->add_option("--template", options->request.template_name,
                  "Report template: fault-analysis (default), postmortem, or one in team.template_dir/review/");
  cmd->add_flag("--offline", options->request.offline,
                "Render from the review file alone, without reading Jira (owners are not checked)");
  set_examples(*cmd, {"faultline review render FAULT-12 reviews/FAULT-12.md --format html -o /tmp/FAULT-12.html",
                      "faultline review render FAULT-12 reviews/FAULT-12.md --data | jq .actions",
                      "faultline review render FAULT-12 reviews/FAULT-12.md --offline --format markdown"});
  cmd->callback([options, &ctx] { finish(ctx, run_review_render(*options, ctx)); });
}

}  // namespace faultline::cli
