// `faultline review init KEY [-o FILE] [--force]`: writes a review file prefilled from Jira —
// the fault's facts and times in the TOML front matter, its existing action sub-tasks as
// [[action]] tables, and the Markdown sections with a timeline generated from the changelog,
// comments and rollback records. Without -o the file goes to stdout.
#include <algorithm>
#include <filesystem>
#include <memory>

#include "faultline/cli/action_repository.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/action.hpp"
#include "faultline/core/review.hpp"
#include "faultline/core/timeline.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/files.hpp"

namespace faultline::cli {

namespace {

namespace fs = std::filesystem;

struct ReviewInitOptions {
  std::string key;
  std::string output;
  bool force = false;
};

// The config people key whose Jira user is `jira_user`, else the Jira user itself.
std::string person_for(const config::Config& config, const std::string& jira_user) {
  if (jira_user.empty()) return {};
  for (const auto& [key, person] : config.people)
    if (person.jira == jira_user || key == jira_user) return key;
  return jira_user;
}

// One table cell of generated Markdown: pipes escaped, on one line.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string timeline_markdown(const std::vector<core::TimelineEntry>& timeline, const date::time_zone* zone) {
  if (timeline.empty()) return {};
  std::string out = "| Time | Event | By |\n| --- | --- | --- |\n";
  for (const auto& entry : timeline) {
    const std::string iso = core::format_iso(entry.at, zone);  // 2026-11-25T10:00:00+08:00
    const std::string when = iso.size() >= 16 ? iso.substr(0, 10) + " " + iso.substr(11, 5) : iso;
    out += "| " + when + " | " + cell(entry.text) + " | " + cell(entry.author) + " |\n";
  }
  return out;
}

std::string resolution_markdown(const core::Fault& fault) {
  std::string out;
  if (!fault.how.empty()) out += "Recovered by " + fault.how;
  if (!fault.rollback_to.empty()) out += (out.empty() ? "Rolled back" : "") + std::string(" to ") + fault.rollback_to;
  if (!out.empty()) out += ".\n";
  for (const auto& rollback : fault.rollbacks) {
    std::string line = "- Rollback of " + (rollback.service.empty() ? std::string("the service") : rollback.service);
    if (!rollback.from_version.empty()) line += " from " + rollback.from_version;
    if (!rollback.to_version.empty()) line += " to " + rollback.to_version;
    if (!rollback.run_url.empty()) line += " (" + rollback.run_url + ")";
    out += (out.empty() || out.back() == '\n' ? "" : "\n") + line + "\n";
  }
  return out;
}

// The fault's action sub-tasks as [[action]] tables with their key and id, read through the
// parent (not by search, which lags behind writes on Cloud).
Result<std::vector<core::ReviewAction>> existing_actions(FaultSession& session, const core::Fault& fault) {
  ActionRepository repository(*session.jira, *session.config);
  auto existing = repository.list(fault.key);
  if (!existing) return std::unexpected(existing.error());
  std::vector<core::ReviewAction> actions;
  for (const auto& found : *existing) {
    const auto& action = found.action;
    core::ReviewAction out;
    out.key = action.key;
    out.id = action.id.empty() ? core::derive_action_id(action.summary) : action.id;
    out.summary = action.summary;
    out.owner = person_for(*session.config, action.owner);
    if (out.owner.empty()) out.owner = action.owner_display;
    if (action.due) {
      out.due = action.due;
      out.due_text = core::format_date(*action.due);
    }
    if (auto kind = core::parse_action_kind(action.kind)) out.kind = *kind;
    actions.push_back(std::move(out));
  }
  return actions;
}

Result<ExitCode> run_review_init(const ReviewInitOptions& options, Context& ctx) {
  if (!options.output.empty() && !options.force) {
    std::error_code error;
    if (fs::exists(options.output, error))
      return fail(ErrorKind::Usage, options.output + " already exists",
                  "edit it, or pass --force to replace it with a fresh review file");
  }
  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  auto record = session->repository->get_record(options.key);
  if (!record) return std::unexpected(record.error());
  const auto& fault = record->fault;
  const auto* zone = session->zone;
  const auto& config = *session->config;

  core::ReviewDoc doc;
  doc.level = fault.level;
  doc.type = fault.type;
  doc.source = fault.source;
  doc.team = fault.team;
  doc.business_unit = fault.business_unit;
  doc.owner = person_for(config, fault.coordinator.empty() ? config.team.coordinator : fault.coordinator);
  for (const auto& who : {person_for(config, fault.handler), doc.owner})
    if (!who.empty() && std::find(doc.participants.begin(), doc.participants.end(), who) == doc.participants.end())
      doc.participants.push_back(who);
  doc.started_at = fault.started_at;
  doc.detected_at = fault.detected_at;
  doc.recovered_at = fault.recovered_at;
  doc.impact = fault.impact;

  auto actions = existing_actions(*session, fault);
  if (!actions) return std::unexpected(actions.error());
  doc.actions = std::move(*actions);

  const auto timeline = record_timeline(*record);
  for (const auto& title : core::default_review_sections()) {
    core::ReviewSection section{title, "", 0};
    if (title == "Summary") section.markdown = fault.description.empty() ? fault.summary : fault.description;
    else if (title == "Timeline") section.markdown = timeline_markdown(timeline, zone);
    else if (title == "Root cause") section.markdown = fault.cause;
    else if (title == "Resolution") section.markdown = resolution_markdown(fault);
    doc.sections.push_back(std::move(section));
  }
  const std::string text = core::write_review(doc, zone);

  if (options.output.empty()) {
    ctx.out() << text;
    return ExitCode::Ok;
  }
  if (auto written = write_file_atomically(options.output, text); !written) return std::unexpected(written.error());
  if (ctx.options.json) {
    print_json(ctx.out(), {{"key", fault.key}, {"file", options.output}, {"actions", doc.actions.size()}});
  } else if (!ctx.options.quiet) {
    ctx.err() << "Wrote " << options.output << " for " << fault.key << " (" << doc.actions.size()
              << " existing action" << (doc.actions.size() == 1 ? "" : "s") << "). Edit it, then run: faultline review render "
              << fault.key << " " << options.output << "\n";
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
