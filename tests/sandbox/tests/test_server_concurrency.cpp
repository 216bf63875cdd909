// The sandbox serves requests concurrently: reads share the services, writes have them to
// themselves (read_only.hpp, server.hpp). These tests drive readers and writers at once and
// check that nothing is lost, nothing fails and every answer is consistent; without correct
// locking they crash, or fail under ThreadSanitizer. Also: gzip answers, never Brotli.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "read_only.hpp"
#include "test_server_support.hpp"

using sandbox::Flavor;
using sandbox::testing::TestSandbox;

namespace {

sandbox::SbRequest request_of(const std::string& method, const std::string& path) {
  sandbox::SbRequest r;
  r.method = method;
  r.path = path;
  return r;
}

// The number in "FAULT-123".
long long key_number(const std::string& key) { return std::stoll(key.substr(key.find('-') + 1)); }

// Created issues, shared by the writers (who add) and the readers (who look them up).
class Created {
public:
  void add(const std::string& key, const std::string& summary) {
    std::lock_guard lock(m_mutex);
    m_items.emplace_back(key, summary);
    m_count.store(m_items.size());
  }
  std::size_t count() const { return m_count.load(); }
  std::vector<std::pair<std::string, std::string>> items() const {
    std::lock_guard lock(m_mutex);
    return m_items;
  }
  std::optional<std::pair<std::string, std::string>> pick(std::size_t n) const {
    std::lock_guard lock(m_mutex);
    if (m_items.empty()) return std::nullopt;
    return m_items[n % m_items.size()];
  }

private:
  mutable std::mutex m_mutex;
  std::vector<std::pair<std::string, std::string>> m_items;
  std::atomic<std::size_t> m_count{0};
};

// One search of `labels = mixed ORDER BY key` paged to the end: the keys in answer order, or
// an empty optional (and a failure noted) on an error status.
std::optional<std::vector<std::string>> search_all(TestSandbox& sb, Flavor flavor, std::atomic<int>& failures) {
  std::vector<std::string> keys;
  if (flavor == Flavor::Cloud) {
    nlohmann::json body = {{"jql", "labels = mixed ORDER BY key"}, {"maxResults", 7}, {"fields", {"summary"}}};
    for (int guard = 0; guard < 1000; ++guard) {
      auto [status, page] = sb.call("POST", "/rest/api/3/search/jql", body);
      if (status != 200) {
        ++failures;
        return std::nullopt;
      }
      for (const auto& issue : page["issues"]) keys.push_back(issue.value("key", ""));
      if (page.value("isLast", true)) return keys;
      body["nextPageToken"] = page["nextPageToken"];
    }
    return keys;
  }
  for (long long start = 0;; start += 7) {
    auto [status, page] = sb.call("GET", "/rest/api/2/search?jql=labels%20%3D%20mixed%20ORDER%20BY%20key&fields=summary&maxResults=7&startAt=" +
                                             std::to_string(start));
    if (status != 200) {
      ++failures;
      return std::nullopt;
    }
    for (const auto& issue : page["issues"]) keys.push_back(issue.value("key", ""));
    if (page["issues"].empty() || start + 7 >= page.value("total", 0LL)) return keys;
  }
}

}  // namespace

TEST_CASE("Requests that only read are told apart from writes", "[server][concurrency]") {
  using sandbox::reads_only;
  CHECK(reads_only(request_of("GET", "/rest/api/2/issue/FAULT-1")));
  CHECK(reads_only(request_of("GET", "/wiki/rest/api/content/1")));
  CHECK(reads_only(request_of("GET", "/_sandbox/messages")));
  CHECK(reads_only(request_of("POST", "/rest/api/3/search/jql")));
  CHECK(reads_only(request_of("POST", "/rest/api/3/search/approximate-count")));
  CHECK(reads_only(request_of("POST", "/rest/api/2/search")));
  CHECK(reads_only(request_of("POST", "/rest/api/3/issue/bulkfetch")));
  CHECK(reads_only(request_of("POST", "/rest/api/3/changelog/bulkfetch")));
  CHECK_FALSE(reads_only(request_of("POST", "/rest/api/2/issue")));
  CHECK_FALSE(reads_only(request_of("POST", "/rest/api/2/issue/bulk")));
  CHECK_FALSE(reads_only(request_of("POST", "/rest/api/2/filter")));
  CHECK_FALSE(reads_only(request_of("POST", "/rest/api/2/issue/FAULT-1/comment")));
  CHECK_FALSE(reads_only(request_of("POST", "/hooks/slack/ops")));
  CHECK_FALSE(reads_only(request_of("POST", "/wiki/rest/api/content")));
  CHECK_FALSE(reads_only(request_of("PUT", "/rest/api/2/issue/FAULT-1")));
  CHECK_FALSE(reads_only(request_of("DELETE", "/rest/api/2/issue/FAULT-1")));
  CHECK_FALSE(reads_only(request_of("OPTIONS", "/rest/api/2/issue/FAULT-1")));
}

