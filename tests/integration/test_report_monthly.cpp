// `report monthly` end to end against the sandbox, on Cloud and Data Center (the test clock
// reads 2026-11-18, so November is the running month and figures are taken on that day): a
// seeded November 2026 (faults, a review page link, a month of actions) -> a local HTML file with
// its charts and no write at all -> --publish (page under the parent, labelled, three PNG
// attachments embedded, one report.published message) -> --publish again (no write) -> one
// more fault (one new page version, only the two charts that changed replaced, no second
// message) -> the page edited by a person (refused, nothing written, unless --force) -> the
// page found by `faultline search`.
#include <catch2/catch.hpp>

#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using nlohmann::json;

namespace {

std::string report_config(const std::filesystem::path& dir, const FlavorCase& f, const std::string& sandbox_url) {
  return write_config(dir, jira_config(f) +
                               "[jira.fields]\nlevel = \"Fault Level\"\nteam = \"Team\"\nservice = \"Service\"\n"
                               "started_at = \"Started At\"\nrecovered_at = \"Recovered At\"\n\n"
                               "[confluence]\nurl = \"" + sandbox_url + f.wiki + "\"\nflavor = \"" + f.flavor +
                               "\"\nspace = \"OPS\"\nparent = \"Fault Reviews\"\n\n"
                               "[team]\ntimezone = \"Asia/Shanghai\"\n\n"
                               "[people.alice]\njira = \"" + f.alice + "\"\nteam = \"sre\"\n"
                               "[people.bob]\njira = \"" + f.bob + "\"\n\n"
                               "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
                               "[routes]\n\"report.published\" = [\"ops\"]\n");
}

json fault_issue(const std::string& key, const std::string& level, const std::string& started,
                 const std::string& recovered, const json& property) {
  json fields = {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"name", "Fault"}}},
                 {"summary", "fault " + key + " <b>bold</b>"}, {"labels", {"fault"}},
                 {"customfield_10010", {{"value", level}}}, {"customfield_10013", "payments"},
                 {"customfield_10015", "pay-api"}, {"customfield_10016", started}};
  if (!recovered.empty()) fields["customfield_10017"] = recovered;
  json issue = {{"key", key}, {"fields", fields}, {"status", "10104"}, {"created", started}};
  if (!property.is_null()) issue["properties"] = json::array({{{"key", "faultline"}, {"value", property}}});
  return issue;
}

json action_issue(const FlavorCase& f, int n, const std::string& parent, const char* due, const char* status,
                  const char* resolved) {
  json fields = {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"name", "Sub-task"}}},
                 {"parent", {{"key", parent}}}, {"summary", fmt::format("action {}", n)},
                 {"labels", {"fault-action", fmt::format("fault-action-id-m{}", n)}},
                 {"assignee", f.user_json(n % 2 == 0 ? f.alice : f.bob)}, {"duedate", due}};
  json issue = {{"key", fmt::format("FAULT-{}", 300 + n)}, {"fields", fields}, {"status", status},
                {"created", "2026-11-05T10:00:00.000+0800"}};
  if (resolved != nullptr) issue["resolutiondate"] = resolved;
  return issue;
}

json november(const FlavorCase& f) {
  json issues = json::array();
  issues.push_back(fault_issue("FAULT-100", "P2", "2026-10-12T09:00:00.000+0800", "2026-10-12T10:00:00.000+0800", nullptr));
  issues.push_back(fault_issue("FAULT-101", "P1", "2026-11-03T10:00:00.000+0800", "2026-11-03T10:45:00.000+0800",
                               {{"schema", 1}, {"reviewed_at", "2026-11-03T06:00:00Z"},
                                {"review_page_url", "https://wiki.example/pages/101"}}));
  issues.push_back(fault_issue("FAULT-102", "P2", "2026-11-18T22:00:00.000+0800", "2026-11-19T00:30:00.000+0800", nullptr));
  issues.push_back(action_issue(f, 1, "FAULT-101", "2026-11-10", "10112", "2026-11-09T10:00:00.000+0800"));
  issues.push_back(action_issue(f, 2, "FAULT-101", "2026-11-12", "10110", nullptr));
  issues.push_back(action_issue(f, 3, "FAULT-102", "2026-12-20", "10110", nullptr));
  return issues;
}

