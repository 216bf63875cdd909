// Internals of the chat group-API service (rooms.hpp) that its per-platform files share: the
// store of rooms, tokens and calls, small request helpers and one handler per platform.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "service.hpp"

namespace sandbox::rooms {

using nlohmann::json;

// How long an issued access token lasts, on every platform.
constexpr std::int64_t k_token_lifetime_s = 7200;

// What one platform call did: the platform's answer and what the call log records.
struct CallResult {
  SbResponse response;
  std::string api;    // the platform's name for the call: "conversations.create", "appchat.send"
  std::string error;  // the platform's error code as text; empty when the call succeeded
};

// Whether an access token can be used.
enum class TokenState { Valid, Expired, Unknown };

// The emulated platforms' state: each platform's part of the seed, the rooms, the tokens
// issued and the call log, kept as JSON so that a snapshot is the state itself. Not
// thread-safe: the server runs writes alone and only capture() among concurrent reads.
class RoomStore {
public:
  RoomStore();

  // Replaces everything with the seed's "rooms" part; no room, call or token remains.
  void load(const nlohmann::json& seed);
  // Merges the seed's "rooms" part into the configuration: new platforms are added, users
  // are added to a platform's users, other keys replace the old values.
  void extend(const nlohmann::json& seed);
  // The platform's seed part, or nullptr when the platform is not seeded.
  const json* config(std::string_view platform) const;
  // Whether `user` is one of the platform's seeded users.
  bool is_user(std::string_view platform, const std::string& user) const;

  // The platform's room whose `key` holds the string `value`; nullptr if none.
  json* find(std::string_view platform, std::string_view key, std::string_view value);
  // The platform's rooms, oldest first.
  std::vector<json*> rooms(std::string_view platform);
  // Stores a room (the caller sets platform, id and the rest; "messages" starts empty here).
  json& add_room(json room);
  // An id of `prefix` + `length` characters of `alphabet` that no room of the platform has.
  std::string new_room_id(std::string_view platform, std::string_view prefix, std::size_t length,
                          std::string_view alphabet);
  // `length` random characters of `alphabet`.
  std::string random_text(std::size_t length, std::string_view alphabet);

  // A token for the platform: the newest one while it has at least 30 minutes left, else a new
  // one of `prefix` + `length` random characters. Returns it with the seconds it has left.
  std::pair<std::string, std::int64_t> issue_token(std::string_view platform, std::string_view prefix,
                                                   std::size_t length,
                                                   std::chrono::system_clock::time_point now);
  // Whether the platform issued `token` and it has not expired.
  TokenState check_token(std::string_view platform, const std::string& token,
                         std::chrono::system_clock::time_point now) const;

  // Appends one call to the log.
  void record_call(std::string_view platform, const CallResult& result, const SbRequest& request);
  // {"rooms":[..],"calls":[..]} of one platform, or of all when `platform` is empty.
  json capture(std::string_view platform) const;
  // Forgets the rooms and the calls; the configuration and the tokens stay.
  void clear();

  json snapshot() const;
  void restore(const json& state);

private:
  json m_config = json::object();  // platform -> its seed part
  json m_rooms = json::array();    // every room, oldest first
  json m_calls = json::array();    // every call, oldest first
  json m_tokens = json::object();  // platform -> [{"token","expires_at_ms"}], oldest first
  std::mt19937_64 m_rng;
};

// ---- request helpers ----------------------------------------------------------------------

// The body as a JSON object; nothing when it is not one.
std::optional<json> json_object(const std::string& body);
// An application/x-www-form-urlencoded body as {"name":"value"} (the first of repeated names).
json form_fields(std::string_view body);
// The request's header (name lower-case), or "".
std::string header(const SbRequest& request, const std::string& name);
// Whether the request's Content-Type is JSON.
bool is_json_body(const SbRequest& request);
// A string field of a JSON object ("" when absent or not a string).
std::string string_field(const json& object, std::string_view key);
// The number of code points in UTF-8 text.
std::size_t utf8_length(std::string_view text);
// The first `count` code points of UTF-8 text.
std::string utf8_prefix(std::string_view text, std::size_t count);
// A plain-text answer.
SbResponse plain_text(int status, std::string body);
// Every element of `list` once, in first-seen order.
json unique_strings(const json& list);
// Appends `user` to the room's "members" unless it is there.
void add_member(json& room, const std::string& user);
// Whether the room's "members" hold `user`.
bool has_member(const json& room, const std::string& user);
// Records a message (the request body as JSON) in a room.
void add_message(json& room, json body, const SbRequest& request);

constexpr std::string_view k_hex = "0123456789abcdef";
constexpr std::string_view k_alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view k_upper_alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// ---- the platforms ------------------------------------------------------------------------
// Each answers one request whose path is "/rooms/<platform>" + `rest`; `config` is the
// platform's seed part.

CallResult handle_slack(RoomStore& store, const json& config, const SbRequest& request, std::string_view rest);
CallResult handle_feishu(RoomStore& store, const json& config, const SbRequest& request, std::string_view rest);
CallResult handle_dingtalk(RoomStore& store, const json& config, const SbRequest& request, std::string_view rest);
CallResult handle_wecom(RoomStore& store, const json& config, const SbRequest& request, std::string_view rest);

}  // namespace sandbox::rooms