TEST_CASE("A writer gets the services' lock while readers keep coming", "[server][concurrency]") {
  // glibc's rwlock prefers readers: with overlapping readers a writer would wait until they
  // all stopped. The gate lets it in as soon as the readers inside leave.
  sandbox::WriterFairSharedMutex mutex;
  constexpr int k_readers = 4;
  constexpr int k_reads_each = 400;
  std::atomic<int> reads{0};
  std::atomic<int> reads_before_write{-1};
  std::vector<std::thread> readers;
  for (int t = 0; t < k_readers; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < k_reads_each; ++i) {
        std::shared_lock lock(mutex);
        ++reads;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
    });
  }
  while (reads.load() < 40) std::this_thread::yield();
  std::thread writer([&] {
    std::lock_guard lock(mutex);
    reads_before_write = reads.load();
  });
  writer.join();
  for (auto& t : readers) t.join();
  CHECK(reads.load() == k_readers * k_reads_each);
  CHECK(reads_before_write.load() >= 40);
  CHECK(reads_before_write.load() < k_readers * k_reads_each);
}

TEST_CASE("Readers and writers at once: nothing lost, nothing fails, searches consistent", "[server][concurrency]") {
  const Flavor flavor = GENERATE(Flavor::DataCenter, Flavor::Cloud);
  CAPTURE(flavor == Flavor::Cloud ? "cloud" : "datacenter");
  TestSandbox sb(flavor);
  const std::string api = sb.api();
  constexpr int k_writers = 2;
  constexpr int k_creates_each = 20;
  Created created;
  std::atomic<int> writers_left{k_writers};
  std::atomic<int> failures{0};
  std::atomic<int> reads{0};
  std::atomic<int> searches{0};
  std::mutex notes_mutex;
  std::vector<std::string> notes;  // what went wrong, for the report
  auto note = [&](const std::string& what) {
    ++failures;
    std::lock_guard lock(notes_mutex);
    if (notes.size() < 20) notes.push_back(what);
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto keep_reading = [&] { return writers_left.load() > 0 && std::chrono::steady_clock::now() < deadline; };

  std::vector<std::thread> threads;
  // Writers: create issues, comment on them, edit them.
  for (int w = 0; w < k_writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < k_creates_each; ++i) {
        const std::string summary = "mixed " + std::to_string(w) + "-" + std::to_string(i);
        nlohmann::json input = {{"fields", {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"name", "Fault"}}},
                                            {"summary", summary}, {"labels", {"mixed"}}}}};
        auto [status, body] = sb.call("POST", api + "/issue", input);
        if (status != 201) {
          note("create: HTTP " + std::to_string(status) + " " + body.dump());
          continue;
        }
        const std::string key = body.value("key", "");
        const nlohmann::json comment_body = flavor == Flavor::Cloud
            ? nlohmann::json{{"type", "doc"}, {"version", 1},
                             {"content", {{{"type", "paragraph"}, {"content", {{{"type", "text"}, {"text", "note"}}}}}}}}
            : nlohmann::json("note");
        if (auto [cs, cb] = sb.call("POST", api + "/issue/" + key + "/comment", {{"body", comment_body}}); cs != 201)
          note("comment: HTTP " + std::to_string(cs) + " " + cb.dump());
        if (auto [es, eb] = sb.call("PUT", api + "/issue/" + key, {{"fields", {{"labels", {"mixed", "edited"}}}}}); es != 204)
          note("edit: HTTP " + std::to_string(es) + " " + eb.dump());
        created.add(key, summary);
      }
      --writers_left;
    });
  }
  // Issue readers: every issue a writer reported is there, with its summary and comment.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::size_t n = static_cast<std::size_t>(t) * 7;
      while (keep_reading()) {
        auto item = created.pick(n++);
        if (!item) {
          std::this_thread::yield();
          continue;
        }
        auto [status, issue] = sb.call("GET", api + "/issue/" + item->first);
        ++reads;
        if (status != 200) note("get " + item->first + ": HTTP " + std::to_string(status));
        else if (issue["fields"].value("summary", "") != item->second) note("get " + item->first + ": wrong summary");
        auto [cs, comments] = sb.call("GET", api + "/issue/" + item->first + "/comment");
        if (cs != 200 || comments.value("total", 0) < 1) note("comments of " + item->first + ": HTTP " + std::to_string(cs));
        auto [ss, statuses] = sb.call("GET", api + "/project/FAULT/statuses");
        if (ss != 200 || statuses.empty()) note("project statuses: HTTP " + std::to_string(ss));
      }
    });
  }
  // Searchers: a search that starts after K creates were answered sees at least K issues, in
  // key order, each once.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (keep_reading()) {
        const std::size_t known = created.count();
        auto keys = search_all(sb, flavor, failures);
        ++searches;
        if (!keys) continue;
        if (keys->size() < known) note("search saw " + std::to_string(keys->size()) + " of at least " + std::to_string(known));
        for (std::size_t i = 1; i < keys->size(); ++i)
          if (key_number((*keys)[i - 1]) >= key_number((*keys)[i])) {
            note("search order or duplicate: " + (*keys)[i - 1] + " then " + (*keys)[i]);
            break;
          }
      }
    });
  }
  // A bulk reader (read-only POSTs on Cloud, myself on Data Center) and a request-log reader.
  threads.emplace_back([&] {
    std::size_t n = 3;
    while (keep_reading()) {
      if (flavor == Flavor::Cloud) {
        auto item = created.pick(n++);
        if (!item) {
          std::this_thread::yield();
          continue;
        }
        auto [status, fetched] = sb.call("POST", "/rest/api/3/issue/bulkfetch", {{"issueIdsOrKeys", {item->first}}, {"fields", {"summary"}}});
        if (status != 200 || fetched["issues"].size() != 1) note("bulkfetch " + item->first + ": HTTP " + std::to_string(status));
      } else {
        auto [status, me] = sb.call("GET", "/rest/api/2/myself");
        if (status != 200) note("myself: HTTP " + std::to_string(status));
      }
    }
  });
  threads.emplace_back([&] {
    long long next = 0;
    while (keep_reading()) {
      auto [status, log] = sb.call("GET", "/_sandbox/requests?since=" + std::to_string(next));
      if (status != 200) {
        note("request log: HTTP " + std::to_string(status));
        continue;
      }
      long long expected = next;
      for (const auto& entry : log["requests"]) {
        if (entry.value("index", -1LL) < expected) note("request log: index went back");
        expected = entry.value("index", -1LL) + 1;
      }
      if (log.value("next", 0LL) < next) note("request log: next went back");
      next = log.value("next", 0LL);
    }
  });
  for (auto& t : threads) t.join();

  INFO("notes: " << nlohmann::json(notes).dump());
  CHECK(failures.load() == 0);
  REQUIRE(created.count() == static_cast<std::size_t>(k_writers * k_creates_each));
  CHECK(reads.load() > 0);
  CHECK(searches.load() > 0);
  // Afterwards: each created issue is found by key and by search, exactly once.
  std::set<std::string> expected;
  for (const auto& [key, summary] : created.items()) {
    expected.insert(key);
    auto [status, issue] = sb.call("GET", api + "/issue/" + key + "?fields=summary,labels,comment");
    REQUIRE(status == 200);
    CHECK(issue["fields"].value("summary", "") == summary);
    CHECK(issue["fields"]["labels"] == nlohmann::json({"mixed", "edited"}));
  }
  auto keys = search_all(sb, flavor, failures);
  REQUIRE(keys);
  CHECK(std::set<std::string>(keys->begin(), keys->end()) == expected);
  CHECK(keys->size() == expected.size());
  // No answer was a server error.
  auto [ls, log] = sb.call("GET", "/_sandbox/requests");
  REQUIRE(ls == 200);
  int errors = 0;
  for (const auto& entry : log["requests"])
    if (entry["status"].is_number() && entry["status"].get<int>() >= 500) ++errors;
  CHECK(errors == 0);
}

