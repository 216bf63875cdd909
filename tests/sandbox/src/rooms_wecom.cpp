// WeCom app group chats, appchat (reference §8; developer.work.weixin.qq.com pages 90245,
// 98913, 98914, 91039 and the global error-code page 90313). Always HTTP 200 with
// {"errcode":N,"errmsg":...}, 0 = ok.
//
//   GET  /cgi-bin/gettoken?corpid=&corpsecret= -> {"access_token","expires_in"}: 41002 no
//        corpid, 41004 no corpsecret, 40013 wrong corpid, 40001 wrong secret
//   every other call takes ?access_token=: 41001 missing, 40014 unknown, 42001 expired;
//        a body that is not a JSON object -> 47001 [unverified number]
//   POST /cgi-bin/appchat/create {name, owner, userlist, chatid} -> {"chatid"}: name cut to 50
//        characters; 86204 no userlist, 86006 fewer than 2 or more than 2000 users, 86007 a
//        userid not in the seed [unverified number; 86216 is the other candidate], 86005
//        unknown owner, 86207 owner not in userlist, 86205 chatid over 32 characters, 86001
//        chatid not [0-9a-zA-Z], 86215 chatid taken; without owner the first user owns it
//   POST /cgi-bin/appchat/update {chatid, name, owner, add_user_list, del_user_list}: 86201 no
//        chatid, 86003 unknown chatid, 86007 unknown user to add, 86005 unknown owner or the
//        owner removed without a new one [unverified number], 86207 owner not a member,
//        86006 more than 2000 members
//   GET  /cgi-bin/appchat/get?chatid= -> {"chat_info":{chatid,name,owner,userlist,chat_type:0}}:
//        86201, 86003
//   POST /cgi-bin/appchat/send {chatid, msgtype, text|markdown:{content}, safe}: 86201, 86003,
//        40008 msgtype other than text and markdown, 44004 empty content, 45002 content over
//        2048 bytes [unverified limit for appchat]
//   an unknown path -> 404 text [unverified]
// WeCom has no topic and no disband for app group chats; neither is emulated.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "rooms_internal.hpp"

