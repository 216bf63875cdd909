#include <catch2/catch.hpp>

#include "faultline/notify/payload.hpp"
#include "faultline/notify/signing.hpp"
#include "notify_test_support.hpp"

using namespace faultline;
using namespace faultline::notify;
using nlohmann::json;

namespace {

Message sample_message() {
  Message message;
  message.event = "fault.opened";
  message.title = "[P2] FAULT-12 opened: Checkout returns 502";
  message.markdown_body = "- **Service:** checkout\n- **Team:** payments";
  message.link_url = "https://jira.example.com/browse/FAULT-12";
  message.link_title = "FAULT-12";
  message.mention_people = {"alice", "dave.jira", "bob", "nobody"};
  message.dedupe_key = "FAULT-12:fault.opened";
  return message;
}

ResolvedMentions mentions_for(ChannelKind kind, const Message& message) {
  return resolve_mentions(kind, message.mention_people, message.mention_all ? MentionAll::Yes : MentionAll::No,
                          test::sample_people());
}

std::string long_multibyte_body(std::size_t lines) {
  std::string body;
  for (std::size_t i = 0; i < lines; ++i) body += "- 第" + std::to_string(i) + "步：回滚配置并观察错误率 ✅\n";
  return body;
}

const auto k_now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));

}  // namespace

TEST_CASE("mentions resolve people keys and Jira users per platform; unknown ones are listed") {
  const Message message = sample_message();
  const auto wecom = mentions_for(ChannelKind::WeCom, message);
  REQUIRE(wecom.mentions.size() == 2);
  CHECK(wecom.mentions[0].id == "alice.w");
  CHECK(wecom.mentions[1].person == "dave");
  CHECK(wecom.mentions[1].id == "mobile:13800001111");
  CHECK(wecom.unresolved == std::vector<std::string>{"bob", "nobody"});

  const auto feishu = mentions_for(ChannelKind::Feishu, message);  // dave has a "lark" id
  REQUIRE(feishu.mentions.size() == 2);
  CHECK(feishu.mentions[1].id == "ou_dave");

  const auto email = mentions_for(ChannelKind::Email, message);
  REQUIRE(email.mentions.size() == 2);
  CHECK(email.mentions[0].id == "alice@example.com");

  const auto generic = mentions_for(ChannelKind::Generic, message);  // falls back to the key
  CHECK(generic.mentions.size() == 4);
  CHECK(generic.unresolved.empty());
}

TEST_CASE("WeCom: markdown with <@userid>, and a text message for phone numbers and @all") {
  Message message = sample_message();
  message.mention_all = true;
  const auto payloads = build_payloads(ChannelKind::WeCom, message, mentions_for(ChannelKind::WeCom, message));
  REQUIRE(payloads.size() == 2);
  CHECK(payloads[0]["msgtype"] == "markdown");
  const std::string content = payloads[0]["markdown"]["content"];
  CHECK(content.starts_with("**[P2] FAULT-12 opened: Checkout returns 502**"));
  CHECK(content.find("<@alice.w>") != std::string::npos);
  CHECK(content.find("[FAULT-12](https://jira.example.com/browse/FAULT-12)") != std::string::npos);
  CHECK(content.find("@bob") != std::string::npos);
  CHECK(payloads[1]["msgtype"] == "text");
  CHECK(payloads[1]["text"]["mentioned_list"] == json::array({"@all"}));
  CHECK(payloads[1]["text"]["mentioned_mobile_list"] == json::array({"13800001111"}));
}

TEST_CASE("WeCom: a long message splits into markdown parts of at most 4096 bytes") {
  Message message = sample_message();
  message.mention_people = {"alice"};
  message.markdown_body = long_multibyte_body(400);
  const auto payloads = build_payloads(ChannelKind::WeCom, message, mentions_for(ChannelKind::WeCom, message));
  REQUIRE(payloads.size() > 3);
  std::string joined;
  for (const auto& payload : payloads) {
    CHECK(payload["msgtype"] == "markdown");
    const std::string part = payload["markdown"]["content"];
    CHECK(part.size() <= 4096);
    joined += part;
  }
  CHECK(joined.find(message.markdown_body) != std::string::npos);
  CHECK(payloads.back()["markdown"]["content"].get<std::string>().ends_with("<@alice.w>"));
}

TEST_CASE("DingTalk: markdown with at.atUserIds/atMobiles and @id in the text") {
  const Message message = sample_message();
  const auto payloads = build_payloads(ChannelKind::DingTalk, message, mentions_for(ChannelKind::DingTalk, message));
  REQUIRE(payloads.size() == 1);
  const json& payload = payloads[0];
  CHECK(payload["msgtype"] == "markdown");
  CHECK(payload["markdown"]["title"] == message.title);
  const std::string text = payload["markdown"]["text"];
  CHECK(text.find("@alice.d") != std::string::npos);
  CHECK(text.find("@13800002222") != std::string::npos);
  CHECK(payload["at"]["atUserIds"] == json::array({"alice.d"}));
  CHECK(payload["at"]["atMobiles"] == json::array({"13800002222"}));
  CHECK(payload["at"]["isAtAll"] == false);
}

