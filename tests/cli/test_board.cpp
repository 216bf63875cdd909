// `board` and `actions --overdue|--pending` over the fake transport (Data Center and Cloud):
// lanes decided on the team's "today" (Asia/Shanghai, the clock at 2026-11-25T23:30Z = 26 Nov
// there), the JQL sent, exit 10 with --fail-on-overdue, usage errors without a request,
// piped rows vs terminal columns/sections, progress on stderr only on a terminal, and Data
// Center pages fetched together once the total is known.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "faultline/cli/output.hpp"
#include "support/fake_transport.hpp"
#include "support/test_context.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::query_param;
using faultline::testing::TestApp;
using nlohmann::json;

namespace {

// 2026-11-25T23:30:00Z: 26 Nov 07:30 in Shanghai.
const faultline::core::TimePoint k_now{std::chrono::milliseconds{1795649400000}};

std::string write_config(const std::string& name, const std::string& flavor) {
  const auto dir = std::filesystem::temp_directory_path() / ("faultline-test-board-" + name);
  std::filesystem::create_directories(dir);
  const auto path = (dir / "faultline.toml").string();
  std::ofstream file(path);
  file << "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"" << flavor << "\"\n"
       << (flavor == "cloud" ? "user = \"oncall@example.com\"\n" : "") << "token_env = \"T\"\nproject = \"FAULT\"\n\n"
       << "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\nreview_due_hours = 24\n\n"
       << "[http]\nconcurrency = 4\n";
  return path;
}

json action_issue(const std::string& key, const std::string& parent, const char* due, const std::string& owner,
                  const std::string& category = "new") {
  json fields{{"summary", "Action " + key},
              {"parent", {{"key", parent}, {"fields", {{"summary", "Fault " + parent}}}}},
              {"assignee", {{"name", owner}, {"displayName", owner}}},
              {"status", {{"name", category == "done" ? "Closed" : "Reported"}, {"statusCategory", {{"key", category}}}}},
              {"labels", {"fault-action"}}};
  if (due != nullptr) fields["duedate"] = due;
  return json{{"id", "2" + key.substr(key.find('-') + 1)}, {"key", key}, {"fields", fields}};
}

json dc_page(const std::vector<json>& issues, int start_at, int total) {
  return json{{"startAt", start_at}, {"maxResults", 50}, {"total", total}, {"issues", issues}};
}

json fault_issue(const std::string& key, const std::string& level) {
  return json{{"id", "1" + key.substr(key.find('-') + 1)},
              {"key", key},
              {"fields",
               {{"summary", "Fault " + key},
                {"status", {{"name", "Handling"}, {"statusCategory", {{"key", "indeterminate"}}}}},
                {"created", "2026-11-26T05:00:00.000+0800"},
                {"updated", "2026-11-26T07:00:00.000+0800"},
                {"labels", {"fault", "fault-level-" + level}}}}};
}

std::string fault_property(const std::string& team, const std::string& level) {
  return json{{"key", "faultline"}, {"value", {{"schema", 1}, {"level", level}, {"team", team}}}}.dump();
}

bool is_action_search(const faultline::http::Request& r) {
  auto jql = query_param(r.url, "jql");
  return jql && jql->find("fault-action") != std::string::npos;
}
bool is_fault_search(const faultline::http::Request& r) {
  auto jql = query_param(r.url, "jql");
  return jql && jql->find("issuetype = \"Fault\"") != std::string::npos;
}

// The three actions due yesterday, today and tomorrow (team zone), plus one without a date.
std::vector<json> lane_actions() {
  return {action_issue("FAULT-11", "FAULT-1", "2026-11-25", "alice"),
          action_issue("FAULT-12", "FAULT-1", "2026-11-26", "bob"),
          action_issue("FAULT-13", "FAULT-2", "2026-11-27", "carol"),
          action_issue("FAULT-14", "FAULT-2", nullptr, "alice")};
}

void stub_faults(FakeTransport& fake) {
  fake.on(Method::Get, "/rest/api/2/search")
      .when(is_fault_search)
      .reply(200, dc_page({fault_issue("FAULT-1", "p2"), fault_issue("FAULT-2", "p1")}, 0, 2).dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/properties/faultline").reply(200, fault_property("payments", "P2"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2/properties/faultline").reply(200, fault_property("search", "P1"));
}

std::vector<std::string> keys_of(const json& lane) {
  std::vector<std::string> out;
  for (const auto& item : lane) out.push_back(item["key"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("actions without a lane or subcommand prints help and exits 2, no request", "[cli][actions]") {
  const auto config = write_config("usage", "datacenter");
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  CHECK(app.run({"--config", config, "actions"}) == 2);
  CHECK(app.err.str().find("--overdue") != std::string::npos);
  CHECK(app.out.str().empty());
  CHECK(app.run({"--config", config, "actions", "--pending", "--fail-on-overdue"}) == 2);
  CHECK(app.err.str().find("--overdue") != std::string::npos);
}

TEST_CASE("actions --overdue --fail-on-overdue exits 10 with the JQL built on the team's today",
          "[cli][actions][overdue]") {
  const auto config = write_config("overdue", "datacenter");
  FakeTransport fake;
  std::string jql;
  fake.on(Method::Get, "/rest/api/2/search")
      .when([&](const faultline::http::Request& r) {
        if (!is_action_search(r)) return false;
        jql = query_param(r.url, "jql").value_or("");
        return true;
      })
      .reply(200, dc_page({lane_actions()[0]}, 0, 1).dump());
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  CHECK(app.run({"--config", config, "--json", "actions", "--overdue", "--fail-on-overdue"}) == 10);
  fake.verify();
  CHECK(jql.find(R"(duedate < "2026-11-26")") != std::string::npos);
  CHECK(jql.find(R"(statusCategory != "Done")") != std::string::npos);
  const auto out = json::parse(app.out.str());
  REQUIRE(out.size() == 1);
  CHECK(out[0]["key"] == "FAULT-11");
  CHECK(out[0]["days_overdue"] == 1);
  CHECK(out[0]["lane"] == "overdue");
  CHECK(out[0]["due"] == "2026-11-25");
  CHECK(out[0]["url"] == "https://jira.example.com/browse/FAULT-11");
  // Not piped to a terminal: no progress line.
  CHECK(app.err.str().find("fetching") == std::string::npos);
}

TEST_CASE("actions --overdue without overdue actions exits 0 even with --fail-on-overdue", "[cli][actions][overdue]") {
  const auto config = write_config("none-overdue", "datacenter");
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").when(is_action_search).reply(200, dc_page({}, 0, 0).dump());
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  CHECK(app.run({"--config", config, "actions", "--overdue", "--fail-on-overdue"}) == 0);
  CHECK(app.out.str().empty());
  CHECK(app.err.str().find("no overdue actions") != std::string::npos);
}

TEST_CASE("actions --pending --owner filters by assignee; rows are tab-separated when piped", "[cli][actions]") {
  const auto config = write_config("pending", "datacenter");
  FakeTransport fake;
  std::string jql;
  fake.on(Method::Get, "/rest/api/2/search")
      .when([&](const faultline::http::Request& r) {
        if (!is_action_search(r)) return false;
        jql = query_param(r.url, "jql").value_or("");
        return true;
      })
      .reply(200, dc_page({lane_actions()[3], lane_actions()[1]}, 0, 2).dump());
  // --owner is checked to be a Jira user before the search.
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "bob").reply(200, R"([{"name":"bob","key":"JIRAUSER2"}])");
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "actions", "--pending", "--owner", "bob"}) == 0);
  CHECK(jql.find(R"(assignee = "bob")") != std::string::npos);
  CHECK(jql.find(R"(duedate >= "2026-11-26" OR duedate is EMPTY)") != std::string::npos);
  // Due soonest first, no due date last.
  const auto out = app.out.str();
  CHECK(out.rfind("FAULT-12\tpending\t2026-11-26\t", 0) == 0);
  CHECK(out.find("\nFAULT-14\tpending\t\t") != std::string::npos);
}

