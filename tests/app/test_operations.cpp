// The idempotent-write helpers: stable operation keys, the operation list's stop-and-resume
// order, comment markers, and the sent log kept in an issue property.
#include <catch2/catch.hpp>

#include "faultline/app/operations.hpp"
#include "faultline/jira/client.hpp"
#include "support/fake_transport.hpp"

using faultline::ErrorKind;
using faultline::Result;
using faultline::app::OperationList;
using faultline::app::OpStatus;
using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::fixture;

namespace {

faultline::jira::Client datacenter_client(FakeTransport& fake) {
  return faultline::jira::Client(fake, faultline::jira::Connection{"https://jira.example.com", "", "tok-123456789"},
                                 faultline::jira::Flavor::DataCenter);
}

}  // namespace

TEST_CASE("operation keys are 16 hex digits, stable, and keep their parts apart", "[app][fault][ops]") {
  const auto key = faultline::app::op_key({"update", "FAULT-1", "msg"});
  CHECK(key.size() == 16);
  CHECK(key.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(key == faultline::app::op_key({"update", "FAULT-1", "msg"}));
  CHECK(key != faultline::app::op_key({"update", "FAULT-1msg"}));
  CHECK(key != faultline::app::op_key({"update", "FAULT-2", "msg"}));
  CHECK(faultline::app::op_marker(key) == "faultline op " + key);
}

TEST_CASE("an operation list stops at the first failure and resumes from it", "[app][fault][ops]") {
  OperationList ops;
  int first = 0;
  int second = 0;
  int third = 0;
  bool fail_second = true;
  ops.add({"a", "k1", [&]() -> Result<OpStatus> { ++first; return OpStatus::Done; }});
  ops.add({"b", "k2", [&]() -> Result<OpStatus> {
             ++second;
             if (fail_second) return faultline::fail(ErrorKind::Unavailable, "Jira is down");
             return OpStatus::Skipped;
           }});
  ops.add({"c", "k3", [&]() -> Result<OpStatus> { ++third; return OpStatus::Done; }});
  auto ran = ops.run();
  REQUIRE(!ran);
  CHECK(ran.error().kind == ErrorKind::Unavailable);
  CHECK(first == 1);
  CHECK(second == 1);
  CHECK(third == 0);
  CHECK(ops.to_json()[1]["status"] == "failed");
  CHECK(ops.to_json()[1]["error"] == "Jira is down");

  fail_second = false;
  REQUIRE(ops.run());
  CHECK(first == 1);  // done operations are not repeated
  CHECK(second == 2);
  CHECK(third == 1);
  CHECK(ops.to_json().back()["op"] == "c");
}

TEST_CASE("a workflow step the site lacks is a warning: the list goes on and says why", "[app][fault][ops][workflow]") {
  OperationList ops;
  int after = 0;
  ops.add({"transition", "k1", []() -> Result<OpStatus> {
             faultline::Error error{ErrorKind::Workflow, "FAULT-1 has no transition to status 'Recovered'; available:",
                                    "move it in Jira", 0, {"'Done' (via 'Done')"}};
             return std::unexpected(error);
           }});
  ops.add({"comment", "k2", [&]() -> Result<OpStatus> {
             ++after;
             return OpStatus::Done;
           }});
  REQUIRE(ops.run().has_value());
  CHECK(after == 1);
  REQUIRE(ops.results().size() == 2);
  CHECK(ops.results()[0].status == OpStatus::Warned);
  const auto warnings = ops.warnings();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "FAULT-1 has no transition to status 'Recovered'; available: 'Done' (via 'Done'); move it in Jira");
  const auto json = ops.to_json();
  CHECK(json[0]["status"] == "warning");
  CHECK(json[1]["status"] == "done");

  // Any other error still stops the list.
  OperationList stops;
  stops.add({"save", "k3", []() -> Result<OpStatus> { return faultline::fail(ErrorKind::Failed, "Jira said no"); }});
  stops.add({"comment", "k4", [&]() -> Result<OpStatus> {
               ++after;
               return OpStatus::Done;
             }});
  CHECK_FALSE(stops.run().has_value());
  CHECK(after == 1);
}

