// The response room (issue #17) against the sandbox's emulation of the four platforms' group
// APIs, on Cloud and Data Center: `open` of a P1 creates the room, invites the people it can
// resolve (the others named in a warning), posts the summary and records the room on the
// fault (property and, where the platform has a link, a remote link); `room create` again
// does nothing new; the route target "room" posts updates there; a hostile title still makes
// a valid room name; a platform that is down never fails the open (the room is spooled and
// `sync` makes it); two racing `room create` make one room; `room close` posts the closing
// summary and archives where the platform can.
#include <catch2/catch.hpp>

#include <regex>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using faultline::http::Method;

namespace {

struct Platform {
  const char* name;
  const char* config;  // the [rooms] table's credentials
  const char* alice;   // alice's id there (dave's is the same with "dave")
  const char* dave;
  bool archives;
  bool links;
};

const Platform k_slack{"slack", "token_env = \"IT_ROOM_TOKEN\"\n", "UALICE", "UDAVE", true, true};
const Platform k_feishu{"feishu", "app_id = \"cli_it\"\napp_secret_env = \"IT_ROOM_SECRET\"\n", "ou_alice", "ou_dave",
                        true, true};
const Platform k_dingtalk{"dingtalk",
                          "app_id = \"it-key\"\napp_secret_env = \"IT_ROOM_SECRET\"\ntemplate_id = \"it-template\"\n"
                          "robot_code = \"it-robot\"\nowner = \"dave\"\n",
                          "alice01", "dave01", false, false};
const Platform k_wecom{"wecom", "app_id = \"wwit\"\napp_secret_env = \"IT_ROOM_SECRET\"\n", "alice", "dave", false, false};

// The sandbox's rooms seed for every platform: alice and dave exist, the bot's credentials.
nlohmann::json rooms_seed() {
  return {{"slack", {{"token", "it-slack-bot-token"}, {"bot_user", "UBOT"}, {"users", {"UALICE", "UDAVE"}}}},
          {"feishu", {{"app_id", "cli_it"}, {"app_secret", "it-secret"}, {"users", {"ou_alice", "ou_dave"}}}},
          {"dingtalk",
           {{"appkey", "it-key"},
            {"appsecret", "it-secret"},
            {"template_id", "it-template"},
            {"robot_code", "it-robot"},
            {"users", {"alice01", "dave01"}}}},
          {"wecom", {{"corpid", "wwit"}, {"corpsecret", "it-secret"}, {"users", {"alice", "dave"}}}}};
}

struct Fixture {
  FlavorCase flavor;
  Platform platform;
  SandboxProcess sandbox;
  SandboxApi api;
  std::filesystem::path dir;
  std::string config;
  TestApp app;

  Fixture(const FlavorCase& f, const Platform& p)
      : flavor(f), platform(p), sandbox(f.flavor), api(sandbox, f),
        dir(test_dir(std::string("rooms-") + p.name + "-" + f.flavor)), app(make_app(sandbox)) {
    api.control(Method::Post, "/_sandbox/seed", {{"mode", "extend"}, {"rooms", rooms_seed()}});
    const std::string base = sandbox.url() + "/rooms/" + p.name;
    std::string rooms = "[rooms]\nplatform = \"" + std::string(p.name) + "\"\nurl = \"" + base + "\"\n" + p.config +
                        "levels = [\"P1\"]\ninvite = [\"coordinator\", \"team\"]\n";
    if (std::string(p.name) == "dingtalk") rooms += "api_url = \"" + sandbox.url() + "/rooms/dingtalk/api\"\n";
    if (std::string(p.name) == "dingtalk") rooms.replace(rooms.find(base), base.size(), base + "/oapi");
    config = write_config(dir, jira_config(f) + "[jira.fields]\nlevel = \"Fault Level\"\nteam = \"Team\"\n\n" +
                                   "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n" +
                                   "[people.dave]\njira = \"" + f.dave + "\"\n" + p.name + " = \"" + p.dave + "\"\n" +
                                   "[people.alice]\njira = \"" + f.alice + "\"\nteam = \"payments\"\n" + p.name +
                                   " = \"" + p.alice + "\"\n" + "[people.bob]\njira = \"" + f.bob +
                                   "\"\nteam = \"payments\"\n\n" + rooms + "\n" +
                                   "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
                                   "[routes]\n\"fault.opened\" = [\"ops\"]\n\"fault.updated\" = [\"room\", \"ops\"]\n");
    app.env.set("IT_ROOM_TOKEN", "it-slack-bot-token");
    app.env.set("IT_ROOM_SECRET", "it-secret");
    app.env.set("FAULTLINE_SPOOL_DIR", (dir / "spool").string());
  }

