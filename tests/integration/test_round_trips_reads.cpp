// The long reads' round-trip budget, on both flavors, over a seeded set of a few thousand
// issues (1,500 faults, 1,234 of them open; 2,500 actions, 2,100 open, 1,200 overdue: enough
// for several pages of every kind at the sandbox's grant of 1,000 and Cloud's bulk fetch of
// 100, small enough for a -O0 build): `board --json` and `actions --overdue --json` make
// exactly the requests the plan says (jira::read_all: Data Center pages of what the server
// grants, fetched together; Cloud ids beside a first page with the fields, then bulk fetches
// of the rest), never ask for *navigable,
// never read a property one issue at a time, and list every issue once.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using nlohmann::json;

namespace {

constexpr int k_faults = 1500;
constexpr int k_open_faults = 1234;
constexpr int k_actions = 2500;
constexpr int k_overdue = 1200;  // actions 0..1199: due 2026-11-01, open
constexpr int k_open_actions = 2100;  // actions 1200..2099: due 2026-12-20, open; the rest done

int ceil_div(int a, int b) { return (a + b - 1) / b; }

json seed_issues(const FlavorCase& flavor) {
  json issues = json::array();
  const std::string levels[] = {"P1", "P2", "P3", "P4"};
  for (int n = 1; n <= k_faults; ++n) {
    const std::string level = levels[n % 4];
    const bool open = n <= k_open_faults;
    json fields{{"project", {{"key", "FAULT"}}},
                {"issuetype", {{"name", "Fault"}}},
                {"summary", fmt::format("fault {}", n)},
                {"description", "what happened"},
                {"labels", {"fault", "fault-level-" + std::string(1, 'p') + level.substr(1)}},
                {"assignee", flavor.user_json(n % 2 ? flavor.alice : flavor.bob)},
                {"customfield_10010", {{"value", level}}},
                {"customfield_10013", n % 3 ? "payments" : "search"},
                {"customfield_10016", fmt::format("2026-10-{:02}T02:00:00.000+0000", 1 + n % 28)}};
    issues.push_back({{"key", fmt::format("FAULT-{}", n)},
                      {"fields", fields},
                      {"status", open ? "10101" : "10104"},
                      {"created", fmt::format("2026-10-{:02}T03:00:00.000+0000", 1 + n % 28)},
                      {"properties", {{{"key", "faultline"}, {"value", {{"schema", 1}, {"impact", fmt::format("impact {}", n)}}}}}}});
  }
  for (int i = 0; i < k_actions; ++i) {
    const int parent = 1 + i % k_open_faults;
    const std::string id = fmt::format("fault-{}-{}", parent, i);
    json fields{{"project", {{"key", "FAULT"}}},
                {"issuetype", {{"name", "Sub-task"}}},
                {"parent", {{"key", fmt::format("FAULT-{}", parent)}}},
                {"summary", fmt::format("action {}", i)},
                {"labels", {"fault-action", "fault-action-id-" + id, "fault-action-kind-prevent"}},
                {"duedate", i < k_overdue ? "2026-11-01" : "2026-12-20"},
                {"assignee", flavor.user_json(i % 2 ? flavor.alice : flavor.bob)}};
    issues.push_back({{"key", fmt::format("FAULT-{}", k_faults + 1 + i)},
                      {"fields", fields},
                      {"status", i < k_open_actions ? "10110" : "10112"},
                      {"created", "2026-10-15T03:00:00.000+0000"},
                      {"properties", {{{"key", "faultline.action"}, {"value", {{"id", id}, {"kind", "prevent"}}}}}}});
  }
  return issues;
}

// Fields for the board's facts the default seed has none for (review_deadline and the rest):
// with them bound, the board needs no property.
json board_fact_fields() {
  return json::array({{{"id", "customfield_10030"}, {"name", "Reviewed At"}, {"type", "datetime"}},
                      {{"id", "customfield_10031"}, {"name", "Last Update At"}, {"type", "datetime"}},
                      {{"id", "customfield_10032"}, {"name", "Review Deadline"}, {"type", "datetime"}},
                      {{"id", "customfield_10033"}, {"name", "Review Scheduled At"}, {"type", "datetime"}},
                      {{"id", "customfield_10034"}, {"name", "Review Late Reason"}, {"type", "textfield"}}});
}

constexpr const char* k_board_bindings =
    "recovered_at = \"Recovered At\"\nreviewed_at = \"Reviewed At\"\nlast_update = \"Last Update At\"\n"
    "review_deadline = \"Review Deadline\"\nreview_scheduled_at = \"Review Scheduled At\"\n"
    "review_late_reason = \"Review Late Reason\"\n";

std::string write_reads_config(const std::filesystem::path& dir, const FlavorCase& flavor, bool bind_board_facts = false) {
  return write_config(dir, jira_config(flavor) +
                               "[jira.fields]\nlevel = \"Fault Level\"\nteam = \"Team\"\nstarted_at = \"Started At\"\n" +
                               (bind_board_facts ? k_board_bindings : "") + "\n"
                               "[team]\ntimezone = \"Asia/Shanghai\"\nreview_due_hours = 24\n\n"
                               "[people.alice]\njira = \"" + std::string(flavor.alice) + "\"\n"
                               "[people.bob]\njira = \"" + std::string(flavor.bob) + "\"\n");
}

// The requests since `since`, by "METHOD path-ending" kind, checking on the way that every
// search and bulk fetch named its fields and none asked for *navigable / *all.
struct RequestTally {
  int total = 0;
  int searches = 0;      // GET /search (DC), POST /search/jql (Cloud)
  int bulk_fetches = 0;  // POST /issue/bulkfetch
  int property_gets = 0;  // GET /issue/{key}/properties/...
  int others = 0;
};

RequestTally tally(const SandboxApi& api, std::size_t since) {
  RequestTally t;
  for (const auto& r : api.requests_since(since)) {
    const std::string path = r["path"];
    if (path.starts_with("/_sandbox/")) continue;
    ++t.total;
    const bool search = path.ends_with("/search") || path.ends_with("/search/jql");
    const bool bulk = path.ends_with("/issue/bulkfetch");
    if (search) ++t.searches;
    else if (bulk) ++t.bulk_fetches;
    else if (path.find("/properties/") != std::string::npos) ++t.property_gets;
    else ++t.others;
    if (search || bulk) {
      std::string fields;
      if (r["method"] == "GET") {
        fields = r["query"].value("fields", std::string());
        CHECK_FALSE(fields.empty());
      } else {
        const auto body = json::parse(r["body"].get<std::string>());
        // A Cloud ids-only page names no fields (Jira then returns ids, up to 5,000 a page).
        if (bulk) CHECK(body.contains("fields"));
        fields = body.value("fields", json::array()).dump();
      }
      INFO(path << " fields=" << fields);
      CHECK(fields.find("*navigable") == std::string::npos);
      CHECK(fields.find("*all") == std::string::npos);
    }
  }
  return t;
}

std::set<std::string> keys_of(const json& list) {
  std::set<std::string> keys;
  for (const auto& item : list) keys.insert(item["key"].get<std::string>());
  return keys;
}

}  // namespace

