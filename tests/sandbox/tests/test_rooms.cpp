// The chat platforms' group APIs: per platform the happy path (token, create, invite, topic,
// post, archive or disband) and its capture, auth failures, create dedupe, names and lengths,
// unknown users, posting to a closed room; then the capture, state, the server's routing and a
// fault rule on one platform.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "read_only.hpp"
#include "rooms.hpp"
#include "test_server_support.hpp"

namespace {

using nlohmann::json;
using sandbox::SbRequest;
using sandbox::SbResponse;
using Query = std::vector<std::pair<std::string, std::string>>;

constexpr const char* k_seed = R"json({"rooms": {
  "slack": {"token": "test-slack-bot-token", "bot_user": "UBOT", "users": ["U1", "U2", "U3"]},
  "feishu": {"app_id": "cli_test", "app_secret": "fs-secret", "users": ["ou_1", "ou_2", "ou_3"]},
  "dingtalk": {"appkey": "dingkey", "appsecret": "ding-secret", "template_id": "tpl-1",
               "robot_code": "dingrobot", "users": ["u1", "u2", "u3"]},
  "wecom": {"corpid": "ww1", "corpsecret": "wc-secret", "users": ["w1", "w2", "w3"]}}})json";

// A fixed sandbox clock: 2026-11-25T12:00:00Z.
std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1'795'608'000));
}

SbRequest request(const std::string& method, const std::string& path, const Query& query = {}) {
  SbRequest r;
  r.method = method;
  r.path = path;
  for (const auto& [key, value] : query) r.query.emplace(key, value);
  r.base_url = "http://127.0.0.1:1";
  return r;
}

SbRequest with_json(SbRequest r, const json& body) {
  r.body = body.dump();
  r.headers["content-type"] = "application/json; charset=utf-8";
  return r;
}

// The rooms service on the test seed, with a sandbox clock that tests can move.
class Rooms {
public:
  Rooms() : m_service(sandbox::make_rooms_service()) { m_service->load_seed(json::parse(k_seed)); }

  sandbox::Service& service() { return *m_service; }
  void advance(std::chrono::seconds by) { m_now += by; }

  SbResponse send(SbRequest r) {
    r.now = m_now;
    auto res = m_service->handle(r);
    REQUIRE(res.has_value());
    return *res;
  }
  // Status and body (parsed when it is JSON).
  std::pair<int, json> call(SbRequest r) {
    SbResponse res = send(std::move(r));
    json body = json::parse(res.body, nullptr, false);
    return {res.status, body.is_discarded() ? json(res.body) : body};
  }
  json capture(const std::string& platform = "") {
    return call(request("GET", "/_sandbox/rooms", platform.empty() ? Query{} : Query{{"platform", platform}})).second;
  }

  // ---- Slack: POST /rooms/slack/api/<method> with JSON arguments and a bearer token.
  json slack(const std::string& method, const json& args, const std::string& token = "test-slack-bot-token") {
    SbRequest r = with_json(request("POST", "/rooms/slack/api/" + method), args);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    auto [status, body] = call(r);
    CHECK(status == 200);
    return body;
  }
  std::string slack_channel(const std::string& name) {
    json created = slack("conversations.create", {{"name", name}});
    REQUIRE(created["ok"] == true);
    return created["channel"]["id"].get<std::string>();
  }

  // ---- Feishu.
  std::string feishu_token() {
    auto [status, body] = call(with_json(request("POST", "/rooms/feishu/open-apis/auth/v3/tenant_access_token/internal"),
                                         {{"app_id", "cli_test"}, {"app_secret", "fs-secret"}}));
    REQUIRE(status == 200);
    REQUIRE(body["code"] == 0);
    return body["tenant_access_token"].get<std::string>();
  }
  std::pair<int, json> feishu(const std::string& method, const std::string& path, const std::string& token,
                              const Query& query = {}, const json& body = nullptr) {
    SbRequest r = request(method, "/rooms/feishu" + path, query);
    if (!body.is_null()) r = with_json(r, body);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return call(r);
  }
  std::string feishu_chat(const std::string& token, const json& body, const Query& query = {{"user_id_type", "open_id"}}) {
    auto [status, created] = feishu("POST", "/open-apis/im/v1/chats", token, query, body);
    REQUIRE(status == 200);
    REQUIRE(created["code"] == 0);
    return created["data"]["chat_id"].get<std::string>();
  }
  std::pair<int, json> feishu_text(const std::string& token, const std::string& chat_id, const std::string& text) {
    return feishu("POST", "/open-apis/im/v1/messages", token, {{"receive_id_type", "chat_id"}},
                  {{"receive_id", chat_id}, {"msg_type", "text"}, {"content", json{{"text", text}}.dump()}});
  }

  // ---- DingTalk.
  std::string dingtalk_token() {
    auto [status, body] = call(request("GET", "/rooms/dingtalk/oapi/gettoken", {{"appkey", "dingkey"}, {"appsecret", "ding-secret"}}));
    REQUIRE(status == 200);
    REQUIRE(body["errcode"] == 0);
    return body["access_token"].get<std::string>();
  }
  json dingtalk(const std::string& topapi, const std::string& token, const json& body) {
    Query query;
    if (!token.empty()) query.emplace_back("access_token", token);
    auto [status, answer] = call(with_json(request("POST", "/rooms/dingtalk/oapi/topapi/" + topapi, query), body));
    CHECK(status == 200);
    return answer;
  }
  std::pair<int, json> dingtalk_send(const std::string& token, const json& body) {
    SbRequest r = with_json(request("POST", "/rooms/dingtalk/api/v1.0/robot/groupMessages/send"), body);
    if (!token.empty()) r.headers["x-acs-dingtalk-access-token"] = token;
    return call(r);
  }

  // ---- WeCom.
  std::string wecom_token() {
    auto [status, body] = call(request("GET", "/rooms/wecom/cgi-bin/gettoken", {{"corpid", "ww1"}, {"corpsecret", "wc-secret"}}));
    REQUIRE(status == 200);
    REQUIRE(body["errcode"] == 0);
    return body["access_token"].get<std::string>();
  }
  json wecom(const std::string& method, const std::string& path, const std::string& token, const json& body = nullptr,
             Query query = {}) {
    if (!token.empty()) query.emplace_back("access_token", token);
    SbRequest r = request(method, "/rooms/wecom/cgi-bin/" + path, query);
    if (!body.is_null()) r = with_json(r, body);
    auto [status, answer] = call(r);
    CHECK(status == 200);
    return answer;
  }

private:
  std::unique_ptr<sandbox::Service> m_service;
  std::chrono::system_clock::time_point m_now = fixed_now();
};

