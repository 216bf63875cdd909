// The Jira emulation over HTTP: issues, workflow, changelog, bulk create, links, properties,
// users, metadata, filters and boards.
#include <catch2/catch.hpp>

#include "test_server_support.hpp"

using sandbox::Flavor;
using sandbox::testing::TestSandbox;
using sandbox::testing::fault_input;

namespace {

nlohmann::json adf(const std::string& text) {
  return {{"type", "doc"}, {"version", 1},
          {"content", {{{"type", "paragraph"}, {"content", {{{"type", "text"}, {"text", text}}}}}}}};
}

std::vector<std::string> status_changes(const nlohmann::json& histories) {
  std::vector<std::string> out;
  for (const auto& h : histories)
    for (const auto& item : h["items"])
      if (item["field"] == "status") out.push_back(item["toString"]);
  return out;
}

}  // namespace

TEST_CASE("Data Center: create, get, edit, transition and read the changelog", "[jira]") {
  TestSandbox sb(Flavor::DataCenter);
  auto input = fault_input("Payments down");
  input["fields"]["description"] = "h1. Impact\nAll payments fail.";
  input["fields"]["customfield_10010"] = {{"value", "P1"}};
  input["fields"]["customfield_10016"] = "2026-11-25T10:00:00.000+0800";
  input["fields"]["assignee"] = {{"name", "alice"}};
  auto [status, created] = sb.call("POST", "/rest/api/2/issue", input);
  REQUIRE(status == 201);
  const std::string key = created["key"];
  CHECK(key.starts_with("FAULT-"));

  auto [gs, issue] = sb.call("GET", "/rest/api/2/issue/" + key);
  REQUIRE(gs == 200);
  CHECK(issue["fields"]["status"]["name"] == "Reported");
  CHECK(issue["fields"]["status"]["statusCategory"]["key"] == "new");
  CHECK(issue["fields"]["customfield_10010"]["value"] == "P1");
  CHECK(issue["fields"]["customfield_10016"] == "2026-11-25T02:00:00.000+0000");
  CHECK(issue["fields"]["assignee"]["name"] == "alice");
  CHECK(issue["fields"]["description"] == "h1. Impact\nAll payments fail.");
  CHECK(issue["fields"]["reporter"]["name"] == "oncall");

  auto [es, _] = sb.call("PUT", "/rest/api/2/issue/" + key,
                         {{"fields", {{"summary", "Payments down in EU"}}},
                          {"update", {{"labels", {{{"add", "fault-p1"}}}}}}});
  CHECK(es == 204);

  auto [ts, transitions] = sb.call("GET", "/rest/api/2/issue/" + key + "/transitions");
  REQUIRE(ts == 200);
  std::string handling_id;
  for (const auto& t : transitions["transitions"])
    if (t["to"]["name"] == "Handling") handling_id = t["id"];
  REQUIRE_FALSE(handling_id.empty());
  auto [ps, __] = sb.call("POST", "/rest/api/2/issue/" + key + "/transitions", {{"transition", {{"id", handling_id}}}});
  CHECK(ps == 204);
  auto [cs, ___] = sb.call("POST", "/rest/api/2/issue/" + key + "/transitions", {{"transition", {{"id", "41"}}}});
  CHECK(cs == 204);

  auto [hs, after] = sb.call("GET", "/rest/api/2/issue/" + key + "?expand=changelog&fields=summary,labels,status,resolutiondate");
  REQUIRE(hs == 200);
  CHECK(after["fields"]["summary"] == "Payments down in EU");
  CHECK(after["fields"]["labels"] == nlohmann::json::array({"fault-p1"}));
  CHECK(after["fields"]["status"]["name"] == "Closed");
  CHECK(after["fields"]["resolutiondate"].is_string());
  CHECK_FALSE(after["fields"].contains("assignee"));
  CHECK(status_changes(after["changelog"]["histories"]) == std::vector<std::string>{"Handling", "Closed"});
  bool summary_logged = false;
  for (const auto& h : after["changelog"]["histories"])
    for (const auto& item : h["items"])
      if (item["field"] == "summary" && item["fromString"] == "Payments down" && item["toString"] == "Payments down in EU")
        summary_logged = true;
  CHECK(summary_logged);
}

