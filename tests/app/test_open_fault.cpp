// app::open_fault with a dedupe key racing another run on Cloud, over the fake transport (no
// command line: the use-case through TestServices). After creating,
// the search runs again (reconciling the new id) until it settles; of two open faults with the
// key the oldest wins, the newer is closed (workflow closed status, else a Done transition)
// with a comment naming the winner and linked to it (Duplicate, else Relates); a run whose
// issue lost reports the winner with "created": false and announces nothing.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "faultline/app/field_cache.hpp"
#include "faultline/app/open_fault.hpp"
#include "faultline/http/counting.hpp"
#include "faultline/util/waves.hpp"
#include "faultline/core/labels.hpp"
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
            {"labels", {"fault", "fault-level-p3", faultline::core::dedupe_label("db1-disk")}}}},
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

// ---------------------------------------------------------------------------------------------
// The depth of open's request graph (sequential round trips), measured with util::DepthProbe
// over RoundTripCountingTransport(fake, 4), behind the field cache as the app stacks it. The
// targets (issue #13): open <= 3, open with a dedupe key <= 4, with a warm field cache (the
// normal case: the map is cached per site for an hour). A cold cache costs one wave more, the
// GET /field that resolves [jira.fields] before anything else can be read: once an hour per
// site, so it is allowed; it is asserted too so that it cannot grow.

namespace {

struct Flavor {
  const char* name;
  const char* api;      // "/rest/api/3" | "/rest/api/2"
  const char* config;   // [jira] ... with [jira.fields] level and a coordinator
  const char* create;   // the create fixture
};

constexpr const char* k_cloud_depth_config =
    "[jira]\nurl = \"https://example.atlassian.net\"\nflavor = \"cloud\"\nuser = \"oncall@example.com\"\n"
    "token_env = \"T\"\nproject = \"FAULT\"\n\n[jira.fields]\nlevel = \"Fault Level\"\n\n"
    "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
    "[people.dave]\njira = \"5b10a2844c20165700ede21d\"\n";
constexpr const char* k_dc_depth_config =
    "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\n"
    "token_env = \"T\"\nproject = \"FAULT\"\n\n[jira.fields]\nlevel = \"Fault Level\"\n\n"
    "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n[people.dave]\njira = \"dave\"\n";

const Flavor k_cloud_flavor{"cloud", "/rest/api/3", k_cloud_depth_config, "jira/cloud/create_issue.json"};
const Flavor k_dc_flavor{"datacenter", "/rest/api/2", k_dc_depth_config, "jira/datacenter/create_issue.json"};

bool cloud(const Flavor& flavor) { return std::string(flavor.name) == "cloud"; }

// A fresh directory for one test's field cache.
std::filesystem::path cache_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("faultline-open-depth-" + name + "-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::remove_all(dir);
  return dir;
}

// The coordinator lookup: Cloud reads the account id, Data Center searches the user name.
void expect_coordinator(FakeTransport& fake, const Flavor& flavor) {
  if (cloud(flavor)) {
    fake.on(Method::Get, "/rest/api/3/user").query("accountId", "5b10a2844c20165700ede21d")
        .reply(200, R"({"accountId":"5b10a2844c20165700ede21d","displayName":"Dave Li"})");
  } else {
    fake.on(Method::Get, "/rest/api/2/user/search").query("username", "dave")
        .reply(200, R"([{"name":"dave","key":"JIRAUSER10100","displayName":"Dave Li","active":true}])");
  }
}

// The open faults with the dedupe key db1-disk: Cloud's search/jql (properties inline) or
// Data Center's search (no properties). `fields` distinguishes Data Center's status-only
// settle search.
void expect_search(FakeTransport& fake, const Flavor& flavor, std::vector<nlohmann::json> issues,
                   const std::string& fields = {}) {
  if (cloud(flavor)) {
    fake.on(Method::Post, k_search).reply(200, search_answer(std::move(issues)));
    return;
  }
  for (auto& issue : issues) issue.erase("properties");
  auto& stub = fake.on(Method::Get, "/rest/api/2/search");
  if (!fields.empty()) stub.query("fields", fields);
  stub.reply(200, nlohmann::json{{"issues", issues}, {"startAt", 0}, {"maxResults", 50},
                                 {"total", issues.size()}}.dump());
}

struct Measured {
  OpenOutcome outcome;
  std::size_t depth = 0;
  std::size_t cache_hits = 0;
};

// Opens "Disk full on db1" (P3; `dedupe_key` optional; coordinator dave) over
// cache -> RoundTripCountingTransport(fake, 4) -> fake, measuring the session and the open.
Measured open_measured(FakeTransport& fake, const Flavor& flavor, const std::filesystem::path& dir, bool warm,
                       const std::string& dedupe_key) {
  faultline::core::FixedClock clock{faultline::core::TimePoint{std::chrono::milliseconds{1795000000000}}};
  faultline::app::FieldCache cache(dir, faultline::app::k_field_cache_ttl, clock);
  const std::string root = std::string("https://") + (cloud(flavor) ? "example.atlassian.net" : "jira.example.com") + flavor.api;
  if (warm) {
    cache.store(root, nlohmann::json::parse(fixture("jira/cloud/fields.json")));
  } else {
    fake.on(Method::Get, std::string(flavor.api) + "/field").reply(200, fixture("jira/cloud/fields.json"));
  }
  faultline::http::RoundTripCountingTransport counting(fake, 4);
  faultline::app::FieldCachingTransport caching(counting, cache);
  TestServices services(caching, flavor.config, {{"T", "secret-token-1234567"}});
  faultline::core::Fault draft;
  draft.summary = "Disk full on db1";
  draft.level = "P3";
  draft.dedupe_key = dedupe_key;
  draft.coordinator = "dave";
  faultline::app::SettlePolicy settle;  // no pauses: Cloud's settle window is one search here
  Measured measured;
  {
    faultline::util::DepthProbe probe;
    auto session = faultline::app::open_fault_session_for_open(services);
    REQUIRE(session);
    auto outcome = faultline::app::open_fault(services, *session, draft, faultline::app::Announce::No, settle);
    INFO((outcome ? std::string() : outcome.error().message));
    REQUIRE(outcome);
    measured.outcome = std::move(*outcome);
    measured.depth = probe.depth();
  }
  measured.cache_hits = caching.hits();
  return measured;
}

std::string fresh_issue(const Flavor& flavor) {
  auto issue = nlohmann::json::parse(fixture("cli/fault_get_new_cloud.json"));
  if (!cloud(flavor)) issue["id"] = "20040";
  return issue.dump();
}

}  // namespace