// The APIs of the recorded calls, oldest first.
std::vector<std::string> apis(const json& capture) {
  std::vector<std::string> out;
  for (const auto& c : capture["calls"]) out.push_back(c["api"].get<std::string>());
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------------ routing

TEST_CASE("rooms leave other paths alone and answer 404 for a platform the seed lacks", "[sandbox][rooms]") {
  Rooms rooms;
  CHECK_FALSE(rooms.service().handle(request("POST", "/hooks/slack/ops")).has_value());
  CHECK_FALSE(rooms.service().handle(request("GET", "/_sandbox/messages")).has_value());

  auto only_slack = sandbox::make_rooms_service();
  only_slack->load_seed(json{{"rooms", {{"slack", {{"token", "t"}, {"bot_user", "UB"}, {"users", json::array()}}}}}});
  SbRequest wecom = request("GET", "/rooms/wecom/cgi-bin/gettoken", {{"corpid", "ww1"}, {"corpsecret", "x"}});
  CHECK(only_slack->handle(wecom)->status == 404);
  CHECK(only_slack->handle(request("POST", "/rooms/teams/api/x"))->status == 404);
  SbRequest capture = request("GET", "/_sandbox/rooms");
  json calls = json::parse(only_slack->handle(capture)->body)["calls"];
  REQUIRE(calls.size() == 2);
  CHECK(calls[0]["platform"] == "wecom");
  CHECK(calls[0]["ok"] == false);
  CHECK(calls[0]["status"] == 404);
}

// -------------------------------------------------------------------------------------- Slack

TEST_CASE("slack: create, invite, set the topic, post and archive, all in the capture", "[sandbox][rooms][slack]") {
  Rooms rooms;
  json created = rooms.slack("conversations.create", {{"name", "inc-fault-42"}, {"is_private", false}});
  REQUIRE(created["ok"] == true);
  const json& channel = created["channel"];
  const std::string id = channel["id"].get<std::string>();
  CHECK(std::regex_match(id, std::regex("C[0-9A-Z]{10}")));
  CHECK(channel["name"] == "inc-fault-42");
  CHECK(channel["is_private"] == false);
  CHECK(channel["is_archived"] == false);
  CHECK(channel["created"] == 1'795'608'000);
  CHECK(channel["topic"]["value"] == "");

  json invited = rooms.slack("conversations.invite", {{"channel", id}, {"users", "U1,U2"}});
  CHECK(invited["ok"] == true);
  CHECK_FALSE(invited.contains("errors"));
  CHECK(invited["channel"]["id"] == id);

  json topic = rooms.slack("conversations.setTopic", {{"channel", id}, {"topic", "FAULT-42: payments down"}});
  CHECK(topic["ok"] == true);
  CHECK(topic["channel"]["topic"]["value"] == "FAULT-42: payments down");

  json blocks = json::array({{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "*FAULT-42*"}}}}});
  json posted = rooms.slack("chat.postMessage", {{"channel", id}, {"text", "FAULT-42 opened"}, {"blocks", blocks}, {"unfurl_links", false}});
  REQUIRE(posted["ok"] == true);
  CHECK(posted["channel"] == id);
  CHECK(std::regex_match(posted["ts"].get<std::string>(), std::regex("1795608000\\.[0-9]{6}")));
  CHECK(posted["message"]["text"] == "FAULT-42 opened");
  CHECK(posted["message"]["user"] == "UBOT");
  CHECK(posted["message"]["blocks"] == blocks);
  json second = rooms.slack("chat.postMessage", {{"channel", "#inc-fault-42"}, {"text", "update"}});
  REQUIRE(second["ok"] == true);
  CHECK(second["ts"].get<std::string>() > posted["ts"].get<std::string>());

  CHECK(rooms.slack("conversations.archive", {{"channel", id}}) == json{{"ok", true}});

  json capture = rooms.capture("slack");
  REQUIRE(capture["rooms"].size() == 1);
  const json& room = capture["rooms"][0];
  CHECK(room["platform"] == "slack");
  CHECK(room["id"] == id);
  CHECK(room["name"] == "inc-fault-42");
  CHECK(room["topic"] == "FAULT-42: payments down");
  CHECK(room["owner"] == "UBOT");
  CHECK(room["members"] == json::array({"UBOT", "U1", "U2"}));
  CHECK(room["archived"] == true);
  REQUIRE(room["messages"].size() == 2);
  CHECK(room["messages"][0]["body"]["text"] == "FAULT-42 opened");
  CHECK(room["messages"][0]["body"]["blocks"] == blocks);
  CHECK(room["messages"][0]["at"] == 1'795'608'000'000);
  CHECK(apis(capture) == std::vector<std::string>{"conversations.create", "conversations.invite", "conversations.setTopic",
                                                  "chat.postMessage", "chat.postMessage", "conversations.archive"});
  for (const auto& c : capture["calls"]) {
    CHECK(c["ok"] == true);
    CHECK(c["error"] == "");
  }
}

TEST_CASE("slack reads form bodies and query arguments as well as JSON", "[sandbox][rooms][slack]") {
  Rooms rooms;
  SbRequest form = request("POST", "/rooms/slack/api/conversations.create");
  form.headers["content-type"] = "application/x-www-form-urlencoded";
  form.headers["authorization"] = "Bearer test-slack-bot-token";
  form.body = "name=inc%2Dform_1&is_private=true";
  json created = rooms.call(form).second;
  REQUIRE(created["ok"] == true);
  CHECK(created["channel"]["name"] == "inc-form_1");
  CHECK(created["channel"]["is_private"] == true);

  // The form's token argument stands for the header.
  SbRequest post = request("POST", "/rooms/slack/api/chat.postMessage");
  post.headers["content-type"] = "application/x-www-form-urlencoded";
  post.body = "token=test-slack-bot-token&channel=" + created["channel"]["id"].get<std::string>() + "&text=hello+there";
  json posted = rooms.call(post).second;
  CHECK(posted["ok"] == true);
  CHECK(posted["message"]["text"] == "hello there");

  SbRequest list = request("GET", "/rooms/slack/api/conversations.list", {{"types", "private_channel"}});
  list.headers["authorization"] = "Bearer test-slack-bot-token";
  json listed = rooms.call(list).second;
  REQUIRE(listed["ok"] == true);
  REQUIRE(listed["channels"].size() == 1);
  CHECK(listed["channels"][0]["name"] == "inc-form_1");

  SbRequest broken = with_json(request("POST", "/rooms/slack/api/conversations.create"), json::object());
  broken.headers["authorization"] = "Bearer test-slack-bot-token";
  broken.body = "{not json";
  CHECK(rooms.call(broken).second["error"] == "invalid_json");
  broken.body = "[1]";
  CHECK(rooms.call(broken).second["error"] == "json_not_object");
}

TEST_CASE("slack refuses a missing or wrong token and an unknown method", "[sandbox][rooms][slack]") {
  Rooms rooms;
  json missing = rooms.slack("conversations.create", {{"name", "inc-1"}}, "");
  CHECK(missing == json{{"ok", false}, {"error", "not_authed"}});
  CHECK(rooms.slack("conversations.create", {{"name", "inc-1"}}, "wrong-slack-bot-token")["error"] == "invalid_auth");
  auto [status, unknown] = rooms.call(with_json(request("POST", "/rooms/slack/api/conversations.kick"), json::object()));
  CHECK(status == 404);
  CHECK(unknown["error"] == "unknown_method");
  json capture = rooms.capture();
  CHECK(capture["rooms"].empty());
  REQUIRE(capture["calls"].size() == 3);
  CHECK(capture["calls"][0]["error"] == "not_authed");
  CHECK(capture["calls"][1]["error"] == "invalid_auth");
  CHECK(capture["calls"][2]["ok"] == false);
}