  int run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config});
    return app.run(std::move(args));
  }
  nlohmann::json json(std::vector<std::string> args, int expected = 0) {
    args.insert(args.begin(), {"--config", config, "--json"});
    return run_json(app, std::move(args), expected);
  }
  nlohmann::json rooms() const {
    return api.control(Method::Get, std::string("/_sandbox/rooms?platform=") + platform.name)["rooms"];
  }
  nlohmann::json calls(const std::string& api_name) const {
    auto out = nlohmann::json::array();
    for (const auto& call : api.control(Method::Get, std::string("/_sandbox/rooms?platform=") + platform.name)["calls"])
      if (call.value("api", "").find(api_name) != std::string::npos) out.push_back(call);
    return out;
  }
  nlohmann::json room_property(const std::string& key) const {
    return api.call(Method::Get, std::string(flavor.jira_api) + "/issue/" + key + "/properties/faultline-room")["value"];
  }
  std::string open_p1(const std::string& title, int expected = 0) {
    const auto opened = json({"open", "--title", title, "--level", "P1", "--team", "payments", "--no-similar"}, expected);
    return opened["key"];
  }
};

// Whether `name` is a valid group name on `platform` (its documented characters and length).
bool valid_room_name(const std::string& platform, const std::string& name) {
  if (platform == "slack") return std::regex_match(name, std::regex("^[a-z0-9_-]{1,80}$"));
  std::size_t code_points = 0;
  for (unsigned char c : name) {
    if ((c & 0xC0) != 0x80) ++code_points;
    if (c < 0x20) return false;
  }
  return code_points >= 1 && code_points <= 60;
}

}  // namespace

TEST_CASE("rooms: open a P1 with its room, post there, close it, on every platform", "[integration][rooms]") {
  for (const auto* f : {&k_cloud, &k_datacenter}) {
    for (const auto* p : {&k_slack, &k_feishu, &k_dingtalk, &k_wecom}) {
      DYNAMIC_SECTION(f->flavor << " " << p->name) {
        Fixture fx(*f, *p);
        const std::string key = fx.open_p1("Checkout 502 for \"card\" payments; <b>all</b> regions");
        INFO(fx.app.err.str());
        auto rooms = fx.rooms();
        REQUIRE(rooms.size() == 1);
        const auto room = rooms[0];
        CHECK(valid_room_name(p->name, room["name"]));
        auto members = room["members"].dump();
        CHECK(members.find(p->alice) != std::string::npos);
        CHECK(members.find(p->dave) != std::string::npos);
        // bob has no id on the platform: named in a warning, the open still succeeded.
        CHECK(fx.app.err.str().find("bob") != std::string::npos);
        REQUIRE(room["messages"].size() == 1);  // the summary
        CHECK(room["messages"][0]["body"].dump().find(key) != std::string::npos);
        const auto property = fx.room_property(key);
        CHECK(property["room"]["id"] == room["id"]);
        CHECK(property["unresolved"] == nlohmann::json::array({"bob"}));
        const auto links = fx.api.call(Method::Get, std::string(f->jira_api) + "/issue/" + key + "/remotelink");
        CHECK(links.size() == (p->links ? 1u : 0u));

        // Again: nothing new.
        const auto again = fx.json({"room", "create", key});
        CHECK(again["created"] == false);
        CHECK(fx.rooms().size() == 1);
        CHECK(fx.rooms()[0]["messages"].size() == 1);

        // An update goes to the room (route target "room") and to ops.
        fx.json({"update", key, "--message", "Rolling back 2.14.0"});
        CHECK(fx.rooms()[0]["messages"].size() == 2);
        CHECK(fx.api.messages("fault.updated").size() == 1);

        // A P2 gets no room.
        fx.json({"open", "--title", "Minor glitch", "--level", "P2", "--no-similar"});
        CHECK(fx.rooms().size() == 1);

        // Closing: the summary, then archived where the platform can; a second close does nothing.
        const auto closed = fx.json({"room", "close", key});
        CHECK(closed["closed"] == true);
        const auto after = fx.rooms()[0];
        CHECK(after["messages"].size() == 3);
        const bool archived = after.value("archived", false) || after.value("disbanded", false);
        CHECK(archived == p->archives);
        CHECK(fx.room_property(key)["closed_at"] != "");
        const auto twice = fx.json({"room", "close", key});
        CHECK(twice["closed"] == false);
        CHECK(fx.rooms()[0]["messages"].size() == 3);
        // A closed room gets no more posts.
        fx.json({"update", key, "--message", "Monitoring"});
        CHECK(fx.rooms()[0]["messages"].size() == 3);
      }
    }
  }
}

