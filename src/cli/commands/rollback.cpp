// `faultline rollback`: the CI step run on a rollback. Reads the CI provider's documented
// variables (GitHub Actions, GitLab CI, Jenkins), finds the fault (--fault, the dedupe key,
// else the open fault of the service) or opens one (source ci), and records the rollback as
// a property record, a comment and a remote link to the pipeline run (app/record_rollback.hpp).
// A re-run of the same pipeline run changes nothing.
#include <memory>

#include "faultline/app/record_rollback.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct RollbackOptions {
  app::RollbackRequest request;
  std::vector<std::string> ci_fields;
  bool no_notify = false;
};

Result<ExitCode> run_rollback(const RollbackOptions& options, Context& ctx) {
  app::RollbackRequest request = options.request;
  request.notify = !options.no_notify;
  request.ci = core::detect_ci([&ctx](std::string_view name) { return ctx.env().get(name); });
  for (const auto& field : options.ci_fields)
    if (auto applied = core::apply_ci_field(request.ci, field); !applied) return std::unexpected(applied.error());
  FAULTLINE_TRY(outcome, app::record_rollback(ctx, request));
  if (outcome->dry_run) {
    ctx.err() << "dry run: nothing was sent, no fault created\n";
    return ExitCode::Ok;
  }
  if (ctx.options.json) {
    auto zone = ctx.zone();
    print_json(ctx.out(), outcome->to_json(request.ci, zone ? *zone : nullptr));
  } else {
    ctx.out() << outcome->key << "\t" << outcome->url << "\n";
  }
  return ExitCode::Ok;
}

}  // namespace

void register_rollback(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<RollbackOptions>();
  auto* cmd = app.add_subcommand("rollback", "Record a rollback from CI on its fault (opening one when none is open)");
  cmd->add_option("--service", options->request.service, "The service rolled back")->required();
  cmd->add_option("--from", options->request.from, "The version rolled back from")->required();
  cmd->add_option("--to", options->request.to, "The version rolled back to")->required();
  cmd->add_option("--fault", options->request.fault, "The fault to record it on (default: the open fault of the service)");
  cmd->add_option("--dedupe-key", options->request.dedupe_key, "Dedupe key of the fault to find or open (default: the rollback's)");
  one_of(cmd->add_option("--level", options->request.level, "Level of a fault opened for the rollback (default P3)"),
         {"P1", "P2", "P3", "P4"}, false);
  cmd->add_option("--ci-field", options->ci_fields, "Override a CI value: KEY=VALUE (run_url=..., actor=...); repeatable");
  cmd->add_flag("--no-notify", options->no_notify, "Do not announce a fault opened for the rollback");
  set_examples(*cmd, {"faultline rollback --service checkout --from 2026.11.2 --to 2026.11.1",
                      "faultline rollback --service checkout --from v42 --to v41 --fault FAULT-12 --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_rollback(*options, ctx)); });
}

}  // namespace faultline::cli
