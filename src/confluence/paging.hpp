// Following Confluence's "next" links without trusting where they point (private to the
// confluence module).
#pragma once

#include <string>
#include <string_view>

#include "faultline/http/url.hpp"

namespace faultline::confluence::detail {

// The URL of the page after this one: our own base + `path` + the query of `next` (the
// _links.next the API gave: relative to the context on v1, to the site on v2 — "/wiki/api/v2/
// ..." — or absolute), plus each parameter of `query` the link dropped. The host and path are
// always ours, so the token never goes where an answer points. "" when `next` is "".
std::string next_page_url(std::string_view base_url, std::string_view path, const http::QueryParams& query,
                          std::string_view next);

}  // namespace faultline::confluence::detail
