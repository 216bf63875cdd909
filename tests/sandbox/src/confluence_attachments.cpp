// Confluence attachments: multipart uploads (v1 POST and Cloud's PUT on .../child/attachment,
// POST .../child/attachment/{id}/data), the v1 and Cloud v2 reads, and the download path a
// browser follows ({context}/download/attachments/{pageId}/{filename}).
//
// Facts relied on (specs/ and Atlassian's REST docs): uploads need `X-Atlassian-Token: nocheck`
// (no-check is accepted too) or they are blocked; the file part is named "file", optional
// "comment" parts pair with the files in order, "minorEdit" is "true" or "false"; POST only
// adds and answers 400 "Cannot add a new attachment with same file name as an existing
// attachment: NAME" unless ?allowDuplicated=true; Cloud's PUT creates or adds a new version by
// file name; .../{attachmentId}/data adds a version (new bytes, file name, media type) and
// answers the one attachment; v2 lists take filename, mediaType, status, sort, cursor and limit
// (1-250, default 50); v2 attachment ids are "att" + digits and GET /attachments/{id} takes
// either form.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "confluence_service.hpp"
#include "multipart.hpp"
#include "xhtml.hpp"

namespace sandbox::conf {

namespace {

constexpr std::size_t k_v2_attachment_default_limit = 50;

bool all_digits_text(std::string_view s) {
  return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// True for "att123" and "123".
bool valid_attachment_id(std::string_view id) { return all_digits_text(id.starts_with("att") ? id.substr(3) : id); }

// A form field's value without surrounding blanks and quotes (curl -F 'minorEdit="true"').
std::string field_text(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '"' || v.front() == '\r' || v.front() == '\n')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '"' || v.back() == '\r' || v.back() == '\n')) v.remove_suffix(1);
  return std::string(v);
}

// "image/png; charset=x" -> "image/png".
std::string media_type_of(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t.empty() ? std::string("application/octet-stream") : std::string(t);
}

// The HTML 404 page Confluence shows a browser for a missing download.
SbResponse download_not_found() {
  SbResponse res;
  res.status = 404;
  res.content_type = "text/html; charset=utf-8";
  res.body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>Not Found</title></head>"
             "<body><h1>Not Found</h1><p>The attachment does not exist.</p></body></html>\n";
  return res;
}

}  // namespace

std::string ConfluenceService::download_link(const ConfPage& p, const ConfAttachment& a,
                                              const ConfAttachmentVersion& v) const {
  return "/download/attachments/" + p.id + "/" + url_encode(a.title, false) + "?version=" + std::to_string(v.number) +
         "&modificationDate=" + std::to_string(v.when_ms) + "&api=v2";
}

json ConfluenceService::attachment_v1(const SbRequest& r, const ConfPage& p, const ConfAttachment& a,
                                      const ConfAttachmentVersion* version) const {
  const ConfAttachmentVersion& v = version != nullptr ? *version : a.current();
  json meta{{"mediaType", v.media_type}};
  if (!v.comment.empty()) meta["comment"] = v.comment;
  json ext{{"mediaType", v.media_type}, {"fileSize", v.data.size()}};
  if (!v.comment.empty()) ext["comment"] = v.comment;
  return json{{"id", a.id},
              {"type", "attachment"},
              {"status", "current"},
              {"title", a.title},
              {"metadata", meta},
              {"extensions", ext},
              {"version", {{"by", user_json(v.by)}, {"when", iso(v.when_ms)}, {"message", v.comment},
                           {"number", v.number}, {"minorEdit", v.minor_edit}}},
              {"container", {{"id", p.id}, {"type", "page"}, {"status", p.status}, {"title", p.current().title}}},
              {"_links", {{"webui", "/pages/viewpageattachments.action?pageId=" + p.id + "&preview=" +
                                        url_encode("/" + p.id + "/" + a.id + "/" + a.title, false)},
                          {"download", download_link(p, a, v)},
                          {"self", base(r) + "/rest/api/content/" + a.id}}},
              {"_expandable", {{"space", "/rest/api/space/" + p.space_key}, {"history", ""}}}};
}

