// app::FieldCache and FieldCachingTransport: the per-site field map on disk (fresh for the
// TTL, file mode 0600, only field metadata, a corrupt or foreign file ignored and replaced),
// the field-list GET answered from it, and the entry dropped when Jira refuses a write naming
// a custom field.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "faultline/app/field_cache.hpp"
#include "faultline/core/time.hpp"
#include "support/fake_transport.hpp"

using faultline::app::FieldCache;
using faultline::app::FieldCachingTransport;
using faultline::http::Method;
using faultline::test::FakeTransport;
using faultline::test::fixture;

namespace {

constexpr const char* k_root = "https://jira.example.com/rest/api/2";

// A clock the test moves.
class StepClock final : public faultline::core::Clock {
public:
  faultline::core::TimePoint now() const override { return at; }
  faultline::core::TimePoint at{std::chrono::milliseconds{1795000000000}};
};

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("faultline-field-cache-" + name + "-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::remove_all(dir);
  return dir;
}

nlohmann::json fields() { return nlohmann::json::parse(fixture("jira/cloud/fields.json")); }

faultline::http::Request get(const std::string& url) {
  faultline::http::Request request;
  request.method = Method::Get;
  request.url = url;
  return request;
}

}  // namespace

TEST_CASE("the cache directory is $XDG_CACHE_HOME/faultline, else ~/.cache/faultline, else none", "[app][field-cache]") {
  using faultline::app::field_cache_dir;
  CHECK(field_cache_dir("/x/cache", "/home/me") == "/x/cache/faultline");
  CHECK(field_cache_dir("relative", "/home/me") == "/home/me/.cache/faultline");  // a relative XDG path is invalid
  CHECK(field_cache_dir(std::nullopt, "/home/me") == "/home/me/.cache/faultline");
  CHECK(field_cache_dir(std::string(), std::nullopt).empty());
  CHECK(field_cache_dir(std::nullopt, std::nullopt).empty());
}

TEST_CASE("a stored field map is used until the TTL runs out", "[app][field-cache]") {
  const auto dir = fresh_dir("ttl");
  StepClock clock;
  FieldCache cache(dir, std::chrono::seconds(3600), clock);
  CHECK_FALSE(cache.load(k_root));
  cache.store(k_root, fields());
  auto loaded = cache.load(k_root);
  REQUIRE(loaded);
  CHECK(loaded->size() == fields().size());
  CHECK((*loaded)[1]["id"] == fields()[1]["id"]);
  clock.at += std::chrono::minutes(59);
  CHECK(cache.load(k_root));
  clock.at += std::chrono::minutes(1);
  CHECK_FALSE(cache.load(k_root));
  // A clock set back before the fetch does not make the entry fresh forever.
  cache.store(k_root, fields());
  clock.at -= std::chrono::hours(2);
  CHECK_FALSE(cache.load(k_root));
  std::filesystem::remove_all(dir);
}

