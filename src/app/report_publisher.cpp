// `report monthly --publish`: the month's page, its labels, its chart attachments, the record
// in the page property and the one chat post. Each step writes only what differs, so a re-run
// with the same data sends no write at all, and a re-run after a failure repeats nothing
// already done.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "faultline/app/fault_events.hpp"
#include "faultline/app/monthly_report.hpp"
#include "faultline/app/operations.hpp"
#include "faultline/app/page_edits.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/confluence/page_properties.hpp"
#include "faultline/core/monthly_report.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::app {

namespace {

// The version comment of a chart attachment faultline uploaded.
constexpr std::string_view k_chart_comment_prefix = "faultline chart ";

// What faultline.report holds.
struct ReportRecord {
  std::string month, page_id, hash;
  int version = 0;
  bool labelled = false;
  nlohmann::json sent = nlohmann::json::object();  // dedupe key -> [channel, ...]

  nlohmann::json to_json() const {
    return {{"month", month}, {"page_id", page_id}, {"version", version}, {"hash", hash},
            {"labelled", labelled}, {"sent", sent}};
  }
  static ReportRecord from_json(const nlohmann::json& json) {
    ReportRecord record;
    record.month = json_access::text(json, "month");
    record.page_id = json_access::text(json, "page_id");
    record.hash = json_access::text(json, "hash");
    record.version = json_access::number(json, "version");
    record.labelled = json_access::flag(json, "labelled");
    if (const auto& sent = json_access::member(json, "sent"); sent.is_object()) record.sent = sent;
    return record;
  }
};

class ReportPublisher;

// The chat messages sent for a report, kept in the report's page property.
class ReportSentLog final : public notify::SentLog {
public:
  explicit ReportSentLog(ReportPublisher& publisher) : m_publisher(publisher) {}

protected:
  const nlohmann::json& value() const override;
  Result<void> store(nlohmann::json next) override;

private:
  ReportPublisher& m_publisher;
};

class ReportPublisher {
public:
  ReportPublisher(Services& services, const MonthlyReport& report, ReportPublishOptions options)
      : m_services(services), m_report(report), m_options(std::move(options)) {}

  Result<ReportPublishOutcome> run() {
    FAULTLINE_TRY(body, render_monthly_report(m_services, m_report, m_options.template_name, report::Format::Storage));
    FAULTLINE_TRY(conf, m_services.confluence());
    m_confluence = *conf;
    if (auto located = locate(); !located) return std::unexpected(located.error());
    m_hash = op_key({m_report.title, *body});
    if (auto written = write_page(*body); !written) return step_error("write the page", written.error());
    if (m_outcome.stopped_for_dry_run) return m_outcome;
    if (auto labelled = label_page(); !labelled) return step_error("label the page", labelled.error());
    if (auto attached = sync_attachments(); !attached) return step_error("attach the charts", attached.error());
    if (auto recorded = save_record(); !recorded) return step_error("record the page", recorded.error());
    if (!m_options.no_notify) announce();
    return m_outcome;
  }

  const ReportRecord& record() const { return m_record; }
  // Writes the record with `change` applied; the in-memory record changes only on success.
  Result<void> save_record_with(const std::function<void(ReportRecord&)>& change) {
    ReportRecord next = m_record;
    change(next);
    if (next.to_json() == m_record.to_json() && m_property) return {};
    if (m_services.dry_run()) {
      m_record = next;
      return {};
    }
    FAULTLINE_TRY(written, confluence::put_page_property(*m_confluence, m_page->id, k_report_property,
                                                         next.to_json(), m_property));
    m_property = *written;
    m_record = next;
    return {};
  }

private:
  Result<ReportPublishOutcome> step_error(std::string_view step, Error error) {
    error.message = fmt::format("could not {} for {}: {}", step, m_report.title, error.message);
    return std::unexpected(std::move(error));
  }

