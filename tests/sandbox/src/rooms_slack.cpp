// Slack's Web API for a per-incident channel (reference §5; docs.slack.dev/reference/methods):
// POST (or GET) /rooms/slack/api/<method>, form or JSON arguments, Authorization: Bearer
// <seeded token>. Every answer is HTTP 200 {"ok":true,...} or {"ok":false,"error":"<code>"}.
//
//   any method       not_authed (no token), invalid_auth (wrong token), invalid_json,
//                    json_not_object; an unknown method: HTTP 404 unknown_method [unverified status]
//   conversations.create    {name, is_private} -> {channel}: invalid_name_required,
//                    invalid_name_maxlength (> 80), invalid_name_punctuation (only - and _),
//                    invalid_name_specials (anything but a-z 0-9 - _), name_taken (archived too)
//   conversations.invite    {channel, users, force} -> {channel[, errors]}: channel_not_found,
//                    is_archived, no_user, too_many_users (> 1000), user_not_found,
//                    cant_invite_self, already_in_channel; without force one refused id fails
//                    the call; with force the others are invited and "errors" lists the refused
//   conversations.setTopic  {channel, topic} -> {channel}: too_long (> 250), is_archived
//   chat.postMessage        {channel (id or name), text, blocks} -> {channel, ts, message}:
//                    no_text, invalid_blocks, msg_too_long (> 40,000 characters), is_archived
//   conversations.archive   {channel}: already_archived
//   conversations.list      {types, exclude_archived, limit (default 100, at most 1000), cursor}
//                    -> {channels, response_metadata.next_cursor ("" at the end)}: invalid_types,
//                    invalid_cursor, invalid_limit
#include <algorithm>
#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hooks_crypto.hpp"
#include "jira_util.hpp"
#include "rooms_internal.hpp"

namespace sandbox::rooms {

namespace slack {

namespace {

constexpr std::string_view k_platform = "slack";
constexpr std::size_t k_name_max = 80;
constexpr std::size_t k_topic_max = 250;
constexpr std::size_t k_text_max = 40000;
constexpr std::size_t k_invite_max = 1000;
constexpr std::int64_t k_list_default = 100;
constexpr std::int64_t k_list_max = 1000;
constexpr std::string_view k_cursor_prefix = "team:";
constexpr std::array<std::string_view, 6> k_methods = {"conversations.create",   "conversations.invite",
                                                       "conversations.setTopic", "chat.postMessage",
                                                       "conversations.archive",  "conversations.list"};

// One call being answered: its method, arguments and the platform's configuration.
struct Call {
  RoomStore& store;
  const json& config;
  const SbRequest& request;
  std::string method;
  json args;

