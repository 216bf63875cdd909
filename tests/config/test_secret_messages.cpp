// Secrets never reach a config message: a refused URL is quoted with its user:password@ and
// secret query parameters masked, a failing token_cmd is named by its setting and exit status
// (never its command line or what it printed), and a literal secret in a file its group or
// anyone else may open is refused with the mode explained (not "jira.token: ***").
#include <catch2/catch.hpp>

#include "config_test_support.hpp"
#include "faultline/config/show.hpp"
#include "faultline/util/redact.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;
using faultline::config::testing::TempDir;
using faultline::config::testing::Vars;
namespace fs = std::filesystem;

namespace {

// Every problem of the error: the message, the details and the hint.
std::string all_text(const Error& error) {
  std::string text = error.message;
  for (const auto& detail : error.details) text += "\n" + detail;
  return text + "\n" + error.hint;
}

Error load_error(std::string_view toml, const LoadOptions& options = {}, const Vars& vars = {}) {
  MapEnvironment env(vars);
  FakeRunner runner;
  auto loaded = load_config_from_string(toml, "/etc/fl/cfg.toml", options, env, runner);
  if (loaded) FAIL("expected an error for:\n" << toml);
  return loaded.error();
}

fs::perms perms_of(unsigned mode) { return static_cast<fs::perms>(mode); }

}  // namespace

TEST_CASE("secret messages: a URL with user:password@ is quoted masked, keeping its host, in every URL key",
          "[config][secrets][redact]") {
  struct Case {
    const char* toml;
    const char* key;
  };
  const Case cases[] = {
      {"[jira]\nurl = \"ftp://bob:hunter2-pw@jira.example.com/x\"\n", "jira.url"},
      {"[jira]\nurl = \"https://bob:hunter2-pw@jira.example.com\"\n", "jira.url"},
      {"[confluence]\nurl = \"https://bob:hunter2-pw@wiki.example.com/wiki\"\n", "confluence.url"},
      {"[profile.ci.jira]\nurl = \"https://bob:hunter2-pw@jira.example.com\"\n", "profile.ci.jira.url"},
      {"[channels.mail]\nkind = \"email\"\nsmtp_url = \"smtps://bob:hunter2-pw@mail.example.com:465\"\n",
       "channels.mail.smtp_url"},
  };
  for (const auto& c : cases) {
    INFO(c.toml);
    const auto error = load_error(c.toml);
    const auto text = all_text(error);
    CHECK_THAT(text, Catch::Contains(c.key) && Catch::Contains("***@"));
    CHECK_THAT(text, !Catch::Contains("hunter2-pw") && !Catch::Contains("bob:"));
    CHECK(error.kind == ErrorKind::Config);
  }
  // Keeping the host keeps the message useful.
  CHECK_THAT(load_error(cases[1].toml).message, Catch::Contains("'https://***@jira.example.com'"));
}

TEST_CASE("secret messages: URLs from the environment and flags are masked too", "[config][secrets][redact]") {
  auto from_env = load_error("", {}, Vars{{"FAULTLINE_JIRA_URL", "https://bob:env-pw-1234@jira.example.com"}});
  CHECK_THAT(from_env.message, Catch::Contains("environment variable FAULTLINE_JIRA_URL: jira.url") &&
                                   Catch::Contains("https://***@jira.example.com") && !Catch::Contains("env-pw-1234"));
  auto confluence = load_error("", {}, Vars{{"FAULTLINE_CONFLUENCE_URL", "https://bob:env-pw-1234@wiki.example.com"}});
  CHECK_THAT(confluence.message, Catch::Contains("confluence.url") && !Catch::Contains("env-pw-1234"));

  LoadOptions flags;
  flags.flag_overrides["jira.url"] = "https://bob:flag-pw-1234@jira.example.com";
  auto from_flag = load_error("", flags);
  CHECK(from_flag.kind == ErrorKind::Usage);
  CHECK_THAT(from_flag.message, Catch::Contains("flag --jira-url: jira.url") && !Catch::Contains("flag-pw-1234"));
}