TEST_CASE("slack checks channel names and refuses a name taken, archived or not", "[sandbox][rooms][slack]") {
  Rooms rooms;
  CHECK(rooms.slack("conversations.create", json::object())["error"] == "invalid_name_required");
  CHECK(rooms.slack("conversations.create", {{"name", ""}})["error"] == "invalid_name_required");
  CHECK(rooms.slack("conversations.create", {{"name", std::string(81, 'a')}})["error"] == "invalid_name_maxlength");
  CHECK(rooms.slack("conversations.create", {{"name", std::string(80, 'a')}})["ok"] == true);
  CHECK(rooms.slack("conversations.create", {{"name", "Inc-1"}})["error"] == "invalid_name_specials");
  CHECK(rooms.slack("conversations.create", {{"name", "inc 1"}})["error"] == "invalid_name_specials");
  CHECK(rooms.slack("conversations.create", {{"name", "inc.1"}})["error"] == "invalid_name_specials");
  CHECK(rooms.slack("conversations.create", {{"name", "-_-"}})["error"] == "invalid_name_punctuation");
  CHECK(rooms.slack("conversations.create", {{"name", "inc_2-b"}})["ok"] == true);

  const std::string id = rooms.slack_channel("inc-7");
  CHECK(rooms.slack("conversations.create", {{"name", "inc-7"}})["error"] == "name_taken");
  REQUIRE(rooms.slack("conversations.archive", {{"channel", id}})["ok"] == true);
  CHECK(rooms.slack("conversations.create", {{"name", "inc-7"}})["error"] == "name_taken");
  CHECK(rooms.capture("slack")["rooms"].size() == 3);
}

TEST_CASE("slack invites: one unknown user fails the call unless force is set", "[sandbox][rooms][slack]") {
  Rooms rooms;
  const std::string id = rooms.slack_channel("inc-9");

  json strict = rooms.slack("conversations.invite", {{"channel", id}, {"users", "U1,U9"}});
  CHECK(strict["ok"] == false);
  CHECK(strict["error"] == "user_not_found");
  CHECK(strict["errors"] == json::array({{{"user", "U9"}, {"ok", false}, {"error", "user_not_found"}}}));
  CHECK(rooms.capture("slack")["rooms"][0]["members"] == json::array({"UBOT"}));

  json forced = rooms.slack("conversations.invite", {{"channel", id}, {"users", "U1,U9,UBOT"}, {"force", true}});
  CHECK(forced["ok"] == true);
  CHECK(forced["channel"]["id"] == id);
  CHECK(forced["errors"] == json::array({{{"user", "U9"}, {"ok", false}, {"error", "user_not_found"}},
                                         {{"user", "UBOT"}, {"ok", false}, {"error", "cant_invite_self"}}}));
  CHECK(rooms.capture("slack")["rooms"][0]["members"] == json::array({"UBOT", "U1"}));

  CHECK(rooms.slack("conversations.invite", {{"channel", id}, {"users", "U1"}})["error"] == "already_in_channel");
  CHECK(rooms.slack("conversations.invite", {{"channel", id}, {"users", "UBOT"}})["error"] == "cant_invite_self");
  CHECK(rooms.slack("conversations.invite", {{"channel", id}, {"users", "U9"}, {"force", true}})["error"] == "user_not_found");
  CHECK(rooms.slack("conversations.invite", {{"channel", "C0000000000"}, {"users", "U2"}})["error"] == "channel_not_found");
  CHECK(rooms.slack("conversations.invite", {{"channel", id}, {"users", ""}})["error"] == "no_user");
  std::string many;
  for (int i = 0; i < 1001; ++i) many += (i ? ",U" : "U") + std::to_string(1000 + i);
  CHECK(rooms.slack("conversations.invite", {{"channel", id}, {"users", many}})["error"] == "too_many_users");
}

TEST_CASE("slack refuses topics and messages too long, empty messages and writes to an archived channel",
          "[sandbox][rooms][slack]") {
  Rooms rooms;
  const std::string id = rooms.slack_channel("inc-11");
  CHECK(rooms.slack("conversations.setTopic", {{"channel", id}, {"topic", std::string(251, 't')}})["error"] == "too_long");
  CHECK(rooms.slack("conversations.setTopic", {{"channel", id}, {"topic", std::string(250, 't')}})["ok"] == true);
  CHECK(rooms.slack("chat.postMessage", {{"channel", id}})["error"] == "no_text");
  CHECK(rooms.slack("chat.postMessage", {{"channel", id}, {"text", ""}, {"blocks", json::array()}})["error"] == "no_text");
  CHECK(rooms.slack("chat.postMessage", {{"channel", id}, {"text", std::string(40001, 'x')}})["error"] == "msg_too_long");
  CHECK(rooms.slack("chat.postMessage", {{"channel", id}, {"text", std::string(40000, 'x')}})["ok"] == true);
  CHECK(rooms.slack("chat.postMessage", {{"channel", "C0000000000"}, {"text", "x"}})["error"] == "channel_not_found");

  REQUIRE(rooms.slack("conversations.archive", {{"channel", id}})["ok"] == true);
  CHECK(rooms.slack("chat.postMessage", {{"channel", id}, {"text", "late"}})["error"] == "is_archived");
  CHECK(rooms.slack("conversations.setTopic", {{"channel", id}, {"topic", "x"}})["error"] == "is_archived");
  CHECK(rooms.slack("conversations.invite", {{"channel", id}, {"users", "U1"}})["error"] == "is_archived");
  CHECK(rooms.slack("conversations.archive", {{"channel", id}})["error"] == "already_archived");
  CHECK(rooms.capture("slack")["rooms"][0]["messages"].size() == 1);
}

TEST_CASE("slack lists channels a page at a time with next_cursor", "[sandbox][rooms][slack]") {
  Rooms rooms;
  for (const char* name : {"inc-a", "inc-b", "inc-c"}) rooms.slack_channel(name);
  REQUIRE(rooms.slack("conversations.create", {{"name", "inc-secret"}, {"is_private", true}})["ok"] == true);
  REQUIRE(rooms.slack("conversations.archive", {{"channel", rooms.capture("slack")["rooms"][1]["id"]}})["ok"] == true);

  json first = rooms.slack("conversations.list", {{"limit", 2}});
  REQUIRE(first["ok"] == true);
  REQUIRE(first["channels"].size() == 2);
  CHECK(first["channels"][0]["name"] == "inc-a");
  const std::string cursor = first["response_metadata"]["next_cursor"].get<std::string>();
  CHECK_FALSE(cursor.empty());
  json second = rooms.slack("conversations.list", {{"limit", 2}, {"cursor", cursor}});
  REQUIRE(second["channels"].size() == 1);
  CHECK(second["channels"][0]["name"] == "inc-c");
  CHECK(second["response_metadata"]["next_cursor"] == "");

  json open = rooms.slack("conversations.list", {{"exclude_archived", true}, {"types", "public_channel,private_channel"}});
  std::vector<std::string> names;
  for (const auto& c : open["channels"]) names.push_back(c["name"].get<std::string>());
  CHECK(names == std::vector<std::string>{"inc-a", "inc-c", "inc-secret"});
  CHECK(rooms.slack("conversations.list", {{"types", "private_channel"}})["channels"].size() == 1);
  CHECK(rooms.slack("conversations.list", {{"types", "public_channel,bogus"}})["error"] == "invalid_types");
  CHECK(rooms.slack("conversations.list", {{"cursor", "bm9wZQ=="}})["error"] == "invalid_cursor");
  CHECK(rooms.slack("conversations.list", {{"limit", "ten"}})["error"] == "invalid_limit");
}

