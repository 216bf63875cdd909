// Which (message, channel) pairs were sent, are being sent, or may have been sent, so that a
// re-run sends only what is missing and never posts one message twice.
//
// A delivery is recorded twice: its intent before the POST ("pending", with the time the
// payload carries) and its result after it ("sent", or the entry removed when the platform
// refused it). A run killed between the two, or one whose result could not be recorded,
// leaves "pending": the next run sends the same payload again only to a platform that
// deduplicates (the generic channel's Idempotency-Key, DingTalk's msgUuid); for any other it
// reports the message once as "possibly sent" and records that, so it is never repeated. A
// generic receiver that answers the re-send 422 holds the key already: recorded as sent.
//
// The record is one JSON object: {dedupe_key: [entry, ...]}, an entry being the channel name
// (sent; the format of earlier versions) or {"channel", "state": "pending"|"possibly_sent",
// "at": UTC ISO}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/util/error.hpp"

namespace faultline::notify {

enum class SendState {
  New,           // no record: send it
  Pending,       // an earlier run recorded the intent but not the result
  Sent,          // delivered and recorded
  PossiblySent,  // pending, reported once as possibly sent: never sent again
};

// "new" | "pending" | "sent" | "possibly_sent".
const char* to_string(SendState state);

// The state of one (message, channel) and, while pending, the time its payload carries.
struct SendRecord {
  SendState state = SendState::New;
  std::string at;  // UTC ISO 8601, as recorded with the intent ("" when not pending)
};

// The record of `channel` for `dedupe_key` in a sent-log value (a malformed value reads as New).
SendRecord read_send_record(const nlohmann::json& log, std::string_view dedupe_key, std::string_view channel);

// `log` with the entries of `channels` under `dedupe_key` set to `state` (New removes them);
// `at` is kept with Pending and PossiblySent. Other keys and channels are kept.
nlohmann::json with_send_state(nlohmann::json log, std::string_view dedupe_key, const std::vector<std::string>& channels,
                               SendState state, std::string_view at);

// One change of a SentLog: `channels` of a dedupe key set to `state` (`at` kept with Pending
// and PossiblySent).
struct SendStateChange {
  std::vector<std::string> channels;
  SendState state = SendState::Sent;
  std::string at;
};

// The record of delivered notifications. Commands back it with a Jira issue property or a
// Confluence page property; subclasses only load and store the JSON value.
class SentLog {
public:
  virtual ~SentLog() = default;

  SendRecord record(std::string_view dedupe_key, std::string_view channel) const {
    return read_send_record(value(), dedupe_key, channel);
  }
  // True when `dedupe_key` was delivered to `channel` (or may have been) before.
  bool was_sent(std::string_view dedupe_key, std::string_view channel) const {
    const auto state = record(dedupe_key, channel).state;
    return state == SendState::Sent || state == SendState::PossiblySent;
  }
  // Applies every change in one write (none when nothing changes). An error means nothing
  // was recorded.
  Result<void> apply(std::string_view dedupe_key, const std::vector<SendStateChange>& changes);
  // Records `state` for every channel in one write.
  Result<void> mark(std::string_view dedupe_key, const std::vector<std::string>& channels, SendState state,
                    std::string_view at = {}) {
    return apply(dedupe_key, {SendStateChange{channels, state, std::string(at)}});
  }
  // Records one delivery as sent.
  Result<void> mark_sent(std::string_view dedupe_key, std::string_view channel) {
    return mark(dedupe_key, {std::string(channel)}, SendState::Sent);
  }

protected:
  // The whole record as last loaded or stored.
  virtual const nlohmann::json& value() const = 0;
  // Stores the whole record; on success value() returns `next`.
  virtual Result<void> store(nlohmann::json next) = 0;
};

// A SentLog in memory (tests, and one run of a command).
class MemorySentLog final : public SentLog {
public:
  // Number of (message, channel) entries.
  std::size_t size() const;

protected:
  const nlohmann::json& value() const override { return m_value; }
  Result<void> store(nlohmann::json next) override {
    m_value = std::move(next);
    return {};
  }

private:
  nlohmann::json m_value = nlohmann::json::object();
};

}  // namespace faultline::notify
