// The Jira and Confluence clients a configuration describes, over a given transport: the
// settings checked (url, token), the flavor as configured or detected, the credentials mapped.
#pragma once

#include <memory>

#include "faultline/confluence/client.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/error.hpp"

namespace faultline::config {
struct Config;
}

namespace faultline::app {

// The Jira client for config.jira over `transport` (which must outlive it). flavor "auto" is
// detected from the site (GET /rest/api/2/serverInfo unless the host is *.atlassian.net).
// Error: Config naming the missing url or token and where to set it; the detection's error.
Result<std::unique_ptr<jira::Client>> connect_jira(const config::Config& config, http::Transport& transport);

// The Confluence client for config.confluence (user and token default to Jira's). flavor
// "auto" follows the host name (*.atlassian.net is Cloud). Error: Config as connect_jira.
Result<std::unique_ptr<confluence::Client>> connect_confluence(const config::Config& config, http::Transport& transport);

}  // namespace faultline::app
