#include <catch2/catch.hpp>

#include "faultline/http/dry_run.hpp"
#include "faultline/notify/room_platform.hpp"
#include "notify_test_support.hpp"

using namespace faultline;
using namespace faultline::notify;
using nlohmann::json;

namespace {

constexpr std::string_view k_slack_token = "fake-slack-secret-token-1111";
constexpr std::string_view k_app_secret = "app-secret-9f8e7d6c";
constexpr std::string_view k_access_token = "issued-token-a1b2c3d4";
constexpr std::string_view k_second_token = "issued-token-e5f6g7h8";
constexpr std::string_view k_dedupe = "fl0123456789abcdef";

config::RoomsSettings settings_for(std::string platform) {
  config::RoomsSettings settings;
  settings.platform = std::move(platform);
  if (settings.platform == "slack") settings.token = std::string(k_slack_token);
  else settings.app_secret = std::string(k_app_secret);
  settings.app_id = settings.platform == "feishu" ? "cli_a1b2" : settings.platform == "dingtalk" ? "dingkey1" : "ww0corp";
  settings.template_id = "tpl-incident";
  settings.robot_code = "dingrobot1";
  return settings;
}

std::unique_ptr<RoomPlatform> make(test::ScriptedTransport& transport, const config::RoomsSettings& settings) {
  auto made = make_room_platform(transport, settings);
  REQUIRE(made);
  return std::move(*made);
}

RoomSpec sample_spec() {
  RoomSpec spec;
  spec.name = "fault-FAULT-12-checkout";
  spec.topic = "[P1] FAULT-12: Checkout returns 502";
  spec.dedupe_key = std::string(k_dedupe);
  spec.owner = "owner1";
  spec.members = {"alice1", "bob1"};
  return spec;
}

RoomRef room_on(std::string platform, std::string id) {
  return RoomRef{std::move(platform), std::move(id), "fault-FAULT-12-checkout", ""};
}

std::string header(const http::Request& request, std::string_view name) {
  for (const auto& [key, value] : request.headers)
    if (key == name) return value;
  return "<none>";
}

json body_of(const http::Request& request) { return json::parse(request.body); }

// Everything an error shows a person.
std::string shown(const Error& error) {
  std::string text = error.message + "\n" + error.hint;
  for (const auto& detail : error.details) text += "\n" + detail;
  return text;
}

void check_no_secrets(const Error& error) {
  INFO(shown(error));
  for (const std::string_view secret : {k_slack_token, k_app_secret, k_access_token, k_second_token})
    CHECK(shown(error).find(secret) == std::string::npos);
}

std::string token_answer(std::string_view platform, std::string_view token) {
  if (platform == "feishu")
    return json{{"code", 0}, {"msg", "ok"}, {"tenant_access_token", token}, {"expire", 7200}}.dump();
  return json{{"errcode", 0}, {"errmsg", "ok"}, {"access_token", token}, {"expires_in", 7200}}.dump();
}

const std::string k_slack_api = "https://slack.com/api/";

}  // namespace

// ---- factory and JSON ----------------------------------------------------------------------

TEST_CASE("make_room_platform refuses an unknown platform and missing credentials, naming the key") {
  test::ScriptedTransport transport;
  config::RoomsSettings settings;
  settings.platform = "teams";
  auto made = make_room_platform(transport, settings);
  REQUIRE_FALSE(made);
  CHECK(made.error().kind == ErrorKind::Config);
  CHECK(made.error().message.find("'teams'") != std::string::npos);

  settings.platform = "";
  CHECK(make_room_platform(transport, settings).error().kind == ErrorKind::Config);

  settings = settings_for("slack");
  settings.token.clear();
  CHECK(make_room_platform(transport, settings).error().message.starts_with("rooms.token:"));

  settings = settings_for("wecom");
  settings.app_secret.clear();
  CHECK(make_room_platform(transport, settings).error().message.starts_with("rooms.app_secret:"));

  settings = settings_for("dingtalk");
  settings.template_id.clear();
  CHECK(make_room_platform(transport, settings).error().message.starts_with("rooms.template_id:"));
  settings = settings_for("dingtalk");
  settings.robot_code.clear();
  CHECK(make_room_platform(transport, settings).error().message.starts_with("rooms.robot_code:"));

  for (const std::string platform : {"slack", "feishu", "dingtalk", "wecom"}) {
    auto ok = make_room_platform(transport, settings_for(platform));
    REQUIRE(ok);
    CHECK((*ok)->platform() == platform);
  }
  CHECK(transport.sent().empty());
}

TEST_CASE("RoomRef to JSON and back; missing members are empty") {
  const RoomRef room{"slack", "C012", "fault-12", "https://slack.com/app_redirect?channel=C012"};
  const json value = to_json(room);
  CHECK(value == json{{"platform", "slack"}, {"id", "C012"}, {"name", "fault-12"},
                      {"url", "https://slack.com/app_redirect?channel=C012"}});
  const RoomRef back = room_from_json(value);
  CHECK(back.platform == room.platform);
  CHECK(back.id == room.id);
  CHECK(back.name == room.name);
  CHECK(back.url == room.url);
  const RoomRef partial = room_from_json(json{{"id", "oc_1"}, {"name", 5}});
  CHECK(partial.id == "oc_1");
  CHECK(partial.platform.empty());
  CHECK(partial.name.empty());
  CHECK(room_from_json(json::array()).id.empty());
}

// ---- Slack ---------------------------------------------------------------------------------

TEST_CASE("Slack: create posts conversations.create with the bot token; the room links by app_redirect") {
  test::ScriptedTransport transport;
  transport.then(200, R"({"ok":true,"channel":{"id":"C012AB","name":"fault-fault-12"}})");
  auto settings = settings_for("slack");
  settings.is_private = true;
  auto slack = make(transport, settings);
  CHECK(slack->capabilities().topic);
  CHECK(slack->capabilities().archive);
  RoomSpec spec = sample_spec();
  spec.name = "fault-fault-12";
  const auto made = slack->create(spec);
  REQUIRE(made);
  CHECK(made->created);
  CHECK(made->room.platform == "slack");
  CHECK(made->room.id == "C012AB");
  CHECK(made->room.name == "fault-fault-12");
  CHECK(made->room.url == "https://slack.com/app_redirect?channel=C012AB");

  REQUIRE(transport.sent().size() == 1);
  const auto& request = transport.sent()[0];
  CHECK(request.method == http::Method::Post);
  CHECK(request.url == k_slack_api + "conversations.create");
  CHECK(header(request, "Content-Type") == "application/json; charset=utf-8");
  CHECK(header(request, "Authorization") == "Bearer " + std::string(k_slack_token));
  CHECK(body_of(request) == json{{"name", "fault-fault-12"}, {"is_private", true}});
  CHECK(request.retry == http::RetrySafety::Safe);
}

