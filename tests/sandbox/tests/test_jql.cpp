// Table tests for the sandbox's JQL evaluator: parsing, every operator and field family,
// dates and zones, text search, ORDER BY and the errors for anything outside the subset.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "jql.hpp"

using nlohmann::json;
namespace jql = sandbox::jql;

namespace {

// 2026-11-25 (a Wednesday) at the given UTC time.
std::chrono::system_clock::time_point utc(int hour, int minute = 0) {
  using namespace std::chrono;
  return date::sys_days{date::year{2026} / 11 / 25} + hours{hour} + minutes{minute};
}

// The default context: UTC, noon, alice, two custom fields named.
jql::EvalContext make_ctx() {
  jql::EvalContext ctx;
  ctx.now = utc(12);
  ctx.current_user = "alice";
  ctx.custom_field_ids_by_name = {{"fault level", "customfield_10010"},
                                  {"impact score", "customfield_10020"},
                                  {"detected at", "customfield_10030"},
                                  {"root cause", "customfield_10040"}};
  ctx.subtask_type_names = {"Sub-task"};
  return ctx;
}

json user(const std::string& name) {
  return {{"name", name},
          {"key", "key-" + name},
          {"accountId", "acc-" + name},
          {"displayName", std::string(1, static_cast<char>(name[0] - 32)) + name.substr(1)},
          {"emailAddress", name + "@example.com"}};
}

json status(const std::string& name, const std::string& id, const std::string& cat_key, const std::string& cat_name,
            int cat_id) {
  return {{"id", id}, {"name", name}, {"statusCategory", {{"id", cat_id}, {"key", cat_key}, {"name", cat_name}}}};
}

json adf(const std::string& text) {
  return {{"type", "doc"},
          {"version", 1},
          {"content", json::array({{{"type", "paragraph"},
                                    {"content", json::array({{{"type", "text"}, {"text", text}}})}}})}};
}

// Three faults, a sub-task and a cleanup issue with distinct values in every field family.
std::vector<json> make_issues() {
  std::vector<json> v;
  v.push_back({{"id", "10001"},
               {"key", "FAULT-1"},
               {"fields",
                {{"project", {{"id", "100"}, {"key", "FAULT"}, {"name", "Faults"}}},
                 {"issuetype", {{"id", "1"}, {"name", "Fault"}, {"subtask", false}}},
                 {"status", status("Open", "1", "new", "To Do", 2)},
                 {"labels", {"incident", "sev1"}},
                 {"assignee", user("alice")},
                 {"reporter", user("bob")},
                 {"priority", {{"id", "2"}, {"name", "High"}}},
                 {"summary", "Database outage in eu-west"},
                 {"description", "Primary DB failed over; replica lag grew."},
                 {"created", "2026-11-20T10:00:00.000+0000"},
                 {"updated", "2026-11-25T09:00:00.000+0000"},
                 {"resolutiondate", nullptr},
                 {"duedate", "2026-11-26"},
                 {"resolution", nullptr},
                 {"customfield_10010", {{"value", "P1"}, {"id", "501"}}},
                 {"customfield_10020", 5},
                 {"customfield_10030", "2026-11-24T08:00:00.000+0000"},
                 {"customfield_10040", "Expired TLS certificate"},
                 {"comment", {{"comments", json::array({{{"body", "Rolled back release 4.2"}}})}}}}}});
  v.push_back({{"id", "10002"},
               {"key", "FAULT-2"},
               {"fields",
                {{"project", {{"id", "100"}, {"key", "FAULT"}, {"name", "Faults"}}},
                 {"issuetype", {{"id", "5"}, {"name", "Sub-task"}, {"subtask", true}}},
                 {"status", status("In Progress", "3", "indeterminate", "In Progress", 4)},
                 {"labels", json::array()},
                 {"parent", {{"id", "10001"}, {"key", "FAULT-1"}}},
                 {"assignee", nullptr},
                 {"reporter", user("alice")},
                 {"priority", {{"id", "4"}, {"name", "Low"}}},
                 {"summary", "Write postmortem"},
                 {"description", adf("Timeline and root cause analysis")},
                 {"created", "2026-11-21T23:30:00.000+0800"},
                 {"updated", "2026-11-22T10:00:00.000+00:00"},
                 {"resolutiondate", nullptr},
                 {"duedate", "2026-11-25"},
                 {"resolution", nullptr},
                 {"customfield_10010", nullptr},
                 {"customfield_10020", 2.5},
                 {"comment", {{"comments", json::array()}}}}}});
  v.push_back({{"id", "10003"},
               {"key", "OPS-3"},
               {"fields",
                {{"project", {{"id", "200"}, {"key", "OPS"}, {"name", "Operations"}}},
                 {"issuetype", {{"id", "1"}, {"name", "Fault"}, {"subtask", false}}},
                 {"status", status("Done", "5", "done", "Done", 3)},
                 {"labels", {"incident"}},
                 {"assignee", user("carol")},
                 {"reporter", user("bob")},
                 {"priority", {{"id", "1"}, {"name", "Highest"}}},
                 {"summary", "Cache \" OR project = X weirdness"},
                 {"description", nullptr},
                 {"created", "2026-11-18T08:00:00Z"},
                 {"updated", "2026-11-23T08:00:00.000+0000"},
                 {"resolutiondate", "2026-11-23T08:00:00.000+0000"},
                 {"duedate", nullptr},
                 {"resolution", {{"id", "10000"}, {"name", "Fixed"}}},
                 {"customfield_10010", json::array({{{"value", "P2"}}, {{"value", "P3"}}})},
                 {"comment", {{"comments", json::array({{{"body", adf("Customer impact was minimal")}}})}}}}}});
  v.push_back({{"id", "10004"},
               {"key", "FAULT-4"},
               {"fields",
                {{"project", {{"id", "100"}, {"key", "FAULT"}, {"name", "Faults"}}},
                 {"issuetype", {{"id", "3"}, {"name", "Task"}, {"subtask", false}}},
                 {"status", status("Open", "1", "new", "To Do", 2)},
                 {"labels", {"cleanup"}},
                 {"assignee", user("bob")},
                 {"reporter", user("carol")},
                 {"priority", {{"id", "3"}, {"name", "Medium"}}},
                 {"summary", "Rotate certificates"},
                 {"description", ""},
                 {"created", "2026-11-25T11:30:00.000+0000"},
                 {"updated", "2026-11-25T11:45:00.000+0000"},
                 {"duedate", "2026-12-01"},
                 {"customfield_10020", "7"},
                 {"customfield_10030", "2026-11-25"}}}});
  return v;
}

// Keys of the issues the query matches, in id order; "ERROR: msg" if parsing fails.
std::vector<std::string> run(const std::string& q, const jql::EvalContext& ctx) {
  auto parsed = jql::parse(q, ctx);
  if (!parsed) return {"ERROR: " + parsed.error()};
  std::vector<std::string> out;
  for (const auto& issue : make_issues()) {
    if (jql::matches(**parsed, issue, ctx)) out.push_back(issue["key"].get<std::string>());
  }
  return out;
}

std::vector<std::string> run(const std::string& q) { return run(q, make_ctx()); }

// The parse error for q, or "" if it parsed.
std::string error_of(const std::string& q) {
  auto parsed = jql::parse(q, make_ctx());
  return parsed ? std::string() : parsed.error();
}

// Keys in the order the query's ORDER BY gives.
std::vector<std::string> sorted(const std::string& q, const jql::EvalContext& ctx) {
  auto parsed = jql::parse(q, ctx);
  REQUIRE(parsed);
  auto issues = make_issues();
  std::stable_sort(issues.begin(), issues.end(),
                   [&](const json& a, const json& b) { return jql::compare(**parsed, a, b, ctx) < 0; });
  std::vector<std::string> out;
  for (const auto& issue : issues) out.push_back(issue["key"].get<std::string>());
  return out;
}

using Keys = std::vector<std::string>;

struct Row {
  const char* jql;  // the query
  Keys expected;    // matching keys in id order
};

void check_rows(const std::vector<Row>& rows, const jql::EvalContext& ctx) {
  for (const auto& row : rows) {
    INFO(row.jql);
    CHECK(run(row.jql, ctx) == row.expected);
  }
}

}  // namespace