// ------------------------------------------------------------------------------------- Feishu

TEST_CASE("feishu: token, create, add members, update, send and disband, all in the capture", "[sandbox][rooms][feishu]") {
  Rooms rooms;
  auto [status, minted] = rooms.call(with_json(request("POST", "/rooms/feishu/open-apis/auth/v3/tenant_access_token/internal"),
                                                {{"app_id", "cli_test"}, {"app_secret", "fs-secret"}}));
  REQUIRE(status == 200);
  CHECK(minted["code"] == 0);
  CHECK(minted["msg"] == "ok");
  CHECK(minted["expire"] == 7200);
  const std::string token = minted["tenant_access_token"].get<std::string>();
  CHECK(std::regex_match(token, std::regex("t-[0-9a-f]{40}")));
  CHECK(rooms.feishu_token() == token);  // still valid for more than 30 minutes: the same token

  auto [created_status, created] = rooms.feishu(
      "POST", "/open-apis/im/v1/chats", token, {{"user_id_type", "open_id"}, {"uuid", "fault-42"}},
      {{"name", "FAULT-42 payments"}, {"description", "Response room"}, {"user_id_list", {"ou_1"}}, {"chat_mode", "group"},
       {"chat_type", "private"}});
  REQUIRE(created_status == 200);
  REQUIRE(created["code"] == 0);
  const std::string chat = created["data"]["chat_id"].get<std::string>();
  CHECK(std::regex_match(chat, std::regex("oc_[0-9a-f]{32}")));
  CHECK(created["data"]["name"] == "FAULT-42 payments");
  CHECK(created["data"]["description"] == "Response room");

  auto [added_status, added] = rooms.feishu("POST", "/open-apis/im/v1/chats/" + chat + "/members", token,
                                            {{"member_id_type", "open_id"}, {"succeed_type", "1"}}, {{"id_list", {"ou_2", "ou_3"}}});
  CHECK(added_status == 200);
  CHECK(added["data"]["invalid_id_list"] == json::array());
  CHECK(added["data"]["not_existed_id_list"] == json::array());

  auto [updated_status, updated] =
      rooms.feishu("PUT", "/open-apis/im/v1/chats/" + chat, token, {}, {{"description", "Recovered at 12:30"}});
  CHECK(updated_status == 200);
  CHECK(updated["code"] == 0);

  auto [sent_status, sent] = rooms.feishu_text(token, chat, "FAULT-42 opened");
  REQUIRE(sent_status == 200);
  CHECK(std::regex_match(sent["data"]["message_id"].get<std::string>(), std::regex("om_[0-9a-f]{32}")));
  CHECK(sent["data"]["chat_id"] == chat);
  json post = {{"zh_cn", {{"title", "FAULT-42"}, {"content", json::array({json::array({{{"tag", "text"}, {"text", "down"}}})})}}}};
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/messages", token, {{"receive_id_type", "chat_id"}},
                     {{"receive_id", chat}, {"msg_type", "post"}, {"content", post.dump()}})
            .second["code"] == 0);
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/messages", token, {{"receive_id_type", "chat_id"}},
                     {{"receive_id", chat}, {"msg_type", "interactive"}, {"content", json{{"elements", json::array()}}.dump()}})
            .second["code"] == 0);

  auto [deleted_status, deleted] = rooms.feishu("DELETE", "/open-apis/im/v1/chats/" + chat, token);
  CHECK(deleted_status == 200);
  CHECK(deleted == json{{"code", 0}, {"msg", "success"}, {"data", json::object()}});

  json capture = rooms.capture("feishu");
  REQUIRE(capture["rooms"].size() == 1);
  const json& room = capture["rooms"][0];
  CHECK(room["id"] == chat);
  CHECK(room["name"] == "FAULT-42 payments");
  CHECK(room["description"] == "Recovered at 12:30");
  CHECK(room["members"] == json::array({"ou_1", "ou_2", "ou_3"}));
  CHECK(room["owner"] == "cli_test");
  CHECK(room["uuid"] == "fault-42");
  CHECK(room["disbanded"] == true);
  REQUIRE(room["messages"].size() == 3);
  CHECK(room["messages"][0]["body"]["content"] == R"({"text":"FAULT-42 opened"})");
  CHECK(apis(capture) == std::vector<std::string>{"auth.v3.tenant_access_token.internal", "auth.v3.tenant_access_token.internal",
                                                  "im.v1.chat.create", "im.v1.chat.members.create", "im.v1.chat.update",
                                                  "im.v1.message.create", "im.v1.message.create", "im.v1.message.create",
                                                  "im.v1.chat.delete"});
}

TEST_CASE("feishu refuses wrong app credentials and missing, forged or expired tokens", "[sandbox][rooms][feishu]") {
  Rooms rooms;
  const std::string path = "/rooms/feishu/open-apis/auth/v3/tenant_access_token/internal";
  auto [secret_status, secret] = rooms.call(with_json(request("POST", path), {{"app_id", "cli_test"}, {"app_secret", "nope"}}));
  CHECK(secret_status == 200);
  CHECK(secret["code"] == 10014);
  auto [app_status, app] = rooms.call(with_json(request("POST", path), {{"app_id", "cli_other"}, {"app_secret", "fs-secret"}}));
  CHECK(app_status == 200);
  CHECK(app["code"] == 10003);

  auto [missing_status, missing] = rooms.feishu("POST", "/open-apis/im/v1/chats", "", {}, {{"name", "x"}});
  CHECK(missing_status == 400);
  CHECK(missing["code"] == 99991661);
  auto [forged_status, forged] = rooms.feishu("POST", "/open-apis/im/v1/chats", "t-forged", {}, {{"name", "x"}});
  CHECK(forged_status == 400);
  CHECK(forged["code"] == 99991663);

  const std::string token = rooms.feishu_token();
  rooms.advance(std::chrono::seconds(7201));
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/chats", token, {}, {{"name", "x"}}).second["code"] == 99991663);
  CHECK(rooms.feishu_token() != token);

  auto [unknown_status, unknown] = rooms.feishu("GET", "/open-apis/im/v1/chats/oc_x/announcement", rooms.feishu_token());
  CHECK(unknown_status == 404);
  CHECK(unknown == "404 page not found");
  CHECK(rooms.capture("feishu")["rooms"].empty());
}

