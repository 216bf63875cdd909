#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;
using faultline::config::testing::Vars;

namespace {

// Line numbers matter: the tests check "cfg.toml:N" sources.
constexpr const char* k_layered = R"([jira]
url = "https://file.example.com/"
user = "file-user"
project = "FILE"
[http]
timeout_seconds = 11
[profile.staging.jira]
url = "https://profile.example.com"
project = "PROF"
[profile.staging.http]
timeout_seconds = 22
[profile.other.jira]
project = "OTHER"
)";

Loaded load_ok(std::string_view text, const LoadOptions& options, const Environment& env) {
  FakeRunner runner;
  auto loaded = load_config_from_string(text, "cfg.toml", options, env, runner);
  if (!loaded) FAIL(loaded.error().message);
  return std::move(*loaded);
}

std::string origin(const Config& config, const std::string& key) {
  auto found = config.sources.find(key);
  return found == config.sources.end() ? "<none>" : found->second.origin + " " + found->second.where;
}

}  // namespace

TEST_CASE("precedence: defaults when nothing sets a value", "[config][precedence]") {
  MapEnvironment env;
  auto loaded = load_ok("", {}, env);
  CHECK(loaded.config.jira.project == "FAULT");
  CHECK(loaded.config.jira.fault_type == "Fault");
  CHECK(loaded.config.http.timeout_seconds == 30);
  CHECK(loaded.config.team.timezone == "UTC");
  CHECK(origin(loaded.config, "jira.project") == "default ");
  CHECK(origin(loaded.config, "http.timeout_seconds") == "default ");
  CHECK(loaded.warnings.empty());
}

TEST_CASE("precedence: the file top level over defaults", "[config][precedence]") {
  MapEnvironment env;
  auto loaded = load_ok(k_layered, {}, env);
  CHECK(loaded.config.jira.url == "https://file.example.com");  // trailing slash trimmed
  CHECK(loaded.config.jira.project == "FILE");
  CHECK(loaded.config.http.timeout_seconds == 11);
  CHECK(loaded.config.jira.fault_type == "Fault");
  CHECK(origin(loaded.config, "jira.url") == "file cfg.toml:2");
  CHECK(origin(loaded.config, "http.timeout_seconds") == "file cfg.toml:6");
  CHECK(loaded.config.profile.empty());
}

TEST_CASE("precedence: the chosen profile over the file", "[config][precedence]") {
  MapEnvironment env;
  LoadOptions options;
  options.profile = "staging";
  auto loaded = load_ok(k_layered, options, env);
  CHECK(loaded.config.profile == "staging");
  CHECK(loaded.config.jira.url == "https://profile.example.com");
  CHECK(loaded.config.jira.project == "PROF");
  CHECK(loaded.config.jira.user == "file-user");  // not in the profile: the top level stays
  CHECK(loaded.config.http.timeout_seconds == 22);
  CHECK(origin(loaded.config, "jira.project") == "profile cfg.toml:9");
}

TEST_CASE("precedence: FAULTLINE_PROFILE chooses the profile; --profile wins over it", "[config][precedence]") {
  MapEnvironment env(Vars{{"FAULTLINE_PROFILE", "other"}});
  CHECK(load_ok(k_layered, {}, env).config.jira.project == "OTHER");
  LoadOptions options;
  options.profile = "staging";
  CHECK(load_ok(k_layered, options, env).config.jira.project == "PROF");
}

TEST_CASE("precedence: environment over profile and file", "[config][precedence]") {
  MapEnvironment env(Vars{{"FAULTLINE_JIRA_URL", "https://env.example.com/"},
                      {"FAULTLINE_JIRA_USER", "env-user"},
                      {"FAULTLINE_CONFLUENCE_URL", "https://env.example.com/wiki"}});
  LoadOptions options;
  options.profile = "staging";
  auto loaded = load_ok(k_layered, options, env);
  CHECK(loaded.config.jira.url == "https://env.example.com");
  CHECK(loaded.config.jira.user == "env-user");
  CHECK(loaded.config.confluence.url == "https://env.example.com/wiki");
  CHECK(loaded.config.jira.project == "PROF");  // no env override for it
  CHECK(origin(loaded.config, "jira.url") == "env FAULTLINE_JIRA_URL");
  CHECK(origin(loaded.config, "jira.user") == "env FAULTLINE_JIRA_USER");
}

