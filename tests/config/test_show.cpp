#include <catch2/catch.hpp>

#include "faultline/config/show.hpp"

#include "config_test_support.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;
using faultline::config::testing::Vars;

namespace {

constexpr const char* k_secret_values[] = {"jira-token-AAAA", "conf-token-BBBB", "hook-key-CCCC", "sign-DDDD",
                                           "smtp-pass-EEEE"};

Config config_with_secrets() {
  MapEnvironment env(Vars{{"FAULTLINE_JIRA_TOKEN", "jira-token-AAAA"},
                          {"CONF_TOKEN", "conf-token-BBBB"},
                          {"HOOK_URL", "https://hooks.example.com/send?key=hook-key-CCCC"},
                          {"SMTP_PASS", "smtp-pass-EEEE"}});
  FakeRunner runner(Vars{{"pass show sign", "sign-DDDD"}});
  auto loaded = load_config_from_string(R"([jira]
url = "https://jira.example.com"
user = "bot"
[confluence]
token_env = "CONF_TOKEN"
[channels.ops]
kind = "dingtalk"
url_env = "HOOK_URL"
secret_cmd = "pass show sign"
[channels.mail]
kind = "email"
smtp_url = "smtps://mail.example.com:465"
smtp_password_env = "SMTP_PASS"
from = "a@example.com"
to = ["b@example.com"]
[routes]
"fault.opened" = ["ops", "mail"]
[[levels.retail.rule]]
level = "P1"
conditions = ["scope >= 30"]
)",
                                        "/etc/faultline.toml", {}, env, runner);
  REQUIRE(loaded);
  return loaded->config;
}

}  // namespace

TEST_CASE("secrets() lists every secret value", "[config][show]") {
  auto secrets = config_with_secrets().secrets();
  for (const char* secret : k_secret_values) {
    INFO(secret);
    const bool found = std::any_of(secrets.begin(), secrets.end(),
                                   [secret](const std::string& s) { return s.find(secret) != std::string::npos; });
    CHECK(found);
  }
}

TEST_CASE("config_to_json masks secrets and keeps the rest", "[config][show]") {
  const auto json = config_to_json(config_with_secrets());
  const std::string text = json.dump();
  for (const char* secret : k_secret_values) CHECK_THAT(text, !Catch::Contains(secret));
  CHECK(json["jira"]["token"] == "***");
  CHECK(json["confluence"]["token"] == "***");
  CHECK(json["channels"]["ops"]["url"] == "***");
  CHECK(json["channels"]["ops"]["secret"] == "***");
  CHECK(json["channels"]["mail"]["smtp_password"] == "***");
  CHECK(json["channels"]["mail"]["secret"].is_null());  // absent secrets are null
  CHECK(json["jira"]["url"] == "https://jira.example.com");
  CHECK(json["file"] == "/etc/faultline.toml");
  CHECK(json["levels"]["retail"]["rule"][0]["conditions"][0] == "scope >= 30");
  CHECK(json["sources"]["jira.token"]["origin"] == "env");
  CHECK(json["sources"]["jira.url"]["where"] == "/etc/faultline.toml:2");
}

TEST_CASE("config_to_json of a default config has null secrets", "[config][show]") {
  const auto json = config_to_json(Config{});
  CHECK(json["jira"]["token"].is_null());
  CHECK(json["file"].is_null());
  CHECK(json["jira"]["project"] == "FAULT");
}

