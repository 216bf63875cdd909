// Round-trip budgets of `review publish` (issue #13), on Cloud and Data Center, counted from
// the sandbox's request log: the publish of a review with 20 actions, its no-change re-run
// (no write), and the sequential round trips `faultline -v` reports for each. Then a publish
// of 2,000 actions ([bulk]; ~20 s per flavor at -O0, so 2,000 rather than 10,000): it
// completes, its chunks of 50 are one bulk call each, no sub-task is read one by one, and the
// re-run writes nothing. No chat route is configured: the counts are publish's own requests.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;

namespace {

// The requests faultline sent since `mark` (the sandbox's own API left out).
std::vector<std::string> requests_since(const SandboxApi& api, std::size_t mark) {
  std::vector<std::string> out;
  for (const auto& r : api.requests_since(mark)) {
    const std::string path = r["path"];
    if (!path.starts_with("/_sandbox/")) out.push_back(std::string(r["method"]) + " " + path);
  }
  return out;
}

// The writes among `requests`: everything but GET and Cloud's two POSTs that only read (the
// JQL search and the bulk fetch of issues by key; SandboxApi::writes_since knows the first).
std::vector<std::string> writes_of(const std::vector<std::string>& requests) {
  std::vector<std::string> out;
  for (const auto& r : requests) {
    const bool read = r.starts_with("GET ") || r.ends_with("/search/jql") || r.ends_with("/issue/bulkfetch");
    if (!read) out.push_back(r);
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

// "faultline: N sequential round trips" from a -v run's stderr; -1 when absent.
int round_trips(const std::string& err) {
  static const std::regex line("faultline: ([0-9]+) sequential round trips");
  std::smatch m;
  return std::regex_search(err, m, line) ? std::stoi(m[1]) : -1;
}

struct Fixture {
  FlavorCase flavor;
  SandboxProcess sandbox;
  SandboxApi api;
  std::filesystem::path dir;
  std::string config;
  TestApp app;
  std::string key;

  Fixture(const FlavorCase& f, const std::string& name)
      : flavor(f), sandbox(f.flavor), api(sandbox, f), dir(test_dir(name + "-" + f.flavor)), app(make_app(sandbox)) {
    config = write_publish_config(dir, f, sandbox.url());
    auto opened = run_json(app, {"--config", config, "open", "--json", "--title", "Pool exhausted", "--level", "P2",
                                 "--started-at", "-50m", "--no-notify"});
    key = opened["key"];
    run_json(app, {"--config", config, "recover", key, "--json", "--no-notify"});
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  // One publish of `file` with -v; returns its requests and its round trips.
  std::pair<std::vector<std::string>, int> publish(const std::string& file) {
    const auto mark = api.next_request();
    app.out.str("");
    app.err.str("");
    const int code = app.run({"--config", config, "-v", "review", "publish", key, file, "--json", "--claim-wait", "100"});
    INFO(app.err.str());
    REQUIRE(code == 0);
    return {requests_since(api, mark), round_trips(app.err.str())};
  }
};

}  // namespace

TEST_CASE("review publish of 20 actions: request count and round trips, first run and no-change re-run",
          "[integration][review][round-trips]") {
  struct Budget {
    FlavorCase flavor;
    std::size_t first_requests, rerun_requests;
    int first_depth, rerun_depth;
  };
  // Cloud: the space's id (v2 pages are found by space id) and the page's labels, added
  // after the v2 create, are the extra requests.
  // GET /field (the session's schema: no field cache in the tests) is 1 of each count and
  // 1 of each depth.
  const Budget budget = GENERATE(Budget{k_cloud, 31, 11, 8, 3}, Budget{k_datacenter, 27, 10, 8, 3});
  Fixture fx(budget.flavor, "round-trips-publish");
  const auto file = write_text(fx.dir / "review.md", review_with_actions(20));

  const auto [first, first_depth] = fx.publish(file);
  INFO("first publish:\n" << joined(first));
  int bulk = 0, subtask_gets = 0;
  for (const auto& r : first) {
    if (r.ends_with("/issue/bulk")) ++bulk;
    if (r.starts_with("GET ") && r.find("/issue/FAULT-") != std::string::npos && r.find(fx.key + "/") == std::string::npos &&
        !r.ends_with("/" + fx.key))
      ++subtask_gets;
    const bool label_request = r.find("/label") != std::string::npos;
    CHECK((!label_request || budget.flavor.cloud()));  // DC: the labels go with the create
  }
  CHECK(bulk == 1);
  CHECK(subtask_gets == 0);  // nothing read back one by one
  CHECK(first.size() == budget.first_requests);
  CHECK(first_depth == budget.first_depth);

  const auto mark = fx.api.next_request();
  const auto [rerun, rerun_depth] = fx.publish(file);
  INFO("re-run:\n" << joined(rerun));
  CHECK(fx.api.writes_since(mark).empty());
  CHECK(rerun.size() == budget.rerun_requests);
  CHECK(rerun_depth == budget.rerun_depth);
}

TEST_CASE("review publish of 2,000 actions completes with chunked bulk creates and paged reads; the re-run writes nothing",
          "[integration][review][round-trips][bulk]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  constexpr int k_actions = 2000;
  Fixture fx(flavor, "round-trips-publish-2k");
  const auto file = write_text(fx.dir / "review.md", review_with_actions(k_actions));

  const auto [first, first_depth] = fx.publish(file);
  int bulk = 0, subtask_gets = 0;
  for (const auto& r : first) {
    if (r.ends_with("/issue/bulk")) ++bulk;
    if (r.starts_with("GET ") && r.find("/issue/FAULT-") != std::string::npos && r.find(fx.key + "/") == std::string::npos &&
        !r.ends_with("/" + fx.key))
      ++subtask_gets;
  }
  CHECK(bulk == k_actions / 50);
  CHECK(subtask_gets == 0);
  CHECK(first.size() < 100);  // was 2,000+ one-by-one reads
  INFO("first publish: " << first.size() << " requests, " << first_depth << " round trips");

  const auto [rerun, rerun_depth] = fx.publish(file);
  INFO(joined(writes_of(rerun)));
  CHECK(writes_of(rerun).empty());
  CHECK(rerun.size() < 40);
  INFO("re-run: " << rerun.size() << " requests, " << rerun_depth << " round trips");
}