TEST_CASE("open takes 3 sequential round trips with a warm field cache, 4 with a cold one", "[app][open][depth]") {
  const Flavor flavor = GENERATE(k_cloud_flavor, k_dc_flavor);
  const bool warm = GENERATE(true, false);
  INFO(flavor.name << (warm ? " warm" : " cold"));
  const auto dir = cache_dir(std::string("open-") + flavor.name);
  FakeTransport fake;
  const std::string api = flavor.api;
  expect_coordinator(fake, flavor);                                                       // wave 1
  fake.on(Method::Post, api + "/issue").reply(201, fixture(flavor.create));              // wave 2
  fake.on(Method::Get, api + "/issue/FAULT-41").reply(200, fresh_issue(flavor));         // wave 3
  fake.on(Method::Post, api + "/issue/FAULT-41/watchers").reply(204);                     // wave 3

  const auto measured = open_measured(fake, flavor, dir, warm, "");
  CHECK(measured.outcome.created);
  CHECK(measured.outcome.fault.key == "FAULT-41");
  CHECK(measured.outcome.operations.to_json().dump().find(R"("op":"watch")") != std::string::npos);
  fake.verify();
  CHECK(fake.calls().size() == (warm ? 4u : 5u));
  CHECK(measured.depth == (warm ? 3u : 4u));
  CHECK(measured.cache_hits == (warm ? 1u : 0u));
  std::filesystem::remove_all(dir);
}

TEST_CASE("open with a dedupe key that creates takes 4 sequential round trips with a warm field cache",
          "[app][open][depth][dedupe]") {
  const Flavor flavor = GENERATE(k_cloud_flavor, k_dc_flavor);
  const bool warm = GENERATE(true, false);
  INFO(flavor.name << (warm ? " warm" : " cold"));
  const auto dir = cache_dir(std::string("dedupe-new-") + flavor.name);
  FakeTransport fake;
  const std::string api = flavor.api;
  expect_coordinator(fake, flavor);                                          // wave 1
  expect_search(fake, flavor, {});                                           // wave 1
  fake.on(Method::Post, api + "/issue").reply(201, fixture(flavor.create)); // wave 2
  auto ours = k_ours;
  if (!cloud(flavor)) ours["id"] = "20040";
  expect_search(fake, flavor, {ours}, "status");                            // wave 3: only ours, no property read
  fake.on(Method::Get, api + "/issue/FAULT-41").reply(200, fresh_issue(flavor));       // wave 4
  fake.on(Method::Post, api + "/issue/FAULT-41/watchers").reply(204);                   // wave 4

  const auto measured = open_measured(fake, flavor, dir, warm, "db1-disk");
  CHECK(measured.outcome.created);
  fake.verify();
  CHECK(fake.calls().size() == (warm ? 6u : 7u));
  CHECK(measured.depth == (warm ? 4u : 5u));
  std::filesystem::remove_all(dir);
}

