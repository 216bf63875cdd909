// [[alerts.rule]]: alert labels mapped to service, team and level by config rules.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"
#include "faultline/core/alerts.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;

namespace {

Result<Loaded> load(std::string_view text, const LoadOptions& options = {}) {
  MapEnvironment env(faultline::config::testing::Vars{});
  FakeRunner runner;
  return load_config_from_string(text, "/etc/fl/cfg.toml", options, env, runner);
}

// Every problem of a failed load: the message and the details.
std::string errors_of(std::string_view text) {
  auto loaded = load(text);
  if (loaded) FAIL("expected an error for:\n" << text);
  std::string all = loaded.error().message;
  for (const auto& detail : loaded.error().details) all += "\n" + detail;
  return all;
}

constexpr std::string_view k_rules = R"([[alerts.rule]]
match = { severity = "critical", team = "*" }
service = "svc-{{job}}"
team = "sre-{{team}}"
level = "P2"

[[alerts.rule]]
match = { env = "staging" }
level = "{{ tier }}"
)";

}  // namespace

TEST_CASE("alert rules: valid rules load in file order with their sources", "[config][alerts]") {
  auto loaded = load(k_rules);
  REQUIRE(loaded.has_value());
  const auto& rules = loaded->config.alert_rules.rules;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].match == std::map<std::string, std::string>{{"severity", "critical"}, {"team", "*"}});
  CHECK(rules[0].service == "svc-{{job}}");
  CHECK(rules[0].team == "sre-{{team}}");
  CHECK(rules[0].level == "P2");
  CHECK(rules[1].match == std::map<std::string, std::string>{{"env", "staging"}});
  CHECK(rules[1].service.empty());
  CHECK(rules[1].level == "{{ tier }}");
  CHECK(loaded->config.sources.at("alerts.rule[0]").where == "/etc/fl/cfg.toml:1");
  CHECK(loaded->config.sources.at("alerts.rule[1]").where == "/etc/fl/cfg.toml:7");

  auto none = load("");
  REQUIRE(none.has_value());
  CHECK(none->config.alert_rules.rules.empty());
}

TEST_CASE("alert rules: config-loaded rules map alert labels to service, team and level", "[config][alerts]") {
  auto loaded = load(k_rules);
  REQUIRE(loaded.has_value());
  auto group = core::parse_alert_payload_text(R"({"version": "4", "status": "firing", "receiver": "faultline",
    "groupKey": "{}:{alertname=\"HighErrorRate\"}",
    "alerts": [{"status": "firing", "startsAt": "2026-11-25T02:03:15Z", "fingerprint": "f1",
                "labels": {"alertname": "HighErrorRate", "severity": "critical", "team": "payments",
                           "job": "checkout-api", "service": "checkout"}}]})");
  REQUIRE(group.has_value());
  const auto defaults = core::alert_faults(*group, core::AlertGrouping::PerGroup, core::AlertRules{});
  REQUIRE(defaults.size() == 1);
  CHECK(defaults[0].team == "payments");
  CHECK(defaults[0].level == "P1");
  const auto mapped = core::alert_faults(*group, core::AlertGrouping::PerGroup, loaded->config.alert_rules);
  REQUIRE(mapped.size() == 1);
  CHECK(mapped[0].service == "svc-checkout-api");
  CHECK(mapped[0].team == "sre-payments");
  CHECK(mapped[0].level == "P2");
}

TEST_CASE("alert rules: a profile replaces the file's rules", "[config][alerts]") {
  LoadOptions options;
  options.profile = "night";
  auto loaded = load(std::string(k_rules) + "\n[[profile.night.alerts.rule]]\nmatch = { severity = \"*\" }\nlevel = \"P3\"\n",
                     options);
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->config.alert_rules.rules.size() == 1);
  CHECK(loaded->config.alert_rules.rules[0].level == "P3");
  CHECK(loaded->config.sources.at("alerts.rule[0]").origin == "profile");
  CHECK_FALSE(loaded->config.sources.contains("alerts.rule[1]"));
}

TEST_CASE("alert rules: bad rules name file, line and key", "[config][alerts]") {
  SECTION("a level that is not one") {
    auto text = errors_of("[[alerts.rule]]\nmatch = { severity = \"critical\" }\nlevel = \"P7\"\n");
    CHECK_THAT(text, Catch::Contains("/etc/fl/cfg.toml:3: alerts.rule[0].level: 'P7' is not a level") &&
                         Catch::Contains("allowed: P1, P2, P3, P4"));
  }
  SECTION("no match") {
    auto text = errors_of("\n[[alerts.rule]]\nteam = \"sre\"\n");
    CHECK_THAT(text, Catch::Contains("/etc/fl/cfg.toml:2: alerts.rule[0]: the rule has no match"));
  }
  SECTION("an empty match") {
    auto text = errors_of("[[alerts.rule]]\nmatch = {}\n");
    CHECK_THAT(text, Catch::Contains("/etc/fl/cfg.toml:2: alerts.rule[0].match: a rule needs at least one label"));
  }
  SECTION("a match value that is not a string") {
    auto text = errors_of("[[alerts.rule]]\nteam = \"sre\"\nmatch = { severity = 1 }\n");
    CHECK_THAT(text, Catch::Contains("/etc/fl/cfg.toml:3: alerts.rule[0].match.severity: expected a string") &&
                         Catch::Contains("found an integer"));
  }
  SECTION("a match that is not a table") {
    auto text = errors_of("[[alerts.rule]]\nmatch = \"critical\"\n");
    CHECK_THAT(text, Catch::Contains("/etc/fl/cfg.toml:2: alerts.rule[0].match: expected an inline table"));
  }
  SECTION("an unknown key in a rule") {
    auto text = errors_of("[[alerts.rule]]\nmatch = { severity = \"critical\" }\nteem = \"sre\"\n");
    CHECK_THAT(text, Catch::Contains("/etc/fl/cfg.toml:3: unknown key 'alerts.rule[0].teem' (did you mean "
                                     "'alerts.rule[0].team'?); allowed: match, service, team, level"));
  }
  SECTION("an unknown key in [alerts]") {
    auto text = errors_of("[alerts]\nrules = []\n");
    CHECK_THAT(text, Catch::Contains("/etc/fl/cfg.toml:2: unknown key 'alerts.rules' (did you mean 'alerts.rule'?); "
                                     "allowed: rule"));
  }
  SECTION("an unknown key in a profile's rule") {
    auto text = errors_of("[[profile.night.alerts.rule]]\nmatch = { severity = \"*\" }\nlvl = \"P3\"\n");
    CHECK_THAT(text, Catch::Contains("/etc/fl/cfg.toml:3: unknown key 'profile.night.alerts.rule[0].lvl'"));
  }
}