TEST_CASE("jql: boolean structure and precedence", "[jql]") {
  check_rows({
                 {"project = FAULT", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"project = OPS OR project = FAULT AND status = Open", {"FAULT-1", "OPS-3", "FAULT-4"}},
                 {"(project = OPS OR project = FAULT) AND status = Open", {"FAULT-1", "FAULT-4"}},
                 {"NOT project = OPS AND status = Open", {"FAULT-1", "FAULT-4"}},
                 {"NOT (project = OPS OR status = Open)", {"FAULT-2"}},
                 {"not not project = OPS", {"OPS-3"}},
                 {"project = FAULT && labels = cleanup || key = OPS-3", {"OPS-3", "FAULT-4"}},
                 {"!(project = FAULT)", {"OPS-3"}},
                 {"project = FAULT and (status = Open or status = \"In Progress\") and labels is empty", {"FAULT-2"}},
                 {"((((key = FAULT-1))))", {"FAULT-1"}},
                 {"project = FAULT AND NOT labels = incident", {"FAULT-2", "FAULT-4"}},
                 {"PROJECT = fault and STATUS = OPEN", {"FAULT-1", "FAULT-4"}},
             },
             make_ctx());
}

TEST_CASE("jql: name fields, labels, users, parent, keys", "[jql]") {
  check_rows({
                 {"project = Faults", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"project = 200", {"OPS-3"}},
                 {"project in (OPS, \"faults\")", {"FAULT-1", "FAULT-2", "OPS-3", "FAULT-4"}},
                 {"issuetype = Fault", {"FAULT-1", "OPS-3"}},
                 {"type != Fault", {"FAULT-2", "FAULT-4"}},
                 {"issuetype in subTaskIssueTypes()", {"FAULT-2"}},
                 {"issuetype not in subTaskIssueTypes()", {"FAULT-1", "OPS-3", "FAULT-4"}},
                 {"issuetype in standardIssueTypes()", {"FAULT-1", "OPS-3", "FAULT-4"}},
                 {"status = \"in progress\"", {"FAULT-2"}},
                 {"status in (Open, Done)", {"FAULT-1", "OPS-3", "FAULT-4"}},
                 {"status not in (Open, Done)", {"FAULT-2"}},
                 {"statusCategory = \"To Do\"", {"FAULT-1", "FAULT-4"}},
                 {"statusCategory = indeterminate", {"FAULT-2"}},
                 {"statusCategory != Done", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"statusCategory = 3", {"OPS-3"}},
                 {"labels = incident", {"FAULT-1", "OPS-3"}},
                 {"labels = SEV1", {"FAULT-1"}},
                 {"labels != incident", {"FAULT-4"}},
                 {"labels in (sev1, cleanup)", {"FAULT-1", "FAULT-4"}},
                 {"labels not in (sev1)", {"OPS-3", "FAULT-4"}},
                 {"labels is EMPTY", {"FAULT-2"}},
                 {"labels is not empty", {"FAULT-1", "OPS-3", "FAULT-4"}},
                 {"labels = EMPTY", {"FAULT-2"}},
                 {"labels in (EMPTY, cleanup)", {"FAULT-2", "FAULT-4"}},
                 {"labels not in (EMPTY, cleanup)", {"FAULT-1", "OPS-3"}},
                 {"labels IS NULL", {"FAULT-2"}},
                 {"assignee = alice", {"FAULT-1"}},
                 {"assignee = acc-carol", {"OPS-3"}},
                 {"assignee = \"bob@example.com\"", {"FAULT-4"}},
                 {"assignee = key-alice", {"FAULT-1"}},
                 {"assignee = currentUser()", {"FAULT-1"}},
                 {"reporter = currentUser()", {"FAULT-2"}},
                 {"assignee != currentUser()", {"OPS-3", "FAULT-4"}},
                 {"assignee is EMPTY", {"FAULT-2"}},
                 {"assignee in (alice, carol)", {"FAULT-1", "OPS-3"}},
                 {"assignee in (currentUser(), bob)", {"FAULT-1", "FAULT-4"}},
                 {"parent = FAULT-1", {"FAULT-2"}},
                 {"parent = 10001", {"FAULT-2"}},
                 {"parent in (FAULT-1, FAULT-9)", {"FAULT-2"}},
                 {"parent is empty", {"FAULT-1", "OPS-3", "FAULT-4"}},
                 {"priority = high", {"FAULT-1"}},
                 {"priority in (Highest, 4)", {"FAULT-2", "OPS-3"}},
                 {"resolution = Fixed", {"OPS-3"}},
                 {"resolution is EMPTY", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"resolution = Unresolved", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"resolution != Unresolved", {"OPS-3"}},
                 {"key = fault-2", {"FAULT-2"}},
                 {"issuekey in (FAULT-1, OPS-3)", {"FAULT-1", "OPS-3"}},
                 {"id = 10004", {"FAULT-4"}},
                 {"key != FAULT-1", {"FAULT-2", "OPS-3", "FAULT-4"}},
                 {"key > FAULT-1", {"FAULT-2", "FAULT-4"}},
                 {"key <= FAULT-2", {"FAULT-1", "FAULT-2"}},
                 {"id >= 10003", {"OPS-3", "FAULT-4"}},
             },
             make_ctx());
}