TEST_CASE("An unavailable transition is refused with 400", "[jira]") {
  TestSandbox sb(Flavor::DataCenter);
  auto [status, created] = sb.call("POST", "/rest/api/2/issue", fault_input("x"));
  REQUIRE(status == 201);
  auto [ts, body] = sb.call("POST", "/rest/api/2/issue/" + created["key"].get<std::string>() + "/transitions",
                            {{"transition", {{"id", "31"}}}});
  CHECK(ts == 400);
  CHECK(body["errorMessages"][0].get<std::string>().find("31") != std::string::npos);
}

TEST_CASE("Cloud v3 takes and returns ADF; the paged changelog is oldest first", "[jira][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  auto input = fault_input("Login broken");
  input["fields"]["description"] = adf("Users cannot log in.");
  input["fields"]["assignee"] = {{"accountId", "5b10a2844c20165700ede21b"}};
  auto [status, created] = sb.call("POST", "/rest/api/3/issue", input);
  REQUIRE(status == 201);
  const std::string key = created["key"];
  auto [gs, v3] = sb.call("GET", "/rest/api/3/issue/" + key);
  REQUIRE(gs == 200);
  CHECK(v3["fields"]["description"]["type"] == "doc");
  CHECK(v3["fields"]["assignee"]["accountId"] == "5b10a2844c20165700ede21b");
  CHECK_FALSE(v3["fields"]["assignee"].contains("name"));
  auto [g2, v2] = sb.call("GET", "/rest/api/2/issue/" + key);
  REQUIRE(g2 == 200);
  CHECK(v2["fields"]["description"] == "Users cannot log in.");

  for (const char* id : {"11", "21"}) {
    auto [ts, _] = sb.call("POST", "/rest/api/3/issue/" + key + "/transitions", {{"transition", {{"id", id}}}});
    REQUIRE(ts == 204);
  }
  auto [cs, page] = sb.call("GET", "/rest/api/3/issue/" + key + "/changelog?maxResults=1");
  REQUIRE(cs == 200);
  CHECK(page["total"] == 2);
  CHECK(page["isLast"] == false);
  CHECK(status_changes(page["values"]) == std::vector<std::string>{"Handling"});
  CHECK(page["values"][0]["items"][0]["fieldId"] == "status");
}

TEST_CASE("Create validation answers in Jira's error shape", "[jira][validation]") {
  TestSandbox cloud(Flavor::Cloud);
  TestSandbox dc(Flavor::DataCenter);
  SECTION("missing summary") {
    auto input = fault_input("");
    input["fields"].erase("summary");
    auto [status, body] = dc.call("POST", "/rest/api/2/issue", input);
    CHECK(status == 400);
    CHECK(body["errors"].contains("summary"));
  }
  SECTION("unknown field") {
    auto input = fault_input("x");
    input["fields"]["customfield_99999"] = "y";
    auto [status, body] = dc.call("POST", "/rest/api/2/issue", input);
    CHECK(status == 400);
    CHECK(body["errors"]["customfield_99999"] ==
          "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.");
    CHECK(body["errorMessages"].empty());
  }
  SECTION("a string description on v3") {
    auto input = fault_input("x");
    input["fields"]["description"] = "plain";
    auto [status, body] = cloud.call("POST", "/rest/api/3/issue", input);
    CHECK(status == 400);
    CHECK(body["errors"]["description"].get<std::string>().starts_with("Operation value must be an Atlassian Document"));
  }
  SECTION("ADF on Data Center") {
    auto input = fault_input("x");
    input["fields"]["description"] = adf("rich");
    auto [status, body] = dc.call("POST", "/rest/api/2/issue", input);
    CHECK(status == 400);
    CHECK(body["errors"]["description"] == "Operation value must be a string");
  }
  SECTION("a sub-task without a parent, and one with a parent") {
    nlohmann::json input = {{"fields", {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"name", "Sub-task"}}}, {"summary", "action"}}}};
    auto [status, body] = dc.call("POST", "/rest/api/2/issue", input);
    CHECK(status == 400);
    CHECK(body["errors"].contains("parent"));
    auto [ps, parent] = dc.call("POST", "/rest/api/2/issue", fault_input("parent"));
    REQUIRE(ps == 201);
    input["fields"]["parent"] = {{"key", parent["key"]}};
    input["fields"]["duedate"] = "2026-12-01";
    auto [cs, child] = dc.call("POST", "/rest/api/2/issue", input);
    REQUIRE(cs == 201);
    auto [gs, got] = dc.call("GET", "/rest/api/2/issue/" + parent["key"].get<std::string>() + "?fields=subtasks");
    REQUIRE(gs == 200);
    REQUIRE(got["fields"]["subtasks"].size() == 1);
    CHECK(got["fields"]["subtasks"][0]["key"] == child["key"]);
  }
  SECTION("an invalid select option") {
    auto input = fault_input("x");
    input["fields"]["customfield_10012"] = {{"value", "aliens"}};
    auto [status, body] = dc.call("POST", "/rest/api/2/issue", input);
    CHECK(status == 400);
    CHECK(body["errors"].contains("customfield_10012"));
  }
}

