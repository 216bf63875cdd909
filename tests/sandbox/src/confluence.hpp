// The Confluence emulation: Cloud (v2 /wiki/api/v2 and v1 /wiki/rest/api) or Data Center
// (/confluence/rest/api), pages with version history and optimistic locking, labels,
// attachments with their bytes (uploads, new versions, downloads at
// {context}/download/attachments/{pageId}/{filename}, Cloud v2 reads), a CQL subset with
// relevance order and highlighted excerpts, storage-format well-formedness checks, and HTML
// page views for a browser (Cloud /wiki/spaces/{key}/pages/{id}, DC
// /confluence/pages/viewpage.action?pageId=) that show the page's attached images.
//
// Seed part: seed["confluence"] = {"spaces":[{"key","name","id"[,"homepageId"]}],
//   "pages":[{"id","title","space","parent","body","version"[,"labels":[..]][,"created":"yyyy-MM-dd"]}]};
// when absent, the OPS space with its "Fault Reviews" page (id 65601).
#pragma once

#include <memory>

#include "service.hpp"

namespace sandbox {

// Creates the Confluence service for `flavor`, empty until load_seed() is called.
std::unique_ptr<Service> make_confluence_service(Flavor flavor);

}  // namespace sandbox
