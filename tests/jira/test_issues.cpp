#include <catch2/catch.hpp>

#include <vector>

#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

namespace {

jira::IssueInput fault_input() {
  jira::IssueInput input;
  input.fields = {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"id", "10004"}}}, {"summary", "Checkout fails"},
                  {"labels", {"fault", "P2"}}};
  input.text_fields["description"] = "Orders **fail** since 10:00.";
  input.properties.push_back({"faultline", {{"dedupe", "alert-abc"}, {"level", "P2"}}});
  return input;
}

}  // namespace

TEST_CASE("create_issue on Cloud sends ADF, properties and no retry", "[jira][issues]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/issue")
      .json_body([](const json& body) {
        return body["fields"]["description"]["type"] == "doc" && body["fields"]["summary"] == "Checkout fails" &&
               body["properties"][0]["key"] == "faultline" && body["properties"][0]["value"]["dedupe"] == "alert-abc";
      })
      .reply(201, fixture("jira/cloud/create_issue.json"));
  auto client = cloud_client(fake);
  auto created = client.create_issue(fault_input());
  REQUIRE(created);
  CHECK(created->key == "FAULT-41");
  CHECK(created->id == "10040");
  CHECK_FALSE(fake.calls().at(0).is_retry_safe());
  CHECK(header_of(fake.calls().at(0), "Content-Type") == "application/json");
  fake.verify();
}

TEST_CASE("create_issue on Data Center sends a wiki-markup string", "[jira][issues]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/2/issue")
      .json_body([](const json& body) {
        return body["fields"]["description"].is_string() &&
               body["fields"]["description"].get<std::string>().find("fail") != std::string::npos &&
               body["properties"].size() == 1;
      })
      .reply(201, fixture("jira/datacenter/create_issue.json"));
  auto client = datacenter_client(fake);
  auto created = client.create_issue(fault_input());
  REQUIRE(created);
  CHECK(created->key == "FAULT-41");
  fake.verify();
}

TEST_CASE("create_issue reports Jira's field errors", "[jira][issues][errors]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/issue").reply(400, fixture("jira/cloud/error_create_400.json"));
  auto client = cloud_client(fake);
  auto created = client.create_issue(fault_input());
  REQUIRE_FALSE(created);
  CHECK(created.error().kind == ErrorKind::Failed);
  CHECK_THAT(created.error().message, Catch::Contains("customfield_10010: Field 'customfield_10010' cannot be set"));
  CHECK(token_free(created.error()));
}

TEST_CASE("bulk create of 120 inputs makes 3 calls and maps per-item errors to inputs", "[jira][issues][bulk]") {
  FakeTransport fake;
  auto chunk_of = [](std::size_t n, int first) {
    return [n, first](const json& body) {
      return body["issueUpdates"].size() == n &&
             body["issueUpdates"][0]["fields"]["summary"] == "fault " + std::to_string(first);
    };
  };
  fake.on(Method::Post, "/rest/api/3/issue/bulk").json_body(chunk_of(50, 0)).reply(201, fixture("jira/cloud/bulk_create_1.json"));
  fake.on(Method::Post, "/rest/api/3/issue/bulk").json_body(chunk_of(50, 50)).reply(201, fixture("jira/cloud/bulk_create_2.json"));
  fake.on(Method::Post, "/rest/api/3/issue/bulk").json_body(chunk_of(20, 100)).reply(201, fixture("jira/cloud/bulk_create_3.json"));
  std::vector<jira::IssueInput> inputs(120);
  for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i].fields["summary"] = "fault " + std::to_string(i);

  auto client = cloud_client(fake);
  auto result = client.create_issues(inputs);
  REQUIRE(result.items.size() == 120);
  CHECK(fake.calls().size() == 3);
  CHECK(result.failed() == 3);
  CHECK(result.created() == 117);

  REQUIRE_FALSE(result.items[3]);
  CHECK_THAT(result.items[3].error().message, Catch::Contains("issuetype: The issue type selected is invalid."));
  CHECK_THAT(result.items[3].error().message, Catch::StartsWith("Creating issue 4 of 120 failed (400)"));
  REQUIRE_FALSE(result.items[17]);
  CHECK_THAT(result.items[17].error().message, Catch::Contains("customfield_10010"));
  REQUIRE_FALSE(result.items[105]);
  CHECK_THAT(result.items[105].error().message, Catch::Contains("summary"));

  // Successes consume issues[] in order around the failures.
  CHECK(result.items[0]->key == "FAULT-100");
  CHECK(result.items[2]->key == "FAULT-102");
  CHECK(result.items[4]->key == "FAULT-103");
  CHECK(result.items[18]->key == "FAULT-116");
  CHECK(result.items[49]->key == "FAULT-147");
  CHECK(result.items[50]->key == "FAULT-148");
  CHECK(result.items[99]->key == "FAULT-197");
  CHECK(result.items[104]->key == "FAULT-202");
  CHECK(result.items[106]->key == "FAULT-203");
  CHECK(result.items[119]->key == "FAULT-216");
  fake.verify();
}

