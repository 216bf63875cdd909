// What real client libraries (python-jira, jira.js) rely on: JQL value validation, the JQL
// fields fixVersion / component / sprint / watcher / issueLinkType, comment self links,
// unassign and default assignee, Jira-shaped 400s, and the endpoints they call at start.
#include <catch2/catch.hpp>

#include "test_server_support.hpp"

using sandbox::Flavor;
using sandbox::testing::TestSandbox;
using sandbox::testing::fault_input;

namespace {

// Creates a fault issue and returns its key.
std::string create_fault(const TestSandbox& sb, const std::string& summary, nlohmann::json extra_fields = {}) {
  auto input = fault_input(summary);
  if (extra_fields.is_object())
    for (const auto& [k, v] : extra_fields.items()) input["fields"][k] = v;
  auto [status, created] = sb.call("POST", sb.api() + "/issue", input);
  REQUIRE(status == 201);
  return created["key"];
}

// The keys of a Data Center search's hits.
std::vector<std::string> dc_keys(const TestSandbox& sb, const std::string& jql) {
  auto c = sb.client();
  httplib::Params params{{"jql", jql}, {"fields", "summary"}};
  auto res = c->Get("/rest/api/2/search", params, httplib::Headers{});
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  std::vector<std::string> keys;
  const auto body = nlohmann::json::parse(res->body);
  for (const auto& i : body["issues"]) keys.push_back(i["key"]);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// A GET with query parameters; status and parsed body.
std::pair<int, nlohmann::json> get(const TestSandbox& sb, const std::string& path, const httplib::Params& params) {
  auto res = sb.client()->Get(path, params, httplib::Headers{});
  if (!res) return {-1, nullptr};
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  return {res->status, body.is_discarded() ? nlohmann::json(res->body) : body};
}

}  // namespace

// ---- 1. JQL values are checked against what exists

TEST_CASE("JQL values that name nothing are 400s in Jira's words on Data Center", "[jira][jql-values]") {
  TestSandbox sb(Flavor::DataCenter);
  create_fault(sb, "Checkout errors");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"project = NOPE", "The value 'NOPE' does not exist for the field 'project'."},
      {"status = NoSuchStatus", "The value 'NoSuchStatus' does not exist for the field 'status'."},
      {"assignee = nosuchuser", "The value 'nosuchuser' does not exist for the field 'assignee'."},
      {"reporter in (oncall, ghost)", "The value 'ghost' does not exist for the field 'reporter'."},
      {"priority = P9", "The value 'P9' does not exist for the field 'priority'."},
      {"type = Story", "The value 'Story' does not exist for the field 'type'."},
      {"fixVersion = 1999.1", "The value '1999.1' does not exist for the field 'fixVersion'."},
      {"component = Nope", "The value 'Nope' does not exist for the field 'component'."},
      {"project = 99999", "A value with ID '99999' does not exist for the field 'project'."},
      {"sprint = 42", "A value with ID '42' does not exist for the field 'sprint'."},
  };
  for (const auto& [jql, message] : cases) {
    auto [status, body] = get(sb, "/rest/api/2/search", {{"jql", jql}});
    INFO(jql << " -> " << body.dump());
    CHECK(status == 400);
    CHECK(body["errorMessages"] == nlohmann::json::array({message}));
    CHECK(body["errors"] == nlohmann::json::object());
  }
}

TEST_CASE("JQL values that exist pass, whatever their case, and functions are never checked", "[jira][jql-values]") {
  TestSandbox sb(Flavor::DataCenter);
  const auto key = create_fault(sb, "Checkout errors", {{"assignee", {{"name", "alice"}}}});
  CHECK(dc_keys(sb, "project = fault AND status = reported AND assignee = ALICE AND priority = Medium") ==
        std::vector<std::string>{key});
  CHECK(dc_keys(sb, "project = 10000 AND issuetype = Fault AND reporter = currentUser()") == std::vector<std::string>{key});
  // "To Do" is in the instance's statuses but not in the Fault workflow: still valid JQL.
  CHECK(dc_keys(sb, "status = \"To Do\"").empty());
  CHECK(dc_keys(sb, "assignee = \"Alice Archer\" AND assignee = alice@example.com") == std::vector<std::string>{key});
}

