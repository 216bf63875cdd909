// Jira search over HTTP: Cloud search/jql token paging and index lag, Data Center offset
// paging, removal of the old Cloud search.
#include <catch2/catch.hpp>

#include <set>

#include "test_server_support.hpp"

using sandbox::Flavor;
using sandbox::testing::TestSandbox;
using sandbox::testing::fault_input;

namespace {

constexpr int k_bulk_issues = 10000;

void seed_bulk(const TestSandbox& sb) {
  nlohmann::json issues = nlohmann::json::array();
  for (int i = 0; i < k_bulk_issues; ++i) {
    auto input = fault_input("bulk " + std::to_string(i));
    input["fields"]["labels"] = {"bulk"};
    issues.push_back(input);
  }
  auto [status, _] = sb.call("POST", "/_sandbox/seed", {{"mode", "extend"}, {"jira", {{"issues", issues}}}});
  REQUIRE(status == 200);
}

// The keys a Data Center search finds (up to 100), in its order.
std::vector<std::string> search_keys(const TestSandbox& sb, const std::string& jql) {
  auto [status, page] =
      sb.call("POST", "/rest/api/2/search", {{"jql", jql}, {"maxResults", 100}, {"fields", {"summary"}}});
  REQUIRE(status == 200);
  std::vector<std::string> out;
  for (const auto& issue : page["issues"]) out.push_back(issue["key"]);
  return out;
}

}  // namespace

TEST_CASE("Data Center search pages by startAt over 10,000 issues with maxResults capped at 1000", "[jira][search]") {
  TestSandbox sb(Flavor::DataCenter);
  seed_bulk(sb);
  std::set<std::string> keys;
  long long start = 0;
  int pages = 0;
  while (true) {
    nlohmann::json body = {{"jql", "labels = bulk ORDER BY key ASC"}, {"startAt", start}, {"maxResults", 5000},
                           {"fields", {"summary"}}};
    auto [status, page] = sb.call("POST", "/rest/api/2/search", body);
    REQUIRE(status == 200);
    CHECK(page["total"] == k_bulk_issues);
    CHECK(page["maxResults"] == 1000);
    for (const auto& issue : page["issues"]) keys.insert(issue["key"].get<std::string>());
    ++pages;
    start += static_cast<long long>(page["issues"].size());
    if (page["issues"].empty() || start >= page["total"].get<long long>()) break;
  }
  CHECK(pages == 10);
  CHECK(keys.size() == k_bulk_issues);
}

TEST_CASE("Cloud search/jql pages by nextPageToken over 10,000 issues and omits it on the last page", "[jira][search][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  seed_bulk(sb);
  std::set<std::string> ids;
  std::optional<std::string> token;
  int pages = 0;
  while (true) {
    nlohmann::json body = {{"jql", "project = FAULT AND labels = bulk"}, {"maxResults", 5000}, {"fields", {"summary"}}};
    if (token) body["nextPageToken"] = *token;
    auto [status, page] = sb.call("POST", "/rest/api/3/search/jql", body);
    REQUIRE(status == 200);
    CHECK_FALSE(page.contains("total"));
    ++pages;
    for (const auto& issue : page["issues"]) ids.insert(issue["id"].get<std::string>());
    if (page["isLast"] == true) {
      CHECK_FALSE(page.contains("nextPageToken"));
      break;
    }
    REQUIRE(page.contains("nextPageToken"));
    token = page["nextPageToken"].get<std::string>();
    REQUIRE(pages < 100);
  }
  CHECK(pages == 10);  // 1000 per page when fields are asked for
  CHECK(ids.size() == k_bulk_issues);
}

TEST_CASE("Cloud search/jql answers ids only unless fields are named", "[jira][search][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  auto [cs, created] = sb.call("POST", "/rest/api/3/issue", fault_input("only ids"));
  REQUIRE(cs == 201);
  auto [status, page] = sb.call("GET", "/rest/api/3/search/jql?jql=project%20%3D%20FAULT");
  REQUIRE(status == 200);
  REQUIRE(page["issues"].size() == 1);
  CHECK(page["issues"][0] == nlohmann::json{{"id", created["id"]}});
  auto [s2, with] = sb.call("GET", "/rest/api/3/search/jql?jql=project%20%3D%20FAULT&fields=summary,status");
  CHECK(with["issues"][0]["fields"]["summary"] == "only ids");
  CHECK(with["issues"][0]["key"] == created["key"]);
}