TEST_CASE("bulk create on Data Center: a 400 where all failed still maps each input", "[jira][issues][bulk]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/2/issue/bulk").reply(400, fixture("jira/datacenter/bulk_create_all_failed.json"));
  std::vector<jira::IssueInput> inputs(2);
  auto client = datacenter_client(fake);
  auto result = client.create_issues(inputs);
  REQUIRE(result.items.size() == 2);
  CHECK(result.failed() == 2);
  CHECK_THAT(result.items[0].error().message, Catch::Contains("same project as the parent"));
  CHECK_THAT(result.items[1].error().message, Catch::Contains("project: project is required"));
  fake.verify();
}

TEST_CASE("bulk create: a chunk that fails as a whole fails each of its inputs", "[jira][issues][bulk]") {
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/3/issue/bulk").reply(503, "<html><title>Service Unavailable</title></html>");
  std::vector<jira::IssueInput> inputs(3);
  auto client = cloud_client(fake);
  auto result = client.create_issues(inputs);
  REQUIRE(result.items.size() == 3);
  CHECK(result.failed() == 3);
  CHECK(result.items[2].error().kind == ErrorKind::Unavailable);
}

TEST_CASE("get_issue returns fields, properties and the changelog oldest first", "[jira][issues]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-7")
      .query("properties", "faultline")
      .query("expand", "changelog")
      .query("fields", "summary,status,description")
      .reply(200, fixture("jira/cloud/get_issue.json"));
  auto client = cloud_client(fake);
  jira::IssueQuery query;
  query.fields = {"summary", "status", "description"};
  query.properties = {"faultline"};
  query.changelog = jira::Changelog::Include;
  auto issue = client.get_issue("FAULT-7", query);
  REQUIRE(issue);
  CHECK(issue->key == "FAULT-7");
  CHECK(issue->summary() == "Checkout fails");
  CHECK(issue->status() == "Handling");
  CHECK(issue->status_category() == "indeterminate");
  CHECK(issue->properties["faultline"]["level"] == "P2");
  REQUIRE(issue->changelog.size() == 2);
  CHECK(issue->changelog[0].items[0].to_string == "Handling");
  CHECK(issue->changelog[1].items[0].to_string == "Recovered");
  CHECK(issue->changelog[1].created == "2026-11-25T10:40:00.000+0800");
  fake.verify();
}

TEST_CASE("get_issue on Cloud completes a truncated changelog", "[jira][issues]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-8").reply(200, fixture("jira/cloud/get_issue_truncated_changelog.json"));
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-8/changelog").query("startAt", "0").reply(200, fixture("jira/cloud/changelog.json"));
  auto client = cloud_client(fake);
  auto issue = client.get_issue("FAULT-8", {{}, {}, jira::Changelog::Include, {}});
  REQUIRE(issue);
  REQUIRE(issue->changelog.size() == 3);
  CHECK(issue->changelog[0].items[0].field == "priority");
  fake.verify();
}

TEST_CASE("get_issue on Data Center keeps the wiki description", "[jira][issues]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7").query("expand", "changelog").reply(200, fixture("jira/datacenter/get_issue.json"));
  auto client = datacenter_client(fake);
  auto issue = client.get_issue("FAULT-7", {{}, {}, jira::Changelog::Include, {}});
  REQUIRE(issue);
  CHECK(issue->fields["description"] == "Orders *fail*.");
  REQUIRE(issue->changelog.size() == 1);
  CHECK(issue->changelog[0].author.name == "dave");
  fake.verify();
}

