#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;
using faultline::config::testing::TempDir;
using faultline::config::testing::Vars;
namespace fs = std::filesystem;

namespace {

constexpr fs::perms k_0600 = fs::perms::owner_read | fs::perms::owner_write;
constexpr fs::perms k_0640 = k_0600 | fs::perms::group_read;
constexpr fs::perms k_0644 = k_0640 | fs::perms::others_read;

std::string project_line(const std::string& project) { return "[jira]\nproject = \"" + project + "\"\n"; }

}  // namespace

TEST_CASE("search: --config, then FAULTLINE_CONFIG, then ./faultline.toml, then XDG", "[config][files]") {
  TempDir dir;
  const std::string work = (dir.path() / "work").string();
  const std::string xdg = (dir.path() / "xdg").string();
  const std::string explicit_file = dir.write("explicit.toml", project_line("EXPLICIT"));
  const std::string env_file = dir.write("from-env.toml", project_line("ENV"));
  const std::string local_file = dir.write("work/faultline.toml", project_line("LOCAL"));
  const std::string xdg_file = dir.write("xdg/faultline/config.toml", project_line("XDG"));
  FakeRunner runner;
  LoadOptions options;
  options.working_dir = work;

  auto project = [&](const Vars& vars, const LoadOptions& opts) {
    MapEnvironment env(vars);
    auto loaded = load_config(opts, env, runner);
    REQUIRE(loaded);
    return loaded->config.jira.project + " " + loaded->config.file;
  };

  LoadOptions with_flag = options;
  with_flag.config_path = explicit_file;
  CHECK(project(Vars{{"FAULTLINE_CONFIG", env_file}, {"XDG_CONFIG_HOME", xdg}}, with_flag) == "EXPLICIT " + explicit_file);
  CHECK(project(Vars{{"FAULTLINE_CONFIG", env_file}, {"XDG_CONFIG_HOME", xdg}}, options) == "ENV " + env_file);
  CHECK(project(Vars{{"XDG_CONFIG_HOME", xdg}}, options) == "LOCAL " + local_file);
  fs::remove(local_file);
  CHECK(project(Vars{{"XDG_CONFIG_HOME", xdg}, {"HOME", "/nonexistent"}}, options) == "XDG " + xdg_file);

  // Without XDG_CONFIG_HOME, ~/.config is used.
  const std::string home_file = dir.write("home/.config/faultline/config.toml", project_line("HOME"));
  CHECK(project(Vars{{"HOME", (dir.path() / "home").string()}}, options) == "HOME " + home_file);
}

TEST_CASE("search: nothing found is allowed or an error, as asked", "[config][files]") {
  TempDir dir;
  FakeRunner runner;
  MapEnvironment env(Vars{{"HOME", dir.path().string()}, {"FAULTLINE_JIRA_URL", "https://jira.example.com"}});
  LoadOptions options;
  options.working_dir = dir.path().string();

  auto found = find_config_file(options, env);
  REQUIRE(found);
  CHECK_FALSE(found->has_value());

  auto allowed = load_config(options, env, runner);
  REQUIRE(allowed);
  CHECK(allowed->config.file.empty());
  CHECK(allowed->config.jira.url == "https://jira.example.com");  // environment still applies

  options.missing = LoadOptions::Missing::Error;
  auto missing = load_config(options, env, runner);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::Config);
  CHECK_THAT(missing.error().message, Catch::Contains("no config file found") && Catch::Contains("faultline.toml"));

  options.missing = LoadOptions::Missing::Allowed;
  options.profile = "ci";
  auto profile = load_config(options, env, runner);
  REQUIRE_FALSE(profile);
  CHECK_THAT(profile.error().message, Catch::Contains("profile 'ci'") && Catch::Contains("no config file"));
}

