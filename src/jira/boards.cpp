// Agile boards (/rest/agile/1.0, the same on Cloud and Data Center).
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {
namespace {

constexpr std::string_view k_board_path = "/rest/agile/1.0/board";

Board parse_board(const nlohmann::json& json) {
  return Board{detail::text(json, "id"), detail::text(json, "name"),
               detail::text(json, "type") == "scrum" ? BoardType::Scrum : BoardType::Kanban,
               detail::text(json, "self")};
}

}  // namespace

Result<Board> Client::create_board(const BoardInput& input) {
  nlohmann::json body{{"name", input.name}, {"type", to_string(input.type)}};
  try {
    body["filterId"] = std::stoll(input.filter_id);
  } catch (const std::exception&) {
    return fail(ErrorKind::Usage, "A board needs a numeric filter id, not '" + input.filter_id + "'");
  }
  if (!input.project_key.empty()) {
    body["location"] = {{"type", "project"}, {"projectKeyOrId", input.project_key}};
  }
  auto reply = call(http::Method::Post, k_board_path, {}, &body, http::RetrySafety::Unsafe);
  if (!reply) return std::unexpected(reply.error());
  return parse_board(reply->body);
}

Result<std::optional<Board>> Client::find_board(std::string_view name, std::string_view project_key) {
  int start_at = 0;
  for (;;) {
    http::QueryParams params{{"name", std::string(name)}, {"startAt", std::to_string(start_at)}, {"maxResults", "50"}};
    if (!project_key.empty()) params.emplace_back("projectKeyOrId", std::string(project_key));
    FAULTLINE_TRY(reply, call(http::Method::Get, k_board_path, params));
    const auto& values = detail::array(reply->body, "values");
    for (const auto& b : values) {
      if (detail::text(b, "name") == name) return std::optional<Board>{parse_board(b)};
    }
    start_at += static_cast<int>(values.size());
    if (values.empty() || detail::flag(reply->body, "isLast", true)) break;
  }
  return std::optional<Board>{};
}

}  // namespace faultline::jira