TEST_CASE("Data Center validateQuery=false answers unknown values as warnings", "[jira][jql-values]") {
  TestSandbox sb(Flavor::DataCenter);
  create_fault(sb, "Checkout errors");
  for (const char* off : {"false", "False"}) {
    auto [status, body] = get(sb, "/rest/api/2/search", {{"jql", "project = NOPE OR priority = P9"}, {"validateQuery", off}});
    REQUIRE(status == 200);
    CHECK(body["total"] == 0);
    CHECK(body["warningMessages"] == nlohmann::json::array({"The value 'NOPE' does not exist for the field 'project'.",
                                                           "The value 'P9' does not exist for the field 'priority'."}));
  }
  auto [status, body] = get(sb, "/rest/api/2/search", {{"jql", "project = NOPE"}, {"validateQuery", "true"}});
  CHECK(status == 400);
}

TEST_CASE("Cloud search/jql checks values too, assignees by account id", "[jira][jql-values][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  const auto key = create_fault(sb, "Checkout errors", {{"assignee", {{"accountId", "5b10a2844c20165700ede21a"}}}});
  auto [s1, b1] = get(sb, "/rest/api/3/search/jql", {{"jql", "project = NOPE"}});
  CHECK(s1 == 400);
  CHECK(b1["errorMessages"] == nlohmann::json::array({"The value 'NOPE' does not exist for the field 'project'."}));
  // User names do not exist on Cloud: only account ids, e-mail addresses and full names.
  auto [s2, b2] = get(sb, "/rest/api/3/search/jql", {{"jql", "assignee = alice"}});
  CHECK(s2 == 400);
  CHECK(b2["errorMessages"] == nlohmann::json::array({"The value 'alice' does not exist for the field 'assignee'."}));
  auto [s3, b3] = get(sb, "/rest/api/3/search/jql", {{"jql", "assignee = 5b10a2844c20165700ede21a"}, {"fields", "summary"}});
  REQUIRE(s3 == 200);
  REQUIRE(b3["issues"].size() == 1);
  CHECK(b3["issues"][0]["key"] == key);
  // validateQuery is a Data Center parameter: Cloud checks regardless.
  auto [s4, b4] = get(sb, "/rest/api/3/search/jql", {{"jql", "priority = P9"}, {"validateQuery", "false"}});
  CHECK(s4 == 400);
}

// ---- 2. fixVersion, component, sprint, watcher, issueLinkType

TEST_CASE("JQL fixVersion and component match the issue's versions and components", "[jira][jql-fields]") {
  TestSandbox sb(Flavor::DataCenter);
  const auto a = create_fault(sb, "A", {{"fixVersions", {{{"name", "2026.12.1"}}}}, {"components", {{{"name", "Payments"}}}}});
  const auto b = create_fault(sb, "B", {{"components", {{{"id", "10301"}}}}});
  const auto c = create_fault(sb, "C");
  CHECK(dc_keys(sb, "fixVersion = 2026.12.1") == std::vector<std::string>{a});
  CHECK(dc_keys(sb, "fixVersion = 10205") == std::vector<std::string>{a});
  CHECK(dc_keys(sb, "fixVersion is EMPTY") == std::vector<std::string>{b, c});
  CHECK(dc_keys(sb, "component in (Payments, Platform)") == std::vector<std::string>{a, b});
  CHECK(dc_keys(sb, "component != payments") == std::vector<std::string>{b});
  auto [status, issue] = sb.call("GET", "/rest/api/2/issue/" + a + "?fields=components");
  REQUIRE(status == 200);
  CHECK(issue["fields"]["components"][0]["name"] == "Payments");
  auto [cs, components] = sb.call("GET", "/rest/api/2/project/FAULT/components");
  REQUIRE(cs == 200);
  CHECK(components.size() == 2);
}

TEST_CASE("JQL sprint parses and matches no issue while no sprint exists", "[jira][jql-fields]") {
  TestSandbox sb(Flavor::DataCenter);
  const auto a = create_fault(sb, "A");
  CHECK(dc_keys(sb, "sprint in openSprints()").empty());
  CHECK(dc_keys(sb, "sprint in closedSprints() OR sprint in futureSprints()").empty());
  CHECK(dc_keys(sb, "sprint not in openSprints()").empty());
  CHECK(dc_keys(sb, "sprint is EMPTY") == std::vector<std::string>{a});
  auto [status, body] = get(sb, "/rest/api/2/search", {{"jql", "sprint = openSprints()"}});
  CHECK(status == 400);
  CHECK(body["errorMessages"][0].get<std::string>().find("'openSprints'") != std::string::npos);
}

