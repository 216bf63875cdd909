#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "faultline/core/room_names.hpp"
#include "faultline/core/utf8.hpp"

using namespace faultline::core;

namespace {

constexpr std::string_view k_pattern = "fault-{key}-{slug}";

bool valid_utf8(const std::string& text) { return sanitize_utf8(text) == text; }

bool slack_valid(const std::string& name) {
  static const std::regex rule("^[a-z0-9_-]{1,80}$");
  return std::regex_match(name, rule);
}

// No control characters, no line breaks, no bidi or zero-width formatting characters.
bool visible_one_line(const std::string& text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = next_code_point(text, pos);
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
        cp == 0xFEFF || cp == 0x2028 || cp == 0x2029)
      return false;
  }
  return true;
}

std::size_t limit_of(std::string_view platform) {
  if (platform == "wecom") return k_wecom_name_chars;
  if (platform == "feishu") return k_feishu_name_chars;
  if (platform == "dingtalk") return k_dingtalk_name_chars;
  return k_slack_name_chars;
}

std::string repeat(std::string_view text, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

// Titles meant to break a name: emoji, CJK, RTL text and marks, control characters, path
// tricks, quotes and markup, only punctuation, invalid UTF-8, and a 10 KB title.
const std::vector<std::string>& hostile_titles() {
  static const std::vector<std::string> titles = {
      "Checkout returns 502",
      "支付服务大面积超时",
      "🔥🔥 Payments down 🚨",
      "\xe2\x80\xae" "evil\xe2\x80\xac override \xe2\x80\x8f\xe2\x80\x8e marks",
      "مرحبا بالعالم outage",
      "line one\nline two\r\nline\tthree\x01\x07\x1b[31m",
      "../../etc/passwd",
      "\"quoted\" 'single' <script>alert(1)</script> & `code`",
      "!!!???...---___",
      "",
      "   ",
      "\xff\xfe\xc3 invalid \xe6\x94 utf8",
      "zero\xe2\x80\x8bwidth\xef\xbb\xbfjoin\xe2\x80\x8d",
      repeat("数据库连接池耗尽 ", 1200),
      repeat("a", 10 * 1024),
  };
  return titles;
}

}  // namespace

TEST_CASE("room_name on Slack: lower-case a-z 0-9 - _, dashes collapsed and trimmed") {
  CHECK(room_name("slack", k_pattern, "FAULT-12", "Checkout returns 502", "P1") == "fault-fault-12-checkout-returns-502");
  CHECK(room_name("slack", "inc_{level}_{key}", "OPS-7", "x", "P1") == "inc_p1_ops-7");
  CHECK(room_name("slack", k_pattern, "FAULT-12", "支付服务 down!!", "P1") == "fault-fault-12-down");
  CHECK(room_name("slack", k_pattern, "FAULT-12", "支付服务", "P1") == "fault-fault-12");
  CHECK(room_name("slack", k_pattern, "FAULT-12", "", "P1") == "fault-fault-12");
}

TEST_CASE("room_name keeps Unicode on Feishu, DingTalk and WeCom, on one line") {
  CHECK(room_name("wecom", k_pattern, "FAULT-12", "支付服务大面积超时", "P1") == "fault-FAULT-12-支付服务大面积超时");
  CHECK(room_name("feishu", "[{level}] {key} {slug}", "FAULT-12", "Checkout\n returns\t502", "P1") ==
        "[P1] FAULT-12 Checkout returns 502");
  CHECK(room_name("wecom", k_pattern, "FAULT-12", "\xe2\x80\xae" "abc", "P1") == "fault-FAULT-12-abc");
}

TEST_CASE("room_name cuts the slug first: the key survives every limit") {
  const std::string title = repeat("数据库", 40);
  for (const std::string_view platform : {"slack", "feishu", "dingtalk", "wecom"}) {
    INFO(platform);
    const std::string name = room_name(platform, k_pattern, "FAULT-1234", title + " overflow", "P1");
    CHECK(count_code_points(name) <= limit_of(platform));
    CHECK(name.find(platform == "slack" ? "fault-1234" : "FAULT-1234") != std::string::npos);
  }
  // DingTalk's 20 characters: "fault-FAULT-12-" leaves 5 for the title.
  CHECK(room_name("dingtalk", k_pattern, "FAULT-12", "数据库连接池耗尽", "P1") == "fault-FAULT-12-数据库连接");
  CHECK(room_name("wecom", k_pattern, "FAULT-12", repeat("x", 100), "P1") == "fault-FAULT-12-" + repeat("x", 35));
  // A cut never leaves a separator at the end.
  CHECK(room_name("slack", k_pattern, "FAULT-12", repeat("ab ", 40), "P1").back() != '-');
}