struct Api : SandboxApi {
  FlavorCase flavor;
  Api(const SandboxProcess& sandbox, const FlavorCase& f) : SandboxApi(sandbox, f), flavor(f) {}

  json page(const std::string& id) const {
    return get_as_editor(std::string(flavor.wiki) + "/rest/api/content/" + id + "?expand=version,body.storage,ancestors");
  }
  std::vector<std::string> labels(const std::string& id) const {
    std::vector<std::string> names;
    const auto answer = get_as_editor(std::string(flavor.wiki) + "/rest/api/content/" + id + "/label");
    for (const auto& l : answer["results"]) names.push_back(l["name"]);
    return names;
  }
  // file name -> {version, comment}
  std::map<std::string, std::pair<int, std::string>> attachments(const std::string& id) const {
    std::map<std::string, std::pair<int, std::string>> out;
    const auto list = get_as_editor(std::string(flavor.wiki) + "/rest/api/content/" + id +
                                    "/child/attachment?expand=version,metadata");
    for (const auto& a : list["results"])
      out[a["title"]] = {a["version"]["number"].get<int>(), a["metadata"].value("comment", "")};
    return out;
  }
  void edit_page(const std::string& id) const {
    const auto current = page(id);
    json body{{"id", id}, {"type", "page"}, {"title", current["title"]}, {"space", {{"key", "OPS"}}},
              {"version", {{"number", current["version"]["number"].get<int>() + 1}}},
              {"body", {{"storage", {{"value", current["body"]["storage"]["value"].get<std::string>() + "<p>by hand</p>"},
                                     {"representation", "storage"}}}}}};
    auto response = send(faultline::http::Method::Put, std::string(flavor.wiki) + "/rest/api/content/" + id, body,
                         faultline::http::basic_authorization(flavor.editor, "sandbox-token"));
    INFO(response.body);
    REQUIRE(response.status == 200);
  }
};

const char* k_charts[] = {"faults-by-level.png", "time-to-recover.png", "releases-vs-faults.png"};

}  // namespace