json ConfluenceService::attachment_v2(const ConfPage& p, const ConfAttachment& a, const ConfAttachmentVersion& v) const {
  const std::string webui = "/pages/viewpageattachments.action?pageId=" + p.id + "&preview=" +
                            url_encode("/" + p.id + "/" + a.id + "/" + a.title, false);
  return json{{"id", a.id},
              {"status", "current"},
              {"title", a.title},
              {"createdAt", iso(a.versions.front().when_ms)},
              {"pageId", p.id},
              {"mediaType", v.media_type},
              {"comment", v.comment},
              {"fileSize", v.data.size()},
              {"webuiLink", webui},
              {"downloadLink", download_link(p, a, v)},
              {"version", {{"createdAt", iso(v.when_ms)}, {"message", v.comment}, {"number", v.number},
                           {"minorEdit", v.minor_edit}, {"authorId", account_id(v.by)}}},
              {"_links", {{"webui", webui}, {"download", download_link(p, a, v)}}}};
}

SbResponse ConfluenceService::attachment_route_v1(const SbRequest& r, const ConfPage& page,
                                                  const std::vector<std::string>& s) {
  const auto& m = r.method;
  auto not_allowed = [&] { return v1_error({405, "Method " + m + " is not allowed on " + r.path}); };
  if (s.size() == 4) {
    if (m == "GET") return attachments_list_v1(r, page);
    if (m == "POST") {
      bool duplicates = r.param("allowDuplicated").value_or("") == "true";
      return attachment_upload(r, page, duplicates ? UploadMode::CreateOrUpdate : UploadMode::CreateOnly);
    }
    if (m == "PUT" && cloud()) return attachment_upload(r, page, UploadMode::CreateOrUpdate);
    return not_allowed();
  }
  const std::string& attachment_id = s[4];
  if (s.size() == 6 && s[5] == "data") {
    if (m != "POST") return not_allowed();
    return attachment_data_upload(r, page, attachment_id);
  }
  if (s.size() == 6 && s[5] == "download" && cloud()) {
    // Cloud only: a redirect to the download path.
    if (m != "GET") return not_allowed();
    auto [owner, attachment] = m_store.find_attachment(attachment_id);
    if (attachment == nullptr || owner->id != page.id) {
      return v1_error({404, "No attachment with id " + attachment_id + " found on content " + page.id});
    }
    const ConfAttachmentVersion* v = &attachment->current();
    if (auto wanted = r.param("version")) {
      v = all_digits_text(*wanted) ? attachment->version(std::stoi(*wanted)) : nullptr;
      if (v == nullptr) return v1_error({400, "Invalid version " + *wanted + " of attachment " + attachment_id});
    }
    SbResponse res;
    res.status = 302;
    res.content_type.clear();
    res.headers["Location"] = base(r) + download_link(page, *attachment, *v);
    return res;
  }
  return v1_error({404, "No resource at " + r.path});
}

SbResponse ConfluenceService::attachments_list_v1(const SbRequest& r, const ConfPage& p) const {
  auto w = window(r, k_v1_max_limit);
  if (!w) return v1_error(w.error());
  auto filename = r.param("filename");
  auto media_type = r.param("mediaType");
  std::vector<const ConfAttachment*> all;
  for (const auto& a : p.attachments) {
    if (filename && a.title != *filename) continue;
    if (media_type && a.current().media_type != *media_type) continue;
    all.push_back(&a);
  }
  json results = json::array();
  for (std::size_t i = w->start; i < all.size() && i < w->start + w->limit; ++i) {
    results.push_back(attachment_v1(r, p, *all[i]));
  }
  json links{{"base", base(r)}, {"context", context()}, {"self", base(r) + relative(r)}};
  if (w->start + w->limit < all.size()) {
    links["next"] = next_link(r, relative(r), "start", std::to_string(w->start + w->limit), w->limit);
  }
  return SbResponse::json(200, json{{"results", results}, {"start", w->start}, {"limit", w->limit},
                                    {"size", results.size()}, {"_links", links}});
}

