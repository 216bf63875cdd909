// The Reminder's steps on their own, over the fake transport (Data Center), through
// TestServices: collect_overdue finds the overdue actions (the team's today) and asks to claim
// each, collect_faults finds the stale faults, and a kind routed nowhere is warned about and
// never claimed (a claim nobody receives would silence the reminder for a whole interval).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faultline/app/reminders.hpp"
#include "support/fake_transport.hpp"
#include "support/test_services.hpp"

using faultline::app::Reminder;
using faultline::app::RemindRequest;
using faultline::core::ReminderKind;
using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::query_param;
using faultline::testing::TestServices;
using nlohmann::json;

namespace {

// 2026-11-25T23:30:00Z: 26 Nov 07:30 in Shanghai.
const faultline::core::TimePoint k_now{std::chrono::milliseconds{1795649400000}};

std::string config(bool routed) {
  std::string text =
      "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n\n"
      "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\nupdate_cadence_minutes = 30\n\n"
      "[channels.ops]\nkind = \"generic\"\nurl_env = \"HOOK\"\n\n";
  if (routed) text += "[routes]\n\"actions.overdue\" = [\"ops\"]\n\"fault.stale\" = [\"ops\"]\n";
  return text;
}

json action_issue(const std::string& key, const char* due) {
  return json{{"id", "2" + key.substr(key.find('-') + 1)},
              {"key", key},
              {"fields",
               {{"summary", "Action " + key},
                {"parent", {{"key", "FAULT-1"}}},
                {"assignee", {{"name", "alice"}, {"displayName", "Alice"}}},
                {"status", {{"name", "To Do"}, {"statusCategory", {{"key", "new"}}}}},
                {"duedate", due},
                {"labels", {"fault-action"}}}}};
}

json fault_issue(const std::string& key, const std::string& last_update) {
  return json{{"id", "1" + key.substr(key.find('-') + 1)},
              {"key", key},
              {"fields",
               {{"summary", "Fault " + key},
                {"status", {{"name", "Handling"}, {"statusCategory", {{"key", "indeterminate"}}}}},
                {"issuetype", {{"name", "Fault"}}},
                {"created", "2026-11-25T20:00:00.000+0800"},
                {"labels", {"fault", "fault-level-p2"}}}},
              {"properties", {{"faultline", {{"schema", 1}, {"level", "P2"}, {"last_update_at", last_update}}}}}};
}

std::string page(std::vector<json> issues) {
  const auto total = static_cast<int>(issues.size());
  return json{{"startAt", 0}, {"maxResults", 50}, {"total", total}, {"issues", std::move(issues)}}.dump();
}

}  // namespace

TEST_CASE("collect_overdue asks to claim every overdue action, judged on the team's today", "[app][remind]") {
  FakeTransport fake;
  std::string jql;
  fake.on(Method::Get, "/rest/api/2/search")
      .when([&jql](const faultline::http::Request& r) {
        jql = query_param(r.url, "jql").value_or("");
        return true;
      })
      .reply(200, page({action_issue("FAULT-11", "2026-11-25"), action_issue("FAULT-12", "2026-11-24")}));
  TestServices services(fake, config(true), {{"T", "token-123456789"}, {"HOOK", "https://chat.example.invalid/x"}});
  services.fixed_clock.set(k_now);
  auto session = faultline::app::open_fault_session(services);
  REQUIRE(session);
  Reminder reminder(services, *session, RemindRequest{}, "run-1");
  REQUIRE(reminder.collect_overdue());
  CHECK(jql.find("duedate < \"2026-11-26\"") != std::string::npos);  // 26 Nov in Shanghai
  const auto requests = reminder.requests(ReminderKind::Overdue);
  REQUIRE(requests.size() == 2);
  CHECK(reminder.outcome().overdue_found);
  CHECK(services.warnings.empty());
  fake.verify();
}

TEST_CASE("collect_faults finds a fault without an update for its cadence; unrouted kinds are warned, not claimed",
          "[app][remind]") {
  const bool routed = GENERATE(true, false);
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search")
      .reply(200, page({fault_issue("FAULT-7", "2026-11-26T06:00:00+08:00"),   // 90 minutes ago: stale
                        fault_issue("FAULT-8", "2026-11-26T07:20:00+08:00")}));  // 10 minutes ago
  TestServices services(fake, config(routed), {{"T", "token-123456789"}, {"HOOK", "https://chat.example.invalid/x"}});
  services.fixed_clock.set(k_now);
  auto session = faultline::app::open_fault_session(services);
  REQUIRE(session);
  RemindRequest request;
  request.reviews = false;
  Reminder reminder(services, *session, request, "run-1");
  REQUIRE(reminder.collect_faults());
  const auto requests = reminder.requests(ReminderKind::Stale);
  if (routed) {
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].issue_key == "FAULT-7");
    CHECK(services.warnings.empty());
  } else {
    CHECK(requests.empty());
    REQUIRE(services.warnings.size() == 1);
    CHECK(services.warnings[0].find("fault.stale") != std::string::npos);
  }
  fake.verify();
}
