// Tracking against the sandbox, on Cloud and Data Center: a fault with action sub-tasks due
// yesterday, today and tomorrow (team zone) plus a done one; `board --json` puts each in the
// right lane, `actions --overdue --fail-on-overdue` exits 10, `actions --pending --json`
// lists the rest, --owner and --team narrow it, and more than one page of actions (122)
// comes back complete, each once.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "faultline/jira/client.hpp"
#include "support/integration.hpp"

using namespace faultline::testing;
using nlohmann::json;

namespace {

std::string write_config(const std::filesystem::path& dir, const FlavorCase& flavor_case) {
  return faultline::testing::write_config(
      dir, jira_config(flavor_case) +
               "[jira.fields]\nlevel = \"Fault Level\"\nteam = \"Team\"\nservice = \"Service\"\n"
               "started_at = \"Started At\"\nrecovered_at = \"Recovered At\"\n\n"
               "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
               "[people.alice]\njira = \"" + flavor_case.alice + "\"\n"
               "[people.bob]\njira = \"" + flavor_case.bob + "\"\n");
}

// The app at 2026-11-25T23:30:00Z: already 26 Nov in Asia/Shanghai, the team's zone.
TestApp make_tracking_app(const SandboxProcess& sandbox) {
  TestApp app = make_app(sandbox);
  app.clock.set(faultline::core::TimePoint{std::chrono::milliseconds{1795649400000}});
  return app;
}

std::vector<std::string> keys_of(const json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item["key"].get<std::string>());
  return out;
}

// Creates action sub-tasks straight through the Jira REST API (not through faultline's
// action commands), the way a review publish leaves them.
class Seeder {
public:
  Seeder(const SandboxProcess& sandbox, const FlavorCase& flavor_case)
      : m_transport(faultline::http::make_curl_transport(faultline::http::CurlOptions{})),
        m_client(*m_transport,
                 faultline::jira::Connection{sandbox.url(), flavor_case.user, "sandbox-token",
                                             faultline::jira::AuthScheme::Auto},
                 flavor_case.cloud() ? faultline::jira::Flavor::Cloud : faultline::jira::Flavor::DataCenter) {}

  faultline::jira::IssueInput action(const std::string& parent, const std::string& summary, const char* due,
                                     const std::string& owner) const {
    faultline::jira::IssueInput input;
    input.fields["project"] = {{"key", "FAULT"}};
    input.fields["issuetype"] = {{"name", "Sub-task"}};
    input.fields["parent"] = {{"key", parent}};
    input.fields["summary"] = summary;
    input.fields["labels"] = {"fault-action"};
    if (due != nullptr) input.fields["duedate"] = due;
    input.fields["assignee"] = m_client.user_json(faultline::jira::UserRef{owner});
    return input;
  }

  std::vector<std::string> create(const std::vector<faultline::jira::IssueInput>& inputs) {
    auto result = m_client.create_issues(inputs);
    std::vector<std::string> keys;
    for (const auto& item : result.items) {
      INFO((item ? std::string() : item.error().message));
      REQUIRE(item);
      keys.push_back(item->key);
    }
    return keys;
  }

  void close(const std::string& key) { REQUIRE(m_client.transition_to_status(key, "Done")); }

private:
  std::unique_ptr<faultline::http::Transport> m_transport;
  faultline::jira::Client m_client;
};

}  // namespace

