// Issues: create, bulk create, get, edit, assign, delete.
#include <algorithm>
#include <set>

#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/jira/errors.hpp"
#include "faultline/jira/issue_stream.hpp"
#include "faultline/jira/search.hpp"
#include "json_access.hpp"

namespace faultline::jira {

nlohmann::json Client::issue_body(const IssueInput& input, bool with_properties) const {
  nlohmann::json body = nlohmann::json::object();
  nlohmann::json fields = input.fields.is_object() ? input.fields : nlohmann::json::object();
  for (const auto& [field, markdown] : input.text_fields) fields[field] = rich_text(markdown);
  body["fields"] = std::move(fields);
  if (input.update.is_object() && !input.update.empty()) body["update"] = input.update;
  if (with_properties && !input.properties.empty()) {
    auto properties = nlohmann::json::array();
    for (const auto& p : input.properties) properties.push_back({{"key", p.key}, {"value", p.value}});
    body["properties"] = std::move(properties);
  }
  return body;
}

namespace {

CreatedIssue parse_created(const nlohmann::json& json) {
  return CreatedIssue{detail::text(json, "id"), detail::text(json, "key"), detail::text(json, "self")};
}

}  // namespace

Result<CreatedIssue> Client::create_issue(const IssueInput& input) {
  auto body = issue_body(input, true);
  auto reply = call(http::Method::Post, std::string(api_root()) + "/issue", {}, &body, http::RetrySafety::Unsafe);
  if (!reply) return std::unexpected(reply.error());
  auto created = parse_created(reply->body);
  if (created.key.empty()) {
    return fail(ErrorKind::Failed, "Jira accepted the new issue but its answer carried no key");
  }
  return created;
}

BulkCreateResult Client::create_issues(std::span<const IssueInput> inputs) {
  BulkCreateResult result;
  result.items.reserve(inputs.size());
  const std::string path = std::string(api_root()) + "/issue/bulk";
  for (std::size_t start = 0; start < inputs.size(); start += k_bulk_create_limit) {
    const std::size_t count = std::min(k_bulk_create_limit, inputs.size() - start);
    auto updates = nlohmann::json::array();
    for (std::size_t i = 0; i < count; ++i) updates.push_back(issue_body(inputs[start + i], true));
    nlohmann::json body{{"issueUpdates", std::move(updates)}};
    auto request = make_request(http::Method::Post, path, {}, &body, http::RetrySafety::Unsafe);
    auto outcome = m_transport.send(request);

    // Bulk create answers 201 when any issue was made and 400 when all failed; both carry
    // {"issues":[...],"errors":[{"failedElementNumber":i,...}]}.
    const nlohmann::json* answer = nullptr;
    nlohmann::json parsed;
    if (outcome && (outcome->status == 201 || outcome->status == 200 || outcome->status == 400)) {
      parsed = nlohmann::json::parse(outcome->body, nullptr, false);
      if (parsed.is_object() && (parsed.contains("issues") || parsed.contains("errors"))) answer = &parsed;
    }
    if (!answer) {
      auto reply = to_reply(http::Method::Post, path, outcome);
      Error error = reply ? Error{ErrorKind::Failed, "Jira's bulk create answer was not understood", {}, reply->status, {}}
                          : reply.error();
      for (std::size_t i = 0; i < count; ++i) result.items.emplace_back(std::unexpected(error));
      continue;
    }

    std::vector<std::optional<Error>> failures(count);
    for (const auto& e : detail::array(*answer, "errors")) {
      int index = detail::number(e, "failedElementNumber", -1);
      if (index < 0 || static_cast<std::size_t>(index) >= count) continue;
      failures[static_cast<std::size_t>(index)] =
          m_api.masked(element_error(detail::number(e, "status"), detail::member(e, "elementErrors"),
                               "Creating issue " + std::to_string(start + static_cast<std::size_t>(index) + 1) +
                                   " of " + std::to_string(inputs.size())));
    }
    // Successes come back in input order, skipping the failed elements.
    const auto& issues = detail::array(*answer, "issues");
    std::size_t next = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (failures[i]) {
        result.items.emplace_back(std::unexpected(*failures[i]));
      } else if (next < issues.size()) {
        result.items.emplace_back(parse_created(issues[next++]));
      } else {
        result.items.emplace_back(std::unexpected(
            Error{ErrorKind::Failed,
                  "Jira's bulk create answer neither created nor rejected issue " + std::to_string(start + i + 1) +
                      "; search before re-running, it may exist",
                  {}, outcome->status, {}}));
      }
    }
  }
  return result;
}

