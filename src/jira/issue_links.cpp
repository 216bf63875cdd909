// Issue links between two issues (a rollback and its fault, ...).
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {

Result<void> Client::link_issues(std::string_view type_name, std::string_view inward_key,
                                 std::string_view outward_key, std::string_view comment_markdown) {
  nlohmann::json body{{"type", {{"name", std::string(type_name)}}},
                      {"inwardIssue", {{"key", std::string(inward_key)}}},
                      {"outwardIssue", {{"key", std::string(outward_key)}}}};
  if (!comment_markdown.empty()) body["comment"] = {{"body", rich_text(comment_markdown)}};
  // Jira reports success for a link that already exists, so a repeat is harmless.
  auto reply = call(http::Method::Post, std::string(api_root()) + "/issueLink", {}, &body, http::RetrySafety::Safe);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

Result<std::vector<IssueLinkType>> Client::issue_link_types() {
  FAULTLINE_TRY(reply, call(http::Method::Get, std::string(api_root()) + "/issueLinkType"));
  std::vector<IssueLinkType> out;
  for (const auto& t : detail::array(reply->body, "issueLinkTypes")) {
    out.push_back(IssueLinkType{detail::text(t, "id"), detail::text(t, "name"), detail::text(t, "inward"),
                                detail::text(t, "outward")});
  }
  return out;
}

}  // namespace faultline::jira