TEST_CASE("Cloud rejects unbounded JQL and answers 410 on the removed search", "[jira][search][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  auto [s1, unbounded] = sb.call("POST", "/rest/api/3/search/jql", {{"jql", "order by key desc"}});
  CHECK(s1 == 400);
  CHECK_FALSE(unbounded["errorMessages"].empty());
  for (const char* path : {"/rest/api/3/search?jql=project%3DFAULT", "/rest/api/2/search?jql=project%3DFAULT"}) {
    auto [status, body] = sb.call("GET", path);
    CHECK(status == 410);
    CHECK(body["errorMessages"][0].get<std::string>().find("/rest/api/3/search/jql") != std::string::npos);
  }
}

TEST_CASE("Index lag hides fresh writes from search/jql unless they are reconciled", "[jira][search][cloud]") {
  sandbox::ServerOptions options;
  options.index_lag = std::chrono::hours(1);  // long enough that no test run outlives it
  TestSandbox sb(Flavor::Cloud, options);
  auto [cs, created] = sb.call("POST", "/rest/api/3/issue", fault_input("fresh"));
  REQUIRE(cs == 201);
  const std::string id = created["id"];
  auto [s1, hidden] = sb.call("POST", "/rest/api/3/search/jql", {{"jql", "summary ~ fresh"}});
  REQUIRE(s1 == 200);
  CHECK(hidden["issues"].empty());
  auto [s2, seen] = sb.call("POST", "/rest/api/3/search/jql",
                            {{"jql", "summary ~ fresh"}, {"reconcileIssues", {std::stoll(id)}}});
  REQUIRE(s2 == 200);
  REQUIRE(seen["issues"].size() == 1);
  CHECK(seen["issues"][0]["id"] == id);
  // Moving the sandbox clock past the lag makes the write visible to everyone.
  auto [s3, _] = sb.call("PUT", "/_sandbox/clock", {{"offset_ms", 2 * 3600 * 1000}});
  REQUIRE(s3 == 200);
  auto [s4, later] = sb.call("POST", "/rest/api/3/search/jql", {{"jql", "summary ~ fresh"}});
  CHECK(later["issues"].size() == 1);
}

TEST_CASE("Index lag shows an edited issue as the index last saw it, not hidden", "[jira][search][cloud]") {
  sandbox::ServerOptions options;
  options.index_lag = std::chrono::hours(1);
  TestSandbox sb(Flavor::Cloud, options);
  auto [cs, created] = sb.call("POST", "/rest/api/3/issue", fault_input("original"));
  REQUIRE(cs == 201);
  const std::string key = created["key"];
  const auto found = [&](const std::string& jql) {
    auto [status, body] = sb.call("POST", "/rest/api/3/search/jql", {{"jql", jql}});
    REQUIRE(status == 200);
    return body["issues"].size();
  };
  REQUIRE(sb.call("PUT", "/_sandbox/clock", {{"offset_ms", 2 * 3600 * 1000}}).first == 200);
  CHECK(found("summary ~ original") == 1);
  // The same query again, before and after a lagging write becomes visible: never a stale cache.
  REQUIRE(sb.call("PUT", "/rest/api/3/issue/" + key, {{"fields", {{"summary", "renamed"}}}}).first == 204);
  CHECK(found("summary ~ original") == 1);
  CHECK(found("summary ~ renamed") == 0);
  REQUIRE(sb.call("PUT", "/_sandbox/clock", {{"offset_ms", 4 * 3600 * 1000}}).first == 200);
  CHECK(found("summary ~ original") == 0);
  CHECK(found("summary ~ renamed") == 1);
}