TEST_CASE("board and actions lanes end to end; paging returns every action once", "[integration][tracking]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor);
  const SandboxApi api(sandbox, flavor_case);
  const auto dir = test_dir("tracking-" + std::string(flavor_case.flavor));
  const auto config = write_config(dir, flavor_case);
  TestApp app = make_tracking_app(sandbox);

  auto payments = run_json(app, {"--config", config, "--json", "open", "--title", "Checkout returns 500", "--level", "P2",
                                 "--team", "payments", "--service", "checkout", "--started-at", "-2h"});
  auto search = run_json(app, {"--config", config, "--json", "open", "--title", "Search is slow", "--level", "P3",
                               "--team", "search", "--service", "search", "--started-at", "-30m"});
  const std::string fault_a = payments["key"];
  const std::string fault_b = search["key"];

  Seeder seeder(sandbox, flavor_case);
  // Today is 2026-11-26 in Shanghai (the UTC date is still the 25th).
  const auto keys = seeder.create({seeder.action(fault_a, "Add a circuit breaker", "2026-11-25", flavor_case.alice),
                                   seeder.action(fault_a, "Alert on 5xx rate", "2026-11-26", flavor_case.bob),
                                   seeder.action(fault_a, "Load test checkout", "2026-11-27", flavor_case.alice),
                                   seeder.action(fault_a, "Write the runbook", "2026-11-24", flavor_case.bob)});
  const auto& yesterday = keys[0];
  const auto& today = keys[1];
  const auto& tomorrow = keys[2];
  seeder.close(keys[3]);  // done: on no lane although its date has passed

  SECTION("board --json lanes exactly right") {
    auto board = run_json(app, {"--config", config, "--json", "board"});
    CHECK(keys_of(board["faults"]) == std::vector<std::string>{fault_a, fault_b});  // P2 before P3
    CHECK(keys_of(board["overdue"]) == std::vector<std::string>{yesterday});
    CHECK(keys_of(board["pending"]) == std::vector<std::string>{today, tomorrow});
    CHECK(board["overdue"][0]["days_overdue"] == 1);
    CHECK(board["overdue"][0]["parent"] == fault_a);
    CHECK(board["overdue"][0]["due"] == "2026-11-25");
    CHECK(board["overdue"][0]["owner"] == flavor_case.alice);
    CHECK(board["pending"][0]["days_overdue"] == 0);
    CHECK(board["faults"][0]["level"] == "P2");
    CHECK(board["faults"][0]["team"] == "payments");
    CHECK(board["faults"][0]["age"] == "2h");

    auto team = run_json(app, {"--config", config, "--json", "board", "--team", "search"});
    CHECK(keys_of(team["faults"]) == std::vector<std::string>{fault_b});
    CHECK(team["overdue"].empty());
    CHECK(team["pending"].empty());
  }

  SECTION("actions --overdue --fail-on-overdue exits 10; --pending lists the rest") {
    auto overdue = run_json(app, {"--config", config, "--json", "actions", "--overdue", "--fail-on-overdue"}, 10);
    CHECK(keys_of(overdue) == std::vector<std::string>{yesterday});
    auto pending = run_json(app, {"--config", config, "--json", "actions", "--pending"});
    CHECK(keys_of(pending) == std::vector<std::string>{today, tomorrow});
    auto bobs = run_json(app, {"--config", config, "--json", "actions", "--pending", "--owner", "bob"});
    CHECK(keys_of(bobs) == std::vector<std::string>{today});
    auto none = run_json(app, {"--config", config, "--json", "actions", "--overdue", "--team", "search",
                               "--fail-on-overdue"});
    CHECK(none.empty());
    // Piped: plain rows, no progress line.
    REQUIRE(app.run({"--config", config, "actions", "--overdue"}) == 0);
    CHECK(app.out.str().rfind(yesterday + "\toverdue\t2026-11-25\t1d\t", 0) == 0);
    CHECK(app.err.str().empty());
  }

  SECTION("more than one page: 122 pending actions, each once") {
    std::vector<faultline::jira::IssueInput> many;
    for (int i = 0; i < 120; ++i) {
      many.push_back(seeder.action(fault_b, "Bulk action " + std::to_string(i), i % 3 == 0 ? nullptr : "2026-12-01",
                                   flavor_case.bob));
    }
    const auto created = seeder.create(many);
    REQUIRE(created.size() == 120);
    const auto since = api.next_request();
    auto pending = run_json(app, {"--config", config, "--json", "actions", "--pending"});
    REQUIRE(pending.size() == 122);
    // Read as jira::read_all plans it: Data Center grants 1000 a page, so one search; Cloud
    // reads the ids with one search/jql beside a first page with the fields, which held all
    // 122 here (the sandbox grants up to 1,000), so nothing is bulk fetched.
    int searches = 0;
    int bulk_fetches = 0;
    std::size_t fetched_ids = 0;
    const auto log = api.requests_since(since);
    INFO(log.dump().substr(0, 3000));
    for (const auto& r : log) {
      const std::string path = r["path"];
      if (path == "/rest/api/2/search" || path == "/rest/api/3/search/jql") ++searches;
      if (path == "/rest/api/3/issue/bulkfetch") {
        ++bulk_fetches;
        const auto body = r["body"].is_string() ? nlohmann::json::parse(r["body"].get<std::string>()) : r["body"];
        REQUIRE(body["issueIdsOrKeys"].size() <= 100);
        fetched_ids += body["issueIdsOrKeys"].size();
      }
    }
    CHECK(searches == (flavor_case.cloud() ? 2 : 1));
    if (flavor_case.cloud()) {
      CHECK(bulk_fetches == 0);
      CHECK(fetched_ids == 0);
    } else {
      CHECK(bulk_fetches == 0);
    }
    std::set<std::string> unique;
    for (const auto& item : pending) unique.insert(item["key"].get<std::string>());
    CHECK(unique.size() == 122);
    for (const auto& key : created) CHECK(unique.contains(key));
    // Due soonest first, no due date last.
    CHECK(pending[0]["key"] == today);
    CHECK(pending[1]["key"] == tomorrow);
    CHECK(pending[121]["due"].is_null());
    auto board = run_json(app, {"--config", config, "--json", "board"});
    CHECK(board["pending"].size() == 122);
    CHECK(board["overdue"].size() == 1);
  }
}
