// `faultline remind` against the sandbox, on Cloud and Data Center: overdue actions of two
// owners give one message per channel naming both; a second run sends nothing; two runs
// started at the same moment (two processes) send one message; a stale fault gives one
// fault.stale message mentioning its handler, again only after the cadence; a recovered fault
// past its review deadline gives one review.overdue; nothing to do prints nothing, exit 0.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "faultline/core/time.hpp"
#include "faultline/core/tracking.hpp"
#include "support/integration.hpp"

using namespace faultline::testing;
using namespace std::chrono_literals;

namespace {

std::string write_config(const std::filesystem::path& dir, const FlavorCase& fc) {
  return faultline::testing::write_config(
      dir, jira_config(fc) +
               "[jira.fields]\nlevel = \"Fault Level\"\nteam = \"Team\"\nservice = \"Service\"\n"
               "started_at = \"Started At\"\nrecovered_at = \"Recovered At\"\n\n"
               "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\nescalate_after_days = 3\n\n"
               "[people.alice]\njira = \"" + fc.alice + "\"\nslack = \"UALICE\"\n\n"
               "[people.bob]\njira = \"" + fc.bob + "\"\nslack = \"UBOB\"\n\n"
               "[people.dave]\njira = \"" + fc.dave + "\"\n\n"
               "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
               "[routes]\n\"actions.overdue\" = [\"ops\"]\n\"fault.stale\" = [\"ops\"]\n\"review.overdue\" = [\"ops\"]\n");
}

// Creates an action sub-task of `parent` owned by `owner`, due on `due`; returns its key.
std::string add_action(const SandboxApi& api, const FlavorCase& fc, const std::string& parent, const std::string& owner,
                       date::year_month_day due, const std::string& summary) {
  nlohmann::json fields{{"project", {{"key", "FAULT"}}},
                        {"issuetype", {{"name", "Sub-task"}}},
                        {"parent", {{"key", parent}}},
                        {"summary", summary},
                        {"duedate", faultline::core::format_date(due)},
                        {"labels", {"fault-action"}},
                        {"assignee", fc.user_json(owner)}};
  return api.call(faultline::http::Method::Post, std::string(fc.jira_api) + "/issue", {{"fields", fields}})["key"];
}

void assign(const SandboxApi& api, const FlavorCase& fc, const std::string& key, const std::string& user) {
  api.call(faultline::http::Method::Put, std::string(fc.jira_api) + "/issue/" + key + "/assignee", fc.user_json(user));
}

std::string open_fault(TestApp& app, const std::string& config, const std::string& title, const std::string& started) {
  auto opened = run_json(app, {"--config", config, "open", "--json", "--no-notify", "--title", title, "--level", "P2",
                               "--started-at", started});
  return opened["key"];
}

}  // namespace