TEST_CASE("jql: text search with ~ and !~", "[jql]") {
  check_rows({
                 {"summary ~ outage", {"FAULT-1"}},
                 {"summary ~ \"OUTAGE database\"", {"FAULT-1"}},
                 {"summary ~ \"outage missing\"", {}},
                 {"summary ~ \"data*\"", {"FAULT-1"}},
                 {"summary ~ \"post?ortem\"", {"FAULT-2"}},
                 {"summary ~ \"the outage\"", {"FAULT-1"}},
                 {"summary ~ \"\\\"outage in eu\\\"\"", {"FAULT-1"}},
                 {"summary ~ \"\\\"eu outage\\\"\"", {}},
                 {"summary !~ outage", {"FAULT-2", "OPS-3", "FAULT-4"}},
                 {"description ~ replica", {"FAULT-1"}},
                 {"description ~ \"root cause\"", {"FAULT-2"}},
                 {"description is empty", {"OPS-3", "FAULT-4"}},
                 {"description !~ replica", {"FAULT-2"}},
                 {"comment ~ rolled", {"FAULT-1"}},
                 {"comment ~ customer", {"OPS-3"}},
                 {"comment is empty", {"FAULT-2", "FAULT-4"}},
                 {"text ~ \"customer weirdness\"", {"OPS-3"}},
                 {"text ~ \"tls\"", {"FAULT-1"}},
                 {"text ~ timeline", {"FAULT-2"}},
                 {"text ~ \"rolled outage\"", {"FAULT-1"}},
                 {"summary ~ 'cache \" OR project = X'", {"OPS-3"}},
                 {"\"Root Cause\" ~ certificate", {"FAULT-1"}},
                 {"\"Root Cause\" ~ certificates", {}},
                 {"\"Root Cause\" ~ certif*", {"FAULT-1"}},
             },
             make_ctx());
}

