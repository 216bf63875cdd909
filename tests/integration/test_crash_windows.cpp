// The windows between a write and its record, on Cloud and Data Center (issue #12):
// - a chat message delivered whose record write fails (500 after the transport's retries):
//   exit 1; a re-run sends the byte-identical payload under the same Idempotency-Key
//   (generic: the platform drops it) or reports Slack's once as "possibly sent", never again;
// - `open` killed (SIGKILL) between the chat POST and its record: the re-run converges;
// - `remind` killed during the chat POST: once the dead run's lock has expired, the next run
//   sends that reminder (its claim was never confirmed), and the one after sends nothing;
// - a watcher add that fails in `open`: exit 1 naming it, and a re-run adds the watcher.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "faultline/core/time.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/core/tracking.hpp"
#include "support/integration.hpp"

using namespace faultline::testing;
using faultline::http::Method;
using namespace std::chrono_literals;

namespace {

std::string write_config(const std::filesystem::path& dir, const FlavorCase& f) {
  return faultline::testing::write_config(
      dir, jira_config(f) +
               "[jira.fields]\nlevel = \"Fault Level\"\ndedupe_key = \"Dedupe Key\"\n\n"
               "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
               "[people.alice]\njira = \"" + f.alice + "\"\n[people.dave]\njira = \"" + f.dave + "\"\n\n"
               "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
               "[channels.eng]\nkind = \"slack\"\nurl_env = \"IT_SLACK_URL\"\n\n"
               "[routes]\n\"fault.opened\" = [\"ops\", \"eng\"]\n\"actions.overdue\" = [\"ops\"]\n");
}

struct Fixture {
  FlavorCase flavor;
  SandboxProcess sandbox;
  SandboxApi api;
  std::filesystem::path dir;
  std::string config;
  TestApp app;

