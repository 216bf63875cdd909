// The spool's files (app/spool.hpp) and the alert receiver's checks (app/alert_receiver.hpp):
// durable, private, ordered entries; unreadable files listed, not fatal; the replay lock; and
// a delivery authenticated (bearer, HMAC with and without a timestamp), size-checked,
// payload-checked and spooled before its 2xx, a repeat answered with the waiting entry.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "faultline/app/alert_receiver.hpp"
#include "faultline/app/spool.hpp"
#include "faultline/notify/signing.hpp"

using namespace faultline;
using namespace faultline::app;

namespace {

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("faultline-spool-" + name + "-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::remove_all(dir);
  return dir;
}

SpoolEntry update_entry(const std::string& message) {
  SpoolEntry entry;
  entry.kind = "update";
  entry.site = "https://jira.example.com#FAULT";
  entry.request = {{"key", "FAULT-1"}, {"message", message}};
  return entry;
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777U;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const char* k_alertmanager = R"({"version":"4","status":"firing","receiver":"faultline","groupKey":"{}:{alertname=\"Down\"}",
  "groupLabels":{"alertname":"Down"},"commonLabels":{"alertname":"Down","severity":"critical"},"commonAnnotations":{},
  "externalURL":"http://am","alerts":[{"status":"firing","labels":{"alertname":"Down","severity":"critical"},
  "annotations":{"summary":"Checkout is down"},"startsAt":"2026-12-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",
  "generatorURL":"http://prom","fingerprint":"abc123"}]})";

}  // namespace

TEST_CASE("spool entries are written whole, private and in order", "[spool]") {
  const auto dir = fresh_dir("order");
  Spool spool(dir);
  CHECK(spool.list()->empty());  // no directory yet: an empty spool
  CHECK_FALSE(spool.has_entries());
  auto first = spool.add(update_entry("one"), "2026-12-05T08:00:00.000Z");
  auto second = spool.add(update_entry("two"), "2026-12-05T08:00:01.500Z");
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->id.size() == 12);
  CHECK(first->id != second->id);
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(dir / first->file) == 0600);
  CHECK(spool.has_entries());
  auto listed = spool.list();
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].request["message"] == "one");
  CHECK((*listed)[1].request["message"] == "two");
  CHECK((*listed)[0].created_at == "2026-12-05T08:00:00.000Z");
  // No temporary file is left behind.
  std::size_t files = 0;
  for (const auto& item : std::filesystem::directory_iterator(dir)) {
    CHECK_FALSE(item.path().filename().string().ends_with(".tmp"));
    ++files;
  }
  CHECK(files == 2);

  // save replaces, remove deletes (twice is fine).
  auto changed = (*listed)[0];
  changed.attempts = 3;
  changed.last_error = "Jira answered 503";
  REQUIRE(spool.save(changed));
  CHECK(spool.list()->front().attempts == 3);
  CHECK(mode_of(dir / changed.file) == 0600);
  REQUIRE(spool.remove(changed));
  REQUIRE(spool.remove(changed));
  CHECK(spool.list()->size() == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an unreadable spool file is listed as corrupt, not fatal; stray files are ignored", "[spool]") {
  const auto dir = fresh_dir("corrupt");
  Spool spool(dir);
  REQUIRE(spool.add(update_entry("good"), "2026-12-05T08:00:00.000Z"));
  std::ofstream(dir / "20261205T070000000Z-000000000000.json") << "{ not json";
  std::ofstream(dir / "20261205T060000000Z-111111111111.json") << R"({"format":"something-else"})";
  std::ofstream(dir / ".20261205T090000000Z-x.json.1234.tmp") << "half";  // a write killed midway
  std::ofstream(dir / "README") << "not an entry";
  auto listed = spool.list();
  REQUIRE(listed);
  REQUIRE(listed->size() == 3);
  CHECK_FALSE((*listed)[0].corrupt.empty());
  CHECK((*listed)[0].corrupt.find("faultline-spool/1") != std::string::npos);
  CHECK_FALSE((*listed)[1].corrupt.empty());
  CHECK((*listed)[2].corrupt.empty());
  CHECK((*listed)[2].request["message"] == "good");
  std::filesystem::remove_all(dir);
}

TEST_CASE("parse_spool_entry names what is wrong", "[spool]") {
  CHECK_FALSE(parse_spool_entry("[]"));
  CHECK(parse_spool_entry(R"({"format":"faultline-spool/1","id":"x"})").error().message.find("kind") !=
        std::string::npos);
  CHECK(parse_spool_entry(R"({"format":"faultline-spool/1","id":"x","kind":"open","attempts":"many"})")
            .error()
            .message.find("wrong type") != std::string::npos);
  auto entry = update_entry("round trip");
  entry.id = "0123456789ab";
  entry.permanent = true;
  auto back = parse_spool_entry(entry.to_json().dump());
  REQUIRE(back);
  CHECK(back->permanent);
  CHECK(back->request == entry.request);
}

