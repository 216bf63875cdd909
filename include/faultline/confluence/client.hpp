// The Confluence REST client. Cloud: REST v2 (/wiki/api/v2) for spaces, pages and attachment
// lists, which needs the space id looked up from its key; REST v1 (/wiki/rest/api) where v2
// lacks the operation: labels, CQL search and uploads. Data Center: /rest/api for everything.
// The flavor is chosen once.
// Every method returns Result<T>: an HTTP error status becomes an Error whose kind follows the
// status (401/403 Auth, 404 NotFound, 409 Conflict, 429/5xx Unavailable, other Failed) with
// Confluence's own message in details; a failure to talk is Unavailable. Error messages never
// contain the token.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/http/rest.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/http/url.hpp"
#include "faultline/util/error.hpp"

namespace faultline::confluence {

// Cloud (https://site.atlassian.net/wiki) or Data Center / Server (https://host/confluence).
enum class Flavor { Cloud, DataCenter };

// "cloud" | "datacenter".
const char* to_string(Flavor flavor);

// Cloud when the host is *.atlassian.net (or the api.atlassian.com gateway), else DataCenter.
Flavor guess_flavor(std::string_view base_url);

// Where Confluence is and who we are. base_url includes the context: ".../wiki" on Cloud,
// often ".../confluence" on Data Center. The token only ever goes into the Authorization header.
using AuthScheme = http::AuthScheme;
using Connection = http::RestConnection;

struct Space {
  std::string id;  // numeric id (v2 needs it); Data Center fills it too
  std::string key;
  std::string name;
};

struct Page {
  std::string id;
  std::string title;
  std::string space_key;
  int version = 0;
  std::string body_storage;  // storage format (XHTML)
  std::string web_url;       // absolute URL for people
  std::string parent_id;     // "" when unknown or at the space root
  // The current version's message and author, when the answer carried them (every page read
  // and write does on both flavors): what edit detection needs, without another request.
  bool has_version_info = false;
  std::string version_message;
  std::string version_author;     // display name (DC) or account id (Cloud)
  std::string version_author_id;  // user name (DC) or account id (Cloud)
  // The page's labels when the answer carried them (get_page on both flavors, find_page on
  // Data Center, create_page with the labels it sent); nullopt = not read.
  std::optional<std::vector<std::string>> labels;
};

// One CQL search result.
struct SearchHit {
  std::string id;
  std::string type;  // "page", "blogpost", ...
  std::string title;
  std::string space_key;
  std::string web_url;
  // site_search only: Confluence's excerpt as plain text (highlight markers and markup
  // removed, entities decoded, whitespace collapsed), and the page's labels.
  std::string excerpt;
  std::vector<std::string> labels;
};

// One file attached to a page, at its current version.
struct Attachment {
  std::string id;            // as the API gives it: "att123456" on v2 (v1 answers use the same form in
                             // Atlassian's examples); put_attachment strips "att" for its v1 path
  std::string title;         // the file name
  std::string media_type;
  std::string comment;       // the current version's comment ("" when none)
  std::int64_t size = 0;     // bytes
  int version = 0;
  std::string download_url;  // absolute; fetching it needs the same credentials
};

// CQL for pages of `space_key` whose title or text matches `text`, optionally restricted to
// pages carrying every one of `labels`. Every value goes through core::cql_quote.
std::string page_search_cql(std::string_view space_key, std::string_view text,
                            const std::vector<std::string>& labels = {});

class Client {
public:
  Client(http::Transport& transport, Connection connection, Flavor flavor);

  Flavor flavor() const { return m_flavor; }

  // Cloud: GET /wiki/api/v2/spaces?keys=KEY; DC: GET /rest/api/space/KEY. Cached per client.
  // Error: NotFound when there is no such space (or it is not visible).
  Result<Space> find_space(std::string_view space_key);

  // The current page titled exactly `title` in the space, with body and version, or nullopt.
  // Cloud: GET /wiki/api/v2/pages?space-id=&title=&body-format=storage (space id looked up);
  // DC: GET /rest/api/content?spaceKey=&title=&expand=body.storage,version,ancestors,space,
  // metadata.labels (the labels come along on DC only). Error: NotFound when the space does not exist.
  Result<std::optional<Page>> find_page(std::string_view space_key, std::string_view title);

  // The page with body, version and labels. Cloud: GET /wiki/api/v2/pages/{id}?body-format=
  // storage&include-labels=true; DC: GET /rest/api/content/{id}?expand=...,metadata.labels.
  // `space_key`: the space the caller expects the page in (Cloud: used instead of looking the
  // space up by id, so no space cache is touched: safe next to other reads in a wave); "" =
  // look it up. Error: NotFound.
  Result<Page> get_page(std::string_view page_id, std::string_view space_key = {});

  // A new page under `parent_id` ("" = the space's home) with a storage-format body.
  // Cloud: POST /wiki/api/v2/pages {spaceId, parentId, ...}; DC: POST /rest/api/content
  // {space.key, ancestors, ...}. Not retried on an unknown outcome. Error: Failed (400) with
  // Confluence's words when the title already exists in the space; NotFound for the space.
  // `labels`: DC sends them in the create (metadata.labels, one request); Cloud's v2 create
  // takes none, so the returned page's `labels` is empty there (the caller adds them).
  Result<Page> create_page(std::string_view space_key, std::string_view title, std::string_view parent_id,
                           std::string_view body_storage, const std::vector<std::string>& labels = {});

