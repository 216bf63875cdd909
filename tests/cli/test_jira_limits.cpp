// Jira's text limits checked before any write, against the sandbox (Data Center): a title,
// comment, rollback or action summary Jira would refuse exits 2 with a short message and no
// request that writes; a review file whose fourth action summary is 1 MB publishes nothing.
// And `review render` checks owners as publish does when Jira answers, and renders from the
// file alone, saying owners were not checked, when it does not.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "support/integration.hpp"

using namespace faultline::testing;

namespace {

namespace fs = std::filesystem;

std::string limits_config(const fs::path& dir) {
  return write_config(dir, jira_config(k_datacenter) +
                               "[confluence]\nflavor = \"datacenter\"\nspace = \"OPS\"\nparent = \"Fault Reviews\"\n\n"
                               "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
                               "[people.dave]\njira = \"dave\"\n");
}

// The requests since `since` other than the sandbox's own control requests.
std::vector<std::string> product_requests_since(const SandboxApi& api, std::size_t since) {
  std::vector<std::string> out;
  for (const auto& r : api.requests_since(since)) {
    const std::string path = r["path"];
    if (!path.starts_with("/_sandbox/")) out.push_back(std::string(r["method"]) + " " + path);
  }
  return out;
}

// Opens a fault for the tests that need one; returns its key.
std::string open_test_fault(TestApp& app, const std::string& config) {
  auto opened = run_json(app, {"--config", config, "--json", "open", "--title", "Checkout returns 500", "--level", "P2",
                               "--no-notify", "--no-similar"});
  return opened["key"];
}

// A review file with one action per (summary, owner): action i (from 0) has its [[action]]
// header on line 4 + 5 * i and its summary on the next line.
std::string review_file(const std::vector<std::pair<std::string, std::string>>& actions) {
  std::string text = "+++\nlevel = \"P2\"\n";
  for (const auto& [summary, owner] : actions)
    text += "\n[[action]]\nsummary = \"" + summary + "\"\nowner = \"" + owner + "\"\ndue = \"+7d\"\n";
  return text + "+++\n\n## Summary\n\nThe checkout failed.\n";
}

// stdout + stderr of the last run, the size a person would have to read.
std::size_t output_size(const TestApp& app) { return app.out.str().size() + app.err.str().size(); }

}  // namespace

TEST_CASE("open with a title Jira would refuse exits 2 before any request", "[cli][jira_limits]") {
  SandboxProcess sandbox(k_datacenter.flavor);
  const SandboxApi api(sandbox, k_datacenter);
  const auto dir = test_dir("limits-open");
  const auto config = limits_config(dir);
  TestApp app = make_app(sandbox);

  const auto before = api.next_request();
  CHECK(app.run({"--config", config, "open", "--title", std::string(300, 't'), "--level", "P2", "--no-notify"}) == 2);
  INFO(app.err.str());
  CHECK(app.err.str().find("--title: too long for a Jira summary (300 characters, at most 255)") != std::string::npos);

  // 1 MB: the same short message, never the value.
  CHECK(app.run({"--config", config, "open", "--title", std::string(1048576, 't'), "--level", "P2", "--no-notify"}) == 2);
  CHECK(app.err.str().find("--title: too long for a Jira summary (1048576 characters, at most 255)") != std::string::npos);
  CHECK(output_size(app) < 1000);

  // At the limit the fault is created. (Characters of several bytes are covered by the core
  // tests: the sandbox counts a summary's bytes, real Jira its characters.)
  CHECK(product_requests_since(api, before).empty());
  const std::string at_limit(255, 't');
  auto opened = run_json(app, {"--config", config, "--json", "open", "--title", at_limit, "--level", "P2", "--no-notify",
                               "--no-similar"});
  CHECK(opened["fault"]["summary"] == at_limit);
  fs::remove_all(dir);
}

TEST_CASE("update, recover, rollback and actions add with values Jira would refuse write nothing", "[cli][jira_limits]") {
  SandboxProcess sandbox(k_datacenter.flavor);
  const SandboxApi api(sandbox, k_datacenter);
  const auto dir = test_dir("limits-commands");
  const auto config = limits_config(dir);
  TestApp app = make_app(sandbox);
  const auto key = open_test_fault(app, config);
  const std::string too_long_comment(32768, 'm');

  const auto before = api.next_request();
  SECTION("update --message beyond the comment limit") {
    CHECK(app.run({"--config", config, "update", key, "--message", too_long_comment, "--no-notify"}) == 2);
    CHECK(app.err.str().find("the update comment (--message and --cause): too long for a Jira comment (") !=
          std::string::npos);
    CHECK(app.err.str().find("characters, at most 32767)") != std::string::npos);
  }
  SECTION("recover --impact beyond the description limit") {
    CHECK(app.run({"--config", config, "recover", key, "--impact", too_long_comment, "--no-notify"}) == 2);
    CHECK(app.err.str().find("--impact: too long for a Jira description") != std::string::npos);
    CHECK(product_requests_since(api, before).empty());
  }
  SECTION("rollback whose summary would pass 255 characters") {
    CHECK(app.run({"--config", config, "rollback", "--service", std::string(250, 's'), "--from", "v42", "--to", "v41",
                   "--no-notify"}) == 2);
    CHECK(app.err.str().find("the fault summary (--service, --from, --to): too long for a Jira summary") !=
          std::string::npos);
    CHECK(product_requests_since(api, before).empty());
  }
  SECTION("actions add --summary beyond 255 characters") {
    CHECK(app.run({"--config", config, "actions", "add", key, "--summary", std::string(256, 'a'), "--owner", "dave",
                   "--due", "+7d"}) == 2);
    CHECK(app.err.str().find("--summary: too long for a Jira summary") != std::string::npos);
    CHECK(product_requests_since(api, before).empty());
  }
  INFO(app.err.str());
  CHECK(output_size(app) < 2000);
  CHECK(api.writes_since(before).empty());
  fs::remove_all(dir);
}

