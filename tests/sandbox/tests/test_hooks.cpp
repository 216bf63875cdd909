// Chat webhook receivers: each platform's success and error answers, signatures, idempotency,
// the recorded messages and snapshot/restore.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "hooks.hpp"
#include "hooks_crypto.hpp"

namespace {

using nlohmann::json;
using sandbox::SbRequest;
using sandbox::SbResponse;

constexpr const char* k_ding_secret = "SECtestsecret0123456789";
constexpr const char* k_feishu_secret = "feishu-secret";
constexpr const char* k_generic_secret = "generic-secret";

// A fixed sandbox clock: 2026-11-25T12:00:00Z.
std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1'795'608'000));
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(fixed_now().time_since_epoch()).count();
}

std::unique_ptr<sandbox::Service> make_service() {
  auto service = sandbox::make_hooks_service();
  service->load_seed(json{{"hooks",
                           {{"dingtalk/ops", {{"secret", k_ding_secret}}},
                            {"dingtalk/kw", {{"keywords", json::array({"fault"})}}},
                            {"feishu/ops", {{"secret", k_feishu_secret}}},
                            {"feishu/kw", {{"keywords", json::array({"fault"})}}},
                            {"generic/ops", {{"secret", k_generic_secret}}}}}});
  return service;
}

SbRequest post(const std::string& path, const std::string& body) {
  SbRequest r;
  r.method = "POST";
  r.path = path;
  r.body = body;
  r.headers["content-type"] = "application/json";
  r.now = fixed_now();
  r.base_url = "http://127.0.0.1:1";
  return r;
}

SbResponse send(sandbox::Service& s, const SbRequest& r) {
  auto res = s.handle(r);
  REQUIRE(res.has_value());
  return *res;
}

json body_of(const SbResponse& r) { return json::parse(r.body); }

json messages(sandbox::Service& s, const std::string& kind = "") {
  SbRequest r;
  r.method = "GET";
  r.path = "/_sandbox/messages";
  if (!kind.empty()) r.query.emplace("kind", kind);
  return body_of(send(s, r))["messages"];
}

// DingTalk's documented algorithm: base64(HMAC-SHA256(key=secret, msg=timestamp + "\n" + secret)).
std::string dingtalk_sign(const std::string& timestamp, const std::string& secret) {
  return sandbox::base64_encode(sandbox::hmac_sha256(secret, timestamp + "\n" + secret));
}

// Feishu's documented algorithm: base64(HMAC-SHA256(key=timestamp + "\n" + secret, msg="")).
std::string feishu_sign(const std::string& timestamp, const std::string& secret) {
  return sandbox::base64_encode(sandbox::hmac_sha256(timestamp + "\n" + secret, ""));
}

}  // namespace

TEST_CASE("hooks ignore other paths and answer 404/405 on bad hook paths", "[sandbox][hooks]") {
  auto s = make_service();
  SbRequest r = post("/rest/api/2/issue", "{}");
  CHECK_FALSE(s->handle(r).has_value());
  CHECK(send(*s, post("/hooks/irc/ops", "{}")).status == 404);
  CHECK(send(*s, post("/hooks/slack", "{}")).status == 404);
  CHECK(send(*s, post("/hooks/slack/a/b", "{}")).status == 404);
  SbRequest get = post("/hooks/slack/ops", "");
  get.method = "GET";
  CHECK(send(*s, get).status == 405);
}

