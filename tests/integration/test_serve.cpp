// `faultline serve` (issue #15), the real binary on Cloud and Data Center: 1,000 Alertmanager
// deliveries from 8 concurrent senders, with repeats, resolutions and a Jira outage in the
// middle, end as exactly one fault per alert group, one announcement each and one resolution
// comment each, none lost; a wrong token gets 401, an oversize body 413, a bad payload 400;
// /healthz and /metrics answer; SIGTERM stops it cleanly with the spool empty.
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/integration.hpp"

using namespace faultline::testing;
using faultline::http::Method;
using namespace std::chrono_literals;

namespace {

constexpr int k_groups = 10;
constexpr int k_deliveries = 1000;
constexpr int k_senders = 8;
constexpr int k_resolved_groups = 4;  // groups 0..3 are resolved at the end

// The Alertmanager (v4) payload of group `group`; `variant` changes a note in the description
// (so most deliveries are distinct bodies), never the title.
std::string payload(int group, int variant, bool resolved) {
  const std::string name = fmt::format("CheckoutDown{}", group);
  nlohmann::json alert = {
      {"status", resolved ? "resolved" : "firing"},
      {"labels", {{"alertname", name}, {"severity", "critical"}, {"service", "checkout"}}},
      {"annotations", {{"summary", fmt::format("Checkout group {} is down", group)},
                       {"description", fmt::format("probe {} failed", variant)}}},
      {"startsAt", "2026-12-05T01:00:00Z"},
      {"endsAt", resolved ? "2026-12-05T02:00:00Z" : "0001-01-01T00:00:00Z"},
      {"generatorURL", "http://prometheus.example.com/graph"},
      {"fingerprint", fmt::format("fp{:04d}", group)}};
  nlohmann::json body = {{"version", "4"},
                         {"status", resolved ? "resolved" : "firing"},
                         {"receiver", "faultline"},
                         {"groupKey", fmt::format("{{}}:{{alertname=\"{}\"}}", name)},
                         {"truncatedAlerts", 0},
                         {"groupLabels", {{"alertname", name}}},
                         {"commonLabels", alert["labels"]},
                         {"commonAnnotations", alert["annotations"]},
                         {"externalURL", "http://alertmanager.example.com"},
                         {"alerts", nlohmann::json::array({alert})}};
  return body.dump();
}

struct Served {
  pid_t pid = -1;
  std::string base;
  std::filesystem::path err;
};

faultline::http::Response post(const std::string& url, const std::string& body, const std::string& token) {
  auto transport = faultline::http::make_curl_transport(faultline::http::CurlOptions{});
  faultline::http::Request request;
  request.method = Method::Post;
  request.url = url;
  request.body = body;
  request.headers.emplace_back("Content-Type", "application/json");
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  auto outcome = transport->send(request);
  REQUIRE(outcome.has_value());
  return *outcome;
}

std::string get(const std::string& url) {
  auto transport = faultline::http::make_curl_transport(faultline::http::CurlOptions{});
  faultline::http::Request request;
  request.url = url;
  auto outcome = transport->send(request);
  REQUIRE(outcome.has_value());
  REQUIRE(outcome->status == 200);
  return outcome->body;
}

// A metric's value from the /metrics text (-1 when absent).
double metric(const std::string& text, const std::string& name) {
  const std::regex line("(^|\n)" + std::regex_replace(name, std::regex(R"([{}"])"), R"(\$&)") + R"( ([0-9.e+-]+))");
  std::smatch match;
  if (!std::regex_search(text, match, line)) return -1;
  return std::stod(match[2]);
}

Served start_serve(const SandboxProcess& sandbox, const std::filesystem::path& dir, const std::string& config) {
  Served served;
  served.err = dir / "serve.err";
  served.pid = spawn_faultline(sandbox, {"--config", config, "serve", "--listen", "127.0.0.1:0"},
                               (dir / "serve.out").string(), served.err.string());
  const std::regex listening(R"re("address":"127\.0\.0\.1:([0-9]+)")re");
  for (int i = 0; i < 200 && served.base.empty(); ++i) {
    std::smatch match;
    const auto log = read_text(served.err);
    if (std::regex_search(log, match, listening)) served.base = "http://127.0.0.1:" + match[1].str();
    else std::this_thread::sleep_for(50ms);
  }
  INFO(read_text(served.err));
  REQUIRE(!served.base.empty());
  return served;
}

}  // namespace

TEST_CASE("serve: 1,000 concurrent deliveries with repeats and a Jira outage: one fault per group, none lost",
          "[integration][serve]") {
  const FlavorCase flavor = GENERATE(k_cloud, k_datacenter);
  SandboxProcess sandbox(flavor.flavor);
  SandboxApi api(sandbox, flavor);
  const auto dir = test_dir(std::string("serve-") + flavor.flavor);
  const auto config = write_config(
      dir, jira_config(flavor) + "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
                                 "[routes]\n\"fault.opened\" = [\"ops\"]\n\n"
                                 "[serve]\ntoken = \"serve-secret\"\nmax_body_kib = 64\n\n"
                                 "[http]\nmax_retries = 1\n\n"
                                 "[spool]\ndir = \"" + (dir / "spool").string() + "\"\n");
  std::filesystem::permissions(config, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto served = start_serve(sandbox, dir, config);
  const auto alertmanager = served.base + "/alertmanager";

  // Refusals first: nothing of these reaches the spool.
  CHECK(post(alertmanager, payload(0, 0, false), "wrong").status == 401);
  CHECK(post(alertmanager, payload(0, 0, false), "").status == 401);
  CHECK(post(alertmanager, std::string(65 * 1024, '{'), "serve-secret").status == 413);
  CHECK(post(alertmanager, R"({"hello": "world"})", "serve-secret").status == 400);
  CHECK(get(served.base + "/healthz").find("\"ok\"") != std::string::npos);

  // Deliveries 300..699 arrive while Jira answers 503 to everything.
  std::atomic<int> next{0};
  std::atomic<int> acknowledged{0};
  std::atomic<int> other{0};
  std::mutex outage_mutex;
  bool outage_started = false;
  bool outage_ended = false;
  auto outage_start = std::chrono::steady_clock::now();
  auto sender = [&] {
    for (int i = next++; i < k_deliveries; i = next++) {
      {
        std::lock_guard lock(outage_mutex);
        if (i >= 300 && !outage_started) {
          api.control(Method::Post, "/_sandbox/faults", {{"kind", "status"}, {"status", 503}, {"path", "^/rest/"}});
          outage_started = true;
          outage_start = std::chrono::steady_clock::now();
        }
        if (i >= 700 && !outage_ended) {
          // At least 3 s of outage, so the worker meets it (the senders wait meanwhile).
          std::this_thread::sleep_until(outage_start + 3s);
          api.control(Method::Delete, "/_sandbox/faults");
          outage_ended = true;
        }
      }
      // Every delivery is some group's firing payload; each body is sent about three times.
      const int group = i % k_groups;
      const int variant = (i / k_groups) % 33;
      const auto answer = post(alertmanager, payload(group, variant, false), "serve-secret");
      if (answer.status == 202 || answer.status == 200) ++acknowledged;
      else ++other;
    }
  };
  std::vector<std::thread> senders;
  for (int s = 0; s < k_senders; ++s) senders.emplace_back(sender);
  for (auto& thread : senders) thread.join();
  CHECK(acknowledged == k_deliveries);
  CHECK(other == 0);
  // Then some groups resolve (each resolution delivered twice).
  for (int group = 0; group < k_resolved_groups; ++group)
    for (int copy = 0; copy < 2; ++copy) CHECK(post(alertmanager, payload(group, 0, true), "serve-secret").status < 300);

  // The worker drains the spool (it backs off while Jira is down, at most 60 s between tries).
  std::string metrics;
  auto spooled_files = [&] {
    int n = 0;
    for (const auto& item : std::filesystem::directory_iterator(dir / "spool")) n += item.path().extension() == ".json";
    return n;
  };
  for (int i = 0; i < 1200; ++i) {  // 5 minutes at most
    metrics = get(served.base + "/metrics");
    if (spooled_files() == 0 && metric(metrics, "faultline_spool_entries") == 0) break;
    std::this_thread::sleep_for(250ms);
  }
  INFO(metrics);
  CHECK(metric(metrics, "faultline_spool_entries") == 0);
  CHECK(metric(metrics, "faultline_spool_failed_entries") == 0);
  // The oversize body is refused by the HTTP layer before it counts as received.
  CHECK(metric(metrics, "faultline_deliveries_received_total{source=\"alertmanager\"}") == k_deliveries + 3 + 2 * k_resolved_groups);
  CHECK(metric(metrics, "faultline_deliveries_spooled_total") + metric(metrics, "faultline_deliveries_duplicate_total") ==
        k_deliveries + 2 * k_resolved_groups);
  CHECK(metric(metrics, "faultline_replays_unavailable_total") >= 1);  // the outage was seen, and waited out
  CHECK(metric(metrics, "faultline_deliveries_refused_total{reason=\"unauthorized\"}") == 2);
  CHECK(metric(metrics, "faultline_deliveries_refused_total{reason=\"too_large\"}") == 1);
  CHECK(metric(metrics, "faultline_jira_request_duration_seconds_count") > 0);

  // SIGTERM: a clean stop.
  ::kill(served.pid, SIGTERM);
  CHECK(wait_exit(served.pid) == 0);
  const auto log = read_text(served.err);
  CHECK(log.find("\"event\":\"stopped\"") != std::string::npos);
  CHECK(log.find("serve-secret") == std::string::npos);
  CHECK(log.find("sandbox-token") == std::string::npos);

  // Exactly one fault per group, each announced once; each resolution commented once.
  api.catch_up_index();
  const auto issues = api.call(Method::Post, std::string(flavor.jira_api) + (flavor.cloud() ? "/search/jql" : "/search"),
                               {{"jql", "project = FAULT ORDER BY key ASC"}, {"fields", {"summary"}}, {"maxResults", 200}});
  std::map<std::string, std::vector<std::string>> by_title;
  for (const auto& issue : issues["issues"]) by_title[issue["fields"]["summary"]].push_back(issue["key"]);
  for (int group = 0; group < k_groups; ++group) {
    const auto title = fmt::format("Checkout group {} is down", group);
    INFO(title);
    REQUIRE(by_title[title].size() == 1);
    const auto key = by_title[title].front();
    const auto comments = api.call(Method::Get, std::string(flavor.jira_api) + "/issue/" + key + "/comment");
    int resolved = 0;
    int again = 0;
    for (const auto& c : comments["comments"]) {
      const auto text = c.dump();
      resolved += text.find("Alert resolved") != std::string::npos ? 1 : 0;
      again += text.find("Reported again") != std::string::npos ? 1 : 0;
    }
    CHECK(resolved == (group < k_resolved_groups ? 1 : 0));
    CHECK(again <= 1);  // repeats of one title are one comment, at most
  }
  CHECK(by_title.size() == static_cast<std::size_t>(k_groups));
  // Each fault announced once. A send whose answer was lost (a loaded machine, the outage) is
  // sent again under the same Idempotency-Key: the receiver refuses the repeat (422, its
  // payload carries the facts as the later run read them) and nothing reaches the channel twice.
  std::map<std::string, int> accepted;
  std::map<std::string, int> refused;
  const auto announced = api.messages("fault.opened");
  for (const auto& message : announced) {
    const auto key = message["headers"].value("idempotency-key", message["body"].dump());
    (message.value("accepted", false) ? accepted : refused)[key] += 1;
  }
  INFO(announced.dump(1));
  CHECK(accepted.size() == static_cast<std::size_t>(k_groups));
  for (const auto& [key, count] : accepted) CHECK(count == 1);
  for (const auto& [key, count] : refused) CHECK(count <= 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("serve refuses to start without authentication, and on a bad address", "[integration][serve]") {
  SandboxProcess sandbox("datacenter");
  const auto dir = test_dir("serve-refuse");
  const auto config = write_config(dir, jira_config(k_datacenter) + "[spool]\ndir = \"" + (dir / "spool").string() + "\"\n");
  const auto out = (dir / "out").string();
  const auto err = (dir / "err").string();
  CHECK(wait_exit(spawn_faultline(sandbox, {"--config", config, "serve", "--listen", "127.0.0.1:0"}, out, err)) == 2);
  CHECK(read_text(err).find("token") != std::string::npos);
  write_text(config, read_text(config) + "[serve]\ntoken_env = \"IT_TOKEN\"\n");
  CHECK(wait_exit(spawn_faultline(sandbox, {"--config", config, "serve", "--listen", "nowhere"}, out, err)) == 2);
  CHECK(read_text(err).find("HOST:PORT") != std::string::npos);
  std::filesystem::remove_all(dir);
}
