// The [stats] section (where release counts come from) and a person's team, which `stats`
// uses for actions per owner team.
#include <catch2/catch.hpp>

#include "config_test_support.hpp"
#include "faultline/config/show.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;

namespace {

Result<Loaded> load(std::string_view text) {
  MapEnvironment env;
  FakeRunner runner;
  return load_config_from_string(text, "/etc/fl/cfg.toml", {}, env, runner);
}

}  // namespace

TEST_CASE("stats section: release projects, the release CSV and a person's team are read", "[config][stats]") {
  auto loaded = load("[stats]\nrelease_projects = [\"PAY\", \"ORD\"]\nreleases_csv = \"releases.csv\"\n\n"
                     "[people.alice]\njira = \"alice\"\nteam = \"payments\"\n");
  REQUIRE(loaded);
  const auto& config = loaded->config;
  CHECK(config.stats.release_projects == std::vector<std::string>{"PAY", "ORD"});
  CHECK(config.stats.releases_csv == "releases.csv");
  CHECK(config.people.at("alice").team == "payments");
  CHECK(config.sources.at("stats.release_projects").where == "/etc/fl/cfg.toml:2");

  const auto shown = render_config_show(config);
  CHECK_THAT(shown, Catch::Contains("stats.release_projects = [\"PAY\", \"ORD\"]") &&
                        Catch::Contains("stats.releases_csv = \"releases.csv\"") &&
                        Catch::Contains("people.alice.team = \"payments\""));
}

TEST_CASE("stats section: defaults are no projects and no file", "[config][stats]") {
  auto loaded = load("[jira]\nproject = \"FAULT\"\n");
  REQUIRE(loaded);
  CHECK(loaded->config.stats.release_projects.empty());
  CHECK(loaded->config.stats.releases_csv.empty());
}

TEST_CASE("stats section: a typo or a wrong type is named with file, line and key", "[config][stats]") {
  auto typo = load("[stats]\nrelease_project = [\"PAY\"]\n");
  REQUIRE_FALSE(typo);
  CHECK_THAT(typo.error().message, Catch::Contains("/etc/fl/cfg.toml:2") &&
                                       Catch::Contains("did you mean 'stats.release_projects'?"));

  auto not_a_list = load("[stats]\nrelease_projects = \"PAY\"\n");
  REQUIRE_FALSE(not_a_list);
  CHECK_THAT(not_a_list.error().message, Catch::Contains("stats.release_projects"));

  auto unknown_section = load("[stat]\nrelease_projects = []\n");
  REQUIRE_FALSE(unknown_section);
  CHECK_THAT(unknown_section.error().message, Catch::Contains("did you mean 'stats'?"));
}