std::expected<std::vector<ConfUpload>, SbResponse> ConfluenceService::read_uploads(const SbRequest& r) const {
  auto token = r.headers.find("x-atlassian-token");
  if (token == r.headers.end() || (token->second != "nocheck" && token->second != "no-check")) {
    SbResponse res;
    res.status = 403;
    res.content_type = "text/plain";
    res.body = "XSRF check failed";
    return std::unexpected(res);
  }
  auto ct = r.headers.find("content-type");
  if (ct == r.headers.end() || !ct->second.starts_with("multipart/form-data")) {
    return std::unexpected(v1_error({415, "Attachments must be uploaded as multipart/form-data"}));
  }
  std::string boundary = header_param(ct->second, "boundary");
  if (boundary.empty()) return std::unexpected(v1_error({400, "multipart/form-data without a boundary"}));
  auto parts = parse_multipart(r.body, boundary);
  if (!parts) return std::unexpected(v1_error({400, parts.error()}));
  std::vector<ConfUpload> uploads;
  std::vector<std::string> comments;
  bool minor_edit = false;
  for (auto& part : *parts) {
    if (part.name == "file") {
      if (part.filename.empty()) return std::unexpected(v1_error({400, "The file part has no filename"}));
      ConfUpload u;
      u.file_name = part.filename;
      u.media_type = media_type_of(part.content_type);
      u.data = std::move(part.data);
      uploads.push_back(std::move(u));
    } else if (part.name == "comment") {
      comments.push_back(part.data);
    } else if (part.name == "minorEdit") {
      std::string v = field_text(part.data);
      std::transform(v.begin(), v.end(), v.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
      minor_edit = v == "true";
    }
  }
  if (uploads.empty()) return std::unexpected(v1_error({400, "No file part named 'file' in the upload"}));
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    uploads[i].comment = i < comments.size() ? comments[i] : "";
    uploads[i].minor_edit = minor_edit;
  }
  return uploads;
}

SbResponse ConfluenceService::attachment_upload(const SbRequest& r, const ConfPage& page, UploadMode mode) {
  auto uploads = read_uploads(r);
  if (!uploads) return uploads.error();
  if (mode == UploadMode::CreateOnly) {
    // Every name is checked before anything is stored: nothing half-written.
    for (const auto& u : *uploads) {
      bool taken = std::any_of(page.attachments.begin(), page.attachments.end(),
                               [&](const ConfAttachment& a) { return a.title == u.file_name; });
      if (taken) {
        return v1_error({400, "Cannot add a new attachment with same file name as an existing attachment: " + u.file_name});
      }
    }
  }
  json results = json::array();
  for (const auto& u : *uploads) {
    auto added = m_store.add_attachment(page.id, u, mode, cloud(), r.user, epoch_ms(r.now));
    if (!added) return v1_error({added.error().status, added.error().message});
    results.push_back(attachment_v1(r, page, **added));
  }
  return SbResponse::json(200, json{{"results", results}, {"size", results.size()},
                                    {"_links", {{"base", base(r)}, {"context", context()}}}});
}

SbResponse ConfluenceService::attachment_data_upload(const SbRequest& r, const ConfPage& page,
                                                     const std::string& attachment_id) {
  if (!valid_attachment_id(attachment_id)) return v1_error({400, "Invalid attachment id: " + attachment_id});
  auto uploads = read_uploads(r);
  if (!uploads) return uploads.error();
  if (uploads->size() != 1) return v1_error({400, "Exactly one file part named 'file' is expected"});
  auto updated = m_store.update_attachment_data(page.id, attachment_id, uploads->front(), r.user, epoch_ms(r.now));
  if (!updated) return v1_error({updated.error().status, updated.error().message});
  json j = attachment_v1(r, page, **updated);
  j["_links"]["base"] = base(r);
  j["_links"]["context"] = context();
  return SbResponse::json(200, j);
}