TEST_CASE("search: --config or FAULTLINE_CONFIG naming a missing file is an error", "[config][files]") {
  TempDir dir;
  MapEnvironment env;
  LoadOptions options;
  options.config_path = (dir.path() / "nope.toml").string();
  auto flag = find_config_file(options, env);
  REQUIRE_FALSE(flag);
  CHECK_THAT(flag.error().message, Catch::Contains("--config") && Catch::Contains("nope.toml"));

  MapEnvironment with(Vars{{"FAULTLINE_CONFIG", (dir.path() / "gone.toml").string()}});
  auto from_env = find_config_file(LoadOptions{}, with);
  REQUIRE_FALSE(from_env);
  CHECK_THAT(from_env.error().message, Catch::Contains("FAULTLINE_CONFIG") && Catch::Contains("gone.toml"));
}

TEST_CASE("file mode: a token in a file anyone can read is an error", "[config][files][secrets]") {
  TempDir dir;
  const std::string path = dir.write("faultline.toml", "[jira]\nurl = \"https://j.example.com\"\ntoken = \"literal-token-42\"\n", k_0644);
  MapEnvironment env;
  FakeRunner runner;
  LoadOptions options;
  options.config_path = path;
  auto loaded = load_config(options, env, runner);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().kind == ErrorKind::Config);
  CHECK_THAT(loaded.error().message, Catch::Contains(path + ": holds a literal secret (jira.token at line 3)") &&
                                         Catch::Contains("mode is 0644") && Catch::Contains("chmod 600") &&
                                         Catch::Contains("jira.token_env"));
  CHECK_THAT(loaded.error().message, !Catch::Contains("literal-token-42"));
}

TEST_CASE("file mode: a channel URL in a world-readable file is an error too", "[config][files][secrets]") {
  TempDir dir;
  const std::string path = dir.write("c.toml", "[channels.ops]\nkind = \"slack\"\nurl = \"https://hooks.example.com/T/B/xyzsecret\"\n", k_0644);
  MapEnvironment env;
  FakeRunner runner;
  LoadOptions options;
  options.config_path = path;
  auto loaded = load_config(options, env, runner);
  REQUIRE_FALSE(loaded);
  CHECK_THAT(loaded.error().message, Catch::Contains("channels.ops.url at line 3") &&
                                         Catch::Contains("channels.ops.url_env"));
  CHECK_THAT(loaded.error().message, !Catch::Contains("xyzsecret"));
}

TEST_CASE("file mode: a group-readable file with a secret is refused, explaining the mode", "[config][files][secrets]") {
  TempDir dir;
  const std::string path = dir.write("faultline.toml", "[jira]\ntoken = \"literal-token-42\"\n", k_0640);
  MapEnvironment env;
  FakeRunner runner;
  LoadOptions options;
  options.config_path = path;
  auto loaded = load_config(options, env, runner);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().kind == ErrorKind::Config);
  CHECK_THAT(loaded.error().message, Catch::Contains(path + ": holds a literal secret (jira.token at line 2)") &&
                                         Catch::Contains("its mode is 0640: its group can read it") &&
                                         Catch::Contains("FAULTLINE_JIRA_TOKEN"));
  CHECK_THAT(loaded.error().message, !Catch::Contains("literal-token-42"));
}

TEST_CASE("file mode: a 0600 file may hold a secret; a 0644 file without secrets is fine", "[config][files][secrets]") {
  TempDir dir;
  MapEnvironment env;
  FakeRunner runner;
  LoadOptions options;
  options.config_path = dir.write("private.toml", "[jira]\ntoken = \"literal-token-42\"\n", k_0600);
  auto loaded = load_config(options, env, runner);
  REQUIRE(loaded);
  CHECK(loaded->warnings.empty());
  CHECK(loaded->config.jira.token == "literal-token-42");

  options.config_path = dir.write("public.toml", "[jira]\ntoken_env = \"JT\"\n", k_0644);
  MapEnvironment with(Vars{{"JT", "from-env-token"}});
  auto plain = load_config(options, with, runner);
  REQUIRE(plain);
  CHECK(plain->warnings.empty());
  CHECK(plain->config.jira.token == "from-env-token");
}
