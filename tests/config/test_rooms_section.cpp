// [rooms] (the response room per fault) and [teams] (members and lead): read, checked across
// keys, secrets kept out of `config show`, the route target "room".
#include <catch2/catch.hpp>

#include <algorithm>

#include "config_test_support.hpp"
#include "faultline/config/show.hpp"

using namespace faultline;
using namespace faultline::config;
using faultline::config::testing::FakeRunner;

namespace {

Result<Loaded> load(std::string_view text, std::map<std::string, std::string> vars = {}) {
  MapEnvironment env(std::move(vars));
  FakeRunner runner;
  return load_config_from_string(text, "/etc/fl/cfg.toml", {}, env, runner);
}

std::string all_problems(const Error& error) {
  std::string text = error.message;
  for (const auto& detail : error.details) text += "\n" + detail;
  return text;
}

}  // namespace

TEST_CASE("rooms: a Slack room with its bot token, levels, invitees and extra people", "[config][rooms]") {
  auto loaded = load(
      "[rooms]\nplatform = \"slack\"\nurl = \"http://127.0.0.1:9/rooms/slack/\"\ntoken_env = \"SLACK_BOT\"\n"
      "levels = [\"P1\"]\nname = \"inc-{key}\"\nprivate = true\ninvite = [\"handler\", \"team\", \"bob\"]\n"
      "[rooms.extra]\nP1 = [\"carol\"]\n\n"
      "[teams.payments]\nlead = \"carol\"\nmembers = [\"bob\", \"alice\"]\n\n"
      "[people.bob]\nslack = \"U2\"\n[people.carol]\nslack = \"U3\"\n\n"
      "[routes]\n\"fault.updated\" = [\"room\"]\n",
      {{"SLACK_BOT", "secret-slack-bot-token"}});
  REQUIRE(loaded);
  const auto& config = loaded->config;
  CHECK(config.rooms.enabled());
  CHECK(config.rooms.platform == "slack");
  CHECK(config.rooms.url == "http://127.0.0.1:9/rooms/slack");
  CHECK(config.rooms.token == "secret-slack-bot-token");
  CHECK(config.rooms.levels == std::vector<std::string>{"P1"});
  CHECK(config.rooms.name == "inc-{key}");
  CHECK(config.rooms.is_private);
  CHECK(config.rooms.invite == std::vector<std::string>{"handler", "team", "bob"});
  CHECK(config.rooms.extra_by_level.at("P1") == std::vector<std::string>{"carol"});
  CHECK(config.teams.at("payments").lead == "carol");
  CHECK(config.teams.at("payments").members == std::vector<std::string>{"bob", "alice"});
  CHECK(config.routes.at("fault.updated") == std::vector<std::string>{"room"});
  const auto secrets = config.secrets();
  CHECK(std::find(secrets.begin(), secrets.end(), "secret-slack-bot-token") != secrets.end());
  const auto shown = render_config_show(config);
  CHECK(shown.find("secret-slack-bot-token") == std::string::npos);
  CHECK_THAT(shown, Catch::Contains("rooms.platform = \"slack\""));
}

TEST_CASE("rooms: off by default, and the route target room then names what is missing", "[config][rooms]") {
  auto plain = load("[jira]\nproject = \"FAULT\"\n");
  REQUIRE(plain);
  CHECK_FALSE(plain->config.rooms.enabled());
  CHECK(plain->config.rooms.levels == std::vector<std::string>{"P1", "P2"});

  auto routed = load("[routes]\n\"fault.updated\" = [\"room\"]\n");
  REQUIRE_FALSE(routed);
  CHECK_THAT(routed.error().message, Catch::Contains("routes.\"fault.updated\"") && Catch::Contains("[rooms]"));
}

TEST_CASE("rooms: each platform's credentials are required, naming the key", "[config][rooms]") {
  auto slack = load("[rooms]\nplatform = \"slack\"\n");
  REQUIRE_FALSE(slack);
  CHECK_THAT(slack.error().message, Catch::Contains("rooms.token_env") && Catch::Contains("slack"));

  auto feishu = load("[rooms]\nplatform = \"feishu\"\napp_id = \"cli_1\"\n");
  REQUIRE_FALSE(feishu);
  CHECK_THAT(all_problems(feishu.error()), Catch::Contains("rooms.app_secret_env"));

  auto dingtalk = load("[rooms]\nplatform = \"dingtalk\"\napp_id = \"key\"\napp_secret_env = \"DT\"\n", {{"DT", "s"}});
  REQUIRE_FALSE(dingtalk);
  const auto problems = all_problems(dingtalk.error());
  CHECK_THAT(problems, Catch::Contains("rooms.template_id") && Catch::Contains("rooms.robot_code") &&
                           Catch::Contains("rooms.owner"));

  auto wecom = load("[rooms]\nplatform = \"wecom\"\napp_id = \"ww1\"\napp_secret_env = \"WC\"\n", {{"WC", "s"}});
  REQUIRE(wecom);
  CHECK(wecom->config.rooms.app_secret == "s");
}

TEST_CASE("rooms: typos are named with the allowed values", "[config][rooms]") {
  auto platform = load("[rooms]\nplatform = \"slak\"\ntoken_env = \"T\"\n", {{"T", "x"}});
  REQUIRE_FALSE(platform);
  CHECK_THAT(all_problems(platform.error()), Catch::Contains("rooms.platform") && Catch::Contains("slack"));

  auto level = load("[rooms]\nplatform = \"slack\"\ntoken_env = \"T\"\nlevels = [\"P5\"]\n", {{"T", "x"}});
  REQUIRE_FALSE(level);
  CHECK_THAT(all_problems(level.error()), Catch::Contains("P5"));

  auto invitee = load("[rooms]\nplatform = \"slack\"\ntoken_env = \"T\"\ninvite = [\"handlr\"]\n", {{"T", "x"}});
  REQUIRE_FALSE(invitee);
  CHECK_THAT(all_problems(invitee.error()), Catch::Contains("handlr") && Catch::Contains("did you mean 'handler'"));

  auto flag = load("[rooms]\nplatform = \"slack\"\ntoken_env = \"T\"\nprivate = \"yes\"\n", {{"T", "x"}});
  REQUIRE_FALSE(flag);
  CHECK_THAT(all_problems(flag.error()), Catch::Contains("rooms.private") && Catch::Contains("true or false"));

  auto unknown = load("[rooms]\nplatform = \"slack\"\ntoken_env = \"T\"\nnmae = \"x\"\n", {{"T", "x"}});
  REQUIRE_FALSE(unknown);
  CHECK_THAT(all_problems(unknown.error()), Catch::Contains("nmae"));

  auto team = load("[teams.payments]\nlead = 3\n");
  REQUIRE_FALSE(team);
  CHECK_THAT(all_problems(team.error()), Catch::Contains("teams.payments.lead"));
}

TEST_CASE("rooms: a literal secret needs a private file", "[config][rooms]") {
  faultline::config::testing::TempDir dir;
  const auto file = dir.write("faultline.toml", "[rooms]\nplatform = \"slack\"\ntoken = \"literal-slack-bot-token\"\n",
                              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                  std::filesystem::perms::group_read | std::filesystem::perms::others_read);
  MapEnvironment env;
  FakeRunner runner;
  LoadOptions options;
  options.config_path = file;
  auto loaded = load_config(options, env, runner);
  REQUIRE_FALSE(loaded);
  CHECK_THAT(all_problems(loaded.error()), Catch::Contains("rooms.token"));
  CHECK(all_problems(loaded.error()).find("literal-slack-bot-token") == std::string::npos);
}