TEST_CASE("open with a dedupe key that finds its fault reports it again within 4 sequential round trips",
          "[app][open][depth][dedupe]") {
  const Flavor flavor = GENERATE(k_cloud_flavor, k_dc_flavor);
  const bool warm = GENERATE(true, false);
  INFO(flavor.name << (warm ? " warm" : " cold"));
  const auto dir = cache_dir(std::string("dedupe-again-") + flavor.name);
  FakeTransport fake;
  const std::string api = flavor.api;
  expect_coordinator(fake, flavor);           // wave 1
  expect_search(fake, flavor, {k_older});     // wave 1 (Data Center: then the property)
  if (!cloud(flavor)) {
    fake.on(Method::Get, "/rest/api/2/issue/FAULT-40/properties/faultline")
        .reply(200, nlohmann::json{{"key", "faultline"}, {"value", k_older["properties"]["faultline"]}}.dump());
  }
  fake.on(Method::Get, api + "/issue/FAULT-40/comment").reply(200, R"({"comments":[],"startAt":0,"maxResults":50,"total":0})");  // wave 2
  fake.on(Method::Get, api + "/issue/FAULT-40/watchers").reply(200, R"({"watchers":[]})");                                      // wave 2
  fake.on(Method::Post, api + "/issue/FAULT-40/comment")
      .reply(201, fixture(cloud(flavor) ? "jira/cloud/comment.json" : "jira/datacenter/comment.json"));                         // wave 3
  fake.on(Method::Post, api + "/issue/FAULT-40/watchers").reply(204);                                                            // wave 3

  const auto measured = open_measured(fake, flavor, dir, warm, "db1-disk");
  CHECK_FALSE(measured.outcome.created);
  CHECK(measured.outcome.fault.key == "FAULT-40");
  const auto ops = measured.outcome.operations.to_json();
  REQUIRE(ops.size() == 2);
  CHECK(ops[0]["op"] == "comment");
  CHECK(ops[1]["op"] == "watch");
  fake.verify();
  const std::size_t depth = cloud(flavor) ? 3 : 4;
  CHECK(measured.depth == (warm ? depth : depth + 1));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a create refused for an unknown custom field refetches the field map and is sent once more",
          "[app][open][field-cache]") {
  const auto dir = cache_dir("mismatch");
  FakeTransport fake;
  expect_coordinator(fake, k_dc_flavor);
  // The cached map says Fault Level is customfield_10099; Jira no longer knows that id.
  fake.on(Method::Post, "/rest/api/2/issue")
      .json_body([](const nlohmann::json& body) { return body["fields"].contains("customfield_10099"); })
      .reply(400, R"({"errorMessages":[],"errors":{"customfield_10099":)"
                  R"("Field 'customfield_10099' cannot be set. It is not on the appropriate screen, or unknown."}})");
  fake.on(Method::Get, "/rest/api/2/field").reply(200, fixture("jira/cloud/fields.json"));
  fake.on(Method::Post, "/rest/api/2/issue")
      .json_body([](const nlohmann::json& body) { return body["fields"].contains("customfield_10010"); })
      .reply(201, fixture("jira/datacenter/create_issue.json"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-41").reply(200, fresh_issue(k_dc_flavor));
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-41/watchers").reply(204);

  faultline::core::FixedClock clock{faultline::core::TimePoint{std::chrono::milliseconds{1795000000000}}};
  faultline::app::FieldCache cache(dir, faultline::app::k_field_cache_ttl, clock);
  const std::string root = "https://jira.example.com/rest/api/2";
  auto stale = nlohmann::json::parse(fixture("jira/cloud/fields.json"));
  for (auto& field : stale)
    if (field["id"] == "customfield_10010") field["id"] = "customfield_10099";
  cache.store(root, stale);
  faultline::app::FieldCachingTransport caching(fake, cache);
  TestServices services(caching, k_dc_depth_config, {{"T", "secret-token-1234567"}});
  auto session = faultline::app::open_fault_session_for_open(services);
  REQUIRE(session);
  faultline::core::Fault draft;
  draft.summary = "Disk full on db1";
  draft.level = "P3";
  draft.coordinator = "dave";
  auto outcome = faultline::app::open_fault(services, *session, draft, faultline::app::Announce::No);
  INFO((outcome ? std::string() : outcome.error().message));
  REQUIRE(outcome);
  CHECK(outcome->created);
  fake.verify();
  // The cache now holds the site's own map.
  const auto refreshed = cache.load(root);
  REQUIRE(refreshed);
  CHECK(refreshed->dump().find("customfield_10099") == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a configured field missing from the cached map is looked up in the site's own list",
          "[app][open][field-cache]") {
  const auto dir = cache_dir("missing");
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/field").reply(200, fixture("jira/cloud/fields.json"));
  faultline::core::FixedClock clock{faultline::core::TimePoint{std::chrono::milliseconds{1795000000000}}};
  faultline::app::FieldCache cache(dir, faultline::app::k_field_cache_ttl, clock);
  cache.store("https://jira.example.com/rest/api/2", nlohmann::json::array());  // cached before Fault Level existed
  faultline::app::FieldCachingTransport caching(fake, cache);
  TestServices services(caching, k_dc_depth_config, {{"T", "secret-token-1234567"}});
  auto session = faultline::app::open_fault_session_for_open(services);
  INFO((session ? std::string() : session.error().message));
  REQUIRE(session);
  CHECK(session->repository->schema().bindings.size() == 1);
  fake.verify();
  std::filesystem::remove_all(dir);
}
