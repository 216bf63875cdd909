// `faultline setup board` against the sandbox, on Cloud and Data Center: the first run creates
// the three lane filters and the board, a second run finds them (three filters and one board,
// not six and two), and a filter whose JQL was changed by hand is put back in place.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using faultline::http::Method;

namespace {

std::string write_config(const std::filesystem::path& dir, const FlavorCase& fc) {
  return faultline::testing::write_config(dir, jira_config(fc) + "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n");
}

// The caller's filters whose name starts with "faultline:".
std::vector<nlohmann::json> my_faultline_filters(const SandboxApi& api, const FlavorCase& fc) {
  const auto list = api.call(Method::Get, fc.cloud() ? "/rest/api/3/filter/my?includeFavourites=true"
                                                     : "/rest/api/2/filter/favourite");
  std::vector<nlohmann::json> out;
  for (const auto& f : list)
    if (f.value("name", "").rfind("faultline:", 0) == 0) out.push_back(f);
  return out;
}

}  // namespace

TEST_CASE("setup board twice gives three filters and one board", "[integration][setup]") {
  const FlavorCase fc = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(fc.flavor);
  const SandboxApi api(sandbox, fc);
  const auto dir = test_dir("setup-" + std::string(fc.flavor));
  const auto config = write_config(dir, fc);
  TestApp app = make_app(sandbox);

  auto first = run_json(app, {"--config", config, "setup", "board", "--json"});
  REQUIRE(first["filters"].size() == 3);
  for (const auto& f : first["filters"]) {
    CHECK(f["status"] == "created");
    CHECK(!f["id"].get<std::string>().empty());
    CHECK(f["url"] == sandbox.url() + "/issues/?filter=" + f["id"].get<std::string>());
  }
  CHECK(first["filters"][0]["name"] == "faultline: open faults (FAULT)");
  CHECK(first["filters"][1]["jql"].get<std::string>().find("duedate < startOfDay()") != std::string::npos);
  CHECK(first["filters"][2]["jql"].get<std::string>().find("duedate is EMPTY") != std::string::npos);
  REQUIRE(first["board"].is_object());
  CHECK(first["board"]["status"] == "created");
  const std::string board_id = first["board"]["id"];
  CHECK(!board_id.empty());
  CHECK(!first["manual_steps"].empty());

  auto second = run_json(app, {"--config", config, "setup", "board", "--json"});
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(second["filters"][i]["status"] == "unchanged");
    CHECK(second["filters"][i]["id"] == first["filters"][i]["id"]);
  }
  CHECK(second["board"]["status"] == "unchanged");
  CHECK(second["board"]["id"] == board_id);

  CHECK(my_faultline_filters(api, fc).size() == 3);
  const auto boards = api.call(Method::Get, "/rest/agile/1.0/board?name=faultline");
  int ours = 0;
  for (const auto& b : boards["values"])
    if (b.value("name", "") == "faultline: faults (FAULT)") ++ours;
  CHECK(ours == 1);

  // A filter edited by hand is put back, keeping its id.
  api.call(Method::Put, std::string(fc.jira_api) + "/filter/" + first["filters"][1]["id"].get<std::string>(),
           {{"name", first["filters"][1]["name"]}, {"jql", "project = FAULT"}});
  auto third = run_json(app, {"--config", config, "setup", "board", "--json"});
  CHECK(third["filters"][0]["status"] == "unchanged");
  CHECK(third["filters"][1]["status"] == "updated");
  CHECK(third["filters"][1]["id"] == first["filters"][1]["id"]);
  CHECK(my_faultline_filters(api, fc).size() == 3);
  for (const auto& f : my_faultline_filters(api, fc))
    if (f["id"] == first["filters"][1]["id"]) CHECK(f["jql"] == first["filters"][1]["jql"]);

  // Piped output: one tab-separated row per object, then the manual steps.
  REQUIRE(app.run({"--config", config, "setup", "board"}) == 0);
  const auto text = app.out.str();
  CHECK(text.rfind("filter\tunchanged\tfaultline: open faults (FAULT)\t", 0) == 0);
  CHECK(text.find("board\tunchanged\tfaultline: faults (FAULT)\t") != std::string::npos);
  CHECK(text.find("labels = \"fault-level-p1\"") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("setup board without permission for boards creates the filters and prints the steps",
          "[integration][setup]") {
  const FlavorCase fc = k_datacenter;
  SandboxProcess sandbox(fc.flavor);
  const SandboxApi api(sandbox, fc);
  const auto dir = test_dir("setup-403");
  const auto config = write_config(dir, fc);
  api.control(Method::Post, "/_sandbox/faults",
              {{"kind", "status"}, {"status", 403}, {"method", "POST"}, {"path", "^/rest/agile/1.0/board$"}});
  TestApp app = make_app(sandbox);
  REQUIRE(app.run({"--config", config, "setup", "board"}) == 0);
  const auto text = app.out.str();
  INFO(text << app.err.str());
  CHECK(text.find("filter\tcreated\tfaultline: overdue actions (FAULT)") != std::string::npos);
  CHECK(text.find("board\tnot_permitted\tfaultline: faults (FAULT)") != std::string::npos);
  CHECK(text.find("Create the board by hand") != std::string::npos);
  CHECK(app.err.str().find("refused to create the board") != std::string::npos);
  CHECK(my_faultline_filters(api, fc).size() == 3);
  std::filesystem::remove_all(dir);
}
