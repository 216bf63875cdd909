#include "faultline/notify/sent_log.hpp"

namespace faultline::notify {

bool MemorySentLog::was_sent(std::string_view dedupe_key, std::string_view channel) const {
  return m_sent.contains(std::pair<std::string, std::string>(dedupe_key, channel));
}

Result<void> MemorySentLog::mark_sent(std::string_view dedupe_key, std::string_view channel) {
  m_sent.emplace(dedupe_key, channel);
  return {};
}

}  // namespace faultline::notify
