// Issue #12 point 5: hostile text in a fault's values reaches every platform as text. Each
// platform's table renders the shipped fault.opened template with a hostile summary, service
// and description and checks that the payload holds none of the value's mentions, links, tags
// or emphasis in that platform's syntax, while faultline's own link and mentions still work.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "faultline/notify/markdown_literals.hpp"
#include "faultline/notify/message.hpp"
#include "faultline/notify/payload.hpp"
#include "notify_test_support.hpp"

using namespace faultline;
using namespace faultline::notify;
using nlohmann::json;

namespace {

const std::string k_fault_url = "https://example.atlassian.net/browse/FAULT-12";

// A hostile value and the forms it must not take in a payload (its active syntax).
struct Hostile {
  std::string value;
  std::vector<std::string> active;          // on every Markdown platform
  std::vector<std::string> active_on_slack;  // in mrkdwn
};

const std::vector<Hostile>& hostile_values() {
  static const std::vector<Hostile> rows = {
      {"<at id=all></at>", {"<at id=all"}, {"<at"}},
      {"<at user_id=\"all\">", {"<at user_id"}, {"<at"}},
      {"<font color=\"warning\">x</font>", {"<font"}, {"<font"}},
      {"[click](https://evil.example)", {"](https://evil", "[click]("}, {"<https://evil"}},
      {"**bold**", {"**bold**"}, {}},
      {"@all", {}, {}},
      {"<!channel>", {"<!channel"}, {"<!channel"}},
      {"<https://evil.example|x>", {"<https://evil"}, {"<https://evil"}},
      {"`rm -rf /` and ```sh\nrm```", {"`rm", "```"}, {}},
      {"Checkout down\n<at id=all></at>\n[click](https://evil.example)", {"<at id=all", "](https://evil"}, {"<at", "<https://evil"}},
  };
  return rows;
}

Message fault_opened_with(const std::string& value) {
  const json data = {{"fault",
                      {{"key", "FAULT-12"}, {"summary", value}, {"level", "P2"}, {"service", value},
                       {"description", value}, {"url", k_fault_url}}},
                     {"link", {{"url", k_fault_url}, {"title", "FAULT-12"}}},
                     {"mentions", {"alice"}}};
  auto message = render_message("fault.opened", data, TemplateDirs{{}, {std::string(FAULTLINE_SOURCE_DIR) + "/templates/notify"}});
  REQUIRE(message.has_value());
  return *message;
}

std::vector<json> payloads_for(ChannelKind kind, const Message& message) {
  return build_payloads(kind, message,
                        resolve_mentions(kind, message.mention_people, MentionAll::No, test::sample_people()));
}

bool has_text(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void check_inactive(const std::string& rendered, const std::vector<std::string>& active) {
  for (const auto& form : active) {
    INFO("active form: " << form);
    CHECK_FALSE(has_text(rendered, form));
  }
}

// The title field of a platform that shows it as plain text is one line.
void check_one_line(const std::string& title) {
  INFO(title);
  CHECK(title.find('\n') == std::string::npos);
  CHECK(title.starts_with("[P2] FAULT-12 opened: "));
}

}  // namespace

TEST_CASE("WeCom: a value's <font>, <@id>, links and bold stay text; the fault link and <@alice.w> work") {
  for (const auto& hostile : hostile_values()) {
    INFO("value: " << hostile.value);
    const auto payloads = payloads_for(ChannelKind::WeCom, fault_opened_with(hostile.value));
    REQUIRE(payloads.size() == 1);  // no text message: nothing asked for @all or a phone number
    const std::string content = payloads[0]["markdown"]["content"];
    INFO(content);
    check_inactive(content, hostile.active);
    CHECK_FALSE(has_text(content, "<@all"));
    CHECK(content.starts_with("**[P2] FAULT-12 opened: "));
    CHECK(has_text(content, "[FAULT-12](" + k_fault_url + ")"));
    CHECK(has_text(content, "<@alice.w>"));
  }
}

TEST_CASE("DingTalk: a value's links and emphasis stay text; @all pages nobody; the fault link and @alice.d work") {
  for (const auto& hostile : hostile_values()) {
    INFO("value: " << hostile.value);
    const auto payloads = payloads_for(ChannelKind::DingTalk, fault_opened_with(hostile.value));
    REQUIRE(payloads.size() == 1);
    const std::string text = payloads[0]["markdown"]["text"];
    INFO(text);
    check_inactive(text, hostile.active);
    check_one_line(payloads[0]["markdown"]["title"]);
    CHECK(has_text(text, "[FAULT-12](" + k_fault_url + ")"));
    CHECK(has_text(text, "@alice.d"));
    CHECK(payloads[0]["at"]["isAtAll"] == false);
    CHECK(payloads[0]["at"]["atUserIds"] == json::array({"alice.d"}));
    CHECK(payloads[0]["at"]["atMobiles"] == json::array());
  }
}

TEST_CASE("Feishu: a value's <at id=all></at>, <font> and links stay text; faultline's <at> and link button work") {
  for (const auto& hostile : hostile_values()) {
    INFO("value: " << hostile.value);
    const auto payloads = payloads_for(ChannelKind::Feishu, fault_opened_with(hostile.value));
    REQUIRE(payloads.size() == 1);
    const json& card = payloads[0]["card"];
    const std::string md = card["elements"][0]["text"]["content"];
    const std::string header = card["header"]["title"]["content"];
    INFO(md);
    check_inactive(md, hostile.active);
    check_inactive(header, hostile.active);
    CHECK(header.find('\n') == std::string::npos);
    CHECK(header.starts_with("[P2] FAULT-12 opened: "));
    CHECK(has_text(md, "<at id=ou_alice></at>"));
    CHECK(card["elements"][1]["actions"][0]["url"] == k_fault_url);
  }
  // faultline's own @all is still a mention, once.
  Message message = fault_opened_with("<at id=all></at>");
  message.mention_all = true;
  const auto payloads = build_payloads(ChannelKind::Feishu, message,
                                       resolve_mentions(ChannelKind::Feishu, {"alice"}, MentionAll::Yes, test::sample_people()));
  const std::string md = payloads[0]["card"]["elements"][0]["text"]["content"];
  REQUIRE(has_text(md, "<at id=all></at>"));
  CHECK(md.find("<at id=all></at>") == md.rfind("<at id=all></at>"));
  CHECK(has_text(md, "&#60;at id=all&#62;&#60;/at&#62;"));
}

TEST_CASE("Slack: a value's <!channel>, <url|text> and Markdown links stay text; the fault link and <@U0ALICE> work") {
  for (const auto& hostile : hostile_values()) {
    INFO("value: " << hostile.value);
    const auto payloads = payloads_for(ChannelKind::Slack, fault_opened_with(hostile.value));
    REQUIRE(payloads.size() == 1);
    std::string text;
    for (const auto& block : payloads[0]["blocks"]) {
      CHECK(block["text"].value("verbatim", false));  // no automatic links or mentions from plain text
      text += block["text"]["text"].get<std::string>() + "\n";
    }
    INFO(text);
    check_inactive(text, hostile.active_on_slack);
    check_inactive(payloads[0]["text"], hostile.active_on_slack);
    check_one_line(payloads[0]["text"]);
    CHECK(has_text(text, "<" + k_fault_url + "|FAULT-12>"));
    CHECK(has_text(text, "<@U0ALICE>"));
    CHECK(has_text(text, "*Service:* "));  // the template's own bold still converts
  }
}

TEST_CASE("Teams: a value's links, <at> tags and bold stay text; the fault action and alice's mention work") {
  for (const auto& hostile : hostile_values()) {
    INFO("value: " << hostile.value);
    const auto payloads = payloads_for(ChannelKind::Teams, fault_opened_with(hostile.value));
    REQUIRE(payloads.size() == 1);
    const json& card = payloads[0]["attachments"][0]["content"];
    std::string text;
    for (const auto& block : card["body"]) text += block["text"].get<std::string>() + "\n";
    INFO(text);
    check_inactive(text, hostile.active);
    CHECK_FALSE(has_text(text, "<at>all"));
    REQUIRE(card["msteams"]["entities"].size() == 1);
    CHECK(card["msteams"]["entities"][0]["mentioned"]["id"] == "alice@contoso.onmicrosoft.com");
    CHECK(has_text(text, "<at>alice</at>"));
    CHECK(card["actions"][0]["url"] == k_fault_url);
  }
}

TEST_CASE("generic: the title is the plain text; the body is CommonMark with the values escaped") {
  for (const auto& hostile : hostile_values()) {
    INFO("value: " << hostile.value);
    const auto payloads = payloads_for(ChannelKind::Generic, fault_opened_with(hostile.value));
    REQUIRE(payloads.size() == 1);
    std::string one_line = hostile.value;
    for (char& c : one_line)
      if (c == '\n') c = ' ';
    CHECK(payloads[0]["title"] == "[P2] FAULT-12 opened: " + one_line);
    const std::string body = payloads[0]["body"];
    CHECK(has_text(body, "- **Service:** " + escape_markdown_text(hostile.value)));
    CHECK(has_text(markdown_to_plain(body), hostile.value));
  }
}

TEST_CASE("a template's own link renders on every platform while the value next to it stays text") {
  const json data = {{"count", 1},
                     {"owners",
                      {{{"owner", "alice"},
                        {"actions",
                         {{{"key", "FAULT-13"}, {"summary", "[click](https://evil.example) <at id=all></at>"},
                           {"url", "https://example.atlassian.net/browse/FAULT-13"}}}}}}}};
  const auto message = render_message("actions.overdue", data,
                                      TemplateDirs{{}, {std::string(FAULTLINE_SOURCE_DIR) + "/templates/notify"}});
  REQUIRE(message.has_value());
  const std::string own_link = "[FAULT-13](https://example.atlassian.net/browse/FAULT-13)";
  const ResolvedMentions none;
  for (const auto kind : {ChannelKind::WeCom, ChannelKind::DingTalk, ChannelKind::Feishu, ChannelKind::Teams}) {
    INFO(to_string(kind));
    const std::string dumped = build_payloads(kind, *message, none)[0].dump();
    CHECK(has_text(dumped, own_link));
    CHECK_FALSE(has_text(dumped, "](https://evil"));
    CHECK_FALSE(has_text(dumped, "<at id=all"));
  }
  const std::string slack = build_payloads(ChannelKind::Slack, *message, none)[0].dump();
  CHECK(has_text(slack, "<https://example.atlassian.net/browse/FAULT-13|FAULT-13>"));
  CHECK_FALSE(has_text(slack, "<https://evil"));
}
