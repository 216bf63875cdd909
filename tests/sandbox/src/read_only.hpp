// Which requests only read the emulated products' data. The server serves those under a shared
// lock, many at a time; every other request takes the products' lock exclusively. A service's
// answer to a request that reads_only() accepts must change nothing but state guarded by its
// own small locks (the Jira search and status caches).
#pragma once

#include <array>
#include <string_view>

#include "service.hpp"

namespace sandbox {

// GET (and HEAD, which arrives as GET), and the POSTs that are reads in Jira's REST API:
// search (Data Center's POST /search, Cloud's /search/jql and /search/approximate-count) and
// the bulk fetches of issues and change logs. The chat group APIs (/rooms/) are writes even
// for GET: every call is logged, and the token endpoints issue tokens.
inline bool reads_only(const SbRequest& request) {
  if (request.path.starts_with("/rooms/")) return false;
  if (request.method == "GET") return true;
  if (request.method != "POST") return false;
  std::string_view path = request.path;
  bool api = false;
  for (std::string_view root : {"/rest/api/2/", "/rest/api/3/", "/rest/api/latest/"}) {
    if (path.starts_with(root)) {
      path.remove_prefix(root.size());
      api = true;
      break;
    }
  }
  if (!api) return false;
  constexpr std::array<std::string_view, 6> k_read_posts = {"search",       "search/jql",      "search/approximate-count",
                                                            "search/id",    "issue/bulkfetch", "changelog/bulkfetch"};
  if (path.ends_with('/')) path.remove_suffix(1);
  for (auto read : k_read_posts)
    if (path == read) return true;
  return false;
}

}  // namespace sandbox
