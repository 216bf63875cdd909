// app::open_fault with a dedupe key racing another run on Cloud, over the fake transport (no
// command line: the use-case through TestServices). After creating,
// the search runs again (reconciling the new id) until it settles; of two open faults with the
// key the oldest wins, the newer is closed (workflow closed status, else a Done transition)
// with a comment naming the winner and linked to it (Duplicate, else Relates); a run whose
// issue lost reports the winner with "created": false and announces nothing.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faultline/app/open_fault.hpp"
#include "support/fake_transport.hpp"
#include "support/test_services.hpp"

using faultline::app::OpenOutcome;
using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::fixture;
using faultline::testing::TestServices;
using Keys = std::vector<std::string>;

namespace {

constexpr const char* k_search = "/rest/api/3/search/jql";

// A Cloud config without coordinator or routes: the race is all these tests look at.
constexpr const char* k_cloud_config =
    "[jira]\nurl = \"https://example.atlassian.net\"\nflavor = \"cloud\"\nuser = \"oncall@example.com\"\n"
    "token_env = \"T\"\nproject = \"FAULT\"\n\n[team]\ntimezone = \"Asia/Shanghai\"\n";

// One open fault as search/jql returns it.
nlohmann::json fault_issue(const std::string& id, const std::string& key, const std::string& created) {
  return {{"id", id},
          {"key", key},
          {"fields",
           {{"summary", "Disk full on db1"},
            {"status", {{"name", "Reported"}, {"statusCategory", {{"key", "new"}}}}},
            {"created", created},
            {"labels", {"fault", "fault-level-p3"}}}},
          {"properties", {{"faultline", {{"schema", 1}, {"level", "P3"}, {"dedupe_key", "db1-disk"}}}}}};
}

std::string search_answer(std::vector<nlohmann::json> issues) {
  return nlohmann::json{{"issues", std::move(issues)}, {"isLast", true}}.dump();
}

const nlohmann::json k_older = fault_issue("10039", "FAULT-40", "2026-11-18T10:00:00.000+0800");
const nlohmann::json k_ours = fault_issue("10040", "FAULT-41", "2026-11-18T10:00:02.000+0800");

bool reconciles_ours(const nlohmann::json& body) {
  return body.contains("reconcileIssues") && body["reconcileIssues"] == nlohmann::json::array({10040});
}

// The first search (nothing open yet) and the create of FAULT-41 (id 10040).
void expect_miss_and_create(FakeTransport& fake) {
  fake.on(Method::Post, k_search)
      .json_body([](const nlohmann::json& body) { return !body.contains("reconcileIssues"); })
      .reply(200, search_answer({}));
  fake.on(Method::Post, "/rest/api/3/issue").reply(201, fixture("jira/cloud/create_issue.json"));
}

std::string transitions_answer(const std::string& id, const std::string& name, const std::string& to,
                               const std::string& category) {
  nlohmann::json transitions{
      {"transitions",
       {{{"id", "11"}, {"name", "Start Handling"}, {"to", {{"id", "10101"}, {"name", "Handling"}, {"statusCategory", {{"key", "indeterminate"}}}}}},
        {{"id", id}, {"name", name}, {"to", {{"id", "10104"}, {"name", to}, {"statusCategory", {{"key", category}}}}}}}}};
  return transitions.dump();
}

std::string link_types_answer(bool with_duplicate) {
  nlohmann::json types = nlohmann::json::array();
  types.push_back({{"id", "10000"}, {"name", "Blocks"}, {"inward", "is blocked by"}, {"outward", "blocks"}});
  if (with_duplicate)
    types.push_back({{"id", "10002"}, {"name", "Duplicate"}, {"inward", "is duplicated by"}, {"outward", "duplicates"}});
  types.push_back({{"id", "10003"}, {"name", "Relates"}, {"inward", "relates to"}, {"outward", "relates to"}});
  return nlohmann::json{{"issueLinkTypes", types}}.dump();
}

// Opens "Disk full on db1" (P3, dedupe key db1-disk, no announcement) through the use-case.
OpenOutcome open_db1(FakeTransport& fake) {
  TestServices services(fake, k_cloud_config, {{"T", "secret-token-1234567"}});
  auto session = faultline::app::open_fault_session(services);
  REQUIRE(session);
  faultline::core::Fault draft;
  draft.summary = "Disk full on db1";
  draft.level = "P3";
  draft.dedupe_key = "db1-disk";
  auto outcome = faultline::app::open_fault(services, *session, draft, faultline::app::Announce::No);
  INFO((outcome ? std::string() : outcome.error().message));
  REQUIRE(outcome);
  return std::move(*outcome);
}

}  // namespace

