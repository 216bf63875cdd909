// How a write command hands its work to the spool when Jira, Confluence or chat is unavailable
// (app/spool_replay.hpp), and how it says so: exit 6, the entry named on stderr, and
// {"spooled": ...} under --json.
#pragma once

#include <functional>

#include "faultline/app/spool_replay.hpp"
#include "faultline/cli/context.hpp"
#include "faultline/cli/exit_codes.hpp"

namespace faultline::cli {

// Puts the work in the spool through `keep` when `error` is spoolable, there is a spool and
// this is no dry run, then prints what was spooled and returns ExitCode::Spooled; returns
// `error` otherwise (and when the spool cannot be written: both are said).
Result<ExitCode> spool_or_fail(Context& ctx, const Error& error,
                               const std::function<Result<app::SpooledWork>(app::Spool&)>& keep);

// Before a command that talks to Jira: when the spool holds entries and Jira answers, they
// are replayed first (quietly, at most [spool] sync_seconds, never waiting for another sync)
// so that the command sees the faults the spool opened. Skipped with --no-sync, --dry-run,
// no spool, an empty spool, or a config that does not load (the command reports that).
void sync_before_command(Context& ctx);

}  // namespace faultline::cli