TEST_CASE("Answers are gzipped for a client that accepts gzip, never Brotli", "[server][compression]") {
  TestSandbox sb(Flavor::DataCenter);
  auto c = sb.client();
  c->set_decompress(false);  // see the Content-Encoding as sent
  auto fetch = [&](const char* accept) {
    httplib::Headers headers;
    if (accept) headers.emplace("Accept-Encoding", accept);
    auto res = c->Get("/rest/api/2/field", headers);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return res->get_header_value("Content-Encoding");
  };
  CHECK(fetch("gzip, deflate, br") == "gzip");
  CHECK(fetch("br;q=1.0, gzip;q=0.8") == "gzip");
  CHECK(fetch("br") == "");
  CHECK(fetch("identity") == "");
  CHECK(fetch(nullptr) == "");
  // A decompressing client reads the same JSON either way.
  auto plain = sb.client();
  auto res = plain->Get("/rest/api/2/field", {{"Accept-Encoding", "gzip"}});
  REQUIRE(res);
  CHECK(nlohmann::json::parse(res->body).is_array());
  // The request log keeps the header as the client sent it.
  auto [status, log] = sb.call("GET", "/_sandbox/requests");
  REQUIRE(status == 200);
  CHECK(log["requests"][0]["headers"]["accept-encoding"] == "gzip, deflate, br");
}
