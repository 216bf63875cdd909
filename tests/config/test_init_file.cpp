// The config file `faultline init` writes: the discovered facts, quoted safely, and no secret.
#include <catch2/catch.hpp>

#include "faultline/config/init_file.hpp"

using namespace faultline::config;

TEST_CASE("init's config holds the discovered facts and no secret", "[config][init]") {
  InitFacts facts;
  facts.jira_url = "https://acme.atlassian.net";
  facts.flavor = "cloud";
  facts.user = "me@acme.com";
  facts.token_env = "JIRA_API_TOKEN";
  facts.project = "FAULT";
  facts.fault_type = "Fault";
  facts.subtask_type = "Sub-task";
  facts.fields = {{"level", "Fault Level"}};
  facts.workflow = {{"recovered", "Recovered"}};
  facts.confluence_url = "https://acme.atlassian.net/wiki";
  facts.space = "OPS";
  facts.parent = "Fault \"Reviews\"";
  const auto text = render_init_config(facts);
  CHECK(text.find("token_env = \"JIRA_API_TOKEN\"") != std::string::npos);
  CHECK(text.find("level = \"Fault Level\"") != std::string::npos);
  CHECK(text.find("parent = \"Fault \\\"Reviews\\\"\"") != std::string::npos);
  CHECK(text.find("token =") == std::string::npos);
}