TEST_CASE("jql: quoting, escapes and hostile values", "[jql]") {
  check_rows({
                 {"summary ~ \"Cache \\\" OR project = X\"", {"OPS-3"}},
                 {"status = \"Open\\\" OR project = OPS\"", {}},
                 {"status = 'Open'' OR project = OPS'",
                  {"ERROR: Error in the JQL Query: Expecting either 'OR' or 'AND' but got '' OR project = OPS''. "
                   "(line 1, character 16)"}},
                 {"status = 'In Progress'", {"FAULT-2"}},
                 {"status = \"In\\u0020Progress\"", {"FAULT-2"}},
                 {"status = In\\ Progress", {"FAULT-2"}},
                 {"labels = \"empty\"", {}},
                 {"labels = 'and'", {}},
                 {"status = \"Open\" and summary ~ \"tab\\tline\\nbreak\\\\slash\"", {}},
                 {"\"status\" = Done", {"OPS-3"}},
                 {"summary\n~\noutage", {"FAULT-1"}},
             },
             make_ctx());
  CHECK(error_of("status = \"Open\\q\"").find("Illegal escape sequence '\\q'") != std::string::npos);
  CHECK(error_of("status = \"Open") ==
        "Error in the JQL Query: The quoted string 'Open' has not been completed. (line 1, character 10)");
  CHECK(error_of("labels = empty") == "");
  CHECK(error_of("labels = and") ==
        "Error in the JQL Query: 'and' is a reserved JQL word. You must surround it in quotation marks to use it "
        "in a query. (line 1, character 10)");
  CHECK(error_of("labels = order") ==
        "Error in the JQL Query: 'order' is a reserved JQL word. You must surround it in quotation marks to use it "
        "in a query. (line 1, character 10)");
  CHECK(error_of("labels in (sev1, select)").find("'select' is a reserved JQL word") != std::string::npos);
  CHECK(error_of("order = x").find("'order' is a reserved JQL word") == std::string::npos);
  CHECK(error_of("status = \"\\u00zz\"").find("Illegal Unicode escape") != std::string::npos);
  CHECK(run("summary ~ \"caf\\u00e9\"").empty());
}