  Fixture(const FlavorCase& f, const std::string& name)
      : flavor(f), sandbox(f.flavor), api(sandbox, f), dir(test_dir(name + "-" + f.flavor)), app(make_app(sandbox)) {
    config = write_config(dir, f);
    app.env.set("IT_SLACK_URL", sandbox.url() + "/hooks/slack/eng");
    setenv("IT_SLACK_URL", (sandbox.url() + "/hooks/slack/eng").c_str(), 1);  // for spawned processes
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  void inject(const nlohmann::json& rule) const { api.control(Method::Post, "/_sandbox/faults", rule); }
  void clear_faults() const { api.control(Method::Delete, "/_sandbox/faults"); }
  // The chat requests a hook received (accepted or not).
  nlohmann::json hook(const std::string& kind, const std::string& name) const {
    auto out = nlohmann::json::array();
    const auto all = api.control(Method::Get, "/_sandbox/messages");  // kept alive for the loop
    for (const auto& m : all["messages"])
      if (m["kind"] == kind && m["name"] == name) out.push_back(m);
    return out;
  }
  // The POSTs a hook received, from the request log (a repeat the platform drops is not a message).
  nlohmann::json posts(const std::string& path) const {
    auto out = nlohmann::json::array();
    const auto requests = api.requests_since(0);
    for (const auto& r : requests)
      if (r["method"] == "POST" && r["path"] == path) out.push_back(r);
    return out;
  }
  int run(std::vector<std::string> args) {
    app.out.str("");
    app.err.str("");
    args.insert(args.begin(), {"--config", config});
    return app.run(std::move(args));
  }
};

// Polls until `done` holds (at most 20 s).
template <typename Predicate>
bool wait_for(Predicate done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a delivered message whose record fails: exit 1, then the same payload once more (generic) or "
          "'possibly sent' once (slack)",
          "[integration][notify][crash]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "record-fails");
  const std::vector<std::string> open = {"open", "--title", "Payments down", "--level", "P2", "--dedupe-key", "pay-1"};
  // The intent write goes through; the result write answers 500 every time.
  fx.inject({{"kind", "status"}, {"status", 500}, {"method", "PUT"}, {"path", "/properties/faultline.notified$"},
             {"after", 1}, {"count", 50}});
  CHECK(fx.run(open) == 1);
  INFO(fx.app.err.str());
  CHECK(fx.app.err.str().find("not recorded as sent") != std::string::npos);
  REQUIRE(fx.hook("generic", "ops").size() == 1);
  REQUIRE(fx.hook("slack", "eng").size() == 1);
  fx.clear_faults();

  // The re-run: generic gets the same bytes and drops them as a repeat; Slack is not posted again.
  CHECK(fx.run(open) == 0);
  const std::string warned = fx.app.err.str();
  CHECK(warned.find("possibly sent") != std::string::npos);
  const auto generic = fx.posts("/hooks/generic/ops");
  REQUIRE(generic.size() == 2);
  CHECK(generic[1]["status"] == 200);  // a repeat, not "422 Idempotency-Key reused with a different payload"
  CHECK(generic[1]["body"] == generic[0]["body"]);
  CHECK(fx.hook("generic", "ops").size() == 1);  // one message in the channel
  CHECK(fx.posts("/hooks/slack/eng").size() == 1);

  // And then nothing more, silently.
  CHECK(fx.run(open) == 0);
  CHECK(fx.app.err.str().find("possibly sent") == std::string::npos);
  CHECK(fx.posts("/hooks/generic/ops").size() == 2);
  CHECK(fx.posts("/hooks/slack/eng").size() == 1);
}

TEST_CASE("an intent that cannot be recorded: nothing is sent, exit 1, and the re-run sends once",
          "[integration][notify][crash]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "intent-fails");
  const std::vector<std::string> open = {"open", "--title", "Search slow", "--level", "P3", "--dedupe-key", "search-1"};
  fx.inject({{"kind", "status"}, {"status", 500}, {"method", "PUT"}, {"path", "/properties/faultline.notified$"},
             {"count", 50}});
  CHECK(fx.run(open) == 1);
  CHECK(fx.app.err.str().find("intent to send could not be recorded") != std::string::npos);
  CHECK(fx.hook("generic", "ops").empty());
  CHECK(fx.hook("slack", "eng").empty());
  fx.clear_faults();
  CHECK(fx.run(open) == 0);
  CHECK(fx.hook("generic", "ops").size() == 1);
  CHECK(fx.hook("slack", "eng").size() == 1);
}

TEST_CASE("open killed between the chat POST and its record converges on the re-run", "[integration][notify][crash]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "open-killed");
  // The result write hangs: the process is killed there, after both POSTs.
  fx.inject({{"kind", "hang"}, {"method", "PUT"}, {"path", "/properties/faultline.notified$"}, {"after", 1}, {"count", 1}});
  const pid_t pid = spawn_faultline(fx.sandbox,
                                    {"--config", fx.config, "open", "--title", "Checkout 500", "--level", "P2",
                                     "--dedupe-key", "co-1"},
                                    (fx.dir / "killed.out").string());
  // The intent and the result are the first two PUTs of faultline.notified: the second hangs.
  REQUIRE(wait_for([&] { return fx.api.count_since(0, "PUT", "/properties/faultline.notified") >= 2; }));
  kill(pid, SIGKILL);
  wait_exit(pid);
  fx.clear_faults();
  REQUIRE(fx.hook("generic", "ops").size() == 1);
  REQUIRE(fx.hook("slack", "eng").size() == 1);

  // The re-run: generic gets the same bytes (dropped as a repeat), Slack is reported once.
  CHECK(fx.run({"open", "--title", "Checkout 500", "--level", "P2", "--dedupe-key", "co-1"}) == 0);
  CHECK(fx.app.err.str().find("possibly sent") != std::string::npos);
  const auto generic = fx.posts("/hooks/generic/ops");
  REQUIRE(generic.size() == 2);
  CHECK(generic[1]["status"] == 200);
  CHECK(generic[1]["body"] == generic[0]["body"]);
  CHECK(fx.hook("generic", "ops").size() == 1);
  CHECK(fx.posts("/hooks/slack/eng").size() == 1);
  CHECK(fx.run({"open", "--title", "Checkout 500", "--level", "P2", "--dedupe-key", "co-1"}) == 0);
  CHECK(fx.app.err.str().find("possibly sent") == std::string::npos);
  CHECK(fx.posts("/hooks/generic/ops").size() == 2);
  CHECK(fx.posts("/hooks/slack/eng").size() == 1);
}

TEST_CASE("remind killed during the chat POST: the next run after the lock expires sends it, once",
          "[integration][remind][crash]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "remind-killed");
  // An action due two days ago in the team's zone, by the real clock the processes use.
  const auto zone = faultline::core::find_zone("Asia/Shanghai");
  REQUIRE(zone);
  const auto now = faultline::core::TimePoint{
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())};
  const auto due = date::year_month_day{date::sys_days{faultline::core::today_in(now, *zone)} - date::days{2}};
  auto opened = run_json(fx.app, {"--config", fx.config, "open", "--json", "--no-notify", "--title", "Disk full",
                                  "--level", "P3", "--started-at", "-10m"});
  const std::string fault = opened["key"];
  nlohmann::json fields{{"project", {{"key", "FAULT"}}},
                        {"issuetype", {{"name", "Sub-task"}}},
                        {"parent", {{"key", fault}}},
                        {"summary", "Alert on disk usage"},
                        {"duedate", faultline::core::format_date(due)},
                        {"labels", {"fault-action"}},
                        {"assignee", flavor.user_json(flavor.alice)}};
  const std::string root = flavor.jira_api;
  const std::string action = fx.api.call(Method::Post, root + "/issue", {{"fields", fields}})["key"];