TEST_CASE("wecom answers errcode 0 or its documented error codes with HTTP 200", "[sandbox][hooks]") {
  auto s = make_service();
  auto ok = send(*s, post("/hooks/wecom/ops", R"({"msgtype":"text","text":{"content":"FAULT-1 opened","mentioned_list":["@all"]}})"));
  CHECK(ok.status == 200);
  CHECK(body_of(ok) == json{{"errcode", 0}, {"errmsg", "ok"}});
  CHECK(body_of(send(*s, post("/hooks/wecom/ops", R"({"msgtype":"markdown_v2","markdown_v2":{"content":"# x"}})")))["errcode"] == 0);

  auto bad_type = send(*s, post("/hooks/wecom/ops", R"({"msgtype":"sticker","sticker":{}})"));
  CHECK(bad_type.status == 200);
  CHECK(body_of(bad_type)["errcode"] == 40008);
  CHECK(body_of(send(*s, post("/hooks/wecom/ops", R"({"msgtype":"text","text":{"content":""}})")))["errcode"] == 44004);

  std::string long_text(2049, 'a');
  auto too_long = send(*s, post("/hooks/wecom/ops", json{{"msgtype", "text"}, {"text", {{"content", long_text}}}}.dump()));
  CHECK(body_of(too_long)["errcode"] == 45002);
  std::string exact(2048, 'a');
  CHECK(body_of(send(*s, post("/hooks/wecom/ops", json{{"msgtype", "text"}, {"text", {{"content", exact}}}}.dump())))["errcode"] == 0);
  std::string long_md(4097, 'b');
  CHECK(body_of(send(*s, post("/hooks/wecom/ops", json{{"msgtype", "markdown"}, {"markdown", {{"content", long_md}}}}.dump())))["errcode"] == 45002);

  auto bad_json = send(*s, post("/hooks/wecom/ops", "{not json"));
  CHECK(bad_json.status == 200);
  CHECK(body_of(bad_json)["errcode"] != 0);
  CHECK(body_of(bad_json)["errmsg"].get<std::string>().find("Warning: wrong json format.") != std::string::npos);

  auto card = json{{"msgtype", "template_card"},
                   {"template_card", {{"card_type", "text_notice"}, {"main_title", {{"title", "FAULT-1"}}}}}};
  CHECK(body_of(send(*s, post("/hooks/wecom/ops", card.dump())))["errcode"] != 0);
  card["template_card"]["card_action"] = {{"type", 1}, {"url", "https://x"}};
  CHECK(body_of(send(*s, post("/hooks/wecom/ops", card.dump())))["errcode"] == 0);

  auto recorded = messages(*s, "wecom");
  REQUIRE(recorded.size() == 10);
  CHECK(recorded[0]["accepted"] == true);
  CHECK(recorded[0]["body"]["text"]["content"] == "FAULT-1 opened");
  CHECK(recorded[2]["accepted"] == false);
  CHECK(recorded[2]["status"] == 200);
  CHECK(recorded[2]["response"]["errcode"] == 40008);
  CHECK(recorded[7]["body"] == "{not json");
}

TEST_CASE("dingtalk verifies timestamp and sign from the query", "[sandbox][hooks]") {
  auto s = make_service();
  const std::string body = R"({"msgtype":"text","text":{"content":"FAULT-1 opened"}})";
  std::string ts = std::to_string(now_ms() - 5000);
  SbRequest good = post("/hooks/dingtalk/ops", body);
  good.query.emplace("timestamp", ts);
  good.query.emplace("sign", dingtalk_sign(ts, k_ding_secret));
  auto ok = send(*s, good);
  CHECK(ok.status == 200);
  CHECK(body_of(ok) == json{{"errcode", 0}, {"errmsg", "ok"}});

  SbRequest wrong = good;
  wrong.query = {{"timestamp", ts}, {"sign", dingtalk_sign(ts, "SECother")}};
  auto bad = send(*s, wrong);
  CHECK(bad.status == 200);
  CHECK(body_of(bad)["errcode"] == 310000);
  CHECK(body_of(bad)["errmsg"] == "sign not match");

  // The Feishu-style computation (key and message swapped) must not pass.
  SbRequest swapped = good;
  swapped.query = {{"timestamp", ts}, {"sign", feishu_sign(ts, k_ding_secret)}};
  CHECK(body_of(send(*s, swapped))["errcode"] == 310000);

  std::string old_ts = std::to_string(now_ms() - 2 * 3600 * 1000);
  SbRequest stale = good;
  stale.query = {{"timestamp", old_ts}, {"sign", dingtalk_sign(old_ts, k_ding_secret)}};
  CHECK(body_of(send(*s, stale))["errmsg"] == "invalid timestamp");

  SbRequest unsigned_request = post("/hooks/dingtalk/ops", body);
  CHECK(body_of(send(*s, unsigned_request))["errcode"] == 310000);

  // A hook without a secret needs no sign.
  CHECK(body_of(send(*s, post("/hooks/dingtalk/plain", body)))["errcode"] == 0);
}

TEST_CASE("dingtalk checks payloads, keywords and deduplicates msgUuid", "[sandbox][hooks]") {
  auto s = make_service();
  CHECK(body_of(send(*s, post("/hooks/dingtalk/plain", R"({"msgtype":"markdown","markdown":{"title":"t","text":"x"}})")))["errcode"] == 0);
  CHECK(body_of(send(*s, post("/hooks/dingtalk/plain", R"({"msgtype":"markdown","markdown":{"text":"x"}})")))["errcode"] == 300001);
  CHECK(body_of(send(*s, post("/hooks/dingtalk/plain", R"({"msgtype":"voice"})")))["errcode"] == 300001);
  std::string huge = json{{"msgtype", "text"}, {"text", {{"content", std::string(20001, 'x')}}}}.dump();
  CHECK(body_of(send(*s, post("/hooks/dingtalk/plain", huge)))["errcode"] == 460101);

  auto no_kw = send(*s, post("/hooks/dingtalk/kw", R"({"msgtype":"text","text":{"content":"hello"}})"));
  CHECK(body_of(no_kw)["errcode"] == 310000);
  CHECK(body_of(no_kw)["errmsg"] == "keywords not in content");
  CHECK(body_of(send(*s, post("/hooks/dingtalk/kw", R"({"msgtype":"text","text":{"content":"fault FAULT-1"}})")))["errcode"] == 0);

  const std::string with_uuid = R"({"msgtype":"text","text":{"content":"x"},"msgUuid":"u-1"})";
  CHECK(body_of(send(*s, post("/hooks/dingtalk/dedup", with_uuid)))["errcode"] == 0);
  CHECK(body_of(send(*s, post("/hooks/dingtalk/dedup", with_uuid)))["errcode"] == 0);
  SbRequest list;
  list.method = "GET";
  list.path = "/_sandbox/messages";
  list.query.emplace("name", "dedup");
  CHECK(body_of(send(*s, list))["messages"].size() == 1);
}

TEST_CASE("feishu verifies the body sign and answers code/msg", "[sandbox][hooks]") {
  auto s = make_service();
  std::string ts = std::to_string(now_ms() / 1000 - 10);
  json msg{{"timestamp", ts}, {"sign", feishu_sign(ts, k_feishu_secret)}, {"msg_type", "text"}, {"content", {{"text", "FAULT-1"}}}};
  auto ok = send(*s, post("/hooks/feishu/ops", msg.dump()));
  CHECK(ok.status == 200);
  CHECK(body_of(ok)["code"] == 0);
  CHECK(body_of(ok)["msg"] == "success");
  CHECK(body_of(ok)["StatusCode"] == 0);

  json swapped = msg;
  swapped["sign"] = dingtalk_sign(ts, k_feishu_secret);
  auto bad = send(*s, post("/hooks/feishu/ops", swapped.dump()));
  CHECK(bad.status == 200);
  CHECK(body_of(bad)["code"] == 19021);

  std::string old_ts = std::to_string(now_ms() / 1000 - 3700);
  json stale = msg;
  stale["timestamp"] = old_ts;
  stale["sign"] = feishu_sign(old_ts, k_feishu_secret);
  CHECK(body_of(send(*s, post("/hooks/feishu/ops", stale.dump())))["code"] == 19021);

  CHECK(body_of(send(*s, post("/hooks/feishu/plain", "not json")))["code"] == 9499);
  CHECK(body_of(send(*s, post("/hooks/feishu/plain", R"({"msg_type":"text","content":{}})")))["code"] == 9499);
  CHECK(body_of(send(*s, post("/hooks/feishu/plain", R"({"msg_type":"interactive","content":{"card":{}}})")))["code"] == 9499);
  CHECK(body_of(send(*s, post("/hooks/feishu/plain", R"({"msg_type":"interactive","card":{"elements":[]}})")))["code"] == 0);
  json post_msg{{"msg_type", "post"},
                {"content", {{"post", {{"zh_cn", {{"title", "t"}, {"content", json::array({json::array({{{"tag", "text"}, {"text", "a"}}})})}}}}}}}};
  CHECK(body_of(send(*s, post("/hooks/feishu/plain", post_msg.dump())))["code"] == 0);
  CHECK(body_of(send(*s, post("/hooks/feishu/kw", R"({"msg_type":"text","content":{"text":"hi"}})")))["code"] == 19024);
}

TEST_CASE("slack answers ok or a plain-text error with a 4xx", "[sandbox][hooks]") {
  auto s = make_service();
  auto ok = send(*s, post("/hooks/slack/ops", R"({"text":"FAULT-1 opened"})"));
  CHECK(ok.status == 200);
  CHECK(ok.body == "ok");
  auto invalid = send(*s, post("/hooks/slack/ops", "text=hello"));
  CHECK(invalid.status == 400);
  CHECK(invalid.body == "invalid_payload");
  auto no_text = send(*s, post("/hooks/slack/ops", R"({"username":"x"})"));
  CHECK(no_text.status == 400);
  CHECK(no_text.body == "no_text");
  json blocks{{"text", "t"}, {"blocks", json::array()}};
  for (int i = 0; i < 51; ++i) blocks["blocks"].push_back({{"type", "divider"}});
  CHECK(send(*s, post("/hooks/slack/ops", blocks.dump())).body == "invalid_blocks");
  CHECK(send(*s, post("/hooks/slack/ops", R"({"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"x"}}]})")).status == 200);
}

TEST_CASE("teams answers 202 and records whether the adaptive card is valid", "[sandbox][hooks]") {
  auto s = make_service();
  json card{{"type", "message"},
            {"attachments", json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                          {"contentUrl", nullptr},
                                          {"content", {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                                                       {"type", "AdaptiveCard"},
                                                       {"version", "1.4"},
                                                       {"body", json::array({{{"type", "TextBlock"}, {"text", "FAULT-1"}}})}}}}})}};
  auto ok = send(*s, post("/hooks/teams/ops", card.dump()));
  CHECK(ok.status == 202);
  json v15 = card;
  v15["attachments"][0]["content"]["version"] = "1.5";
  CHECK(send(*s, post("/hooks/teams/ops", v15.dump())).status == 202);
  json wrong_type = card;
  wrong_type["attachments"][0]["contentType"] = "application/vnd.microsoft.teams.card.o365connector";
  CHECK(send(*s, post("/hooks/teams/ops", wrong_type.dump())).status == 202);
  CHECK(send(*s, post("/hooks/teams/ops", "<xml/>")).status == 400);
  auto recorded = messages(*s, "teams");
  REQUIRE(recorded.size() == 4);
  CHECK(recorded[0]["accepted"] == true);
  CHECK(recorded[1]["accepted"] == false);
  CHECK(recorded[1]["reason"].get<std::string>().find("1.4") != std::string::npos);
  CHECK(recorded[2]["accepted"] == false);
  CHECK(recorded[3]["status"] == 400);
}

