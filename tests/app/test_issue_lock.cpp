// IssueLock's settle against a FakeTransport (Data Center): the pause between this run's lock
// write and its read-back. Fixed, it is always `settle`; automatic, it is the time from
// the look at the lock to the write's answer, within [settle_floor, settle]. The clock that
// measures it is injected, so the pauses are exact.
#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/app/issue_lock.hpp"
#include "support/fake_transport.hpp"

using faultline::app::IssueLock;
using faultline::app::IssueLockOptions;
using faultline::http::Method;
using faultline::test::FakeTransport;
using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* k_lock_path = "/rest/api/2/issue/FAULT-1/properties/faultline.publishing";

// The lock is free at the first look; this run's write lands and reads back as its own.
void stub_free_lock(FakeTransport& fake) {
  fake.on(Method::Put, k_lock_path)
      .json_body([](const nlohmann::json& body) { return body.value("by", "") == "run-1"; })
      .reply(201);
  fake.on(Method::Get, k_lock_path)
      .reply(200, R"({"key":"faultline.publishing","value":{"by":"run-1","at":"2026-11-18T00:00:00Z"}})");
  fake.on(Method::Delete, k_lock_path).reply(204);
}

struct Run {
  std::vector<milliseconds> sleeps;
  bool waited = true;
};

// Takes the free lock with the first look made `read_to_write` before the write's answer.
Run take(bool automatic, milliseconds settle, milliseconds read_to_write) {
  FakeTransport fake;
  stub_free_lock(fake);
  faultline::jira::Client client(fake, faultline::jira::Connection{"https://jira.example.com", "", "pat-123456789"},
                                 faultline::jira::Flavor::DataCenter);
  const Steady::time_point looked{};
  Run run;
  IssueLockOptions options;
  options.run_id = "run-1";
  options.what = "review publish";
  options.settle = settle;
  options.settle_auto = automatic;
  options.now = [] { return faultline::core::TimePoint{milliseconds{1795000000000}}; };
  options.sleep = [&run](milliseconds pause) { run.sleeps.push_back(pause); };
  options.elapsed_now = [&] { return looked + read_to_write; };
  {
    IssueLock lock(client, "FAULT-1", "faultline.publishing", options);
    auto waited = lock.acquire(nlohmann::json(nullptr), looked);
    REQUIRE(waited);
    run.waited = *waited;
    CHECK(lock.held());
  }  // released: the DELETE
  fake.verify();
  return run;
}

}  // namespace

TEST_CASE("a fixed settle pauses exactly that long whatever the read-to-write time", "[app][lock]") {
  const auto run = take(false, milliseconds(700), milliseconds(20));
  CHECK(run.sleeps == std::vector<milliseconds>{milliseconds(700)});
  CHECK_FALSE(run.waited);
}

TEST_CASE("an automatic settle is the read-to-write time, within its floor and cap", "[app][lock]") {
  SECTION("the time itself") {
    CHECK(take(true, milliseconds(2000), milliseconds(300)).sleeps == std::vector<milliseconds>{milliseconds(300)});
  }
  SECTION("never below the floor") {
    CHECK(take(true, milliseconds(2000), milliseconds(10)).sleeps == std::vector<milliseconds>{milliseconds(100)});
  }
  SECTION("never above the cap") {
    CHECK(take(true, milliseconds(2000), milliseconds(5000)).sleeps == std::vector<milliseconds>{milliseconds(2000)});
  }
  SECTION("a cap below the floor wins") {
    CHECK(take(true, milliseconds(50), milliseconds(10)).sleeps == std::vector<milliseconds>{milliseconds(50)});
  }
}

