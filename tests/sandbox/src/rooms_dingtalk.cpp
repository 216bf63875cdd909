// DingTalk scene groups and app-robot group messages (reference §7; open.dingtalk.com server
// docs, and probes of the real hosts published with public clients). Two hosts:
//
// Legacy host /rooms/dingtalk/oapi (oapi.dingtalk.com): always HTTP 200 with
// {"errcode":N,"errmsg":...,"request_id":...}, 0 = ok.
//   GET  /gettoken?appkey=&appsecret= -> {"errcode":0,"errmsg":"ok","access_token","expires_in"}:
//        40035 a parameter missing, 40096 "不合法的appKey或appSecret"
//   the topapi calls take ?access_token= (or an access_token form field): missing -> errcode 88
//        with sub_code "40000" (access_token is blank); unknown or expired -> 88 with sub_code
//        "40014" (不合法的access_token)
//   POST /topapi/im/chat/scenegroup/create {title, template_id, owner_user_id, user_ids,
//        subadmin_ids, uuid} -> {"result":{"open_conversation_id","chat_id"},"success":true}:
//        40035 a required field missing or more than 999 ids, 665036 unknown template_id
//        [number documented for template/apply], 660041 unknown owner or user [number
//        documented for member/add]; a repeated uuid answers the group it created before
//   POST /topapi/im/chat/scenegroup/member/add {open_conversation_id, user_ids} -> success:
//        40035 unknown group, no user_ids or more than 100, 660041 unknown user
//   an unknown topapi path -> errcode 22 (Invalid method)
//
// New host /rooms/dingtalk/api (api.dingtalk.com): header x-acs-dingtalk-access-token; errors
// are HTTP 400 {"code":"...","message":"...","requestid":"..."}.
//   POST /v1.0/robot/groupMessages/send {robotCode, openConversationId, msgKey, msgParam}
//        -> {"processQueryKey"}: AuthenticationFailed.MissingParameter (no token header),
//        InvalidAuthentication (unknown or expired token), invalidParameter.robotCode.empty,
//        invalidParameter.robotCode.notExsit, invalid.openConversationId,
//        invalidParameter.msgKey.empty, invalidParameter.msgKey.invalid (only sampleText and
//        sampleMarkdown are emulated), invalidParameter.msgParam.invalid (not JSON, or without
//        content / title+text), invalidParameter.msgParam.tooLong (over 15,000 bytes
//        [unverified code name]), invalidParameter.param.invalid (body not a JSON object)
//   an unknown path -> 404 InvalidAction.NotFound [unverified]
// DingTalk documents no topic and no disband for these groups; neither is emulated.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "jira_util.hpp"
#include "rooms_internal.hpp"

