// Work that survives a Jira or chat outage (issue #15), on Cloud and Data Center, with the
// sandbox's fault injection:
// - Jira down while `open` runs: exit 6 naming the spool entry (0600, no secret in it), the
//   fault announced to chat under its provisional key;
// - Jira back: `sync` opens exactly one fault and tells chat the real key (fault.synced); a
//   second sync, and a replay of the same entry, write nothing;
// - kill -9 during sync: the next sync converges on one fault and one fault.synced message;
// - the next command replays the spool first (not with --no-sync);
// - update and recover spooled and replayed; a chat platform down: the message spooled and
//   sent once by sync; an entry Jira refuses for good stays, listed by --status, until --drop.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using faultline::http::Method;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  FlavorCase flavor;
  SandboxProcess sandbox;
  SandboxApi api;
  std::filesystem::path dir;
  std::filesystem::path spool;
  std::string config;
  TestApp app;

  Fixture(const FlavorCase& f, const std::string& name)
      : flavor(f),
        sandbox(f.flavor),
        api(sandbox, f),
        dir(test_dir(name + "-" + f.flavor)),
        spool(dir / "spool"),
        app(make_app(sandbox)) {
    config = write_config(dir, jira_config(f) +
                                   "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
                                   "[people.dave]\njira = \"" + f.dave + "\"\n\n"
                                   "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
                                   "[routes]\n\"fault.opened\" = [\"ops\"]\n\"fault.updated\" = [\"ops\"]\n\n"
                                   "[spool]\ndir = \"" + spool.string() + "\"\n");
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  void jira_down() const {
    api.control(Method::Post, "/_sandbox/faults", {{"kind", "status"}, {"status", 503}, {"path", "^/rest/"}});
  }
  void all_up() const { api.control(Method::Delete, "/_sandbox/faults"); }
  int run(std::vector<std::string> args) {
    app.out.str("");
    app.err.str("");
    args.insert(args.begin(), {"--config", config});
    return app.run(std::move(args));
  }
  nlohmann::json run_json(std::vector<std::string> args, int expected) {
    args.push_back("--json");
    const int code = run(args);
    INFO(app.err.str());
    INFO(app.out.str());
    REQUIRE(code == expected);
    return nlohmann::json::parse(app.out.str());
  }
  std::vector<std::filesystem::path> entries() const {
    std::vector<std::filesystem::path> files;
    if (!std::filesystem::exists(spool)) return files;
    for (const auto& item : std::filesystem::directory_iterator(spool)) {
      const auto name = item.path().filename().string();
      if (name.ends_with(".json") && !name.starts_with(".")) files.push_back(item.path());
    }
    return files;
  }
  // The open faults whose summary is `summary` (the project's search, as faultline lists them).
  std::size_t faults_titled(const std::string& summary) {
    api.catch_up_index();  // Cloud's search lags writes
    const auto listed = run_json({"list", "--no-sync"}, 0);
    std::size_t n = 0;
    for (const auto& fault : listed)
      if (fault.value("summary", "") == summary) ++n;
    return n;
  }
};

}  // namespace

