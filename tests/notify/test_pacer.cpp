#include <catch2/catch.hpp>

#include "faultline/notify/pacer.hpp"
#include "notify_test_support.hpp"

using namespace faultline::notify;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("pacer lets 20 WeCom messages through, then waits for the minute window") {
  test::ManualClock clock;
  Pacer pacer(clock.clock(), clock.sleeper());
  const auto rules = default_rate_rules(ChannelKind::WeCom);
  for (int i = 0; i < 20; ++i) {
    CHECK(pacer.wait_turn("ops", rules) == milliseconds(0));
    clock.now += seconds(1);
  }
  // The first send was 20 s ago: the 21st waits 40 s.
  CHECK(pacer.wait_turn("ops", rules) == seconds(40));
  REQUIRE(clock.sleeps == std::vector<milliseconds>{seconds(40)});
  // Another channel has its own budget.
  CHECK(pacer.wait_turn("other", rules) == milliseconds(0));
}

TEST_CASE("pacer spaces Slack messages one second apart") {
  test::ManualClock clock;
  Pacer pacer(clock.clock(), clock.sleeper());
  const auto rules = default_rate_rules(ChannelKind::Slack);
  pacer.wait_turn("s", rules);
  clock.now += milliseconds(300);
  CHECK(pacer.wait_turn("s", rules) == milliseconds(700));
  CHECK(pacer.wait_turn("s", rules) == milliseconds(1000));
}

TEST_CASE("pacer applies both Feishu rules: 5 per second and 100 per minute") {
  test::ManualClock clock;
  Pacer pacer(clock.clock(), clock.sleeper());
  const auto rules = default_rate_rules(ChannelKind::Feishu);
  const auto first = clock.now;
  for (int i = 0; i < 5; ++i) CHECK(pacer.wait_turn("f", rules) == milliseconds(0));
  CHECK(pacer.wait_turn("f", rules) == seconds(1));
  for (int i = 0; i < 94; ++i) pacer.wait_turn("f", rules);
  CHECK(clock.now - first < seconds(60));  // 100 sends at 5/s take about 20 s
  pacer.wait_turn("f", rules);             // the 101st waits for the minute
  CHECK(clock.now - first == seconds(60));
  CHECK(default_rate_rules(ChannelKind::Teams).empty());
}