TEST_CASE("Bulk create reports per-item errors and succeeds if any item did", "[jira][bulk]") {
  TestSandbox sb(Flavor::Cloud);
  auto bad = fault_input("bad");
  bad["fields"]["issuetype"] = {{"name", "Nope"}};
  nlohmann::json body = {{"issueUpdates", {fault_input("one"), bad, fault_input("three")}}};
  auto [status, result] = sb.call("POST", "/rest/api/2/issue/bulk", body);
  CHECK(status == 201);
  CHECK(result["issues"].size() == 2);
  REQUIRE(result["errors"].size() == 1);
  CHECK(result["errors"][0]["failedElementNumber"] == 1);
  CHECK(result["errors"][0]["status"] == 400);
  CHECK(result["errors"][0]["elementErrors"]["errors"]["issuetype"] == "The issue type selected is invalid.");
  auto [status2, result2] = sb.call("POST", "/rest/api/2/issue/bulk", {{"issueUpdates", {bad}}});
  CHECK(status2 == 400);
  CHECK(result2["issues"].empty());
}

TEST_CASE("Remote links upsert by globalId", "[jira][remotelink]") {
  TestSandbox sb(Flavor::DataCenter);
  auto [status, created] = sb.call("POST", "/rest/api/2/issue", fault_input("x"));
  REQUIRE(status == 201);
  const std::string base = "/rest/api/2/issue/" + created["key"].get<std::string>() + "/remotelink";
  nlohmann::json link = {{"globalId", "appId=1&pageId=65601"},
                         {"object", {{"url", "http://wiki/page"}, {"title", "Review v1"}}}};
  auto [s1, r1] = sb.call("POST", base, link);
  CHECK(s1 == 201);
  link["object"]["title"] = "Review v2";
  auto [s2, r2] = sb.call("POST", base, link);
  CHECK(s2 == 200);
  CHECK(r1["id"] == r2["id"]);
  auto [s3, list] = sb.call("GET", base);
  REQUIRE(s3 == 200);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["object"]["title"] == "Review v2");
  auto [s4, one] = sb.call("GET", base + "?globalId=appId%3D1%26pageId%3D65601");
  CHECK(s4 == 200);
  CHECK(one["globalId"] == "appId=1&pageId=65601");
  auto [s5, missing_title] = sb.call("POST", base, {{"object", {{"url", "http://x"}}}});
  CHECK(s5 == 400);
  CHECK(missing_title["errors"]["title"] == "'title' is required.");
  auto [s6, _] = sb.call("DELETE", base + "?globalId=appId%3D1%26pageId%3D65601");
  CHECK(s6 == 204);
  auto [s7, empty] = sb.call("GET", base);
  CHECK(empty.empty());
}