TEST_CASE("Slack: the base URL may be the sandbox's prefix") {
  test::ScriptedTransport transport;
  transport.then(200, R"({"ok":true,"channel":{"id":"C1","name":"n"}})");
  auto settings = settings_for("slack");
  settings.url = "http://127.0.0.1:8080/rooms/slack/";
  const auto made = make(transport, settings)->create(sample_spec());
  REQUIRE(made);
  CHECK(transport.sent()[0].url == "http://127.0.0.1:8080/rooms/slack/api/conversations.create");
  CHECK(made->room.url == "http://127.0.0.1:8080/rooms/slack/app_redirect?channel=C1");
}

TEST_CASE("Slack: name_taken finds the channel by name through conversations.list, paging by cursor") {
  test::ScriptedTransport transport;
  transport.then(200, R"({"ok":false,"error":"name_taken"})");
  transport.then(200, R"({"ok":true,"channels":[{"id":"C1","name":"general"}],
                          "response_metadata":{"next_cursor":"dXNlcjpVMDYx+/="}})");
  transport.then(200, R"({"ok":true,"channels":[{"id":"C9","name":"fault-fault-12","is_archived":false}],
                          "response_metadata":{"next_cursor":""}})");
  RoomSpec spec = sample_spec();
  spec.name = "fault-fault-12";
  const auto made = make(transport, settings_for("slack"))->create(spec);
  REQUIRE(made);
  CHECK_FALSE(made->created);
  CHECK(made->room.id == "C9");
  CHECK(made->room.name == "fault-fault-12");

  REQUIRE(transport.sent().size() == 3);
  const std::string list = k_slack_api + "conversations.list?types=public_channel,private_channel&exclude_archived=false&limit=200";
  CHECK(transport.sent()[1].method == http::Method::Get);
  CHECK(transport.sent()[1].url == list);
  CHECK(header(transport.sent()[1], "Authorization") == "Bearer " + std::string(k_slack_token));
  CHECK(transport.sent()[2].url == list + "&cursor=dXNlcjpVMDYx%2B%2F%3D");
}

TEST_CASE("Slack: a taken name the bot cannot find, or an archived channel, is a clear failure") {
  test::ScriptedTransport transport;
  transport.then(200, R"({"ok":false,"error":"name_taken"})");
  transport.then(200, R"({"ok":true,"channels":[],"response_metadata":{"next_cursor":""}})");
  auto slack = make(transport, settings_for("slack"));
  auto hidden = slack->create(sample_spec());
  REQUIRE_FALSE(hidden);
  CHECK(hidden.error().kind == ErrorKind::Failed);
  CHECK(hidden.error().message.find("cannot see") != std::string::npos);

  transport.then(200, R"({"ok":false,"error":"name_taken"})");
  transport.then(200, R"({"ok":true,"channels":[{"id":"C7","name":"fault-FAULT-12-checkout","is_archived":true}]})");
  auto archived = slack->create(sample_spec());
  REQUIRE_FALSE(archived);
  CHECK(archived.error().message.find("archived") != std::string::npos);
}

TEST_CASE("Slack: invite with force; per-user errors are refused, already_in_channel counts as added") {
  test::ScriptedTransport transport;
  transport.then(200, R"({"ok":true,"channel":{"id":"C012"},"errors":[
                           {"user":"U2","ok":false,"error":"user_not_found"},
                           {"user":"U3","ok":false,"error":"already_in_channel"}]})");
  auto slack = make(transport, settings_for("slack"));
  const auto invited = slack->invite(room_on("slack", "C012"), {"U1", "U2", "U3"});
  REQUIRE(invited);
  CHECK(invited->added == std::vector<std::string>{"U1", "U3"});
  REQUIRE(invited->refused.size() == 1);
  CHECK(invited->refused[0] == std::pair<std::string, std::string>{"U2", "user_not_found"});
  const auto& request = transport.sent().at(0);
  CHECK(request.url == k_slack_api + "conversations.invite");
  CHECK(body_of(request) == json{{"channel", "C012"}, {"users", "U1,U2,U3"}, {"force", true}});
  CHECK(request.retry == http::RetrySafety::Safe);
}

TEST_CASE("Slack: invite answers ok:false: already_in_channel is success, a user refusal is found one by one") {
  test::ScriptedTransport transport;
  auto slack = make(transport, settings_for("slack"));
  transport.then(200, R"({"ok":false,"error":"already_in_channel"})");
  const auto already = slack->invite(room_on("slack", "C012"), {"U1"});
  REQUIRE(already);
  CHECK(already->added == std::vector<std::string>{"U1"});

  transport.then(200, R"({"ok":false,"error":"cant_invite"})");
  transport.then(200, R"({"ok":true})");
  transport.then(200, R"({"ok":false,"error":"cant_invite"})");
  const auto found = slack->invite(room_on("slack", "C012"), {"U1", "U2"});
  REQUIRE(found);
  CHECK(found->added == std::vector<std::string>{"U1"});
  CHECK(found->refused == std::vector<std::pair<std::string, std::string>>{{"U2", "cant_invite"}});
  CHECK(transport.sent().size() == 4);
  CHECK(body_of(transport.sent()[3])["users"] == "U2");

  transport.then(200, R"({"ok":false,"error":"not_in_channel"})");
  const auto refused = slack->invite(room_on("slack", "C012"), {"U1", "U2"});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Failed);
  CHECK(refused.error().message.find("not_in_channel") != std::string::npos);
}

