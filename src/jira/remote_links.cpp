// Remote links, upserted by globalId.
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "json_access.hpp"

namespace faultline::jira {

Result<RemoteLinkResult> Client::upsert_remote_link(std::string_view key, const RemoteLinkInput& link) {
  if (link.global_id.empty() || link.url.empty() || link.title.empty()) {
    return fail(ErrorKind::Usage, "A remote link needs a global id, a URL and a title");
  }
  nlohmann::json object{{"url", link.url}, {"title", link.title}};
  if (!link.summary.empty()) object["summary"] = link.summary;
  if (!link.icon_url.empty()) object["icon"] = {{"url16x16", link.icon_url}, {"title", link.title}};
  nlohmann::json body{{"globalId", link.global_id}, {"object", std::move(object)}};
  if (!link.relationship.empty()) body["relationship"] = link.relationship;
  if (!link.application_type.empty() || !link.application_name.empty()) {
    body["application"] = nlohmann::json::object();
    if (!link.application_type.empty()) body["application"]["type"] = link.application_type;
    if (!link.application_name.empty()) body["application"]["name"] = link.application_name;
  }
  auto reply = call(http::Method::Post, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/remotelink",
                    {}, &body, http::RetrySafety::Safe);
  if (!reply) return std::unexpected(reply.error());
  return RemoteLinkResult{detail::text(reply->body, "id"), detail::text(reply->body, "self"),
                          reply->status == 201 ? Upsert::Created : Upsert::Updated};
}

Result<std::vector<RemoteLink>> Client::remote_links(std::string_view key, std::string_view global_id) {
  http::QueryParams params;
  if (!global_id.empty()) params.emplace_back("globalId", std::string(global_id));
  auto reply =
      call(http::Method::Get, std::string(api_root()) + "/issue/" + http::url_encode(key) + "/remotelink", params);
  if (!reply) return std::unexpected(reply.error());
  // With globalId the answer is one object; without, an array.
  nlohmann::json list = reply->body.is_array() ? reply->body : nlohmann::json::array({reply->body});
  std::vector<RemoteLink> out;
  for (const auto& l : list) {
    if (!l.is_object()) continue;
    const auto& object = detail::member(l, "object");
    out.push_back(RemoteLink{detail::text(l, "id"), detail::text(l, "globalId"), detail::text(object, "url"),
                             detail::text(object, "title"), detail::text(l, "relationship")});
  }
  return out;
}

}  // namespace faultline::jira
