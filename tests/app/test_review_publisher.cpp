// The review publisher: its pure parts (page naming, labels, link id, the record it keeps),
// and its steps one at a time over the fake transport (Data Center), through TestServices: a
// validated file whose one action already exists unchanged syncs without a write, and a fault
// already in Reviewing is not moved.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faultline/app/review_publisher.hpp"
#include "support/fake_transport.hpp"
#include "support/test_services.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::testing::TestServices;
using nlohmann::json;

namespace {

constexpr const char* k_config =
    "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n\n"
    "[confluence]\nurl = \"https://wiki.example.com/confluence\"\nflavor = \"datacenter\"\n\n"
    "[team]\ntimezone = \"Asia/Shanghai\"\n\n[people.alice]\njira = \"alice\"\n";

constexpr const char* k_review =
    "+++\nlevel = \"P2\"\n\n[[action]]\nid = \"canary\"\nsummary = \"Canary every config push\"\nowner = \"alice\"\n"
    "due = \"2026-12-10\"\nkind = \"prevent\"\n+++\n\n## Summary\n\nA config push broke checkout.\n";

// FAULT-1 in Reviewing with one action sub-task, FAULT-2, exactly as the file has it.
void stub_reads(FakeTransport& fake) {
  const json fault{{"id", "10001"},
                   {"key", "FAULT-1"},
                   {"fields",
                    {{"summary", "Checkout returns 500"},
                     {"status", {{"name", "Reviewing"}, {"statusCategory", {{"key", "indeterminate"}}}}},
                     {"issuetype", {{"name", "Fault"}}},
                     {"labels", {"fault", "fault-level-p2"}}}},
                   {"properties", {{"faultline", {{"schema", 1}, {"level", "P2"}}}}}};
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1").query("properties", "faultline").reply(200, fault.dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1")
      .query("fields", "subtasks")
      .reply(200, R"({"id":"10001","key":"FAULT-1","fields":{"subtasks":[{"id":"10002","key":"FAULT-2"}]}})");
  const json action{{"id", "10002"},
                    {"key", "FAULT-2"},
                    {"fields",
                     {{"summary", "Canary every config push"},
                      {"parent", {{"key", "FAULT-1"}}},
                      {"assignee", {{"name", "alice"}, {"displayName", "Alice"}}},
                      {"duedate", "2026-12-10"},
                      {"status", {{"name", "To Do"}, {"statusCategory", {{"key", "new"}}}}},
                      {"labels", {"fault-action", "fault-action-id-canary", "fault-action-kind-prevent"}}}}};
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2").reply(200, action.dump());
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "alice").reply(200, R"([{"name":"alice","key":"JIRAUSER1"}])");
}

}  // namespace

TEST_CASE("review page naming, labels and link id are stable per fault", "[app][review][publish]") {
  CHECK(faultline::app::review_page_title("FAULT-12", "Checkout down") == "FAULT-12: Checkout down \u2014 Fault review");
  CHECK(faultline::app::review_page_labels("FAULT-12", "P2", "Configuration") ==
        std::vector<std::string>{"fault-review", "fault-12", "fault-level-p2", "fault-type-configuration"});
  CHECK(faultline::app::review_page_labels("FAULT-12", "", "") == std::vector<std::string>{"fault-review", "fault-12"});
  CHECK(faultline::app::review_link_global_id("10001") == "faultline-review:10001");
}

TEST_CASE("the review record survives a round trip and ignores what is not an object", "[app][review][publish]") {
  faultline::app::ReviewRecord record{"123", "abcd", "https://wiki/x", "FAULT-1: t", "", 3};
  CHECK(faultline::app::ReviewRecord::from_json(record.to_json()) == record);
  CHECK_FALSE(record.to_json().contains("creating"));
  record.creating = "ef01";
  CHECK(record.to_json()["creating"] == "ef01");
  CHECK(faultline::app::ReviewRecord::from_json(nlohmann::json::array()) == faultline::app::ReviewRecord{});
}

TEST_CASE("the publisher's steps on their own: an unchanged action and a fault in Reviewing write nothing",
          "[app][review][publish]") {
  FakeTransport fake;
  stub_reads(fake);
  TestServices services(fake, k_config, {{"T", "token-123456789"}});
  auto session = faultline::app::open_fault_session(services);
  REQUIRE(session);
  faultline::app::PublishOptions options;
  options.key = "FAULT-1";
  options.file = "review.md";
  faultline::app::ReviewPublisher publisher(services, *session, options);
  auto valid = publisher.validate(k_review);
  INFO((valid ? std::string() : valid.error().message));
  REQUIRE(valid);
  const auto reads = fake.calls().size();

  auto synced = publisher.sync_actions();
  REQUIRE(synced);
  CHECK(*synced == faultline::app::OpStatus::Skipped);
  auto moved = publisher.move_to_reviewing();
  REQUIRE(moved);
  CHECK(*moved == faultline::app::OpStatus::Skipped);
  CHECK(fake.calls().size() == reads);  // neither step sent anything
  fake.verify();
}

TEST_CASE("the publisher's validation names every problem with its line and reads only", "[app][review][publish]") {
  FakeTransport fake;
  stub_reads(fake);
  TestServices services(fake, k_config, {{"T", "token-123456789"}});
  auto session = faultline::app::open_fault_session(services);
  REQUIRE(session);
  faultline::app::PublishOptions options;
  options.key = "FAULT-1";
  options.file = "review.md";
  faultline::app::ReviewPublisher publisher(services, *session, options);
  std::string text = k_review;
  text.replace(text.find("level"), 5, "levl");
  text.replace(text.find("kind = \"prevent\""), 16, "kind = \"prevnt\"");
  auto valid = publisher.validate(text);
  REQUIRE_FALSE(valid);
  CHECK(valid.error().kind == faultline::ErrorKind::Usage);
  REQUIRE(valid.error().details.size() == 2);
  CHECK(valid.error().details[0].starts_with("review.md:2:"));
  CHECK(valid.error().details[1].find("prevnt") != std::string::npos);
  for (const auto& call : fake.calls()) CHECK(call.method == Method::Get);
}