TEST_CASE("The index catches up on request: every write visible at once, the clock untouched", "[jira][search][cloud]") {
  sandbox::ServerOptions options;
  options.index_lag = std::chrono::hours(1);
  TestSandbox sb(Flavor::Cloud, options);
  auto [cs, created] = sb.call("POST", "/rest/api/3/issue", fault_input("caught"));
  REQUIRE(cs == 201);
  const std::string key = created["key"];
  const auto found = [&](const std::string& jql) {
    auto [status, body] = sb.call("POST", "/rest/api/3/search/jql", {{"jql", jql}});
    REQUIRE(status == 200);
    return body["issues"].size();
  };
  CHECK(found("summary ~ caught") == 0);
  REQUIRE(sb.call("POST", "/_sandbox/index/catch-up", nlohmann::json::object()).first == 200);
  CHECK(found("summary ~ caught") == 1);
  REQUIRE(sb.call("PUT", "/rest/api/3/issue/" + key, {{"fields", {{"summary", "recaught"}}}}).first == 204);
  CHECK(found("summary ~ recaught") == 0);
  REQUIRE(sb.call("POST", "/_sandbox/index/catch-up", nlohmann::json::object()).first == 200);
  CHECK(found("summary ~ recaught") == 1);
  CHECK(sb.call("GET", "/_sandbox/clock").second["offset_ms"] == 0);
}

TEST_CASE("Data Center search answers a JQL error with 400", "[jira][search]") {
  TestSandbox sb(Flavor::DataCenter);
  auto [status, body] = sb.call("GET", "/rest/api/2/search?jql=project%20%3D%3D%20FAULT");
  CHECK(status == 400);
  CHECK_FALSE(body["errorMessages"].empty());
}

TEST_CASE("A search that requires a parent looks at its sub-tasks and finds what a full scan finds",
          "[jira][search][parent]") {
  TestSandbox sb(Flavor::DataCenter);
  auto create = [&](const nlohmann::json& input) {
    auto [status, body] = sb.call("POST", "/rest/api/2/issue", input);
    REQUIRE(status == 201);
    return body;
  };
  auto subtask = [&](const std::string& parent, const std::string& label) {
    nlohmann::json input = {{"fields",
                             {{"project", {{"key", "FAULT"}}},
                              {"issuetype", {{"name", "Sub-task"}}},
                              {"summary", "action of " + parent},
                              {"labels", {label}},
                              {"parent", {{"key", parent}}}}}};
    return create(input)["key"].get<std::string>();
  };
  const auto one = create(fault_input("one"));
  const auto two = create(fault_input("two"));
  const std::string one_key = one["key"], two_key = two["key"], one_id = one["id"];
  const auto a = subtask(one_key, "x"), b = subtask(one_key, "y"), c = subtask(two_key, "x");
  auto keys = [&](const std::string& jql) { return search_keys(sb, jql); };
  using Keys = std::vector<std::string>;
  CHECK(keys("parent = " + one_key + " ORDER BY key ASC") == Keys{a, b});
  CHECK(keys("parent = " + one_id + " ORDER BY key ASC") == Keys{a, b});
  CHECK(keys("parent = " + two_key + " ORDER BY key ASC") == Keys{c});
  CHECK(keys("parent in (" + one_key + ", " + two_key + ") ORDER BY key ASC") == Keys{a, b, c});
  CHECK(keys("parent = " + one_key + " AND labels = x ORDER BY key ASC") == Keys{a});
  CHECK(keys("labels = x AND parent in (" + two_key + ") ORDER BY key ASC") == Keys{c});
  CHECK(keys("parent = " + one_key + " ORDER BY key DESC") == Keys{b, a});
  // Not a required parent (OR, NOT): every issue is evaluated.
  CHECK(keys("parent = " + two_key + " OR labels = y ORDER BY key ASC") == Keys{b, c});
  CHECK(keys("NOT parent = " + one_key + " AND labels = x ORDER BY key ASC") == Keys{c});
}