TEST_CASE("DingTalk: signed URL and msgUuid from the dedupe key") {
  const Message message = sample_message();
  const auto channel = test::channel("ops", "dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=tok", "SECabc");
  const auto payloads = build_payloads(ChannelKind::DingTalk, message, {});
  const auto request = make_request(ChannelKind::DingTalk, channel, payloads[0], message, 0, k_now);
  CHECK(request.method == http::Method::Post);
  CHECK(request.url == dingtalk_signed_url(channel.url, "SECabc", 1700000000000));
  CHECK(json::parse(request.body)["msgUuid"] == "FAULT-12:fault.opened");
  CHECK(json::parse(make_request(ChannelKind::DingTalk, channel, payloads[0], message, 2, k_now).body)["msgUuid"] ==
        "FAULT-12:fault.opened#2");
  CHECK(request.retry == http::RetrySafety::Safe);
}

TEST_CASE("DingTalk: a long message splits below the body limit; mentions go with the last part") {
  Message message = sample_message();
  message.markdown_body = long_multibyte_body(800);
  PlatformLimits limits;
  limits.dingtalk_text_bytes = 5000;
  const auto payloads = build_payloads(ChannelKind::DingTalk, message, mentions_for(ChannelKind::DingTalk, message), limits);
  REQUIRE(payloads.size() > 2);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    CHECK(payloads[i]["markdown"]["text"].get<std::string>().size() <= 5000);
    CHECK(payloads[i].contains("at") == (i + 1 == payloads.size()));
  }
  CHECK(payloads[1]["markdown"]["title"].get<std::string>().ends_with("(2/" + std::to_string(payloads.size()) + ")"));
}

TEST_CASE("Feishu: interactive card with lark_md <at id=...></at>, signature fields in the body") {
  Message message = sample_message();
  message.mention_all = true;
  const auto payloads = build_payloads(ChannelKind::Feishu, message, mentions_for(ChannelKind::Feishu, message));
  REQUIRE(payloads.size() == 1);
  const json& payload = payloads[0];
  CHECK(payload["msg_type"] == "interactive");
  CHECK_FALSE(payload.contains("content"));  // the card is top-level
  CHECK(payload["card"]["header"]["title"]["content"] == message.title);
  const std::string md = payload["card"]["elements"][0]["text"]["content"];
  CHECK(payload["card"]["elements"][0]["text"]["tag"] == "lark_md");
  CHECK(md.find("<at id=ou_alice></at>") != std::string::npos);
  CHECK(md.find("<at id=all></at>") != std::string::npos);
  CHECK(payload["card"]["elements"][1]["actions"][0]["url"] == message.link_url);

  const auto channel = test::channel("lark", "feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/xyz", "fsecret");
  const auto request = make_request(ChannelKind::Feishu, channel, payload, message, 0, k_now);
  const json body = json::parse(request.body);
  CHECK(body["timestamp"] == "1700000000");
  CHECK(body["sign"] == feishu_sign("fsecret", 1700000000));
  CHECK(request.url == channel.url);
}

TEST_CASE("Slack: mrkdwn sections with <@U...> mentions, text fallback always set") {
  Message message = sample_message();
  message.markdown_body = "**Service:** checkout & <api>\n# Impact\nsee [runbook](https://wiki/r)";
  const auto payloads = build_payloads(ChannelKind::Slack, message, mentions_for(ChannelKind::Slack, message));
  REQUIRE(payloads.size() == 1);
  const json& payload = payloads[0];
  CHECK(payload["text"] == message.title);
  REQUIRE(payload["blocks"].size() == 1);
  CHECK(payload["blocks"][0]["type"] == "section");
  CHECK(payload["blocks"][0]["text"]["type"] == "mrkdwn");
  const std::string text = payload["blocks"][0]["text"]["text"];
  CHECK(text.find("*Service:* checkout &amp; &lt;api&gt;") != std::string::npos);
  CHECK(text.find("\n*Impact*\n") != std::string::npos);
  CHECK(text.find("<https://wiki/r|runbook>") != std::string::npos);
  CHECK(text.find("<https://jira.example.com/browse/FAULT-12|FAULT-12>") != std::string::npos);
  CHECK(text.find("<@U0ALICE> <@U0DAVE>") != std::string::npos);
}

TEST_CASE("Slack: section text stays within 3000 bytes and 50 blocks per message") {
  Message message = sample_message();
  message.markdown_body = long_multibyte_body(6000);  // ~330 KB
  const auto payloads = build_payloads(ChannelKind::Slack, message, {});
  REQUIRE(payloads.size() > 1);
  for (const auto& payload : payloads) {
    CHECK(payload["blocks"].size() <= 50);
    std::size_t total = 0;
    for (const auto& block : payload["blocks"]) {
      const auto size = block["text"]["text"].get<std::string>().size();
      CHECK(size <= 3000);
      total += size;
    }
    CHECK(total <= 40000);
  }
}