TEST_CASE("open whose re-check sees an older fault with the key closes its own issue as the duplicate",
          "[app][open][dedupe][race]") {
  FakeTransport fake;
  expect_miss_and_create(fake);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_older, k_ours}));
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41/transitions").reply(200, transitions_answer("41", "Close", "Closed", "done"));
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-41/transitions")
      .json_body([](const nlohmann::json& body) {
        return body["transition"]["id"] == "41" && body.dump().find("Duplicate of FAULT-40") != std::string::npos &&
               body.dump().find("db1-disk") != std::string::npos;
      })
      .reply(204);
  fake.on(Method::Get, "/rest/api/3/issueLinkType").reply(200, link_types_answer(true));
  fake.on(Method::Post, "/rest/api/3/issueLink")
      .json_body([](const nlohmann::json& body) {
        return body["type"]["name"] == "Duplicate" && body["inwardIssue"]["key"] == "FAULT-40" &&
               body["outwardIssue"]["key"] == "FAULT-41";
      })
      .reply(201);

  const auto outcome = open_db1(fake);
  CHECK(outcome.fault.key == "FAULT-40");
  CHECK_FALSE(outcome.created);
  CHECK(outcome.duplicate_of == "FAULT-40");
  CHECK(outcome.closed_duplicate == "FAULT-41");
  CHECK(outcome.duplicates_closed == Keys{"FAULT-41"});
  CHECK(outcome.notifications.empty());
  fake.verify();
  // Settled at the first re-check: no watcher, no re-read, no second search.
  CHECK(fake.calls().size() == 7);
}

TEST_CASE("open whose issue is the older one closes the newer racing fault and stands", "[app][open][dedupe][race]") {
  const auto newer = fault_issue("10041", "FAULT-42", "2026-11-18T10:00:03.000+0800");
  FakeTransport fake;
  expect_miss_and_create(fake);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_ours, newer}));
  fake.on(Method::Get, "/rest/api/3/issueLinkType").reply(200, link_types_answer(true));
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-42/transitions").reply(200, transitions_answer("41", "Close", "Closed", "done"));
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-42/transitions")
      .json_body([](const nlohmann::json& body) { return body.dump().find("Duplicate of FAULT-41") != std::string::npos; })
      .reply(204);
  fake.on(Method::Post, "/rest/api/3/issueLink")
      .json_body([](const nlohmann::json& body) {
        return body["inwardIssue"]["key"] == "FAULT-41" && body["outwardIssue"]["key"] == "FAULT-42";
      })
      .reply(201);
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").reply(200, fixture("cli/fault_get_new_cloud.json"));

  const auto outcome = open_db1(fake);
  CHECK(outcome.fault.key == "FAULT-41");
  CHECK(outcome.created);
  CHECK(outcome.duplicate_of.empty());
  CHECK(outcome.closed_duplicate.empty());
  CHECK(outcome.duplicates_closed == Keys{"FAULT-42"});
  fake.verify();
}

TEST_CASE("open keeps looking while the index lags and falls back to a Done transition and a Relates link",
          "[app][open][dedupe][race]") {
  FakeTransport fake;
  expect_miss_and_create(fake);
  // The first two re-checks show only our own (reconciled) issue; the third the older one too.
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_ours})).times(2);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_older, k_ours}));
  fake.on(Method::Get, "/rest/api/3/issueLinkType").reply(200, link_types_answer(false));
  // No transition to "Closed" in this workflow: the one into a Done-category status is used.
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41/transitions").reply(200, transitions_answer("71", "Resolve", "Done", "done"));
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-41/transitions")
      .json_body([](const nlohmann::json& body) { return body["transition"]["id"] == "71"; })
      .reply(204);
  fake.on(Method::Post, "/rest/api/3/issueLink")
      .json_body([](const nlohmann::json& body) { return body["type"]["name"] == "Relates"; })
      .reply(201);

  const auto outcome = open_db1(fake);
  CHECK(outcome.fault.key == "FAULT-40");
  CHECK_FALSE(outcome.created);
  CHECK(outcome.closed_duplicate == "FAULT-41");
  fake.verify();
}