TEST_CASE("feishu dedupes a create's uuid and refuses unavailable users", "[sandbox][rooms][feishu]") {
  Rooms rooms;
  const std::string token = rooms.feishu_token();
  const Query with_uuid{{"user_id_type", "open_id"}, {"uuid", "fault-7"}};
  const std::string chat = rooms.feishu_chat(token, {{"name", "FAULT-7"}}, with_uuid);
  CHECK(rooms.feishu_chat(token, {{"name", "FAULT-7 again"}}, with_uuid) == chat);
  CHECK(rooms.feishu_chat(token, {{"name", "FAULT-7"}}) != chat);
  CHECK(rooms.capture("feishu")["rooms"].size() == 2);

  auto [refused_status, refused] =
      rooms.feishu("POST", "/open-apis/im/v1/chats", token, {}, {{"name", "FAULT-8"}, {"user_id_list", {"ou_1", "ou_9"}}});
  CHECK(refused_status == 400);
  CHECK(refused["code"] == 232043);
  CHECK(rooms.capture("feishu")["rooms"].size() == 2);
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/chats", token, {}, {{"name", "F"}, {"chat_type", "public"}}).second["code"] == 232020);
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/chats", token, {}, {{"chat_type", "public"}}).second["code"] == 232042);
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/chats", token, {}, {{"owner_id", "ou_9"}}).second["code"] == 232030);

  const std::string members = "/open-apis/im/v1/chats/" + chat + "/members";
  auto [lenient_status, lenient] = rooms.feishu("POST", members, token, {{"member_id_type", "open_id"}, {"succeed_type", "1"}},
                                                {{"id_list", {"ou_2", "ou_9", "someone"}}});
  CHECK(lenient_status == 200);
  CHECK(lenient["data"]["invalid_id_list"] == json::array({"ou_9"}));
  CHECK(lenient["data"]["not_existed_id_list"] == json::array({"someone"}));
  auto [strict_status, strict] = rooms.feishu("POST", members, token, {{"member_id_type", "open_id"}}, {{"id_list", {"ou_3", "ou_9"}}});
  CHECK(strict_status == 400);
  CHECK(strict["code"] == 232043);
  CHECK(strict["data"]["invalid_id_list"] == json::array({"ou_9"}));
  CHECK(rooms.capture("feishu")["rooms"][0]["members"] == json::array({"ou_2"}));
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/chats/oc_missing/members", token, {}, {{"id_list", {"ou_1"}}}).second["code"] == 232006);
}

TEST_CASE("feishu checks message content and refuses a disbanded chat", "[sandbox][rooms][feishu]") {
  Rooms rooms;
  const std::string token = rooms.feishu_token();
  const std::string chat = rooms.feishu_chat(token, {{"name", "FAULT-9"}});
  const Query to_chat{{"receive_id_type", "chat_id"}};
  auto send = [&](const json& body) { return rooms.feishu("POST", "/open-apis/im/v1/messages", token, to_chat, body); };

  auto [object_status, object] = send({{"receive_id", chat}, {"msg_type", "text"}, {"content", {{"text", "hi"}}}});
  CHECK(object_status == 400);
  CHECK(object["code"] == 99992402);
  CHECK(send({{"receive_id", chat}, {"msg_type", "text"}, {"content", "{not json"}}).second["code"] == 230001);
  CHECK(send({{"receive_id", chat}, {"msg_type", "text"}, {"content", R"({"text":""})"}}).second["code"] == 230001);
  CHECK(send({{"receive_id", chat}, {"msg_type", "sticker"}, {"content", "{}"}}).second["code"] == 230001);
  CHECK(send({{"receive_id", "oc_missing"}, {"msg_type", "text"}, {"content", R"({"text":"x"})"}}).second["code"] == 230001);
  CHECK(send({{"receive_id", chat}, {"msg_type", "text"}}).second["code"] == 99992402);
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/messages", token, {},
                     {{"receive_id", chat}, {"msg_type", "text"}, {"content", R"({"text":"x"})"}})
            .second["code"] == 99992402);
  const std::string big = json{{"text", std::string(150 * 1024, 'x')}}.dump();
  CHECK(send({{"receive_id", chat}, {"msg_type", "text"}, {"content", big}}).second["code"] == 230025);
  CHECK(rooms.feishu_text(token, chat, "still open").second["code"] == 0);

  REQUIRE(rooms.feishu("DELETE", "/open-apis/im/v1/chats/" + chat, token).second["code"] == 0);
  auto [late_status, late] = rooms.feishu_text(token, chat, "too late");
  CHECK(late_status == 400);
  CHECK(late["code"] == 230002);
  CHECK(rooms.feishu("DELETE", "/open-apis/im/v1/chats/" + chat, token).second["code"] == 232009);
  CHECK(rooms.feishu("PUT", "/open-apis/im/v1/chats/" + chat, token, {}, {{"name", "x"}}).second["code"] == 232009);
  CHECK(rooms.feishu("POST", "/open-apis/im/v1/chats/" + chat + "/members", token, {}, {{"id_list", {"ou_1"}}}).second["code"] == 232009);
  CHECK(rooms.feishu("DELETE", "/open-apis/im/v1/chats/oc_missing", token).second["code"] == 232006);
  CHECK(rooms.capture("feishu")["rooms"][0]["messages"].size() == 1);
}

// ----------------------------------------------------------------------------------- DingTalk

TEST_CASE("dingtalk: token, scene group, members and robot messages, all in the capture", "[sandbox][rooms][dingtalk]") {
  Rooms rooms;
  auto [status, minted] =
      rooms.call(request("GET", "/rooms/dingtalk/oapi/gettoken", {{"appkey", "dingkey"}, {"appsecret", "ding-secret"}}));
  REQUIRE(status == 200);
  CHECK(minted["errcode"] == 0);
  CHECK(minted["errmsg"] == "ok");
  CHECK(minted["expires_in"] == 7200);
  const std::string token = minted["access_token"].get<std::string>();
  CHECK(rooms.dingtalk_token() == token);

  json created = rooms.dingtalk("im/chat/scenegroup/create", token,
                                {{"title", "FAULT-42 payments"}, {"template_id", "tpl-1"}, {"owner_user_id", "u1"},
                                 {"user_ids", "u1,u2"}, {"subadmin_ids", "u2"}, {"uuid", "fault-42"}});
  REQUIRE(created["errcode"] == 0);
  CHECK(created["success"] == true);
  CHECK(created["request_id"].is_string());
  const std::string group = created["result"]["open_conversation_id"].get<std::string>();
  CHECK(group.starts_with("cid"));
  CHECK(created["result"]["chat_id"].get<std::string>().starts_with("chat"));

  json added = rooms.dingtalk("im/chat/scenegroup/member/add", token, {{"open_conversation_id", group}, {"user_ids", "u3"}});
  CHECK(added["errcode"] == 0);
  CHECK(added["success"] == true);

  json text{{"robotCode", "dingrobot"}, {"openConversationId", group}, {"msgKey", "sampleText"},
            {"msgParam", json{{"content", "FAULT-42 opened"}}.dump()}};
  auto [sent_status, sent] = rooms.dingtalk_send(token, text);
  REQUIRE(sent_status == 200);
  CHECK(sent["processQueryKey"].is_string());
  json markdown{{"robotCode", "dingrobot"}, {"openConversationId", group}, {"msgKey", "sampleMarkdown"},
                {"msgParam", json{{"title", "FAULT-42"}, {"text", "**down**"}}.dump()}};
  CHECK(rooms.dingtalk_send(token, markdown).first == 200);

  json capture = rooms.capture("dingtalk");
  REQUIRE(capture["rooms"].size() == 1);
  const json& room = capture["rooms"][0];
  CHECK(room["id"] == group);
  CHECK(room["name"] == "FAULT-42 payments");
  CHECK(room["owner"] == "u1");
  CHECK(room["members"] == json::array({"u1", "u2", "u3"}));
  CHECK(room["uuid"] == "fault-42");
  REQUIRE(room["messages"].size() == 2);
  CHECK(room["messages"][0]["body"] == text);
  CHECK(apis(capture) == std::vector<std::string>{"gettoken", "gettoken", "im.chat.scenegroup.create",
                                                  "im.chat.scenegroup.member.add", "robot.groupMessages.send",
                                                  "robot.groupMessages.send"});
}