TEST_CASE("Jira down: open is spooled and announced provisionally; sync opens one fault and names both keys",
          "[integration][spool]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "spool-open");
  fx.jira_down();
  const auto spooled = fx.run_json({"open", "--title", "Payments down", "--level", "P2", "--no-similar"}, 6);
  const std::string provisional = spooled["spooled"]["provisional_key"];
  CHECK(provisional.starts_with("FAULT-pending-"));
  const std::string id = spooled["spooled"]["id"];
  CHECK(fx.app.err.str().find(id) != std::string::npos);  // stderr names the entry

  // One file, private, holding no secret.
  const auto files = fx.entries();
  REQUIRE(files.size() == 1);
  struct stat info {};
  REQUIRE(::stat(files[0].c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat(fx.spool.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  const auto text = read_text(files[0]);
  CHECK(text.find("sandbox-token") == std::string::npos);
  CHECK(text.find("/hooks/generic/ops") == std::string::npos);

  // Chat heard of it at once, under the provisional key.
  const auto opened = fx.api.messages("fault.opened");
  REQUIRE(opened.size() == 1);
  CHECK(std::string(opened[0]["body"]["title"]).find(provisional) != std::string::npos);

  // The on-call posts progress under the key chat showed: it waits behind the open.
  CHECK(fx.run({"update", provisional, "--message", "Investigating the gateway"}) == 6);
  CHECK(fx.run({"update", "FAULT-pending-00000000", "--message", "typo"}) == 4);

  // Jira back: one fault, and chat learns its key.
  fx.all_up();
  const auto synced = fx.run_json({"sync"}, 0);
  REQUIRE(synced["entries"].size() == 2);
  CHECK(synced["entries"][0]["status"] == "done");
  CHECK(synced["entries"][1]["status"] == "done");
  const std::string key = synced["entries"][0]["key"];
  CHECK(synced["entries"][1]["key"] == key);  // the update reached the fault the open made
  const auto comments = fx.api.call(Method::Get, std::string(flavor.jira_api) + "/issue/" + key + "/comment");
  CHECK(comments.dump().find("Investigating the gateway") != std::string::npos);
  // Later, the provisional key still names the fault.
  CHECK(fx.run({"update", provisional, "--message", "Gateway restarted", "--no-sync"}) == 0);
  CHECK(fx.app.out.str().find(key) != std::string::npos);
  CHECK(key.starts_with("FAULT-"));
  CHECK(fx.entries().empty());
  CHECK(fx.faults_titled("Payments down") == 1);
  const auto told = fx.api.messages("fault.synced");
  REQUIRE(told.size() == 1);
  const std::string title = told[0]["body"]["title"];
  CHECK(title.find(provisional) != std::string::npos);
  CHECK(title.find(key) != std::string::npos);
  CHECK(fx.api.messages("fault.opened").size() == 1);  // not announced a second time

  // A second sync has nothing to do.
  auto before = fx.api.next_request();
  CHECK(fx.run_json({"sync"}, 0)["entries"].empty());
  CHECK(fx.api.writes_since(before).empty());

  // The same entry replayed again (restored from a backup, a copy of the spool): nothing new.
  std::filesystem::create_directories(fx.spool);
  write_text(files[0], text);
  before = fx.api.next_request();
  const auto again = fx.run_json({"sync"}, 0);
  REQUIRE(again["entries"].size() == 1);
  CHECK(again["entries"][0]["key"] == key);
  for (const auto& write : fx.api.writes_since(before)) {
    INFO(write);
    CHECK(write.find("/comment") == std::string::npos);
    CHECK(!write.ends_with("/issue"));
  }
  CHECK(fx.faults_titled("Payments down") == 1);
  CHECK(fx.api.messages("fault.synced").size() == 1);
  CHECK(fx.api.messages("fault.opened").size() == 1);
}

TEST_CASE("the next command replays the spool first, unless --no-sync", "[integration][spool]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "spool-auto");
  fx.jira_down();
  REQUIRE(fx.run({"open", "--title", "Search is slow", "--level", "P3", "--no-similar", "--dedupe-key", "search-1"}) == 6);
  fx.all_up();
  CHECK(fx.faults_titled("Search is slow") == 0);  // --no-sync: still spooled
  CHECK(fx.entries().size() == 1);
  (void)fx.run_json({"list"}, 0);
  CHECK(fx.entries().empty());
  CHECK(fx.app.err.str().find("replayed 1 spooled entry") != std::string::npos);
  CHECK(fx.faults_titled("Search is slow") == 1);
}

TEST_CASE("update and recover during an outage are spooled and replayed once", "[integration][spool]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "spool-update");
  const auto opened = fx.run_json({"open", "--title", "Cart errors", "--level", "P2", "--no-similar"}, 0);
  const std::string key = opened["key"];
  fx.jira_down();
  CHECK(fx.run({"update", key, "--message", "Rolling back 4.2"}) == 6);
  CHECK(fx.run({"recover", key, "--how", "rollback"}) == 6);
  CHECK(fx.run({"update", key, "--eta", "soon-ish"}) == 2);  // a bad ETA is refused now, not spooled
  REQUIRE(fx.entries().size() == 2);
  fx.all_up();
  const auto synced = fx.run_json({"sync"}, 0);
  REQUIRE(synced["entries"].size() == 2);
  CHECK(synced["entries"][0]["kind"] == "update");
  CHECK(synced["entries"][1]["kind"] == "recover");
  const auto shown = fx.run_json({"show", key, "--no-sync"}, 0);
  CHECK(!shown["recovered_at"].is_null());
  const auto comments = fx.api.call(Method::Get, std::string(flavor.jira_api) + "/issue/" + key + "/comment");
  int rolling = 0;
  for (const auto& c : comments["comments"]) rolling += c.dump().find("Rolling back 4.2") != std::string::npos ? 1 : 0;
  CHECK(rolling == 1);
  CHECK(fx.api.messages("fault.updated").size() == 1);
  const auto before = fx.api.next_request();
  CHECK(fx.run_json({"sync"}, 0)["entries"].empty());
  CHECK(fx.api.writes_since(before).empty());
}

TEST_CASE("a chat platform down: the message is spooled, and sync sends it once", "[integration][spool]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "spool-chat");
  fx.api.control(Method::Post, "/_sandbox/faults", {{"kind", "status"}, {"status", 503}, {"path", "^/hooks/"}});
  const auto opened = fx.run_json({"open", "--title", "Chat is down too", "--level", "P2", "--no-similar",
                                   "--dedupe-key", "chat-down"}, 6);
  CHECK(opened["created"] == true);  // the fault is open: only the message waits
  REQUIRE(fx.entries().size() == 1);
  CHECK(fx.api.messages("fault.opened").empty());
  fx.all_up();
  const auto synced = fx.run_json({"sync"}, 0);
  REQUIRE(synced["entries"].size() == 1);
  CHECK(synced["entries"][0]["kind"] == "notify");
  CHECK(synced["entries"][0]["status"] == "done");
  CHECK(fx.api.messages("fault.opened").size() == 1);
  CHECK(fx.run_json({"sync"}, 0)["entries"].empty());
  CHECK(fx.api.messages("fault.opened").size() == 1);
}

TEST_CASE("an entry Jira refuses for good stays with its error until dropped", "[integration][spool]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "spool-refused");
  fx.jira_down();
  REQUIRE(fx.run({"update", "FAULT-999", "--message", "nobody home"}) == 6);
  fx.all_up();
  const auto synced = fx.run_json({"sync"}, 1);
  REQUIRE(synced["entries"].size() == 1);
  CHECK(synced["entries"][0]["status"] == "failed");
  CHECK(std::string(synced["entries"][0]["detail"]).find("FAULT-999") != std::string::npos);
  // Not replayed again, but listed.
  const auto before = fx.api.next_request();
  const auto status = fx.run_json({"sync", "--status"}, 0);
  REQUIRE(status["entries"].size() == 1);
  CHECK(status["entries"][0]["status"] == "failed");
  CHECK(fx.api.requests_since(before).size() <= 1);  // at most the serverInfo of the flavor check
  const std::string id = status["entries"][0]["id"];
  CHECK(fx.run({"sync", "--drop", id}) == 0);
  CHECK(fx.entries().empty());
  CHECK(fx.run({"sync", "--drop", id}) == 4);
}

TEST_CASE("sync --dry-run prints the replay and keeps the entry", "[integration][spool]") {
  Fixture fx(k_datacenter, "spool-dry");
  fx.jira_down();
  REQUIRE(fx.run({"open", "--title", "Dry", "--level", "P4", "--no-similar", "--no-notify"}) == 6);
  fx.all_up();
  const auto before = fx.api.next_request();
  CHECK(fx.run({"sync", "--dry-run"}) == 0);
  CHECK(fx.app.out.str().find("POST") != std::string::npos);
  CHECK(fx.api.writes_since(before).empty());
  CHECK(fx.entries().size() == 1);
}

TEST_CASE("kill -9 during sync: the next sync converges on one fault and one message", "[integration][spool][crash]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "spool-kill");
  fx.jira_down();
  REQUIRE(fx.run({"open", "--title", "Killed mid-sync", "--level", "P2", "--no-similar"}) == 6);
  fx.all_up();
  // Every request slowed down, so the kills land inside the replay: before the create, after
  // it, between the announcement's intent and its result.
  fx.api.control(Method::Post, "/_sandbox/faults", {{"kind", "latency"}, {"latency_ms", 120}});
  const auto out = (fx.dir / "sync.out").string();
  for (const int after_ms : {150, 400, 700, 1000, 1400}) {
    const pid_t pid = spawn_faultline(fx.sandbox, {"--config", fx.config, "sync"}, out);
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
    ::kill(pid, SIGKILL);
    wait_exit(pid);
  }
  fx.all_up();
  fx.api.catch_up_index();
  const auto synced = fx.run_json({"sync"}, 0);
  CHECK(fx.entries().empty());
  CHECK(fx.faults_titled("Killed mid-sync") == 1);
  CHECK(fx.api.messages("fault.synced").size() == 1);
  CHECK(fx.api.messages("fault.opened").size() == 1);
  (void)synced;
}