TEST_CASE("jql: dates, functions and relative periods in UTC", "[jql]") {
  // now = 2026-11-25 12:00 UTC (a Wednesday).
  check_rows({
                 {"created >= \"2026-11-20\"", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"created > \"2026/11/20 10:00\"", {"FAULT-2", "FAULT-4"}},
                 {"created >= \"2026-11-20 10:00\"", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"created < 2026-11-19", {"OPS-3"}},
                 {"created = \"2026-11-20 10:00\"", {"FAULT-1"}},
                 {"created >= -1d", {"FAULT-4"}},
                 {"created >= \"-30m\"", {"FAULT-4"}},
                 {"created > \"-29m\"", {}},
                 {"created >= \"-4d 2h\"", {"FAULT-2", "FAULT-4"}},
                 {"created >= \"-1w\"", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"created < \"-1w\"", {"OPS-3"}},
                 {"created < \"-1w 1d\"", {}},
                 {"created > startOfDay()", {"FAULT-4"}},
                 {"created > startOfDay(-1)", {"FAULT-4"}},
                 {"created > startOfDay(\"-5d\")", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"created >= startOfWeek()", {"FAULT-4"}},
                 {"created >= startOfWeek(-1)", {"FAULT-1", "FAULT-2", "OPS-3", "FAULT-4"}},
                 {"created >= startOfWeek(\"-2d\")", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"created >= startOfMonth()", {"FAULT-1", "FAULT-2", "OPS-3", "FAULT-4"}},
                 {"created < startOfMonth()", {}},
                 {"created <= endOfMonth(-1)", {}},
                 {"created <= endOfDay(-5)", {"FAULT-1", "OPS-3"}},
                 {"created < now()", {"FAULT-1", "FAULT-2", "OPS-3", "FAULT-4"}},
                 {"created > now(\"-1h\")",
                  {"ERROR: Error in the JQL Query: Function 'now' expected '0' arguments but got '1'. "
                   "(line 1, character 11)"}},
                 {"created > startOfDay(1, 2)",
                  {"ERROR: Error in the JQL Query: Function 'startOfDay' expected between '0' and '1' arguments but "
                   "got '2'. (line 1, character 11)"}},
                 {"updated >= startOfDay()", {"FAULT-1", "FAULT-4"}},
                 {"updated < \"2026-11-22 10:01\"", {"FAULT-2"}},
                 {"resolutiondate is empty", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"resolved >= \"2026-11-23\"", {"OPS-3"}},
                 {"resolved != \"2026-11-23\"", {"OPS-3"}},
                 {"duedate < now()", {"FAULT-2"}},
                 {"duedate <= endOfDay(\"+7d\") AND duedate >= startOfDay()", {"FAULT-1", "FAULT-2", "FAULT-4"}},
                 {"duedate >= startOfDay() AND duedate <= endOfDay(1)", {"FAULT-1", "FAULT-2"}},
                 {"due = \"2026-11-26\"", {"FAULT-1"}},
                 {"due in (\"2026-11-26\", \"2026/12/01\")", {"FAULT-1", "FAULT-4"}},
                 {"duedate is empty", {"OPS-3"}},
                 {"duedate > endOfMonth()", {"FAULT-4"}},
                 {"duedate >= startOfMonth(1)", {"FAULT-4"}},
                 {"duedate < startOfMonth(\"+6d\")", {}},
                 {"duedate <= endOfWeek()", {"FAULT-1", "FAULT-2"}},
                 {"created >= startOfYear() and created <= endOfYear()", {"FAULT-1", "FAULT-2", "OPS-3", "FAULT-4"}},
                 {"duedate < startOfDay() AND statusCategory != Done", {}},
                 {"duedate <= startOfDay() AND statusCategory != Done", {"FAULT-2"}},
             },
             make_ctx());
}