TEST_CASE("dingtalk refuses wrong app credentials and bad tokens on both hosts", "[sandbox][rooms][dingtalk]") {
  Rooms rooms;
  auto wrong = rooms.call(request("GET", "/rooms/dingtalk/oapi/gettoken", {{"appkey", "dingkey"}, {"appsecret", "x"}}));
  CHECK(wrong.first == 200);
  CHECK(wrong.second["errcode"] == 40096);
  CHECK(rooms.call(request("GET", "/rooms/dingtalk/oapi/gettoken", {{"appkey", "dingkey"}})).second["errcode"] == 40035);

  json create{{"title", "x"}, {"template_id", "tpl-1"}, {"owner_user_id", "u1"}};
  json blank = rooms.dingtalk("im/chat/scenegroup/create", "", create);
  CHECK(blank["errcode"] == 88);
  CHECK(blank["sub_code"] == "40000");
  json forged = rooms.dingtalk("im/chat/scenegroup/create", "forged", create);
  CHECK(forged["errcode"] == 88);
  CHECK(forged["sub_code"] == "40014");

  auto [no_header_status, no_header] = rooms.dingtalk_send("", {{"robotCode", "dingrobot"}});
  CHECK(no_header_status == 400);
  CHECK(no_header["code"] == "AuthenticationFailed.MissingParameter");
  CHECK(no_header["requestid"].is_string());
  auto [bad_status, bad] = rooms.dingtalk_send("forged", {{"robotCode", "dingrobot"}});
  CHECK(bad_status == 400);
  CHECK(bad["code"] == "InvalidAuthentication");

  const std::string token = rooms.dingtalk_token();
  rooms.advance(std::chrono::seconds(7200));
  CHECK(rooms.dingtalk("im/chat/scenegroup/create", token, create)["sub_code"] == "40014");
  CHECK(rooms.dingtalk_send(token, {{"robotCode", "dingrobot"}}).second["code"] == "InvalidAuthentication");
  CHECK(rooms.capture("dingtalk")["rooms"].empty());
}

TEST_CASE("dingtalk dedupes a create's uuid and checks template, users and messages", "[sandbox][rooms][dingtalk]") {
  Rooms rooms;
  const std::string token = rooms.dingtalk_token();
  json create{{"title", "FAULT-7"}, {"template_id", "tpl-1"}, {"owner_user_id", "u1"}, {"user_ids", json::array({"u2"})},
              {"uuid", "fault-7"}};
  json first = rooms.dingtalk("im/chat/scenegroup/create", token, create);
  REQUIRE(first["errcode"] == 0);
  json again = rooms.dingtalk("im/chat/scenegroup/create", token, create);
  CHECK(again["result"] == first["result"]);
  CHECK(rooms.capture("dingtalk")["rooms"].size() == 1);

  json other = create;
  other.erase("uuid");
  other["template_id"] = "tpl-x";
  CHECK(rooms.dingtalk("im/chat/scenegroup/create", token, other)["errcode"] == 665036);
  other["template_id"] = "tpl-1";
  other["owner_user_id"] = "u9";
  CHECK(rooms.dingtalk("im/chat/scenegroup/create", token, other)["errcode"] == 660041);
  other["owner_user_id"] = "u1";
  other["user_ids"] = "u2,u9";
  CHECK(rooms.dingtalk("im/chat/scenegroup/create", token, other)["errcode"] == 660041);
  other.erase("title");
  CHECK(rooms.dingtalk("im/chat/scenegroup/create", token, other)["errcode"] == 40035);
  CHECK(rooms.capture("dingtalk")["rooms"].size() == 1);

  const std::string group = first["result"]["open_conversation_id"].get<std::string>();
  CHECK(rooms.dingtalk("im/chat/scenegroup/member/add", token, {{"open_conversation_id", group}, {"user_ids", "u3,u9"}})["errcode"] == 660041);
  CHECK(rooms.dingtalk("im/chat/scenegroup/member/add", token, {{"open_conversation_id", "cidnope=="}, {"user_ids", "u3"}})["errcode"] == 40035);
  CHECK(rooms.capture("dingtalk")["rooms"][0]["members"] == json::array({"u1", "u2"}));
  CHECK(rooms.dingtalk("im/chat/scenegroup/disband", token, {{"open_conversation_id", group}})["errcode"] == 22);

  json message{{"robotCode", "dingrobot"}, {"openConversationId", group}, {"msgKey", "sampleText"}, {"msgParam", R"({"content":"x"})"}};
  auto send_code = [&](const json& changes) {
    json body = message;
    body.update(changes);
    auto [status, answer] = rooms.dingtalk_send(token, body);
    CHECK(status == 400);
    return answer["code"].get<std::string>();
  };
  CHECK(send_code({{"robotCode", "other"}}) == "invalidParameter.robotCode.notExsit");
  CHECK(send_code({{"robotCode", ""}}) == "invalidParameter.robotCode.empty");
  CHECK(send_code({{"openConversationId", "cidnope=="}}) == "invalid.openConversationId");
  CHECK(send_code({{"msgKey", ""}}) == "invalidParameter.msgKey.empty");
  CHECK(send_code({{"msgKey", "sampleLink"}}) == "invalidParameter.msgKey.invalid");
  CHECK(send_code({{"msgParam", "{not json"}}) == "invalidParameter.msgParam.invalid");
  CHECK(send_code({{"msgParam", R"({"title":"only"})"}, {"msgKey", "sampleMarkdown"}}) == "invalidParameter.msgParam.invalid");
  CHECK(send_code({{"msgParam", json{{"content", std::string(15000, 'x')}}.dump()}}) == "invalidParameter.msgParam.tooLong");
  CHECK(rooms.capture("dingtalk")["rooms"][0]["messages"].empty());
}

// -------------------------------------------------------------------------------------- WeCom

