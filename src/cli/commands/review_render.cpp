// `faultline review render KEY FILE [-o OUT] [--format storage|html|markdown] [--data]
// [--template NAME]`: validates the review file (every problem as file:line: field: message,
// exit 2), reads the fault, its timeline and its action sub-tasks from Jira, and renders the
// report locally. Nothing is written to Jira or Confluence. --data prints the JSON document
// the templates receive instead.
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "faultline/cli/action_repository.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/fault_session.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/core/action.hpp"
#include "faultline/core/review.hpp"
#include "faultline/core/timeline.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/files.hpp"
#include "faultline/report/report.hpp"

namespace faultline::cli {

namespace {

namespace fs = std::filesystem;

struct ReviewRenderOptions {
  std::string key;
  std::string file;
  std::string output;
  std::string format = "storage";
  std::string template_name = "fault-analysis";
  bool data = false;
};

Result<std::string> read_review_file(const std::string& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error))
    return fail(ErrorKind::NotFound, "no review file " + path, "create one with: faultline review init KEY -o " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorKind::Failed, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The report rows of the file's actions, with the sub-task found by key or stable id (read
// through the parent, not by search, which lags behind writes on Cloud).
Result<std::vector<report::ActionRow>> action_rows(FaultSession& session, const core::Fault& fault,
                                                   const core::ReviewDoc& review) {
  ActionRepository repository(*session.jira, *session.config);
  auto existing = repository.list(fault.key);
  if (!existing) return std::unexpected(existing.error());
  std::map<std::string, core::Action> by_key, by_id;
  for (const auto& found : *existing) {
    const auto& action = found.action;
    by_key[action.key] = action;
    if (!action.id.empty()) by_id[action.id] = action;
  }
  std::vector<report::ActionRow> rows;
  for (const auto& action : review.actions) {
    report::ActionRow row{action, "", "", "", ""};
    const core::Action* found = nullptr;
    if (!action.key.empty()) {
      if (auto it = by_key.find(action.key); it != by_key.end()) found = &it->second;
    } else if (auto it = by_id.find(action.id); it != by_id.end()) {
      found = &it->second;
    }
    row.key = found ? found->key : action.key;
    if (!row.key.empty()) row.url = session.jira->browse_url(row.key);
    if (found) {
      row.owner_display = found->owner_display;
      row.status = found->status;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<ExitCode> run_review_render(const ReviewRenderOptions& options, Context& ctx) {
  auto format = report::parse_format(options.format);
  if (!format) return std::unexpected(format.error());
  auto text = read_review_file(options.file);
  if (!text) return std::unexpected(text.error());

  auto session = open_fault_session(ctx);
  if (!session) return std::unexpected(session.error());
  const auto* zone = session->zone;
  const auto now = ctx.clock().now();
  const auto parsed = core::parse_review(*text, options.file, core::local_date(now, zone), zone);
  if (!parsed.problems.empty()) {
    for (const auto& problem : parsed.problems) ctx.err() << core::to_string(problem) << "\n";
    return fail(ErrorKind::Usage,
                fmt::format("{}: {} problem{} in the review file", options.file, parsed.problems.size(),
                            parsed.problems.size() == 1 ? "" : "s"),
                "fix them and run again");
  }

  auto record = session->repository->get_record(options.key);
  if (!record) return std::unexpected(record.error());
  const auto timeline = record_timeline(*record);
  auto rows = action_rows(*session, record->fault, parsed.doc);
  if (!rows) return std::unexpected(rows.error());

  std::string base = session->jira->browse_url("");
  if (const auto at = base.rfind("/browse/"); at != std::string::npos) base.resize(at);
  std::optional<report::PageInfo> page;
  if (!record->fault.review_page_url.empty() || !record->fault.review_page_id.empty())
    page = report::PageInfo{record->fault.review_page_id, record->fault.review_page_url, 0};
  const auto data = report::report_data(record->fault, parsed.doc, timeline, *rows, zone, base, page, now);

  std::string out;
  if (options.data) {
    out = data.dump(2) + "\n";
  } else {
    auto rendered = report::render_report(data, options.template_name, *format, session->config->team.template_dir);
    if (!rendered) return std::unexpected(rendered.error());
    out = std::move(*rendered);
  }
  if (options.output.empty()) {
    ctx.out() << out;
    return ExitCode::Ok;
  }
  if (auto written = write_file_atomically(options.output, out); !written) return std::unexpected(written.error());
  if (!ctx.options.quiet)
    ctx.err() << "Wrote " << options.output << (options.data ? " (template data)" : "") << "\n";
  return ExitCode::Ok;
}

}  // namespace

void register_review_render(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ReviewRenderOptions>();
  auto* cmd = parent.add_subcommand("render", "Validate a review file and render the report locally (no writes)");
  cmd->add_option("KEY", options->key, "The fault issue key")->required();
  cmd->add_option("FILE", options->file, "The review file")->required();
  cmd->add_option("-o,--output", options->output, "Write the report here (default: stdout)");
  cmd->add_option("--format", options->format, "storage (Confluence, default), html or markdown")
      ->check(CLI::IsMember({"storage", "html", "markdown"}));
  cmd->add_flag("--data", options->data, "Print the JSON document the templates receive instead");
  cmd->add_option("--template", options->template_name,
                  "Report template: fault-analysis (default), postmortem, or one in team.template_dir/review/");
  set_examples(*cmd, {"faultline review render FAULT-12 reviews/FAULT-12.md --format html -o /tmp/FAULT-12.html",
                      "faultline review render FAULT-12 reviews/FAULT-12.md --data | jq .actions"});
  cmd->callback([options, &ctx] { finish(ctx, run_review_render(*options, ctx)); });
}

}  // namespace faultline::cli
