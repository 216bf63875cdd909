#include <catch2/catch.hpp>

#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

TEST_CASE("transition_to_status finds the transition by target status, case-insensitively", "[jira][transitions]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/issue/FAULT-1/transitions").query("expand", "transitions.fields")
      .reply(200, fixture("jira/cloud/transitions.json"));
  fake.on(Method::Post, "/rest/api/3/issue/FAULT-1/transitions")
      .json_body([](const json& b) {
        return b["transition"]["id"] == "31" && b["update"]["comment"][0]["add"]["body"]["type"] == "doc" &&
               b["fields"]["resolution"]["name"] == "Fixed";
      })
      .reply(204);
  auto client = cloud_client(fake);
  jira::TransitionInput input;
  input.fields["resolution"] = {{"name", "Fixed"}};
  input.comment_markdown = "Recovered by rollback.";
  auto used = client.transition_to_status("FAULT-1", "recovered", input);
  REQUIRE(used);
  CHECK(used->id == "31");
  CHECK(used->to_status == "Recovered");
  fake.verify();
}

TEST_CASE("transition_to_status on Data Center sends a wiki comment", "[jira][transitions]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/transitions").no_query("expand")
      .reply(200, fixture("jira/datacenter/transitions.json"));
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-1/transitions")
      .json_body([](const json& b) {
        return b["transition"]["id"] == "11" && b["update"]["comment"][0]["add"]["body"].is_string();
      })
      .reply(204);
  auto client = datacenter_client(fake);
  jira::TransitionInput input;
  input.comment_markdown = "Taking it.";
  auto used = client.transition_to_status("FAULT-1", "Handling", input);
  REQUIRE(used);
  CHECK(used->to_category == "indeterminate");
  fake.verify();
}

TEST_CASE("a missing target status lists the available ones, once", "[jira][transitions]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/transitions").reply(200, fixture("jira/datacenter/transitions.json"));
  auto client = datacenter_client(fake);
  auto used = client.transition_to_status("FAULT-1", "Reviewing");
  REQUIRE_FALSE(used);
  CHECK(used.error().kind == ErrorKind::Failed);
  CHECK_THAT(used.error().message, Catch::Contains("FAULT-1 has no transition to status 'Reviewing'"));
  // The list is in details only: printed under the message, not repeated in it.
  CHECK(used.error().message.find("via") == std::string::npos);
  REQUIRE(used.error().details.size() == 2);
  CHECK(used.error().details[0] == "'Handling' (via 'Start handling')");
  CHECK(used.error().details[1] == "'Closed' (via 'Close')");
  CHECK(fake.calls().size() == 1);
  fake.verify();
}