TEST_CASE("JQL watcher matches the issue's watchers, currentUser() included", "[jira][jql-fields]") {
  TestSandbox sb(Flavor::DataCenter);
  const auto a = create_fault(sb, "A");  // the creator (oncall) watches it
  const auto b = create_fault(sb, "B");
  auto [ws, _] = sb.call("POST", "/rest/api/2/issue/" + b + "/watchers", "carol");
  REQUIRE(ws == 204);
  CHECK(dc_keys(sb, "watcher = carol") == std::vector<std::string>{b});
  CHECK(dc_keys(sb, "watcher = currentUser()") == std::vector<std::string>{a, b});
  auto [ds, __] = sb.call("DELETE", "/rest/api/2/issue/" + a + "/watchers?username=oncall");
  REQUIRE(ds == 204);
  CHECK(dc_keys(sb, "watcher is EMPTY") == std::vector<std::string>{a});
  auto [status, body] = get(sb, "/rest/api/2/search", {{"jql", "watcher = ghost"}});
  CHECK(status == 400);
}

TEST_CASE("JQL issueLinkType matches by direction description and by link type name", "[jira][jql-fields]") {
  TestSandbox sb(Flavor::DataCenter);
  const auto a = create_fault(sb, "A");
  const auto b = create_fault(sb, "B");
  const auto c = create_fault(sb, "C");
  auto [ls, _] = sb.call("POST", "/rest/api/2/issueLink",
                         {{"type", {{"name", "Blocks"}}}, {"inwardIssue", {{"key", a}}}, {"outwardIssue", {{"key", b}}}});
  REQUIRE(ls == 201);
  CHECK(dc_keys(sb, "issueLinkType = \"is blocked by\"") == std::vector<std::string>{a});
  CHECK(dc_keys(sb, "issueLinkType = blocks") == std::vector<std::string>{a, b});
  CHECK(dc_keys(sb, "issueLinkType is EMPTY") == std::vector<std::string>{c});
  auto [status, body] = get(sb, "/rest/api/2/search", {{"jql", "issueLinkType = \"is eaten by\""}});
  CHECK(status == 400);
  CHECK(body["errorMessages"] == nlohmann::json::array({"The value 'is eaten by' does not exist for the field 'issueLinkType'."}));
}

// ---- 3. comment self links

TEST_CASE("A comment's self is under its issue and answers GET, PUT and DELETE", "[jira][comments]") {
  for (Flavor flavor : {Flavor::DataCenter, Flavor::Cloud}) {
    TestSandbox sb(flavor);
    const auto key = create_fault(sb, "A");
    auto [is, issue] = sb.call("GET", sb.api() + "/issue/" + key + "?fields=summary");
    REQUIRE(is == 200);
    const std::string issue_id = issue["id"];
    const nlohmann::json body = flavor == Flavor::Cloud
                                    ? nlohmann::json{{"type", "doc"}, {"version", 1},
                                                     {"content", {{{"type", "paragraph"}, {"content", {{{"type", "text"}, {"text", "first"}}}}}}}}
                                    : nlohmann::json("first");
    auto [cs, comment] = sb.call("POST", sb.api() + "/issue/" + key + "/comment", {{"body", body}});
    REQUIRE(cs == 201);
    const std::string self = comment["self"];
    const std::string path = sb.api() + "/issue/" + issue_id + "/comment/" + comment["id"].get<std::string>();
    CHECK(self == sb.server().base_url() + path);
    auto [gs, got] = sb.call("GET", path);
    CHECK(gs == 200);
    CHECK(got["id"] == comment["id"]);
    nlohmann::json edited = body;
    if (flavor == Flavor::Cloud) edited["content"][0]["content"][0]["text"] = "second";
    else edited = "second";
    auto [ps, put] = sb.call("PUT", path, {{"body", edited}});
    CHECK(ps == 200);
    CHECK(put["self"] == self);
    auto [ds, _] = sb.call("DELETE", path);
    CHECK(ds == 204);
    auto [gone, __] = sb.call("GET", path);
    CHECK(gone == 404);
  }
}

// ---- 4. unassign and default assignee, and no library messages in 400s

