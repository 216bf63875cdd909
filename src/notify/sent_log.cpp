#include "faultline/notify/sent_log.hpp"

#include <algorithm>

namespace faultline::notify {

namespace {

std::string entry_channel(const nlohmann::json& entry) {
  if (entry.is_string()) return entry.get<std::string>();
  if (entry.is_object()) {
    const auto it = entry.find("channel");
    if (it != entry.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

SendRecord entry_record(const nlohmann::json& entry) {
  if (entry.is_string()) return {SendState::Sent, {}};
  const auto state = entry.value("state", "");
  const auto at = entry.value("at", "");
  if (state == "pending") return {SendState::Pending, at};
  if (state == "possibly_sent") return {SendState::PossiblySent, at};
  if (state == "sent") return {SendState::Sent, {}};
  return {};  // an unknown state must not block the message forever
}

}  // namespace

const char* to_string(SendState state) {
  switch (state) {
    case SendState::New: return "new";
    case SendState::Pending: return "pending";
    case SendState::Sent: return "sent";
    case SendState::PossiblySent: return "possibly_sent";
  }
  return "new";
}

SendRecord read_send_record(const nlohmann::json& log, std::string_view dedupe_key, std::string_view channel) {
  if (!log.is_object()) return {};
  const auto it = log.find(std::string(dedupe_key));
  if (it == log.end() || !it->is_array()) return {};
  for (const auto& entry : *it)
    if (entry_channel(entry) == channel) return entry_record(entry);
  return {};
}

nlohmann::json with_send_state(nlohmann::json log, std::string_view dedupe_key, const std::vector<std::string>& channels,
                               SendState state, std::string_view at) {
  if (!log.is_object()) log = nlohmann::json::object();
  auto& entries = log[std::string(dedupe_key)];
  if (!entries.is_array()) entries = nlohmann::json::array();
  for (const auto& channel : channels) {
    auto& list = entries.get_ref<nlohmann::json::array_t&>();
    const auto current = std::find_if(list.begin(), list.end(), [&](const nlohmann::json& e) { return entry_channel(e) == channel; });
    if (current != list.end()) {
      const auto record = entry_record(*current);
      const bool keeps_at = state == SendState::Pending || state == SendState::PossiblySent;
      if (record.state == state && (!keeps_at || record.at == at)) continue;  // unchanged: keep its place
    }
    std::erase_if(list, [&](const nlohmann::json& e) { return entry_channel(e) == channel; });
    switch (state) {
      case SendState::New: break;
      case SendState::Sent: list.emplace_back(channel); break;
      case SendState::Pending:
      case SendState::PossiblySent:
        list.push_back({{"channel", channel}, {"state", to_string(state)}, {"at", std::string(at)}});
        break;
    }
  }
  if (entries.empty()) log.erase(std::string(dedupe_key));
  return log;
}

Result<void> SentLog::apply(std::string_view dedupe_key, const std::vector<SendStateChange>& changes) {
  nlohmann::json next = value();
  for (const auto& change : changes)
    if (!change.channels.empty()) next = with_send_state(std::move(next), dedupe_key, change.channels, change.state, change.at);
  if (next == value()) return {};
  return store(std::move(next));
}

std::size_t MemorySentLog::size() const {
  std::size_t n = 0;
  for (const auto& [key, entries] : m_value.items()) n += entries.is_array() ? entries.size() : 0;
  return n;
}

}  // namespace faultline::notify