  // The parent, the page and its record; stops when the page was edited in Confluence.
  Result<void> locate() {
    FAULTLINE_TRY(config, m_services.config());
    const auto& settings = (*config)->confluence;
    m_space = settings.space;
    const std::string parent_title = (*config)->report.parent.empty() ? settings.parent : (*config)->report.parent;
    FAULTLINE_TRY(parent, m_confluence->find_page(m_space, parent_title));
    if (!*parent)
      return fail(ErrorKind::Config,
                  fmt::format("the parent page '{}' does not exist in Confluence space {}", parent_title, m_space),
                  "create it, or set [report] parent to the title of an existing page");
    m_parent_id = (*parent)->id;
    FAULTLINE_TRY(page, m_confluence->find_page(m_space, m_report.title));
    m_page = std::move(*page);
    if (!m_page) return {};
    FAULTLINE_TRY(property, confluence::page_property(*m_confluence, m_page->id, k_report_property));
    m_property = std::move(*property);
    if (m_property) m_record = ReportRecord::from_json(m_property->value);
    return detect_edits();
  }

  Result<void> detect_edits() {
    FAULTLINE_TRY(version, current_version(*m_confluence, m_page->id));
    m_ours_hash = publish_message_hash(version->message);
    const bool recorded = m_record.page_id == m_page->id && m_record.version == m_page->version;
    if (recorded || !m_ours_hash.empty()) return {};
    // Version 1 by this account with no record: a publish that stopped right after creating it.
    if (m_page->version == 1 && !m_property) {
      FAULTLINE_TRY(me, current_user_id(*m_confluence));
      if (!me->empty() && *me == version->author_id) return {};
    }
    if (!m_options.force)
      return fail(ErrorKind::Failed,
                  fmt::format("the report page '{}' (id {}, version {}) was edited in Confluence{} since faultline "
                              "wrote it; nothing was published",
                              m_page->title, m_page->id, m_page->version,
                              version->author.empty() ? "" : " by " + version->author),
                  fmt::format("move the edits into the report template, or publish with --force to overwrite them ({})",
                              m_page->web_url));
    m_services.diagnostics().warn(fmt::format("--force: overwriting the edits made in Confluence to '{}' (version {})",
                                              m_page->title, m_page->version));
    m_forced = true;
    return {};
  }

  Result<void> write_page(const std::string& body) {
    if (!m_page) {
      FAULTLINE_TRY(created, m_confluence->create_page(m_space, m_report.title, m_parent_id, body));
      m_outcome.page_created = m_outcome.page_changed = true;
      if (created->id.empty() && m_services.dry_run()) {
        m_outcome.stopped_for_dry_run = true;
        return {};
      }
      m_page = std::move(*created);
      fill_page_outcome();
      return {};
    }
    const bool recorded = m_record.page_id == m_page->id && m_record.version == m_page->version;
    const bool unchanged = !m_forced && m_page->title == m_report.title &&
                           ((recorded && m_record.hash == m_hash) || m_ours_hash == m_hash);
    if (!unchanged) {
      FAULTLINE_TRY(updated, m_confluence->update_page(*m_page, m_report.title, body,
                                                       std::string(k_publish_message_prefix) + m_hash));
      m_outcome.page_changed = true;
      if (!m_services.dry_run()) m_page = std::move(*updated);
    }
    fill_page_outcome();
    return {};
  }

  void fill_page_outcome() {
    m_outcome.page_id = m_page->id;
    m_outcome.page_url = m_page->web_url;
    m_outcome.page_title = m_page->title;
    m_outcome.page_version = m_page->version;
  }

  Result<void> label_page() {
    if (m_record.labelled && m_record.page_id == m_page->id) return {};
    const std::vector<std::string> labels{std::string(k_report_label),
                                          std::string(k_report_label) + "-" + core::format_month(m_report.month)};
    FAULTLINE_TRY(existing, m_confluence->labels(m_page->id));
    std::vector<std::string> missing;
    for (const auto& label : labels)
      if (std::ranges::find(*existing, label) == existing->end()) missing.push_back(label);
    if (!missing.empty()) {
      if (auto added = m_confluence->add_labels(m_page->id, missing); !added) return added;
    }
    m_labelled = true;
    return {};
  }

