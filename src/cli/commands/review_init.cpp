// `faultline review init KEY [-o FILE] [--force]`: writes a review file prefilled from Jira —
// the fault's facts and times in the TOML front matter, its existing action sub-tasks as
// [[action]] tables, and the Markdown sections with a timeline generated from the changelog,
// comments and rollback records. Without -o the file goes to stdout.
#include <filesystem>
#include <memory>

#include "faultline/app/review_report.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/util/files.hpp"

namespace faultline::cli {

namespace {

struct ReviewInitOptions {
  std::string key;
  std::string output;
  bool force = false;
};

Result<ExitCode> run_review_init(const ReviewInitOptions& options, Context& ctx) {
  if (!options.output.empty() && !options.force) {
    std::error_code error;
    if (std::filesystem::exists(options.output, error))
      return fail(ErrorKind::Usage, options.output + " already exists",
                  "edit it, or pass --force to replace it with a fresh review file");
  }
  FAULTLINE_TRY(scaffold, app::scaffold_review(ctx, options.key));
  if (options.output.empty()) {
    ctx.out() << scaffold->text;
    return ExitCode::Ok;
  }
  if (auto written = write_file_atomically(options.output, scaffold->text); !written)
    return std::unexpected(written.error());
  if (ctx.options.json) {
    print_json(ctx.out(), {{"key", scaffold->key}, {"file", options.output}, {"actions", scaffold->actions}});
  } else if (!ctx.options.quiet) {
    ctx.err() << "Wrote " << options.output << " for " << scaffold->key << " (" << scaffold->actions << " existing action"
              << (scaffold->actions == 1 ? "" : "s") << "). Edit it, then run: faultline review render " << scaffold->key
              << " " << options.output << "\n";
  }
  return ExitCode::Ok;
}

}  // namespace

void register_review_init(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ReviewInitOptions>();
  auto* cmd = parent.add_subcommand("init", "Write a review file prefilled from Jira (TOML front matter + Markdown)");
  cmd->add_option("KEY", options->key, "The fault issue key")->required();
  cmd->add_option("-o,--output", options->output, "Write the review file here (default: stdout)");
  cmd->add_flag("--force", options->force, "Replace an existing output file");
  set_examples(*cmd, {"faultline review init FAULT-12 -o reviews/FAULT-12.md",
                      "faultline review init FAULT-12 > FAULT-12.md"});
  cmd->callback([options, &ctx] { finish(ctx, run_review_init(*options, ctx)); });
}

}  // namespace faultline::cli