TEST_CASE("board --json: the lanes exactly right on the team's today", "[cli][board]") {
  const auto config = write_config("board-json", "datacenter");
  FakeTransport fake;
  stub_faults(fake);
  auto actions = lane_actions();
  actions.push_back(action_issue("FAULT-15", "FAULT-1", "2026-11-20", "bob", "done"));  // done: on no lane
  fake.on(Method::Get, "/rest/api/2/search").when(is_action_search).reply(200, dc_page(actions, 0, 5).dump());
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "--json", "board"}) == 0);
  fake.verify();
  const auto board = json::parse(app.out.str());
  CHECK(keys_of(board["faults"]) == std::vector<std::string>{"FAULT-2", "FAULT-1"});  // P1 first
  CHECK(keys_of(board["overdue"]) == std::vector<std::string>{"FAULT-11"});
  CHECK(keys_of(board["pending"]) == std::vector<std::string>{"FAULT-12", "FAULT-13", "FAULT-14"});
  CHECK(board["faults"][1]["age"] == "2h 30m");
  CHECK(board["faults"][1]["team"] == "payments");
  CHECK(board["faults"][1].contains("review_deadline"));
  CHECK(board["faults"][1].contains("last_update"));
  const auto& overdue = board["overdue"][0];
  for (const char* key : {"key", "parent", "summary", "owner", "due", "status", "days_overdue"}) CHECK(overdue.contains(key));
  CHECK(overdue["days_overdue"] == 1);
  CHECK(overdue["parent"] == "FAULT-1");
  CHECK(board["pending"][2]["due"].is_null());
}