  // One earlier version of a page, with its storage body. Cloud: GET /wiki/api/v2/pages/{id}
  // ?version=N&body-format=storage; DC: GET /rest/api/content/{id}?status=historical&version=N
  // &expand=body.storage,version,space. Error: NotFound when the page or the version is gone.
  Result<Page> get_page_version(std::string_view page_id, int version, std::string_view space_key);

  // Replaces title and body of `current` with version current.version + 1. Cloud: PUT
  // /wiki/api/v2/pages/{id}; DC: PUT /rest/api/content/{id}. Error: Conflict when someone
  // saved a newer version first (409, or 400 "version must be incremented") — nothing is
  // overwritten; re-read and merge.
  Result<Page> update_page(const Page& current, std::string_view title, std::string_view body_storage,
                           std::string_view version_message = {});

  // POST {v1}/content/{id}/label with [{"prefix":"global","name":..}] (v1 on both flavors;
  // existing labels stay). Error: Failed (400) for an invalid label name.
  Result<void> add_labels(std::string_view page_id, const std::vector<std::string>& labels);
  // GET {v1}/content/{id}/label, all pages -> label names.
  Result<std::vector<std::string>> labels(std::string_view page_id);

  // GET {v1}/content/search?cql= (v1 on both flavors), following _links.next up to `limit`
  // results. The CQL must have been built with core::cql_quote for every value (see
  // page_search_cql). Error: Failed (400) with Confluence's words for invalid CQL.
  Result<std::vector<SearchHit>> search(std::string_view cql, int limit = 100);

  // The same search through GET {v1}/search (v1 on both flavors) with excerpt=highlight and
  // expand=content.space,content.metadata.labels, following _links.next up to `limit` hits
  // (none for limit <= 0): hits carry `excerpt` and `labels`, in Confluence's relevance order.
  // Error: Failed (400) with Confluence's words for invalid CQL.
  Result<std::vector<SearchHit>> site_search(std::string_view cql, int limit = 50);

  // Every attachment of the page, current versions, all pages of the list. Cloud: GET
  // /wiki/api/v2/pages/{id}/attachments (cursor paging); DC: GET
  // /rest/api/content/{id}/child/attachment?expand=version,metadata (start/limit paging).
  // Error: NotFound for no such page (or one not visible to this user).
  Result<std::vector<Attachment>> attachments(std::string_view page_id);

  // Puts `data` on the page as file `file_name`: a new attachment when `existing` is null,
  // else a new version of `existing` (same file name). The version comment is `comment` ("" =
  // none); uploads are minor edits (no watcher mail). REST v1 on both flavors (v2 has no
  // upload): POST {v1}/content/{id}/child/attachment, or .../child/attachment/{numeric
  // attachment id}/data for a new version; multipart/form-data with parts "file", "comment",
  // "minorEdit" and the X-Atlassian-Token: no-check header. Not retried on an unknown outcome.
  // Error: Failed (400) with Confluence's words and a hint for a file name already on the page
  // (nothing is overwritten); NotFound for the page or attachment (Data Center also answers
  // 404 for a file over its size limit); Failed for 413.
  Result<Attachment> put_attachment(std::string_view page_id, std::string_view file_name,
                                    std::string_view media_type, std::string_view data, std::string_view comment,
                                    const Attachment* existing = nullptr);

  using Reply = http::JsonReply;
  // One request to base + path (path below the context: "/api/v2/pages", "/rest/api/...").
  Result<Reply> call(http::Method method, std::string_view path, const http::QueryParams& query = {},
                     const nlohmann::json* body = nullptr, http::RetrySafety retry = http::RetrySafety::ByMethod);

private:
  Result<Reply> send_url(http::Method method, std::string_view path_for_errors, const std::string& url,
                         const nlohmann::json* body, http::RetrySafety retry);
  Result<std::string> space_key_for_id(const std::string& space_id);
  Page parse_v2_page(const nlohmann::json& json, std::string_view space_key) const;
  Page parse_v1_page(const nlohmann::json& json) const;
  std::string absolute(std::string_view link, const nlohmann::json& links) const;

  http::Transport& m_transport;
  Flavor m_flavor;
  http::RestEndpoint m_api;
  std::map<std::string, Space> m_spaces_by_key;  // cache of find_space
};

// Asks the site which flavor it is: Cloud answers GET <base>/rest/api/settings/systemInfo (a
// Cloud-only v1 resource) with its cloudId; Data Center answers GET
// <base>/rest/api/server-information (absent on Cloud). A *.atlassian.net host is Cloud without
// asking (a Cloud site behind a custom domain or a proxy is asked). Error: Auth when the site
// refuses the credentials; Failed naming both resources when neither answers.
Result<Flavor> detect_flavor(http::Transport& transport, const Connection& connection);

}  // namespace faultline::confluence