TEST_CASE("wecom: token, create, update, get and send, all in the capture", "[sandbox][rooms][wecom]") {
  Rooms rooms;
  auto [status, minted] = rooms.call(request("GET", "/rooms/wecom/cgi-bin/gettoken", {{"corpid", "ww1"}, {"corpsecret", "wc-secret"}}));
  REQUIRE(status == 200);
  CHECK(minted["errcode"] == 0);
  CHECK(minted["expires_in"] == 7200);
  const std::string token = minted["access_token"].get<std::string>();

  const std::string long_name = "FAULT-42 " + std::string(30, 'x') + "支付中断支付中断支付中断支付中断支付中断";  // 59 characters
  json created = rooms.wecom("POST", "appchat/create", token,
                             {{"name", long_name}, {"owner", "w1"}, {"userlist", {"w1", "w2"}}, {"chatid", "fault42"}});
  REQUIRE(created["errcode"] == 0);
  CHECK(created["chatid"] == "fault42");
  json generated = rooms.wecom("POST", "appchat/create", token, {{"name", "other"}, {"userlist", {"w2", "w3"}}});
  REQUIRE(generated["errcode"] == 0);
  CHECK(std::regex_match(generated["chatid"].get<std::string>(), std::regex("[0-9a-zA-Z]{1,32}")));

  CHECK(rooms.wecom("POST", "appchat/update", token, {{"chatid", "fault42"}, {"add_user_list", {"w3"}}})["errcode"] == 0);
  json info = rooms.wecom("GET", "appchat/get", token, nullptr, {{"chatid", "fault42"}});
  REQUIRE(info["errcode"] == 0);
  CHECK(info["chat_info"]["chatid"] == "fault42");
  CHECK(info["chat_info"]["owner"] == "w1");
  CHECK(info["chat_info"]["userlist"] == json::array({"w1", "w2", "w3"}));
  CHECK(info["chat_info"]["chat_type"] == 0);
  CHECK(info["chat_info"]["name"] == "FAULT-42 " + std::string(30, 'x') + "支付中断支付中断支付中");

  json text{{"chatid", "fault42"}, {"msgtype", "text"}, {"text", {{"content", "FAULT-42 opened"}}}, {"safe", 0}};
  CHECK(rooms.wecom("POST", "appchat/send", token, text) == json{{"errcode", 0}, {"errmsg", "ok"}});
  CHECK(rooms.wecom("POST", "appchat/send", token,
                    {{"chatid", "fault42"}, {"msgtype", "markdown"}, {"markdown", {{"content", "**FAULT-42**"}}}})["errcode"] == 0);

  json capture = rooms.capture("wecom");
  REQUIRE(capture["rooms"].size() == 2);
  const json& room = capture["rooms"][0];
  CHECK(room["id"] == "fault42");
  CHECK(room["chatid"] == "fault42");
  CHECK(room["owner"] == "w1");
  CHECK(room["members"] == json::array({"w1", "w2", "w3"}));
  REQUIRE(room["messages"].size() == 2);
  CHECK(room["messages"][0]["body"] == text);
  CHECK(capture["rooms"][1]["owner"] == "w2");
  CHECK(apis(capture) == std::vector<std::string>{"gettoken", "appchat.create", "appchat.create", "appchat.update",
                                                  "appchat.get", "appchat.send", "appchat.send"});
}

TEST_CASE("wecom refuses wrong credentials and missing, forged or expired tokens", "[sandbox][rooms][wecom]") {
  Rooms rooms;
  auto token_code = [&](const Query& query) { return rooms.call(request("GET", "/rooms/wecom/cgi-bin/gettoken", query)).second["errcode"]; };
  CHECK(token_code({{"corpid", "ww1"}, {"corpsecret", "nope"}}) == 40001);
  CHECK(token_code({{"corpid", "ww2"}, {"corpsecret", "wc-secret"}}) == 40013);
  CHECK(token_code({{"corpsecret", "wc-secret"}}) == 41002);
  CHECK(token_code({{"corpid", "ww1"}}) == 41004);

  json create{{"userlist", {"w1", "w2"}}};
  CHECK(rooms.wecom("POST", "appchat/create", "", create)["errcode"] == 41001);
  json forged = rooms.wecom("POST", "appchat/create", "forged", create);
  CHECK(forged["errcode"] == 40014);
  CHECK(forged["errmsg"].get<std::string>().starts_with("invalid access_token"));
  const std::string token = rooms.wecom_token();
  rooms.advance(std::chrono::seconds(7200));
  CHECK(rooms.wecom("POST", "appchat/create", token, create)["errcode"] == 42001);
  CHECK(rooms.capture("wecom")["rooms"].empty());
}

TEST_CASE("wecom checks chatids and members and refuses sends to unknown chats", "[sandbox][rooms][wecom]") {
  Rooms rooms;
  const std::string token = rooms.wecom_token();
  auto create = [&](const json& body) { return rooms.wecom("POST", "appchat/create", token, body)["errcode"]; };
  CHECK(create({{"userlist", {"w1", "w2"}}, {"chatid", "incident7"}}) == 0);
  CHECK(create({{"userlist", {"w1", "w2"}}, {"chatid", "incident7"}}) == 86215);
  CHECK(create({{"userlist", {"w1", "w2"}}, {"chatid", "incident-8"}}) == 86001);
  CHECK(create({{"userlist", {"w1", "w2"}}, {"chatid", std::string(33, 'a')}}) == 86205);
  CHECK(create({{"userlist", {"w1", "w2"}}, {"chatid", std::string(32, 'a')}}) == 0);
  CHECK(create({{"userlist", {"w1"}}}) == 86006);
  CHECK(create({{"userlist", {"w1", "w1"}}}) == 86006);
  CHECK(create({{"userlist", json::array()}}) == 86204);
  CHECK(create({{"userlist", {"w1", "w9"}}}) == 86007);
  CHECK(create({{"userlist", {"w1", "w2"}}, {"owner", "w3"}}) == 86207);
  CHECK(create({{"userlist", {"w1", "w2"}}, {"owner", "w9"}}) == 86005);
  CHECK(rooms.capture("wecom")["rooms"].size() == 2);

  auto update = [&](const json& body) { return rooms.wecom("POST", "appchat/update", token, body)["errcode"]; };
  CHECK(update({{"add_user_list", {"w3"}}}) == 86201);
  CHECK(update({{"chatid", "nochat"}, {"add_user_list", {"w3"}}}) == 86003);
  CHECK(update({{"chatid", "incident7"}, {"add_user_list", {"w9"}}}) == 86007);
  CHECK(update({{"chatid", "incident7"}, {"del_user_list", {"w1"}}}) == 86005);
  CHECK(update({{"chatid", "incident7"}, {"del_user_list", {"w1"}}, {"owner", "w3"}}) == 86207);
  CHECK(update({{"chatid", "incident7"}, {"del_user_list", {"w1"}}, {"add_user_list", {"w3"}}, {"owner", "w3"}}) == 0);
  CHECK(rooms.capture("wecom")["rooms"][0]["members"] == json::array({"w2", "w3"}));

  auto send = [&](const json& body) { return rooms.wecom("POST", "appchat/send", token, body)["errcode"]; };
  CHECK(send({{"chatid", "nochat"}, {"msgtype", "text"}, {"text", {{"content", "x"}}}}) == 86003);
  CHECK(send({{"msgtype", "text"}, {"text", {{"content", "x"}}}}) == 86201);
  CHECK(send({{"chatid", "incident7"}, {"msgtype", "image"}, {"image", {{"media_id", "m"}}}}) == 40008);
  CHECK(send({{"chatid", "incident7"}, {"msgtype", "text"}, {"text", {{"content", ""}}}}) == 44004);
  CHECK(send({{"chatid", "incident7"}, {"msgtype", "text"}, {"text", {{"content", std::string(2049, 'x')}}}}) == 45002);
  CHECK(rooms.wecom("GET", "appchat/get", token, nullptr, {{"chatid", "nochat"}})["errcode"] == 86003);
  SbRequest broken = request("POST", "/rooms/wecom/cgi-bin/appchat/send", {{"access_token", token}});
  broken.body = "{not json";
  CHECK(rooms.call(broken).second["errcode"] == 47001);
  CHECK(rooms.capture("wecom")["rooms"][0]["messages"].empty());
}