TEST_CASE("Slack: invite sends at most 1000 users a call") {
  test::ScriptedTransport transport;
  transport.set_default(200, R"({"ok":true})");
  std::vector<std::string> users;
  for (int i = 0; i < 1500; ++i) users.push_back("U" + std::to_string(i));
  const auto invited = make(transport, settings_for("slack"))->invite(room_on("slack", "C012"), users);
  REQUIRE(invited);
  CHECK(invited->added.size() == 1500);
  REQUIRE(transport.sent().size() == 2);
  CHECK(body_of(transport.sent()[0])["users"].get<std::string>().starts_with("U0,U1,"));
  CHECK(body_of(transport.sent()[1])["users"].get<std::string>().starts_with("U1000,"));
}

TEST_CASE("Slack: setTopic one line of at most 250 characters; archive; already_archived is success") {
  test::ScriptedTransport transport;
  transport.set_default(200, R"({"ok":true})");
  auto slack = make(transport, settings_for("slack"));
  REQUIRE(slack->set_topic(room_on("slack", "C012"), "[P1] FAULT-12: Checkout"));
  CHECK(transport.sent()[0].url == k_slack_api + "conversations.setTopic");
  CHECK(body_of(transport.sent()[0]) == json{{"channel", "C012"}, {"topic", "[P1] FAULT-12: Checkout"}});
  CHECK(transport.sent()[0].retry == http::RetrySafety::Safe);

  std::string long_topic;
  for (int i = 0; i < 300; ++i) long_topic += "故";
  REQUIRE(slack->set_topic(room_on("slack", "C012"), long_topic + "\nsecond line"));
  const std::string sent_topic = body_of(transport.sent()[1])["topic"];
  CHECK(sent_topic.find('\n') == std::string::npos);
  CHECK(sent_topic.size() <= 250 * 3);

  REQUIRE(slack->archive(room_on("slack", "C012")));
  CHECK(transport.sent()[2].url == k_slack_api + "conversations.archive");
  CHECK(body_of(transport.sent()[2]) == json{{"channel", "C012"}});
  CHECK(transport.sent()[2].retry == http::RetrySafety::Safe);

  transport.then(200, R"({"ok":false,"error":"already_archived"})");
  CHECK(slack->archive(room_on("slack", "C012")));
  transport.then(200, R"({"ok":false,"error":"cant_archive_general"})");
  const auto refused = slack->archive(room_on("slack", "C012"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("cant_archive_general") != std::string::npos);
}

TEST_CASE("Slack: post converts the Markdown to mrkdwn, title in bold, no unfurling, never retried") {
  test::ScriptedTransport transport;
  transport.then(200, R"({"ok":true,"ts":"1.2"})");
  auto slack = make(transport, settings_for("slack"));
  REQUIRE(slack->post(room_on("slack", "C012"), "FAULT-12 opened: a \\<b\\> c",
                      "- **Service:** checkout\n[FAULT-12](https://jira.example.com/browse/FAULT-12)"));
  const auto& request = transport.sent().at(0);
  CHECK(request.url == k_slack_api + "chat.postMessage");
  CHECK(body_of(request) ==
        json{{"channel", "C012"},
             {"text", "*FAULT-12 opened: a &lt;b&gt; c*\n\n- *Service:* checkout\n<https://jira.example.com/browse/FAULT-12|FAULT-12>"},
             {"unfurl_links", false}});
  CHECK(request.retry == http::RetrySafety::Unsafe);
}

TEST_CASE("Slack: each error kind; the token never shows") {
  test::ScriptedTransport transport;
  auto slack = make(transport, settings_for("slack"));
  const auto create_error = [&] {
    auto made = slack->create(sample_spec());
    REQUIRE_FALSE(made);
    check_no_secrets(made.error());
    return made.error();
  };

  transport.then(200, R"({"ok":false,"error":"invalid_auth"})");
  CHECK(create_error().kind == ErrorKind::Auth);
  transport.then(200, R"({"ok":false,"error":"missing_scope","needed":"channels:manage","provided":"chat:write"})");
  const Error scope = create_error();
  CHECK(scope.kind == ErrorKind::Auth);
  CHECK(scope.message.find("channels:manage") != std::string::npos);
  transport.then(200, R"({"ok":false,"error":"ratelimited"})");
  CHECK(create_error().kind == ErrorKind::Unavailable);
  transport.then(429, "", {{"Retry-After", "30"}});
  const Error limited = create_error();
  CHECK(limited.kind == ErrorKind::Unavailable);
  CHECK(limited.http_status == 429);
  CHECK(limited.hint.find("30") != std::string::npos);
  transport.then(503, "<html><title>Down</title></html>");
  CHECK(create_error().kind == ErrorKind::Unavailable);
  transport.then_error(http::TransportErrorKind::Timeout,
                       "timed out posting Authorization: Bearer " + std::string(k_slack_token));
  CHECK(create_error().kind == ErrorKind::Unavailable);
  transport.then(200, R"({"ok":false,"error":"invalid_name_specials"})");
  const Error bad_name = create_error();
  CHECK(bad_name.kind == ErrorKind::Failed);
  CHECK(bad_name.message.find("invalid_name_specials") != std::string::npos);
  CHECK(bad_name.message.find("conversations.create") != std::string::npos);
  transport.then(200, "not json");
  CHECK(create_error().kind == ErrorKind::Failed);
  transport.then(200, R"({"ok":false,"error":"restricted_action","detail":"token )" + std::string(k_slack_token) + "\"}");
  CHECK(create_error().kind == ErrorKind::Failed);
}

TEST_CASE("Slack: a --dry-run answer is success without a channel id; a real answer without one fails") {
  test::ScriptedTransport transport;
  transport.then(201, "{}", {{std::string(http::k_dry_run_header), "1"}});
  auto slack = make(transport, settings_for("slack"));
  const auto made = slack->create(sample_spec());
  REQUIRE(made);
  CHECK(made->room.id == "<new channel>");
  CHECK(made->room.url.empty());

  transport.then(200, R"({"ok":true})");
  const auto odd = slack->create(sample_spec());
  REQUIRE_FALSE(odd);
  CHECK(odd.error().kind == ErrorKind::Failed);
  CHECK(odd.error().message.find("channel.id") != std::string::npos);
}

// ---- Feishu --------------------------------------------------------------------------------

