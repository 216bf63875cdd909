// Clients from configuration: the one place config's settings become REST connections.
#include "faultline/app/connections.hpp"

#include "faultline/config/config.hpp"

namespace faultline::app {

namespace {

http::AuthScheme auth_scheme(config::AuthScheme auth) {
  switch (auth) {
    case config::AuthScheme::Basic: return http::AuthScheme::Basic;
    case config::AuthScheme::Bearer: return http::AuthScheme::Bearer;
    case config::AuthScheme::Auto: break;
  }
  return http::AuthScheme::Auto;
}

}  // namespace

Result<std::unique_ptr<jira::Client>> connect_jira(const config::Config& config, http::Transport& transport) {
  const auto& settings = config.jira;
  if (settings.url.empty()) {
    return fail(ErrorKind::Config, "jira.url is not set",
                "set [jira] url in the config file or FAULTLINE_JIRA_URL in the environment");
  }
  if (settings.token.empty()) {
    return fail(ErrorKind::Config, "no Jira token",
                "set [jira] token_env = \"JIRA_API_TOKEN\" (or token_cmd) in the config, or FAULTLINE_JIRA_TOKEN");
  }
  jira::Connection connection{settings.url, settings.user, settings.token, auth_scheme(settings.auth)};
  jira::Flavor flavor = jira::Flavor::Cloud;
  if (settings.flavor == config::Flavor::DataCenter) {
    flavor = jira::Flavor::DataCenter;
  } else if (settings.flavor == config::Flavor::Auto) {
    FAULTLINE_TRY(detected, jira::detect_flavor(transport, connection));
    flavor = *detected;
  }
  return std::make_unique<jira::Client>(transport, std::move(connection), flavor);
}

Result<std::unique_ptr<confluence::Client>> connect_confluence(const config::Config& config, http::Transport& transport) {
  const auto& settings = config.confluence;
  if (settings.url.empty()) {
    return fail(ErrorKind::Config, "confluence.url is not set",
                "set [confluence] url in the config file or FAULTLINE_CONFLUENCE_URL in the environment");
  }
  const std::string& user = settings.user.empty() ? config.jira.user : settings.user;
  const std::string& token = settings.token.empty() ? config.jira.token : settings.token;
  if (token.empty()) {
    return fail(ErrorKind::Config, "no Confluence token",
                "set [confluence] token_env (or reuse the Jira token), or FAULTLINE_CONFLUENCE_TOKEN");
  }
  confluence::Connection connection{settings.url, user, token, auth_scheme(settings.auth)};
  confluence::Flavor flavor = confluence::Flavor::Cloud;
  if (settings.flavor == config::Flavor::DataCenter) {
    flavor = confluence::Flavor::DataCenter;
  } else if (settings.flavor == config::Flavor::Auto) {
    // Asked of the site, not guessed from its host name: a Cloud site behind a custom
    // domain must still go through v2 (`init` writes the answer into the config).
    FAULTLINE_TRY(detected, confluence::detect_flavor(transport, connection));
    flavor = *detected;
  }
  return std::make_unique<confluence::Client>(transport, std::move(connection), flavor);
}

}  // namespace faultline::app