TEST_CASE("Data Center assignee: name null unassigns, \"-1\" assigns the project lead", "[jira][assignee]") {
  TestSandbox sb(Flavor::DataCenter);
  const auto key = create_fault(sb, "A", {{"assignee", {{"name", "-1"}}}});
  auto assignee = [&] {
    auto [status, issue] = sb.call("GET", "/rest/api/2/issue/" + key + "?fields=assignee");
    REQUIRE(status == 200);
    return issue["fields"]["assignee"];
  };
  CHECK(assignee()["name"] == "dave");  // the FAULT project's lead
  auto [s1, _] = sb.call("PUT", "/rest/api/2/issue/" + key + "/assignee", {{"name", nullptr}});
  CHECK(s1 == 204);
  CHECK(assignee().is_null());
  auto [s2, __] = sb.call("PUT", "/rest/api/2/issue/" + key + "/assignee", {{"name", "alice"}});
  CHECK(s2 == 204);
  CHECK(assignee()["name"] == "alice");
  auto [s3, ___] = sb.call("PUT", "/rest/api/2/issue/" + key + "/assignee", {{"name", "-1"}});
  CHECK(s3 == 204);
  CHECK(assignee()["name"] == "dave");
  auto [s4, ____] = sb.call("PUT", "/rest/api/2/issue/" + key, {{"fields", {{"assignee", {{"name", nullptr}}}}}});
  CHECK(s4 == 204);
  CHECK(assignee().is_null());
  auto [s5, bad] = sb.call("PUT", "/rest/api/2/issue/" + key + "/assignee", {{"name", 17}});
  CHECK(s5 == 400);
  CHECK(bad["errors"]["assignee"] == "User '17' does not exist.");
}

TEST_CASE("Cloud assignee: accountId null unassigns, \"-1\" assigns the project lead", "[jira][assignee][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  const auto key = create_fault(sb, "A", {{"assignee", {{"accountId", "-1"}}}});
  auto assignee = [&] {
    auto [status, issue] = sb.call("GET", "/rest/api/3/issue/" + key + "?fields=assignee");
    REQUIRE(status == 200);
    return issue["fields"]["assignee"];
  };
  CHECK(assignee()["accountId"] == "5b10a2844c20165700ede21d");  // dave, the project lead
  auto [s1, _] = sb.call("PUT", "/rest/api/3/issue/" + key + "/assignee", {{"accountId", nullptr}});
  CHECK(s1 == 204);
  CHECK(assignee().is_null());
  auto [s2, __] = sb.call("PUT", "/rest/api/3/issue/" + key + "/assignee", {{"accountId", "-1"}});
  CHECK(s2 == 204);
  CHECK(assignee()["accountId"] == "5b10a2844c20165700ede21d");
}

TEST_CASE("400 answers never carry the JSON library's messages", "[jira][errors]") {
  TestSandbox sb(Flavor::DataCenter);
  const auto key = create_fault(sb, "A");
  const std::vector<std::pair<std::string, nlohmann::json>> bodies = {
      {"/rest/api/2/issue/" + key + "/assignee", nlohmann::json{{"name", nlohmann::json::array({1})}}},
      {"/rest/api/2/issue/" + key + "/assignee", "alice"},
      {"/rest/api/2/issue/" + key, nlohmann::json{{"fields", {{"summary", nlohmann::json::object()}}}}},
      {"/rest/api/2/issue/" + key, nlohmann::json{{"fields", nlohmann::json::array()}}},
  };
  for (const auto& [path, body] : bodies) {
    auto [status, answer] = sb.call("PUT", path, body);
    INFO(path << " " << body.dump() << " -> " << answer.dump());
    CHECK(status == 400);
    CHECK(answer.is_object());
    CHECK(answer.contains("errorMessages"));
    CHECK(answer.dump().find("json.exception") == std::string::npos);
    CHECK(answer.dump().find("type must be") == std::string::npos);
  }
}

// ---- 5. endpoints clients call

TEST_CASE("GET /rest/auth/1/session answers the authenticated user on both flavors", "[jira][endpoints]") {
  TestSandbox dc(Flavor::DataCenter);
  auto [ds, dbody] = dc.call("GET", "/rest/auth/1/session");
  REQUIRE(ds == 200);
  CHECK(dbody["name"] == "oncall");
  CHECK(dbody["self"] == dc.server().base_url() + "/rest/api/2/user?username=oncall");
  CHECK(dbody["loginInfo"]["failedLoginCount"] == 0);
  auto anonymous = dc.anonymous()->Get("/rest/auth/1/session");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  TestSandbox cloud(Flavor::Cloud);
  auto [cs, cbody] = cloud.call("GET", "/rest/auth/1/session");
  REQUIRE(cs == 200);
  CHECK(cbody["name"] == "5b10a2844c20165700ede21e");
}

