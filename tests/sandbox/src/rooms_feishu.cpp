// Feishu/Lark IM v1 group chats (reference §6; open.feishu.cn server docs and their error
// tables). Answers are {"code":0,"msg":...,"data":{...}}; errors {"code":N,"msg":...} with
// HTTP 400, except the token endpoint, which answers HTTP 200 with code != 0.
//
//   POST /open-apis/auth/v3/tenant_access_token/internal {app_id, app_secret}
//        -> {"code":0,"msg":"ok","tenant_access_token":"t-…","expire":s}; 10003 "invalid param"
//        (unknown or missing app_id, HTTP 200), 10014 "app secret invalid" (HTTP 200
//        [unverified status])
//   any other call: no "Authorization: Bearer …" -> 99991661, unknown or expired token ->
//        99991663 (both HTTP 400); an unknown path or method -> 404 text "404 page not found"
//   POST   /open-apis/im/v1/chats?user_id_type=&uuid=   create: 232001 bad parameter,
//          232042 public chat without a name, 232020 public name under 2 characters,
//          232030 unknown owner_id, 232043 an unavailable id in user_id_list (the whole create
//          fails); a repeated uuid answers the chat it created before
//   POST   /open-apis/im/v1/chats/{chat_id}/members?member_id_type=&succeed_type=
//          {id_list} -> data.invalid_id_list (unknown users), data.not_existed_id_list (ids not
//          shaped like the id type); succeed_type 0 or 2 with such ids fails with 232043
//          [unverified number for this call]; 232015 unknown member_id_type, 232006 unknown
//          chat, 232009 disbanded chat
//   PUT    /open-apis/im/v1/chats/{chat_id} {name, description, owner_id}: 232006, 232009,
//          232030 unknown owner, 232012 new owner not in the chat
//   DELETE /open-apis/im/v1/chats/{chat_id}: 232006, 232009
//   POST   /open-apis/im/v1/messages?receive_id_type=chat_id {receive_id, msg_type, content}
//          -> data.message_id: 99992402 a required field missing or content not a string,
//          230001 content not JSON, a msg_type or receive_id_type not emulated, or an unknown
//          chat; 230002 a disbanded chat (the bot is no longer in it) [unverified number];
//          230025 content over 150 KB (text) or 30 KB (post, card)
#include <algorithm>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "jira_util.hpp"
#include "rooms_internal.hpp"