TEST_CASE("one file per site, mode 0600, holding only field metadata and no temp files", "[app][field-cache]") {
  const auto dir = fresh_dir("file");
  StepClock clock;
  FieldCache cache(dir, std::chrono::seconds(3600), clock);
  auto list = fields();
  list[0]["self"] = "https://jira.example.com/rest/api/2/field/summary?token=secret";  // anything beyond the kept members
  list[0]["untranslatedName"] = "secret";
  cache.store(k_root, list);
  cache.store("https://other.example.com/rest/api/2", list);
  CHECK(cache.path_for(k_root) != cache.path_for("https://other.example.com/rest/api/2"));
  CHECK(cache.path_for(k_root).parent_path() == dir);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
    CHECK(entry.path().extension() == ".json");
  }
  CHECK(files == 2);
  struct stat info {};
  REQUIRE(::stat(cache.path_for(k_root).c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::ifstream in(cache.path_for(k_root));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("secret") == std::string::npos);
  CHECK(text.find("Fault Level") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a corrupt or foreign cache file is ignored and overwritten", "[app][field-cache]") {
  const auto dir = fresh_dir("corrupt");
  StepClock clock;
  FieldCache cache(dir, std::chrono::seconds(3600), clock);
  std::filesystem::create_directories(dir);
  const auto text = GENERATE(std::string("{\"version\":1,\"site\":\"https://jira.exa"), std::string("[1,2,3]"),
                             std::string(""), std::string("{\"version\":1,\"site\":\"https://elsewhere/rest/api/2\","
                                                          "\"fetched_at_ms\":1795000000000,\"fields\":[]}"),
                             std::string("{\"version\":1,\"site\":\"https://jira.example.com/rest/api/2\","
                                         "\"fetched_at_ms\":\"soon\",\"fields\":[]}"));
  std::ofstream(cache.path_for(k_root), std::ios::trunc) << text;
  CHECK_FALSE(cache.load(k_root));

  // Through the transport: the GET goes to Jira and its answer replaces the file.
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/field").reply(200, fixture("jira/cloud/fields.json"));
  FieldCachingTransport caching(fake, cache);
  auto outcome = caching.send(get(std::string(k_root) + "/field"));
  REQUIRE(outcome);
  CHECK(outcome->status == 200);
  fake.verify();
  CHECK(cache.load(k_root));
  std::filesystem::remove_all(dir);
}

TEST_CASE("the field-list GET is answered from a fresh entry, other requests pass through", "[app][field-cache]") {
  const auto dir = fresh_dir("transport");
  StepClock clock;
  FieldCache cache(dir, std::chrono::seconds(3600), clock);
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/2/field").reply(200, fixture("jira/cloud/fields.json"));
  fake.on(Method::Get, "/rest/api/2/field").query("expand", "x").reply(200, "[]");
  fake.on(Method::Get, "/rest/api/2/field").reply(200, fixture("jira/cloud/fields.json"));
  FieldCachingTransport caching(fake, cache);

  auto first = caching.send(get(std::string(k_root) + "/field"));  // miss: Jira, then stored
  auto second = caching.send(get(std::string(k_root) + "/field"));  // hit
  REQUIRE(first);
  REQUIRE(second);
  CHECK(second->status == 200);
  CHECK(nlohmann::json::parse(second->body).size() == fields().size());
  CHECK(caching.hits() == 1);
  CHECK(caching.send(get(std::string(k_root) + "/field?expand=x")));  // with a query: not the list
  clock.at += std::chrono::hours(1);
  CHECK(caching.send(get(std::string(k_root) + "/field")));  // expired: Jira again
  CHECK(caching.hits() == 1);
  fake.verify();
  CHECK(fake.calls().size() == 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a write refused naming a custom field drops the site's entry; other refusals keep it", "[app][field-cache]") {
  const auto dir = fresh_dir("mismatch");
  StepClock clock;
  FieldCache cache(dir, std::chrono::seconds(3600), clock);
  cache.store(k_root, fields());
  FakeTransport fake;
  fake.on(Method::Post, "/rest/api/2/issue").reply(400, R"({"errorMessages":["Field 'priority' is required"],"errors":{}})");
  fake.on(Method::Post, "/rest/api/2/issue").reply(400, fixture("jira/cloud/error_create_400.json"));
  FieldCachingTransport caching(fake, cache);
  faultline::http::Request create;
  create.method = Method::Post;
  create.url = std::string(k_root) + "/issue";
  create.body = "{}";
  CHECK(caching.send(create));
  CHECK(cache.load(k_root));
  CHECK(caching.send(create));
  CHECK_FALSE(cache.load(k_root));
  fake.verify();
  std::filesystem::remove_all(dir);
}

TEST_CASE("loopback sites are cached only when asked to", "[app][field-cache]") {
  using faultline::app::is_loopback_site;
  CHECK(is_loopback_site("http://127.0.0.1:38443/rest/api/2"));
  CHECK(is_loopback_site("http://localhost/jira/rest/api/2"));
  CHECK(is_loopback_site("http://[::1]:8080/rest/api/2"));
  CHECK_FALSE(is_loopback_site("https://localhost.example.com/rest/api/2"));
  CHECK_FALSE(is_loopback_site(k_root));
  const auto dir = fresh_dir("loopback");
  StepClock clock;
  const std::string local = "http://127.0.0.1:38443/rest/api/2";
  FieldCache skipping(dir, std::chrono::seconds(3600), clock, faultline::app::LoopbackSites::Skip);
  skipping.store(local, fields());
  CHECK_FALSE(std::filesystem::exists(skipping.path_for(local)));
  skipping.store(k_root, fields());
  CHECK(skipping.load(k_root));
  FieldCache caching(dir, std::chrono::seconds(3600), clock, faultline::app::LoopbackSites::Cache);
  caching.store(local, fields());
  CHECK(caching.load(local));
  CHECK_FALSE(skipping.load(local));
  std::filesystem::remove_all(dir);
}