TEST_CASE("open whose issue a racing run already closed reports the winner and closes nothing itself",
          "[app][open][dedupe][race]") {
  FakeTransport fake;
  expect_miss_and_create(fake);
  // Our issue is gone from the open faults: the other run closed it.
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_older}));
  auto closed = k_ours;
  closed["fields"]["status"] = {{"name", "Closed"}, {"statusCategory", {{"key", "done"}}}};
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").query("fields", "status,issuelinks").reply(200, closed.dump());

  const auto outcome = open_db1(fake);
  CHECK(outcome.fault.key == "FAULT-40");
  CHECK_FALSE(outcome.created);
  CHECK(outcome.duplicate_of == "FAULT-40");
  CHECK(outcome.closed_duplicate == "FAULT-41");
  CHECK(outcome.duplicates_closed.empty());
  fake.verify();
}

TEST_CASE("open whose issue was closed while the index still hides the winner finds the winner through the link",
          "[app][open][dedupe][race]") {
  FakeTransport fake;
  expect_miss_and_create(fake);
  // Ours no longer matches (closed) and the older fault is not indexed yet: nothing comes back.
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({})).times(2);
  auto closed = k_ours;
  closed["fields"]["status"] = {{"name", "Closed"}, {"statusCategory", {{"key", "done"}}}};
  // First look: the racing run closed ours but has not linked it yet; second look: linked.
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").query("fields", "status,issuelinks").reply(200, closed.dump());
  auto linked = closed;
  linked["fields"]["issuelinks"] = {{{"id", "20001"},
                                     {"type", {{"name", "Duplicate"}, {"inward", "is duplicated by"}, {"outward", "duplicates"}}},
                                     {"outwardIssue", {{"id", "10039"}, {"key", "FAULT-40"}}}}};
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").query("fields", "status,issuelinks").reply(200, linked.dump());
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-40").reply(200, k_older.dump());

  const auto outcome = open_db1(fake);
  CHECK(outcome.fault.key == "FAULT-40");
  CHECK_FALSE(outcome.created);
  CHECK(outcome.duplicate_of == "FAULT-40");
  CHECK(outcome.closed_duplicate == "FAULT-41");
  CHECK(outcome.duplicates_closed.empty());
  fake.verify();
}

TEST_CASE("a racing duplicate closed meanwhile by the other run counts as closed", "[app][open][dedupe][race]") {
  FakeTransport fake;
  expect_miss_and_create(fake);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_older, k_ours}));
  fake.on(Method::Get, "/rest/api/3/issueLinkType").reply(200, link_types_answer(true));
  // Only "Reopen" is left: the issue is Closed already.
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41/transitions").reply(200, transitions_answer("51", "Reopen", "Handling", "indeterminate"));
  auto closed = k_ours;
  closed["fields"]["status"] = {{"name", "Closed"}, {"statusCategory", {{"key", "done"}}}};
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").query("fields", "status").reply(200, closed.dump());
  fake.on(Method::Post, "/rest/api/3/issueLink").reply(201);

  const auto outcome = open_db1(fake);
  CHECK(outcome.fault.key == "FAULT-40");
  CHECK(outcome.closed_duplicate == "FAULT-41");
  fake.verify();
}

TEST_CASE("open without a racing fault searches again over the settle window, then stands", "[app][open][dedupe][race]") {
  FakeTransport fake;
  expect_miss_and_create(fake);
  fake.on(Method::Post, k_search).json_body(reconciles_ours).reply(200, search_answer({k_ours})).times(5);
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-41").reply(200, fixture("cli/fault_get_new_cloud.json"));

  const auto outcome = open_db1(fake);
  CHECK(outcome.fault.key == "FAULT-41");
  CHECK(outcome.created);
  CHECK(outcome.duplicates_closed.empty());
  fake.verify();
}