TEST_CASE("jql: due dates around midnight in Asia/Shanghai", "[jql]") {
  auto ctx = make_ctx();
  ctx.zone = date::locate_zone("Asia/Shanghai");
  // 2026-11-25 16:30 UTC is 2026-11-26 00:30 in Shanghai.
  ctx.now = utc(16, 30);
  check_rows({
                 {"duedate < startOfDay()", {"FAULT-2"}},
                 {"duedate = startOfDay()", {"FAULT-1"}},
                 {"duedate <= endOfDay()", {"FAULT-1", "FAULT-2"}},
                 {"duedate < now()", {"FAULT-1", "FAULT-2"}},
                 {"due = \"2026-11-26\"", {"FAULT-1"}},
                 {"created > \"2026-11-21\"", {"FAULT-2", "FAULT-4"}},
                 {"created >= startOfDay(-4)", {"FAULT-4"}},
                 {"created >= startOfDay(-5)", {"FAULT-2", "FAULT-4"}},
                 {"created < \"2026-11-20 18:01\"", {"FAULT-1", "OPS-3"}},
                 {"created >= startOfDay()", {}},
                 {"\"Detected At\" = startOfDay(-1)", {"FAULT-4"}},
             },
             ctx);
  // The same instant in UTC is still the 25th: nothing due yesterday.
  auto utc_ctx = make_ctx();
  utc_ctx.now = utc(16, 30);
  check_rows({
                 {"duedate < startOfDay()", {}},
                 {"duedate = startOfDay()", {"FAULT-2"}},
                 {"duedate < now()", {"FAULT-2"}},
             },
             utc_ctx);
}

TEST_CASE("jql: custom fields by name and cf[ID]", "[jql]") {
  check_rows({
                 {"\"Fault Level\" = P1", {"FAULT-1"}},
                 {"\"fault level\" = p3", {"OPS-3"}},
                 {"cf[10010] in (P1, P2)", {"FAULT-1", "OPS-3"}},
                 {"cf[10010] = 501", {"FAULT-1"}},
                 {"\"Fault Level\" is EMPTY", {"FAULT-2", "FAULT-4"}},
                 {"\"Fault Level\" != P1", {"OPS-3"}},
                 {"cf[10010] not in (P2)", {"FAULT-1"}},
                 {"\"Impact Score\" > 3", {"FAULT-1", "FAULT-4"}},
                 {"\"Impact Score\" = 2.5", {"FAULT-2"}},
                 {"cf[10020] <= 5", {"FAULT-1", "FAULT-2"}},
                 {"cf[10020] > x", {}},
                 {"\"Detected At\" < \"2026-11-25\"", {"FAULT-1"}},
                 {"\"Detected At\" >= startOfDay()", {"FAULT-4"}},
                 {"\"Detected At\" >= \"-2d\"", {"FAULT-1", "FAULT-4"}},
                 {"\"Root Cause\" = \"expired tls certificate\"", {"FAULT-1"}},
                 {"\"Root Cause\" ~ expired", {"FAULT-1"}},
                 {"\"Root Cause\" is not empty", {"FAULT-1"}},
             },
             make_ctx());
  // Without the context, names are resolved at evaluation time.
  auto parsed = jql::parse("\"Fault Level\" = P1");
  REQUIRE(parsed);
  CHECK(jql::matches(**parsed, make_issues()[0], make_ctx()));
  CHECK_FALSE(jql::matches(**parsed, make_issues()[0], jql::EvalContext{}));
}

