// `faultline report monthly`: the month's figures (the stats engine over the month and the
// twelve before it), the template data (core::monthly_report_data) with its three charts, the
// rendering through templates/report/<name>.<format>.mustache, and either a local file (with
// the charts as PNG files beside it) or one Confluence page per month.
//
// Publishing: the page "Fault report 2026-11" under [report] parent (default the review
// pages' parent), labelled fault-report and fault-report-2026-11, the charts attached as PNG
// files (each version's comment "faultline chart <hash>", so an unchanged chart is never
// uploaded again) and embedded by file name. The page property faultline.report records the
// body hash, the version written and the chat messages sent: a re-run with the same data
// writes nothing. A page whose current version was not written by faultline (its version
// message is not "faultline publish <hash>") is not overwritten without --force.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "faultline/notify/notifier.hpp"
#include "faultline/report/report.hpp"
#include "faultline/util/error.hpp"

namespace faultline::app {

class Services;

// The page property that records a published monthly report: {"month", "page_id", "version",
// "hash", "sent": {dedupe_key: [channel, ...]}}.
inline constexpr std::string_view k_report_property = "faultline.report";
// The label every monthly report page carries (search finds them by it).
inline constexpr std::string_view k_report_label = "fault-report";

struct MonthlyReportRequest {
  std::string month;          // "2026-11"; "" = the last complete month in team.timezone
  std::string releases_file;  // as stats --releases ("" = [stats], "none" = no release data)
};

// One chart as a PNG file of the report.
struct ReportChart {
  std::string name;   // "faults-by-level"
  std::string title;
  std::string file;   // "faults-by-level.png"
  std::string png;    // the bytes
  std::string hash;   // op_key of the bytes
};

struct MonthlyReport {
  date::year_month month;
  std::string title;          // "Fault report 2026-11"
  nlohmann::json data;        // the template data, "charts" included
  std::vector<ReportChart> charts;
};

// Reads the window's faults, actions and releases and builds the document and the charts.
// Error: Usage for a bad --month; as collect_stats otherwise.
Result<MonthlyReport> build_monthly_report(Services& services, const MonthlyReportRequest& request);

// The document rendered through the template `name` ("monthly" by default) in `format`
// (team.template_dir/report/ first). Error: Usage for a bad name; Config naming the template
// file and line.
Result<std::string> render_monthly_report(Services& services, const MonthlyReport& report, std::string_view name,
                                          report::Format format);

// Writes the rendered report to `file` and the charts as PNG files beside it (the names the
// document uses), each atomically. Returns the paths written. Error: Failed naming the path.
Result<std::vector<std::filesystem::path>> write_monthly_report(const MonthlyReport& report,
                                                                const std::string& rendered,
                                                                const std::filesystem::path& file);

struct ReportPublishOptions {
  std::string template_name = "monthly";
  bool force = false;      // overwrite a page edited in Confluence
  bool no_notify = false;  // no report.published message
};

// What happened to one chart attachment: "created", "replaced" or "unchanged".
struct AttachmentOutcome {
  std::string file, action;
};

struct ReportPublishOutcome {
  std::string page_id, page_url, page_title;
  int page_version = 0;
  bool page_created = false;
  bool page_changed = false;  // created or a new version written
  std::vector<AttachmentOutcome> attachments;
  std::vector<notify::DeliveryReport> notifications;
  bool stopped_for_dry_run = false;  // the page would be created: nothing after it can be shown
};

// Publishes the report (see the file comment). Error: Config when the parent page is missing;
// Failed when the page was edited in Confluence since faultline wrote it (without force);
// Confluence's error of the failing step otherwise (a re-run repeats nothing already done).
Result<ReportPublishOutcome> publish_monthly_report(Services& services, const MonthlyReport& report,
                                                    const ReportPublishOptions& options);

// {"month","title","page":{"id","url","version","created","changed"},"attachments":[{"file",
//  "action"}],"notifications":[...]} for --json.
nlohmann::json report_publish_json(const MonthlyReport& report, const ReportPublishOutcome& outcome);

}  // namespace faultline::app
