// Internal to the Confluence emulation: the service class whose members live in several files
// (one concern each), and the small helpers they share.
//   confluence.cpp              routing, errors, paging, JSON shapes, v1 and v2 pages, labels
//   confluence_attachments.cpp  uploads, downloads, v1 and v2 attachment reads
//   confluence_search.cpp       CQL search: results, relevance order, excerpts, expansions
//   confluence_view.cpp         the HTML page view for a browser
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "confluence_store.hpp"
#include "cql.hpp"
#include "service.hpp"

namespace sandbox::conf {

using nlohmann::json;

inline constexpr std::size_t k_default_limit = 25;   // page size when none is asked for
inline constexpr std::size_t k_v1_max_limit = 200;   // largest v1 page
inline constexpr std::size_t k_v2_max_limit = 250;   // largest v2 page

// ISO-8601 UTC with milliseconds of epoch milliseconds.
std::string iso(std::int64_t ms);

// Percent-encodes everything but unreserved characters; a space becomes '+' when asked.
std::string url_encode(std::string_view s, bool plus_for_space);

// All values of a query parameter, repeated and comma-separated forms alike.
std::vector<std::string> param_list(const SbRequest& r, const std::string& name);

// A window over a result list: offset and page size.
struct Window {
  std::size_t start = 0;                // offset of the first item
  std::size_t limit = k_default_limit;  // page size
};

// A failed request: status and message, rendered in the API's error shape.
struct Failure {
  int status = 400;     // HTTP status
  std::string message;  // Confluence's message
};

// The Confluence service of one flavor.
class ConfluenceService final : public Service {
public:
  explicit ConfluenceService(Flavor flavor) : m_flavor(flavor) {}

  std::optional<SbResponse> handle(const SbRequest& request) override;
  void load_seed(const json& seed) override { m_store.load_seed(seed); }
  void extend_seed(const json& seed) override { m_store.extend_seed(seed); }
  json snapshot() const override { return m_store.snapshot(); }
  void restore(const json& state) override { m_store.restore(state); }

private:
  // ---- confluence.cpp: routing and flavor -------------------------------------------------

  // Dispatches a request below the context path (`rest` starts after /wiki or /confluence).
  SbResponse route(const SbRequest& request, const std::string& rest);
  bool cloud() const { return m_flavor == Flavor::Cloud; }
  // "/wiki" on Cloud, "/confluence" on Data Center.
  std::string context() const { return cloud() ? "/wiki" : "/confluence"; }
  // The absolute base URL, context included.
  std::string base(const SbRequest& r) const { return r.base_url + context(); }
  // Path relative to the context ("/rest/api/...") for v1 links.
  std::string relative(const SbRequest& r) const { return r.path.substr(context().size()); }

  // ---- confluence.cpp: errors and paging --------------------------------------------------

  // A v1 error body (Cloud prefixes the exception class to the message; DC adds "reason").
  SbResponse v1_error(const Failure& f) const;
  // A v2 error body {"errors":[{status, code, title, detail}]}.
  static SbResponse v2_error(const Failure& f);
  // A non-negative integer query parameter; 400 when malformed.
  static std::expected<std::size_t, Failure> number_param(const SbRequest& r, const std::string& name,
                                                          std::size_t fallback);
  // The opaque v2 cursor for an offset.
  static std::string make_cursor(std::size_t offset);
  // The request's window: limit (clamped to 1..max_limit, default `default_limit`) and start
  // or cursor; 400 for a malformed one.
  static std::expected<Window, Failure> window(const SbRequest& r, std::size_t max_limit,
                                               std::size_t default_limit = k_default_limit);
  // The request's path and query with the paging parameters replaced; `path` is what the link
  // should start with.
  static std::string next_link(const SbRequest& r, const std::string& path, const std::string& key,
                               const std::string& value, std::size_t limit);
  // A v2 list answer with cursor paging: body _links.next and the Link header.
  SbResponse list_v2(const SbRequest& r, json items, const Window& w, std::size_t total) const;

  // ---- confluence.cpp: JSON shapes --------------------------------------------------------

  // A user as v1 shows it (accountId on Cloud, username/userKey on DC; anonymous for null).
  json user_json(const json& user) const;
  // The v2 authorId of a user ("" for null).
  static std::string account_id(const json& user) { return user.is_object() ? user.value("accountId", "") : ""; }
  // The page's web UI path below the context.
  std::string webui(const ConfPage& p) const;
  json space_v1(const SbRequest& r, const ConfSpace& s) const;
  json space_v2(const SbRequest& r, const ConfSpace& s) const;
  json version_v1(const SbRequest& r, const ConfPage& p, const ConfVersion& v) const;
  json label_v1(const ConfLabel& l) const;
  // The v1 label list of a page.
  json labels_v1(const SbRequest& r, const ConfPage& p) const;
  // A v1 Content object for a page with the given expansions.
  json content_v1(const SbRequest& r, const ConfPage& p, const std::set<std::string>& expand, bool top_level) const;
  // A v2 Page object for version `v` of the page, with the storage body when asked.
  json page_v2(const ConfPage& p, const ConfVersion& v, bool with_body) const;
  // The request's expand parameter as a set, or `defaults` when absent.
  std::set<std::string> expand_of(const SbRequest& r, std::set<std::string> defaults) const;

  // ---- confluence.cpp: v1 and v2 pages, spaces, labels ------------------------------------

