#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

#include "faultline/util/waves.hpp"

using faultline::util::count_round_trips;
using faultline::util::DepthProbe;
using faultline::util::wave;

TEST_CASE("a wave costs its caller the depth of its deepest task") {
  DepthProbe probe;
  count_round_trips();  // 1
  wave([] { count_round_trips(); },
       [] { count_round_trips(3); },
       [] { count_round_trips(2); });  // + 3
  count_round_trips();  // + 1
  CHECK(probe.depth() == 5);
}

TEST_CASE("waves nest: a task's own waves add to that task") {
  DepthProbe probe;
  wave([] { count_round_trips(); },
       [] {
         count_round_trips();
         wave([] { count_round_trips(2); }, [] { count_round_trips(); });
       });  // max(1, 1 + 2)
  CHECK(probe.depth() == 3);
}

TEST_CASE("the tasks of a wave run at the same time") {
  std::atomic<int> arrived{0};
  auto meet = [&] {
    ++arrived;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (arrived.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  };
  wave(meet, meet, meet);  // one after another, the first would wait out the deadline alone
  CHECK(arrived.load() == 3);
}

TEST_CASE("a task's exception reaches the caller after every task finished") {
  std::atomic<bool> other_finished{false};
  DepthProbe probe;
  CHECK_THROWS_WITH(wave([] { throw std::runtime_error("first"); },
                         [&] {
                           count_round_trips();
                           std::this_thread::sleep_for(std::chrono::milliseconds(20));
                           other_finished = true;
                         }),
                    "first");
  CHECK(other_finished.load());
  CHECK(probe.depth() == 1);
}

TEST_CASE("a probe adds its depth to the enclosing one") {
  DepthProbe outer;
  count_round_trips();
  {
    DepthProbe inner;
    count_round_trips(2);
    CHECK(inner.depth() == 2);
  }
  CHECK(outer.depth() == 3);
}

TEST_CASE("round trips outside any probe are not counted anywhere") {
  count_round_trips(5);  // no probe: nothing to check but that it does not crash
  DepthProbe probe;
  CHECK(probe.depth() == 0);
}