TEST_CASE("Teams: Workflows message with an Adaptive Card 1.4 and mention entities") {
  const Message message = sample_message();
  const auto payloads = build_payloads(ChannelKind::Teams, message, mentions_for(ChannelKind::Teams, message));
  REQUIRE(payloads.size() == 1);
  const json& payload = payloads[0];
  CHECK(payload["type"] == "message");
  const json& attachment = payload["attachments"][0];
  CHECK(attachment["contentType"] == "application/vnd.microsoft.card.adaptive");
  const json& card = attachment["content"];
  CHECK(card["type"] == "AdaptiveCard");
  CHECK(card["version"] == "1.4");
  CHECK(card["body"][0]["text"] == message.title);
  CHECK(card["body"][1]["text"] == "- **Service:** checkout\n\n- **Team:** payments");
  const json& entity = card["msteams"]["entities"][0];
  CHECK(entity["type"] == "mention");
  CHECK(entity["text"] == "<at>alice</at>");
  CHECK(entity["mentioned"]["id"] == "alice@contoso.onmicrosoft.com");
  CHECK(card["body"][2]["text"].get<std::string>().find("<at>alice</at>") != std::string::npos);
  CHECK(card["actions"][0]["type"] == "Action.OpenUrl");
}

TEST_CASE("Teams: an oversized card is truncated to 28 KB with a pointer to the link") {
  Message message = sample_message();
  message.markdown_body = long_multibyte_body(2000);
  const auto payloads = build_payloads(ChannelKind::Teams, message, {});
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0].dump().size() <= 28000);
  const std::string body = payloads[0]["attachments"][0]["content"]["body"][1]["text"];
  CHECK(body.ends_with("… (truncated; the full text is at [FAULT-12](https://jira.example.com/browse/FAULT-12))"));
  CHECK(body.size() > 20000);
}

TEST_CASE("generic: JSON body, event and idempotency headers, HMAC signature of the exact body") {
  const Message message = sample_message();
  const auto payloads = build_payloads(ChannelKind::Generic, message, mentions_for(ChannelKind::Generic, message));
  REQUIRE(payloads.size() == 1);
  const auto channel = test::channel("hook", "generic", "https://hooks.example.com/faultline", "whsecret");
  const auto request = make_request(ChannelKind::Generic, channel, payloads[0], message, 0, k_now);
  const json body = json::parse(request.body);
  CHECK(body["event"] == "fault.opened");
  CHECK(body["title"] == message.title);
  CHECK(body["body"] == message.markdown_body);
  CHECK(body["link"]["url"] == message.link_url);
  CHECK(body["dedupe_key"] == "FAULT-12:fault.opened");
  CHECK(body["sent_at"] == "2023-11-14T22:13:20Z");
  CHECK(body["mentions"][0] == json{{"person", "alice"}, {"id", "alice-generic"}});
  auto header = [&request](std::string_view name) {
    for (const auto& [key, value] : request.headers)
      if (key == name) return value;
    return std::string("<missing>");
  };
  CHECK(header("Content-Type") == "application/json; charset=utf-8");
  CHECK(header("X-Faultline-Event") == "fault.opened");
  CHECK(header("Idempotency-Key") == "\"FAULT-12:fault.opened\"");
  CHECK(header("X-Faultline-Signature") == generic_signature("whsecret", request.body));

  const auto unsigned_request = make_request(ChannelKind::Generic, test::channel("h", "generic", "https://h/x"),
                                             payloads[0], message, 0, k_now);
  CHECK(header("X-Faultline-Signature") != "<missing>");
  for (const auto& [key, value] : unsigned_request.headers) CHECK(key != "X-Faultline-Signature");
}

TEST_CASE("markdown_to_mrkdwn leaves unmatched markers alone") {
  CHECK(markdown_to_mrkdwn("a ** b [c] (d) #x") == "a ** b [c] (d) #x");
  CHECK(markdown_to_mrkdwn("## Title **x**") == "*Title x*");
}

TEST_CASE("channel kinds parse from their config names and nothing else") {
  CHECK(parse_channel_kind("wecom") == ChannelKind::WeCom);
  CHECK(parse_channel_kind("dingtalk") == ChannelKind::DingTalk);
  CHECK(parse_channel_kind("feishu") == ChannelKind::Feishu);
  CHECK(parse_channel_kind("slack") == ChannelKind::Slack);
  CHECK(parse_channel_kind("teams") == ChannelKind::Teams);
  CHECK(parse_channel_kind("generic") == ChannelKind::Generic);
  CHECK(parse_channel_kind("email") == ChannelKind::Email);
  CHECK_FALSE(parse_channel_kind("msteams").has_value());
  CHECK(std::string(to_string(ChannelKind::Feishu)) == "feishu");
  CHECK(build_payloads(ChannelKind::Email, sample_message(), {}).empty());
}
