// The config file `faultline init` writes, from what it discovered. Pure: tested without a
// server.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::config {

// What init learned about the site (or was told by flags).
struct InitFacts {
  std::string jira_url;
  std::string flavor;  // "cloud" | "datacenter"
  std::string user;
  std::string token_env;
  std::string project;
  std::string fault_type;
  std::string subtask_type;
  std::map<std::string, std::string> fields;    // fact -> field name (found by name)
  std::map<std::string, std::string> workflow;  // step -> status name
  std::string confluence_url;
  std::string confluence_flavor;  // "cloud" | "datacenter", asked of the site ("" = not known)
  std::string space;
  std::string parent;
  std::string timezone;
  std::vector<std::string> notes;  // things init could not find, written as comments
};

// The commented TOML config for these facts. It holds no secret: the token is named by
// token_env.
std::string render_init_config(const InitFacts& facts);

}  // namespace faultline::config
