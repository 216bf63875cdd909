// Workflow transitions, found by the target status name.
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {
namespace {

Transition parse_transition(const nlohmann::json& json) {
  Transition t;
  t.id = detail::text(json, "id");
  t.name = detail::text(json, "name");
  const auto& to = detail::member(json, "to");
  t.to_status = detail::text(to, "name");
  t.to_status_id = detail::text(to, "id");
  t.to_category = detail::text(detail::member(to, "statusCategory"), "key");
  t.has_screen = detail::flag(json, "hasScreen", false);
  if (const auto& fields = detail::member(json, "fields"); fields.is_object()) t.fields = fields;
  return t;
}

}  // namespace

Result<std::vector<Transition>> Client::transitions(std::string_view key) {
  // Data Center's description has no expand parameter here; Cloud returns each screen's fields.
  http::QueryParams params;
  if (m_flavor == Flavor::Cloud) params.emplace_back("expand", "transitions.fields");
  auto reply =
      call(http::Method::Get, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/transitions", params);
  if (!reply) return std::unexpected(reply.error());
  std::vector<Transition> out;
  for (const auto& t : detail::array(reply->body, "transitions")) out.push_back(parse_transition(t));
  return out;
}

Result<void> Client::transition(std::string_view key, std::string_view transition_id, const TransitionInput& input) {
  nlohmann::json body{{"transition", {{"id", std::string(transition_id)}}}};
  if (input.fields.is_object() && !input.fields.empty()) body["fields"] = input.fields;
  if (!input.comment_markdown.empty()) {
    body["update"] = {{"comment", nlohmann::json::array({{{"add", {{"body", rich_text(input.comment_markdown)}}}}})}};
  }
  auto reply = call(http::Method::Post, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/transitions",
                    {}, &body);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

Result<Transition> Client::transition_to_status(std::string_view key, std::string_view status_name,
                                                const TransitionInput& input) {
  FAULTLINE_TRY(available, transitions(key));
  const Transition* chosen = nullptr;
  for (const auto& t : *available) {
    if (detail::iequals(t.to_status, status_name)) {
      chosen = &t;
      break;
    }
  }
  if (!chosen) {
    for (const auto& t : *available) {
      if (detail::iequals(t.name, status_name)) {
        chosen = &t;
        break;
      }
    }
  }
  if (!chosen) {
    std::vector<std::string> targets;
    for (const auto& t : *available) targets.push_back("'" + t.to_status + "' (via '" + t.name + "')");
    Error error;
    error.kind = ErrorKind::Failed;
    // The available transitions once, as details (the message names what was wanted).
    error.message = std::string(key) + " has no transition to status '" + std::string(status_name) + "'" +
                    (targets.empty() ? std::string(": no transitions are available to this user") : "; available:");
    error.hint = "Check [jira.workflow] against the project's workflow, and the issue's current status.";
    error.details = targets;
    return std::unexpected(std::move(error));
  }
  Transition used = *chosen;
  FAULTLINE_TRY(done, transition(key, used.id, input));
  return used;
}

}  // namespace faultline::jira