TEST_CASE("Entity properties: 201 then 200 on PUT, list, get, delete", "[jira][properties]") {
  TestSandbox sb(Flavor::Cloud);
  auto [status, created] = sb.call("POST", "/rest/api/3/issue", fault_input("x"));
  REQUIRE(status == 201);
  const std::string base = "/rest/api/3/issue/" + created["key"].get<std::string>() + "/properties";
  CHECK(sb.call("PUT", base + "/faultline", {{"a", 1}}).first == 201);
  CHECK(sb.call("PUT", base + "/faultline", {{"a", 2}}).first == 200);
  auto [ls, list] = sb.call("GET", base);
  CHECK(list["keys"][0]["key"] == "faultline");
  CHECK(sb.call("GET", base + "/faultline").second["value"]["a"] == 2);
  CHECK(sb.call("DELETE", base + "/faultline").first == 204);
  CHECK(sb.call("GET", base + "/faultline").first == 404);
}

TEST_CASE("Watchers take a bare JSON string: accountId on Cloud, name on Data Center", "[jira][watchers]") {
  TestSandbox cloud(Flavor::Cloud);
  TestSandbox dc(Flavor::DataCenter);
  auto [cs, ci] = cloud.call("POST", "/rest/api/3/issue", fault_input("x"));
  auto [ds, di] = dc.call("POST", "/rest/api/2/issue", fault_input("x"));
  REQUIRE(cs == 201);
  REQUIRE(ds == 201);
  const std::string cpath = "/rest/api/3/issue/" + ci["key"].get<std::string>() + "/watchers";
  const std::string dpath = "/rest/api/2/issue/" + di["key"].get<std::string>() + "/watchers";
  CHECK(cloud.call("POST", cpath, "5b10a2844c20165700ede21d").first == 204);
  CHECK(cloud.call("POST", cpath, "dave").first == 404);
  CHECK(dc.call("POST", dpath, "dave").first == 204);
  auto watchers = cloud.call("GET", cpath).second;
  CHECK(watchers["watchCount"] == 2);
  bool dave = false;
  const auto dc_watchers = dc.call("GET", dpath).second;
  for (const auto& w : dc_watchers["watchers"]) dave = dave || w["name"] == "dave";
  CHECK(dave);
}

TEST_CASE("Comments are stored and returned in the version's body format", "[jira][comments]") {
  TestSandbox sb(Flavor::Cloud);
  auto [status, created] = sb.call("POST", "/rest/api/3/issue", fault_input("x"));
  REQUIRE(status == 201);
  const std::string base = "/rest/api/3/issue/" + created["key"].get<std::string>() + "/comment";
  CHECK(sb.call("POST", base, {{"body", "plain"}}).first == 400);
  auto [ps, comment] = sb.call("POST", base, {{"body", adf("Cause found")}});
  REQUIRE(ps == 201);
  CHECK(comment["author"]["accountId"] == "5b10a2844c20165700ede21e");
  auto [gs, list] = sb.call("GET", "/rest/api/2/issue/" + created["key"].get<std::string>() + "/comment");
  REQUIRE(gs == 200);
  CHECK(list["total"] == 1);
  CHECK(list["comments"][0]["body"] == "Cause found");
}

TEST_CASE("User search: Cloud takes query and rejects username; Data Center takes username", "[jira][users]") {
  TestSandbox cloud(Flavor::Cloud);
  TestSandbox dc(Flavor::DataCenter);
  auto [s1, found] = cloud.call("GET", "/rest/api/3/user/search?query=ali");
  REQUIRE(s1 == 200);
  REQUIRE(found.size() == 1);
  CHECK(found[0]["accountId"] == "5b10a2844c20165700ede21a");
  auto [s2, rejected] = cloud.call("GET", "/rest/api/3/user/search?username=alice");
  CHECK(s2 == 400);
  CHECK(rejected["errorMessages"][0] == "The query parameter 'username' is not supported in GDPR strict mode.");
  auto [s3, dcfound] = dc.call("GET", "/rest/api/2/user/search?username=carol");
  REQUIRE(s3 == 200);
  REQUIRE(dcfound.size() == 1);
  CHECK(dcfound[0]["name"] == "carol");
  auto [s4, assignable] = dc.call("GET", "/rest/api/2/user/assignable/search?project=FAULT&username=bo");
  CHECK(s4 == 200);
  CHECK(assignable.size() == 1);
}