TEST_CASE("precedence: an empty environment variable does not override", "[config][precedence]") {
  MapEnvironment env(Vars{{"FAULTLINE_JIRA_URL", ""}});
  CHECK(load_ok(k_layered, {}, env).config.jira.url == "https://file.example.com");
}

TEST_CASE("precedence: flags over environment, profile and file", "[config][precedence]") {
  MapEnvironment env(Vars{{"FAULTLINE_JIRA_URL", "https://env.example.com"}, {"FAULTLINE_JIRA_TOKEN", "env-token-1234"}});
  LoadOptions options;
  options.profile = "staging";
  options.flag_overrides = {{"jira.url", "https://flag.example.com"},
                            {"http.timeout_seconds", "5"},
                            {"jira.project", "FLAG"},
                            {"jira.token", "flag-token-1234"}};
  auto loaded = load_ok(k_layered, options, env);
  CHECK(loaded.config.jira.url == "https://flag.example.com");
  CHECK(loaded.config.http.timeout_seconds == 5);
  CHECK(loaded.config.jira.project == "FLAG");
  CHECK(loaded.config.jira.token == "flag-token-1234");
  CHECK(origin(loaded.config, "jira.url") == "flag --jira-url");
  CHECK(origin(loaded.config, "http.timeout_seconds") == "flag --http-timeout-seconds");
  CHECK(origin(loaded.config, "jira.token") == "flag --jira-token");
}

TEST_CASE("tokens: FAULTLINE_JIRA_TOKEN beats token_cmd, which then never runs", "[config][secrets]") {
  MapEnvironment env(Vars{{"FAULTLINE_JIRA_TOKEN", "env-token-1234"}});
  FakeRunner runner(Vars{{"pass show jira", "cmd-token-5678"}});
  auto loaded = load_config_from_string("[jira]\ntoken_cmd = \"pass show jira\"\n", "cfg.toml", {}, env, runner);
  REQUIRE(loaded);
  CHECK(loaded->config.jira.token == "env-token-1234");
  CHECK(loaded->config.sources.at("jira.token").origin == "env");
  CHECK(runner.calls().empty());
}

TEST_CASE("tokens: token_cmd runs at load through the CommandRunner", "[config][secrets]") {
  MapEnvironment env;
  FakeRunner runner(Vars{{"pass show jira", "cmd-token-5678"}});
  auto loaded = load_config_from_string("[jira]\nuser = \"bot\"\ntoken_cmd = \"pass show jira\"\n", "cfg.toml", {}, env, runner);
  REQUIRE(loaded);
  CHECK(loaded->config.jira.token == "cmd-token-5678");
  CHECK(loaded->config.sources.at("jira.token").origin == "token_cmd");
  CHECK(loaded->config.sources.at("jira.token").where == "pass show jira");
  REQUIRE(runner.calls().size() == 1);
  // Confluence falls back to the Jira credentials.
  CHECK(loaded->config.confluence.token == "cmd-token-5678");
  CHECK(loaded->config.confluence.user == "bot");
  CHECK(loaded->config.sources.at("confluence.token").where == "jira.token");
}

TEST_CASE("tokens: a failing token_cmd is a warning naming the file, line, key and exit status, not the command",
          "[config][secrets]") {
  MapEnvironment env;
  FakeRunner runner;
  auto loaded = load_config_from_string("[jira]\n\ntoken_cmd = \"pass show nothing\"\n", "cfg.toml", {}, env, runner);
  REQUIRE(loaded);
  CHECK(loaded->config.jira.token.empty());
  REQUIRE(loaded->warnings.size() == 1);
  CHECK_THAT(loaded->warnings[0], Catch::Contains("cfg.toml:3: jira.token_cmd failed (exit 1)") &&
                                      Catch::Contains("run the command yourself") &&
                                      !Catch::Contains("pass show nothing"));
}