TEST_CASE("secret messages: a refused URL's secret query parameters are masked", "[config][secrets][redact]") {
  auto error = load_error("[jira]\nurl = \"ftp://jira.example.com/?token=query-secret-99&x=1\"\n");
  CHECK_THAT(error.message, Catch::Contains("?token=***&x=1") && !Catch::Contains("query-secret-99"));
}

TEST_CASE("secret messages: channel URLs (secrets themselves) are never quoted, from the file or the environment",
          "[config][secrets][redact]") {
  auto literal = load_error("[channels.ops]\nkind = \"slack\"\nurl = \"https://bob:hook-pw-77@hooks.example.com/T/B\"\n");
  CHECK_THAT(all_text(literal), Catch::Contains("channels.ops.url") && !Catch::Contains("hook-pw-77") &&
                                    !Catch::Contains("hooks.example.com/T/B"));
  auto from_env = load_error("[channels.ops]\nkind = \"slack\"\nurl_env = \"HOOK\"\n", {},
                             Vars{{"HOOK", "https://bob:hook-pw-77@hooks.example.com/T/B"}});
  CHECK_THAT(all_text(from_env), Catch::Contains("channels.ops.url_env") && !Catch::Contains("hook-pw-77"));
}

TEST_CASE("secret messages: a token pasted into token_env is not quoted back", "[config][secrets]") {
  auto error = load_error("[jira]\ntoken_env = \"ATATT3x-pasted.token-value\"\n");
  CHECK_THAT(error.message, Catch::Contains("/etc/fl/cfg.toml:2: jira.token_env") &&
                                Catch::Contains("not an environment variable name") &&
                                !Catch::Contains("ATATT3x-pasted.token-value"));
}

TEST_CASE("secret messages: a failing token_cmd names the setting and exit status, never its command or stderr",
          "[config][secrets]") {
  // The real shell: the command line holds a secret and the command prints another on stderr.
  MapEnvironment env;
  ShellCommandRunner runner;
  auto loaded = load_config_from_string(
      "[jira]\nuser = \"bot\"\ntoken_cmd = \"echo cmd-s3cr3t-1 > /dev/null; echo err-s3cr3t-2 >&2; exit 3\"\n"
      "[channels.ops]\nkind = \"slack\"\nurl_cmd = \"printf ''\"\n",
      "/etc/fl/cfg.toml", {}, env, runner);
  REQUIRE(loaded);
  CHECK(loaded->config.jira.token.empty());
  REQUIRE(loaded->warnings.size() == 2);
  CHECK(loaded->warnings[0] ==
        "/etc/fl/cfg.toml:3: jira.token_cmd failed (exit 3), so jira.token is empty and commands that need it will "
        "fail; run the command yourself to see why (its output is not shown here)");
  CHECK_THAT(loaded->warnings[1], Catch::Contains("/etc/fl/cfg.toml:6: channels.ops.url_cmd printed nothing") &&
                                      !Catch::Contains("printf"));
  for (const auto& warning : loaded->warnings) {
    CHECK_THAT(warning, !Catch::Contains("s3cr3t") && !Catch::Contains("echo"));
  }
}