SbResponse ConfluenceService::attachment_download(const SbRequest& r, const std::vector<std::string>& s) const {
  if (s.size() != 4) return download_not_found();
  const ConfPage* page = m_store.page(s[2]);
  if (page == nullptr || page->status == "trashed") return download_not_found();
  auto it = std::find_if(page->attachments.begin(), page->attachments.end(),
                         [&](const ConfAttachment& a) { return a.title == s[3]; });
  if (it == page->attachments.end()) return download_not_found();
  const ConfAttachmentVersion* v = &it->current();
  if (auto wanted = r.param("version"); wanted && all_digits_text(*wanted)) {
    v = it->version(std::stoi(*wanted));
    if (v == nullptr) return download_not_found();
  }
  SbResponse res;
  res.status = 200;
  res.content_type = v->media_type;
  res.body = v->data;
  // Opened in a browser, an uploaded file must not run script on the sandbox's origin.
  res.headers["Content-Security-Policy"] = "sandbox";
  res.headers["X-Content-Type-Options"] = "nosniff";
  return res;
}

SbResponse ConfluenceService::attachments_list_v2(const SbRequest& r, const ConfPage& p) const {
  auto w = window(r, k_v2_max_limit, k_v2_attachment_default_limit);
  if (!w) return v2_error(w.error());
  auto filename = r.param("filename");
  auto media_type = r.param("mediaType");
  auto statuses = param_list(r, "status");
  bool current_wanted = statuses.empty() || std::find(statuses.begin(), statuses.end(), "current") != statuses.end();
  std::vector<const ConfAttachment*> all;
  for (const auto& a : p.attachments) {
    if (!current_wanted) continue;
    if (filename && a.title != *filename) continue;
    if (media_type && a.current().media_type != *media_type) continue;
    all.push_back(&a);
  }
  if (auto sort = r.param("sort"); sort && !sort->empty()) {
    const std::string key = sort->starts_with("-") ? sort->substr(1) : *sort;
    const bool desc = sort->starts_with("-");
    if (key != "created-date" && key != "modified-date") return v2_error({400, "Unsupported sort " + *sort});
    auto when = [&](const ConfAttachment* a) {
      return key == "created-date" ? a->versions.front().when_ms : a->current().when_ms;
    };
    std::stable_sort(all.begin(), all.end(), [&](const ConfAttachment* a, const ConfAttachment* b) {
      return desc ? when(b) < when(a) : when(a) < when(b);
    });
  }
  json items = json::array();
  for (std::size_t i = w->start; i < all.size() && i < w->start + w->limit; ++i) {
    items.push_back(attachment_v2(p, *all[i], all[i]->current()));
  }
  return list_v2(r, items, *w, all.size());
}

SbResponse ConfluenceService::attachment_get_v2(const SbRequest& r, const std::string& id) const {
  if (!valid_attachment_id(id)) return v2_error({400, "Invalid attachment id: " + id});
  auto [page, attachment] = m_store.find_attachment(id);
  if (attachment == nullptr || page->status == "trashed") return v2_error({404, "No attachment with id " + id});
  const ConfAttachmentVersion* v = &attachment->current();
  if (auto wanted = r.param("version")) {
    v = all_digits_text(*wanted) ? attachment->version(std::stoi(*wanted)) : nullptr;
    if (v == nullptr) return v2_error({404, "No version " + *wanted + " of attachment " + id});
  }
  json j = attachment_v2(*page, *attachment, *v);
  if (r.param("include-version").value_or("true") == "false") j.erase("version");
  if (r.param("include-versions").value_or("") == "true") {
    json versions = json::array();
    for (auto it = attachment->versions.rbegin(); it != attachment->versions.rend(); ++it) {
      versions.push_back(json{{"createdAt", iso(it->when_ms)}, {"message", it->comment}, {"number", it->number},
                              {"minorEdit", it->minor_edit}, {"authorId", account_id(it->by)}});
    }
    j["versions"] = json{{"results", versions}, {"meta", {{"hasMore", false}, {"cursor", ""}}}, {"_links", json::object()}};
  }
  j["_links"]["base"] = base(r);
  return SbResponse::json(200, j);
}

}  // namespace sandbox::conf