TEST_CASE("Create metadata: Cloud answers issueTypes/fields, Data Center answers values", "[jira][meta]") {
  TestSandbox cloud(Flavor::Cloud);
  TestSandbox dc(Flavor::DataCenter);
  auto types = cloud.call("GET", "/rest/api/3/issue/createmeta/FAULT/issuetypes").second;
  REQUIRE(types["issueTypes"].size() == 2);
  CHECK(types["issueTypes"][1]["subtask"] == true);
  auto fields = cloud.call("GET", "/rest/api/3/issue/createmeta/FAULT/issuetypes/10001").second;
  bool level = false;
  for (const auto& f : fields["fields"])
    if (f["name"] == "Fault Level") level = f["allowedValues"].size() == 4;
  CHECK(level);
  auto dctypes = dc.call("GET", "/rest/api/2/issue/createmeta/FAULT/issuetypes").second;
  CHECK(dctypes["values"].size() == 2);
  auto dcfields = dc.call("GET", "/rest/api/2/issue/createmeta/FAULT/issuetypes/10002").second;
  CHECK(dcfields.contains("values"));
  auto all = dc.call("GET", "/rest/api/2/field").second;
  bool clause = false;
  for (const auto& f : all)
    if (f["id"] == "customfield_10010") clause = f["clauseNames"][0] == "cf[10010]" && f["schema"]["custom"].get<std::string>().ends_with(":select");
  CHECK(clause);
  auto versions = dc.call("GET", "/rest/api/2/project/FAULT/versions").second;
  CHECK(versions.size() >= 3);
  CHECK(versions[0]["releaseDate"].is_string());
}

TEST_CASE("Filters are unique by name per owner and a board can be made from one", "[jira][filters]") {
  TestSandbox sb(Flavor::Cloud);
  nlohmann::json filter = {{"name", "Faults"}, {"jql", "project = FAULT AND issuetype = Fault"}};
  auto [s1, created] = sb.call("POST", "/rest/api/3/filter", filter);
  REQUIRE(s1 == 200);
  auto [s2, dup] = sb.call("POST", "/rest/api/3/filter", filter);
  CHECK(s2 == 400);
  CHECK(dup["errors"].contains("filterName"));
  auto [s3, mine] = sb.call("GET", "/rest/api/3/filter/my");
  CHECK(mine.size() == 1);
  auto [s4, found] = sb.call("GET", "/rest/api/3/filter/search?filterName=faul");
  CHECK(found["values"].size() == 1);
  auto [s5, updated] = sb.call("PUT", "/rest/api/3/filter/" + created["id"].get<std::string>(), {{"jql", "project = FAULT"}});
  CHECK(s5 == 200);
  CHECK(updated["jql"] == "project = FAULT");
  auto [s6, board] = sb.call("POST", "/rest/agile/1.0/board",
                             {{"name", "Faults"}, {"type", "kanban"}, {"filterId", std::stoll(created["id"].get<std::string>())},
                              {"location", {{"type", "project"}, {"projectKeyOrId", "FAULT"}}}});
  CHECK(s6 == 201);
  auto [s7, boards] = sb.call("GET", "/rest/agile/1.0/board?projectKeyOrId=FAULT");
  CHECK(boards["values"].size() == 1);
  CHECK(boards["values"][0]["id"] == board["id"]);
}