  // Each chart uploaded when it is missing or its recorded hash differs; the rest untouched.
  Result<void> sync_attachments() {
    FAULTLINE_TRY(existing, m_confluence->attachments(m_page->id));
    for (const auto& chart : m_report.charts) {
      const std::string comment = std::string(k_chart_comment_prefix) + chart.hash;
      const auto found = std::ranges::find_if(*existing, [&](const confluence::Attachment& a) { return a.title == chart.file; });
      const confluence::Attachment* current = found == existing->end() ? nullptr : &*found;
      if (current != nullptr && current->comment == comment) {
        m_outcome.attachments.push_back({chart.file, "unchanged"});
        continue;
      }
      FAULTLINE_TRY(put, m_confluence->put_attachment(m_page->id, chart.file, "image/png", chart.png, comment, current));
      m_outcome.attachments.push_back({chart.file, current == nullptr ? "created" : "replaced"});
    }
    return {};
  }

  Result<void> save_record() {
    return save_record_with([&](ReportRecord& r) {
      if (r.page_id != m_page->id) r = ReportRecord{};  // a new page: nothing recorded applies to it
      r.month = core::format_month(m_report.month);
      r.page_id = m_page->id;
      r.version = m_page->version;
      r.hash = m_hash;
      r.labelled = r.labelled || m_labelled;
    });
  }

  // report.published, once per month (dedupe key "report:<month>").
  void announce() {
    const auto& data = m_report.data;
    const auto headline = json_access::array(data, "headline");
    auto figure = [&](std::string_view metric) -> const nlohmann::json& {
      for (const auto& row : headline)
        if (json_access::text(row, "metric") == metric) return row;
      return json_access::k_null_json;
    };
    const auto& faults = figure("faults");
    std::string previous_text;
    if (!json_access::text(faults, "change_previous").empty())
      previous_text = json_access::text(faults, "change_previous") + " on " + json_access::text(data, "previous_month");
    nlohmann::json report{{"month", core::format_month(m_report.month)},
                          {"title", m_report.title},
                          {"url", m_outcome.page_url},
                          {"faults", json_access::text(faults, "value")},
                          {"faults_previous_text", previous_text},
                          {"median_ttr", json_access::text(figure("time_to_recover_median"), "value")},
                          {"reviews_on_time_text", json_access::text(figure("reviews_on_time"), "value")},
                          {"actions_overdue", json_access::member(json_access::member(data, "actions"), "overdue")}};
    const nlohmann::json message{{"report", json_access::without_empty(report)},
                                 {"link", {{"url", m_outcome.page_url}, {"title", m_report.title}}},
                                 {"mentions", nlohmann::json::array()},
                                 {"dedupe_key", "report:" + core::format_month(m_report.month)}};
    ReportSentLog sent_log(*this);
    m_outcome.notifications = notify_event(m_services, "report.published", message, sent_log);
  }

  Services& m_services;
  const MonthlyReport& m_report;
  ReportPublishOptions m_options;
  confluence::Client* m_confluence = nullptr;
  std::string m_space, m_parent_id, m_hash, m_ours_hash;
  std::optional<confluence::Page> m_page;
  std::optional<confluence::PageProperty> m_property;
  ReportRecord m_record;
  bool m_forced = false;
  bool m_labelled = false;
  ReportPublishOutcome m_outcome;
};

const nlohmann::json& ReportSentLog::value() const { return m_publisher.record().sent; }

Result<void> ReportSentLog::store(nlohmann::json next) {
  return m_publisher.save_record_with([&](ReportRecord& r) { r.sent = std::move(next); });
}

}  // namespace

Result<ReportPublishOutcome> publish_monthly_report(Services& services, const MonthlyReport& report,
                                                    const ReportPublishOptions& options) {
  ReportPublisher publisher(services, report, options);
  return publisher.run();
}

nlohmann::json report_publish_json(const MonthlyReport& report, const ReportPublishOutcome& outcome) {
  auto attachments = nlohmann::json::array();
  for (const auto& a : outcome.attachments) attachments.push_back({{"file", a.file}, {"action", a.action}});
  return {{"month", core::format_month(report.month)},
          {"title", report.title},
          {"page",
           {{"id", outcome.page_id},
            {"url", outcome.page_url},
            {"version", outcome.page_version},
            {"created", outcome.page_created},
            {"changed", outcome.page_changed}}},
          {"attachments", attachments},
          {"notifications", notifications_json(outcome.notifications)},
          {"dry_run_stopped", outcome.stopped_for_dry_run}};
}

}  // namespace faultline::app