TEST_CASE("board --team keeps the team's faults and the actions of its faults", "[cli][board]") {
  const auto config = write_config("board-team", "datacenter");
  FakeTransport fake;
  stub_faults(fake);
  fake.on(Method::Get, "/rest/api/2/search").when(is_action_search).reply(200, dc_page(lane_actions(), 0, 4).dump());
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "--json", "board", "--team", "Payments"}) == 0);
  fake.verify();  // the parents are open faults already read: no second read of them
  const auto board = json::parse(app.out.str());
  CHECK(keys_of(board["faults"]) == std::vector<std::string>{"FAULT-1"});
  CHECK(keys_of(board["overdue"]) == std::vector<std::string>{"FAULT-11"});
  CHECK(keys_of(board["pending"]) == std::vector<std::string>{"FAULT-12"});
}

TEST_CASE("actions --team reads the parents' teams in one search", "[cli][actions]") {
  const auto config = write_config("actions-team", "datacenter");
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/search").when(is_action_search).reply(200, dc_page(lane_actions(), 0, 4).dump());
  fake.on(Method::Get, "/rest/api/2/search")
      .when([](const faultline::http::Request& r) {
        auto jql = query_param(r.url, "jql");
        return jql && jql->find(R"(key in ("FAULT-1", "FAULT-2"))") != std::string::npos &&
               jql->find(R"(issuetype = "Fault")") != std::string::npos;
      })
      .reply(200, dc_page({fault_issue("FAULT-1", "p2"), fault_issue("FAULT-2", "p1")}, 0, 2).dump());
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/properties/faultline").reply(200, fault_property("payments", "P2"));
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-2/properties/faultline").reply(200, fault_property("search", "P1"));
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "--json", "actions", "--pending", "--team", "search"}) == 0);
  fake.verify();
  CHECK(keys_of(json::parse(app.out.str())) == std::vector<std::string>{"FAULT-13", "FAULT-14"});
}