TEST_CASE("Issue links show on both issues", "[jira][links]") {
  TestSandbox sb(Flavor::DataCenter);
  auto a = sb.call("POST", "/rest/api/2/issue", fault_input("a")).second["key"].get<std::string>();
  auto b = sb.call("POST", "/rest/api/2/issue", fault_input("b")).second["key"].get<std::string>();
  auto [ls, _] = sb.call("POST", "/rest/api/2/issueLink",
                         {{"type", {{"name", "Relates"}}}, {"inwardIssue", {{"key", a}}}, {"outwardIssue", {{"key", b}}}});
  CHECK(ls == 201);
  auto la = sb.call("GET", "/rest/api/2/issue/" + a + "?fields=issuelinks").second["fields"]["issuelinks"];
  auto lb = sb.call("GET", "/rest/api/2/issue/" + b + "?fields=issuelinks").second["fields"]["issuelinks"];
  REQUIRE(la.size() == 1);
  REQUIRE(lb.size() == 1);
  CHECK(la[0]["inwardIssue"]["key"] == b);
  CHECK(lb[0]["outwardIssue"]["key"] == a);
}

TEST_CASE("Cloud bulk fetch and changelog bulk fetch return the named issues' data", "[jira][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  auto key = sb.call("POST", "/rest/api/3/issue", fault_input("fetched")).second["key"].get<std::string>();
  REQUIRE(sb.call("POST", "/rest/api/3/issue/" + key + "/transitions", {{"transition", {{"id", "11"}}}}).first == 204);
  REQUIRE(sb.call("PUT", "/rest/api/3/issue/" + key, {{"fields", {{"summary", "renamed"}}}}).first == 204);
  auto [fs, fetched] = sb.call("POST", "/rest/api/3/issue/bulkfetch", {{"issueIdsOrKeys", {key, "FAULT-999"}}, {"fields", {"summary"}}});
  REQUIRE(fs == 200);
  REQUIRE(fetched["issues"].size() == 1);
  CHECK(fetched["issues"][0]["fields"]["summary"] == "renamed");
  auto [cs, logs] = sb.call("POST", "/rest/api/3/changelog/bulkfetch", {{"issueIdsOrKeys", {key}}, {"fieldIds", {"status"}}});
  REQUIRE(cs == 200);
  REQUIRE(logs["issueChangeLogs"].size() == 1);
  const auto& histories = logs["issueChangeLogs"][0]["changeHistories"];
  REQUIRE(histories.size() == 1);
  CHECK(histories[0]["items"][0]["toString"] == "Handling");
  CHECK_FALSE(logs.contains("nextPageToken"));
}

TEST_CASE("Edit metadata lists the editable fields of an issue", "[jira][meta]") {
  TestSandbox sb(Flavor::DataCenter);
  auto key = sb.call("POST", "/rest/api/2/issue", fault_input("x")).second["key"].get<std::string>();
  auto [status, meta] = sb.call("GET", "/rest/api/2/issue/" + key + "/editmeta");
  REQUIRE(status == 200);
  CHECK(meta["fields"].contains("customfield_10010"));
  CHECK(meta["fields"].contains("labels"));
  CHECK_FALSE(meta["fields"].contains("project"));
}

TEST_CASE("A sub-task must be created in its parent's project", "[jira][validation]") {
  TestSandbox sb(Flavor::DataCenter);
  nlohmann::json extra = {{"mode", "extend"},
                          {"jira", {{"projects", {{{"id", "10001"}, {"key", "OPS"}, {"name", "Operations"}, {"lead", "dave"},
                                                   {"issueTypes", {"10001", "10002"}}}}}}}};
  REQUIRE(sb.call("POST", "/_sandbox/seed", extra).first == 200);
  auto parent = sb.call("POST", "/rest/api/2/issue", fault_input("parent")).second["key"].get<std::string>();
  nlohmann::json input = {{"fields", {{"project", {{"key", "OPS"}}}, {"issuetype", {{"name", "Sub-task"}}},
                                      {"summary", "action"}, {"parent", {{"key", parent}}}}}};
  auto [status, body] = sb.call("POST", "/rest/api/2/issue", input);
  CHECK(status == 400);
  CHECK(body["errorMessages"][0] == "Sub-tasks must be created in the same project as the parent.");
  input["fields"]["project"] = {{"key", "FAULT"}};
  CHECK(sb.call("POST", "/rest/api/2/issue", input).first == 201);
}