TEST_CASE("get_issue of a missing issue is NotFound", "[jira][issues]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-999").reply(404, fixture("jira/cloud/error_404.json"));
  auto client = cloud_client(fake);
  auto issue = client.get_issue("FAULT-999");
  REQUIRE_FALSE(issue);
  CHECK(issue.error().kind == ErrorKind::NotFound);
  CHECK_THAT(issue.error().message, Catch::Contains("Issue does not exist"));
}

TEST_CASE("get_issue with kept members streams the answer and keeps only those members", "[jira][issues]") {
  // A fault with two sub-tasks as Data Center lists them: each with its own fields.
  const json subtask_fields{{"summary", "x"},
                            {"status", {{"name", "To Do"}, {"statusCategory", {{"key", "new"}}}}},
                            {"priority", {{"name", "Medium"}}},
                            {"issuetype", {{"name", "Sub-task"}, {"subtask", true}}}};
  const json fault{{"id", "10001"},
                   {"key", "FAULT-1"},
                   {"self", "https://jira.example.com/rest/api/2/issue/10001"},
                   {"fields",
                    {{"summary", "Pool exhausted"},
                     {"subtasks",
                      {{{"id", "20001"}, {"key", "FAULT-101"}, {"fields", subtask_fields}},
                       {{"id", "20002"}, {"key", "FAULT-102"}, {"fields", subtask_fields}}}}}},
                   {"properties", {{"faultline.review", {{"page_id", "9001"}}}}}};
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1")
      .query("fields", "subtasks,summary")
      .query("properties", "faultline.review")
      .reply(200, fault.dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2").reply(404, R"({"errorMessages":["Issue Does Not Exist"],"errors":{}})");
  auto client = datacenter_client(fake);
  jira::IssueQuery query;
  query.fields = {"subtasks", "summary"};
  query.properties = {"faultline.review"};
  query.kept_members = {"subtasks.id", "subtasks.key"};
  auto issue = client.get_issue("FAULT-1", query);
  REQUIRE(issue);
  CHECK(issue->key == "FAULT-1");
  CHECK(issue->id == "10001");
  CHECK(issue->fields["summary"] == "Pool exhausted");
  CHECK(issue->fields["subtasks"] ==
        json::parse(R"([{"id":"20001","key":"FAULT-101"},{"id":"20002","key":"FAULT-102"}])"));
  CHECK(issue->properties["faultline.review"]["page_id"] == "9001");
  // Errors read as on the other path.
  auto missing = client.get_issue("FAULT-2", query);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::NotFound);
  fake.verify();
}

TEST_CASE("edit, assign and delete send the flavor's shapes", "[jira][issues]") {
  FakeTransport fake;
  fake.on(Method::Put, "/rest/api/2/issue/FAULT-1")
      .json_body([](const json& b) {
        return b["fields"]["duedate"] == "2026-12-01" && b["fields"]["environment"].is_string() && !b.contains("properties");
      })
      .reply(204);
  fake.on(Method::Put, "/rest/api/2/issue/FAULT-1/assignee")
      .json_body([](const json& b) { return b == json{{"name", "alice"}}; })
      .reply(204);
  fake.on(Method::Put, "/rest/api/2/issue/FAULT-1/assignee")
      .json_body([](const json& b) { return b == json{{"name", nullptr}}; })
      .reply(204);
  fake.on(Method::Delete, "/rest/api/2/issue/FAULT-1").query("deleteSubtasks", "true").reply(204);
  auto client = datacenter_client(fake);
  jira::IssueInput edit;
  edit.fields["duedate"] = "2026-12-01";
  edit.text_fields["environment"] = "prod";
  edit.properties.push_back({"ignored", 1});
  CHECK(client.edit_issue("FAULT-1", edit));
  CHECK(client.assign("FAULT-1", jira::UserRef{"alice"}));
  CHECK(client.assign("FAULT-1", std::nullopt));
  CHECK(client.delete_issue("FAULT-1", jira::Client::Subtasks::Delete));
  fake.verify();
}

TEST_CASE("assign on Cloud uses the accountId", "[jira][issues]") {
  FakeTransport fake;
  fake.on(Method::Put, "/rest/api/3/issue/FAULT-1/assignee")
      .json_body([](const json& b) { return b == json{{"accountId", "5b10"}}; })
      .reply(204);
  auto client = cloud_client(fake);
  CHECK(client.assign("FAULT-1", jira::UserRef{"5b10"}));
  fake.verify();
}