TEST_CASE("Feishu: the tenant token is fetched once and reused; create sends no members") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("feishu", k_access_token));
  transport.then(200, R"({"code":0,"msg":"success","data":{"chat_id":"oc_abc","name":"fault-FAULT-12-checkout"}})");
  transport.then(200, R"({"code":0,"msg":"success","data":{"invalid_id_list":[],"not_existed_id_list":[]}})");
  auto feishu = make(transport, settings_for("feishu"));
  CHECK(feishu->capabilities().topic);
  CHECK(feishu->capabilities().archive);
  const auto made = feishu->create(sample_spec());
  REQUIRE(made);
  CHECK(made->created);
  CHECK(made->room.id == "oc_abc");
  CHECK(made->room.url == "https://applink.feishu.cn/client/chat/open?openChatId=oc_abc");
  REQUIRE(feishu->invite(made->room, {"ou_1"}));

  REQUIRE(transport.sent().size() == 3);
  const auto& token = transport.sent()[0];
  CHECK(token.method == http::Method::Post);
  CHECK(token.url == "https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal");
  CHECK(body_of(token) == json{{"app_id", "cli_a1b2"}, {"app_secret", k_app_secret}});
  CHECK(token.retry == http::RetrySafety::ReadOnly);
  CHECK(header(token, "Authorization") == "<none>");

  const auto& create = transport.sent()[1];
  CHECK(create.method == http::Method::Post);
  CHECK(create.url == "https://open.feishu.cn/open-apis/im/v1/chats?user_id_type=open_id&uuid=" + std::string(k_dedupe));
  CHECK(header(create, "Authorization") == "Bearer " + std::string(k_access_token));
  CHECK(header(create, "Content-Type") == "application/json; charset=utf-8");
  CHECK(body_of(create) == json{{"name", "fault-FAULT-12-checkout"},
                                {"description", "[P1] FAULT-12: Checkout returns 502"},
                                {"owner_id", "owner1"}});
  CHECK(create.retry == http::RetrySafety::Safe);
  CHECK(header(transport.sent()[2], "Authorization") == "Bearer " + std::string(k_access_token));
}

TEST_CASE("Feishu: an invalid-token answer fetches a new token and sends again, once") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("feishu", k_access_token));
  transport.then(400, R"({"code":99991663,"msg":"Invalid access token for authorization."})");
  transport.then(200, token_answer("feishu", k_second_token));
  transport.then(200, R"({"code":0,"data":{"chat_id":"oc_new"}})");
  auto feishu = make(transport, settings_for("feishu"));
  const auto made = feishu->create(sample_spec());
  REQUIRE(made);
  CHECK(made->room.id == "oc_new");
  REQUIRE(transport.sent().size() == 4);
  CHECK(header(transport.sent()[1], "Authorization") == "Bearer " + std::string(k_access_token));
  CHECK(header(transport.sent()[3], "Authorization") == "Bearer " + std::string(k_second_token));

  // Refused again with the new token: Auth, without a third fetch.
  transport.then(401, R"({"code":99991663,"msg":"Invalid access token"})");
  transport.then(200, token_answer("feishu", k_access_token));
  transport.then(401, R"({"code":99991663,"msg":"Invalid access token"})");
  const auto refused = feishu->set_topic(made->room, "topic");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Auth);
  CHECK(transport.sent().size() == 7);
  check_no_secrets(refused.error());
}

TEST_CASE("Feishu: members are added 50 a call; invalid and unknown ids are refused") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("feishu", k_access_token));
  transport.then(200, R"({"code":0,"data":{"invalid_id_list":["ou_bad"],"not_existed_id_list":["ou_gone"],
                                           "pending_approval_id_list":[]}})");
  transport.then(200, R"({"code":0,"data":{}})");
  std::vector<std::string> ids = {"ou_ok", "ou_bad", "ou_gone"};
  for (int i = 0; i < 50; ++i) ids.push_back("ou_" + std::to_string(i));
  const auto invited = make(transport, settings_for("feishu"))->invite(room_on("feishu", "oc_abc"), ids);
  REQUIRE(invited);
  CHECK(invited->added.size() == 51);
  CHECK(invited->added.front() == "ou_ok");
  CHECK(invited->refused == std::vector<std::pair<std::string, std::string>>{{"ou_bad", "invalid_id"},
                                                                           {"ou_gone", "not_existed_id"}});
  REQUIRE(transport.sent().size() == 3);
  const auto& first = transport.sent()[1];
  CHECK(first.url == "https://open.feishu.cn/open-apis/im/v1/chats/oc_abc/members?member_id_type=open_id&succeed_type=1");
  CHECK(body_of(first)["id_list"].size() == 50);
  CHECK(body_of(transport.sent()[2])["id_list"].size() == 3);
  CHECK(first.retry == http::RetrySafety::Safe);
}

TEST_CASE("Feishu: topic is the description (PUT); archive disbands (DELETE), already dissolved is success") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("feishu", k_access_token));
  transport.then(200, R"({"code":0,"data":{}})");
  transport.then(200, R"({"code":0,"data":{}})");
  transport.then(400, R"({"code":232009,"msg":"Your request specifies a chat which has already been dissolved."})");
  transport.then(400, R"({"code":232011,"msg":"Operator can NOT be out of the chat."})");
  auto feishu = make(transport, settings_for("feishu"));
  REQUIRE(feishu->set_topic(room_on("feishu", "oc_abc"), "[P1] FAULT-12"));
  const auto& put = transport.sent()[1];
  CHECK(put.method == http::Method::Put);
  CHECK(put.url == "https://open.feishu.cn/open-apis/im/v1/chats/oc_abc");
  CHECK(body_of(put) == json{{"description", "[P1] FAULT-12"}});

  REQUIRE(feishu->archive(room_on("feishu", "oc_abc")));
  const auto& del = transport.sent()[2];
  CHECK(del.method == http::Method::Delete);
  CHECK(del.url == "https://open.feishu.cn/open-apis/im/v1/chats/oc_abc");
  CHECK(header(del, "Authorization") == "Bearer " + std::string(k_access_token));
  CHECK(del.retry == http::RetrySafety::Safe);
  CHECK(feishu->archive(room_on("feishu", "oc_abc")));
  const auto refused = feishu->archive(room_on("feishu", "oc_abc"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Failed);
  CHECK(refused.error().message.find("code 232011") != std::string::npos);
  CHECK(refused.error().http_status == 400);
}

