// Comments, with bodies in ADF (Cloud) or wiki markup (Data Center).
#include "faultline/core/text.hpp"
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {
namespace {

Comment parse_comment(const nlohmann::json& json) {
  Comment c;
  c.id = detail::text(json, "id");
  c.author = parse_user(detail::member(json, "author"));
  c.created = detail::text(json, "created");
  c.updated = detail::text(json, "updated");
  c.body = detail::member(json, "body");
  if (c.body.is_object()) {
    c.text = core::adf_to_text(c.body);
  } else if (c.body.is_string()) {
    c.text = core::wiki_to_text(c.body.get<std::string>());
  }
  return c;
}

}  // namespace

Result<Comment> Client::add_comment(std::string_view key, std::string_view markdown) {
  nlohmann::json body{{"body", rich_text(markdown)}};
  auto reply =
      call(http::Method::Post, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/comment", {}, &body,
           http::RetrySafety::Unsafe);
  if (!reply) return std::unexpected(reply.error());
  return parse_comment(reply->body);
}

Result<std::vector<Comment>> Client::comments(std::string_view key) {
  std::vector<Comment> out;
  const std::string path = std::string(api_root()) + "/issue/" + http::url_encode(key) + "/comment";
  int start_at = 0;
  // At most 1000 pages: an answer whose total never comes within reach must not page for ever.
  for (int pages = 0; pages < 1000; ++pages) {
    auto reply = call(http::Method::Get, path,
                      {{"startAt", std::to_string(start_at)}, {"maxResults", "100"}, {"orderBy", "created"}});
    if (!reply) return std::unexpected(reply.error());
    const auto& page = detail::array(reply->body, "comments");
    for (const auto& c : page) out.push_back(parse_comment(c));
    start_at += static_cast<int>(page.size());
    if (page.empty() || start_at >= detail::number(reply->body, "total", start_at)) break;
  }
  return out;
}

}  // namespace faultline::jira
