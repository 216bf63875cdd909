// Config names to Jira users: exact matches only, with a fix in every error.
#include "faultline/app/users.hpp"

#include <fmt/format.h>

#include "faultline/config/config.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

// Cloud account ids have no '@' and no spaces and are long.
bool looks_like_account_id(std::string_view id) {
  return id.find('@') == std::string_view::npos && id.find(' ') == std::string_view::npos && id.size() >= 20;
}

}  // namespace

Result<jira::UserRef> resolve_user(jira::Client& client, const config::Config& config, std::string_view name,
                                   std::string_view role) {
  FAULTLINE_TRY(user, resolve_named_user(client, config, name, role));
  return user->ref;
}

Result<NamedUser> resolve_named_user(jira::Client& client, const config::Config& config, std::string_view name,
                                     std::string_view role) {
  std::string id(name);
  const auto person = config.people.find(id);
  const bool is_person = person != config.people.end() && !person->second.jira.empty();
  if (is_person) id = person->second.jira;
  const bool cloud = client.flavor() == jira::Flavor::Cloud;
  const auto unknown = [&](std::string_view why) -> Result<NamedUser> {
    const std::string what = cloud ? "exact e-mail address or account id" : "exact user name";
    return fail(ErrorKind::Usage,
                is_person ? fmt::format("{} '{}' ([people.{}] jira = \"{}\") {}", role, name, name, id, why)
                          : fmt::format("{} '{}' {}", role, name, why),
                is_person ? fmt::format("set [people.{}] jira to the {} of the Jira user", name, what)
                          : fmt::format("add a [people.{}] entry with jira = \"<{}>\" to the config, or give the {}",
                                        name, cloud ? "account id or e-mail" : "user name", what));
  };
  if (cloud) {
    if (looks_like_account_id(id)) {  // read that account
      auto reply = client.call(http::Method::Get, std::string(client.api_root()) + "/user", {{"accountId", id}});
      if (!reply) {
        if (reply.error().kind == ErrorKind::NotFound) return unknown("is not a Jira account id");
        return std::unexpected(reply.error());
      }
      return NamedUser{jira::UserRef{id}, reply->body.is_object() ? reply->body.value("displayName", std::string()) : std::string()};
    }
    FAULTLINE_TRY(users, client.search_users(id, 20));
    for (const auto& user : *users) {
      const auto local = user.email.substr(0, user.email.find('@'));
      if (iequals(user.email, id) || iequals(user.display_name, id) || iequals(user.name, id) ||
          user.account_id == id || (!local.empty() && iequals(local, id)))
        return NamedUser{user.ref(), user.display_name};
    }
    // Jira hides most e-mail addresses: an e-mail query with exactly one hit is that user.
    if (users->size() == 1 && users->front().email.empty() && id.find('@') != std::string::npos)
      return NamedUser{users->front().ref(), users->front().display_name};
    return unknown(users->empty() ? "matches no Jira user" : "matches several Jira users and none exactly");
  }
  FAULTLINE_TRY(users, client.search_users(id, 50));
  for (const auto& user : *users) {
    if (iequals(user.name, id) || iequals(user.key, id) || iequals(user.email, id))
      return NamedUser{jira::UserRef{user.name.empty() ? id : user.name}, user.display_name};
  }
  return unknown(users->empty() ? "matches no Jira user" : "matches no Jira user name exactly");
}

std::string person_name(const config::Config& config, std::string_view jira_id, std::string_view fallback) {
  if (!jira_id.empty()) {
    for (const auto& [key, person] : config.people)
      if (person.jira == jira_id || key == jira_id) return key;
  }
  return std::string(fallback);
}

}  // namespace faultline::app