TEST_CASE("generic hook checks the HMAC signature and records an idempotency key once", "[sandbox][hooks]") {
  auto s = make_service();
  const std::string body = R"({"event":"fault.opened","key":"FAULT-1"})";
  SbRequest good = post("/hooks/generic/ops", body);
  good.headers["x-faultline-signature"] = "sha256=" + sandbox::hex_encode(sandbox::hmac_sha256(k_generic_secret, body));
  good.headers["idempotency-key"] = "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"";
  auto first = send(*s, good);
  CHECK(first.status == 200);
  CHECK(body_of(first)["duplicate"] == false);
  auto again = send(*s, good);
  CHECK(again.status == 200);
  CHECK(body_of(again)["duplicate"] == true);
  auto recorded = messages(*s, "generic");
  REQUIRE(recorded.size() == 1);
  CHECK(recorded[0]["headers"]["idempotency-key"] == "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");

  SbRequest reused = good;
  reused.body = R"({"event":"fault.closed"})";
  reused.headers["x-faultline-signature"] = "sha256=" + sandbox::hex_encode(sandbox::hmac_sha256(k_generic_secret, reused.body));
  CHECK(send(*s, reused).status == 422);

  SbRequest forged = good;
  forged.headers["x-faultline-signature"] = "sha256=" + sandbox::hex_encode(sandbox::hmac_sha256("wrong", body));
  forged.headers["idempotency-key"] = "other";
  CHECK(send(*s, forged).status == 401);
  SbRequest missing = post("/hooks/generic/ops", body);
  CHECK(send(*s, missing).status == 401);
  CHECK(send(*s, post("/hooks/generic/open", "not json")).status == 400);
  CHECK(send(*s, post("/hooks/generic/open", body)).status == 200);
  CHECK(messages(*s, "generic").size() == 6);
}