  fx.inject({{"kind", "hang"}, {"method", "POST"}, {"path", "^/hooks/generic/ops$"}, {"count", 1}});
  const std::vector<std::string> remind = {"--config", fx.config, "remind", "--overdue", "--claim-wait", "0"};
  const pid_t pid = spawn_faultline(fx.sandbox, remind, (fx.dir / "killed.out").string());
  REQUIRE(wait_for([&] { return fx.api.count_since(0, "POST", "/hooks/generic/ops") >= 1; }));
  kill(pid, SIGKILL);
  wait_exit(pid);
  fx.clear_faults();
  CHECK(fx.hook("generic", "ops").empty());  // the hang held it: nothing arrived

  // The dead run's claim says "sent": false; its lock is still fresh, so a run now waits.
  const auto property = root + "/issue/" + action + "/properties/faultline.reminded";
  auto marker = fx.api.call(Method::Get, property)["value"];
  CHECK(marker["overdue"]["sent"] == false);
  const pid_t early = spawn_faultline(fx.sandbox, remind, (fx.dir / "early.out").string());
  CHECK(wait_exit(early) == 0);
  CHECK(fx.hook("generic", "ops").empty());

  // Eleven minutes later (the lock's 10-minute ttl passed): the lock is aged as time would.
  const auto aged = faultline::core::format_utc(
      faultline::core::TimePoint{std::chrono::duration_cast<std::chrono::milliseconds>(
          (std::chrono::system_clock::now() - 11min).time_since_epoch())});
  marker["overdue_lock"]["at"] = aged;
  fx.api.call(Method::Put, property, marker);
  const pid_t next = spawn_faultline(fx.sandbox, remind, (fx.dir / "next.out").string());
  CHECK(wait_exit(next) == 0);
  REQUIRE(fx.hook("generic", "ops").size() == 1);
  CHECK(fx.hook("generic", "ops")[0]["body"]["body"].get<std::string>().find(action) != std::string::npos);
  CHECK_FALSE(fx.api.call(Method::Get, property)["value"]["overdue"].contains("sent"));  // confirmed

  const pid_t after = spawn_faultline(fx.sandbox, remind, (fx.dir / "after.out").string());
  CHECK(wait_exit(after) == 0);
  CHECK(fx.hook("generic", "ops").size() == 1);
}

TEST_CASE("a watcher add that fails in open: exit 1 naming it, and the re-run adds the watcher",
          "[integration][fault][crash]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  Fixture fx(flavor, "watch-fails");
  fx.inject({{"kind", "status"}, {"status", 500}, {"method", "POST"}, {"path", "/watchers$"}, {"count", 50}});
  const std::vector<std::string> open = {"open", "--title", "Login loop", "--level", "P3", "--dedupe-key", "login-1",
                                         "--json"};
  CHECK(fx.run(open) == 5);  // Jira unavailable after the retries
  INFO(fx.app.err.str());
  CHECK(fx.app.err.str().find("could not be added as a watcher") != std::string::npos);
  CHECK(fx.app.err.str().find("run the same command again") != std::string::npos);
  CHECK(fx.hook("generic", "ops").size() == 1);  // announced before the watcher step
  fx.clear_faults();

  REQUIRE(fx.run(open) == 0);
  const auto again = nlohmann::json::parse(fx.app.out.str());
  const std::string key = again["key"];
  const std::string root = flavor.jira_api;
  const auto watchers = fx.api.call(Method::Get, root + "/issue/" + key + "/watchers");
  CHECK(watchers.dump().find(flavor.dave) != std::string::npos);
  bool watched = false;
  for (const auto& op : again["operations"])
    if (op["op"] == "watch" && op["status"] == "done") watched = true;
  CHECK(watched);
  CHECK(fx.hook("generic", "ops").size() == 1);  // announced once
  // Converged: the next run finds the watcher and adds nothing.
  REQUIRE(fx.run(open) == 0);
  const auto last = nlohmann::json::parse(fx.app.out.str());  // kept alive for the loop
  for (const auto& op : last["operations"])
    if (op["op"] == "watch") CHECK(op["status"] == "skipped");
}