TEST_CASE("jql: ORDER BY and the default order", "[jql]") {
  auto ctx = make_ctx();
  CHECK(sorted("project = FAULT", ctx) == Keys{"FAULT-4", "OPS-3", "FAULT-2", "FAULT-1"});
  CHECK(sorted("order by created", ctx) == Keys{"OPS-3", "FAULT-1", "FAULT-2", "FAULT-4"});
  CHECK(sorted("ORDER BY created DESC", ctx) == Keys{"FAULT-4", "FAULT-2", "FAULT-1", "OPS-3"});
  CHECK(sorted("project = FAULT ORDER BY key ASC", ctx) == Keys{"FAULT-1", "FAULT-2", "FAULT-4", "OPS-3"});
  CHECK(sorted("order by key desc", ctx) == Keys{"OPS-3", "FAULT-4", "FAULT-2", "FAULT-1"});
  CHECK(sorted("order by status asc, created desc", ctx) == Keys{"OPS-3", "FAULT-2", "FAULT-4", "FAULT-1"});
  CHECK(sorted("order by statusCategory desc, key asc", ctx) == Keys{"OPS-3", "FAULT-2", "FAULT-1", "FAULT-4"});
  CHECK(sorted("order by duedate", ctx) == Keys{"FAULT-2", "FAULT-1", "FAULT-4", "OPS-3"});
  CHECK(sorted("order by duedate desc", ctx) == Keys{"OPS-3", "FAULT-4", "FAULT-1", "FAULT-2"});
  CHECK(sorted("order by priority desc", ctx) == Keys{"OPS-3", "FAULT-1", "FAULT-4", "FAULT-2"});
  CHECK(sorted("order by assignee", ctx) == Keys{"FAULT-1", "FAULT-4", "OPS-3", "FAULT-2"});
  CHECK(sorted("order by \"Impact Score\" desc", ctx) == Keys{"OPS-3", "FAULT-4", "FAULT-1", "FAULT-2"});
  CHECK(sorted("order by cf[10010]", ctx) == Keys{"FAULT-1", "OPS-3", "FAULT-2", "FAULT-4"});
  CHECK(sorted("order by project, summary", ctx) == Keys{"FAULT-1", "FAULT-4", "FAULT-2", "OPS-3"});
  auto q = jql::parse("labels = incident order by issuetype, key desc", ctx);
  REQUIRE(q);
  auto issues = make_issues();
  CHECK(jql::compare(**q, issues[0], issues[2], ctx) > 0);  // same type, OPS-3 before FAULT-1 (key desc)
  CHECK(jql::compare(**q, issues[2], issues[0], ctx) < 0);
  CHECK(jql::compare(**q, issues[1], issues[0], ctx) > 0);  // Fault before Sub-task
  CHECK(jql::compare(**q, issues[0], issues[0], ctx) == 0);
}

TEST_CASE("jql: is_bounded", "[jql]") {
  auto bounded = [](const char* q) {
    auto parsed = jql::parse(q);
    REQUIRE(parsed);
    return jql::is_bounded(**parsed);
  };
  CHECK_FALSE(bounded(""));
  CHECK_FALSE(bounded("   "));
  CHECK_FALSE(bounded("order by key desc"));
  CHECK(bounded("project = FAULT"));
  CHECK(bounded("project = FAULT order by key"));
  auto all = jql::parse("");
  REQUIRE(all);
  CHECK(jql::matches(**all, make_issues()[0], make_ctx()));
}