  SbResponse v1(const SbRequest& r, const std::vector<std::string>& s);
  SbResponse space_list_v1(const SbRequest& r) const;
  SbResponse list_v1(const SbRequest& r, const std::vector<const ConfPage*>& all, const std::set<std::string>& expand) const;
  SbResponse content_list(const SbRequest& r) const;
  SbResponse content_get(const SbRequest& r, const std::string& id) const;
  static std::expected<std::string, Failure> storage_value_v1(const json& body);
  static std::vector<ConfLabel> labels_from(const json& list);
  SbResponse content_create(const SbRequest& r);
  SbResponse content_update(const SbRequest& r, const std::string& id);
  SbResponse labels_add(const SbRequest& r, const std::string& id);
  SbResponse label_remove(const std::string& id, const std::string& name);
  SbResponse v2(const SbRequest& r, const std::vector<std::string>& s);
  SbResponse spaces_v2(const SbRequest& r) const;
  std::expected<bool, Failure> body_format(const SbRequest& r) const;
  SbResponse pages_list_v2(const SbRequest& r, const std::string& only_space) const;
  SbResponse page_get_v2(const SbRequest& r, const std::string& id) const;
  static std::expected<std::string, Failure> storage_value_v2(const json& body);
  SbResponse page_create_v2(const SbRequest& r);
  SbResponse page_update_v2(const SbRequest& r, const std::string& id);
  // PUT /pages/{id}/title: {"status", "title"} saves a new version with the new title and the
  // same body; answers the page like GET. Errors: 400 missing status/title or a duplicate
  // title, 404 unknown page.
  SbResponse page_title_v2(const SbRequest& r, const std::string& id);

  // ---- confluence_attachments.cpp ---------------------------------------------------------

  // v1 {context}/rest/api/content/{id}/child/attachment[/{attachmentId}[/data|/download]];
  // `s` are the path segments after /rest/api.
  SbResponse attachment_route_v1(const SbRequest& r, const ConfPage& page, const std::vector<std::string>& s);
  // A v1 Content object for an attachment (current version, or `version` when given).
  json attachment_v1(const SbRequest& r, const ConfPage& p, const ConfAttachment& a,
                     const ConfAttachmentVersion* version = nullptr) const;
  // A v2 Attachment object for version `v` of the attachment.
  json attachment_v2(const ConfPage& p, const ConfAttachment& a, const ConfAttachmentVersion& v) const;
  // The download path of version `v` below the context, as _links.download gives it.
  std::string download_link(const ConfPage& p, const ConfAttachment& a, const ConfAttachmentVersion& v) const;
  // GET .../child/attachment (filename, mediaType, start, limit).
  SbResponse attachments_list_v1(const SbRequest& r, const ConfPage& p) const;
  // The files of a multipart upload, or the answer that refuses it (403 without the XSRF
  // header, 415 not multipart, 400 no file part).
  std::expected<std::vector<ConfUpload>, SbResponse> read_uploads(const SbRequest& r) const;
  // POST (CreateOnly unless ?allowDuplicated=true) or Cloud's PUT (CreateOrUpdate).
  SbResponse attachment_upload(const SbRequest& r, const ConfPage& page, UploadMode mode);
  // POST .../child/attachment/{attachmentId}/data: a new version, answered as one attachment.
  SbResponse attachment_data_upload(const SbRequest& r, const ConfPage& page, const std::string& attachment_id);
  // GET {context}/download/attachments/{pageId}/{filename}[?version=N]: the bytes.
  SbResponse attachment_download(const SbRequest& r, const std::vector<std::string>& s) const;
  // Cloud v2 GET /pages/{id}/attachments.
  SbResponse attachments_list_v2(const SbRequest& r, const ConfPage& p) const;
  // Cloud v2 GET /attachments/{id}.
  SbResponse attachment_get_v2(const SbRequest& r, const std::string& id) const;

  // ---- confluence_properties.cpp ----------------------------------------------------------

  json property_v1(const SbRequest& r, const ConfPage& p, const ConfProperty& property) const;
  json property_v2(const ConfProperty& property) const;
  // v1 .../content/{id}/property[/{key}]; `s` are the path segments after /rest/api.
  SbResponse properties_v1(const SbRequest& r, const ConfPage& page, const std::vector<std::string>& s);
  SbResponse write_property_v1(const SbRequest& r, const std::string& page_id, const std::string& key,
                               const json& body, std::optional<int> version);
  // Cloud v2 /pages/{id}/properties[/{property-id}]; `s` are the segments after /api/v2.
  SbResponse properties_v2(const SbRequest& r, const ConfPage& page, const std::vector<std::string>& s);

  // ---- confluence_search.cpp --------------------------------------------------------------

  // The searchable facts of a page.
  CqlDoc doc_of(const ConfPage& p) const;
  // GET .../search (wrapped results with excerpts) and .../content/search (`content_shape`).
  SbResponse cql_search(const SbRequest& r, bool content_shape) const;

  // ---- confluence_view.cpp ----------------------------------------------------------------

  // The HTML view of a page for a browser (404 page when absent or trashed).
  SbResponse html_view(const std::string& id) const;

  Flavor m_flavor;          // Cloud or Data Center
  ConfluenceStore m_store;  // spaces, pages, labels, attachments
};

}  // namespace sandbox::conf
