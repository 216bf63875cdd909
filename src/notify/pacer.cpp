#include "faultline/notify/pacer.hpp"

#include <algorithm>

namespace faultline::notify {

std::vector<RateRule> default_rate_rules(ChannelKind kind) {
  using std::chrono::minutes;
  using std::chrono::seconds;
  switch (kind) {
    case ChannelKind::WeCom:
    case ChannelKind::DingTalk: return {RateRule{20, minutes(1)}};
    case ChannelKind::Feishu: return {RateRule{100, minutes(1)}, RateRule{5, seconds(1)}};
    case ChannelKind::Slack: return {RateRule{1, seconds(1)}};
    default: return {};
  }
}

Pacer::Pacer(SteadyClock clock, PacerSleeper sleeper)
    : m_clock(std::move(clock)), m_sleeper(std::move(sleeper)) {}

std::chrono::milliseconds Pacer::wait_turn(std::string_view channel, std::span<const RateRule> rules) {
  using std::chrono::milliseconds;
  auto it = m_sent.find(channel);
  if (it == m_sent.end()) it = m_sent.emplace(std::string(channel), std::deque<SteadyTimePoint>{}).first;
  std::deque<SteadyTimePoint>& sent = it->second;

  milliseconds waited{0};
  SteadyTimePoint now = m_clock();
  for (int round = 0; round < 8; ++round) {
    milliseconds wait{0};
    for (const auto& rule : rules) {
      if (rule.max_messages <= 0) continue;
      // Sends inside the window, newest last; the one max_messages back must leave it.
      const auto in_window = static_cast<std::size_t>(std::count_if(
          sent.begin(), sent.end(), [&](SteadyTimePoint t) { return now - t < rule.window; }));
      if (in_window < static_cast<std::size_t>(rule.max_messages)) continue;
      const SteadyTimePoint oldest_counted = sent[sent.size() - static_cast<std::size_t>(rule.max_messages)];
      const auto until = oldest_counted + rule.window - now;
      wait = std::max(wait, std::chrono::ceil<milliseconds>(until));
    }
    if (wait <= milliseconds{0}) break;
    m_sleeper(wait);
    waited += wait;
    now = m_clock();
  }
  sent.push_back(now);
  // Keep only what the longest rule can still count.
  std::size_t keep = 0;
  for (const auto& rule : rules) keep = std::max(keep, static_cast<std::size_t>(std::max(rule.max_messages, 0)));
  while (sent.size() > keep) sent.pop_front();
  return waited;
}

}  // namespace faultline::notify