TEST_CASE("Feishu: post sends a rich-text post; template values stay text, links are links") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("feishu", k_access_token));
  transport.then(200, R"({"code":0,"data":{"message_id":"om_1"}})");
  auto feishu = make(transport, settings_for("feishu"));
  REQUIRE(feishu->post(room_on("feishu", "oc_abc"), "FAULT-12 opened: \\<at user\\_id=\"all\"\\>",
                       "# Summary\n- **Service:** check\\*out\n\n[FAULT-12](https://jira.example.com/browse/FAULT-12)"));
  const auto& request = transport.sent().at(1);
  CHECK(request.url == "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id");
  CHECK(request.retry == http::RetrySafety::Unsafe);
  const json body = body_of(request);
  CHECK(body["receive_id"] == "oc_abc");
  CHECK(body["msg_type"] == "post");
  REQUIRE(body["content"].is_string());
  const json post = json::parse(body["content"].get<std::string>());
  CHECK(post["zh_cn"]["title"] == "FAULT-12 opened: <at user_id=\"all\">");
  const json expected = json::array({
      json::array({{{"tag", "text"}, {"text", "Summary"}, {"style", {"bold"}}}}),
      json::array({{{"tag", "text"}, {"text", "- "}}, {{"tag", "text"}, {"text", "Service:"}, {"style", {"bold"}}},
                   {{"tag", "text"}, {"text", " check*out"}}}),
      json::array({{{"tag", "text"}, {"text", ""}}}),
      json::array({{{"tag", "a"}, {"text", "FAULT-12"}, {"href", "https://jira.example.com/browse/FAULT-12"}}}),
  });
  CHECK(post["zh_cn"]["content"] == expected);
}

TEST_CASE("Feishu: a long message becomes several posts, each well under the 30 KB body limit") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("feishu", k_access_token));
  transport.set_default(200, R"({"code":0,"data":{}})");
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "- 第" + std::to_string(i) + "步 \"回滚\" ✅\n";
  REQUIRE(make(transport, settings_for("feishu"))->post(room_on("feishu", "oc_abc"), "Title", text));
  REQUIRE(transport.sent().size() > 3);
  const std::size_t parts = transport.sent().size() - 1;
  std::string joined;
  for (std::size_t i = 1; i < transport.sent().size(); ++i) {
    CHECK(transport.sent()[i].body.size() < 30 * 1024);
    const json post = json::parse(body_of(transport.sent()[i])["content"].get<std::string>());
    CHECK(post["zh_cn"]["title"] == "Title (" + std::to_string(i) + "/" + std::to_string(parts) + ")");
    for (const auto& paragraph : post["zh_cn"]["content"]) joined += paragraph[0]["text"].get<std::string>() + "\n";
  }
  CHECK(joined == text);
}

TEST_CASE("Feishu: error kinds; the app secret and the tokens never show") {
  test::ScriptedTransport transport;
  auto feishu = make(transport, settings_for("feishu"));
  const auto create_error = [&] {
    auto made = feishu->create(sample_spec());
    REQUIRE_FALSE(made);
    check_no_secrets(made.error());
    return made.error();
  };
  transport.then(400, R"({"code":10014,"msg":"app secret invalid"})");
  const Error secret = create_error();
  CHECK(secret.kind == ErrorKind::Auth);
  INFO(secret.message);
  CHECK(secret.message.find("code 10014") != std::string::npos);
  transport.then(200, R"({"code":99991400,"msg":"request trigger frequency limit"})");
  CHECK(create_error().kind == ErrorKind::Unavailable);
  transport.then_error(http::TransportErrorKind::Connect, "connection refused");
  CHECK(create_error().kind == ErrorKind::Unavailable);

  transport.then(200, token_answer("feishu", k_access_token));
  transport.then(400, R"({"code":232043,"msg":"Your request contains unavailable ids."})");
  const Error ids = create_error();
  CHECK(ids.kind == ErrorKind::Failed);
  CHECK(ids.message == "Feishu refused to create the group \"fault-FAULT-12-checkout\": code 232043: "
                       "Your request contains unavailable ids.");
  transport.then(400, R"({"code":99991672,"msg":"Access denied. One of the following scopes is required: [im:chat]"})");
  CHECK(create_error().kind == ErrorKind::Auth);
  transport.then(500, R"({"code":1500,"msg":"internal error"})");
  CHECK(create_error().kind == ErrorKind::Unavailable);
  transport.then(400, R"({"code":232019,"msg":"The request has been rate limited."})");
  CHECK(create_error().kind == ErrorKind::Unavailable);
  transport.then(400, R"({"code":232001,"msg":"bad request, token )" + std::string(k_access_token) + "\"}");
  CHECK(create_error().kind == ErrorKind::Failed);
}

TEST_CASE("Feishu: Lark's host links to Lark's AppLink") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("feishu", k_access_token));
  transport.then(200, R"({"code":0,"data":{"chat_id":"oc_1"}})");
  auto settings = settings_for("feishu");
  settings.url = "https://open.larksuite.com";
  const auto made = make(transport, settings)->create(sample_spec());
  REQUIRE(made);
  CHECK(made->room.url == "https://applink.larksuite.com/client/chat/open?openChatId=oc_1");
  CHECK(transport.sent()[0].url == "https://open.larksuite.com/open-apis/auth/v3/tenant_access_token/internal");
}

// ---- DingTalk ------------------------------------------------------------------------------

