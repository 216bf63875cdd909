// People as Jira knows them: a config name ([people.NAME] key or a Jira user as written)
// resolved to the Jira user it stands for, checked to exist.
#pragma once

#include <string>
#include <string_view>

#include "faultline/jira/client.hpp"
#include "faultline/util/error.hpp"

namespace faultline::config {
struct Config;
}

namespace faultline::app {

// The Jira user a config name stands for ([people.<name>].jira when it is a people key with a
// jira entry, else the name itself), checked to exist. Data Center: a user search with an
// exact user name / key / e-mail match. Cloud: an id shaped like an account id is read with
// GET /user; anything else is a user search with an exact e-mail / e-mail local part / name /
// display name / account id match (a single hit is taken only for an e-mail whose address
// Jira hides). `role` names the user in messages ("coordinator", "owner").
// Error: Usage naming the user and how to fix it (a [people.<name>] entry or the exact e-mail
// / user name) when Jira knows no such user; the lookup's own error otherwise.
Result<jira::UserRef> resolve_user(jira::Client& client, const config::Config& config, std::string_view name,
                                   std::string_view role = "user");

// A user resolve_user() found, with the display name Jira answered the lookup with ("" when
// the answer had none).
struct NamedUser {
  jira::UserRef ref;
  std::string display_name;
};
// resolve_user(), keeping the display name (the same requests, the same errors).
Result<NamedUser> resolve_named_user(jira::Client& client, const config::Config& config, std::string_view name,
                                     std::string_view role = "user");

// The config people key whose Jira user (or key) is `jira_id`, else `fallback`: how a Jira user
// is named in messages and review files, so mentions resolve to platform ids.
std::string person_name(const config::Config& config, std::string_view jira_id, std::string_view fallback);

}  // namespace faultline::app
