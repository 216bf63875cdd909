// The chat group-API service: routing by platform, the capture at /_sandbox/rooms, and the
// store and helpers the per-platform files (rooms_slack.cpp, rooms_feishu.cpp,
// rooms_dingtalk.cpp, rooms_wecom.cpp) share.
#include "rooms.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "jira_util.hpp"
#include "rooms_internal.hpp"

namespace sandbox {

namespace rooms {

namespace {

constexpr std::string_view k_prefix = "/rooms/";
constexpr std::string_view k_capture_path = "/_sandbox/rooms";
constexpr std::array<std::string_view, 4> k_platforms = {"slack", "feishu", "dingtalk", "wecom"};
constexpr std::int64_t k_token_reuse_min_s = 30 * 60;  // a token with less left is replaced

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------- helpers

std::optional<json> json_object(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

json form_fields(std::string_view body) {
  json out = json::object();
  for (const auto& pair : split_list(body, '&')) {
    const auto equals = pair.find('=');
    const std::string name = percent_decode(std::string_view(pair).substr(0, equals));
    const std::string value = equals == std::string::npos ? "" : percent_decode(std::string_view(pair).substr(equals + 1));
    if (!name.empty() && !out.contains(name)) out[name] = value;
  }
  return out;
}

std::string header(const SbRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? std::string() : it->second;
}

bool is_json_body(const SbRequest& request) {
  return to_lower(header(request, "content-type")).starts_with("application/json");
}

std::string string_field(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string utf8_prefix(std::string_view text, std::size_t count) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == count) return std::string(text.substr(0, i));
      ++seen;
    }
  }
  return std::string(text);
}

SbResponse plain_text(int status, std::string body) {
  SbResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

json unique_strings(const json& list) {
  json out = json::array();
  if (!list.is_array()) return out;
  for (const auto& item : list)
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  return out;
}

void add_member(json& room, const std::string& user) {
  if (!has_member(room, user)) room["members"].push_back(user);
}

bool has_member(const json& room, const std::string& user) {
  const json& members = room["members"];
  return std::find(members.begin(), members.end(), json(user)) != members.end();
}

void add_message(json& room, json body, const SbRequest& request) {
  room["messages"].push_back({{"body", std::move(body)}, {"at", epoch_ms(request.now)}});
}

// ------------------------------------------------------------------------------------ store

RoomStore::RoomStore() : m_rng(std::random_device{}()) {}

void RoomStore::load(const json& seed) {
  m_config = json::object();
  m_rooms = json::array();
  m_calls = json::array();
  m_tokens = json::object();
  extend(seed);
}

void RoomStore::extend(const json& seed) {
  if (!seed.is_object() || !seed.contains("rooms") || !seed["rooms"].is_object()) return;
  for (const auto& [platform, part] : seed["rooms"].items()) {
    if (!part.is_object()) continue;
    json& current = m_config[platform];
    if (!current.is_object()) current = json::object();
    for (const auto& [key, value] : part.items()) {
      if (key == "users" && value.is_array() && current.contains("users") && current["users"].is_array()) {
        for (const auto& user : value) current["users"].push_back(user);
        current["users"] = unique_strings(current["users"]);
      } else {
        current[key] = value;
      }
    }
  }
}

const json* RoomStore::config(std::string_view platform) const {
  auto it = m_config.find(platform);
  if (it == m_config.end() || !it->is_object()) return nullptr;
  return &*it;
}

bool RoomStore::is_user(std::string_view platform, const std::string& user) const {
  const json* part = config(platform);
  if (!part || !part->contains("users") || !(*part)["users"].is_array()) return false;
  const json& users = (*part)["users"];
  return std::find(users.begin(), users.end(), json(user)) != users.end();
}

json* RoomStore::find(std::string_view platform, std::string_view key, std::string_view value) {
  for (auto& room : m_rooms) {
    if (string_field(room, "platform") != platform) continue;
    auto it = room.find(key);
    if (it != room.end() && it->is_string() && it->get_ref<const std::string&>() == value) return &room;
  }
  return nullptr;
}

std::vector<json*> RoomStore::rooms(std::string_view platform) {
  std::vector<json*> out;
  for (auto& room : m_rooms)
    if (string_field(room, "platform") == platform) out.push_back(&room);
  return out;
}

json& RoomStore::add_room(json room) {
  room["messages"] = json::array();
  m_rooms.push_back(std::move(room));
  return m_rooms.back();
}

std::string RoomStore::random_text(std::size_t length, std::string_view alphabet) {
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) out += alphabet[pick(m_rng)];
  return out;
}

std::string RoomStore::new_room_id(std::string_view platform, std::string_view prefix, std::size_t length,
                                   std::string_view alphabet) {
  for (;;) {
    std::string id = std::string(prefix) + random_text(length, alphabet);
    if (!find(platform, "id", id)) return id;
  }
}

std::pair<std::string, std::int64_t> RoomStore::issue_token(std::string_view platform, std::string_view prefix,
                                                            std::size_t length,
                                                            std::chrono::system_clock::time_point now) {
  const std::int64_t now_ms = epoch_ms(now);
  json& tokens = m_tokens[platform];
  if (!tokens.is_array()) tokens = json::array();
  json kept = json::array();
  for (const auto& t : tokens)
    if (t.value("expires_at_ms", std::int64_t{0}) > now_ms) kept.push_back(t);
  tokens = std::move(kept);
  if (!tokens.empty()) {
    const json& newest = tokens.back();
    const std::int64_t left_s = (newest.value("expires_at_ms", std::int64_t{0}) - now_ms) / 1000;
    if (left_s >= k_token_reuse_min_s) return {newest.value("token", ""), left_s};
  }
  std::string token = std::string(prefix) + random_text(length, k_hex);
  tokens.push_back({{"token", token}, {"expires_at_ms", now_ms + k_token_lifetime_s * 1000}});
  return {token, k_token_lifetime_s};
}

TokenState RoomStore::check_token(std::string_view platform, const std::string& token,
                                  std::chrono::system_clock::time_point now) const {
  auto it = m_tokens.find(platform);
  if (token.empty() || it == m_tokens.end() || !it->is_array()) return TokenState::Unknown;
  for (const auto& t : *it) {
    if (t.value("token", "") != token) continue;
    return t.value("expires_at_ms", std::int64_t{0}) > epoch_ms(now) ? TokenState::Valid : TokenState::Expired;
  }
  return TokenState::Unknown;
}

void RoomStore::record_call(std::string_view platform, const CallResult& result, const SbRequest& request) {
  m_calls.push_back({{"platform", platform},
                     {"api", result.api},
                     {"ok", result.error.empty()},
                     {"error", result.error},
                     {"status", result.response.status},
                     {"at", epoch_ms(request.now)}});
}

json RoomStore::capture(std::string_view platform) const {
  auto pick = [&](const json& list) {
    json out = json::array();
    for (const auto& item : list)
      if (platform.empty() || string_field(item, "platform") == platform) out.push_back(item);
    return out;
  };
  return {{"rooms", pick(m_rooms)}, {"calls", pick(m_calls)}};
}

void RoomStore::clear() {
  m_rooms = json::array();
  m_calls = json::array();
}

json RoomStore::snapshot() const {
  return {{"config", m_config}, {"rooms", m_rooms}, {"calls", m_calls}, {"tokens", m_tokens}};
}

void RoomStore::restore(const json& state) {
  m_config = state.value("config", json::object());
  m_rooms = state.value("rooms", json::array());
  m_calls = state.value("calls", json::array());
  m_tokens = state.value("tokens", json::object());
}

// ---------------------------------------------------------------------------------- service

namespace {

class RoomsService final : public Service {
public:
  std::optional<SbResponse> handle(const SbRequest& request) override {
    if (request.path == k_capture_path) return capture(request);
    if (!request.path.starts_with(k_prefix)) return std::nullopt;
    const std::string_view after = std::string_view(request.path).substr(k_prefix.size());
    const std::string platform(after.substr(0, after.find('/')));
    const std::string_view rest = after.substr(platform.size());
    CallResult result;
    const json* config = m_store.config(platform);
    if (!config || std::find(k_platforms.begin(), k_platforms.end(), platform) == k_platforms.end()) {
      result = {plain_text(404, "404 page not found"), request.method + " " + std::string(rest), "not_found"};
    } else {
      try {
        const json& part = *config;  // handlers change rooms, tokens and calls, never the configuration
        if (platform == "slack") result = handle_slack(m_store, part, request, rest);
        else if (platform == "feishu") result = handle_feishu(m_store, part, request, rest);
        else if (platform == "dingtalk") result = handle_dingtalk(m_store, part, request, rest);
        else result = handle_wecom(m_store, part, request, rest);
      } catch (const json::exception& e) {
        // A field of an unexpected JSON type that a handler did not check: a bad request, not a crash.
        result = {SbResponse::json(400, {{"error", std::string("sandbox rooms: ") + e.what()}}),
                  request.method + " " + std::string(rest), "bad_request"};
      }
    }
    m_store.record_call(platform, result, request);
    return result.response;
  }

  void load_seed(const json& seed) override { m_store.load(seed); }
  void extend_seed(const json& seed) override { m_store.extend(seed); }
  json snapshot() const override { return m_store.snapshot(); }
  void restore(const json& state) override { m_store.restore(state); }

private:
  // GET (read only: runs among concurrent reads) or DELETE /_sandbox/rooms.
  SbResponse capture(const SbRequest& request) {
    if (request.method == "DELETE") {
      m_store.clear();
      return SbResponse::no_content();
    }
    if (request.method != "GET") {
      SbResponse r = plain_text(405, "Method Not Allowed");
      r.headers["Allow"] = "GET, DELETE";
      return r;
    }
    return SbResponse::json(200, m_store.capture(request.param("platform").value_or("")));
  }

  RoomStore m_store;
};

}  // namespace

}  // namespace rooms

std::unique_ptr<Service> make_rooms_service() { return std::make_unique<rooms::RoomsService>(); }

}  // namespace sandbox