TEST_CASE("DingTalk: gettoken once; the scene group from the template, owner and members, deduped by uuid") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("dingtalk", k_access_token));
  transport.then(200, R"({"errcode":0,"errmsg":"ok","success":true,
                          "result":{"open_conversation_id":"cidABC==","chat_id":"chat1"}})");
  transport.then(200, R"({"errcode":0,"errmsg":"ok","success":true})");
  auto dingtalk = make(transport, settings_for("dingtalk"));
  CHECK_FALSE(dingtalk->capabilities().topic);
  CHECK_FALSE(dingtalk->capabilities().archive);
  const auto made = dingtalk->create(sample_spec());
  REQUIRE(made);
  CHECK(made->created);
  CHECK(made->room.id == "cidABC==");
  CHECK(made->room.url.empty());
  REQUIRE(dingtalk->invite(made->room, {"carol1"}));

  REQUIRE(transport.sent().size() == 3);
  const auto& token = transport.sent()[0];
  CHECK(token.method == http::Method::Get);
  CHECK(token.url == "https://oapi.dingtalk.com/gettoken?appkey=dingkey1&appsecret=" + std::string(k_app_secret));
  const auto& create = transport.sent()[1];
  CHECK(create.method == http::Method::Post);
  CHECK(create.url == "https://oapi.dingtalk.com/topapi/im/chat/scenegroup/create?access_token=" + std::string(k_access_token));
  CHECK(body_of(create) == json{{"title", "fault-FAULT-12-checkout"},
                                {"template_id", "tpl-incident"},
                                {"owner_user_id", "owner1"},
                                {"user_ids", "alice1,bob1"},
                                {"uuid", k_dedupe}});
  CHECK(create.retry == http::RetrySafety::Safe);
  const auto& add = transport.sent()[2];
  CHECK(add.url == "https://oapi.dingtalk.com/topapi/im/chat/scenegroup/member/add?access_token=" + std::string(k_access_token));
  CHECK(body_of(add) == json{{"open_conversation_id", "cidABC=="}, {"user_ids", "carol1"}});
  CHECK(add.retry == http::RetrySafety::Safe);
}

TEST_CASE("DingTalk: no owner is a Config error naming rooms.owner, before any request") {
  test::ScriptedTransport transport;
  RoomSpec spec = sample_spec();
  spec.owner.clear();
  const auto made = make(transport, settings_for("dingtalk"))->create(spec);
  REQUIRE_FALSE(made);
  CHECK(made.error().kind == ErrorKind::Config);
  CHECK(made.error().message.starts_with("rooms.owner:"));
  CHECK(transport.sent().empty());
}

TEST_CASE("DingTalk: the robot posts sampleMarkdown on the v1.0 host with the token in its header") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("dingtalk", k_access_token));
  transport.then(200, R"({"processQueryKey":"pqk1"})");
  auto settings = settings_for("dingtalk");
  settings.api_url = "http://127.0.0.1:9000/rooms/dingtalk";
  settings.url = "http://127.0.0.1:9000/rooms/dingtalk";
  REQUIRE(make(transport, settings)->post(room_on("dingtalk", "cidABC=="), "FAULT-12 opened", "- **Service:** checkout"));
  REQUIRE(transport.sent().size() == 2);
  CHECK(transport.sent()[0].url.starts_with("http://127.0.0.1:9000/rooms/dingtalk/gettoken?"));
  const auto& request = transport.sent()[1];
  CHECK(request.method == http::Method::Post);
  CHECK(request.url == "http://127.0.0.1:9000/rooms/dingtalk/v1.0/robot/groupMessages/send");
  CHECK(header(request, "x-acs-dingtalk-access-token") == k_access_token);
  CHECK(request.url.find("access_token") == std::string::npos);
  CHECK(request.retry == http::RetrySafety::Unsafe);
  const json body = body_of(request);
  CHECK(body["robotCode"] == "dingrobot1");
  CHECK(body["openConversationId"] == "cidABC==");
  CHECK(body["msgKey"] == "sampleMarkdown");
  REQUIRE(body["msgParam"].is_string());
  const json param = json::parse(body["msgParam"].get<std::string>());
  CHECK(param["title"] == "FAULT-12 opened");
  CHECK(param["text"] == "#### FAULT-12 opened\n\n- **Service:** checkout");
}

TEST_CASE("DingTalk: the default v1.0 host; an InvalidAuthentication answer refreshes the token") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("dingtalk", k_access_token));
  transport.then(401, R"({"code":"InvalidAuthentication","message":"不合法的access_token","requestid":"r1"})");
  transport.then(200, token_answer("dingtalk", k_second_token));
  transport.then(200, R"({"processQueryKey":"pqk1"})");
  REQUIRE(make(transport, settings_for("dingtalk"))->post(room_on("dingtalk", "cid1"), "t", "x"));
  REQUIRE(transport.sent().size() == 4);
  CHECK(transport.sent()[1].url == "https://api.dingtalk.com/v1.0/robot/groupMessages/send");
  CHECK(header(transport.sent()[3], "x-acs-dingtalk-access-token") == k_second_token);
}

TEST_CASE("DingTalk: errcode 88 with sub_code 40014 on the legacy host refreshes the token") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("dingtalk", k_access_token));
  transport.then(200, R"({"errcode":88,"errmsg":"ding talk error[subcode=40014]","sub_code":"40014","sub_msg":"不合法的access_token"})");
  transport.then(200, token_answer("dingtalk", k_second_token));
  transport.then(200, R"({"errcode":0,"result":{"open_conversation_id":"cid2"}})");
  const auto made = make(transport, settings_for("dingtalk"))->create(sample_spec());
  REQUIRE(made);
  CHECK(made->room.id == "cid2");
  REQUIRE(transport.sent().size() == 4);
  CHECK(transport.sent()[3].url.ends_with("access_token=" + std::string(k_second_token)));
}

TEST_CASE("DingTalk: a refused batch is tried one user at a time to find the refused ones") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("dingtalk", k_access_token));
  transport.then(200, R"({"errcode":40035,"errmsg":"不合法的参数"})");
  transport.then(200, R"({"errcode":0,"errmsg":"ok"})");
  transport.then(200, R"({"errcode":60121,"errmsg":"找不到该用户"})");
  const auto invited = make(transport, settings_for("dingtalk"))->invite(room_on("dingtalk", "cid1"), {"u1", "ghost"});
  REQUIRE(invited);
  CHECK(invited->added == std::vector<std::string>{"u1"});
  CHECK(invited->refused == std::vector<std::pair<std::string, std::string>>{{"ghost", "errcode 60121: 找不到该用户"}});
  CHECK(body_of(transport.sent()[3])["user_ids"] == "ghost");
}

