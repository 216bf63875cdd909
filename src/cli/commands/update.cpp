// `faultline update KEY`: a progress comment (cause, ETA, status, message) in the flavor's
// body format, the facts saved, the last-update time recorded for the update cadence, and a
// progress post to the channels routed for fault.updated. A re-run with the same values
// finds its comment by its operation marker and posts nothing twice.
#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_operations.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/prompt.hpp"
#include "faultline/jira/client.hpp"

namespace faultline::cli {

namespace {

struct UpdateOptions {
  std::string key;
  std::string message;
  std::string cause;
  std::string eta;
  std::string status;
  bool no_notify = false;
};

bool same_status(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// ETA: a time ("14:00" forms parse_time accepts) or a duration from now ("30m").
Result<core::TimePoint> parse_eta(std::string_view text, core::TimePoint now, const date::time_zone* zone) {
  if (auto duration = core::parse_duration(text)) return now + *duration;
  auto time = core::parse_time(text, now, zone);
  if (!time) return std::unexpected(Error{ErrorKind::Usage, "--eta: " + time.error().message, time.error().hint, 0, {}});
  return *time;
}

Result<ExitCode> run_update(const UpdateOptions& given, Context& ctx) {
  UpdateOptions options = given;
  if (options.message.empty() && options.cause.empty() && options.eta.empty() && options.status.empty()) {
    // Nothing given: ask on a terminal; without one, name the flag (exit 2).
    auto message = ask(ctx, "Update message", "--message");
    if (!message) {
      auto error = message.error();
      error.hint = "give --message, --cause, --eta or --status";
      return std::unexpected(error);
    }
    options.message = *message;
  }
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  auto& repo = *session->repository;
  auto current = repo.get(options.key);
  if (!current) return std::unexpected(current.error());
  const auto now = ctx.clock().now();

  core::Fault changes;
  changes.cause = options.cause;
  changes.progress_status = options.status;
  if (!options.eta.empty()) {
    auto eta = parse_eta(options.eta, now, session->zone);
    if (!eta) return std::unexpected(eta.error());
    changes.eta = *eta;
  }

  std::string body = "**Update**";
  if (!options.status.empty()) body += fmt::format(" — status: {}", options.status);
  body += "\n";
  if (!options.cause.empty()) body += fmt::format("\n- Cause: {}", options.cause);
  if (changes.eta) body += fmt::format("\n- ETA: {}", core::format_iso(*changes.eta, session->zone));
  if (!options.message.empty()) body += fmt::format("\n\n{}", options.message);

  const auto key = op_key({"update", current->key, options.message, options.cause, options.eta, options.status});
  OperationList ops;
  std::string comment_created;
  ops.add({"comment", key, [&]() { return ensure_comment(*session->jira, current->key, key, body, &comment_created); }});
  const auto& handling = session->config->jira.workflow.handling;
  const auto& reported = session->config->jira.workflow.reported;
  ops.add({"transition", op_key({"transition", current->key, handling}), [&]() -> Result<OpStatus> {
             if (!same_status(current->status, reported)) return OpStatus::Skipped;
             auto moved = session->jira->transition_to_status(current->key, handling);
             if (!moved) return std::unexpected(moved.error());
             return OpStatus::Done;
           }});
  core::Fault updated = *current;
  ops.add({"save", key, [&]() -> Result<OpStatus> {
             // The update time is the comment's: a re-run records the same time again.
             changes.last_update_at = now;
             if (!comment_created.empty())
               if (auto at = jira::parse_datetime(comment_created)) changes.last_update_at = *at;
             if (!changes.cause.empty()) updated.cause = changes.cause;
             if (!changes.progress_status.empty()) updated.progress_status = changes.progress_status;
             if (changes.eta) updated.eta = changes.eta;
             updated.last_update_at = changes.last_update_at;
             if (auto saved = repo.save(current->key, *current, changes, updated); !saved) return std::unexpected(saved.error());
             return OpStatus::Done;
           }});
  if (auto ran = ops.run(); !ran) return std::unexpected(ran.error());

  std::vector<notify::DeliveryReport> reports;
  if (!options.no_notify) {
    std::string author;
    if (auto me = session->jira->myself()) author = me->display_name.empty() ? me->ref().id : me->display_name;
    nlohmann::json update{{"status", options.status},
                          {"cause", options.cause},
                          {"eta", changes.eta ? core::format_iso(*changes.eta, session->zone) : ""},
                          {"author", author},
                          {"at", updated.last_update_at ? core::format_iso(*updated.last_update_at, session->zone) : ""},
                          {"text", options.message}};
    nlohmann::json data{{"fault", fault_event_json(updated, session->zone)},
                        {"update", without_empty(update)},
                        {"link", {{"url", session->jira->browse_url(updated.key)}, {"title", updated.key}}},
                        {"dedupe_key", updated.key + ":fault.updated:" + key}};
    reports = notify_fault_event(ctx, *session->jira, updated.key, "fault.updated", data);
  }

  const auto url = session->jira->browse_url(updated.key);
  if (ctx.options.json) {
    const bool commented = !ops.results().empty() && ops.results().front().status == OpStatus::Done;
    print_json(ctx.out(), nlohmann::json{{"key", updated.key},
                                         {"url", url},
                                         {"commented", commented},
                                         {"fault", core::fault_to_json(updated, session->zone)},
                                         {"operations", ops.to_json()},
                                         {"notifications", notifications_json(reports)}});
  } else {
    ctx.out() << updated.key << "\t" << url << "\n";
  }
  return ExitCode::Ok;
}

}  // namespace

void register_update(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<UpdateOptions>();
  auto* cmd = app.add_subcommand("update", "Post a progress update on a fault (comment, fields, chat)");
  cmd->add_option("KEY", options->key, "The fault issue key")->required();
  cmd->add_option("--message", options->message, "What changed, in a sentence or two");
  cmd->add_option("--cause", options->cause, "The cause as known now");
  cmd->add_option("--eta", options->eta, "Expected recovery: a time (ISO 8601) or a duration from now (30m)");
  cmd->add_option("--status", options->status, "Investigation status")
      ->check(CLI::IsMember({"investigating", "identified", "monitoring"}));
  cmd->add_flag("--no-notify", options->no_notify, "Do not post to chat");
  set_examples(*cmd, {"faultline update FAULT-12 --status identified --cause \"bad config push\" --eta 30m",
                      "faultline update FAULT-12 --message \"rollback in progress\" --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_update(*options, ctx)); });
}

}  // namespace faultline::cli
