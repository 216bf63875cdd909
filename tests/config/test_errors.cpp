#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;
using faultline::config::testing::Vars;

namespace {

Error load_error(std::string_view text, const LoadOptions& options = {}, const Vars& vars = {}) {
  MapEnvironment env(vars);
  FakeRunner runner;
  auto loaded = load_config_from_string(text, "/etc/fl/cfg.toml", options, env, runner);
  if (loaded) FAIL("expected an error for:\n" << text);
  return loaded.error();
}

// Every problem of the error: the message and the details.
std::string all_text(const Error& error) {
  std::string text = error.message;
  for (const auto& detail : error.details) text += "\n" + detail;
  return text;
}

}  // namespace

TEST_CASE("errors: an unknown key names file, line, key, a suggestion and the allowed keys", "[config][errors]") {
  auto error = load_error("[jira]\nurl = \"https://x.example.com\"\nprojcet = \"OPS\"\n");
  CHECK(error.kind == ErrorKind::Config);
  CHECK_THAT(error.message, Catch::Contains("/etc/fl/cfg.toml:3") &&
                                Catch::Contains("unknown key 'jira.projcet' (did you mean 'jira.project'?)") &&
                                Catch::Contains("allowed: url, flavor, auth, user, project") &&
                                Catch::Contains("token_env") && Catch::Contains("fields"));
}

