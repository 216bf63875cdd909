// Per-channel pacing under each platform's rate limit, with an injectable clock and sleeper so
// tests never sleep.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/notify/channel_kind.hpp"

namespace faultline::notify {

using SteadyTimePoint = std::chrono::steady_clock::time_point;
using SteadyClock = std::function<SteadyTimePoint()>;
using PacerSleeper = std::function<void(std::chrono::milliseconds)>;

// At most `max_messages` per sliding `window`.
struct RateRule {
  int max_messages = 1;
  std::chrono::milliseconds window{1000};
};

// The documented limits: WeCom and DingTalk 20/min per robot, Feishu 100/min and 5/s, Slack
// 1/s per webhook. Teams, generic and e-mail: none.
std::vector<RateRule> default_rate_rules(ChannelKind kind);

// Remembers when each channel last sent and sleeps until the next send is within all its rules.
class Pacer {
public:
  // `clock` tells the time and `sleeper` waits (tests pass a manual clock and a recorder).
  Pacer(SteadyClock clock, PacerSleeper sleeper);

  // Waits (through the sleeper) until `channel` may send under `rules`, then records a send
  // at the current time. Returns how long it waited.
  std::chrono::milliseconds wait_turn(std::string_view channel, std::span<const RateRule> rules);

private:
  SteadyClock m_clock;
  PacerSleeper m_sleeper;
  std::map<std::string, std::deque<SteadyTimePoint>, std::less<>> m_sent;  // per channel
};

}  // namespace faultline::notify