TEST_CASE("rooms: hostile titles give valid names and topics on every platform", "[integration][rooms]") {
  const std::vector<std::string> titles = {
      "数据库主从切换失败，订单服务不可用 — 全部地区", "🔥🔥🔥", "../../etc/passwd; DROP TABLE rooms; --",
      std::string(240, 'x') + " tail", "\"quoted\" <script>alert(1)</script> & #general @channel"};
  for (const auto* p : {&k_slack, &k_feishu, &k_dingtalk, &k_wecom}) {
    DYNAMIC_SECTION(p->name) {
      Fixture fx(k_datacenter, *p);
      for (const auto& title : titles) {
        const std::string key = fx.open_p1(title);
        INFO(title << "\n" << fx.app.err.str());
        const auto property = fx.room_property(key);
        const std::string name = property["room"]["name"];
        CHECK(valid_room_name(p->name, name));
        // The key is always in the name, so people can tell rooms apart.
        std::string lowered = key;
        for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        CHECK((name.find(key) != std::string::npos || name.find(lowered) != std::string::npos));
      }
      CHECK(fx.rooms().size() == titles.size());
    }
  }
}

TEST_CASE("rooms: a platform that is down never fails the open; sync makes the room once", "[integration][rooms]") {
  for (const auto* f : {&k_cloud, &k_datacenter}) {
    DYNAMIC_SECTION(f->flavor) {
      Fixture fx(*f, k_slack);
      fx.api.control(Method::Post, "/_sandbox/faults", {{"kind", "status"}, {"status", 503}, {"path", "^/rooms/slack/"}});
      const std::string key = fx.open_p1("Payments down while Slack is down", 6);  // 6: work waits in the spool
      CHECK(fx.app.err.str().find("spooled") != std::string::npos);
      CHECK(fx.rooms().empty());
      CHECK(fx.api.messages("fault.opened").size() == 1);  // the announcement went out
      fx.api.control(Method::Delete, "/_sandbox/faults");
      const auto synced = fx.json({"sync"});
      REQUIRE(synced["entries"].size() == 1);
      CHECK(synced["entries"][0]["kind"] == "room");
      CHECK(synced["entries"][0]["status"] == "done");
      REQUIRE(fx.rooms().size() == 1);
      CHECK(fx.room_property(key)["room"]["id"] == fx.rooms()[0]["id"]);
      CHECK(fx.json({"sync"})["entries"].empty());
      CHECK(fx.rooms().size() == 1);
    }
  }
}

TEST_CASE("rooms: two racing room create make one room and one summary", "[integration][rooms]") {
  for (const auto* p : {&k_slack, &k_wecom}) {
    DYNAMIC_SECTION(p->name) {
      Fixture fx(k_cloud, *p);
      const auto opened = fx.json({"open", "--title", "Racing rooms", "--level", "P1", "--team", "payments", "--no-similar", "--no-room"});
      const std::string key = opened["key"];
      CHECK(fx.rooms().empty());
      // Both runs see no room recorded and ask the platform at the same time.
      fx.api.control(Method::Post, "/_sandbox/faults", {{"kind", "latency"}, {"latency_ms", 150}, {"path", "^/rooms/"}});
      const auto out_a = (fx.dir / "a.out").string();
      const auto out_b = (fx.dir / "b.out").string();
      setenv("IT_ROOM_TOKEN", "it-slack-bot-token", 1);
      setenv("IT_ROOM_SECRET", "it-secret", 1);
      const pid_t a = spawn_faultline(fx.sandbox, {"--config", fx.config, "room", "create", key}, out_a,
                                      (fx.dir / "a.err").string());
      const pid_t b = spawn_faultline(fx.sandbox, {"--config", fx.config, "room", "create", key}, out_b,
                                      (fx.dir / "b.err").string());
      const int exit_a = wait_exit(a);
      const int exit_b = wait_exit(b);
      INFO(read_text(fx.dir / "a.err") << read_text(fx.dir / "b.err"));
      CHECK(exit_a == 0);
      CHECK(exit_b == 0);
      fx.api.control(Method::Delete, "/_sandbox/faults");
      const auto rooms = fx.rooms();
      REQUIRE(rooms.size() == 1);
      CHECK(fx.room_property(key)["room"]["id"] == rooms[0]["id"]);
      // The runs took turns (the room lock): one summary; a re-run adds none.
      CHECK(rooms[0]["messages"].size() == 1);
      fx.json({"room", "create", key});
      CHECK(fx.rooms()[0]["messages"].size() == 1);
    }
  }
}