TEST_CASE("board output: rows when piped, columns on a wide terminal, sections on a narrow one", "[cli][board]") {
  const auto config = write_config("board-text", "datacenter");
  const auto run = [&](bool tty, const char* columns, std::string& out, std::string& err) {
    FakeTransport fake;
    stub_faults(fake);
    fake.on(Method::Get, "/rest/api/2/search").when(is_action_search).reply(200, dc_page(lane_actions(), 0, 4).dump());
    TestApp app;
    app.clock.set(k_now);
    app.env.set("T", "secret-token-1234567");
    if (columns != nullptr) app.env.set("COLUMNS", columns);
    app.tty = tty;
    app.transport = &fake;
    REQUIRE(app.run({"--config", config, "board"}) == 0);
    out = app.out.str();
    err = app.err.str();
  };
  std::string out, err;
  run(false, nullptr, out, err);
  CHECK(out.find("fault\tFAULT-2\tP1\tHandling\t") != std::string::npos);
  CHECK(out.find("overdue\tFAULT-11\tFAULT-1\talice\t2026-11-25\t1\t") != std::string::npos);
  CHECK(out.find("pending\tFAULT-14\tFAULT-2\talice\t\t0\t") != std::string::npos);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(err.empty());

  run(true, "160", out, err);
  // One line holds the three column headers.
  const auto header_end = out.find('\n');
  const auto header = out.substr(0, header_end);
  CHECK(header.find("FAULTS (2)") != std::string::npos);
  CHECK(header.find("OVERDUE ACTIONS (1)") != std::string::npos);
  CHECK(header.find("PENDING ACTIONS (3)") != std::string::npos);
  CHECK(out.find('\x1b') != std::string::npos);  // colour on a terminal
  for (std::size_t start = 0; start < out.size();) {
    const auto end = out.find('\n', start);
    std::string line = out.substr(start, end - start);
    std::string plain;  // without ANSI sequences
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\x1b') {
        while (i < line.size() && line[i] != 'm') ++i;
        continue;
      }
      plain += line[i];
    }
    CHECK(faultline::cli::display_width(plain) <= 160);
    start = end + 1;
  }
  // One page: no progress line even on a terminal.
  CHECK(err.find("fetching") == std::string::npos);

  run(true, "100", out, err);
  CHECK(out.find("Faults (2)") != std::string::npos);
  CHECK(out.find("Overdue fault actions (1)") < out.find("Pending fault actions (3)"));
  CHECK(out.find("FAULTS (2)") == std::string::npos);
}

TEST_CASE("Data Center pages after the first are fetched together, each action once", "[cli][board][paging]") {
  const auto config = write_config("paging", "datacenter");
  FakeTransport fake;
  std::vector<json> all;
  for (int i = 0; i < 120; ++i) all.push_back(action_issue("FAULT-" + std::to_string(100 + i), "FAULT-1", "2026-11-27", "bob"));
  const auto page = [&](int start) {
    std::vector<json> part(all.begin() + start, all.begin() + std::min(start + 50, 120));
    return dc_page(part, start, 120).dump();
  };
  for (int start : {0, 50, 100}) {
    fake.on(Method::Get, "/rest/api/2/search")
        .when(is_action_search)
        .query("startAt", std::to_string(start))
        .reply(200, page(start));
  }
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "--json", "actions", "--pending"}) == 0);
  fake.verify();
  const auto out = json::parse(app.out.str());
  REQUIRE(out.size() == 120);
  std::set<std::string> keys;
  for (const auto& a : out) keys.insert(a["key"].get<std::string>());
  CHECK(keys.size() == 120);
  // The first page alone (its total sizes the rest), then the two remaining pages as one
  // concurrent batch, asking for the first page's size.
  CHECK(fake.batches() == std::vector<std::size_t>{1, 2});
  // Not a terminal: no progress line.
  CHECK(app.err.str().empty());
  for (const auto& call : fake.calls()) {
    if (query_param(call.url, "startAt") != "0") CHECK(query_param(call.url, "maxResults") == "50");
  }
}