TEST_CASE("room_name falls back to fault-<key> when the pattern's own text does not fit") {
  const std::string long_prefix = "incident response group for the fault ";
  CHECK(room_name("dingtalk", long_prefix + "{key}: {slug}", "FAULT-12", "x", "P1") == "fault-FAULT-12");
  CHECK(room_name("slack", repeat("x", 90) + "-{key}", "FAULT-12", "", "P1") == "fault-fault-12");
  // A key longer than the limit is the one thing that is cut.
  const std::string long_key = "LONGPROJECTKEYNAME-123456";
  CHECK(room_name("dingtalk", k_pattern, long_key, "t", "P1") == long_key.substr(0, 20));
}

TEST_CASE("room_name appends the key to a pattern without one, and keeps unknown placeholders literally") {
  CHECK(room_name("slack", "incident-{slug}", "FAULT-12", "Disk full", "P1") == "incident-disk-full-fault-12");
  CHECK(room_name("wecom", "{team} {key}", "FAULT-12", "t", "P1") == "{team} FAULT-12");
  CHECK(room_name("slack", "{team}-{key}", "FAULT-12", "t", "P1") == "team-fault-12");
  CHECK(room_name("wecom", "{key} {unclosed", "FAULT-12", "t", "P1") == "FAULT-12 {unclosed");
}

TEST_CASE("room_name is never empty") {
  CHECK(room_name("slack", "{slug}", "", "", "") == "fault");
  CHECK(room_name("slack", "{slug}", "故障", "!!!", "") == "fault");
  CHECK(room_name("wecom", "   ", "FAULT-12", "", "") == "FAULT-12");
  CHECK(room_name("slack", "", "FAULT-12", "", "") == "fault-12");
}

TEST_CASE("room_name gives a valid name for every platform whatever the title") {
  for (const auto& title : hostile_titles()) {
    for (const std::string_view platform : {"slack", "feishu", "dingtalk", "wecom", "other"}) {
      INFO(platform << " / title of " << title.size() << " bytes: " << title.substr(0, 60));
      const std::string name = room_name(platform, k_pattern, "FAULT-12", title, "P1");
      CHECK(valid_utf8(name));
      CHECK(visible_one_line(name));
      CHECK_FALSE(name.empty());
      CHECK(count_code_points(name) <= limit_of(platform));
      if (platform == "slack" || platform == "other") {
        CHECK(slack_valid(name));
        CHECK(name.find("fault-12") != std::string::npos);
      } else {
        CHECK(name.find("FAULT-12") != std::string::npos);
        CHECK(name.front() != ' ');
        CHECK(name.back() != ' ');
        CHECK(name.find("  ") == std::string::npos);
      }
    }
  }
}

TEST_CASE("room_topic is one visible line of at most 250 characters") {
  CHECK(room_topic("slack", "  [P1] FAULT-12:\n Checkout\treturns 502  ") == "[P1] FAULT-12: Checkout returns 502");
  CHECK(room_topic("slack", "") == "");
  CHECK(room_topic("feishu", "\x01\x02\n") == "");
  const std::string cut = room_topic("slack", repeat("数", 300));
  CHECK(count_code_points(cut) == k_room_topic_chars);
  CHECK(cut.ends_with("…"));
  CHECK(room_topic("slack", repeat("a", 250)) == repeat("a", 250));
  for (const auto& title : hostile_titles()) {
    const std::string topic = room_topic("slack", title);
    CHECK(valid_utf8(topic));
    CHECK(visible_one_line(topic));
    CHECK(count_code_points(topic) <= k_room_topic_chars);
  }
}

TEST_CASE("room_dedupe_key is fl + 16 hex of FNV-1a 64 of site and key, stable and distinct") {
  const std::string key = room_dedupe_key("https://jira.example.com", "FAULT-12");
  CHECK(std::regex_match(key, std::regex("^fl[0-9a-f]{16}$")));
  CHECK(key.size() <= 32);  // a WeCom chatid
  CHECK(key == room_dedupe_key("https://jira.example.com", "FAULT-12"));
  CHECK(key != room_dedupe_key("https://jira.example.com", "FAULT-13"));
  CHECK(key != room_dedupe_key("https://other.example.com", "FAULT-12"));
  // The newline between them keeps "ab" + "c" apart from "a" + "bc".
  CHECK(room_dedupe_key("ab", "c") != room_dedupe_key("a", "bc"));
  // FNV-1a 64 of the empty site and key ("\n"): offset basis xor '\n' times the prime.
  CHECK(room_dedupe_key("", "") == "flaf63c74c8601c8dd");
}