  CallResult ok(json body = json::object()) const {
    body["ok"] = true;
    return {SbResponse::json(200, body), method, {}};
  }
  CallResult fail(const std::string& code, json body = json::object()) const {
    body["ok"] = false;
    body["error"] = code;
    return {SbResponse::json(200, body), method, code};
  }
  // An argument as text: strings as they are, numbers and booleans spelled out.
  std::string text(const char* key) const {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
    return it->dump();
  }
  // A boolean argument: true, "true" or "1".
  bool flag(const char* key) const {
    auto it = args.find(key);
    if (it == args.end()) return false;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_number_integer()) return it->get<std::int64_t>() != 0;
    const std::string value = text(key);
    return value == "true" || value == "1";
  }
  std::string bot() const { return string_field(config, "bot_user"); }
  std::int64_t now_s() const { return epoch_ms(request.now) / 1000; }
};

// The method's arguments: the query's, then the body's (JSON or form) over them. Error: the
// Slack error code for a body that cannot be read.
std::expected<json, std::string> arguments(const SbRequest& request) {
  json args = json::object();
  for (const auto& [key, value] : request.query)
    if (!args.contains(key)) args[key] = value;
  if (request.body.empty()) return args;
  if (is_json_body(request)) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return std::unexpected("invalid_json");
    if (!body.is_object()) return std::unexpected("json_not_object");
    for (const auto& [key, value] : body.items()) args[key] = value;
  } else {
    const json fields = form_fields(request.body);
    for (const auto& [key, value] : fields.items()) args[key] = value;
  }
  return args;
}

// The bearer token, or the form's "token" argument (Slack accepts both).
std::string token_of(const SbRequest& request, const json& args) {
  const std::string auth = header(request, "authorization");
  if (auth.size() > 7 && to_lower(auth.substr(0, 7)) == "bearer ") return auth.substr(7);
  return string_field(args, "token");
}

// A conversation object as Slack's conversations.* methods return it.
json channel_json(const json& room) {
  return {{"id", room["id"]},
          {"name", room["name"]},
          {"name_normalized", room["name"]},
          {"is_channel", true},
          {"is_group", false},
          {"is_im", false},
          {"is_mpim", false},
          {"is_private", room["is_private"]},
          {"is_archived", room["archived"]},
          {"is_general", false},
          {"is_shared", false},
          {"is_ext_shared", false},
          {"is_org_shared", false},
          {"is_member", true},
          {"created", room["created"]},
          {"creator", room["owner"]},
          {"unlinked", 0},
          {"num_members", room["members"].size()},
          {"topic", {{"value", room["topic"]}, {"creator", room["topic_creator"]}, {"last_set", room["topic_last_set"]}}},
          {"purpose", {{"value", ""}, {"creator", ""}, {"last_set", 0}}}};
}

// The channel named by the "channel" argument: an id, or (for chat.postMessage) a name.
json* channel_of(const Call& call, bool by_name) {
  std::string wanted = call.text("channel");
  if (wanted.empty()) return nullptr;
  if (json* room = call.store.find(k_platform, "id", wanted)) return room;
  if (!by_name) return nullptr;
  if (wanted.front() == '#') wanted.erase(0, 1);
  return call.store.find(k_platform, "name", wanted);
}

// The create error for a name, or "" when Slack accepts it.
std::string name_problem(const std::string& name) {
  if (name.empty()) return "invalid_name_required";
  if (utf8_length(name) > k_name_max) return "invalid_name_maxlength";
  if (std::all_of(name.begin(), name.end(), [](char c) { return c == '-' || c == '_'; })) return "invalid_name_punctuation";
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  return allowed ? "" : "invalid_name_specials";
}

CallResult create(const Call& call) {
  const std::string name = call.text("name");
  if (auto problem = name_problem(name); !problem.empty()) return call.fail(problem);
  if (call.store.find(k_platform, "name", name)) return call.fail("name_taken");
  json& room = call.store.add_room({{"platform", k_platform},
                                    {"id", call.store.new_room_id(k_platform, "C", 10, k_upper_alnum)},
                                    {"name", name},
                                    {"is_private", call.flag("is_private")},
                                    {"topic", ""},
                                    {"topic_creator", ""},
                                    {"topic_last_set", 0},
                                    {"owner", call.bot()},
                                    {"members", json::array({call.bot()})},
                                    {"archived", false},
                                    {"created", call.now_s()}});
  return call.ok({{"channel", channel_json(room)}});
}

// The ids of a "users" argument: a comma list (or, leniently, a JSON array), each once.
std::vector<std::string> user_ids(const Call& call) {
  std::vector<std::string> ids;
  auto add = [&](const std::string& id) {
    if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  };
  auto it = call.args.find("users");
  if (it != call.args.end() && it->is_array()) {
    for (const auto& id : *it)
      if (id.is_string()) add(id.get<std::string>());
  } else {
    for (const auto& id : split_list(call.text("users"), ',')) add(id);
  }
  return ids;
}

CallResult invite(const Call& call) {
  json* room = channel_of(call, false);
  if (!room) return call.fail("channel_not_found");
  if ((*room)["archived"].get<bool>()) return call.fail("is_archived");
  const std::vector<std::string> ids = user_ids(call);
  if (ids.empty()) return call.fail("no_user");
  if (ids.size() > k_invite_max) return call.fail("too_many_users");
  std::vector<std::string> accepted;
  json refused = json::array();
  for (const auto& id : ids) {
    std::string problem;
    if (id == call.bot()) problem = "cant_invite_self";
    else if (!call.store.is_user(k_platform, id)) problem = "user_not_found";
    else if (has_member(*room, id)) problem = "already_in_channel";
    if (problem.empty()) accepted.push_back(id);
    else refused.push_back({{"user", id}, {"ok", false}, {"error", problem}});
  }
  if (!refused.empty() && (!call.flag("force") || accepted.empty())) {
    return call.fail(refused[0]["error"].get<std::string>(), {{"errors", refused}});
  }
  for (const auto& id : accepted) add_member(*room, id);
  json body{{"channel", channel_json(*room)}};
  if (!refused.empty()) body["errors"] = refused;
  return call.ok(body);
}

CallResult set_topic(const Call& call) {
  json* room = channel_of(call, false);
  if (!room) return call.fail("channel_not_found");
  if ((*room)["archived"].get<bool>()) return call.fail("is_archived");
  const std::string topic = call.text("topic");
  if (utf8_length(topic) > k_topic_max) return call.fail("too_long");
  (*room)["topic"] = topic;
  (*room)["topic_creator"] = call.bot();
  (*room)["topic_last_set"] = call.now_s();
  return call.ok({{"channel", channel_json(*room)}});
}

// The next message time stamp of a channel: "<unix s>.<6 digits>", later than the last one.
std::string next_ts(json& room, const SbRequest& request) {
  std::int64_t micros = epoch_ms(request.now) * 1000;
  const std::int64_t last = room.value("last_ts_us", std::int64_t{0});
  if (micros <= last) micros = last + 1;
  room["last_ts_us"] = micros;
  return fmt::format("{}.{:06d}", micros / 1000000, micros % 1000000);
}

CallResult post_message(const Call& call) {
  json* room = channel_of(call, true);
  if (!room) return call.fail("channel_not_found");
  if ((*room)["archived"].get<bool>()) return call.fail("is_archived");
  json blocks;
  if (auto it = call.args.find("blocks"); it != call.args.end()) {
    blocks = it->is_string() ? json::parse(it->get<std::string>(), nullptr, false) : *it;
    if (!blocks.is_array()) return call.fail("invalid_blocks");
  }
  const std::string text = call.text("text");
  json attachments = call.args.value("attachments", json());
  if (attachments.is_string()) attachments = json::parse(attachments.get<std::string>(), nullptr, false);
  const bool has_attachments = attachments.is_array() && !attachments.empty();
  if (text.empty() && (blocks.is_null() || blocks.empty()) && !has_attachments) return call.fail("no_text");
  if (utf8_length(text) > k_text_max) return call.fail("msg_too_long");
  const std::string ts = next_ts(*room, call.request);
  add_message(*room, call.args, call.request);
  room->at("messages").back()["ts"] = ts;
  json message{{"type", "message"}, {"user", call.bot()}, {"text", text}, {"ts", ts}};
  if (!blocks.is_null()) message["blocks"] = blocks;
  return call.ok({{"channel", (*room)["id"]}, {"ts", ts}, {"message", message}});
}

CallResult archive(const Call& call) {
  json* room = channel_of(call, false);
  if (!room) return call.fail("channel_not_found");
  if ((*room)["archived"].get<bool>()) return call.fail("already_archived");
  (*room)["archived"] = true;
  return call.ok();
}

CallResult list(const Call& call) {
  std::string types = call.text("types");
  if (types.empty()) types = "public_channel";
  bool want_public = false, want_private = false;
  for (const auto& type : split_list(types, ',')) {
    if (type == "public_channel") want_public = true;
    else if (type == "private_channel") want_private = true;
    else if (type != "mpim" && type != "im") return call.fail("invalid_types");
  }
  std::int64_t limit = k_list_default;
  if (const std::string text = call.text("limit"); !text.empty()) {
    try {
      std::size_t used = 0;
      limit = std::stoll(text, &used);
      if (used != text.size()) return call.fail("invalid_limit");
    } catch (const std::exception&) {
      return call.fail("invalid_limit");
    }
    if (limit <= 0) limit = k_list_default;
    limit = std::min(limit, k_list_max);
  }
  const bool exclude_archived = call.flag("exclude_archived");
  std::vector<const json*> matching;
  for (const json* room : call.store.rooms(k_platform)) {
    const bool is_private = room->value("is_private", false);
    if ((is_private && !want_private) || (!is_private && !want_public)) continue;
    if (exclude_archived && room->value("archived", false)) continue;
    matching.push_back(room);
  }
  std::size_t start = 0;
  if (const std::string cursor = call.text("cursor"); !cursor.empty()) {
    auto decoded = base64_decode(cursor);
    if (!decoded || !decoded->starts_with(k_cursor_prefix)) return call.fail("invalid_cursor");
    const std::string id = decoded->substr(k_cursor_prefix.size());
    auto at = std::find_if(matching.begin(), matching.end(), [&](const json* r) { return string_field(*r, "id") == id; });
    if (at == matching.end()) return call.fail("invalid_cursor");
    start = static_cast<std::size_t>(at - matching.begin());
  }
  const std::size_t end = std::min(matching.size(), start + static_cast<std::size_t>(limit));
  json channels = json::array();
  for (std::size_t i = start; i < end; ++i) channels.push_back(channel_json(*matching[i]));
  const std::string next =
      end < matching.size() ? base64_encode(std::string(k_cursor_prefix) + string_field(*matching[end], "id")) : "";
  return call.ok({{"channels", channels}, {"response_metadata", {{"next_cursor", next}}}});
}

}  // namespace

}  // namespace slack

