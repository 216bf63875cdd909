// `faultline sync`: replays the spool — work a command could not do because Jira, Confluence
// or chat was unavailable (app/spool_replay.hpp) — in order, with the same operation keys, so
// nothing is done twice. --status lists the entries without replaying; --drop removes one a
// person has dealt with; the global --dry-run prints the writes a replay would send.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/spool_replay.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct SyncOptions {
  bool status = false;
  bool wait = false;
  std::vector<std::string> drop;  // entry ids or file names
};

Result<app::Spool*> the_spool(Context& ctx) {
  FAULTLINE_TRY(config, ctx.config());
  app::Spool* spool = ctx.spool();
  if (spool == nullptr)
    return fail(ErrorKind::Config, "there is no spool directory: neither [spool] dir, $XDG_STATE_HOME nor $HOME is set",
                "set [spool] dir in the config or FAULTLINE_SPOOL_DIR in the environment");
  return spool;
}

void print_entries(Context& ctx, const app::SyncReport& report) {
  const bool color = ctx.color();
  Table table({"STATUS", "ID", "KIND", "FAULT", "DETAIL"});
  for (const auto& synced : report.entries) {
    const Color tone = synced.status == app::SyncStatus::Done     ? Color::Green
                       : synced.status == app::SyncStatus::Failed ? Color::Red
                                                                  : Color::Yellow;
    std::string fault = synced.key;
    if (!synced.entry.provisional_key.empty())
      fault = fault.empty() ? synced.entry.provisional_key : synced.entry.provisional_key + " -> " + fault;
    table.add_row({paint(app::to_string(synced.status), tone, color), synced.entry.id.empty() ? synced.entry.file : synced.entry.id,
                   synced.entry.kind, fault, ctx.redactor().mask(fit(synced.detail, 120))});
  }
  table.print(ctx.out(), ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
}

Result<ExitCode> drop_entries(Context& ctx, app::Spool& spool, const std::vector<std::string>& names) {
  FAULTLINE_TRY(entries, spool.list());
  nlohmann::json dropped = nlohmann::json::array();
  for (const auto& name : names) {
    const auto found = std::find_if(entries->begin(), entries->end(),
                                    [&](const app::SpoolEntry& e) { return e.id == name || e.file == name; });
    if (found == entries->end())
      return fail(ErrorKind::NotFound, fmt::format("--drop {}: no such entry in {}", name, spool.dir().string()),
                  "`faultline sync --status` lists the entries");
    if (auto removed = spool.remove(*found); !removed) return std::unexpected(removed.error());
    dropped.push_back(found->id.empty() ? found->file : found->id);
    if (!ctx.options.json && !ctx.options.quiet) ctx.err() << fmt::format("dropped {}\n", dropped.back().get<std::string>());
  }
  if (ctx.options.json) print_json(ctx.out(), {{"dropped", dropped}});
  return ExitCode::Ok;
}

Result<ExitCode> run_sync(const SyncOptions& options, Context& ctx) {
  FAULTLINE_TRY(spool, the_spool(ctx));
  if (!options.drop.empty()) return drop_entries(ctx, **spool, options.drop);
  app::SyncReport report;
  if (options.status) {
    FAULTLINE_TRY(status, app::spool_status(ctx, **spool));
    report = std::move(*status);
  } else {
    app::SyncOptions sync;
    sync.wait_for_lock = options.wait;
    FAULTLINE_TRY(synced, app::sync_spool(ctx, **spool, sync));
    report = std::move(*synced);
  }
  if (ctx.options.json) {
    print_json(ctx.out(), report.to_json(**spool));
  } else if (report.busy) {
    ctx.err() << "faultline: another faultline is replaying the spool now; nothing done (--wait waits for it)\n";
  } else if (report.entries.empty()) {
    if (!ctx.options.quiet) ctx.err() << fmt::format("the spool is empty ({})\n", (*spool)->dir().string());
  } else {
    print_entries(ctx, report);
    if (!ctx.options.quiet && !options.status)
      ctx.err() << fmt::format("{} done, {} waiting, {} failed, {} skipped\n", report.count(app::SyncStatus::Done),
                               report.count(app::SyncStatus::Waiting), report.count(app::SyncStatus::Failed),
                               report.count(app::SyncStatus::Skipped));
  }
  if (options.status || ctx.dry_run()) return ExitCode::Ok;
  if (report.count(app::SyncStatus::Failed) > 0) return ExitCode::Failed;
  if (report.count(app::SyncStatus::Waiting) > 0 || report.busy) return ExitCode::Spooled;
  return ExitCode::Ok;
}

}  // namespace

void register_sync(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<SyncOptions>();
  auto* cmd = app.add_subcommand("sync", "Replay the spool: work kept while Jira, Confluence or chat was unavailable");
  cmd->add_flag("--status", options->status, "List the spooled entries and why they wait; replay nothing");
  cmd->add_flag("--wait", options->wait, "Wait for another faultline replaying the spool instead of leaving");
  cmd->add_option("--drop", options->drop, "Remove the entry with this id (or file name) from the spool; repeatable");
  set_examples(*cmd, {"faultline sync", "faultline sync --status --json", "faultline sync --dry-run",
                      "faultline sync --drop 3f9a2c1b07de"});
  cmd->callback([options, &ctx] { finish(ctx, run_sync(*options, ctx)); });
}

}  // namespace faultline::cli