TEST_CASE("DingTalk: no topic, no archive; error kinds; the secret and the token never show") {
  test::ScriptedTransport transport;
  auto dingtalk = make(transport, settings_for("dingtalk"));
  CHECK(dingtalk->set_topic(room_on("dingtalk", "cid1"), "t").error().kind == ErrorKind::Failed);
  CHECK(dingtalk->archive(room_on("dingtalk", "cid1")).error().kind == ErrorKind::Failed);
  CHECK(transport.sent().empty());

  const auto create_error = [&] {
    auto made = dingtalk->create(sample_spec());
    REQUIRE_FALSE(made);
    check_no_secrets(made.error());
    return made.error();
  };
  transport.then(200, R"({"errcode":40089,"errmsg":"不合法的appkey或appsecret"})");
  CHECK(create_error().kind == ErrorKind::Auth);
  transport.then(200, token_answer("dingtalk", k_access_token));
  transport.then(200, R"({"errcode":88,"errmsg":"ding talk error[subcode=60011]","sub_code":"60011","sub_msg":"没有调用该接口的权限"})");
  const Error permission = create_error();
  CHECK(permission.kind == ErrorKind::Auth);
  CHECK(permission.message.find("sub_code 60011") != std::string::npos);
  transport.then(200, R"({"errcode":-1,"errmsg":"系统繁忙"})");
  CHECK(create_error().kind == ErrorKind::Unavailable);
  transport.then(200, R"({"errcode":90018,"errmsg":"当前企业调用该接口的QPS超过限制"})");
  CHECK(create_error().kind == ErrorKind::Unavailable);
  transport.then(200, R"({"errcode":4000001,"errmsg":"template not found, access_token=)" + std::string(k_access_token) + "\"}");
  const Error missing = create_error();
  CHECK(missing.kind == ErrorKind::Failed);
  CHECK(missing.message.find("errcode 4000001") != std::string::npos);
  transport.then_error(http::TransportErrorKind::Timeout,
                       "timeout on https://oapi.dingtalk.com/topapi/im/chat/scenegroup/create?access_token=" +
                           std::string(k_access_token));
  CHECK(create_error().kind == ErrorKind::Unavailable);

  const auto post_error = [&] {
    auto posted = dingtalk->post(room_on("dingtalk", "cid1"), "t", "x");
    REQUIRE_FALSE(posted);
    check_no_secrets(posted.error());
    return posted.error();
  };
  transport.then(400, R"({"code":"InvalidParameter.RobotCode","message":"robotCode 不存在"})");
  const Error robot = post_error();
  CHECK(robot.kind == ErrorKind::Failed);
  CHECK(robot.http_status == 400);
  CHECK(robot.message.find("InvalidParameter.RobotCode") != std::string::npos);
  transport.then(403, R"({"code":"Forbidden.AccessDenied.QpsLimitForApi","message":"qps limit"})");
  CHECK(post_error().kind == ErrorKind::Unavailable);
  transport.then(403, R"({"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","message":"no permission"})");
  CHECK(post_error().kind == ErrorKind::Auth);
}

// ---- WeCom ---------------------------------------------------------------------------------

TEST_CASE("WeCom: gettoken once; appchat/create with the owner among the members and our chatid") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("wecom", k_access_token));
  transport.then(200, R"({"errcode":0,"errmsg":"ok","chatid":"fl0123456789abcdef"})");
  transport.then(200, R"({"errcode":0,"errmsg":"ok"})");
  auto wecom = make(transport, settings_for("wecom"));
  CHECK_FALSE(wecom->capabilities().topic);
  CHECK_FALSE(wecom->capabilities().archive);
  const auto made = wecom->create(sample_spec());
  REQUIRE(made);
  CHECK(made->created);
  CHECK(made->room.id == k_dedupe);
  CHECK(made->room.url.empty());
  REQUIRE(wecom->invite(made->room, {"carol1"}));

  REQUIRE(transport.sent().size() == 3);
  const auto& token = transport.sent()[0];
  CHECK(token.method == http::Method::Get);
  CHECK(token.url == "https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww0corp&corpsecret=" + std::string(k_app_secret));
  const auto& create = transport.sent()[1];
  CHECK(create.url == "https://qyapi.weixin.qq.com/cgi-bin/appchat/create?access_token=" + std::string(k_access_token));
  CHECK(body_of(create) == json{{"name", "fault-FAULT-12-checkout"},
                                {"userlist", {"owner1", "alice1", "bob1"}},
                                {"chatid", k_dedupe},
                                {"owner", "owner1"}});
  CHECK(create.retry == http::RetrySafety::Safe);
  const auto& update = transport.sent()[2];
  CHECK(update.url == "https://qyapi.weixin.qq.com/cgi-bin/appchat/update?access_token=" + std::string(k_access_token));
  CHECK(body_of(update) == json{{"chatid", k_dedupe}, {"add_user_list", {"carol1"}}});
  CHECK(update.retry == http::RetrySafety::Safe);
}

TEST_CASE("WeCom: a refused create whose chatid exists adopts the chat from appchat/get") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("wecom", k_access_token));
  transport.then(200, R"({"errcode":86215,"errmsg":"chatid already exists"})");
  transport.then(200, R"J({"errcode":0,"errmsg":"ok","chat_info":{"chatid":"fl0123456789abcdef",
                          "name":"fault-FAULT-12 (renamed)","owner":"owner1","userlist":["owner1","alice1"]}})J");
  auto wecom = make(transport, settings_for("wecom"));
  const auto made = wecom->create(sample_spec());
  REQUIRE(made);
  CHECK_FALSE(made->created);
  CHECK(made->room.id == k_dedupe);
  CHECK(made->room.name == "fault-FAULT-12 (renamed)");
  REQUIRE(transport.sent().size() == 3);
  const auto& get = transport.sent()[2];
  CHECK(get.method == http::Method::Get);
  CHECK(get.url == "https://qyapi.weixin.qq.com/cgi-bin/appchat/get?access_token=" + std::string(k_access_token) +
                       "&chatid=" + std::string(k_dedupe));

  // No chat with our chatid either: the create's own refusal.
  transport.then(200, R"({"errcode":86006,"errmsg":"invalid chat member list size"})");
  transport.then(200, R"({"errcode":86003,"errmsg":"chat not exist"})");
  const auto refused = wecom->create(sample_spec());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Failed);
  CHECK(refused.error().message.find("errcode 86006") != std::string::npos);
  CHECK(transport.sent().size() == 5);
}

