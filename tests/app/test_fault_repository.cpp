// Data Center's /rest/api/2/search has no `properties` parameter (jira-dc-10.3 spec: jql,
// startAt, maxResults, validateQuery, fields, expand), so FaultRepository reads the
// `faultline` property of each result afterwards: one request after another without a batch
// transport, one concurrent send_all batch with it. The request counts are measured here, and
// `open --dedupe-key` on Data Center uses the batch.
#include <catch2/catch.hpp>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "faultline/app/fault_repository.hpp"
#include "faultline/app/open_fault.hpp"
#include "faultline/core/labels.hpp"
#include "support/fake_transport.hpp"
#include "support/test_services.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::testing::TestServices;

namespace {

nlohmann::json dc_fault(const std::string& id, const std::string& key, const std::string& created) {
  return {{"id", id},
          {"key", key},
          {"fields",
           {{"summary", "Disk full on db1"},
            {"status", {{"name", "Reported"}, {"statusCategory", {{"key", "new"}}}}},
            {"created", created},
            {"labels", {"fault", "fault-level-p3", faultline::core::dedupe_label("db1/disk")}}}}};
}

// Three open faults with the key (an earlier race), as Data Center's search returns them.
std::string three_faults() {
  nlohmann::json page{{"startAt", 0},
                      {"maxResults", 100},
                      {"total", 3},
                      {"issues",
                       {dc_fault("10007", "FAULT-7", "2026-11-18T10:00:00.000+0800"),
                        dc_fault("10008", "FAULT-8", "2026-11-18T10:00:01.000+0800"),
                        dc_fault("10009", "FAULT-9", "2026-11-18T10:00:02.000+0800")}}};
  return page.dump();
}

std::string property_of(const std::string& service) {
  return nlohmann::json{{"key", "faultline"},
                        {"value", {{"schema", 1}, {"level", "P3"}, {"service", service}, {"dedupe_key", "db1/disk"}}}}
      .dump();
}

void expect_properties(FakeTransport& fake) {
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/properties/faultline").reply(200, property_of("db7"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-8/properties/faultline").reply(200, property_of("db8"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-9/properties/faultline").reply(404, R"({"errorMessages":["gone"]})");
}

std::size_t property_calls(const FakeTransport& fake) {
  std::size_t count = 0;
  for (const auto& call : fake.calls())
    if (call.url.find("/properties/faultline") != std::string::npos) ++count;
  return count;
}

}  // namespace

TEST_CASE("Data Center search results get their property in one concurrent batch instead of one by one",
          "[app][repository][properties]") {
  faultline::config::Config config;
  config.jira.project = "FAULT";
  config.jira.fault_type = "Fault";
  const auto* zone = date::locate_zone("Asia/Shanghai");
  const bool batched = GENERATE(false, true);

  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").no_query("properties").reply(200, three_faults());
  expect_properties(fake);
  faultline::jira::Client client(fake, {"https://jira.example.com", "", "pat-token-123456", faultline::jira::AuthScheme::Bearer},
                                 faultline::jira::Flavor::DataCenter);
  faultline::app::FaultRepository repo(client, config, zone);
  if (batched) repo.use_batch_transport(fake);

  auto faults = repo.search(repo.fault_scope_jql(), 50);
  REQUIRE(faults.has_value());
  REQUIRE(faults->size() == 3);
  CHECK((*faults)[0].service == "db7");
  CHECK((*faults)[1].service == "db8");
  CHECK((*faults)[2].service.empty());  // its property could not be read: left out
  fake.verify();
  // The same four requests either way; batched, the three reads travel together.
  CHECK(fake.calls().size() == 4);
  CHECK(property_calls(fake) == 3);
  if (batched) CHECK(fake.batches() == std::vector<std::size_t>{3});
  else CHECK(fake.batches().empty());
}

TEST_CASE("a single search result without its property is read with one plain request", "[app][repository][properties]") {
  faultline::config::Config config;
  config.jira.project = "FAULT";
  config.jira.fault_type = "Fault";
  FakeTransport fake;
  nlohmann::json page{{"startAt", 0}, {"maxResults", 100}, {"total", 1},
                      {"issues", {dc_fault("10007", "FAULT-7", "2026-11-18T10:00:00.000+0800")}}};
  fake.on(Method::Get, "/rest/api/2/search").reply(200, page.dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/properties/faultline").reply(200, property_of("db7"));
  faultline::jira::Client client(fake, {"https://jira.example.com", "", "pat-token-123456", faultline::jira::AuthScheme::Bearer},
                                 faultline::jira::Flavor::DataCenter);
  faultline::app::FaultRepository repo(client, config, date::locate_zone("UTC"));
  repo.use_batch_transport(fake);
  auto faults = repo.search(repo.fault_scope_jql(), 50);
  REQUIRE(faults.has_value());
  CHECK(faults->at(0).service == "db7");
  CHECK(fake.batches().empty());
  fake.verify();
}

TEST_CASE("open_fault with a dedupe key on Data Center reads the found faults' properties in one batch",
          "[app][open][dedupe][properties]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").reply(200, three_faults());
  expect_properties(fake);
  // The re-report comment on the oldest; the two newer ones are closed as its duplicates.
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/comment").reply(200, R"({"startAt":0,"maxResults":50,"total":0,"comments":[]})");
  fake.on(Method::Post, "/rest/api/2/issue/FAULT-7/comment").reply(201, R"({"id":"1","body":"x","created":"2026-11-18T10:05:00.000+0800"})");
  fake.on(Method::Get, "/rest/api/2/issueLinkType")
      .reply(200, R"({"issueLinkTypes":[{"id":"10002","name":"Duplicate","inward":"is duplicated by","outward":"duplicates"}]})");
  for (const char* key : {"FAULT-8", "FAULT-9"}) {
    fake.on(Method::Get, std::string("/rest/api/2/issue/") + key + "/transitions")
        .reply(200, R"({"transitions":[{"id":"41","name":"Close","to":{"id":"10104","name":"Closed","statusCategory":{"key":"done"}}}]})");
    fake.on(Method::Post, std::string("/rest/api/2/issue/") + key + "/transitions").reply(204);
  }
  fake.on(Method::Post, "/rest/api/2/issueLink").reply(201).times(2);

  TestServices services(fake,
                        "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\n"
                        "project = \"FAULT\"\n\n[team]\ntimezone = \"Asia/Shanghai\"\n",
                        {{"T", "secret-token-1234567"}});
  auto session = faultline::app::open_fault_session(services);
  REQUIRE(session);
  faultline::core::Fault draft;
  draft.summary = "Disk full on db1";
  draft.level = "P3";
  draft.dedupe_key = "db1/disk";
  auto outcome = faultline::app::open_fault(services, *session, draft, faultline::app::Announce::No);
  REQUIRE(outcome);
  CHECK(outcome->fault.key == "FAULT-7");
  CHECK_FALSE(outcome->created);
  CHECK(outcome->duplicates_closed == std::vector<std::string>{"FAULT-8", "FAULT-9"});
  CHECK(fake.batches() == std::vector<std::size_t>{3});
  fake.verify();
}

TEST_CASE("find_open_by_dedupe keeps only faults that carry the dedupe label", "[app][open][dedupe]") {
  // A search that answers loosely (a proxy, an index gone wrong): FAULT-7 has the label,
  // FAULT-8 does not and must not get an alert's comment.
  FakeTransport fake;
  auto unlabelled = dc_fault("10008", "FAULT-8", "2026-11-18T10:00:01.000+0800");
  unlabelled["fields"]["labels"] = {"fault", "fault-level-p3"};
  nlohmann::json page{{"startAt", 0}, {"maxResults", 100}, {"total", 2},
                      {"issues", {dc_fault("10007", "FAULT-7", "2026-11-18T10:00:00.000+0800"), unlabelled}}};
  fake.on(Method::Get, "/rest/api/2/search").reply(200, page.dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-7/properties/faultline").reply(200, property_of("db7"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-8/properties/faultline").reply(200, property_of("db8"));
  faultline::jira::Client client(fake, {"https://jira.example.com", "", "pat-token-123456", faultline::jira::AuthScheme::Bearer},
                                 faultline::jira::Flavor::DataCenter);
  faultline::config::Config config;
  config.jira.project = "FAULT";
  config.jira.fault_type = "Fault";
  faultline::app::FaultRepository repo(client, config, date::locate_zone("UTC"));
  auto found = repo.find_open_by_dedupe("db1/disk");
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK(found->front().key == "FAULT-7");
}