Result<std::vector<ChangeHistory>> Client::full_changelog(std::string_view key) {
  std::vector<ChangeHistory> histories;
  const std::string path = std::string(api_root()) + "/issue/" + http::url_encode(key) + "/changelog";
  int start_at = 0;
  // At most 1000 pages: an answer that never says isLast nor reaches its total must not page
  // for ever.
  for (int pages = 0; pages < 1000; ++pages) {
    auto reply = call(http::Method::Get, path, {{"startAt", std::to_string(start_at)}, {"maxResults", "100"}});
    if (!reply) return std::unexpected(reply.error());
    const auto& values = detail::array(reply->body, "values");
    for (const auto& h : values) histories.push_back(parse_history(h));
    start_at += static_cast<int>(values.size());
    if (values.empty() || detail::flag(reply->body, "isLast", true) ||
        start_at >= detail::number(reply->body, "total", start_at)) {
      break;
    }
  }
  return histories;
}

Result<Issue> Client::get_issue(std::string_view key, const IssueQuery& query) {
  http::QueryParams params;
  if (!query.fields.empty()) params.emplace_back("fields", detail::join(query.fields, ","));
  if (!query.properties.empty()) params.emplace_back("properties", detail::join(query.properties, ","));
  if (query.changelog == Changelog::Include) params.emplace_back("expand", "changelog");
  const std::string path = std::string(api_root()) + "/issue/" + http::url_encode(key);
  if (!query.kept_members.empty() && query.changelog == Changelog::Omit) {
    const auto outcome =
        m_transport.send(make_request(http::Method::Get, path, params, nullptr, http::RetrySafety::ByMethod));
    if (outcome && outcome->ok()) {
      IssueFilter filter = issue_filter_for(query.fields);
      filter.members = query.kept_members;
      return stream_issue(outcome->body, filter);
    }
    FAULTLINE_TRY(reply, to_reply(http::Method::Get, path, outcome));
    return parse_issue(reply->body);  // not reached: a failed outcome is an error
  }
  FAULTLINE_TRY(reply, call(http::Method::Get, path, params));
  auto issue = parse_issue(reply->body);
  if (query.changelog == Changelog::Include && m_flavor == Flavor::Cloud) {
    // Cloud's expand=changelog holds only the most recent histories.
    const auto& changelog = detail::member(reply->body, "changelog");
    int total = detail::number(changelog, "total", 0);
    if (total > static_cast<int>(issue.changelog.size())) {
      FAULTLINE_TRY(full, full_changelog(key));
      issue.changelog = std::move(*full);
    }
  }
  return issue;
}

Result<void> Client::edit_issue(std::string_view key, const IssueInput& input) {
  auto body = issue_body(input, false);
  auto reply = call(http::Method::Put, std::string(api_root()) + "/issue/" + http::url_encode(key), {}, &body);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

Result<void> Client::assign(std::string_view key, const std::optional<UserRef>& assignee) {
  nlohmann::json body = assignee ? user_json(*assignee)
                                 : nlohmann::json{{m_flavor == Flavor::Cloud ? "accountId" : "name", nullptr}};
  auto reply =
      call(http::Method::Put, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/assignee", {}, &body);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

Result<void> Client::delete_issue(std::string_view key, Subtasks subtasks) {
  auto reply = call(http::Method::Delete, std::string(api_root()) + "/issue/" + http::url_encode(key),
                    {{"deleteSubtasks", subtasks == Subtasks::Delete ? "true" : "false"}});
  if (!reply) return std::unexpected(reply.error());
  return {};
}

http::Request bulk_fetch_request(const Client& client, const std::vector<std::string>& ids,
                                 const std::vector<std::string>& fields, const std::vector<std::string>& properties,
                                 const std::vector<std::string>& expand) {
  // A read: safe to send again, and not a write under --dry-run.
  nlohmann::json body{{"issueIdsOrKeys", ids}};
  if (!fields.empty()) body["fields"] = fields;
  if (!properties.empty()) {
    auto keys = nlohmann::json::array();
    for (const auto& p : properties) {
      if (keys.size() == k_bulk_fetch_property_limit) break;
      keys.push_back(p);
    }
    body["properties"] = std::move(keys);
  }
  if (!expand.empty()) body["expand"] = expand;
  return client.make_request(http::Method::Post, std::string(client.api_root()) + "/issue/bulkfetch", {}, &body,
                             http::RetrySafety::ReadOnly);
}

}  // namespace faultline::jira
