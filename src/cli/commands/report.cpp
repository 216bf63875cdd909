// `faultline report monthly [--month YYYY-MM] [--publish] [--template NAME]
// [--format storage|html|markdown] [-o FILE] [--data]`: the month's fault report. Without
// --publish it writes a local file (and the charts as PNG files beside it) and touches
// nothing; with --publish it writes the month's Confluence page. The work is in
// app/monthly_report.cpp and app/report_publisher.cpp.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/monthly_report.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct MonthlyOptions {
  app::MonthlyReportRequest request;
  app::ReportPublishOptions publish;
  bool to_confluence = false;
  bool data_only = false;
  std::string format = "html";
  std::string output;  // "" = fault-report-<month>.<ext> here; "-" = stdout
};

const char* file_extension(report::Format format) {
  switch (format) {
    case report::Format::Storage: return "xml";
    case report::Format::Html: return "html";
    case report::Format::Markdown: return "md";
  }
  return "html";
}

Result<ExitCode> print_published(const app::MonthlyReport& report, const app::ReportPublishOutcome& outcome,
                                 Context& ctx) {
  if (ctx.options.json) {
    print_json(ctx.out(), app::report_publish_json(report, outcome));
    return ExitCode::Ok;
  }
  if (outcome.stopped_for_dry_run) {
    ctx.err() << "dry run: the page does not exist yet, so its attachments and record are not shown\n";
    return ExitCode::Ok;
  }
  ctx.out() << outcome.page_url << "\n";
  if (!ctx.options.quiet) {
    std::size_t uploaded = 0;
    for (const auto& a : outcome.attachments) uploaded += a.action == "unchanged" ? 0 : 1;
    ctx.err() << fmt::format("{} '{}' (version {}); charts: {} uploaded, {} unchanged\n",
                             outcome.page_created ? "created" : (outcome.page_changed ? "updated" : "unchanged"),
                             outcome.page_title, outcome.page_version, uploaded, outcome.attachments.size() - uploaded);
  }
  return ExitCode::Ok;
}

Result<ExitCode> write_local(const app::MonthlyReport& report, const MonthlyOptions& options, report::Format format,
                             Context& ctx) {
  FAULTLINE_TRY(rendered, app::render_monthly_report(ctx, report, options.publish.template_name, format));
  if (options.output == "-") {
    ctx.out() << *rendered;
    return ExitCode::Ok;
  }
  const std::string file = options.output.empty()
                               ? fmt::format("fault-report-{}.{}", report.data.value("month", ""), file_extension(format))
                               : options.output;
  FAULTLINE_TRY(written, app::write_monthly_report(report, *rendered, file));
  if (ctx.options.json) {
    auto paths = nlohmann::json::array();
    for (const auto& path : *written) paths.push_back(path.string());
    print_json(ctx.out(), {{"month", report.data.value("month", "")}, {"files", paths}});
  } else {
    ctx.out() << file << "\n";
    if (!ctx.options.quiet) ctx.err() << fmt::format("wrote {} and {} chart(s) beside it\n", file, report.charts.size());
  }
  return ExitCode::Ok;
}

Result<ExitCode> run_report_monthly(const MonthlyOptions& options, Context& ctx) {
  FAULTLINE_TRY(format, report::parse_format(options.format));
  if (options.to_confluence && (options.data_only || !options.output.empty()))
    return fail(ErrorKind::Usage, "--publish writes the Confluence page; it cannot be combined with --data or -o",
                "run it once with -o FILE to look at the report, then with --publish");
  FAULTLINE_TRY(report, app::build_monthly_report(ctx, options.request));
  if (options.data_only) {
    print_json(ctx.out(), report->data);
    return ExitCode::Ok;
  }
  if (!options.to_confluence) return write_local(*report, options, *format, ctx);
  FAULTLINE_TRY(outcome, app::publish_monthly_report(ctx, *report, options.publish));
  return print_published(*report, *outcome, ctx);
}

}  // namespace

void register_report(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("report", "Reports built from the fault history");
  group->require_subcommand(1);
  auto options = std::make_shared<MonthlyOptions>();
  auto* cmd = group->add_subcommand("monthly", "The month's fault report: a local file, or its Confluence page");
  cmd->add_option("--month", options->request.month, "The month, YYYY-MM (default: the last complete month)");
  cmd->add_flag("--publish", options->to_confluence,
                "Write the month's Confluence page (charts attached) and post report.published");
  cmd->add_option("--template", options->publish.template_name, "Report template (default: monthly)");
  cmd->add_option("--format", options->format, "Local file format: html (default), markdown or storage")
      ->check(CLI::IsMember({"storage", "html", "markdown", "md"}));
  cmd->add_option("-o,--output", options->output,
                  "Local file (default: fault-report-<month>.<ext> here; - = stdout); charts go beside it");
  cmd->add_flag("--data", options->data_only, "Print the JSON document the templates receive instead");
  cmd->add_option("--releases", options->request.releases_file,
                  "Release CSV (date,service[,version]) instead of [stats]; none = no release data");
  cmd->add_flag("--force", options->publish.force, "With --publish: overwrite a page edited in Confluence");
  cmd->add_flag("--no-notify", options->publish.no_notify, "With --publish: do not post to chat");
  set_examples(*cmd, {"faultline report monthly                       # last month, fault-report-YYYY-MM.html here",
                      "faultline report monthly --month 2026-11 --format markdown -o report.md",
                      "faultline report monthly --month 2026-11 --publish",
                      "faultline report monthly --data | jq '.headline'"});
  cmd->callback([options, &ctx] { finish(ctx, run_report_monthly(*options, ctx)); });
}

}  // namespace faultline::cli