TEST_CASE("WeCom: fewer than 2 members is a clear failure unless the chat already exists") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("wecom", k_access_token));
  transport.then(200, R"({"errcode":86003,"errmsg":"chat not exist"})");
  auto wecom = make(transport, settings_for("wecom"));
  RoomSpec spec = sample_spec();
  spec.owner.clear();
  spec.members = {"alice1"};
  const auto made = wecom->create(spec);
  REQUIRE_FALSE(made);
  CHECK(made.error().kind == ErrorKind::Failed);
  CHECK(made.error().message.find("at least 2 members") != std::string::npos);
  CHECK(transport.sent().back().url.find("/cgi-bin/appchat/get?") != std::string::npos);

  transport.then(200, R"({"errcode":0,"chat_info":{"chatid":"fl0123456789abcdef","name":"old"}})");
  const auto found = wecom->create(spec);
  REQUIRE(found);
  CHECK_FALSE(found->created);
}

TEST_CASE("WeCom: an unknown user fails the whole update; users are then added one by one") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("wecom", k_access_token));
  transport.then(200, R"({"errcode":60111,"errmsg":"invalid userid"})");
  transport.then(200, R"({"errcode":60111,"errmsg":"invalid userid"})");
  transport.then(200, R"({"errcode":0,"errmsg":"ok"})");
  const auto invited = make(transport, settings_for("wecom"))->invite(room_on("wecom", "chat1"), {"ghost", "carol1"});
  REQUIRE(invited);
  CHECK(invited->added == std::vector<std::string>{"carol1"});
  CHECK(invited->refused == std::vector<std::pair<std::string, std::string>>{{"ghost", "errcode 60111: invalid userid"}});
  REQUIRE(transport.sent().size() == 4);
  CHECK(body_of(transport.sent()[2])["add_user_list"] == json::array({"ghost"}));
  CHECK(body_of(transport.sent()[3])["add_user_list"] == json::array({"carol1"}));
}

TEST_CASE("WeCom: post sends appchat/send markdown with the webhook conversion, never retried") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("wecom", k_access_token));
  transport.then(200, R"({"errcode":0,"errmsg":"ok"})");
  REQUIRE(make(transport, settings_for("wecom"))->post(room_on("wecom", "chat1"), "FAULT-12 opened", "- **Service:** checkout"));
  const auto& request = transport.sent().at(1);
  CHECK(request.url == "https://qyapi.weixin.qq.com/cgi-bin/appchat/send?access_token=" + std::string(k_access_token));
  CHECK(body_of(request) == json{{"chatid", "chat1"},
                                 {"msgtype", "markdown"},
                                 {"markdown", {{"content", "**FAULT-12 opened**\n\n- **Service:** checkout"}}}});
  CHECK(request.retry == http::RetrySafety::Unsafe);
}

TEST_CASE("WeCom: a long message is split into markdown parts of at most 2048 bytes") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("wecom", k_access_token));
  std::string text;
  for (int i = 0; i < 300; ++i) text += "- 第" + std::to_string(i) + "步：回滚配置\n";
  REQUIRE(make(transport, settings_for("wecom"))->post(room_on("wecom", "chat1"), "T", text));
  REQUIRE(transport.sent().size() > 3);
  for (std::size_t i = 1; i < transport.sent().size(); ++i)
    CHECK(body_of(transport.sent()[i])["markdown"]["content"].get<std::string>().size() <= 2048);
}

TEST_CASE("WeCom: an expired token is fetched again; error kinds; the secret and tokens never show") {
  test::ScriptedTransport transport;
  transport.then(200, token_answer("wecom", k_access_token));
  transport.then(200, R"({"errcode":42001,"errmsg":"access_token expired"})");
  transport.then(200, token_answer("wecom", k_second_token));
  transport.then(200, R"({"errcode":0,"errmsg":"ok"})");
  auto wecom = make(transport, settings_for("wecom"));
  REQUIRE(wecom->post(room_on("wecom", "chat1"), "t", "x"));
  REQUIRE(transport.sent().size() == 4);
  CHECK(transport.sent()[3].url.ends_with("access_token=" + std::string(k_second_token)));

  const auto post_error = [&] {
    auto posted = wecom->post(room_on("wecom", "chat1"), "t", "x");
    REQUIRE_FALSE(posted);
    check_no_secrets(posted.error());
    return posted.error();
  };
  transport.then(200, R"({"errcode":45009,"errmsg":"api freq out of limit"})");
  CHECK(post_error().kind == ErrorKind::Unavailable);
  transport.then(200, R"({"errcode":-1,"errmsg":"system busy"})");
  CHECK(post_error().kind == ErrorKind::Unavailable);
  transport.then(502, "bad gateway");
  const Error gateway = post_error();
  CHECK(gateway.kind == ErrorKind::Unavailable);
  CHECK(gateway.http_status == 502);
  transport.then(200, R"({"errcode":60020,"errmsg":"not allow to access from your ip"})");
  CHECK(post_error().kind == ErrorKind::Auth);
  transport.then(200, R"({"errcode":86001,"errmsg":"chatid invalid, url ?access_token=)" + std::string(k_second_token) + "\"}");
  const Error chat = post_error();
  CHECK(chat.kind == ErrorKind::Failed);
  CHECK(chat.message.find("errcode 86001") != std::string::npos);
  transport.then_error(http::TransportErrorKind::Receive,
                       "reset reading https://qyapi.weixin.qq.com/cgi-bin/appchat/send?access_token=" +
                           std::string(k_second_token));
  CHECK(post_error().kind == ErrorKind::Unavailable);

  test::ScriptedTransport fresh;
  fresh.then(200, R"({"errcode":40001,"errmsg":"invalid credential, secret )" + std::string(k_app_secret) + "\"}");
  auto refused = make(fresh, settings_for("wecom"))->post(room_on("wecom", "chat1"), "t", "x");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Auth);
  check_no_secrets(refused.error());
}