TEST_CASE("remind --overdue: one message per channel naming both owners, once", "[integration][remind]") {
  const FlavorCase fc = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(fc.flavor);
  const SandboxApi api(sandbox, fc);
  const auto dir = test_dir("remind-" + std::string(fc.flavor));
  const auto config = write_config(dir, fc);
  TestApp app = make_app(sandbox);

  // Nothing to do: no output at all, exit 0.
  REQUIRE(app.run({"--config", config, "remind", "--claim-wait", "0"}) == 0);
  CHECK(app.out.str().empty());
  CHECK(app.err.str().empty());

  const auto zone = faultline::core::find_zone("Asia/Shanghai");
  REQUIRE(zone);
  const auto today = faultline::core::today_in(app.clock.now(), *zone);
  const auto yesterday = date::year_month_day{date::sys_days{today} - date::days{1}};
  const auto tomorrow = date::year_month_day{date::sys_days{today} + date::days{1}};
  const auto fault = open_fault(app, config, "Checkout errors", "-10m");
  const auto a1 = add_action(api, fc, fault, fc.alice, yesterday, "Add a canary stage");
  const auto b1 = add_action(api, fc, fault, fc.bob, yesterday, "Alert on 5xx ratio");
  add_action(api, fc, fault, fc.alice, today, "Due today, not overdue");
  add_action(api, fc, fault, fc.bob, tomorrow, "Due tomorrow");

  auto first = run_json(app, {"--config", config, "remind", "--overdue", "--json", "--claim-wait", "200"});
  REQUIRE(first["sent"].size() == 1);
  CHECK(first["sent"][0]["status"] == "sent");
  CHECK(first["sent"][0]["channel"] == "ops");
  CHECK(first["sent"][0]["items"] == nlohmann::json::array({a1, b1}));
  auto sent = api.messages("actions.overdue");
  REQUIRE(sent.size() == 1);
  const auto body = sent[0]["body"]["body"].get<std::string>();
  CHECK(body.find("**alice**") != std::string::npos);
  CHECK(body.find("**bob**") != std::string::npos);
  CHECK(body.find(a1) != std::string::npos);
  CHECK(body.find(b1) != std::string::npos);
  CHECK(body.find("Due today") == std::string::npos);
  CHECK(body.find("1 day(s) overdue") != std::string::npos);
  const auto mentions = sent[0]["body"]["mentions"].dump();
  CHECK(mentions.find("\"alice\"") != std::string::npos);  // Jira id -> people key
  CHECK(mentions.find("\"bob\"") != std::string::npos);
  CHECK(mentions.find("dave") == std::string::npos);  // one day overdue: not escalated yet

  // Run twice: nothing new, silent, still one message.
  REQUIRE(app.run({"--config", config, "remind", "--overdue", "--claim-wait", "200"}) == 0);
  CHECK(app.out.str().empty());
  auto second = run_json(app, {"--config", config, "remind", "--overdue", "--json", "--claim-wait", "0"});
  CHECK(second["sent"].empty());
  REQUIRE(second["skipped"].size() == 2);
  CHECK(second["skipped"][0]["reason"] == "recently_reminded");
  CHECK(second["skipped"][0]["by"] == first["run_id"]);
  CHECK(api.messages("actions.overdue").size() == 1);

  // --dry-run the next day: would send, claims and sends nothing.
  app.clock.advance(24h);
  REQUIRE(app.run({"--config", config, "--dry-run", "remind", "--overdue", "--claim-wait", "0"}) == 0);
  CHECK(api.messages("actions.overdue").size() == 1);
  // The next day for real: sent again, and escalated once three days overdue.
  auto next_day = run_json(app, {"--config", config, "remind", "--overdue", "--json", "--claim-wait", "0"});
  CHECK(next_day["sent"].size() == 1);
  REQUIRE(api.messages("actions.overdue").size() == 2);
  app.clock.advance(24h);
  run_json(app, {"--config", config, "remind", "--overdue", "--json", "--claim-wait", "0"});
  auto escalated = api.messages("actions.overdue");
  REQUIRE(escalated.size() == 3);
  CHECK(escalated[2]["body"]["body"].get<std::string>().find("3 day(s) overdue") != std::string::npos);
  CHECK(escalated[2]["body"]["mentions"].dump().find("dave") != std::string::npos);

  // --fail-on-overdue: exit 10 even when everything was reminded already.
  REQUIRE(app.run({"--config", config, "remind", "--overdue", "--fail-on-overdue", "--claim-wait", "0"}) == 10);
  std::filesystem::remove_all(dir);
}