TEST_CASE("the spool directory follows the XDG base directory spec", "[spool]") {
  CHECK(spool_dir("/srv/spool", std::string("/state"), std::string("/home/a")) == "/srv/spool");
  CHECK(spool_dir("", std::string("/state"), std::string("/home/a")) == "/state/faultline/spool");
  CHECK(spool_dir("", std::string("relative"), std::string("/home/a")) == "/home/a/.local/state/faultline/spool");
  CHECK(spool_dir("", std::nullopt, std::nullopt).empty());
  CHECK(spool_site("https://jira.example.com/", "OPS") == "https://jira.example.com#OPS");
}

TEST_CASE("one replay at a time: the lock is exclusive across holders", "[spool]") {
  const auto dir = fresh_dir("lock");
  Spool spool(dir);
  auto held = spool.lock(false);
  REQUIRE(held);
  REQUIRE(held->has_value());
  auto other = Spool(dir).lock(false);  // another open file description, as another process has
  REQUIRE(other);
  CHECK_FALSE(other->has_value());
  held->reset();
  auto again = Spool(dir).lock(false);
  REQUIRE(again);
  CHECK(again->has_value());
  std::filesystem::remove_all(dir);
}

TEST_CASE("find_waiting finds a waiting entry by op, not a failed one", "[spool]") {
  const auto dir = fresh_dir("op");
  Spool spool(dir);
  auto entry = update_entry("x");
  entry.op = "notify:FAULT-1:FAULT-1:fault.opened";
  auto added = spool.add(entry, "2026-12-05T08:00:00.000Z");
  REQUIRE(added);
  CHECK((*spool.find_waiting(entry.op))->id == added->id);
  CHECK_FALSE(*spool.find_waiting("other"));
  added->permanent = true;
  REQUIRE(spool.save(*added));
  CHECK_FALSE(*spool.find_waiting(entry.op));
  std::filesystem::remove_all(dir);
}

TEST_CASE("constant_time_equals compares whole strings", "[serve]") {
  CHECK(constant_time_equals("secret", "secret"));
  CHECK_FALSE(constant_time_equals("secret", "secreT"));
  CHECK_FALSE(constant_time_equals("secret", "secret2"));
  CHECK_FALSE(constant_time_equals("", "x"));
  CHECK(constant_time_equals("", ""));
}

namespace {

struct ReceiverFixture {
  std::filesystem::path dir;
  Spool spool;
  config::ServeSettings settings;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::time_point(std::chrono::seconds(1796000000));

  explicit ReceiverFixture(const std::string& name) : dir(fresh_dir(name)), spool(dir) {}
  ~ReceiverFixture() { std::filesystem::remove_all(dir); }
  AlertReceiver receiver() {
    return AlertReceiver(spool, settings, "https://jira.example.com#FAULT", [this] { return now; });
  }
};

std::function<std::string(std::string_view)> headers(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) {
    for (const auto& [key, value] : values)
      if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          }))
        return value;
    return std::string();
  };
}

}  // namespace

TEST_CASE("a delivery with the bearer token is spooled before its 202; others get 401", "[serve]") {
  ReceiverFixture fx("bearer");
  fx.settings.token = "s3cret-token";
  auto receiver = fx.receiver();
  auto answer = receiver.receive(AlertSource::Alertmanager, headers({{"authorization", "Bearer s3cret-token"}}), k_alertmanager);
  CHECK(answer.status == 202);
  REQUIRE_FALSE(answer.entry_id.empty());
  auto listed = fx.spool.list();
  REQUIRE(listed->size() == 1);  // on disk when acknowledged
  CHECK(listed->front().id == answer.entry_id);
  CHECK(listed->front().kind == "alert");
  CHECK(listed->front().site == "https://jira.example.com#FAULT");
  CHECK(read_all(fx.dir / listed->front().file).find("s3cret-token") == std::string::npos);

  // The same payload again while it waits: the same entry, no second file.
  auto repeat = receiver.receive(AlertSource::Alertmanager, headers({{"Authorization", "bearer s3cret-token"}}), k_alertmanager);
  CHECK(repeat.status == 200);
  CHECK(repeat.entry_id == answer.entry_id);
  CHECK(fx.spool.list()->size() == 1);
  // Once replayed (the file gone), the same payload is new work again.
  REQUIRE(fx.spool.remove(listed->front()));
  CHECK(receiver.receive(AlertSource::Alertmanager, headers({{"Authorization", "Bearer s3cret-token"}}), k_alertmanager).status ==
        202);

  for (const auto& bad : std::vector<std::map<std::string, std::string>>{
           {}, {{"Authorization", "Bearer wrong"}}, {{"Authorization", "Basic czNjcmV0LXRva2Vu"}},
           {{"Authorization", "Bearer s3cret-token-and-more"}}}) {
    auto refused = receiver.receive(AlertSource::Alertmanager, headers(bad), k_alertmanager);
    CHECK(refused.status == 401);
    CHECK(refused.body.dump().find("s3cret") == std::string::npos);
  }
  CHECK(fx.spool.list()->size() == 1);
  CHECK(receiver.metrics().unauthorized == 4);
  CHECK(receiver.metrics().spooled == 2);
  CHECK(receiver.metrics().duplicates == 1);
}