TEST_CASE("board and actions --overdue over a few thousand issues keep their request budget on both flavors",
          "[integration][reads][round-trips]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor.flavor);
  const SandboxApi api(sandbox, flavor);
  api.control(faultline::http::Method::Post, "/_sandbox/seed",
              {{"mode", "extend"}, {"jira", {{"fields", board_fact_fields()}, {"issues", seed_issues(flavor)}}}});
  api.catch_up_index();
  const auto dir = test_dir("reads-" + std::string(flavor.flavor));
  const auto config = write_reads_config(dir, flavor);
  TestApp app = make_app(sandbox);
  // 2026-11-26 07:30 in Shanghai.
  app.clock.set(faultline::core::TimePoint{std::chrono::milliseconds{1795649400000}});

  // Open faults: the sandbox's default seed has none of type Fault open? Count what it holds.
  const int open_faults = k_open_faults;
  const int open_actions = k_open_actions;

  SECTION("board --json") {
    const auto before = api.next_request();
    auto board = run_json(app, {"--config", config, "--json", "board"});
    const auto t = tally(api, before);
    INFO("total " << t.total << " searches " << t.searches << " bulk " << t.bulk_fetches << " props "
                  << t.property_gets << " others " << t.others);
    CHECK(board["faults"].size() == static_cast<std::size_t>(open_faults));
    CHECK(keys_of(board["faults"]).size() == static_cast<std::size_t>(open_faults));
    CHECK(board["overdue"].size() == static_cast<std::size_t>(k_overdue));
    CHECK(board["pending"].size() == static_cast<std::size_t>(open_actions - k_overdue));
    CHECK(board["faults"][0]["impact"].get<std::string>().starts_with("impact "));  // the property was read
    if (flavor.cloud()) {
      // One ids page each (<= 5,000) beside a first page with the fields (the sandbox grants
      // 1,000 of them); then, since that is more than a bulk fetch holds, searches over id
      // ranges of 1,000 of the rest, side by side, with the property inline.
      CHECK(t.searches == 4 + ceil_div(open_faults - 1000, 1000) + ceil_div(open_actions - 1000, 1000));
      CHECK(t.bulk_fetches == 0);
      CHECK(t.property_gets == 0);
    } else {
      // Pages of the 1,000 the sandbox grants; Data Center's search returns no entity
      // properties (its API has no `properties`), so each fault's is read once, concurrently.
      CHECK(t.searches == ceil_div(open_faults, 1000) + ceil_div(open_actions, 1000));
      CHECK(t.bulk_fetches == 0);
      CHECK(t.property_gets == open_faults);
    }
    CHECK(t.others == 1);  // GET /field (the schema)
    CHECK(t.total == t.searches + t.bulk_fetches + t.property_gets + t.others);
  }

  SECTION("board --json with every board fact bound to a field reads no property") {
    const auto bound_config = write_reads_config(dir / "bound", flavor, true);
    const auto before = api.next_request();
    auto board = run_json(app, {"--config", bound_config, "--json", "board"});
    const auto t = tally(api, before);
    INFO("total " << t.total << " searches " << t.searches << " bulk " << t.bulk_fetches << " props "
                  << t.property_gets << " others " << t.others);
    CHECK(board["faults"].size() == static_cast<std::size_t>(open_faults));
    CHECK(board["overdue"].size() == static_cast<std::size_t>(k_overdue));
    CHECK(board["faults"][0]["team"].is_string());  // from its field
    CHECK(board["faults"][0]["impact"] == "");      // only the property holds it, and it was not asked for
    CHECK(t.property_gets == 0);
    if (flavor.cloud()) {
      CHECK(t.searches == 4 + ceil_div(open_faults - 1000, 1000) + ceil_div(open_actions - 1000, 1000));
      CHECK(t.bulk_fetches == 0);
    } else {
      CHECK(t.searches == ceil_div(open_faults, 1000) + ceil_div(open_actions, 1000));
    }
    CHECK(t.others == 1);  // GET /field
    CHECK(t.total == t.searches + t.bulk_fetches + t.others);
  }

  SECTION("actions --overdue --json") {
    const auto before = api.next_request();
    auto overdue = run_json(app, {"--config", config, "--json", "actions", "--overdue"});
    const auto t = tally(api, before);
    INFO("total " << t.total << " searches " << t.searches << " bulk " << t.bulk_fetches << " props "
                  << t.property_gets << " others " << t.others);
    CHECK(overdue.size() == static_cast<std::size_t>(k_overdue));
    CHECK(keys_of(overdue).size() == static_cast<std::size_t>(k_overdue));
    CHECK(t.property_gets == 0);
    if (flavor.cloud()) {
      CHECK(t.searches == 2 + ceil_div(k_overdue - 1000, 1000));
      CHECK(t.bulk_fetches == 0);
    } else {
      CHECK(t.searches == ceil_div(k_overdue, 1000));
      CHECK(t.bulk_fetches == 0);
    }
    CHECK(t.others == 1);  // GET /field (the schema)
    CHECK(t.total == t.searches + t.bulk_fetches + t.others);
  }
}