TEST_CASE("Search pages and bulk fetches show every write at once, also in the issues that embed another",
          "[jira][search][render-cache]") {
  const auto flavor = GENERATE(Flavor::DataCenter, Flavor::Cloud);
  TestSandbox sb(flavor);
  const std::string api = flavor == Flavor::Cloud ? "/rest/api/3" : "/rest/api/2";
  auto [made, fault] = sb.call("POST", api + "/issue", fault_input("before"));
  REQUIRE(made == 201);
  const std::string fault_key = fault["key"];
  nlohmann::json sub_input = {{"fields",
                               {{"project", {{"key", "FAULT"}}},
                                {"issuetype", {{"name", "Sub-task"}}},
                                {"summary", "an action"},
                                {"labels", {"render-cache"}},
                                {"parent", {{"key", fault_key}}}}}};
  auto [sub_made, sub] = sb.call("POST", api + "/issue", sub_input);
  REQUIRE(sub_made == 201);
  const std::string sub_id = sub["id"];
  sb.call("POST", "/_sandbox/index/catch-up", nlohmann::json::object());
  // The sub-task as a search page and a bulk fetch show it: its parent's summary inside.
  auto parent_summary_seen = [&]() {
    std::vector<std::string> seen;
    nlohmann::json query = {{"jql", "labels = render-cache"}, {"maxResults", 10}, {"fields", {"summary", "parent"}}};
    auto [status, page] = sb.call("POST", api + (flavor == Flavor::Cloud ? "/search/jql" : "/search"), query);
    REQUIRE(status == 200);
    REQUIRE(page["issues"].size() == 1);
    seen.push_back(page["issues"][0]["fields"]["parent"]["fields"]["summary"]);
    if (flavor == Flavor::Cloud) {
      auto [fetched, bulk] = sb.call("POST", api + "/issue/bulkfetch",
                                     {{"issueIdsOrKeys", {sub_id}}, {"fields", {"summary", "parent"}}});
      REQUIRE(fetched == 200);
      REQUIRE(bulk["issues"].size() == 1);
      CHECK(bulk["issueErrors"].empty());
      seen.push_back(bulk["issues"][0]["fields"]["parent"]["fields"]["summary"]);
    }
    return seen;
  };
  const auto expected = [&](const std::string& summary) {
    return std::vector<std::string>(flavor == Flavor::Cloud ? 2 : 1, summary);
  };
  CHECK(parent_summary_seen() == expected("before"));
  CHECK(parent_summary_seen() == expected("before"));  // read again: the same answer
  auto [edited, _] = sb.call("PUT", api + "/issue/" + fault_key, {{"fields", {{"summary", "after"}}}});
  REQUIRE(edited == 204);
  sb.call("POST", "/_sandbox/index/catch-up", nlohmann::json::object());
  CHECK(parent_summary_seen() == expected("after"));
}

TEST_CASE("A search that requires an id range finds what a full scan finds", "[jira][search][id-range]") {
  TestSandbox sb(Flavor::DataCenter);
  std::vector<long long> ids;
  std::vector<std::string> keys_made;
  for (int i = 0; i < 5; ++i) {
    auto input = fault_input("ranged " + std::to_string(i));
    input["fields"]["labels"] = {i % 2 == 0 ? "even" : "odd"};
    auto [status, body] = sb.call("POST", "/rest/api/2/issue", input);
    REQUIRE(status == 201);
    ids.push_back(std::stoll(body["id"].get<std::string>()));
    keys_made.push_back(body["key"]);
  }
  auto keys = [&](const std::string& jql) { return search_keys(sb, jql); };
  using Keys = std::vector<std::string>;
  const auto id = [&](int i) { return std::to_string(ids[static_cast<std::size_t>(i)]); };
  const auto& k = keys_made;
  CHECK(keys("id >= " + id(1) + " AND id <= " + id(3) + " ORDER BY key ASC") == Keys{k[1], k[2], k[3]});
  CHECK(keys("id > " + id(1) + " AND id < " + id(3) + " ORDER BY key ASC") == Keys{k[2]});
  CHECK(keys("labels = even AND id >= " + id(1) + " ORDER BY key ASC") == Keys{k[2], k[4]});
  CHECK(keys("id >= " + id(3) + " AND id <= " + id(1)).empty());
  // Not a required range (OR): every issue is evaluated.
  CHECK(keys("id >= " + id(4) + " OR labels = odd ORDER BY key ASC") == Keys{k[1], k[3], k[4]});
}