TEST_CASE("jql: errors for anything outside the subset", "[jql]") {
  struct ErrorRow {
    const char* jql;
    const char* message;  // expected substring
  };
  std::vector<ErrorRow> rows = {
      {"status WAS \"Open\"", "The history operator 'was' is not supported"},
      {"status changed to Done", "The history operator 'changed' is not supported"},
      {"issueFunction in linkedIssuesOf(\"project = X\")",
       "Field 'issueFunction' does not exist or you do not have permission to view it."},
      {"foo = bar", "Field 'foo' does not exist or you do not have permission to view it."},
      {"cf[99999] = x", "Field 'cf[99999]' does not exist"},
      {"cf[abc] = x", "Expecting a custom field id but got 'abc'."},
      {"assignee in membersOf(\"sre\")", "Unable to find JQL function 'membersOf(\"sre\")'."},
      {"created > lastLogin()", "Unable to find JQL function 'lastLogin()'."},
      {"status =", "Expecting either a value, list or function but got the end of the query. (line 1, character 9)"},
      {"status = Open AND", "Expecting a field name but got the end of the query."},
      {"status = Open OR OR status = Done", "'OR' is a reserved JQL word."},
      {"status = Open OR (", "Expecting a field name but got the end of the query."},
      {"(status = Open", "Expecting ')' but got the end of the query. (line 1, character 15)"},
      {"status = Open)", "Expecting either 'OR' or 'AND' but got ')'."},
      {"status Open", "Expecting operator but got 'Open'."},
      {"status not Open", "Expecting 'IN' but got 'Open'."},
      {"status is Open", "Expecting 'EMPTY' but got 'Open'."},
      {"status ~ Open", "The operator '~' is not supported by the 'status' field."},
      {"status > Open", "The operator '>' is not supported by the 'status' field."},
      {"summary = \"x\"", "The operator '=' is not supported by the 'summary' field."},
      {"created ~ x", "The operator '~' is not supported by the 'created' field."},
      {"created > yesterday", "Date value 'yesterday' for field 'created' is invalid."},
      {"created > \"2026-13-01\"", "Date value '2026-13-01' for field 'created' is invalid."},
      {"created > \"2026-11-25 25:00\"", "Date value '2026-11-25 25:00' for field 'created' is invalid."},
      {"duedate < \"-1x\"", "Date value '-1x' for field 'duedate' is invalid."},
      {"created > startOfDay(\"soon\")", "Duration for function 'startOfDay'"},
      {"status = currentUser()", "A value provided by the function 'currentUser' is invalid for the field 'status'."},
      {"status = now()", "A value provided by the function 'now' is invalid for the field 'status'."},
      {"issuetype = subTaskIssueTypes()", "The operator '=' is not supported by the function 'subTaskIssueTypes'."},
      {"status in subTaskIssueTypes()", "invalid for the field 'status'"},
      {"status = (Open, Done)", "The operator '=' does not support the list value."},
      {"status in Open", "Expecting '(' but got 'Open'."},
      {"status in (Open,)", "Expecting either a value, list or function but got ')'."},
      {"summary ~ \"*tage\"", "is not allowed to start with a wildcard"},
      {"summary ~ \"!!\"", "has no words to search for"},
      {"created > EMPTY", "The operator '>' does not support searching for EMPTY values."},
      {"key = banana", "The issue key 'banana' for field 'key' is invalid."},
      {"order by description", "Field 'description' does not support sorting."},
      {"project = FAULT order key", "Expecting 'by' but got 'key'."},
      {"project = FAULT order by key up", "Expecting either 'ASC', 'DESC' or ',' but got 'up'."},
      {"project = FAULT order by", "Expecting a field name but got the end of the query."},
      {"project = FAULT status = Open", "Expecting either 'OR' or 'AND' but got 'status'."},
      {"issue.property[x].y = 1", "Field 'issue.property' does not exist"},
      {"labels = x\n AND", "(line 2, character 5)"},
      {"= Open", "Expecting a field name but got '='."},
  };
  for (const auto& row : rows) {
    INFO(row.jql);
    std::string err = error_of(row.jql);
    INFO(err);
    CHECK(err.find(row.message) != std::string::npos);
  }
  // Without a context, unknown names are deferred, but unknown functions still fail.
  CHECK(jql::parse("\"Some Field\" = x").has_value());
  CHECK(jql::parse("issue.property[x].y = 1").error().find("Expecting operator but got '['.") != std::string::npos);
  CHECK_FALSE(jql::parse("project = FAULT AND status was Open").has_value());
}

TEST_CASE("jql: a large store evaluates without per-issue surprises", "[jql]") {
  auto ctx = make_ctx();
  auto q = jql::parse("project = FAULT AND (labels in (incident, sev1) OR summary ~ \"outage*\") AND created >= -30d "
                      "AND duedate <= endOfDay(\"+7d\") ORDER BY created DESC, key",
                      ctx);
  REQUIRE(q);
  auto base = make_issues();
  std::vector<json> store;
  for (int i = 0; i < 2000; ++i) {
    json issue = base[static_cast<std::size_t>(i % 4)];
    issue["id"] = std::to_string(20000 + i);
    store.push_back(std::move(issue));
  }
  std::size_t hits = 0;
  for (const auto& issue : store) hits += jql::matches(**q, issue, ctx) ? 1 : 0;
  CHECK(hits == 500);  // only FAULT-1's copies
  std::sort(store.begin(), store.end(), [&](const json& a, const json& b) { return jql::compare(**q, a, b, ctx) < 0; });
  CHECK(store.front()["key"] == "FAULT-4");
}