namespace sandbox::rooms {

namespace dingtalk {

namespace {

constexpr std::string_view k_platform = "dingtalk";
constexpr std::size_t k_create_users_max = 999;
constexpr std::size_t k_add_users_max = 100;
constexpr std::size_t k_msg_param_max = 15000;

constexpr int k_auth_wrapped = 88;
constexpr int k_missing_param = 40035;
constexpr int k_bad_app_credentials = 40096;
constexpr int k_invalid_method = 22;
constexpr int k_template_missing = 665036;
constexpr int k_user_missing = 660041;

std::string request_id(RoomStore& store) { return store.random_text(12, "0123456789abcdefghijklmnopqrstuvwxyz"); }

// A legacy answer: HTTP 200, errcode 0 or the error.
CallResult legacy(RoomStore& store, std::string api, int errcode, std::string errmsg, json extra = json::object()) {
  extra["errcode"] = errcode;
  extra["errmsg"] = std::move(errmsg);
  extra["request_id"] = request_id(store);
  return {SbResponse::json(200, extra), std::move(api), errcode == 0 ? "" : std::to_string(errcode)};
}

// A legacy auth failure: errcode 88 with the reason in sub_code/sub_msg (recorded as sub_code).
CallResult legacy_auth(RoomStore& store, std::string api, const std::string& sub_code, const std::string& sub_msg) {
  CallResult r = legacy(store, std::move(api), k_auth_wrapped, fmt::format("ding talk error[subcode={},submsg={}]", sub_code, sub_msg),
                        {{"sub_code", sub_code}, {"sub_msg", sub_msg}});
  r.error = sub_code;
  return r;
}

// A new-host error: HTTP `status` with code, message and requestid.
CallResult modern_error(RoomStore& store, std::string api, int status, const std::string& code, const std::string& message) {
  return {SbResponse::json(status, {{"code", code}, {"message", message}, {"requestid", store.random_text(32, k_upper_alnum)}}),
          std::move(api), code};
}

// A legacy body: JSON, or a form.
json legacy_body(const SbRequest& request) {
  if (auto body = json_object(request.body)) return *body;
  return form_fields(request.body);
}

// A list of user ids given as a comma string or a JSON array, each once; nothing when it is
// neither.
std::optional<std::vector<std::string>> id_list(const json& body, const char* key) {
  std::vector<std::string> out;
  auto add = [&](const std::string& id) {
    if (!id.empty() && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return out;
  if (it->is_string()) {
    for (const auto& id : split_list(it->get<std::string>(), ',')) add(id);
  } else if (it->is_array()) {
    for (const auto& id : *it) {
      if (!id.is_string()) return std::nullopt;
      add(id.get<std::string>());
    }
  } else {
    return std::nullopt;
  }
  return out;
}

CallResult get_token(RoomStore& store, const json& config, const SbRequest& request) {
  const std::string api = "gettoken";
  const std::string key = request.param("appkey").value_or("");
  const std::string secret = request.param("appsecret").value_or("");
  if (key.empty() || secret.empty()) return legacy(store, api, k_missing_param, "缺少参数 corpid or appkey");
  if (key != string_field(config, "appkey") || secret != string_field(config, "appsecret")) {
    return legacy(store, api, k_bad_app_credentials, "不合法的appKey或appSecret");
  }
  auto [token, left] = store.issue_token(k_platform, "", 32, request.now);
  return legacy(store, api, 0, "ok", {{"access_token", token}, {"expires_in", left}});
}

// The legacy token check: nothing when the access_token passes.
std::optional<CallResult> refuse_legacy_token(RoomStore& store, const SbRequest& request, const json& body, const std::string& api) {
  std::string token = request.param("access_token").value_or("");
  if (token.empty()) token = string_field(body, "access_token");
  if (token.empty()) return legacy_auth(store, api, "40000", "access_token is blank");
  if (store.check_token(k_platform, token, request.now) != TokenState::Valid) {
    return legacy_auth(store, api, "40014", "不合法的access_token");
  }
  return std::nullopt;
}

// The result a scene group's create answers.
json group_result(const json& room) {
  return {{"open_conversation_id", room["id"]}, {"chat_id", room["chat_id"]}};
}

CallResult create_group(RoomStore& store, const json& config, const json& body) {
  const std::string api = "im.chat.scenegroup.create";
  const std::string title = string_field(body, "title");
  const std::string template_id = string_field(body, "template_id");
  const std::string owner = string_field(body, "owner_user_id");
  if (title.empty() || template_id.empty() || owner.empty()) {
    return legacy(store, api, k_missing_param, "不合法的参数: title, template_id and owner_user_id are required");
  }
  const std::string uuid = string_field(body, "uuid");
  if (!uuid.empty()) {
    if (json* earlier = store.find(k_platform, "uuid", uuid)) return legacy(store, api, 0, "ok", {{"result", group_result(*earlier)}, {"success", true}});
  }
  auto users = id_list(body, "user_ids");
  auto subadmins = id_list(body, "subadmin_ids");
  if (!users || !subadmins || users->size() > k_create_users_max || subadmins->size() > k_create_users_max) {
    return legacy(store, api, k_missing_param, "不合法的参数: user_ids and subadmin_ids are lists of at most 999 userids");
  }
  if (template_id != string_field(config, "template_id")) return legacy(store, api, k_template_missing, "群模板不存在或停用");
  std::vector<std::string> everyone{owner};
  for (const auto* list : {&*users, &*subadmins})
    for (const auto& id : *list)
      if (std::find(everyone.begin(), everyone.end(), id) == everyone.end()) everyone.push_back(id);
  for (const auto& id : everyone)
    if (!store.is_user(k_platform, id)) return legacy(store, api, k_user_missing, "员工不存在");
  std::string id;
  do {
    id = "cid" + store.random_text(22, k_alnum) + "==";
  } while (store.find(k_platform, "id", id));
  json& room = store.add_room({{"platform", k_platform},
                               {"id", id},
                               {"chat_id", "chat" + store.random_text(32, k_hex)},
                               {"name", title},
                               {"owner", owner},
                               {"members", everyone},
                               {"subadmins", *subadmins},
                               {"template_id", template_id},
                               {"uuid", uuid}});
  return legacy(store, api, 0, "ok", {{"result", group_result(room)}, {"success", true}});
}

CallResult add_members(RoomStore& store, const json& body) {
  const std::string api = "im.chat.scenegroup.member.add";
  json* room = store.find(k_platform, "id", string_field(body, "open_conversation_id"));
  auto users = id_list(body, "user_ids");
  if (!room || !users || users->empty() || users->size() > k_add_users_max) {
    return legacy(store, api, k_missing_param, "不合法的参数");
  }
  for (const auto& id : *users)
    if (!store.is_user(k_platform, id)) return legacy(store, api, k_user_missing, "员工不存在");
  for (const auto& id : *users) add_member(*room, id);
  return legacy(store, api, 0, "ok", {{"success", true}});
}

// The problem with a robot message's msgParam for its msgKey, or "" when it is fine.
std::string msg_param_problem(const std::string& key, const json& param) {
  if (!param.is_object()) return "msgParam must be a JSON object";
  if (key == "sampleText" && string_field(param, "content").empty()) return "sampleText needs content";
  if (key == "sampleMarkdown" && (string_field(param, "title").empty() || string_field(param, "text").empty())) {
    return "sampleMarkdown needs title and text";
  }
  return {};
}

CallResult send_group_message(RoomStore& store, const json& config, const SbRequest& request) {
  const std::string api = "robot.groupMessages.send";
  const std::string token = header(request, "x-acs-dingtalk-access-token");
  if (token.empty()) {
    return modern_error(store, api, 400, "AuthenticationFailed.MissingParameter", "缺少参数：x-acs-dingtalk-access-token");
  }
  if (store.check_token(k_platform, token, request.now) != TokenState::Valid) {
    return modern_error(store, api, 400, "InvalidAuthentication", "不合法的access_token");
  }
  auto body = json_object(request.body);
  if (!body) return modern_error(store, api, 400, "invalidParameter.param.invalid", "参数不合法: the body is not a JSON object");
  const std::string robot = string_field(*body, "robotCode");
  if (robot.empty()) return modern_error(store, api, 400, "invalidParameter.robotCode.empty", "机器人robotCode为空");
  if (robot != string_field(config, "robot_code")) {
    return modern_error(store, api, 400, "invalidParameter.robotCode.notExsit", "机器人不存在");
  }
  json* room = store.find(k_platform, "id", string_field(*body, "openConversationId"));
  if (!room) return modern_error(store, api, 400, "invalid.openConversationId", "无效的openConversationId");
  const std::string key = string_field(*body, "msgKey");
  if (key.empty()) return modern_error(store, api, 400, "invalidParameter.msgKey.empty", "缺少msgKey");
  if (key != "sampleText" && key != "sampleMarkdown") {
    return modern_error(store, api, 400, "invalidParameter.msgKey.invalid", "无效的msgKey: only sampleText and sampleMarkdown are emulated");
  }
  if (!body->contains("msgParam") || !(*body)["msgParam"].is_string()) {
    return modern_error(store, api, 400, "invalidParameter.msgParam.invalid", "msgParam必须是JSON格式的字符串");
  }
  const std::string text = string_field(*body, "msgParam");
  if (text.size() > k_msg_param_max) {
    return modern_error(store, api, 400, "invalidParameter.msgParam.tooLong", "msgParam超过15000字节");
  }
  json param = json::parse(text, nullptr, false);
  if (param.is_discarded()) return modern_error(store, api, 400, "invalidParameter.msgParam.invalid", "msgParam必须是JSON格式");
  if (auto problem = msg_param_problem(key, param); !problem.empty()) {
    return modern_error(store, api, 400, "invalidParameter.msgParam.invalid", "msgParam不合法: " + problem);
  }
  add_message(*room, *body, request);
  return {SbResponse::json(200, {{"processQueryKey", store.random_text(43, k_alnum) + "="}}), api, {}};
}

CallResult legacy_host(RoomStore& store, const json& config, const SbRequest& request, std::string_view path) {
  if (path == "/gettoken") return get_token(store, config, request);
  const json body = legacy_body(request);
  std::string api;
  if (path == "/topapi/im/chat/scenegroup/create") api = "im.chat.scenegroup.create";
  else if (path == "/topapi/im/chat/scenegroup/member/add") api = "im.chat.scenegroup.member.add";
  else if (path.starts_with("/topapi/")) {
    std::string name = "dingtalk.oapi";
    for (const auto& part : split_path(path.substr(std::string_view("/topapi").size()))) name += "." + part;
    const std::string why = "不合法ApiName，ApiName = " + name;
    return legacy(store, std::string(path), k_invalid_method, "Invalid method[submsg=" + why + "]", {{"sub_msg", why}});
  } else {
    return legacy(store, std::string(path), 404, "请求的URI地址不存在");
  }
  if (auto refused = refuse_legacy_token(store, request, body, api)) return *refused;
  if (api == "im.chat.scenegroup.create") return create_group(store, config, body);
  return add_members(store, body);
}

}  // namespace

}  // namespace dingtalk

CallResult handle_dingtalk(RoomStore& store, const json& config, const SbRequest& request, std::string_view rest) {
  using namespace dingtalk;
  constexpr std::string_view k_legacy = "/oapi";
  if (rest.starts_with(std::string(k_legacy) + "/")) return legacy_host(store, config, request, rest.substr(k_legacy.size()));
  if (rest == "/api/v1.0/robot/groupMessages/send" && request.method == "POST") return send_group_message(store, config, request);
  return modern_error(store, request.method + " " + std::string(rest), 404, "InvalidAction.NotFound",
                      "Specified api is not found, please check your url and method.");
}

}  // namespace sandbox::rooms
