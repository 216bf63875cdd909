// Attachments: listed through v2 on Cloud and v1 on Data Center; uploaded through v1 on both
// (v2 has no upload) as multipart/form-data.
#include "errors.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/util/json_access.hpp"
#include "faultline/util/strings.hpp"
#include "multipart.hpp"
#include "paging.hpp"

namespace faultline::confluence {
namespace {

using json_access::array;
using json_access::member;
using json_access::text;

std::int64_t int64_of(const nlohmann::json& j, std::string_view key) {
  const auto& value = member(j, key);
  return value.is_number_integer() ? value.get<std::int64_t>() : 0;
}

// The first non-empty text among the candidates.
std::string first_text(std::initializer_list<std::pair<const nlohmann::json*, std::string_view>> candidates) {
  for (const auto& [j, key] : candidates) {
    if (auto value = text(*j, key); !value.empty()) return value;
  }
  return {};
}

// One attachment in either shape, its download link still relative. v2: mediaType, fileSize,
// comment and downloadLink at the top; v1: metadata.{mediaType,comment} and
// extensions.{mediaType,fileSize,comment}, _links.download.
Attachment read_attachment(const nlohmann::json& j) {
  const auto& metadata = member(j, "metadata");
  const auto& extensions = member(j, "extensions");
  const auto& links = member(j, "_links");
  Attachment a;
  a.id = text(j, "id");
  a.title = text(j, "title");
  a.media_type = first_text({{&j, "mediaType"}, {&metadata, "mediaType"}, {&extensions, "mediaType"}});
  a.comment = first_text({{&j, "comment"}, {&metadata, "comment"}, {&extensions, "comment"}});
  a.size = int64_of(j, "fileSize");
  if (a.size == 0) a.size = int64_of(extensions, "fileSize");
  a.version = json_access::number(member(j, "version"), "number");
  a.download_url = first_text({{&j, "downloadLink"}, {&links, "download"}});
  return a;
}

// The v1 upload paths take the numeric content id; v2 (and v1 answers in Atlassian's own
// examples) prefix attachment ids with "att".
std::string numeric_attachment_id(std::string_view id) {
  if (id.starts_with("att")) id.remove_prefix(3);
  return std::string(id);
}

// What to do about a refused upload, in Confluence's terms.
Error with_upload_hint(Error error, std::string_view file_name, bool new_attachment) {
  bool duplicate = false;
  for (const auto& d : error.details) duplicate = duplicate || lower(d).find("same file name") != std::string::npos;
  if (error.http_status == 400 && new_attachment && duplicate) {
    error.hint = "The page already has an attachment named '" + std::string(file_name) +
                 "'; upload the file as a new version of that attachment instead.";
  } else if (error.http_status == 404) {
    error.hint = "Check the page id. Data Center also answers 404 when the file is larger than the "
                 "site's attachment size limit.";
  } else if (error.http_status == 413) {
    error.hint = "The file is larger than Confluence accepts (the site's attachment size limit).";
  }
  return error;
}

}  // namespace

Result<std::vector<Attachment>> Client::attachments(std::string_view page_id) {
  std::vector<Attachment> out;
  const bool cloud = m_flavor == Flavor::Cloud;
  // Cloud v2 pages by cursor (at most 250 a page); DC v1 by start/limit and leaves the version
  // unexpanded unless asked. Both give _links.next while more remain.
  const std::string path = cloud ? "/api/v2/pages/" + http::url_encode(page_id) + "/attachments"
                                 : "/rest/api/content/" + http::url_encode(page_id) + "/child/attachment";
  const http::QueryParams query = cloud ? http::QueryParams{{"limit", "250"}}
                                        : http::QueryParams{{"expand", "version,metadata"}, {"limit", "100"}};
  std::string url = http::build_url(m_api.base_url(), path, query);
  for (int pages = 0; pages < 1000 && !url.empty(); ++pages) {
    FAULTLINE_TRY(reply, send_url(http::Method::Get, path, url, nullptr, http::RetrySafety::ByMethod));
    const auto& results = array(reply->body, "results");
    const auto& links = member(reply->body, "_links");
    for (const auto& r : results) {
      auto attachment = read_attachment(r);
      attachment.download_url = absolute(attachment.download_url, links);
      out.push_back(std::move(attachment));
    }
    if (results.empty()) break;
    url = detail::next_page_url(m_api.base_url(), path, query, text(links, "next"));
  }
  return out;
}

Result<Attachment> Client::put_attachment(std::string_view page_id, std::string_view file_name,
                                          std::string_view media_type, std::string_view data, std::string_view comment,
                                          const Attachment* existing) {
  if (file_name.empty()) return fail(ErrorKind::Failed, "A Confluence attachment needs a file name.");
  const std::string attachment_id = existing != nullptr ? numeric_attachment_id(existing->id) : std::string();
  if (existing != nullptr && attachment_id.empty()) {
    return fail(ErrorKind::Failed,
                "Cannot upload a new version of attachment '" + existing->title + "': it has no id.");
  }
  // POST .../child/attachment only adds (a name already on the page is refused), and POST
  // .../{id}/data versions exactly the attachment that was read. Cloud's PUT .../child/attachment
  // (add or version by name) is not used: it exists only on Cloud, and it would silently version
  // a file someone else attached under the same name between our read and our upload.
  std::string path = "/rest/api/content/" + http::url_encode(page_id) + "/child/attachment";
  if (existing != nullptr) path += "/" + http::url_encode(attachment_id) + "/data";

  std::vector<detail::FormPart> parts;
  parts.push_back({"file", std::string(data), std::string(file_name),
                   media_type.empty() ? std::string("application/octet-stream") : std::string(media_type)});
  // Cloud asks for the comment as UTF-8 text/plain; one file, so one comment.
  if (!comment.empty()) parts.push_back({"comment", std::string(comment), {}, "text/plain; charset=utf-8"});
  // Cloud's schema requires minorEdit; true spares the page's watchers a mail per upload.
  parts.push_back({"minorEdit", "true", {}, {}});

  const auto url = http::build_url(m_api.base_url(), path);
  auto request = m_api.request_raw(http::Method::Post, url, detail::form_data(parts), http::RetrySafety::Unsafe);
  // Atlassian's REST layer refuses a multipart POST without this header (XSRF). "no-check" is
  // its current value; the "nocheck" of the Confluence reference is deprecated since
  // atlassian-rest 3.0 and only still accepted.
  request.headers.emplace_back("X-Atlassian-Token", "no-check");
  auto reply = m_api.reply(http::Method::Post, path, m_transport.send(request));
  if (!reply) return std::unexpected(with_upload_hint(reply.error(), file_name, existing == nullptr));

  // The add answers a page of the attachments added ({"results":[...]}); /data the one updated.
  const auto& body = reply->body;
  const auto& results = array(body, "results");
  const auto& json = results.empty() ? body : results[0];
  auto attachment = read_attachment(json);
  attachment.download_url = absolute(attachment.download_url, member(body, "_links"));
  if (attachment.id.empty() && existing != nullptr) attachment.id = existing->id;
  if (attachment.title.empty()) attachment.title = std::string(file_name);
  if (attachment.media_type.empty()) attachment.media_type = parts.front().content_type;
  if (attachment.comment.empty()) attachment.comment = std::string(comment);
  if (attachment.size == 0) attachment.size = static_cast<std::int64_t>(data.size());
  if (attachment.version == 0) attachment.version = existing != nullptr ? existing->version + 1 : 1;
  return attachment;
}

}  // namespace faultline::confluence
