// Which (message, channel) pairs were already delivered, so a re-run sends only what is missing.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "faultline/util/error.hpp"

namespace faultline::notify {

// The record of delivered notifications. Commands back it with a Jira issue property.
class SentLog {
public:
  virtual ~SentLog() = default;
  // True when `dedupe_key` was delivered to `channel` before.
  virtual bool was_sent(std::string_view dedupe_key, std::string_view channel) const = 0;
  // Records a delivery. An error means the record was not kept (a re-run may send again).
  virtual Result<void> mark_sent(std::string_view dedupe_key, std::string_view channel) = 0;
};

// A SentLog in memory (tests, and one run of a command).
class MemorySentLog final : public SentLog {
public:
  // See SentLog; mark_sent never fails.
  bool was_sent(std::string_view dedupe_key, std::string_view channel) const override;
  Result<void> mark_sent(std::string_view dedupe_key, std::string_view channel) override;
  // Number of records.
  std::size_t size() const { return m_sent.size(); }

private:
  std::set<std::pair<std::string, std::string>, std::less<>> m_sent;
};

}  // namespace faultline::notify