TEST_CASE("tokens: token_env reads the named variable; an unset one is a warning, not an error", "[config][secrets]") {
  FakeRunner runner;
  const char* text = "[jira]\ntoken_env = \"MY_JIRA_TOKEN\"\n";
  MapEnvironment with(Vars{{"MY_JIRA_TOKEN", "env-named-token"}});
  auto loaded = load_config_from_string(text, "cfg.toml", {}, with, runner);
  REQUIRE(loaded);
  CHECK(loaded->config.jira.token == "env-named-token");
  CHECK(loaded->config.sources.at("jira.token").origin == "token_env");
  CHECK(loaded->config.sources.at("jira.token").where == "MY_JIRA_TOKEN");
  CHECK(loaded->warnings.empty());

  MapEnvironment without;
  auto missing = load_config_from_string(text, "cfg.toml", {}, without, runner);
  REQUIRE(missing);
  CHECK(missing->config.jira.token.empty());
  REQUIRE(missing->warnings.size() == 1);
  CHECK_THAT(missing->warnings[0], Catch::Contains("cfg.toml:2") && Catch::Contains("MY_JIRA_TOKEN") &&
                                       Catch::Contains("jira.token_env"));
}

TEST_CASE("tokens: a profile's token_cmd replaces the top level's token_env", "[config][secrets]") {
  MapEnvironment env;
  FakeRunner runner(Vars{{"vault read ci", "ci-token-0000"}});
  LoadOptions options;
  options.profile = "ci";
  auto loaded = load_config_from_string(
      "[jira]\ntoken_env = \"UNSET_TOKEN\"\n[profile.ci.jira]\ntoken_cmd = \"vault read ci\"\n", "cfg.toml", options,
      env, runner);
  REQUIRE(loaded);
  CHECK(loaded->config.jira.token == "ci-token-0000");
  CHECK(loaded->warnings.empty());  // the top-level token_env is not looked at
}

TEST_CASE("channels: url_env and secret_cmd fill the channel's secrets", "[config][secrets]") {
  MapEnvironment env(Vars{{"WECOM_URL", "https://qyapi.example.com/send?key=abc123secret/"}});
  FakeRunner runner(Vars{{"pass show ding", "ding-signing-secret"}});
  auto loaded = load_config_from_string(R"([channels.ops]
kind = "wecom"
url_env = "WECOM_URL"
[channels.ding]
kind = "dingtalk"
url_env = "WECOM_URL"
secret_cmd = "pass show ding"
)",
                                        "cfg.toml", {}, env, runner);
  REQUIRE(loaded);
  CHECK(loaded->config.channels.at("ops").url == "https://qyapi.example.com/send?key=abc123secret");
  CHECK(loaded->config.channels.at("ding").secret == "ding-signing-secret");
  CHECK(loaded->config.sources.at("channels.ops.url").origin == "url_env");
  CHECK(loaded->config.sources.at("channels.ding.secret").origin == "secret_cmd");
  auto secrets = loaded->config.secrets();
  CHECK(std::find(secrets.begin(), secrets.end(), "ding-signing-secret") != secrets.end());
}

TEST_CASE("flags: an empty value clears a text or URL value", "[config][precedence]") {
  MapEnvironment env;
  LoadOptions options;
  options.flag_overrides = {{"jira.user", ""}, {"confluence.url", ""}};
  auto loaded = load_ok("[jira]\nuser = \"someone\"\n[confluence]\nurl = \"https://wiki.example.com\"\n", options, env);
  CHECK(loaded.config.jira.user.empty());
  CHECK(loaded.config.confluence.url.empty());
  CHECK(origin(loaded.config, "jira.user") == "flag --jira-user");
}
