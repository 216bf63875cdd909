#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;
using faultline::config::testing::Vars;

namespace {

Loaded load_example(const std::string& name, const Vars& vars, const FakeRunner& runner, const std::string& profile = "") {
  LoadOptions options;
  options.config_path = std::string(FAULTLINE_SOURCE_DIR) + "/examples/" + name;
  options.profile = profile;
  options.missing = LoadOptions::Missing::Error;
  MapEnvironment env(vars);
  auto loaded = load_config(options, env, runner);
  if (!loaded) {
    std::string text = loaded.error().message;
    for (const auto& detail : loaded.error().details) text += "\n" + detail;
    FAIL(text);
  }
  return std::move(*loaded);
}

}  // namespace

TEST_CASE("examples: the Cloud example is valid and says what it should", "[config][examples]") {
  FakeRunner runner(Vars{{"pass show chat/teams-product-tech", "https://example.webhook.office.com/webhookb2/abc"}});
  const Vars vars{{"JIRA_API_TOKEN", "cloud-api-token"},
                  {"SLACK_AVAILABILITY_WEBHOOK", "https://chat.example.invalid/hooks/fake-test-key"},
                  {"FAULTLINE_SMTP_PASSWORD", "smtp-password"},
                  {"FAULTLINE_SERVE_TOKEN", "serve-token"},
                  {"SLACK_BOT_TOKEN", "example-slack-bot-token"}};
  auto loaded = load_example("faultline-cloud.toml", vars, runner);
  const Config& config = loaded.config;
  CHECK(loaded.warnings.empty());
  CHECK(config.jira.flavor == Flavor::Cloud);
  CHECK(config.jira.url == "https://example.atlassian.net");
  CHECK(config.jira.token == "cloud-api-token");
  CHECK(config.serve.token == "serve-token");
  CHECK(config.serve.listen == "127.0.0.1:9095");
  CHECK(config.spool.sync_seconds == 10);
  CHECK(config.confluence.token == "cloud-api-token");  // shared Atlassian API token
  CHECK(config.confluence.url == "https://example.atlassian.net/wiki");
  CHECK(config.jira.fields.at("level") == "Fault Level");
  CHECK(config.team.timezone == "Asia/Shanghai");
  CHECK(config.team.update_cadence_by_level.at("P1") == 15);
  REQUIRE(config.levels.at("retail").rules.size() == 3);
  CHECK(config.levels.at("retail").rules[0].combine == core::Combine::All);
  CHECK(core::classify(config.levels.at("retail"), {{"scope", 40}, {"duration", 61}}).level == "P1");
  CHECK(config.channels.at("product-tech").url == "https://example.webhook.office.com/webhookb2/abc");
  CHECK(config.channels.at("reliability-mail").to == std::vector<std::string>{"reliability@example.com"});
  CHECK(config.routes.at("fault.recovered") == std::vector<std::string>{"availability", "reliability-mail", "room"});
  CHECK(config.rooms.platform == "slack");
  CHECK(config.rooms.token == "example-slack-bot-token");
  CHECK(config.rooms.extra_by_level.at("P1") == std::vector<std::string>{"dave"});
  CHECK(config.teams.at("payments").lead == "dave");
  CHECK(config.people.at("alice").mentions.at("slack") == "U0123ABC");
  CHECK(runner.calls() == std::vector<std::string>{"pass show chat/teams-product-tech"});

  auto staging = load_example("faultline-cloud.toml", vars, runner, "staging");
  CHECK(staging.config.jira.project == "FAULTTEST");
  CHECK(staging.config.jira.user == "oncall@example.com");
}

TEST_CASE("examples: the Data Center example is valid and says what it should", "[config][examples]") {
  FakeRunner runner(Vars{{"cat /run/secrets/jira-pat", "dc-pat"}, {"cat /run/secrets/audit-hook-secret", "audit-secret"}});
  const Vars vars{{"CONFLUENCE_PAT", "conf-pat"},
                  {"WECOM_AVAILABILITY_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"},
                  {"DINGTALK_PRODUCT_TECH_URL", "https://oapi.dingtalk.com/robot/send?access_token=t1"},
                  {"DINGTALK_PRODUCT_TECH_SECRET", "SECabc"},
                  {"AUDIT_HOOK_URL", "https://audit.example.com/hook"},
                  {"WECOM_APP_SECRET", "wecom-app-secret"}};
  auto loaded = load_example("faultline-datacenter.toml", vars, runner);
  const Config& config = loaded.config;
  CHECK(loaded.warnings.empty());
  CHECK(config.jira.flavor == Flavor::DataCenter);
  CHECK(config.jira.auth == AuthScheme::Bearer);
  CHECK(config.jira.token == "dc-pat");
  CHECK(config.confluence.token == "conf-pat");
  CHECK(config.jira.workflow.handling == "In Progress");
  CHECK(config.levels.at("internal").fallback_level == "P3");
  CHECK(config.levels.at("internal").rules.empty());
  CHECK(config.people.at("k.mueller").mentions.at("dingtalk") == "13800000000");
  CHECK(config.channels.at("audit").secret == "audit-secret");
  CHECK(config.http.timeout_seconds == 60);
  CHECK(config.rooms.platform == "wecom");
  CHECK(config.rooms.app_secret == "wecom-app-secret");
  CHECK(config.rooms.owner == "k.mueller");

  auto ci = load_example("faultline-datacenter.toml", Vars{{"CI_JIRA_PASSWORD", "ci-pass"}}, runner, "ci");
  CHECK(ci.config.jira.auth == AuthScheme::Basic);
  CHECK(ci.config.jira.token == "ci-pass");
  CHECK(ci.config.jira.user == "svc-ci-faultline");
  CHECK_FALSE(ci.warnings.empty());  // the channel variables are not set in this environment
}