TEST_CASE("GET /mypermissions filters by the permissions parameter, which Cloud requires", "[jira][endpoints]") {
  TestSandbox dc(Flavor::DataCenter);
  auto [all_status, all] = dc.call("GET", "/rest/api/2/mypermissions");
  REQUIRE(all_status == 200);
  CHECK(all["permissions"].size() > 20);
  CHECK(all["permissions"]["ADMINISTER"]["havePermission"] == false);
  auto [fs, filtered] = get(dc, "/rest/api/2/mypermissions", {{"permissions", "BROWSE_PROJECTS,EDIT_ISSUES"}, {"projectKey", "FAULT"}});
  REQUIRE(fs == 200);
  CHECK(filtered["permissions"].size() == 2);
  CHECK(filtered["permissions"]["EDIT_ISSUES"]["havePermission"] == true);
  CHECK(filtered["permissions"]["EDIT_ISSUES"]["type"] == "PROJECT");
  auto [ns, _] = get(dc, "/rest/api/2/mypermissions", {{"projectKey", "NOPE"}});
  CHECK(ns == 404);
  TestSandbox cloud(Flavor::Cloud);
  auto [missing, __] = cloud.call("GET", "/rest/api/3/mypermissions");
  CHECK(missing == 400);
  auto [cs, cbody] = get(cloud, "/rest/api/3/mypermissions", {{"permissions", "BROWSE_PROJECTS"}});
  REQUIRE(cs == 200);
  CHECK(cbody["permissions"]["BROWSE_PROJECTS"]["key"] == "BROWSE_PROJECTS");
  auto [bad, ___] = get(cloud, "/rest/api/3/mypermissions", {{"permissions", "FLY"}});
  CHECK(bad == 400);
}

TEST_CASE("Cloud GET /project/search pages projects as a PageBean", "[jira][endpoints][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  auto [ss, seeded] = sb.call("POST", "/_sandbox/seed",
                              {{"mode", "extend"},
                               {"jira", {{"projects", {{{"id", "10010"}, {"key", "OPS"}, {"name", "Operations"},
                                                        {"lead", "dave"}, {"issueTypes", {"10001"}}}}}}}});
  REQUIRE(ss == 200);
  auto [s1, page1] = get(sb, "/rest/api/3/project/search", {{"maxResults", "1"}});
  REQUIRE(s1 == 200);
  CHECK(page1["total"] == 2);
  CHECK(page1["isLast"] == false);
  CHECK(page1["values"][0]["key"] == "FAULT");
  CHECK(page1["nextPage"].get<std::string>().find("startAt=1") != std::string::npos);
  auto [s2, page2] = get(sb, "/rest/api/3/project/search", {{"startAt", "1"}, {"maxResults", "1"}});
  REQUIRE(s2 == 200);
  CHECK(page2["isLast"] == true);
  CHECK(page2["values"][0]["key"] == "OPS");
  CHECK_FALSE(page2.contains("nextPage"));
  auto [s3, found] = get(sb, "/rest/api/3/project/search", {{"query", "oper"}, {"expand", "lead"}});
  REQUIRE(s3 == 200);
  REQUIRE(found["values"].size() == 1);
  CHECK(found["values"][0]["lead"]["accountId"] == "5b10a2844c20165700ede21d");
  TestSandbox dc(Flavor::DataCenter);
  auto [dcs, _] = dc.call("GET", "/rest/api/2/project/search");
  CHECK(dcs == 404);
}