TEST_CASE("errors: unknown keys are found in every section, profiles included", "[config][errors]") {
  struct Row {
    const char* text;
    const char* expected;
  };
  const Row rows[] = {
      {"[jria]\nurl = \"x\"\n", "unknown key 'jria' (did you mean 'jira'?)"},
      {"[team]\ntimezon = \"UTC\"\n", "unknown key 'team.timezon' (did you mean 'team.timezone'?)"},
      {"[http]\ntimeout = 3\n", "unknown key 'http.timeout'"},
      {"[jira.fields]\nlevle = \"Fault Level\"\n", "unknown key 'jira.fields.levle' (did you mean 'jira.fields.level'?)"},
      {"[jira.workflow]\nrecoverd = \"Done\"\n", "unknown key 'jira.workflow.recoverd' (did you mean 'jira.workflow.recovered'?)"},
      {"[channels.ops]\nkind = \"slack\"\nurl_evn = \"X\"\n", "unknown key 'channels.ops.url_evn' (did you mean 'channels.ops.url_env'?)"},
      {"[people.alice]\nslak = \"U1\"\n", "unknown key 'people.alice.slak' (did you mean 'people.alice.slack'?)"},
      {"[profile.ci.jira]\nprojcet = \"X\"\n", "unknown key 'profile.ci.jira.projcet' (did you mean 'profile.ci.jira.project'?)"},
      {"[profile.ci.profile.x]\n", "unknown key 'profile.ci.profile'"},
      {"[routes]\n\"fault.open\" = []\n", "unknown event 'fault.open' in routes (did you mean 'fault.opened'?)"},
      {"[team.review_due_hours_by_level]\nP5 = 3\n", "unknown key 'team.review_due_hours_by_level.P5'"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    auto error = load_error(row.text);
    CHECK_THAT(error.message, Catch::Contains(row.expected) && Catch::Contains("/etc/fl/cfg.toml:") &&
                                  Catch::Contains("allowed: "));
  }
}

TEST_CASE("errors: a bad enum value lists the allowed ones", "[config][errors]") {
  auto error = load_error("[jira]\nflavor = \"clod\"\n");
  CHECK_THAT(error.message, Catch::Contains("/etc/fl/cfg.toml:2: jira.flavor: 'clod' is not allowed (did you mean "
                                            "'cloud'?); allowed: auto, cloud, datacenter"));
  auto kind = load_error("[channels.x]\nkind = \"telegram\"\n");
  CHECK_THAT(kind.message, Catch::Contains("/etc/fl/cfg.toml:2: channels.x.kind: 'telegram' is not allowed") &&
                               Catch::Contains("wecom, dingtalk, feishu, slack, teams, generic, email"));
  auto auth = load_error("[confluence]\nauth = \"oauth\"\n");
  CHECK_THAT(auth.message, Catch::Contains("confluence.auth") && Catch::Contains("auto, basic, bearer"));
}

TEST_CASE("errors: a value of the wrong type says what was expected", "[config][errors]") {
  CHECK_THAT(load_error("[jira]\nurl = 42\n").message,
             Catch::Contains("/etc/fl/cfg.toml:2: jira.url: expected a string, found an integer"));
  CHECK_THAT(load_error("[http]\n\ntimeout_seconds = \"30\"\n").message,
             Catch::Contains("/etc/fl/cfg.toml:3: http.timeout_seconds: expected an integer from 1 to 3600, found a string"));
  CHECK_THAT(load_error("jira = 3\n").message, Catch::Contains("/etc/fl/cfg.toml:1: jira: expected a table, found an integer"));
  CHECK_THAT(load_error("[routes]\n\"fault.opened\" = \"ops\"\n").message,
             Catch::Contains("/etc/fl/cfg.toml:2: routes.\"fault.opened\": expected an array of strings, found a string"));
  CHECK_THAT(load_error("[jira]\nflavor = true\n").message,
             Catch::Contains("jira.flavor: expected a string (one of auto, cloud, datacenter), found a boolean"));
}

TEST_CASE("errors: numbers out of range", "[config][errors]") {
  CHECK_THAT(load_error("[http]\nconcurrency = 0\n").message,
             Catch::Contains("/etc/fl/cfg.toml:2: http.concurrency: 0 is out of range; allowed: 1 to 64"));
  CHECK_THAT(load_error("[http]\nmax_retries = 99\n").message, Catch::Contains("allowed: 0 to 20"));
}

TEST_CASE("errors: URLs must be http(s) and carry no credentials", "[config][errors]") {
  CHECK_THAT(load_error("[jira]\nurl = \"ftp://jira.example.com\"\n").message,
             Catch::Contains("/etc/fl/cfg.toml:2: jira.url") && Catch::Contains("not an http or https URL") &&
                 Catch::Contains("allowed: an http:// or https:// URL"));
  CHECK_THAT(load_error("[confluence]\nurl = \"https://bob:hunter2@wiki.example.com\"\n").message,
             Catch::Contains("confluence.url") && Catch::Contains("user:password@ is not allowed"));
  CHECK_THAT(load_error("", {}, Vars{{"FAULTLINE_JIRA_URL", "jira.example.com"}}).message,
             Catch::Contains("environment variable FAULTLINE_JIRA_URL: jira.url"));
}

TEST_CASE("errors: a bad time zone", "[config][errors]") {
  auto error = load_error("[team]\ntimezone = \"Asia/Shanghia\"\n");
  CHECK_THAT(error.message, Catch::Contains("/etc/fl/cfg.toml:2: team.timezone: 'Asia/Shanghia' is not a known IANA "
                                            "time zone") &&
                                Catch::Contains("allowed: "));
}

TEST_CASE("errors: bad level rules", "[config][errors]") {
  struct Row {
    const char* text;
    const char* expected;
  };
  const Row rows[] = {
      {"[[levels.retail.rule]]\nlevel = \"P7\"\nconditions = [\"scope >= 1\"]\n",
       "cfg.toml:2: levels.retail.rule[0].level: 'P7' is not a level; allowed: P1, P2, P3, P4"},
      {"[[levels.retail.rule]]\nlevel = \"P1\"\nconditions = [\"scope >= lots\"]\n",
       "cfg.toml:3: levels.retail.rule[0].conditions: 'scope >= lots': 'lots' is not a number"},
      {"[[levels.retail.rule]]\nlevel = \"P1\"\nconditions = []\n",
       "cfg.toml:3: levels.retail.rule[0].conditions: a rule needs at least one condition"},
      {"[[levels.retail.rule]]\nlevel = \"P1\"\n", "levels.retail.rule[0]: the rule has no conditions"},
      {"[[levels.retail.rule]]\nlevel = \"P2\"\nconditions = [\"scope >= 1\"]\n"
       "[[levels.retail.rule]]\nlevel = \"P1\"\nconditions = [\"scope >= 9\"]\n",
       "cfg.toml:4: levels.retail.rule[1]: level P1 comes after P2; allowed: one rule per level, most severe (P1) first"},
      {"[[levels.retail.rule]]\nlevel = \"P2\"\nconditions = [\"scope >= 1\"]\n"
       "[[levels.retail.rule]]\nlevel = \"P2\"\nconditions = [\"scope >= 9\"]\n",
       "levels.retail.rule[1]: level P2 comes after P2"},
      {"[[levels.retail.rule]]\nlevel = \"P1\"\nmatch = \"most\"\nconditions = [\"scope >= 1\"]\n",
       "cfg.toml:3: levels.retail.rule[0].match: 'most' is not allowed; allowed: any, all"},
      {"[levels.retail]\nfallback = \"P9\"\n", "cfg.toml:2: levels.retail.fallback: 'P9' is not allowed"},
      {"[levels.retail]\nrules = []\n", "unknown key 'levels.retail.rules' (did you mean 'levels.retail.rule'?)"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    CHECK_THAT(all_text(load_error(row.text)), Catch::Contains(row.expected));
  }
}

TEST_CASE("errors: a route to an undefined channel", "[config][errors]") {
  auto error = load_error(R"([channels.availability]
kind = "wecom"
[routes]
"fault.opened" = ["availability", "availabilty"]
)");
  CHECK_THAT(error.message, Catch::Contains("/etc/fl/cfg.toml:4: routes.\"fault.opened\": channel 'availabilty' is not "
                                            "defined (did you mean 'availability'?); allowed: availability"));
}

TEST_CASE("errors: a channel without kind, an email channel without addresses", "[config][errors]") {
  CHECK_THAT(load_error("[channels.ops]\nurl_env = \"X\"\n").message,
             Catch::Contains("/etc/fl/cfg.toml:1: channels.ops.kind is missing; allowed: wecom"));
  CHECK_THAT(load_error("[channels.mail]\nkind = \"email\"\n").message,
             Catch::Contains("channels.mail: an email channel needs smtp_url, from and to"));
}

TEST_CASE("errors: an unknown profile lists the defined ones", "[config][errors]") {
  LoadOptions options;
  options.profile = "stagign";
  auto error = load_error("[profile.staging.jira]\nproject = \"S\"\n[profile.prod.jira]\nproject = \"P\"\n", options);
  CHECK(error.kind == ErrorKind::Usage);
  CHECK_THAT(error.message, Catch::Contains("/etc/fl/cfg.toml: unknown profile 'stagign' (from --profile) (did you "
                                            "mean 'staging'?); allowed: staging, prod"));
  auto from_env = load_error("[jira]\n", {}, Vars{{"FAULTLINE_PROFILE", "nope"}});
  CHECK(from_env.kind == ErrorKind::Config);
  CHECK_THAT(from_env.message, Catch::Contains("unknown profile 'nope' (from FAULTLINE_PROFILE)") &&
                                   Catch::Contains("none is defined"));
}

TEST_CASE("errors: two ways to get the same secret in one table", "[config][errors]") {
  CHECK_THAT(load_error("[jira]\ntoken_env = \"A\"\ntoken_cmd = \"pass jira\"\n").message,
             Catch::Contains("/etc/fl/cfg.toml:3: jira.token_cmd: jira.token is already set by 'jira.token_env'") &&
                 Catch::Contains("allowed: only one of"));
  CHECK_THAT(load_error("[jira]\ntoken_env = \"not a name\"\n").message,
             Catch::Contains("jira.token_env: the value is not an environment variable name") &&
                 !Catch::Contains("not a name"));  // often the secret itself, pasted: never quoted
}

TEST_CASE("errors: bad flags are usage errors", "[config][errors]") {
  LoadOptions options;
  options.flag_overrides = {{"jira.flavour", "cloud"}};
  auto unknown = load_error("", options);
  CHECK(unknown.kind == ErrorKind::Usage);
  CHECK_THAT(unknown.message, Catch::Contains("flag --jira-flavour: unknown config key 'jira.flavour' (did you mean "
                                              "'jira.flavor'?)"));
  options.flag_overrides = {{"http.timeout_seconds", "soon"}};
  auto bad = load_error("", options);
  CHECK(bad.kind == ErrorKind::Usage);
  CHECK_THAT(bad.message, Catch::Contains("flag --http-timeout-seconds: http.timeout_seconds: 'soon' is not an integer"));
}

TEST_CASE("errors: TOML syntax errors carry line and column", "[config][errors]") {
  auto error = load_error("[jira]\nurl = \"https://x\n");
  CHECK(error.kind == ErrorKind::Config);
  CHECK_THAT(error.message, Catch::StartsWith("/etc/fl/cfg.toml:2:") && Catch::Contains("not valid TOML"));
}

TEST_CASE("errors: every problem is reported, not only the first", "[config][errors]") {
  auto error = load_error("[jira]\nflavor = \"x\"\n[http]\nconcurrency = 0\n");
  CHECK_THAT(error.message, Catch::Contains("jira.flavor"));
  REQUIRE(error.details.size() == 1);
  CHECK_THAT(error.details[0], Catch::Contains("http.concurrency"));
}

TEST_CASE("errors: a typo in a profile not chosen is still found", "[config][errors]") {
  auto error = load_error("[profile.prod.http]\ntimeout_second = 3\n");
  CHECK_THAT(error.message, Catch::Contains("/etc/fl/cfg.toml:2: unknown key 'profile.prod.http.timeout_second'"));
}

TEST_CASE("errors: a bad channel URL from the environment is reported without its value", "[config][errors]") {
  auto error = load_error("[channels.ops]\nkind = \"slack\"\nurl_env = \"HOOK\"\n", {},
                          Vars{{"HOOK", "ftp://hooks.example.com/very-secret-key"}});
  CHECK_THAT(error.message, Catch::Contains("/etc/fl/cfg.toml:3: channels.ops.url_env: the value is not an http or "
                                            "https URL"));
  CHECK_THAT(error.message, !Catch::Contains("very-secret-key"));
  auto credentials = load_error("[channels.ops]\nkind = \"slack\"\nurl_env = \"HOOK\"\n", {},
                                Vars{{"HOOK", "https://user:pw-secret@hooks.example.com/x"}});
  CHECK_THAT(credentials.message, Catch::Contains("user:password@ is not allowed") && !Catch::Contains("pw-secret"));
}