TEST_CASE("a read-back that finds the lock gone takes turns again and says it waited", "[app][lock]") {
  // Another run held the lock: its look came before this run's write, this run's look before
  // its write; it finished and released, deleting this run's write with its own.
  FakeTransport fake;
  fake.on(Method::Put, k_lock_path).reply(200).times(2);
  fake.on(Method::Get, k_lock_path)
      .reply(404, R"({"errorMessages":["The property with key 'faultline.publishing' does not exist."],"errors":{}})")
      .times(2);  // the read-back, then the next look: free
  fake.on(Method::Get, k_lock_path)
      .reply(200, R"({"key":"faultline.publishing","value":{"by":"run-1","at":"2026-11-18T00:00:00Z"}})");
  fake.on(Method::Delete, k_lock_path).reply(204);
  faultline::jira::Client client(fake, faultline::jira::Connection{"https://jira.example.com", "", "pat-123456789"},
                                 faultline::jira::Flavor::DataCenter);
  std::vector<milliseconds> sleeps;
  IssueLockOptions options;
  options.run_id = "run-1";
  options.what = "review publish";
  options.settle = milliseconds(300);
  options.now = [] { return faultline::core::TimePoint{milliseconds{1795000000000}}; };
  options.sleep = [&sleeps](milliseconds pause) { sleeps.push_back(pause); };
  {
    IssueLock lock(client, "FAULT-1", "faultline.publishing", options);
    auto waited = lock.acquire(nlohmann::json(nullptr), Steady::now());
    REQUIRE(waited);
    CHECK(*waited);  // the caller reads again what the other run did
    CHECK(lock.held());
  }
  CHECK(sleeps == std::vector<milliseconds>{milliseconds(300), milliseconds(300)});
  fake.verify();
}

namespace {

IssueLockOptions early_options(std::vector<milliseconds>& sleeps, Steady::time_point& clock) {
  IssueLockOptions options;
  options.run_id = "run-1";
  options.what = "review publish";
  options.settle = milliseconds(2000);
  options.settle_auto = true;
  options.now = [] { return faultline::core::TimePoint{milliseconds{1795000000000}}; };
  options.sleep = [&sleeps](milliseconds pause) { sleeps.push_back(pause); };
  options.elapsed_now = [&clock] { return clock; };
  return options;
}

}  // namespace

TEST_CASE("write_if_free writes a free lock at once; acquire then only settles and reads back", "[app][lock]") {
  FakeTransport fake;
  stub_free_lock(fake);  // one PUT, one GET, one DELETE: acquire() neither looks nor writes again
  faultline::jira::Client client(fake, faultline::jira::Connection{"https://jira.example.com", "", "pat-123456789"},
                                 faultline::jira::Flavor::DataCenter);
  std::vector<milliseconds> sleeps;
  const Steady::time_point looked{};
  Steady::time_point clock = looked + milliseconds(150);  // the look to the early write's answer
  {
    IssueLock lock(client, "FAULT-1", "faultline.publishing", early_options(sleeps, clock));
    auto written = lock.write_if_free(nlohmann::json(nullptr), looked);
    REQUIRE(written);
    CHECK(*written);
    CHECK(lock.held());  // a publish that stops now removes it on the way out
    auto waited = lock.acquire();
    REQUIRE(waited);
    CHECK_FALSE(*waited);
    CHECK(lock.held());
  }
  fake.verify();
  CHECK(sleeps == std::vector<milliseconds>{milliseconds(150)});  // the look-to-write time
}

TEST_CASE("write_if_free leaves a lock another run holds alone; acquire waits for it from that look", "[app][lock]") {
  FakeTransport fake;
  // The first look (the caller's) saw run-2's fresh lock; acquire() reads again after a pause
  // and finds it gone, then writes, settles and reads back its own.
  fake.on(Method::Get, k_lock_path).reply(404, R"({"errorMessages":["no property"]})");
  stub_free_lock(fake);
  faultline::jira::Client client(fake, faultline::jira::Connection{"https://jira.example.com", "", "pat-123456789"},
                                 faultline::jira::Flavor::DataCenter);
  std::vector<milliseconds> sleeps;
  Steady::time_point clock{};
  {
    IssueLock lock(client, "FAULT-1", "faultline.publishing", early_options(sleeps, clock));
    const nlohmann::json other{{"by", "run-2"}, {"at", "2026-11-18T11:06:00Z"}};  // 40 s old: fresh
    auto written = lock.write_if_free(other, Steady::time_point{});
    REQUIRE(written);
    CHECK_FALSE(*written);
    CHECK_FALSE(lock.held());
    auto waited = lock.acquire();
    REQUIRE(waited);
    CHECK(*waited);  // it had to wait: the caller reads again what the other run did
  }
  fake.verify();
  REQUIRE(sleeps.size() == 2);
  CHECK(sleeps[0] == milliseconds(2000));  // the wait for run-2, then the settle
}