TEST_CASE("a long read shows progress on stderr on a terminal, then clears it", "[cli][board][paging]") {
  const auto config = write_config("progress", "datacenter");
  FakeTransport fake;
  std::vector<json> all;
  for (int i = 0; i < 120; ++i) all.push_back(action_issue("FAULT-" + std::to_string(100 + i), "FAULT-1", "2026-11-27", "bob"));
  for (int start : {0, 50, 100}) {
    std::vector<json> part(all.begin() + start, all.begin() + std::min(start + 50, 120));
    fake.on(Method::Get, "/rest/api/2/search")
        .when(is_action_search)
        .query("startAt", std::to_string(start))
        .reply(200, dc_page(part, start, 120).dump());
  }
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.tty = true;
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "--json", "actions", "--pending"}) == 0);
  const auto err = app.err.str();
  CHECK(err.find("fetching actions: 50/120") != std::string::npos);
  CHECK(err.find("fetching actions: 120/120") != std::string::npos);
  CHECK(err.ends_with("\r\x1b[K"));  // the line is cleared at the end
  CHECK(json::parse(app.out.str()).size() == 120);  // stdout holds only the JSON
}

TEST_CASE("Cloud reads the ids page by page, then the issues by bulk fetch, in search order", "[cli][actions][paging]") {
  const auto config = write_config("cloud-paging", "cloud");
  FakeTransport fake;
  auto first = lane_actions();
  for (auto& issue : first) issue["fields"]["assignee"] = json{{"accountId", "acc-" + issue["key"].get<std::string>()}};
  const auto id_of = [&](int i) { return first[i]["id"].get<std::string>(); };
  // Beside the first id page, a first page with the fields: Jira granted one issue of it.
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& body) { return body.contains("fields") && !body.contains("nextPageToken"); })
      .reply(200, json{{"issues", {first[0]}}, {"nextPageToken", "fields-2"}}.dump());
  // The id pages ask for no fields (Jira then returns the ids only) and follow nextPageToken.
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& body) { return !body.contains("nextPageToken") && !body.contains("fields"); })
      .reply(200, json{{"issues", {{{"id", id_of(0)}}, {{"id", id_of(1)}}}}, {"nextPageToken", "page-2"}}.dump());
  fake.on(Method::Post, "/rest/api/3/search/jql")
      .json_body([](const json& body) { return body.value("nextPageToken", "") == "page-2" && !body.contains("fields"); })
      .reply(200, json{{"issues", {{{"id", id_of(2)}}, {{"id", id_of(3)}}}}, {"isLast", true}}.dump());
  // The bulk fetch answers in its own order; faultline puts the issues back in search order.
  // The issue the first page held is not fetched again.
  fake.on(Method::Post, "/rest/api/3/issue/bulkfetch")
      .json_body([&](const json& body) {
        return body["issueIdsOrKeys"] == json{id_of(1)} && body["properties"] == json{"faultline.action"};
      })
      .reply(200, json{{"issues", {first[1]}}, {"issueErrors", json::array()}}.dump());
  fake.on(Method::Post, "/rest/api/3/issue/bulkfetch")
      .json_body([&](const json& body) { return body["issueIdsOrKeys"] == json{id_of(2), id_of(3)}; })
      .reply(200, json{{"issues", {first[3], first[2]}}, {"issueErrors", json::array()}}.dump());
  TestApp app;
  app.clock.set(k_now);
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "--json", "actions", "--pending", "--overdue"}) == 0);
  fake.verify();
  // The first id page with the first page of fields; the second id page with the bulk fetch
  // of the first id page's rest; the last bulk fetch: three waves.
  CHECK(fake.batches() == std::vector<std::size_t>{2, 2, 1});
  const auto out = json::parse(app.out.str());
  // Both lanes asked for: one search of every open action, split into the lanes here.
  REQUIRE(out.size() == 4);
  CHECK(out[0]["key"] == "FAULT-11");
  CHECK(out[0]["lane"] == "overdue");
  CHECK(out[0]["owner"] == "acc-FAULT-11");
}