TEST_CASE("Cloud POST /jql/parse answers structure, errors and warnings per validation mode", "[jira][endpoints][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  const nlohmann::json queries = {{"queries", {"project = FAULT AND labels in (a, \"b c\") ORDER BY created DESC",
                                               "project = INVALID", "summary = test", "assignee = currentUser()"}}};
  auto [ss, strict] = sb.call("POST", "/rest/api/3/jql/parse?validation=strict", queries);
  REQUIRE(ss == 200);
  const auto& q = strict["queries"];
  REQUIRE(q.size() == 4);
  const auto& where = q[0]["structure"]["where"];
  CHECK(where["operator"] == "and");
  CHECK(where["clauses"][0] == nlohmann::json{{"field", {{"name", "project"}, {"encodedName", "project"}}},
                                              {"operator", "="},
                                              {"operand", {{"value", "FAULT"}, {"encodedValue", "FAULT"}}}});
  CHECK(where["clauses"][1]["operator"] == "in");
  CHECK(where["clauses"][1]["operand"]["values"][1] == nlohmann::json{{"value", "b c"}, {"encodedValue", "\"b c\""}});
  CHECK(where["clauses"][1]["operand"]["encodedOperand"] == "(a, \"b c\")");
  CHECK(q[0]["structure"]["orderBy"]["fields"][0] ==
        nlohmann::json{{"field", {{"name", "created"}, {"encodedName", "created"}}}, {"direction", "desc"}});
  CHECK(q[1]["errors"] == nlohmann::json::array({"The value 'INVALID' does not exist for the field 'project'."}));
  CHECK_FALSE(q[1].contains("structure"));
  CHECK(q[2]["errors"].size() == 1);
  CHECK(q[3]["structure"]["where"]["operand"] ==
        nlohmann::json{{"function", "currentUser"}, {"arguments", nlohmann::json::array()}, {"encodedOperand", "currentUser()"}});
  auto [ws, warn] = sb.call("POST", "/rest/api/3/jql/parse?validation=warn", queries);
  REQUIRE(ws == 200);
  CHECK(warn["queries"][1]["warnings"] == nlohmann::json::array({"The value 'INVALID' does not exist for the field 'project'."}));
  CHECK(warn["queries"][1].contains("structure"));
  auto [ns, none] = sb.call("POST", "/rest/api/3/jql/parse?validation=none", queries);
  REQUIRE(ns == 200);
  CHECK_FALSE(none["queries"][1].contains("warnings"));
  CHECK(none["queries"][1].contains("structure"));
  auto [bs, _] = sb.call("POST", "/rest/api/3/jql/parse", nlohmann::json{{"nothing", 1}});
  CHECK(bs == 400);
}

TEST_CASE("Cloud's old GET /issue/createmeta lists projects, types and, expanded, their fields", "[jira][endpoints][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  auto [s1, plain] = get(sb, "/rest/api/3/issue/createmeta", {{"projectKeys", "FAULT"}});
  REQUIRE(s1 == 200);
  REQUIRE(plain["projects"].size() == 1);
  CHECK(plain["projects"][0]["key"] == "FAULT");
  CHECK(plain["projects"][0]["issuetypes"].size() == 2);
  CHECK_FALSE(plain["projects"][0]["issuetypes"][0].contains("fields"));
  auto [s2, full] = get(sb, "/rest/api/2/issue/createmeta",
                        {{"projectKeys", "FAULT"}, {"issuetypeNames", "Fault"}, {"expand", "projects.issuetypes.fields"}});
  REQUIRE(s2 == 200);
  const auto& types = full["projects"][0]["issuetypes"];
  REQUIRE(types.size() == 1);
  const auto& fields = types[0]["fields"];
  CHECK(fields["summary"]["required"] == true);
  CHECK(fields["customfield_10010"]["allowedValues"].size() == 4);
  CHECK(fields["components"]["allowedValues"].size() == 2);
  CHECK_FALSE(fields["summary"].contains("fieldId"));
  auto [s3, none] = get(sb, "/rest/api/3/issue/createmeta", {{"projectKeys", "NOPE"}});
  REQUIRE(s3 == 200);
  CHECK(none["projects"].empty());
}

TEST_CASE("Confluence Cloud PUT /wiki/api/v2/pages/{id}/title renames the page as a new version", "[confluence][endpoints][cloud]") {
  TestSandbox sb(Flavor::Cloud);
  auto [gs, before] = sb.call("GET", "/wiki/api/v2/pages/65601?body-format=storage");
  REQUIRE(gs == 200);
  const int version = before["version"]["number"];
  auto [ps, renamed] = sb.call("PUT", "/wiki/api/v2/pages/65601/title", {{"status", "current"}, {"title", "Fault Reviews 2026"}});
  REQUIRE(ps == 200);
  CHECK(renamed["title"] == "Fault Reviews 2026");
  CHECK(renamed["version"]["number"] == version + 1);
  auto [as, after] = sb.call("GET", "/wiki/api/v2/pages/65601?body-format=storage");
  REQUIRE(as == 200);
  CHECK(after["title"] == "Fault Reviews 2026");
  CHECK(after["body"]["storage"]["value"] == before["body"]["storage"]["value"]);
  auto [ms, _] = sb.call("PUT", "/wiki/api/v2/pages/65601/title", {{"title", "No status"}});
  CHECK(ms == 400);
  auto [ns, __] = sb.call("PUT", "/wiki/api/v2/pages/1/title", {{"status", "current"}, {"title", "x"}});
  CHECK(ns == 404);
}
