// How faultline tells its own page versions from edits people made in Confluence, for every
// page it publishes (review pages, monthly reports): each version it writes carries the
// message "faultline publish <hash>", and the current version's message and author are read
// back before anything is overwritten.
#pragma once

#include <string>
#include <string_view>

#include "faultline/util/error.hpp"

namespace faultline::confluence {
class Client;
}

namespace faultline::app {

// The prefix of the version message of every page version faultline writes.
inline constexpr std::string_view k_publish_message_prefix = "faultline publish ";

// The version message and author of a page's current version. Empty strings when the answer
// does not carry them; author_id is the account id (Cloud) or user name (Data Center).
struct PageVersionInfo {
  std::string message, author, author_id;
};

// Cloud: GET /api/v2/pages/{id}; DC: GET /rest/api/content/{id}?expand=version (a raw call:
// the Page model carries neither). Error: the client's.
Result<PageVersionInfo> current_version(confluence::Client& client, const std::string& page_id);

// The hash in a faultline version message, "" when the message is not faultline's.
std::string publish_message_hash(std::string_view message);

// The id Confluence shows as the author of what this client writes: accountId (Cloud) or
// username (DC), from GET /rest/api/user/current. Error: the client's.
Result<std::string> current_user_id(confluence::Client& client);

}  // namespace faultline::app