TEST_CASE("report monthly: a local file touches nothing; publish writes one page with its charts once",
          "[integration][report]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor.flavor);
  Api api(sandbox, flavor);
  api.control(faultline::http::Method::Post, "/_sandbox/seed", {{"mode", "extend"}, {"jira", {{"issues", november(flavor)}}}});
  api.catch_up_index();
  const auto dir = test_dir(std::string("report-") + flavor.flavor);
  TestApp app = make_app(sandbox);
  const auto config = report_config(dir, flavor, sandbox.url());

  // Locally: the HTML file and the three PNG files beside it; not one write.
  auto mark = api.next_request();
  const auto html = dir / "out" / "report.html";
  std::filesystem::create_directories(html.parent_path());
  REQUIRE(app.run({"--config", config, "report", "monthly", "--month", "2026-11", "-o", html.string()}) == 0);
  CHECK(api.writes_since(mark).empty());
  const auto text = read_text(html);
  CHECK(text.find("Fault report 2026-11") != std::string::npos);
  CHECK(text.find("FAULT-101") != std::string::npos);
  CHECK(text.find("https://wiki.example/pages/101") != std::string::npos);
  CHECK(text.find("&lt;b&gt;bold&lt;/b&gt;") != std::string::npos);
  CHECK(text.find("FAULT-100") == std::string::npos);  // October's
  for (const char* chart : k_charts) CHECK(std::filesystem::file_size(html.parent_path() / chart) > 1000);

  auto data = run_json(app, {"--config", config, "report", "monthly", "--month", "2026-11", "--data"});
  CHECK(data["faults"].size() == 2);
  CHECK(data["actions"]["opened"] == 3);
  CHECK(data["actions"]["closed"] == 1);
  INFO(data["actions"].dump());
  CHECK(data["actions"]["overdue"] == 1);

  // Published: the page under the parent, labelled, the charts attached and embedded.
  const std::vector<std::string> publish = {"--config", config, "report", "monthly", "--month", "2026-11", "--publish", "--json"};
  auto first = run_json(app, publish);
  const std::string id = first["page"]["id"];
  REQUIRE_FALSE(id.empty());
  CHECK(first["page"]["created"] == true);
  CHECK(first["title"] == "Fault report 2026-11");
  auto page = api.page(id);
  CHECK(page["title"] == "Fault report 2026-11");
  CHECK(page["ancestors"].back()["title"] == "Fault Reviews");
  const std::string body = page["body"]["storage"]["value"];
  for (const char* chart : k_charts) CHECK(body.find(std::string("ri:filename=\"") + chart + "\"") != std::string::npos);
  const auto labels = api.labels(id);
  INFO(fmt::format("labels: {}", fmt::join(labels, ",")));
  CHECK(std::ranges::find(labels, "fault-report") != labels.end());
  CHECK(std::ranges::find(labels, "fault-report-2026-11") != labels.end());
  auto attachments = api.attachments(id);
  REQUIRE(attachments.size() == 3);
  for (const char* chart : k_charts) {
    CHECK(attachments[chart].first == 1);
    CHECK(attachments[chart].second.starts_with("faultline chart "));
  }
  REQUIRE(api.messages("report.published").size() == 1);
  CHECK(api.messages("report.published")[0].dump().find(first["page"]["url"].get<std::string>()) != std::string::npos);

  // Again with the same data: nothing written, no second message.
  mark = api.next_request();
  auto second = run_json(app, publish);
  CHECK(api.writes_since(mark).empty());
  CHECK(second["page"]["changed"] == false);
  CHECK(api.messages("report.published").size() == 1);

  // One more November fault without a recovery: one new version, two charts replaced.
  api.control(faultline::http::Method::Post, "/_sandbox/seed",
              {{"mode", "extend"},
               {"jira", {{"issues", json::array({fault_issue("FAULT-103", "P3", "2026-11-25T08:00:00.000+0800", "", nullptr)})}}}});
  api.catch_up_index();
  auto third = run_json(app, publish);
  CHECK(third["page"]["changed"] == true);
  CHECK(api.page(id)["version"]["number"] == 2);
  attachments = api.attachments(id);
  CHECK(attachments["faults-by-level.png"].first == 2);
  CHECK(attachments["releases-vs-faults.png"].first == 2);
  CHECK(attachments["time-to-recover.png"].first == 1);
  CHECK(api.messages("report.published").size() == 1);

  // A person edits the page: refused without --force, nothing written; --force overwrites.
  api.edit_page(id);
  mark = api.next_request();
  CHECK(app.run({"--config", config, "report", "monthly", "--month", "2026-11", "--publish"}) == 1);
  CHECK(app.err.str().find("edited in Confluence") != std::string::npos);
  CHECK(api.writes_since(mark).empty());
  auto forced = run_json(app, {"--config", config, "report", "monthly", "--month", "2026-11", "--publish", "--force", "--json"});
  CHECK(forced["page"]["changed"] == true);
  CHECK(api.page(id)["body"]["storage"]["value"].get<std::string>().find("by hand") == std::string::npos);

  // The report page is found by `search` like the review pages, as a row of its own.
  auto found = run_json(app, {"--config", config, "--json", "search", "figures as of"});
  INFO(found.dump());
  REQUIRE(found.size() == 1);
  CHECK(found[0]["type"] == "report");
  CHECK(found[0]["url"] == first["page"]["url"]);
  std::filesystem::remove_all(dir);
}

TEST_CASE("report monthly: a bad month is a usage error before any request", "[integration][report]") {
  SandboxProcess sandbox("datacenter");
  Api api(sandbox, k_datacenter);
  const auto dir = test_dir("report-bad-month");
  TestApp app = make_app(sandbox);
  const auto config = report_config(dir, k_datacenter, sandbox.url());
  const auto mark = api.next_request();
  CHECK(app.run({"--config", config, "report", "monthly", "--month", "2026-13"}) == 2);
  CHECK(app.err.str().find("--month") != std::string::npos);
  CHECK(app.err.str().find("YYYY-MM") != std::string::npos);
  for (const auto& r : api.requests_since(mark)) CHECK(r["path"].get<std::string>().starts_with("/_sandbox/"));
  std::filesystem::remove_all(dir);
}
