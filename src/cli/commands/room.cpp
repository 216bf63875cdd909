// `faultline room create|close KEY`: the fault's response room on the team's chat platform
// ([rooms]). create is idempotent by the fault key (a re-run finishes what the first did not:
// invitations, topic, link, the summary post); close posts the closing summary and archives
// the room where the platform can.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/rooms.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

enum class RoomStep { Create, Close };

Result<ExitCode> run_room(RoomStep step, const std::string& key, Context& ctx) {
  auto outcome = step == RoomStep::Create ? app::create_room(ctx, key) : app::close_room(ctx, key);
  if (!outcome) return std::unexpected(outcome.error());
  if (ctx.options.json) {
    print_json(ctx.out(), outcome->to_json());
  } else {
    const auto& room = outcome->record.room;
    for (const auto& warning : outcome->warnings) ctx.err() << "warning: " << ctx.redactor().mask(warning) << "\n";
    if (outcome->dry_run) {
      ctx.err() << "dry run: nothing was created or changed\n";
    } else if (step == RoomStep::Create) {
      ctx.out() << fmt::format("{}\t{}\t{}\t{}\n", key, room.platform, room.id, room.name);
      if (!ctx.options.quiet)
        ctx.err() << fmt::format("{} room {} for {}\n", outcome->created ? "created" : "found", room.name, key);
    } else {
      ctx.out() << fmt::format("{}\t{}\t{}\t{}\n", key, room.platform, room.id, outcome->record.archived ? "archived" : "closed");
      if (!ctx.options.quiet && !outcome->closed) ctx.err() << fmt::format("the room of {} was closed before\n", key);
    }
  }
  for (const auto& report : outcome->notifications)
    if (report.record_failed) return ExitCode::Failed;
  return ExitCode::Ok;
}

}  // namespace

void register_room(CLI::App& app, Context& ctx) {
  auto* room = app.add_subcommand("room", "The fault's response room on the team's chat platform ([rooms])");
  room->require_subcommand(1);

  auto create_key = std::make_shared<std::string>();
  auto* create = room->add_subcommand(
      "create", "Create the fault's room (or find it), invite its people, post the summary, link it from the issue");
  create->add_option("KEY", *create_key, "Fault key (FAULT-42)")->required();
  set_examples(*create, {"faultline room create FAULT-42", "faultline room create FAULT-42 --json"});
  create->callback([create_key, &ctx] { finish(ctx, run_room(RoomStep::Create, *create_key, ctx)); });

  auto close_key = std::make_shared<std::string>();
  auto* close = room->add_subcommand("close", "Post the closing summary to the fault's room and archive it");
  close->add_option("KEY", *close_key, "Fault key (FAULT-42)")->required();
  set_examples(*close, {"faultline room close FAULT-42"});
  close->callback([close_key, &ctx] { finish(ctx, run_room(RoomStep::Close, *close_key, ctx)); });
}

}  // namespace faultline::cli
