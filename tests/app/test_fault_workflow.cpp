// Mapping the process steps onto a site's workflow (init) and walking a fault forward on a
// workflow that lacks some steps: an unset or unreachable step is a Workflow error, which the
// use-cases' step lists turn into a warning.
#include <catch2/catch.hpp>

#include "faultline/app/fault_workflow.hpp"
#include "faultline/app/site_discovery.hpp"
#include "faultline/config/config.hpp"
#include "support/fake_transport.hpp"

using faultline::ErrorKind;
using faultline::app::map_workflow_steps;
using faultline::app::WorkflowStatus;
using faultline::app::WorkflowStep;
using faultline::http::Method;
using faultline::test::FakeTransport;

TEST_CASE("init maps Jira's stock workflow and leaves the steps it lacks unset", "[app][workflow]") {
  const std::vector<WorkflowStatus> stock = {{"To Do", "new"}, {"In Progress", "indeterminate"}, {"Done", "done"}};
  const auto steps = map_workflow_steps(stock);
  CHECK(steps.at("reported") == "To Do");
  CHECK(steps.at("handling") == "In Progress");
  CHECK(steps.at("recovered").empty());
  CHECK(steps.at("reviewing").empty());
  CHECK(steps.at("closed") == "Done");
}

TEST_CASE("a Done-category 'Resolved' is not used for the recovered step", "[app][workflow]") {
  // Jira's classic workflow: Open, In Progress, Reopened, Resolved and Closed (both Done).
  const std::vector<WorkflowStatus> classic = {{"Open", "new"},
                                               {"In Progress", "indeterminate"},
                                               {"Reopened", "new"},
                                               {"Resolved", "done"},
                                               {"Closed", "done"}};
  const auto steps = map_workflow_steps(classic);
  CHECK(steps.at("reported") == "Open");
  CHECK(steps.at("handling") == "In Progress");
  CHECK(steps.at("recovered").empty());
  CHECK(steps.at("closed") == "Closed");
}

TEST_CASE("a workflow with faultline's own statuses maps every step", "[app][workflow]") {
  const std::vector<WorkflowStatus> ours = {{"Reported", "new"},
                                            {"Handling", "indeterminate"},
                                            {"Recovered", "indeterminate"},
                                            {"Reviewing", "indeterminate"},
                                            {"Closed", "done"}};
  const auto steps = map_workflow_steps(ours);
  CHECK(steps.at("reported") == "Reported");
  CHECK(steps.at("handling") == "Handling");
  CHECK(steps.at("recovered") == "Recovered");
  CHECK(steps.at("reviewing") == "Reviewing");
  CHECK(steps.at("closed") == "Closed");
  // No category at all (an old server): names alone decide.
  const auto plain = map_workflow_steps({{"Reported", ""}, {"Mitigated", ""}, {"Done", ""}});
  CHECK(plain.at("recovered") == "Mitigated");
  CHECK(plain.at("closed") == "Done");
}

namespace {

faultline::jira::Client client_for(FakeTransport& fake) {
  return faultline::jira::Client(fake, faultline::jira::Connection{"https://jira.example.com", "", "tok-123456789"},
                                 faultline::jira::Flavor::DataCenter);
}

faultline::core::Fault fault_at(const std::string& status) {
  faultline::core::Fault fault;
  fault.key = "FAULT-1";
  fault.status = status;
  fault.status_category = "indeterminate";
  return fault;
}

}  // namespace

TEST_CASE("an unset step is a Workflow error without a request", "[app][workflow]") {
  FakeTransport fake;
  auto client = client_for(fake);
  faultline::config::Workflow workflow{"To Do", "In Progress", "", "", "Done"};
  auto fault = fault_at("In Progress");
  auto moved = faultline::app::advance_to(client, workflow, fault, WorkflowStep::Recovered);
  REQUIRE_FALSE(moved);
  CHECK(moved.error().kind == ErrorKind::Workflow);
  CHECK_THAT(moved.error().message, Catch::Contains("no status is set for the 'recovered' step"));
  CHECK_THAT(moved.error().hint, Catch::Contains("[jira.workflow] recovered"));
  CHECK(fake.calls().empty());
  CHECK(fault.status == "In Progress");
}

TEST_CASE("a step the workflow cannot reach is a Workflow error naming the transitions", "[app][workflow]") {
  FakeTransport fake;
  // Asked once for the step, once more on the walk from the fault's own step.
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/transitions")
      .reply(200, R"({"transitions":[{"id":"121","name":"Done","to":{"name":"Done","statusCategory":{"key":"done"}}}]})")
      .times(2);
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1")
      .reply(200, R"({"id":"1","key":"FAULT-1","fields":{"status":{"name":"In Progress","statusCategory":{"key":"indeterminate"}}}})");
  auto client = client_for(fake);
  faultline::config::Workflow workflow{"To Do", "In Progress", "Recovered", "", "Done"};
  auto fault = fault_at("In Progress");
  auto moved = faultline::app::advance_to(client, workflow, fault, WorkflowStep::Recovered);
  REQUIRE_FALSE(moved);
  CHECK(moved.error().kind == ErrorKind::Workflow);
  REQUIRE(moved.error().details.size() == 1);
  CHECK(moved.error().details[0].find("'Done'") != std::string::npos);
  CHECK_THAT(moved.error().hint, Catch::Contains("the other steps went on"));
}

TEST_CASE("walking to a step passes over the unset steps before it", "[app][workflow]") {
  // Reported -> (handling unset) -> Recovered: the walk from Reported goes straight on.
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/transitions")
      .reply(200, R"({"transitions":[{"id":"21","name":"Recover","to":{"name":"Recovered","statusCategory":{"key":"indeterminate"}}}]})");
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-1/transitions").reply(204, "");
  auto client = client_for(fake);
  faultline::config::Workflow workflow{"Reported", "", "Recovered", "Reviewing", "Closed"};
  auto fault = fault_at("Reported");
  auto moved = faultline::app::advance_to(client, workflow, fault, WorkflowStep::Recovered);
  REQUIRE(moved);
  CHECK(*moved == faultline::app::OpStatus::Done);
  CHECK(fault.status == "Recovered");
}