namespace sandbox::rooms {

namespace wecom {

namespace {

constexpr std::string_view k_platform = "wecom";
constexpr std::size_t k_name_max = 50;
constexpr std::size_t k_members_min = 2;
constexpr std::size_t k_members_max = 2000;
constexpr std::size_t k_chatid_max = 32;
constexpr std::size_t k_content_max = 2048;

constexpr int k_invalid_secret = 40001;
constexpr int k_invalid_msgtype = 40008;
constexpr int k_invalid_corpid = 40013;
constexpr int k_invalid_token = 40014;
constexpr int k_token_missing = 41001;
constexpr int k_corpid_missing = 41002;
constexpr int k_secret_missing = 41004;
constexpr int k_token_expired = 42001;
constexpr int k_empty_content = 44004;
constexpr int k_content_too_long = 45002;
constexpr int k_data_format = 47001;
constexpr int k_chatid_invalid = 86001;
constexpr int k_chatid_unknown = 86003;
constexpr int k_owner_invalid = 86005;
constexpr int k_member_count = 86006;
constexpr int k_member_invalid = 86007;
constexpr int k_chatid_required = 86201;
constexpr int k_members_required = 86204;
constexpr int k_chatid_too_long = 86205;
constexpr int k_owner_not_member = 86207;
constexpr int k_chatid_taken = 86215;

CallResult reply(std::string api, int errcode, const std::string& errmsg, json extra = json::object()) {
  extra["errcode"] = errcode;
  extra["errmsg"] = errcode == 0 ? errmsg
                                 : fmt::format("{}, more info at https://open.work.weixin.qq.com/devtool/query?e={}", errmsg, errcode);
  return {SbResponse::json(200, extra), std::move(api), errcode == 0 ? "" : std::to_string(errcode)};
}

// The strings of an array field, each once; nothing when present and not a list of strings.
std::optional<std::vector<std::string>> string_list(const json& body, const char* key) {
  std::vector<std::string> out;
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return std::nullopt;
  for (const auto& item : *it) {
    if (!item.is_string()) return std::nullopt;
    if (std::find(out.begin(), out.end(), item.get<std::string>()) == out.end()) out.push_back(item.get<std::string>());
  }
  return out;
}

json chat_info(const json& room) {
  return {{"chatid", room["id"]}, {"name", room["name"]}, {"owner", room["owner"]}, {"userlist", room["members"]}, {"chat_type", 0}};
}

CallResult get_token(RoomStore& store, const json& config, const SbRequest& request) {
  const std::string api = "gettoken";
  const std::string corpid = request.param("corpid").value_or("");
  const std::string secret = request.param("corpsecret").value_or("");
  if (corpid.empty()) return reply(api, k_corpid_missing, "corpid missing");
  if (secret.empty()) return reply(api, k_secret_missing, "corpsecret missing");
  if (corpid != string_field(config, "corpid")) return reply(api, k_invalid_corpid, "invalid corpid");
  if (secret != string_field(config, "corpsecret")) return reply(api, k_invalid_secret, "invalid credential");
  auto [token, left] = store.issue_token(k_platform, "", 64, request.now);
  return reply(api, 0, "ok", {{"access_token", token}, {"expires_in", left}});
}

// The access_token check: nothing when it passes.
std::optional<CallResult> refuse_token(const RoomStore& store, const SbRequest& request, const std::string& api) {
  const std::string token = request.param("access_token").value_or("");
  if (token.empty()) return reply(api, k_token_missing, "access_token missing");
  switch (store.check_token(k_platform, token, request.now)) {
    case TokenState::Valid: return std::nullopt;
    case TokenState::Expired: return reply(api, k_token_expired, "access_token expired");
    case TokenState::Unknown: break;
  }
  return reply(api, k_invalid_token, "invalid access_token");
}

// The first user of `users` not in the seed, if any.
std::optional<std::string> unknown_user(const RoomStore& store, const std::vector<std::string>& users) {
  for (const auto& user : users)
    if (!store.is_user(k_platform, user)) return user;
  return std::nullopt;
}

CallResult create_chat(RoomStore& store, const json& body) {
  const std::string api = "appchat.create";
  auto users = string_list(body, "userlist");
  if (!users) return reply(api, k_data_format, "data format error: userlist must be a list of userids");
  if (users->empty()) return reply(api, k_members_required, "userlist required");
  if (users->size() < k_members_min || users->size() > k_members_max) return reply(api, k_member_count, "invalid userlist size");
  if (auto user = unknown_user(store, *users)) return reply(api, k_member_invalid, "invalid chat member " + *user);
  std::string owner = string_field(body, "owner");
  if (!owner.empty() && !store.is_user(k_platform, owner)) return reply(api, k_owner_invalid, "invalid owner");
  if (!owner.empty() && std::find(users->begin(), users->end(), owner) == users->end()) {
    return reply(api, k_owner_not_member, "owner not in userlist");
  }
  if (owner.empty()) owner = users->front();
  std::string chatid = string_field(body, "chatid");
  if (chatid.size() > k_chatid_max) return reply(api, k_chatid_too_long, "chatid too long");
  const bool alnum = std::all_of(chatid.begin(), chatid.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
  if (!alnum) return reply(api, k_chatid_invalid, "invalid chatid");
  if (!chatid.empty() && store.find(k_platform, "id", chatid)) return reply(api, k_chatid_taken, "chatid exists");
  if (chatid.empty()) chatid = store.new_room_id(k_platform, "wr", 20, k_alnum);
  store.add_room({{"platform", k_platform},
                  {"id", chatid},
                  {"chatid", chatid},
                  {"name", utf8_prefix(string_field(body, "name"), k_name_max)},
                  {"owner", owner},
                  {"members", *users}});
  return reply(api, 0, "ok", {{"chatid", chatid}});
}

CallResult update_chat(RoomStore& store, const json& body) {
  const std::string api = "appchat.update";
  const std::string chatid = string_field(body, "chatid");
  if (chatid.empty()) return reply(api, k_chatid_required, "chatid required");
  json* room = store.find(k_platform, "id", chatid);
  if (!room) return reply(api, k_chatid_unknown, "chatid not found");
  auto added = string_list(body, "add_user_list");
  auto removed = string_list(body, "del_user_list");
  if (!added || !removed) return reply(api, k_data_format, "data format error: add_user_list and del_user_list are lists of userids");
  if (auto user = unknown_user(store, *added)) return reply(api, k_member_invalid, "invalid chat member " + *user);
  json members = json::array();
  for (const auto& member : (*room)["members"])
    if (std::find(removed->begin(), removed->end(), member.get<std::string>()) == removed->end()) members.push_back(member);
  for (const auto& user : *added)
    if (std::find(members.begin(), members.end(), json(user)) == members.end()) members.push_back(user);
  if (members.size() > k_members_max) return reply(api, k_member_count, "invalid userlist size");
  std::string owner = string_field(body, "owner");
  if (!owner.empty() && !store.is_user(k_platform, owner)) return reply(api, k_owner_invalid, "invalid owner");
  if (owner.empty()) {
    owner = string_field(*room, "owner");
    if (std::find(members.begin(), members.end(), json(owner)) == members.end()) {
      return reply(api, k_owner_invalid, "the owner is removed: name a new owner");
    }
  }
  if (std::find(members.begin(), members.end(), json(owner)) == members.end()) return reply(api, k_owner_not_member, "owner not in userlist");
  (*room)["members"] = members;
  (*room)["owner"] = owner;
  if (body.contains("name") && body["name"].is_string()) (*room)["name"] = utf8_prefix(body["name"].get<std::string>(), k_name_max);
  return reply(api, 0, "ok");
}

CallResult get_chat(RoomStore& store, const SbRequest& request) {
  const std::string api = "appchat.get";
  const std::string chatid = request.param("chatid").value_or("");
  if (chatid.empty()) return reply(api, k_chatid_required, "chatid required");
  json* room = store.find(k_platform, "id", chatid);
  if (!room) return reply(api, k_chatid_unknown, "chatid not found");
  return reply(api, 0, "ok", {{"chat_info", chat_info(*room)}});
}

CallResult send_message(RoomStore& store, const SbRequest& request, const json& body) {
  const std::string api = "appchat.send";
  const std::string chatid = string_field(body, "chatid");
  if (chatid.empty()) return reply(api, k_chatid_required, "chatid required");
  json* room = store.find(k_platform, "id", chatid);
  if (!room) return reply(api, k_chatid_unknown, "chatid not found");
  const std::string type = string_field(body, "msgtype");
  if (type != "text" && type != "markdown") return reply(api, k_invalid_msgtype, "invalid message type");
  const std::string content = body.contains(type) ? string_field(body[type], "content") : "";
  if (content.empty()) return reply(api, k_empty_content, "empty content");
  if (content.size() > k_content_max) return reply(api, k_content_too_long, "content size out of limit");
  add_message(*room, body, request);
  return reply(api, 0, "ok");
}

}  // namespace

}  // namespace wecom

CallResult handle_wecom(RoomStore& store, const json& config, const SbRequest& request, std::string_view rest) {
  using namespace wecom;
  const std::string& method = request.method;
  if (rest == "/cgi-bin/gettoken" && method == "GET") return get_token(store, config, request);
  std::string api;
  if (rest == "/cgi-bin/appchat/create" && method == "POST") api = "appchat.create";
  else if (rest == "/cgi-bin/appchat/update" && method == "POST") api = "appchat.update";
  else if (rest == "/cgi-bin/appchat/get" && method == "GET") api = "appchat.get";
  else if (rest == "/cgi-bin/appchat/send" && method == "POST") api = "appchat.send";
  else return {plain_text(404, "404 Not Found"), method + " " + std::string(rest), "not_found"};
  if (auto refused = refuse_token(store, request, api)) return *refused;
  if (api == "appchat.get") return get_chat(store, request);
  auto body = json_object(request.body);
  if (!body) return reply(api, k_data_format, "data format error, Warning: wrong json format.");
  if (api == "appchat.create") return create_chat(store, *body);
  if (api == "appchat.update") return update_chat(store, *body);
  return send_message(store, request, *body);
}

}  // namespace sandbox::rooms