TEST_CASE("render_config_show prints aligned values with their source, secrets masked", "[config][show]") {
  const std::string text = render_config_show(config_with_secrets());
  for (const char* secret : k_secret_values) CHECK_THAT(text, !Catch::Contains(secret));
  CHECK_THAT(text, Catch::StartsWith("# file: /etc/faultline.toml\n"));
  CHECK_THAT(text, Catch::Contains("jira.url = \"https://jira.example.com\"") &&
                       Catch::Contains("# file /etc/faultline.toml:2\n"));
  CHECK_THAT(text, Catch::Contains("jira.token = ***") && Catch::Contains("# env FAULTLINE_JIRA_TOKEN\n"));
  CHECK_THAT(text, Catch::Contains("confluence.user = \"bot\"") && Catch::Contains("# default jira.user\n"));
  CHECK_THAT(text, Catch::Contains("channels.ops.secret = ***") && Catch::Contains("# secret_cmd pass show sign\n"));
  CHECK_THAT(text, Catch::Contains("channels.mail.secret = (unset)"));
  CHECK_THAT(text, Catch::Contains("routes.\"fault.opened\" = [\"ops\", \"mail\"]"));
  CHECK_THAT(text, Catch::Contains("levels.retail.rule[0].level = \"P1\""));
  CHECK_THAT(text, Catch::Contains("http.timeout_seconds = 30") && Catch::Contains("# default\n"));

  // Every value line has its "  # " comment in the same column.
  std::istringstream lines(text);
  std::string line;
  std::size_t column = std::string::npos;
  while (std::getline(lines, line)) {
    if (line.starts_with("#")) continue;
    const auto at = line.find("  # ");
    REQUIRE(at != std::string::npos);
    if (line.size() > 80) continue;  // a long value is not padded
    if (column == std::string::npos) column = at;
    CHECK(at == column);
  }
}

TEST_CASE("config show lists the alert rules in file order with their file and line", "[config][show][alerts]") {
  MapEnvironment env(Vars{{"FAULTLINE_JIRA_TOKEN", "jira-token-AAAA"}});
  FakeRunner runner(Vars{});
  auto loaded = load_config_from_string(R"([jira]
url = "https://jira.example.com"

[[alerts.rule]]
match = { severity = "critical", team = "*" }
level = "P1"

[[alerts.rule]]
match = { alertname = "DiskFull" }
service = "storage-{{instance}}"
team = "infra"
)",
                                        "/etc/faultline.toml", {}, env, runner);
  REQUIRE(loaded);
  const auto& config = loaded->config;

  const auto data = config_to_json(config);
  REQUIRE(data["alerts"]["rule"].size() == 2);
  CHECK(data["alerts"]["rule"][0] ==
        nlohmann::json{{"match", {{"severity", "critical"}, {"team", "*"}}}, {"level", "P1"}});
  CHECK(data["alerts"]["rule"][1] ==
        nlohmann::json{{"match", {{"alertname", "DiskFull"}}}, {"service", "storage-{{instance}}"}, {"team", "infra"}});
  CHECK(data["sources"]["alerts.rule[0]"]["where"] == "/etc/faultline.toml:4");
  CHECK(data["sources"]["alerts.rule[1]"]["where"] == "/etc/faultline.toml:8");

  const std::string text = render_config_show(config);
  CHECK_THAT(text, Catch::Contains("alerts.rule[0].match.severity = \"critical\""));
  CHECK_THAT(text, Catch::Contains("alerts.rule[0].match.team = \"*\""));
  CHECK_THAT(text, Catch::Contains("alerts.rule[1].service = \"storage-{{instance}}\""));
  std::istringstream lines(text);
  std::string line;
  int rule_lines = 0;
  while (std::getline(lines, line)) {
    if (line.starts_with("alerts.rule[0].")) {
      ++rule_lines;
      CHECK_THAT(line, Catch::EndsWith("# file /etc/faultline.toml:4"));
    } else if (line.starts_with("alerts.rule[1].")) {
      ++rule_lines;
      CHECK_THAT(line, Catch::EndsWith("# file /etc/faultline.toml:8"));
    }
  }
  CHECK(rule_lines == 6);
}

TEST_CASE("config show prints an empty alert rule list when none is configured", "[config][show][alerts]") {
  const auto config = config_with_secrets();
  CHECK(config_to_json(config)["alerts"] == nlohmann::json{{"rule", nlohmann::json::array()}});
  CHECK_THAT(render_config_show(config), Catch::Contains("alerts.rule = []"));
}