TEST_CASE("two remind runs started at the same moment send one message", "[integration][remind][race]") {
  const FlavorCase fc = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(fc.flavor);
  const SandboxApi api(sandbox, fc);
  const auto dir = test_dir("remind-race-" + std::string(fc.flavor));
  const auto config = write_config(dir, fc);
  TestApp app = make_app(sandbox);

  // The processes use the real clock: actions due two days before today (in the team's zone).
  const auto zone = faultline::core::find_zone("Asia/Shanghai");
  REQUIRE(zone);
  const auto now = faultline::core::TimePoint{
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())};
  const auto due = date::year_month_day{date::sys_days{faultline::core::today_in(now, *zone)} - date::days{2}};
  const auto fault = open_fault(app, config, "Payments timeouts", "-10m");
  for (int i = 0; i < 3; ++i) {
    add_action(api, fc, fault, fc.alice, due, "Alice action " + std::to_string(i));
    add_action(api, fc, fault, fc.bob, due, "Bob action " + std::to_string(i));
  }

  const std::vector<std::string> args = {"--config", config, "remind", "--overdue", "--json"};
  const auto out_a = (dir / "a.json").string();
  const auto out_b = (dir / "b.json").string();
  const pid_t a = spawn_faultline(sandbox, args, out_a);
  const pid_t b = spawn_faultline(sandbox, args, out_b);
  CHECK(wait_exit(a) == 0);
  CHECK(wait_exit(b) == 0);
  const auto ja = nlohmann::json::parse(read_text(out_a));
  const auto jb = nlohmann::json::parse(read_text(out_b));
  INFO(ja.dump() << "\n" << jb.dump());
  CHECK(ja["sent"].size() + jb["sent"].size() == 1);
  const auto sent = api.messages("actions.overdue");
  REQUIRE(sent.size() == 1);
  const auto body = sent[0]["body"]["body"].get<std::string>();
  for (int i = 0; i < 3; ++i) {
    CHECK(body.find("Alice action " + std::to_string(i)) != std::string::npos);
    CHECK(body.find("Bob action " + std::to_string(i)) != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("remind --stale: one message mentioning the handler, again only after the cadence",
          "[integration][remind][stale]") {
  const FlavorCase fc = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(fc.flavor);
  const SandboxApi api(sandbox, fc);
  const auto dir = test_dir("remind-stale-" + std::string(fc.flavor));
  const auto config = write_config(dir, fc);
  TestApp app = make_app(sandbox);

  const auto stale = open_fault(app, config, "Search is slow", "-45m");
  open_fault(app, config, "Fresh fault", "-5m");  // within its cadence: not stale
  assign(api, fc, stale, fc.bob);

  auto first = run_json(app, {"--config", config, "remind", "--stale", "--json", "--claim-wait", "100"});
  REQUIRE(first["sent"].size() == 1);
  CHECK(first["sent"][0]["items"] == nlohmann::json::array({stale}));
  auto sent = api.messages("fault.stale");
  REQUIRE(sent.size() == 1);
  const auto body = sent[0]["body"]["body"].get<std::string>();
  CHECK(body.find(stale) != std::string::npos);
  CHECK(body.find("Fresh fault") == std::string::npos);
  CHECK(body.find("last update 45 min ago") != std::string::npos);
  CHECK(sent[0]["body"]["mentions"].dump().find("\"bob\"") != std::string::npos);

  // Within the cadence: nothing.
  app.clock.advance(20min);
  REQUIRE(app.run({"--config", config, "remind", "--stale", "--claim-wait", "0"}) == 0);
  CHECK(app.out.str().empty());
  CHECK(api.messages("fault.stale").size() == 1);
  // After the cadence (30 minutes since the last reminder): both faults are stale now.
  app.clock.advance(10min);
  auto later = run_json(app, {"--config", config, "remind", "--stale", "--json", "--claim-wait", "0"});
  REQUIRE(later["sent"].size() == 1);
  CHECK(later["sent"][0]["items"].size() == 2);
  CHECK(api.messages("fault.stale").size() == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("remind --reviews: a recovered fault past its review deadline, once", "[integration][remind][review]") {
  const FlavorCase fc = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(fc.flavor);
  const SandboxApi api(sandbox, fc);
  const auto dir = test_dir("remind-review-" + std::string(fc.flavor));
  const auto config = write_config(dir, fc);
  TestApp app = make_app(sandbox);

  const auto late = open_fault(app, config, "Cache stampede", "-2d");
  REQUIRE(app.run({"--config", config, "recover", late, "--at", "-30h", "--no-notify"}) == 0);
  const auto recent = open_fault(app, config, "Recovered an hour ago", "-3h");
  REQUIRE(app.run({"--config", config, "recover", recent, "--at", "-1h", "--no-notify"}) == 0);

  auto first = run_json(app, {"--config", config, "remind", "--reviews", "--json", "--claim-wait", "100"});
  REQUIRE(first["sent"].size() == 1);
  CHECK(first["sent"][0]["items"] == nlohmann::json::array({late}));
  auto sent = api.messages("review.overdue");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["body"]["body"].get<std::string>().find(late) != std::string::npos);
  CHECK(sent[0]["body"]["mentions"].dump().find("dave") != std::string::npos);

  REQUIRE(app.run({"--config", config, "remind", "--claim-wait", "0"}) == 0);  // all kinds: nothing new
  CHECK(app.out.str().empty());
  CHECK(api.messages("review.overdue").size() == 1);
  CHECK(api.messages("fault.stale").empty());  // recovered faults are never stale
  std::filesystem::remove_all(dir);
}