TEST_CASE("file mode: only 0600 and 0400 may hold a literal secret", "[config][files][secrets]") {
  TempDir dir;
  MapEnvironment env;
  FakeRunner runner;
  const std::string toml = "[jira]\nurl = \"https://j.example.com\"\ntoken = \"literal-token-42\"\n";
  for (unsigned mode : {0600U, 0400U}) {
    INFO(std::oct << mode);
    LoadOptions options;
    options.config_path = dir.write("private.toml", toml, perms_of(mode));
    auto loaded = load_config(options, env, runner);
    REQUIRE(loaded);
    CHECK(loaded->config.jira.token == "literal-token-42");
    CHECK(loaded->warnings.empty());
    fs::permissions(options.config_path, perms_of(0600));  // writable again for the next case
  }
  struct Refused {
    unsigned mode;
    const char* octal;
    const char* access;
  };
  const Refused refused[] = {
      {0640U, "0640", "its group can read it"},
      {0660U, "0660", "its group can read and write it"},
      {0644U, "0644", "its group and everyone else can read it"},
      {0604U, "0604", "everyone else can read it"},
      {0620U, "0620", "its group can write it"},
      {0601U, "0601", "everyone else can execute it"},
  };
  for (const auto& r : refused) {
    INFO(r.octal);
    LoadOptions options;
    options.config_path = dir.write(std::string("shared-") + r.octal + ".toml", toml, perms_of(r.mode));
    auto loaded = load_config(options, env, runner);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().kind == ErrorKind::Config);
    const std::string& message = loaded.error().message;
    CHECK_THAT(message, Catch::Contains(options.config_path + ": holds a literal secret (jira.token at line 3)") &&
                            Catch::Contains(std::string("its mode is ") + r.octal + ": " + r.access) &&
                            Catch::Contains("chmod 600 " + options.config_path));
    CHECK_THAT(all_text(loaded.error()), !Catch::Contains("literal-token-42"));
    // As Context::report prints it: the redactor must not eat the explanation.
    CHECK(Redactor().mask(message) == message);
  }
}

TEST_CASE("file mode: every literal secret is named, channels and profiles included", "[config][files][secrets]") {
  TempDir dir;
  MapEnvironment env;
  FakeRunner runner;
  LoadOptions options;
  options.config_path = dir.write("team.toml",
                                  "[jira]\ntoken_env = \"JT\"\n"
                                  "[channels.ops]\nkind = \"dingtalk\"\nurl_env = \"HOOK\"\nsecret = \"SEC-signing-1\"\n"
                                  "[profile.ci.confluence]\ntoken = \"conf-literal-2\"\n",
                                  perms_of(0640));
  auto loaded = load_config(options, env, runner);
  REQUIRE_FALSE(loaded);
  const auto text = all_text(loaded.error());
  CHECK_THAT(text, Catch::Contains("holds literal secrets (channels.ops.secret at line 6, "
                                   "profile.ci.confluence.token at line 8)"));
  CHECK_THAT(text, Catch::Contains("channels.ops.secret -> channels.ops.secret_cmd / channels.ops.secret_env") &&
                       Catch::Contains("profile.ci.confluence.token_env / FAULTLINE_CONFLUENCE_TOKEN"));
  CHECK_THAT(text, !Catch::Contains("SEC-signing-1") && !Catch::Contains("conf-literal-2"));
}

TEST_CASE("file mode: a file without literal secrets may be 0644", "[config][files][secrets]") {
  TempDir dir;
  MapEnvironment env(Vars{{"JT", "from-env-token"}, {"HOOK", "https://hooks.example.com/x"}});
  FakeRunner runner(Vars{{"pass show sign", "signing-secret"}});
  LoadOptions options;
  options.config_path = dir.write("public.toml",
                                  "[jira]\ntoken_env = \"JT\"\n"
                                  "[channels.ops]\nkind = \"dingtalk\"\nurl_env = \"HOOK\"\nsecret_cmd = \"pass show sign\"\n",
                                  perms_of(0644));
  auto loaded = load_config(options, env, runner);
  REQUIRE(loaded);
  CHECK(loaded->warnings.empty());
  CHECK(loaded->config.jira.token == "from-env-token");
  CHECK(loaded->config.channels.at("ops").secret == "signing-secret");
}

TEST_CASE("secret messages: config show masks a secret query parameter of jira.url", "[config][secrets][show]") {
  MapEnvironment env;
  FakeRunner runner;
  auto loaded = load_config_from_string("[jira]\nurl = \"https://jira.example.com/?token=q-secret-5\"\n",
                                        "cfg.toml", {}, env, runner);
  REQUIRE(loaded);
  const auto json = config_to_json(loaded->config);
  CHECK(json["jira"]["url"] == "https://jira.example.com/?token=***");
  CHECK_THAT(render_config_show(loaded->config), !Catch::Contains("q-secret-5"));
}
