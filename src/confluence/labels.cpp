// Labels, through REST v1 on both flavors (v2 labels are read-only).
#include "faultline/confluence/client.hpp"

namespace faultline::confluence {

Result<void> Client::add_labels(std::string_view page_id, const std::vector<std::string>& labels) {
  if (labels.empty()) return {};
  auto body = nlohmann::json::array();
  for (const auto& label : labels) body.push_back({{"prefix", "global"}, {"name", label}});
  // Adding a label twice is harmless.
  auto reply = call(http::Method::Post, "/rest/api/content/" + http::url_encode(page_id) + "/label", {}, &body,
                    http::RetrySafety::Safe);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

Result<std::vector<std::string>> Client::labels(std::string_view page_id) {
  std::vector<std::string> out;
  const std::string path = "/rest/api/content/" + http::url_encode(page_id) + "/label";
  int start = 0;
  // At most 1000 pages, as every other list: a server that keeps answering "next" with labels
  // must not keep the command (and its memory) going for ever.
  for (int pages = 0; pages < 1000; ++pages) {
    auto reply = call(http::Method::Get, path, {{"start", std::to_string(start)}, {"limit", "200"}});
    if (!reply) return std::unexpected(reply.error());
    const auto& body = reply->body;
    if (!body.is_object() || !body.contains("results") || !body["results"].is_array()) break;
    const auto& results = body["results"];
    for (const auto& l : results) {
      if (l.is_object() && l.contains("name") && l["name"].is_string()) out.push_back(l["name"].get<std::string>());
    }
    start += static_cast<int>(results.size());
    bool more = body.contains("_links") && body["_links"].is_object() && body["_links"].contains("next");
    if (results.empty() || !more) break;
  }
  return out;
}

}  // namespace faultline::confluence