TEST_CASE("ensure_comment posts once: a comment carrying the marker is found again", "[app][fault][ops]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/comment")
      .reply(200, R"({"startAt":0,"maxResults":50,"total":1,"comments":[{"id":"9","body":"Update\n\nfaultline op 00000000000000aa","created":"2026-11-25T10:30:00.000+0800"}]})");
  auto client = datacenter_client(fake);
  std::string created;
  auto found = faultline::app::ensure_comment(client, "FAULT-1", "00000000000000aa", "Update", &created);
  REQUIRE(found);
  CHECK(*found == OpStatus::Skipped);
  CHECK(created == "2026-11-25T10:30:00.000+0800");

  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/comment")
      .reply(200, R"({"startAt":0,"maxResults":50,"total":0,"comments":[]})");
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-1/comment")
      .json_body([](const nlohmann::json& body) { return body["body"] == "Other\n\nfaultline op 00000000000000bb"; })
      .reply(201, fixture("jira/datacenter/comment.json"));
  auto posted = faultline::app::ensure_comment(client, "FAULT-1", "00000000000000bb", "Other");
  REQUIRE(posted);
  CHECK(*posted == OpStatus::Done);
  fake.verify();
}

TEST_CASE("the property sent log records deliveries per dedupe key and channel", "[app][fault][ops][notify]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/properties/faultline.notified")
      .reply(200, R"({"key":"faultline.notified","value":{"FAULT-1:fault.opened":["ops"]}})");
  fake.on(Method::Put, "/rest/api/2/issue/FAULT-1/properties/faultline.notified")
      .json_body([](const nlohmann::json& body) {
        return body["FAULT-1:fault.opened"] == nlohmann::json::array({"ops", "spare"});
      })
      .reply(200);
  auto client = datacenter_client(fake);
  faultline::app::PropertySentLog log(client, "FAULT-1");
  CHECK(log.load_warning().empty());
  CHECK(log.was_sent("FAULT-1:fault.opened", "ops"));
  CHECK(!log.was_sent("FAULT-1:fault.opened", "spare"));
  CHECK(!log.was_sent("FAULT-1:fault.recovered", "ops"));
  REQUIRE(log.mark_sent("FAULT-1:fault.opened", "spare"));
  CHECK(log.was_sent("FAULT-1:fault.opened", "spare"));
  REQUIRE(log.mark_sent("FAULT-1:fault.opened", "ops"));  // already there: no write
  fake.verify();
  CHECK(fake.calls().size() == 2);
}

TEST_CASE("a sent log that could not be read refuses every write", "[app][fault][ops][notify]") {
  // Written from an unknown state, the record would drop what other runs recorded (and the
  // notifier, unable to record its intent, sends nothing).
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-3/properties/faultline.notified")
      .reply(503, R"({"errorMessages":["Service Unavailable"],"errors":{}})");
  auto client = datacenter_client(fake);
  faultline::app::PropertySentLog log(client, "FAULT-3");
  CHECK(!log.load_warning().empty());
  auto marked = log.mark_sent("FAULT-3:fault.opened", "ops");
  REQUIRE(!marked);
  CHECK(marked.error().message.find("FAULT-3 could not be read") != std::string::npos);
  CHECK(marked.error().kind == faultline::ErrorKind::Unavailable);
  fake.verify();
  CHECK(fake.calls().size() == 1);  // no PUT
}

TEST_CASE("a missing sent-log property is an empty log, not a warning", "[app][fault][ops][notify]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2/properties/faultline.notified")
      .reply(404, R"({"errorMessages":["The property with key 'faultline.notified' does not exist."],"errors":{}})");
  auto client = datacenter_client(fake);
  faultline::app::PropertySentLog log(client, "FAULT-2");
  CHECK(log.load_warning().empty());
  CHECK(!log.was_sent("FAULT-2:fault.opened", "ops"));
  fake.verify();
}
