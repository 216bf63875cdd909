// `faultline setup board` against the sandbox, on Cloud and Data Center: the first run creates
// the three lane filters and the board, a second run finds them (three filters and one board,
// not six and two), and a filter whose JQL was changed by hand is put back in place.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "faultline/http/curl_transport.hpp"
#include "support/sandbox_process.hpp"
#include "support/test_context.hpp"

using faultline::testing::SandboxProcess;
using faultline::testing::TestApp;

namespace {

struct FlavorCase {
  const char* flavor;
  const char* user;  // "" = bearer PAT
};

std::string write_config(const std::filesystem::path& dir, const FlavorCase& fc) {
  std::filesystem::create_directories(dir);
  const auto path = (dir / "faultline.toml").string();
  std::ofstream file(path);
  file << "[jira]\nflavor = \"" << fc.flavor << "\"\n";
  if (*fc.user != '\0') file << "user = \"" << fc.user << "\"\n";
  file << "token_env = \"IT_TOKEN\"\nproject = \"FAULT\"\nfault_type = \"Fault\"\n\n"
       << "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n";
  return path;
}

std::string auth_header(const FlavorCase& fc) {
  if (*fc.user == '\0') return "Bearer sandbox-token";
  return "Basic b25jYWxsQGV4YW1wbGUuY29tOnNhbmRib3gtdG9rZW4=";  // oncall@example.com:sandbox-token
}

nlohmann::json get(const SandboxProcess& sandbox, const FlavorCase& fc, const std::string& path) {
  auto transport = faultline::http::make_curl_transport(faultline::http::CurlOptions{});
  faultline::http::Request request;
  request.url = sandbox.url() + path;
  request.headers.emplace_back("Authorization", auth_header(fc));
  auto outcome = transport->send(request);
  REQUIRE(outcome.has_value());
  INFO(path << ": " << outcome->body);
  REQUIRE(outcome->status == 200);
  return nlohmann::json::parse(outcome->body);
}

// The caller's filters whose name starts with "faultline:".
std::vector<nlohmann::json> my_faultline_filters(const SandboxProcess& sandbox, const FlavorCase& fc) {
  const bool cloud = std::string(fc.flavor) == "cloud";
  const auto list = get(sandbox, fc, cloud ? "/rest/api/3/filter/my?includeFavourites=true" : "/rest/api/2/filter/favourite");
  std::vector<nlohmann::json> out;
  for (const auto& f : list)
    if (f.value("name", "").rfind("faultline:", 0) == 0) out.push_back(f);
  return out;
}

void put_filter_jql(const SandboxProcess& sandbox, const FlavorCase& fc, const std::string& id, const std::string& name,
                    const std::string& jql) {
  const bool cloud = std::string(fc.flavor) == "cloud";
  auto transport = faultline::http::make_curl_transport(faultline::http::CurlOptions{});
  faultline::http::Request request;
  request.method = faultline::http::Method::Put;
  request.url = sandbox.url() + (cloud ? "/rest/api/3/filter/" : "/rest/api/2/filter/") + id;
  request.headers.emplace_back("Authorization", auth_header(fc));
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = nlohmann::json{{"name", name}, {"jql", jql}}.dump();
  auto outcome = transport->send(request);
  REQUIRE(outcome.has_value());
  INFO(outcome->body);
  REQUIRE(outcome->status == 200);
}

nlohmann::json run_json(TestApp& app, std::vector<std::string> args) {
  const int code = app.run(std::move(args));
  INFO(app.err.str());
  INFO(app.out.str());
  REQUIRE(code == 0);
  return nlohmann::json::parse(app.out.str());
}

}  // namespace

TEST_CASE("setup board twice gives three filters and one board", "[integration][setup]") {
  const FlavorCase fc = GENERATE(FlavorCase{"cloud", "oncall@example.com"}, FlavorCase{"datacenter", ""});
  SandboxProcess sandbox(fc.flavor);
  const auto dir = std::filesystem::temp_directory_path() / ("faultline-it-setup-" + std::string(fc.flavor));
  std::filesystem::remove_all(dir);
  const auto config = write_config(dir, fc);
  TestApp app;
  app.real_network = true;
  app.env.set("FAULTLINE_JIRA_URL", sandbox.url());
  app.env.set("IT_TOKEN", "sandbox-token");

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

  CHECK(my_faultline_filters(sandbox, fc).size() == 3);
  const auto boards = get(sandbox, fc, "/rest/agile/1.0/board?name=faultline");
  int ours = 0;
  for (const auto& b : boards["values"])
    if (b.value("name", "") == "faultline: faults (FAULT)") ++ours;
  CHECK(ours == 1);

  // A filter edited by hand is put back, keeping its id.
  put_filter_jql(sandbox, fc, first["filters"][1]["id"], first["filters"][1]["name"], "project = FAULT");
  auto third = run_json(app, {"--config", config, "setup", "board", "--json"});
  CHECK(third["filters"][0]["status"] == "unchanged");
  CHECK(third["filters"][1]["status"] == "updated");
  CHECK(third["filters"][1]["id"] == first["filters"][1]["id"]);
  CHECK(my_faultline_filters(sandbox, fc).size() == 3);
  for (const auto& f : my_faultline_filters(sandbox, fc))
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
  const FlavorCase fc{"datacenter", ""};
  SandboxProcess sandbox(fc.flavor);
  const auto dir = std::filesystem::temp_directory_path() / "faultline-it-setup-403";
  std::filesystem::remove_all(dir);
  const auto config = write_config(dir, fc);
  {
    auto transport = faultline::http::make_curl_transport(faultline::http::CurlOptions{});
    faultline::http::Request request;
    request.method = faultline::http::Method::Post;
    request.url = sandbox.url() + "/_sandbox/faults";
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = R"({"kind": "status", "status": 403, "method": "POST", "path": "^/rest/agile/1.0/board$"})";
    auto outcome = transport->send(request);
    REQUIRE(outcome.has_value());
    REQUIRE(outcome->status < 300);
  }
  TestApp app;
  app.real_network = true;
  app.env.set("FAULTLINE_JIRA_URL", sandbox.url());
  app.env.set("IT_TOKEN", "sandbox-token");
  REQUIRE(app.run({"--config", config, "setup", "board"}) == 0);
  const auto text = app.out.str();
  INFO(text << app.err.str());
  CHECK(text.find("filter\tcreated\tfaultline: overdue actions (FAULT)") != std::string::npos);
  CHECK(text.find("board\tnot_permitted\tfaultline: faults (FAULT)") != std::string::npos);
  CHECK(text.find("Create the board by hand") != std::string::npos);
  CHECK(app.err.str().find("refused to create the board") != std::string::npos);
  CHECK(my_faultline_filters(sandbox, fc).size() == 3);
  std::filesystem::remove_all(dir);
}