TEST_CASE("hook messages can be listed, filtered, cleared, snapshotted and restored", "[sandbox][hooks]") {
  auto s = make_service();
  send(*s, post("/hooks/slack/ops", R"({"text":"one"})"));
  send(*s, post("/hooks/wecom/ops", R"({"msgtype":"text","text":{"content":"two"}})"));
  CHECK(messages(*s).size() == 2);
  CHECK(messages(*s, "slack").size() == 1);
  auto first = messages(*s)[0];
  CHECK(first["kind"] == "slack");
  CHECK(first["name"] == "ops");
  CHECK(first["time"] == "2026-11-25T12:00:00.000Z");
  CHECK(first["headers"]["content-type"] == "application/json");

  json state = s->snapshot();
  auto copy = sandbox::make_hooks_service();
  copy->restore(state);
  CHECK(messages(*copy).size() == 2);
  CHECK(copy->snapshot() == state);

  SbRequest clear;
  clear.method = "DELETE";
  clear.path = "/_sandbox/messages";
  CHECK(send(*s, clear).status == 204);
  CHECK(messages(*s).empty());
  CHECK(messages(*copy).size() == 2);
}

TEST_CASE("hooks answer fields of the wrong JSON type as a bad payload, not a crash", "[sandbox][hooks]") {
  auto s = make_service();
  CHECK(body_of(send(*s, post("/hooks/wecom/ops", R"({"msgtype":5})")))["errcode"] == 40008);
  CHECK(body_of(send(*s, post("/hooks/dingtalk/plain", R"({"msgtype":["text"]})")))["errcode"] == 300001);
  CHECK(body_of(send(*s, post("/hooks/feishu/plain", R"({"msg_type":1,"content":[]})")))["code"] == 9499);
  CHECK(send(*s, post("/hooks/teams/ops", R"({"type":1})")).status == 202);
  CHECK(messages(*s).size() == 4);
}