TEST_CASE("Grafana's HMAC signature, with and without a signed timestamp", "[serve]") {
  ReceiverFixture fx("hmac");
  fx.settings.hmac_secret = "hmac-key";
  const std::string body = k_alertmanager;
  const auto signature = notify::hex_encode(notify::hmac_sha256("hmac-key", body));
  {
    auto receiver = fx.receiver();
    CHECK(receiver.receive(AlertSource::Grafana, headers({{"X-Grafana-Alerting-Signature", signature}}), body).status == 202);
    CHECK(receiver.receive(AlertSource::Grafana, headers({{"X-Grafana-Alerting-Signature", std::string(64, '0')}}), body)
              .status == 401);
    CHECK(receiver.receive(AlertSource::Grafana, headers({}), body).status == 401);
    // A body changed in transit does not match its signature.
    CHECK(receiver.receive(AlertSource::Grafana, headers({{"X-Grafana-Alerting-Signature", signature}}), body + " ").status ==
          401);
  }
  fx.settings.timestamp_header = "X-Grafana-Alerting-Timestamp";
  auto receiver = fx.receiver();
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(fx.now.time_since_epoch()).count();
  auto signed_at = [&](long long at) {
    const auto stamp = std::to_string(at);
    return headers({{"X-Grafana-Alerting-Timestamp", stamp},
                    {"X-Grafana-Alerting-Signature", notify::hex_encode(notify::hmac_sha256("hmac-key", stamp + ":" + body))}});
  };
  CHECK(receiver.receive(AlertSource::Grafana, signed_at(now_s - 10), body).status < 300);
  CHECK(receiver.receive(AlertSource::Grafana, signed_at(now_s - 3600), body).status == 401);  // a replayed delivery
  CHECK(receiver.receive(AlertSource::Grafana, headers({{"X-Grafana-Alerting-Signature", signature}}), body).status == 401);
}

TEST_CASE("oversize and malformed deliveries are refused with 413 and 400, nothing spooled", "[serve]") {
  ReceiverFixture fx("limits");
  fx.settings.token = "t";
  fx.settings.max_body_kib = 1;
  auto receiver = fx.receiver();
  const auto auth = headers({{"Authorization", "Bearer t"}});
  CHECK(receiver.receive(AlertSource::Alertmanager, auth, std::string(1025, ' ')).status == 413);
  auto bad = receiver.receive(AlertSource::Alertmanager, auth, R"({"alerts": "none"})");
  CHECK(bad.status == 400);
  CHECK(std::string(bad.body["error"]).find("alertmanager") != std::string::npos);
  CHECK(fx.spool.list()->empty());
  CHECK(receiver.metrics().too_large == 1);
  CHECK(receiver.metrics().bad_payload == 1);
  const auto text = receiver.metrics().prometheus_text();
  CHECK(text.find("faultline_deliveries_refused_total{reason=\"too_large\"} 1\n") != std::string::npos);
  CHECK(text.find("# TYPE faultline_spool_entries gauge") != std::string::npos);
  CHECK(text.find("faultline_deliveries_received_total{source=\"alertmanager\"} 2\n") != std::string::npos);
}

TEST_CASE("a spool that cannot be written answers 503, so the sender retries", "[serve]") {
  ReceiverFixture fx("unwritable");
  std::filesystem::create_directories(fx.dir.parent_path());
  std::ofstream(fx.dir) << "a file where the directory should be";
  fx.settings.token = "t";
  auto receiver = fx.receiver();
  CHECK(receiver.receive(AlertSource::Alertmanager, headers({{"Authorization", "Bearer t"}}), k_alertmanager).status == 503);
  CHECK(receiver.metrics().spool_errors == 1);
  std::filesystem::remove(fx.dir);
}

TEST_CASE("concurrent deliveries are each spooled once", "[serve]") {
  ReceiverFixture fx("burst");
  fx.settings.token = "t";
  auto receiver = fx.receiver();
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string body = k_alertmanager;
        body.replace(body.find("abc123"), 6, "f" + std::to_string(t * 100 + i));  // 200 distinct payloads
        const auto answer = receiver.receive(AlertSource::Alertmanager, headers({{"Authorization", "Bearer t"}}), body);
        if (answer.status == 202) ++accepted;
        // Each one delivered twice: the repeat is answered with the same entry.
        const auto repeat = receiver.receive(AlertSource::Alertmanager, headers({{"Authorization", "Bearer t"}}), body);
        if (repeat.status != 200 || repeat.entry_id != answer.entry_id) accepted += 1000;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(accepted == 200);
  CHECK(fx.spool.list()->size() == 200);
  CHECK(receiver.metrics().duplicates == 200);
}