CallResult handle_slack(RoomStore& store, const json& config, const SbRequest& request, std::string_view rest) {
  using namespace slack;
  constexpr std::string_view k_api = "/api/";
  const std::string method = rest.starts_with(k_api) ? std::string(rest.substr(k_api.size())) : std::string(rest);
  if (!rest.starts_with(k_api) || std::find(k_methods.begin(), k_methods.end(), method) == k_methods.end()) {
    // Slack answers an unknown method with HTTP 404 [unverified status] and this body.
    return {SbResponse::json(404, {{"ok", false}, {"error", "unknown_method"}, {"req_method", method}}), method,
            "unknown_method"};
  }
  auto args = arguments(request);
  const Call call{store, config, request, method, args ? *args : json::object()};
  if (!args) return call.fail(args.error());
  const std::string token = token_of(request, call.args);
  if (token.empty()) return call.fail("not_authed");
  if (token != string_field(config, "token")) return call.fail("invalid_auth");
  if (method == "conversations.create") return create(call);
  if (method == "conversations.invite") return invite(call);
  if (method == "conversations.setTopic") return set_topic(call);
  if (method == "chat.postMessage") return post_message(call);
  if (method == "conversations.archive") return archive(call);
  return list(call);
}

}  // namespace sandbox::rooms
