// `faultline init --non-interactive` then `faultline doctor` against the sandbox, on both
// Jira flavors: the config init writes must pass every doctor check.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;

TEST_CASE("init writes a config that doctor passes, on Cloud and Data Center", "[integration][init][doctor]") {
  const FlavorCase flavor_case = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor_case.flavor, {"--token", "it-token-123456"});
  const auto dir = test_dir("init-" + std::string(flavor_case.flavor));
  const auto config_path = (dir / "faultline.toml").string();

  TestApp app;
  app.real_network = true;
  app.env.set("IT_TOKEN", "it-token-123456");
  std::vector<std::string> args = {"init", "--non-interactive", "--jira-url", sandbox.url(), "--token-env", "IT_TOKEN",
                                   "--project", "FAULT", "--space", "OPS", "--confluence-url",
                                   sandbox.url() + flavor_case.wiki, "--output", config_path};
  if (*flavor_case.user != '\0') {
    args.push_back("--user");
    args.push_back(flavor_case.user);
  }
  INFO(app.err.str());
  REQUIRE(app.run(args) == 0);
  const auto config = read_text(config_path);
  CHECK(config.find(std::string("flavor = \"") + flavor_case.flavor) != std::string::npos);
  CHECK(config.find("fault_type = \"Fault\"") != std::string::npos);
  CHECK(config.find("subtask_type = \"Sub-task\"") != std::string::npos);
  CHECK(config.find("level = \"Fault Level\"") != std::string::npos);
  CHECK(config.find("recovered = \"Recovered\"") != std::string::npos);
  // The Confluence flavor is asked of the site (a loopback host says nothing) and written.
  const auto wiki = config.find("[confluence]");
  REQUIRE(wiki != std::string::npos);
  CHECK(config.find(std::string("flavor = \"") + flavor_case.flavor, wiki) != std::string::npos);
  CHECK(config.find("it-token-123456") == std::string::npos);

  const int doctor = app.run({"--config", config_path, "doctor", "--json"});
  INFO(app.out.str() << app.err.str());
  auto report = nlohmann::json::parse(app.out.str());
  for (const auto& check : report["checks"]) {
    INFO(check.dump());
    CHECK(check["status"] == "pass");
  }
  CHECK(report["ok"] == true);
  CHECK(doctor == 0);
  bool wiki_flavor_shown = false;
  for (const auto& check : report["checks"])
    if (check["name"] == "confluence.connection")
      wiki_flavor_shown = check["detail"].get<std::string>().find(flavor_case.flavor) != std::string::npos;
  CHECK(wiki_flavor_shown);
  CHECK(app.out.str().find("it-token-123456") == std::string::npos);
  CHECK(app.err.str().find("it-token-123456") == std::string::npos);

  // A wrong token: doctor fails on auth (exit 1), and the token never shows.
  app.env.set("IT_TOKEN", "wrong-token-987654");
  CHECK(app.run({"--config", config_path, "doctor"}) == 1);
  CHECK(app.out.str().find("wrong-token-987654") == std::string::npos);
  CHECK(app.err.str().find("wrong-token-987654") == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("verbose logs and dry runs never show the token or the Authorization value", "[integration][secrets]") {
  SandboxProcess sandbox("cloud", {"--token", "mask-me-token-4242"});
  const auto dir = std::filesystem::temp_directory_path() / "faultline-it-masking";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto config_path = (dir / "faultline.toml").string();

  TestApp app;
  app.real_network = true;
  app.env.set("IT_TOKEN", "mask-me-token-4242");
  const std::vector<std::string> init = {"init", "--non-interactive", "--jira-url", sandbox.url(), "--user",
                                         "oncall@example.com", "--token-env", "IT_TOKEN", "--project", "FAULT",
                                         "--space", "OPS", "--confluence-url", sandbox.url() + "/wiki",
                                         "--output", config_path};
  // --dry-run: init discovers (reads) but writes no file; -v logs every request.
  std::vector<std::string> dry = {"-v", "--dry-run"};
  dry.insert(dry.end(), init.begin(), init.end());
  REQUIRE(app.run(dry) == 0);
  CHECK_FALSE(std::filesystem::exists(config_path));
  const auto basic = std::string("b25jYWxsQGV4YW1wbGUuY29tOm1hc2stbWUtdG9rZW4tNDI0Mg");  // base64 of user:token
  for (const auto& text : {app.out.str(), app.err.str()}) {
    CHECK(text.find("mask-me-token-4242") == std::string::npos);
    CHECK(text.find(basic) == std::string::npos);
  }
  CHECK(app.err.str().find("GET " + sandbox.url() + "/rest/api/3/myself") != std::string::npos);

  REQUIRE(app.run(init) == 0);
  CHECK(app.run({"-v", "--config", config_path, "doctor"}) == 0);
  CHECK(app.err.str().find("/rest/api/3/myself") != std::string::npos);
  CHECK(app.err.str().find("mask-me-token-4242") == std::string::npos);
  CHECK(app.err.str().find(basic) == std::string::npos);

  // An error answer (a bad token) is reported without the token either.
  app.env.set("IT_TOKEN", "another-secret-5151");
  CHECK(app.run({"-v", "--config", config_path, "doctor"}) != 0);
  CHECK(app.out.str().find("another-secret-5151") == std::string::npos);
  CHECK(app.err.str().find("another-secret-5151") == std::string::npos);
  std::filesystem::remove_all(dir);
}
