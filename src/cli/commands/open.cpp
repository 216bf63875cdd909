// `faultline open`: creates the fault issue (mapped fields, the `faultline` property, label
// markers), sets the coordinator as a watcher and announces it to the channels routed for
// fault.opened. With --dedupe-key an open fault carrying the key gets a comment instead, and
// racing runs converge on the oldest fault (app/open_fault.hpp). --from-alert reads an
// Alertmanager or Grafana webhook payload: a firing group opens (or finds) its fault, a
// resolved one comments on it. After creating a fault it shows up to three similar past faults
// (same service, or the title's words) on stderr, or as "similar" in --json; --no-similar
// skips that lookup (one search request, plus property reads on Data Center).
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/open_alerts.hpp"
#include "faultline/app/open_fault.hpp"
#include "faultline/app/rooms.hpp"
#include "faultline/app/search.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/prompt.hpp"
#include "faultline/cli/spooling.hpp"
#include "faultline/core/jira_limits.hpp"

namespace faultline::cli {

namespace {

struct OpenOptions {
  std::string title;
  std::string level;
  std::string type;
  std::string source;
  std::string team;
  std::string service;
  std::string business_unit;
  std::string description;
  std::string started_at;
  std::string coordinator;
  std::string dedupe_key;
  std::vector<std::string> metrics;
  bool no_notify = false;
  bool no_similar = false;
  bool no_room = false;
  std::string from_alert;  // FILE or "-"
  bool per_alert = false;
};

// Decides the level: --level, else the unit's rules over --metric, else a prompt.
Result<std::string> decide_level(const OpenOptions& options, Context& ctx, const config::Config& config) {
  if (!options.level.empty()) return app::normalize_level(options.level, "--level");
  if (!options.metrics.empty()) {
    if (options.business_unit.empty())
      return fail(ErrorKind::Usage, "--metric needs --bu (the business unit whose level rules apply)");
    FAULTLINE_TRY(metrics, app::parse_metrics(options.metrics));
    FAULTLINE_TRY(decision, app::classify_for_unit(config, options.business_unit, *metrics));
    return decision->level;
  }
  FAULTLINE_TRY(answer, ask(ctx, "Level (P1-P4)", "--level"));
  return app::normalize_level(*answer, "--level");
}

Result<ExitCode> run_open_from_alert(const OpenOptions& options, Context& ctx) {
  const bool from_stdin = options.from_alert == "-";
  FAULTLINE_TRY(payload, read_text_argument(ctx, from_stdin ? "-" : "@" + options.from_alert, "--from-alert"));
  app::AlertOpenRequest request{*payload, from_stdin ? "stdin" : options.from_alert, options.per_alert, options.level,
                                options.team, options.service, !options.no_notify};
  auto items = app::open_from_alert(ctx, request);
  if (!items) {
    return spool_or_fail(ctx, items.error(),
                         [&](app::Spool& spool) { return app::spool_alert(ctx, spool, request, items.error()); });
  }
  if (ctx.options.json) {
    auto faults = nlohmann::json::array();
    for (const auto& item : *items) faults.push_back(item.json);
    print_json(ctx.out(), nlohmann::json{{"faults", faults}});
    return ExitCode::Ok;
  }
  for (const auto& item : *items) {
    if (item.resolved) ctx.out() << (item.key.empty() ? std::string("-") : item.key) << "\tresolved\n";
    else ctx.out() << item.key << "\t" << item.url << "\n";
  }
  return ExitCode::Ok;
}

// The fault the flags describe (asking for the title and level on a terminal).
Result<core::Fault> draft_fault(const OpenOptions& options, Context& ctx, const config::Config& config) {
  core::Fault fault;
  fault.summary = options.title;
  if (fault.summary.empty()) {
    FAULTLINE_TRY(answer, ask(ctx, "Title", "--title"));
    fault.summary = *answer;
  }
  FAULTLINE_TRY(level, decide_level(options, ctx, config));
  fault.level = *level;
  if (!options.description.empty()) {
    FAULTLINE_TRY(text, read_text_argument(ctx, options.description, "--description"));
    fault.description = *text;
  }
  FAULTLINE_TRY(zone, ctx.zone());
  const auto now = ctx.clock().now();
  fault.type = options.type;
  fault.source = options.source;
  fault.team = options.team;
  fault.service = options.service;
  fault.business_unit = options.business_unit;
  fault.coordinator = options.coordinator.empty() ? config.team.coordinator : options.coordinator;
  fault.dedupe_key = options.dedupe_key;
  fault.detected_at = now;
  fault.started_at = now;
  if (!options.started_at.empty()) {
    auto started = core::parse_time(options.started_at, now, *zone);
    if (!started) return std::unexpected(Error{ErrorKind::Usage, "--started-at: " + started.error().message, started.error().hint, 0, {}});
    fault.started_at = *started;
  }
  return fault;
}

// The texts the new fault sends, within Jira's limits before anything is read or written
// (exit 2): the title is the issue summary exactly as given (no prefix is added), the
// description a multi-line field, the short facts single-line fields, the coordinator a user
// lookup. Error: Usage naming every flag Jira would refuse.
Result<void> check_fault_texts(const core::Fault& draft) {
  return core::check_jira_texts({
      {"--title", core::JiraText::Summary, draft.summary},
      {"--description", core::JiraText::Description, draft.description},
      {"--type", core::JiraText::TextField, draft.type},
      {"--team", core::JiraText::TextField, draft.team},
      {"--service", core::JiraText::TextField, draft.service},
      {"--bu", core::JiraText::TextField, draft.business_unit},
      {"--dedupe-key", core::JiraText::TextField, draft.dedupe_key},
      {"--coordinator", core::JiraText::UserName, draft.coordinator},
  });
}

// Up to three past faults like the one this run created ("we have seen this before"), looked
// up alongside the new fault's last wave (open_fault's side read); none when the run found an
// open fault instead, lost a race, in a dry run, or with --no-similar. A failed lookup is a
// warning: the fault is open either way.
app::SimilarFaults similar_past_faults(Context& ctx, const app::OpenOutcome& outcome,
                                       std::optional<Result<app::SimilarFaults>>& found) {
  app::SimilarFaults none;
  if (!found || !outcome.created || outcome.dry_run) return none;
  if (!*found) {
    ctx.warn("could not look for similar past faults: " + found->error().message);
    return none;
  }
  return std::move(**found);
}

// The similar faults on stderr: key, date, status, title and the review link when there is one.
void print_similar(Context& ctx, const app::SimilarFaults& similar, const date::time_zone* zone) {
  if (similar.faults.empty() || ctx.options.quiet) return;
  ctx.err() << "seen before? similar past faults:\n";
  for (const auto& fault : similar.faults) {
    const auto review = fault.review_page_url.empty() ? "" : "  review: " + fault.review_page_url;
    ctx.err() << fmt::format("  {}  {}  {}  {}{}\n", fault.key, core::fault_day(fault, zone), fault.status,
                             fit(fault.summary, 60), review);
  }
}

void print_opened(Context& ctx, const app::OpenOutcome& outcome, const app::SimilarFaults& similar,
                  const std::optional<app::RoomOutcome>& room, const date::time_zone* zone) {
  if (ctx.options.json) {
    auto json = outcome.to_json(zone);
    json["similar"] = similar.json;
    json["room"] = room ? room->to_json() : nlohmann::json(nullptr);
    print_json(ctx.out(), json);
    return;
  }
  if (outcome.dry_run) {
    ctx.err() << "dry run: nothing was sent, no fault created\n";
    return;
  }
  ctx.out() << outcome.fault.key << "\t" << outcome.url << "\n";
  if (ctx.options.quiet) return;
  if (!outcome.duplicate_of.empty()) {
    ctx.err() << fmt::format("{} was opened for the same dedupe key at the same time; {} is the older and stands, "
                             "{} was closed as its duplicate\n",
                             outcome.closed_duplicate, outcome.duplicate_of, outcome.closed_duplicate);
  } else if (!outcome.created) {
    ctx.err() << fmt::format("{} is already open for this dedupe key: reported again as a comment\n", outcome.fault.key);
  }
  if (room) ctx.err() << fmt::format("room: {} on {}\n", room->record.room.name, room->record.room.platform);
  print_similar(ctx, similar, zone);
}

Result<ExitCode> run_open(const OpenOptions& options, Context& ctx) {
  FAULTLINE_TRY(config, ctx.config());
  if (!options.from_alert.empty()) return run_open_from_alert(options, ctx);
  FAULTLINE_TRY(draft, draft_fault(options, ctx, **config));
  if (auto fits = check_fault_texts(*draft); !fits) return std::unexpected(fits.error());
  const auto announce = options.no_notify ? app::Announce::No : app::Announce::Yes;
  // Jira (or the field map, or a search) unavailable: the fault goes into the spool and is
  // announced under a provisional key; `faultline sync` opens it.
  auto spool_instead = [&](const Error& error) {
    return spool_or_fail(ctx, error, [&](app::Spool& spool) { return app::spool_open(ctx, spool, *draft, announce, error); });
  };
  auto session = app::open_fault_session_for_open(ctx);
  if (!session) return spool_instead(session.error());
  // Filled on a wave's thread: only the transport is used there, the warning comes after.
  std::optional<Result<app::SimilarFaults>> similar;
  app::SideRead side_read;
  if (!options.no_similar) side_read = [&](const core::Fault& created) { similar = app::find_similar_faults(*session, created); };
  std::string standing;  // a fault this run created or found: then a failure is not spooled
  auto outcome = app::open_fault(ctx, *session, *draft, announce, app::default_settle_policy(ctx), side_read,
                                 app::FoundFault::ReportedAgain, &standing);
  if (!outcome && !standing.empty()) return std::unexpected(outcome.error());
  if (!outcome) return spool_instead(outcome.error());
  // The response room for the levels that get one: never the open's failure (a warning, or
  // the spool when the platform is down).
  std::optional<app::RoomOutcome> room;
  if (outcome->created && !outcome->dry_run && !options.no_notify && !options.no_room)
    room = app::open_room_after_open(ctx, *session, outcome->fault);
  print_opened(ctx, *outcome, similar_past_faults(ctx, *outcome, similar), room, session->zone);
  return ExitCode::Ok;
}

}  // namespace

void register_open(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<OpenOptions>();
  auto* cmd = app.add_subcommand("open", "Open a fault: create the issue, watch it, announce it");
  cmd->add_option("--title", options->title, "What is broken, in one line");
  one_of(cmd->add_option("--level", options->level, "P1..P4 (or give --bu and --metric to classify)"),
         {"P1", "P2", "P3", "P4"}, false);
  cmd->add_option("--type", options->type, "Fault type (Code Defect, Configuration, ...)");
  cmd->add_option("--source", options->source, "Who reported it")
      ->check(CLI::IsMember({"customer", "internal", "monitoring", "ci"}));
  cmd->add_option("--team", options->team, "Team handling the fault");
  cmd->add_option("--service", options->service, "Affected service");
  cmd->add_option("--bu", options->business_unit, "Business unit (its level rules classify --metric)");
  cmd->add_option("--metric", options->metrics, "NAME=NUMBER for classification (scope=12, duration=45); repeatable");
  cmd->add_option("--description", options->description, "Description: TEXT, @FILE or - (stdin)");
  cmd->add_option("--started-at", options->started_at, "When it started (ISO 8601, -15m, now); default now");
  cmd->add_option("--coordinator", options->coordinator, "Coordinator (people key or Jira user); default team.coordinator");
  cmd->add_option("--dedupe-key", options->dedupe_key, "Stable key: an open fault with it gets a comment instead");
  cmd->add_flag("--no-notify", options->no_notify, "Do not announce to chat");
  cmd->add_flag("--no-room", options->no_room, "Do not create the response room ([rooms]) for this fault");
  cmd->add_flag("--no-similar", options->no_similar, "Do not look for similar past faults after opening");
  cmd->add_option("--from-alert", options->from_alert,
                  "Alertmanager (v4) or Grafana webhook payload: FILE or - (stdin); resolved alerts comment");
  cmd->add_flag("--per-alert", options->per_alert, "With --from-alert: one fault per alert, not per group");
  set_examples(*cmd, {"faultline open --title \"Checkout 500s\" --level P2 --service checkout --team payments",
                      "faultline open --title \"Orders lost\" --bu retail --metric scope=12 --metric duration=45",
                      "faultline open --title \"Disk full\" --level P3 --dedupe-key db1-disk --json",
                      "faultline open --from-alert alert.json"});
  cmd->callback([options, &ctx] { finish(ctx, run_open(*options, ctx)); });
}

}  // namespace faultline::cli