namespace sandbox::rooms {

namespace feishu {

namespace {

constexpr std::string_view k_platform = "feishu";
constexpr std::size_t k_create_users_max = 50;
constexpr std::size_t k_text_content_max = 150 * 1024;
constexpr std::size_t k_rich_content_max = 30 * 1024;

constexpr int k_invalid_param_token = 10003;
constexpr int k_app_secret_invalid = 10014;
constexpr int k_token_missing = 99991661;
constexpr int k_token_invalid = 99991663;
constexpr int k_field_validation = 99992402;
constexpr int k_chat_param = 232001;
constexpr int k_chat_id_invalid = 232006;
constexpr int k_chat_disbanded = 232009;
constexpr int k_new_owner_outside = 232012;
constexpr int k_member_id_type = 232015;
constexpr int k_public_name_short = 232020;
constexpr int k_user_id_invalid = 232030;
constexpr int k_public_name_empty = 232042;
constexpr int k_unavailable_ids = 232043;
constexpr int k_message_param = 230001;
constexpr int k_bot_outside = 230002;
constexpr int k_content_too_long = 230025;

CallResult fail(std::string api, int status, int code, std::string msg) {
  return {SbResponse::json(status, {{"code", code}, {"msg", std::move(msg)}}), std::move(api), std::to_string(code)};
}

CallResult success(std::string api, json data) {
  return {SbResponse::json(200, {{"code", 0}, {"msg", "success"}, {"data", std::move(data)}}), std::move(api), {}};
}

// A chat as the chat APIs describe it.
json chat_json(const json& room) {
  return {{"chat_id", room["id"]},
          {"avatar", ""},
          {"name", room["name"]},
          {"description", room["description"]},
          {"i18n_names", json::object()},
          {"owner_id", room["owner_id"]},
          {"owner_id_type", room["owner_id"] == "" ? "" : "open_id"},
          {"chat_mode", room["chat_mode"]},
          {"chat_type", room["chat_type"]},
          {"chat_tag", "inner"},
          {"external", false},
          {"tenant_key", "sandbox"},
          {"add_member_permission", "all_members"},
          {"share_card_permission", "allowed"},
          {"at_all_permission", "all_members"},
          {"edit_permission", "all_members"},
          {"join_message_visibility", "all_members"},
          {"leave_message_visibility", "all_members"},
          {"membership_approval", "no_approval_required"},
          {"moderation_permission", "all_members"}};
}

// Whether `id` is shaped like an id of `type` (open_id "ou_…", union_id "on_…"; user_id any).
bool well_formed(const std::string& id, const std::string& type) {
  if (id.empty()) return false;
  if (type == "open_id") return id.starts_with("ou_");
  if (type == "union_id") return id.starts_with("on_");
  return true;
}

bool known_id_type(const std::string& type) { return type == "open_id" || type == "user_id" || type == "union_id"; }

CallResult token(RoomStore& store, const json& config, const SbRequest& request) {
  const std::string api = "auth.v3.tenant_access_token.internal";
  auto body = json_object(request.body);
  const std::string app_id = body ? string_field(*body, "app_id") : "";
  const std::string secret = body ? string_field(*body, "app_secret") : "";
  if (app_id.empty() || secret.empty() || app_id != string_field(config, "app_id")) {
    return fail(api, 200, k_invalid_param_token, "invalid param");
  }
  if (secret != string_field(config, "app_secret")) return fail(api, 200, k_app_secret_invalid, "app secret invalid");
  auto [issued, left] = store.issue_token(k_platform, "t-", 40, request.now);
  return {SbResponse::json(200, {{"code", 0}, {"msg", "ok"}, {"tenant_access_token", issued}, {"expire", left}}), api, {}};
}

// The tenant token check every call but the token endpoint makes: nothing when it passes.
std::optional<CallResult> refuse_token(const RoomStore& store, const SbRequest& request, const std::string& api) {
  const std::string auth = header(request, "authorization");
  if (auth.size() <= 7 || to_lower(auth.substr(0, 7)) != "bearer ") {
    return fail(api, 400, k_token_missing, "Missing access token for authorization. Please make a request with token attached.");
  }
  if (store.check_token(k_platform, auth.substr(7), request.now) != TokenState::Valid) {
    return fail(api, 400, k_token_invalid, "Invalid access token for authorization. Please make a request with token attached.");
  }
  return std::nullopt;
}

// The strings of a JSON array field; nothing when the field is present and not such an array.
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

CallResult create_chat(RoomStore& store, const json& config, const SbRequest& request) {
  const std::string api = "im.v1.chat.create";
  const std::string id_type = request.param("user_id_type").value_or("open_id");
  if (!known_id_type(id_type)) return fail(api, 400, k_chat_param, "invalid user_id_type");
  const std::string uuid = request.param("uuid").value_or("");
  if (!uuid.empty()) {
    if (json* earlier = store.find(k_platform, "uuid", uuid)) return success(api, chat_json(*earlier));
  }
  auto body = request.body.empty() ? std::optional<json>(json::object()) : json_object(request.body);
  if (!body) return fail(api, 400, k_chat_param, "request body is not a JSON object");
  auto users = string_list(*body, "user_id_list");
  if (!users) return fail(api, 400, k_chat_param, "user_id_list must be a list of ids");
  if (users->size() > k_create_users_max) return fail(api, 400, k_chat_param, "user_id_list holds more than 50 ids");
  const std::string chat_type = body->contains("chat_type") ? string_field(*body, "chat_type") : "private";
  const std::string chat_mode = body->contains("chat_mode") ? string_field(*body, "chat_mode") : "group";
  if (chat_type != "private" && chat_type != "public") return fail(api, 400, k_chat_param, "invalid chat_type");
  if (chat_mode != "group" && chat_mode != "topic") return fail(api, 400, k_chat_param, "invalid chat_mode");
  const std::string name = string_field(*body, "name");
  if (chat_type == "public" && name.empty()) return fail(api, 400, k_public_name_empty, "Public group chat's name should not be empty.");
  if (chat_type == "public" && utf8_length(name) < 2) {
    return fail(api, 400, k_public_name_short, "Name can NOT be less than two characters for public chats.");
  }
  const std::string owner = string_field(*body, "owner_id");
  if (!owner.empty() && !store.is_user(k_platform, owner)) {
    return fail(api, 400, k_user_id_invalid, "Your request specifies a user_id which is invalid.");
  }
  for (const auto& user : *users) {
    if (!store.is_user(k_platform, user)) return fail(api, 400, k_unavailable_ids, "Your request contains unavailable ids.");
  }
  json members = json::array();
  if (!owner.empty()) members.push_back(owner);
  for (const auto& user : *users)
    if (std::find(members.begin(), members.end(), json(user)) == members.end()) members.push_back(user);
  json& room = store.add_room({{"platform", k_platform},
                               {"id", store.new_room_id(k_platform, "oc_", 32, k_hex)},
                               {"name", name},
                               {"description", string_field(*body, "description")},
                               {"owner", owner.empty() ? string_field(config, "app_id") : owner},
                               {"owner_id", owner},
                               {"members", members},
                               {"chat_type", chat_type},
                               {"chat_mode", chat_mode},
                               {"disbanded", false},
                               {"uuid", uuid}});
  return success(api, chat_json(room));
}

// The chat a path names, or the error for a missing or disbanded one.
std::expected<json*, CallResult> live_chat(RoomStore& store, const std::string& chat_id, const std::string& api) {
  json* room = store.find(k_platform, "id", chat_id);
  if (!room) return std::unexpected(fail(api, 400, k_chat_id_invalid, "Your request specifies a chat_id which is invalid."));
  if ((*room)["disbanded"].get<bool>()) {
    return std::unexpected(fail(api, 400, k_chat_disbanded, "Your request specifies a chat which has already been dissolved."));
  }
  return room;
}

CallResult add_members(RoomStore& store, const SbRequest& request, const std::string& chat_id) {
  const std::string api = "im.v1.chat.members.create";
  auto room = live_chat(store, chat_id, api);
  if (!room) return room.error();
  const std::string id_type = request.param("member_id_type").value_or("open_id");
  if (!known_id_type(id_type) && id_type != "app_id") {
    return fail(api, 400, k_member_id_type, "Your request specifies a member_id_type which is NOT supported.");
  }
  const std::string succeed_type = request.param("succeed_type").value_or("0");
  auto body = json_object(request.body);
  auto ids = body ? string_list(*body, "id_list") : std::nullopt;
  if (!ids || ids->empty()) return fail(api, 400, k_chat_param, "id_list must be a non-empty list of ids");
  json invalid = json::array(), not_existed = json::array();
  std::vector<std::string> accepted;
  for (const auto& id : *ids) {
    if (!well_formed(id, id_type)) not_existed.push_back(id);
    else if (!store.is_user(k_platform, id)) invalid.push_back(id);
    else accepted.push_back(id);
  }
  if ((!invalid.empty() || !not_existed.empty()) && succeed_type != "1") {
    return {SbResponse::json(400, {{"code", k_unavailable_ids},
                                   {"msg", "Your request contains unavailable ids."},
                                   {"data", {{"invalid_id_list", invalid}, {"not_existed_id_list", not_existed}}}}),
            api, std::to_string(k_unavailable_ids)};
  }
  for (const auto& id : accepted) add_member(**room, id);
  return success(api, {{"invalid_id_list", invalid}, {"not_existed_id_list", not_existed}, {"pending_approval_id_list", json::array()}});
}

CallResult update_chat(RoomStore& store, const SbRequest& request, const std::string& chat_id) {
  const std::string api = "im.v1.chat.update";
  auto room = live_chat(store, chat_id, api);
  if (!room) return room.error();
  auto body = json_object(request.body);
  if (!body) return fail(api, 400, k_chat_param, "request body is not a JSON object");
  for (const char* key : {"name", "description", "owner_id"}) {
    if (body->contains(key) && !(*body)[key].is_string()) return fail(api, 400, k_chat_param, std::string(key) + " must be a string");
  }
  const std::string owner = string_field(*body, "owner_id");
  if (!owner.empty()) {
    if (!store.is_user(k_platform, owner)) return fail(api, 400, k_user_id_invalid, "Your request specifies a user_id which is invalid.");
    if (!has_member(**room, owner)) return fail(api, 400, k_new_owner_outside, "New chat owner can NOT be out of the chat.");
    (**room)["owner"] = owner;
    (**room)["owner_id"] = owner;
  }
  if (body->contains("name")) (**room)["name"] = (*body)["name"];
  if (body->contains("description")) (**room)["description"] = (*body)["description"];
  return success(api, json::object());
}

CallResult disband_chat(RoomStore& store, const std::string& chat_id) {
  const std::string api = "im.v1.chat.delete";
  auto room = live_chat(store, chat_id, api);
  if (!room) return room.error();
  (**room)["disbanded"] = true;
  return success(api, json::object());
}

// The problem with a message's content for its msg_type, or "" when it is fine.
std::string content_problem(const std::string& msg_type, const json& content) {
  if (!content.is_object()) return "content must be a JSON object";
  if (msg_type == "text") {
    if (string_field(content, "text").empty()) return "text content needs a non-empty \"text\"";
  } else if (msg_type == "post") {
    const json& post = content.contains("post") ? content["post"] : content;
    if (!post.is_object() || post.empty()) return "post content needs a language block (zh_cn, en_us, ...)";
    for (const auto& [lang, block] : post.items()) {
      if (!block.is_object() || !block.contains("content") || !block["content"].is_array()) {
        return "post content " + lang + " needs \"content\", a list of paragraphs";
      }
    }
  } else if (content.empty()) {
    return "a card needs elements or a template";
  }
  return {};
}

CallResult send_message(RoomStore& store, const json& config, const SbRequest& request) {
  const std::string api = "im.v1.message.create";
  auto invalid = [&](const std::string& why) { return fail(api, 400, k_message_param, "Your request contains an invalid request parameter: " + why); };
  const auto receive_type = request.param("receive_id_type");
  if (!receive_type || receive_type->empty()) return fail(api, 400, k_field_validation, "field validation failed: receive_id_type is required");
  if (*receive_type != "chat_id") return invalid("only receive_id_type=chat_id is emulated");
  auto body = json_object(request.body);
  if (!body) return invalid("request body is not a JSON object");
  for (const char* key : {"receive_id", "msg_type", "content"}) {
    if (!body->contains(key) || !(*body)[key].is_string()) {
      return fail(api, 400, k_field_validation, std::string("field validation failed: ") + key + " must be a string");
    }
  }
  const std::string msg_type = string_field(*body, "msg_type");
  if (msg_type != "text" && msg_type != "post" && msg_type != "interactive") return invalid("msg_type " + msg_type + " is not emulated");
  const std::string content_text = string_field(*body, "content");
  if (content_text.size() > (msg_type == "text" ? k_text_content_max : k_rich_content_max)) {
    return fail(api, 400, k_content_too_long, "The length of the message content reaches its limit.");
  }
  json content = json::parse(content_text, nullptr, false);
  if (content.is_discarded()) return invalid("content is not valid JSON");
  if (auto problem = content_problem(msg_type, content); !problem.empty()) return invalid(problem);
  json* room = store.find(k_platform, "id", string_field(*body, "receive_id"));
  if (!room) return invalid("receive_id is not a chat the bot knows");
  if ((*room)["disbanded"].get<bool>()) return fail(api, 400, k_bot_outside, "The bot can not be outside the group.");
  const std::string message_id = "om_" + store.random_text(32, k_hex);
  add_message(*room, *body, request);
  const std::string at = std::to_string(epoch_ms(request.now));
  return success(api, {{"message_id", message_id},
                       {"root_id", ""},
                       {"parent_id", ""},
                       {"msg_type", msg_type},
                       {"create_time", at},
                       {"update_time", at},
                       {"deleted", false},
                       {"updated", false},
                       {"chat_id", (*room)["id"]},
                       {"sender", {{"id", string_field(config, "app_id")}, {"id_type", "app_id"}, {"sender_type", "app"}, {"tenant_key", "sandbox"}}},
                       {"body", {{"content", content_text}}}});
}

}  // namespace

}  // namespace feishu

CallResult handle_feishu(RoomStore& store, const json& config, const SbRequest& request, std::string_view rest) {
  using namespace feishu;
  const std::vector<std::string> parts = split_path(rest);
  const std::string& method = request.method;
  auto is = [&](std::initializer_list<std::string_view> want) {
    return parts.size() == want.size() && std::equal(want.begin(), want.end(), parts.begin(),
                                                     [](std::string_view w, const std::string& p) { return w == "*" || w == p; });
  };
  if (method == "POST" && is({"open-apis", "auth", "v3", "tenant_access_token", "internal"})) return token(store, config, request);
  std::string api;
  if (method == "POST" && is({"open-apis", "im", "v1", "chats"})) api = "im.v1.chat.create";
  else if (method == "POST" && is({"open-apis", "im", "v1", "chats", "*", "members"})) api = "im.v1.chat.members.create";
  else if (method == "PUT" && is({"open-apis", "im", "v1", "chats", "*"})) api = "im.v1.chat.update";
  else if (method == "DELETE" && is({"open-apis", "im", "v1", "chats", "*"})) api = "im.v1.chat.delete";
  else if (method == "POST" && is({"open-apis", "im", "v1", "messages"})) api = "im.v1.message.create";
  else return {plain_text(404, "404 page not found"), method + " " + std::string(rest), "not_found"};
  if (auto refused = refuse_token(store, request, api)) return *refused;
  if (api == "im.v1.chat.create") return create_chat(store, config, request);
  if (api == "im.v1.chat.members.create") return add_members(store, request, parts[4]);
  if (api == "im.v1.chat.update") return update_chat(store, request, parts[4]);
  if (api == "im.v1.chat.delete") return disband_chat(store, parts[4]);
  return send_message(store, config, request);
}

}  // namespace sandbox::rooms