// ------------------------------------------------------------------------------------ capture

TEST_CASE("the capture filters by platform, clears, and survives snapshot and restore", "[sandbox][rooms]") {
  Rooms rooms;
  rooms.slack_channel("inc-1");
  const std::string wecom_token = rooms.wecom_token();
  REQUIRE(rooms.wecom("POST", "appchat/create", wecom_token, {{"userlist", {"w1", "w2"}}})["errcode"] == 0);
  CHECK(rooms.capture()["rooms"].size() == 2);
  CHECK(rooms.capture("slack")["rooms"].size() == 1);
  CHECK(rooms.capture("slack")["calls"].size() == 1);
  CHECK(rooms.capture("wecom")["calls"].size() == 2);
  CHECK(rooms.capture("feishu")["rooms"].empty());

  json state = rooms.service().snapshot();
  auto copy = sandbox::make_rooms_service();
  copy->restore(state);
  CHECK(copy->snapshot() == state);
  SbRequest get = request("GET", "/_sandbox/rooms");
  CHECK(json::parse(copy->handle(get)->body) == rooms.capture());

  SbRequest clear = request("DELETE", "/_sandbox/rooms");
  CHECK(rooms.send(clear).status == 204);
  CHECK(rooms.capture() == json{{"rooms", json::array()}, {"calls", json::array()}});
  CHECK(rooms.send(request("PUT", "/_sandbox/rooms")).status == 405);
  // Clearing keeps the seed and the tokens issued.
  CHECK(rooms.wecom("POST", "appchat/create", wecom_token, {{"userlist", {"w1", "w2"}}})["errcode"] == 0);
  // A new seed (reset) forgets them.
  rooms.service().load_seed(json::parse(k_seed));
  CHECK(rooms.wecom("POST", "appchat/create", wecom_token, {{"userlist", {"w1", "w2"}}})["errcode"] == 40014);
  CHECK(rooms.capture()["rooms"].empty());
}

TEST_CASE("extending the seed adds users and platforms", "[sandbox][rooms]") {
  auto service = sandbox::make_rooms_service();
  service->load_seed(json{{"rooms", {{"slack", {{"token", "t"}, {"bot_user", "UB"}, {"users", {"U1"}}}}}}});
  service->extend_seed(json{{"rooms", {{"slack", {{"users", {"U2"}}}}, {"wecom", {{"corpid", "c"}, {"corpsecret", "s"}}}}}});
  json config = service->snapshot()["config"];
  CHECK(config["slack"]["users"] == json::array({"U1", "U2"}));
  CHECK(config["slack"]["token"] == "t");
  CHECK(config["wecom"]["corpid"] == "c");
}

// ------------------------------------------------------------------------------------- server

TEST_CASE("rooms calls are writes; reading the capture is a read", "[sandbox][rooms]") {
  using sandbox::reads_only;
  CHECK_FALSE(reads_only(request("GET", "/rooms/wecom/cgi-bin/gettoken")));
  CHECK_FALSE(reads_only(request("GET", "/rooms/slack/api/conversations.list")));
  CHECK_FALSE(reads_only(request("POST", "/rooms/feishu/open-apis/im/v1/messages")));
  CHECK(reads_only(request("GET", "/_sandbox/rooms")));
  CHECK_FALSE(reads_only(request("DELETE", "/_sandbox/rooms")));
}

TEST_CASE("the server serves the rooms with the default seed, without Jira credentials", "[sandbox][rooms][server]") {
  sandbox::testing::TestSandbox sb(sandbox::Flavor::Cloud);
  auto health = sb.call("GET", "/_sandbox/health").second;
  CHECK(std::find(health["services"].begin(), health["services"].end(), "rooms") != health["services"].end());

  auto client = sb.anonymous();
  httplib::Headers bearer{{"Authorization", "Bearer sandbox-slack-bot-token"}};
  auto created = client->Post("/rooms/slack/api/conversations.create", bearer, "name=inc-http", "application/x-www-form-urlencoded");
  REQUIRE(created);
  CHECK(created->status == 200);
  json channel = json::parse(created->body);
  REQUIRE(channel["ok"] == true);
  auto invited = client->Post("/rooms/slack/api/conversations.invite", bearer,
                              json{{"channel", channel["channel"]["id"]}, {"users", "U0ALICE,U0BOB"}}.dump(),
                              "application/json; charset=utf-8");
  REQUIRE(invited);
  CHECK(json::parse(invited->body)["ok"] == true);

  auto feishu = client->Post("/rooms/feishu/open-apis/auth/v3/tenant_access_token/internal",
                             json{{"app_id", "cli_sandbox"}, {"app_secret", "sandbox-secret"}}.dump(), "application/json");
  REQUIRE(feishu);
  CHECK(json::parse(feishu->body)["code"] == 0);
  auto dingtalk = client->Get("/rooms/dingtalk/oapi/gettoken?appkey=dingsandbox&appsecret=sandbox-secret");
  REQUIRE(dingtalk);
  CHECK(json::parse(dingtalk->body)["errcode"] == 0);
  auto wecom = client->Get("/rooms/wecom/cgi-bin/gettoken?corpid=wwsandbox&corpsecret=sandbox-secret");
  REQUIRE(wecom);
  CHECK(json::parse(wecom->body)["errcode"] == 0);

  auto captured = client->Get("/_sandbox/rooms?platform=slack");
  REQUIRE(captured);
  json capture = json::parse(captured->body);
  REQUIRE(capture["rooms"].size() == 1);
  CHECK(capture["rooms"][0]["name"] == "inc-http");
  CHECK(capture["rooms"][0]["members"] == json::array({"U0SANDBOT", "U0ALICE", "U0BOB"}));
  CHECK(sb.call("GET", "/_sandbox/rooms").second["calls"].size() == 5);
}

TEST_CASE("a fault rule on one platform's path fails that platform only", "[sandbox][rooms][server]") {
  sandbox::testing::TestSandbox sb(sandbox::Flavor::DataCenter);
  REQUIRE(sb.call("POST", "/_sandbox/faults", {{"kind", "status"}, {"status", 503}, {"path", "^/rooms/slack/"}}).first == 201);
  auto client = sb.anonymous();
  httplib::Headers bearer{{"Authorization", "Bearer sandbox-slack-bot-token"}};
  auto slack = client->Post("/rooms/slack/api/conversations.create", bearer, R"({"name":"inc-down"})", "application/json");
  REQUIRE(slack);
  CHECK(slack->status == 503);
  auto wecom = client->Get("/rooms/wecom/cgi-bin/gettoken?corpid=wwsandbox&corpsecret=sandbox-secret");
  REQUIRE(wecom);
  CHECK(wecom->status == 200);
  // The fault answered before the service: no channel, and the call never reached the platform.
  json capture = sb.call("GET", "/_sandbox/rooms").second;
  CHECK(capture["rooms"].empty());
  CHECK(apis(capture) == std::vector<std::string>{"gettoken"});

  REQUIRE(sb.call("DELETE", "/_sandbox/faults").first == 204);
  auto again = client->Post("/rooms/slack/api/conversations.create", bearer, R"({"name":"inc-down"})", "application/json");
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(json::parse(again->body)["ok"] == true);
}