TEST_CASE("review publish of a file whose fourth action summary is 1 MB publishes nothing", "[cli][jira_limits]") {
  SandboxProcess sandbox(k_datacenter.flavor);
  const SandboxApi api(sandbox, k_datacenter);
  const auto dir = test_dir("limits-publish");
  const auto config = limits_config(dir);
  TestApp app = make_app(sandbox);
  const auto key = open_test_fault(app, config);
  const auto file = write_text(dir / "review.md", review_file({{"Alert on 5xx", "dave"},
                                                               {"Canary deploys", "dave"},
                                                               {"Runbook", "dave"},
                                                               {std::string(1048576, 'x'), "dave"},
                                                               {"Load test", "dave"}}));

  const auto before = api.next_request();
  CHECK(app.run({"--config", config, "review", "publish", key, file, "--no-notify"}) == 2);
  INFO(app.err.str().substr(0, 2000));
  // The fourth [[action]] starts on line 19; its summary is on line 20.
  CHECK(app.err.str().find(file + ":20: action[4].summary: too long for a Jira summary (1048576 characters, at most "
                           "255)") != std::string::npos);
  CHECK(app.err.str().find("nothing was published") != std::string::npos);
  CHECK(output_size(app) < 2000);
  CHECK(api.writes_since(before).empty());
  fs::remove_all(dir);
}

TEST_CASE("review render checks the owners against Jira as publish does", "[cli][jira_limits][review]") {
  SandboxProcess sandbox(k_datacenter.flavor);
  const SandboxApi api(sandbox, k_datacenter);
  const auto dir = test_dir("limits-render-owners");
  const auto config = limits_config(dir);
  TestApp app = make_app(sandbox);
  const auto key = open_test_fault(app, config);

  const auto good = write_text(dir / "good.md", review_file({{"Alert on 5xx rate", "dave"}}));
  REQUIRE(app.run({"--config", config, "review", "render", key, good, "--format", "markdown"}) == 0);
  CHECK(app.out.str().find("Alert on 5xx rate") != std::string::npos);
  CHECK(app.err.str().find("owners not checked") == std::string::npos);

  const auto unknown = write_text(dir / "unknown.md", review_file({{"Alert on 5xx rate", "dave"}, {"Canary", "nobody-such"}}));
  const auto before = api.next_request();
  CHECK(app.run({"--config", config, "review", "render", key, unknown}) == 2);
  INFO(app.err.str());
  // The second [[action]] starts on line 9.
  CHECK(app.err.str().find(unknown + ":9: owner: owner 'nobody-such'") != std::string::npos);
  CHECK(app.err.str().find("1 problem in the review file") != std::string::npos);
  CHECK(app.out.str().empty());
  CHECK(api.writes_since(before).empty());
  fs::remove_all(dir);
}

TEST_CASE("review render without Jira renders from the file and says owners were not checked", "[cli][jira_limits][review]") {
  const auto dir = test_dir("limits-render-offline");
  const auto config = limits_config(dir);
  const auto file = write_text(dir / "review.md", review_file({{"Alert on 5xx rate", "nobody-such"}}));
  std::string closed_url;
  {
    SandboxProcess gone(k_datacenter.flavor);
    closed_url = gone.url();
  }  // stopped: nothing listens on its port any more
  TestApp app;
  app.real_network = true;
  app.env.set("IT_TOKEN", "sandbox-token");

  SECTION("Jira unreachable") {
    app.env.set("FAULTLINE_JIRA_URL", closed_url);
    REQUIRE(app.run({"--config", config, "review", "render", "FAULT-7", file, "--format", "markdown"}) == 0);
    INFO(app.err.str());
    CHECK(app.err.str().find("owners not checked: Jira could not be reached") != std::string::npos);
  }
  SECTION("no Jira configured") {
    REQUIRE(app.run({"--config", config, "review", "render", "FAULT-7", file, "--format", "markdown"}) == 0);
    INFO(app.err.str());
    CHECK(app.err.str().find("owners not checked: ") != std::string::npos);
  }
  SECTION("--offline, with no request at all") {
    app.real_network = false;  // any request fails the test
    app.env.set("FAULTLINE_JIRA_URL", closed_url);
    REQUIRE(app.run({"--config", config, "review", "render", "FAULT-7", file, "--format", "markdown", "--offline"}) == 0);
    CHECK(app.err.str().find("owners not checked: --offline") != std::string::npos);
  }
  INFO(app.out.str());
  CHECK(app.out.str().find("FAULT-7") != std::string::npos);
  CHECK(app.out.str().find("Alert on 5xx rate") != std::string::npos);
  fs::remove_all(dir);
}
