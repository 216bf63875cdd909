// `review publish` validation with a FakeTransport (Data Center): a file with problems and an
// owner Jira does not know gets every problem with file:line, exit 2 and no write request;
// a missing file is exit 2 before any request.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/fake_transport.hpp"
#include "support/test_context.hpp"

using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::testing::TestApp;

namespace {

std::filesystem::path test_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("faultline-test-publish-{}-{}", name, static_cast<long>(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string write_config(const std::filesystem::path& dir) {
  const auto path = (dir / "faultline.toml").string();
  std::ofstream file(path);
  file << "[jira]\nurl = \"https://jira.example.com\"\nflavor = \"datacenter\"\ntoken_env = \"T\"\nproject = \"FAULT\"\n\n"
       << "[confluence]\nurl = \"https://wiki.example.com/confluence\"\nflavor = \"datacenter\"\n\n"
       << "[team]\ntimezone = \"Asia/Shanghai\"\n\n[people.alice]\njira = \"alice\"\n";
  return path;
}

std::string fault_issue() {
  return nlohmann::json{{"id", "10001"},
                        {"key", "FAULT-1"},
                        {"fields",
                         {{"summary", "Checkout returns 500"},
                          {"status", {{"name", "Recovered"}, {"statusCategory", {{"key", "indeterminate"}}}}},
                          {"issuetype", {{"name", "Fault"}}},
                          {"labels", {"fault", "fault-level-p2"}}}},
                        {"properties", {{"faultline", {{"schema", 1}, {"level", "P2"}}}}}}
      .dump();
}

// The reads publish makes together with the fault's (its first wave): the sub-task list and
// review properties, the sub-tasks, the comments and the remote links. None has anything to
// report here. The page lookups (the parent page and the review page by title) come in the
// second wave, only for a valid file: the tests below stop before it.
void stub_other_reads(FakeTransport& fake) {
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1")
      .query("fields", "subtasks,summary")
      .reply(200, R"({"id":"10001","key":"FAULT-1","fields":{"subtasks":[],"summary":"Checkout returns 500"}})");
  fake.on(Method::Get, "/rest/api/2/search")
      .when([](const faultline::http::Request& r) { return r.url.find("parent%20%3D%20%22FAULT-1%22") != std::string::npos; })
      .reply(200, R"({"startAt":0,"maxResults":1000,"total":0,"issues":[]})");
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/comment")
      .reply(200, R"({"startAt":0,"maxResults":100,"total":0,"comments":[]})");
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1/remotelink").reply(200, "[]");
}

}  // namespace

TEST_CASE("review publish reports every problem of the file, unknown owners included, and writes nothing",
          "[cli][review][publish]") {
  const auto dir = test_dir("problems");
  const auto config = write_config(dir);
  const auto file = (dir / "review.md").string();
  {
    std::ofstream out(file);
    out << "+++\nlevl = \"P2\"\n\n[[action]]\nsummary = \"Alert on 5xx\"\nowner = \"zed\"\ndue = \"+7d\"\n\n"
        << "[[action]]\nsummary = \"Canary\"\nowner = \"alice\"\ndue = \"+7d\"\nkind = \"prevnt\"\n+++\n\n## Summary\n\nx\n";
  }
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1").query("properties", "faultline").reply(200, fault_issue());
  stub_other_reads(fake);
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "zed").reply(200, "[]");
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "alice").reply(200, R"([{"name":"alice","key":"JIRAUSER1"}])");
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  REQUIRE(app.run({"--config", config, "review", "publish", "FAULT-1", file}) == 2);
  const auto err = app.err.str();
  INFO(err);
  CHECK(err.find(file + ":2:") != std::string::npos);                 // levl
  CHECK(err.find(file + ":4: owner: owner 'zed'") != std::string::npos);  // at its [[action]]
  CHECK(err.find(file + ":13:") != std::string::npos);                // prevnt
  CHECK(err.find("nothing was published") != std::string::npos);
  CHECK(err.find("secret-token") == std::string::npos);
  for (const auto& call : fake.calls()) CHECK(call.method == Method::Get);
  fake.verify();
  std::filesystem::remove_all(dir);
}

TEST_CASE("review publish with a missing file exits 2 before any request", "[cli][review][publish]") {
  const auto dir = test_dir("missing");
  const auto config = write_config(dir);
  TestApp app;  // no transport: any request fails the test
  app.env.set("T", "secret-token-1234567");
  CHECK(app.run({"--config", config, "review", "publish", "FAULT-1", (dir / "nope.md").string()}) == 2);
  CHECK(app.err.str().find("nope.md") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("review publish with an unknown template stops before any write", "[cli][review][publish]") {
  const auto dir = test_dir("template");
  const auto config = write_config(dir);
  const auto file = (dir / "review.md").string();
  {
    std::ofstream out(file);
    out << "+++\nlevel = \"P2\"\n\n[[action]]\nsummary = \"Canary\"\nowner = \"alice\"\ndue = \"+7d\"\n+++\n\n## Summary\n\nx\n";
  }
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/issue/FAULT-1").query("properties", "faultline").reply(200, fault_issue());
  stub_other_reads(fake);
  fake.on(Method::Get, "/rest/api/2/user/search").query("username", "alice").reply(200, R"([{"name":"alice","key":"JIRAUSER1"}])");
  TestApp app;
  app.env.set("T", "secret-token-1234567");
  app.transport = &fake;
  CHECK(app.run({"--config", config, "review", "publish", "FAULT-1", file, "--template", "no-such-template"}) == 2);
  INFO(app.err.str());
  CHECK(app.err.str().find("no-such-template") != std::string::npos);
  for (const auto& call : fake.calls()) CHECK(call.method == Method::Get);
  fake.verify();
  std::filesystem::remove_all(dir);
}
