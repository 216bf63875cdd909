#include "faultline/cli/spooling.hpp"

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

Result<ExitCode> spool_or_fail(Context& ctx, const Error& error,
                               const std::function<Result<app::SpooledWork>(app::Spool&)>& keep) {
  app::Spool* spool = ctx.spool();
  if (!app::is_spoolable(error) || ctx.dry_run() || spool == nullptr) return std::unexpected(error);
  auto work = keep(*spool);
  if (!work) {
    // Refused before it could wait (a bad --eta): that is the answer, not the outage.
    if (work.error().kind == ErrorKind::Usage || work.error().kind == ErrorKind::Config) return std::unexpected(work.error());
    auto both = error;
    both.details.push_back("and it could not be spooled: " + work.error().message);
    return std::unexpected(both);
  }
  if (ctx.options.json) {
    print_json(ctx.out(), work->to_json(*spool));
  } else {
    ctx.out() << (work->entry.provisional_key.empty() ? work->entry.id : work->entry.provisional_key)
              << "\tspooled\t" << work->entry.id << "\n";
  }
  ctx.report(Error{ErrorKind::Unavailable, work->describe(*spool), {}, error.http_status, error.details});
  return ExitCode::Spooled;
}

}  // namespace faultline::cli

namespace faultline::cli {

void sync_before_command(Context& ctx) {
  if (ctx.options.no_sync || ctx.dry_run()) return;
  app::Spool* spool = ctx.spool();
  if (spool == nullptr || !spool->has_entries()) return;
  auto config = ctx.loaded_config();
  if (!config || (*config)->spool.sync_seconds == 0) return;
  const auto budget = std::chrono::seconds((*config)->spool.sync_seconds);
  if (!ctx.jira_answers(std::min<std::chrono::milliseconds>(budget, std::chrono::seconds(3)))) return;
  app::SyncOptions options;
  options.deadline = std::chrono::steady_clock::now() + budget;
  auto report = app::sync_spool(ctx, *spool, options);
  if (!report) {
    ctx.warn("the spool could not be replayed: " + report.error().message);
    return;
  }
  const auto done = report->count(app::SyncStatus::Done);
  if (done > 0) {
    std::vector<std::string> reached;
    for (const auto& entry : report->entries)
      if (entry.status == app::SyncStatus::Done && !entry.key.empty()) reached.push_back(entry.key);
    ctx.warn(fmt::format("replayed {} spooled entr{} first ({}); `faultline sync --status` lists what is left", done,
                         done == 1 ? "y" : "ies", fmt::join(reached, ", ")));
  }
}

}  // namespace faultline::cli
