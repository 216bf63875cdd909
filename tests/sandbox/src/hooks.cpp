// Webhook receivers for WeCom, DingTalk, Feishu/Lark, Slack, Teams Workflows and the generic
// signed channel, written from reference/chat-and-alerts.md.
#include "hooks.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "hooks_crypto.hpp"

namespace sandbox {

namespace {

using nlohmann::json;

// Limits from the platforms' documentation.
constexpr std::size_t k_wecom_text_max = 2048;
constexpr std::size_t k_wecom_markdown_max = 4096;
constexpr std::size_t k_dingtalk_body_max = 20000;
constexpr std::size_t k_feishu_body_max = 20 * 1024;
constexpr std::size_t k_teams_body_max = 28 * 1024;
constexpr std::size_t k_slack_blocks_max = 50;
constexpr std::size_t k_slack_section_text_max = 3000;
constexpr std::int64_t k_dingtalk_window_ms = 3600 * 1000;
constexpr std::int64_t k_feishu_window_s = 3600;

// WeCom error codes (global error-code page 90455 and its summaries).
constexpr int k_wecom_invalid_msgtype = 40008;
constexpr int k_wecom_empty_content = 44004;
constexpr int k_wecom_too_long = 45002;
// Malformed JSON or a missing field: WeCom's "invalid parameter" code [unverified number; the
// documented part is the errmsg "Warning: wrong json format."].
constexpr int k_wecom_invalid_param = 40035;

// DingTalk error codes.
constexpr int k_dingtalk_security = 310000;
constexpr int k_dingtalk_param = 300001;
constexpr int k_dingtalk_too_large = 460101;

// Feishu codes.
constexpr int k_feishu_bad_request = 9499;
constexpr int k_feishu_sign = 19021;
constexpr int k_feishu_keywords = 19024;

// WeCom message types (official page 99110).
constexpr std::array<std::string_view, 8> k_wecom_types = {"text", "markdown", "markdown_v2", "image",
                                                           "news", "file", "voice", "template_card"};

// Request headers worth keeping with each recorded message (secrets are not among them).
constexpr std::array<std::string_view, 8> k_kept_headers = {
    "content-type", "user-agent", "idempotency-key", "x-faultline-signature",
    "webhook-id", "webhook-timestamp", "webhook-signature", "x-request-id"};

// What one receiver decided about one message.
struct Outcome {
  SbResponse response;   // the platform's answer
  bool accepted = false; // whether the platform would have posted the message
  std::string reason;    // why it was rejected (empty when accepted)
  bool record = true;    // false for a deduplicated retry, which is not recorded again
};

std::optional<std::int64_t> parse_int(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

SbResponse text_response(int status, std::string body) {
  SbResponse r;
  r.status = status;
  r.content_type = "text/html";
  r.body = std::move(body);
  return r;
}

Outcome wecom_reply(int errcode, std::string errmsg) {
  Outcome o;
  o.response = SbResponse::json(200, json{{"errcode", errcode}, {"errmsg", errmsg}});
  o.accepted = errcode == 0;
  if (!o.accepted) o.reason = std::move(errmsg);
  return o;
}

Outcome dingtalk_reply(int errcode, std::string errmsg) { return wecom_reply(errcode, std::move(errmsg)); }

Outcome feishu_ok() {
  Outcome o;
  o.response = SbResponse::json(
      200, json{{"StatusCode", 0}, {"StatusMessage", "success"}, {"code", 0}, {"data", json::object()}, {"msg", "success"}});
  o.accepted = true;
  return o;
}

Outcome feishu_error(int code, std::string msg, std::string reason) {
  Outcome o;
  o.response = SbResponse::json(200, json{{"code", code}, {"msg", msg}, {"data", json::object()}});
  o.reason = reason.empty() ? std::move(msg) : std::move(reason);
  return o;
}

bool is_nonempty_string(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty();
}

bool is_string_array(const json& j) {
  return j.is_array() && std::all_of(j.begin(), j.end(), [](const json& e) { return e.is_string(); });
}

// Collects every string under the keys that carry visible text, for keyword checks.
void collect_hook_text(const json& j, std::string& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (value.is_string() && (key == "content" || key == "text" || key == "title")) {
        out += value.get<std::string>();
        out += '\n';
      } else {
        collect_hook_text(value, out);
      }
    }
  } else if (j.is_array()) {
    for (const auto& e : j) collect_hook_text(e, out);
  }
}

bool keywords_present(const json& config, const json& body) {
  if (!config.contains("keywords") || !config["keywords"].is_array() || config["keywords"].empty()) return true;
  std::string text;
  collect_hook_text(body, text);
  return std::any_of(config["keywords"].begin(), config["keywords"].end(), [&](const json& k) {
    return k.is_string() && text.find(k.get<std::string>()) != std::string::npos;
  });
}

class HooksService final : public Service {
public:
  std::optional<SbResponse> handle(const SbRequest& request) override {
    if (request.path == "/_sandbox/messages") return messages(request);
    constexpr std::string_view k_prefix = "/hooks/";
    if (!request.path.starts_with(k_prefix)) return std::nullopt;
    std::string rest = request.path.substr(k_prefix.size());
    auto slash = rest.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
        rest.find('/', slash + 1) != std::string::npos) {
      return text_response(404, "Not Found");
    }
    std::string kind = rest.substr(0, slash);
    std::string name = rest.substr(slash + 1);
    if (kind != "wecom" && kind != "dingtalk" && kind != "feishu" && kind != "slack" && kind != "teams" &&
        kind != "generic") {
      return text_response(404, "Not Found");
    }
    if (request.method != "POST") {
      SbResponse r = text_response(405, "Method Not Allowed");
      r.headers["Allow"] = "POST";
      return r;
    }
    const json config = hook_config(kind, name);
    Outcome outcome;
    try {
      if (kind == "wecom") outcome = wecom(request);
      else if (kind == "dingtalk") outcome = dingtalk(request, config, kind + "/" + name);
      else if (kind == "feishu") outcome = feishu(request, config);
      else if (kind == "slack") outcome = slack(request);
      else if (kind == "teams") outcome = teams(request);
      else outcome = generic(request, config, kind + "/" + name);
    } catch (const json::exception& e) {
      outcome = wrong_types(kind, e.what());
    }
    if (outcome.record) record(request, kind, name, outcome);
    return outcome.response;
  }

  void load_seed(const json& seed) override {
    m_hooks = json::object();
    m_messages = json::array();
    m_seen_keys = json::object();
    m_next_id = 1;
    extend_seed(seed);
  }

  void extend_seed(const json& seed) override {
    if (!seed.is_object() || !seed.contains("hooks") || !seed["hooks"].is_object()) return;
    for (const auto& [key, value] : seed["hooks"].items()) m_hooks[key] = value;
  }

  json snapshot() const override {
    return json{{"hooks", m_hooks}, {"messages", m_messages}, {"seen_keys", m_seen_keys}, {"next_id", m_next_id}};
  }

  void restore(const json& state) override {
    m_hooks = state.value("hooks", json::object());
    m_messages = state.value("messages", json::array());
    m_seen_keys = state.value("seen_keys", json::object());
    m_next_id = state.value("next_id", static_cast<std::int64_t>(m_messages.size()) + 1);
  }

private:
  json hook_config(const std::string& kind, const std::string& name) const {
    auto it = m_hooks.find(kind + "/" + name);
    if (it == m_hooks.end() || !it->is_object()) return json::object();
    return *it;
  }

  static std::string secret_of(const json& config) {
    if (config.contains("secret") && config["secret"].is_string()) return config["secret"].get<std::string>();
    return {};
  }

  std::optional<SbResponse> messages(const SbRequest& request) {
    if (request.method == "DELETE") {
      m_messages = json::array();
      m_seen_keys = json::object();
      return SbResponse::no_content();
    }
    if (request.method != "GET") return text_response(405, "Method Not Allowed");
    auto kind = request.param("kind");
    auto name = request.param("name");
    json out = json::array();
    for (const auto& m : m_messages) {
      if (kind && !kind->empty() && m.value("kind", "") != *kind) continue;
      if (name && !name->empty() && m.value("name", "") != *name) continue;
      out.push_back(m);
    }
    json body{{"messages", out}, {"total", out.size()}};
    return SbResponse::json(200, body);
  }

  void record(const SbRequest& request, const std::string& kind, const std::string& name, const Outcome& outcome) {
    json headers = json::object();
    for (auto h : k_kept_headers) {
      auto it = request.headers.find(std::string(h));
      if (it != request.headers.end()) headers[std::string(h)] = it->second;
    }
    json query = json::object();
    for (const char* q : {"timestamp", "sign"}) {
      if (auto v = request.param(q)) query[q] = *v;
    }
    json parsed = json::parse(request.body, nullptr, false);
    json body = parsed.is_discarded() ? json(request.body) : parsed;
    json response_body = json::parse(outcome.response.body, nullptr, false);
    json entry{{"id", m_next_id++},
               {"kind", kind},
               {"name", name},
               {"body", body},
               {"headers", headers},
               {"query", query},
               {"status", outcome.response.status},
               {"response", response_body.is_discarded() ? json(outcome.response.body) : response_body},
               {"accepted", outcome.accepted},
               {"time", iso_utc_millis(request.now)}};
    if (!outcome.reason.empty()) entry["reason"] = outcome.reason;
    m_messages.push_back(std::move(entry));
  }

  // The platform's "bad payload" answer for a field of the wrong JSON type.
  static Outcome wrong_types(const std::string& kind, const std::string& what) {
    Outcome o;
    if (kind == "wecom") o = wecom_reply(k_wecom_invalid_param, "invalid parameter, Warning: wrong json format.");
    else if (kind == "dingtalk") o = dingtalk_reply(k_dingtalk_param, "param error");
    else if (kind == "feishu") o = feishu_error(k_feishu_bad_request, "Bad Request", "");
    else if (kind == "slack") o.response = text_response(400, "invalid_payload");
    else if (kind == "teams") {
      // The Workflows trigger accepts any JSON; the flow run fails later.
      o.response.status = 202;
      o.response.content_type.clear();
    }
    else o.response = SbResponse::json(400, json{{"ok", false}, {"error", "a field of the message has the wrong JSON type"}});
    o.accepted = false;
    o.reason = "wrong JSON type: " + what;
    return o;
  }

  // WeCom group robot: {"msgtype":T, T:{...}}, always HTTP 200 with errcode.
  static Outcome wecom(const SbRequest& request) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return wecom_reply(k_wecom_invalid_param, "invalid parameter, Warning: wrong json format.");
    }
    if (!body.contains("msgtype") || !body["msgtype"].is_string()) {
      return wecom_reply(k_wecom_invalid_msgtype, "invalid message type");
    }
    std::string type = body["msgtype"].get<std::string>();
    if (std::find(k_wecom_types.begin(), k_wecom_types.end(), type) == k_wecom_types.end()) {
      return wecom_reply(k_wecom_invalid_msgtype, "invalid message type");
    }
    if (!body.contains(type) || !body[type].is_object()) {
      return wecom_reply(k_wecom_invalid_param, "invalid parameter, missing " + type);
    }
    const json& part = body[type];
    if (type == "text" || type == "markdown" || type == "markdown_v2") {
      if (!part.contains("content") || !part["content"].is_string() || part["content"].get<std::string>().empty()) {
        return wecom_reply(k_wecom_empty_content, "empty content");
      }
      std::size_t size = part["content"].get<std::string>().size();
      std::size_t limit = type == "text" ? k_wecom_text_max : k_wecom_markdown_max;
      if (size > limit) {
        return wecom_reply(k_wecom_too_long, "content size out of limit: " + std::to_string(size) + " bytes > " +
                                                 std::to_string(limit));
      }
      if (type == "text") {
        for (const char* key : {"mentioned_list", "mentioned_mobile_list"}) {
          if (part.contains(key) && !is_string_array(part[key])) {
            return wecom_reply(k_wecom_invalid_param, std::string("invalid parameter, ") + key + " must be a list of strings");
          }
        }
      }
    } else if (type == "image") {
      if (!is_nonempty_string(part, "base64") || !is_nonempty_string(part, "md5")) {
        return wecom_reply(k_wecom_invalid_param, "invalid parameter, image needs base64 and md5");
      }
    } else if (type == "news") {
      if (!part.contains("articles") || !part["articles"].is_array() || part["articles"].empty() ||
          part["articles"].size() > 8) {
        return wecom_reply(k_wecom_invalid_param, "invalid parameter, news needs 1 to 8 articles");
      }
      for (const auto& a : part["articles"]) {
        if (!is_nonempty_string(a, "title") || !is_nonempty_string(a, "url")) {
          return wecom_reply(k_wecom_invalid_param, "invalid parameter, each article needs title and url");
        }
      }
    } else if (type == "file" || type == "voice") {
      if (!is_nonempty_string(part, "media_id")) return wecom_reply(k_wecom_invalid_param, "invalid parameter, missing media_id");
    } else {
      std::string card = part.value("card_type", "");
      if (card != "text_notice" && card != "news_notice") {
        return wecom_reply(k_wecom_invalid_param, "invalid parameter, card_type must be text_notice or news_notice");
      }
      if (!part.contains("card_action") || !part["card_action"].is_object() || !part["card_action"].contains("type")) {
        return wecom_reply(k_wecom_invalid_param, "invalid parameter, card_action is required");
      }
      bool has_title = part.contains("main_title") && is_nonempty_string(part["main_title"], "title");
      if (!has_title && !is_nonempty_string(part, "sub_title_text")) {
        return wecom_reply(k_wecom_invalid_param, "invalid parameter, main_title.title or sub_title_text is required");
      }
      if (card == "news_notice" && !(part.contains("card_image") && is_nonempty_string(part["card_image"], "url"))) {
        return wecom_reply(k_wecom_invalid_param, "invalid parameter, news_notice needs card_image.url");
      }
    }
    return wecom_reply(0, "ok");
  }

  // DingTalk custom robot: optional sign in the query, keywords, msgUuid dedup.
  Outcome dingtalk(const SbRequest& request, const json& config, const std::string& hook) {
    std::string secret = secret_of(config);
    if (!secret.empty()) {
      auto ts_text = request.param("timestamp");
      auto sign = request.param("sign");
      auto ts = ts_text ? parse_int(*ts_text) : std::nullopt;
      if (!ts || std::llabs(epoch_ms(request.now) - *ts) > k_dingtalk_window_ms) {
        return dingtalk_reply(k_dingtalk_security, "invalid timestamp");
      }
      std::string expected = base64_encode(hmac_sha256(secret, *ts_text + "\n" + secret));
      if (!sign || !constant_time_equal(*sign, expected)) return dingtalk_reply(k_dingtalk_security, "sign not match");
    }
    if (request.body.size() > k_dingtalk_body_max) {
      return dingtalk_reply(k_dingtalk_too_large, "body size is invalid, keep it within 20000 bytes");
    }
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return dingtalk_reply(k_dingtalk_param, "param error: body is not JSON");
    std::string type = body.value("msgtype", "");
    std::string problem;
    if (type == "text") {
      if (!body.contains("text") || !is_nonempty_string(body["text"], "content")) problem = "text.content is required";
    } else if (type == "link") {
      const json& p = body.value("link", json::object());
      if (!is_nonempty_string(p, "title") || !is_nonempty_string(p, "text") || !is_nonempty_string(p, "messageUrl")) {
        problem = "link needs title, text and messageUrl";
      }
    } else if (type == "markdown") {
      const json& p = body.value("markdown", json::object());
      if (!is_nonempty_string(p, "title") || !is_nonempty_string(p, "text")) problem = "markdown needs title and text";
    } else if (type == "actionCard") {
      const json& p = body.value("actionCard", json::object());
      bool single = is_nonempty_string(p, "singleTitle") && is_nonempty_string(p, "singleURL");
      bool buttons = p.contains("btns") && p["btns"].is_array() && !p["btns"].empty();
      if (!is_nonempty_string(p, "title") || !is_nonempty_string(p, "text") || (!single && !buttons)) {
        problem = "actionCard needs title, text and singleTitle+singleURL or btns";
      }
    } else if (type == "feedCard") {
      const json& p = body.value("feedCard", json::object());
      if (!p.contains("links") || !p["links"].is_array() || p["links"].empty()) problem = "feedCard needs links";
    } else {
      problem = "unknown msgtype '" + type + "'";
    }
    if (!problem.empty()) return dingtalk_reply(k_dingtalk_param, "param error: " + problem);
    if (body.contains("at") && !body["at"].is_object()) return dingtalk_reply(k_dingtalk_param, "param error: at must be an object");
    if (!keywords_present(config, body)) return dingtalk_reply(k_dingtalk_security, "keywords not in content");
    if (body.contains("msgUuid") && body["msgUuid"].is_string()) {
      std::string key = hook + "#" + body["msgUuid"].get<std::string>();
      if (m_seen_keys.contains(key)) {
        Outcome dup = dingtalk_reply(0, "ok");
        dup.record = false;
        return dup;
      }
      m_seen_keys[key] = json{{"body", request.body}};
    }
    return dingtalk_reply(0, "ok");
  }

  // Feishu/Lark custom bot: optional sign in the body, keywords; always HTTP 200.
  static Outcome feishu(const SbRequest& request, const json& config) {
    if (request.body.size() > k_feishu_body_max) return feishu_error(k_feishu_bad_request, "Bad Request", "body over 20 KB");
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return feishu_error(k_feishu_bad_request, "Bad Request", "body is not a JSON object");
    std::string secret = secret_of(config);
    if (!secret.empty()) {
      std::string ts_text;
      if (body.contains("timestamp") && body["timestamp"].is_string()) ts_text = body["timestamp"].get<std::string>();
      else if (body.contains("timestamp") && body["timestamp"].is_number_integer()) ts_text = std::to_string(body["timestamp"].get<std::int64_t>());
      auto ts = parse_int(ts_text);
      std::string sign = body.contains("sign") && body["sign"].is_string() ? body["sign"].get<std::string>() : "";
      bool fresh = ts && std::llabs(epoch_ms(request.now) / 1000 - *ts) <= k_feishu_window_s;
      std::string expected = base64_encode(hmac_sha256(ts_text + "\n" + secret, ""));
      if (!fresh || sign.empty() || !constant_time_equal(sign, expected)) {
        return feishu_error(k_feishu_sign, "sign match fail or timestamp is not within one hour from current time", "");
      }
    }
    std::string type = body.value("msg_type", "");
    const json content = body.value("content", json::object());
    std::string problem;
    if (type == "text") {
      if (!is_nonempty_string(content, "text")) problem = "content.text is required";
    } else if (type == "post") {
      const json post = content.value("post", json::object());
      if (!post.is_object() || post.empty()) problem = "content.post needs a language block (zh_cn, en_us, ...)";
      for (const auto& [lang, block] : post.items()) {
        if (!block.is_object() || !block.contains("content") || !block["content"].is_array()) {
          problem = "content.post." + lang + ".content must be a list of paragraphs";
          break;
        }
        for (const auto& para : block["content"]) {
          bool ok = para.is_array() && std::all_of(para.begin(), para.end(), [](const json& e) {
            return e.is_object() && e.contains("tag") && e["tag"].is_string();
          });
          if (!ok) problem = "content.post." + lang + ": every paragraph must be a list of {tag,...} elements";
        }
      }
    } else if (type == "image") {
      if (!is_nonempty_string(content, "image_key")) problem = "content.image_key is required";
    } else if (type == "share_chat") {
      if (!is_nonempty_string(content, "share_chat_id")) problem = "content.share_chat_id is required";
    } else if (type == "interactive") {
      if (!body.contains("card") || !body["card"].is_object()) problem = "interactive messages need a top-level card object";
    } else {
      problem = "unknown msg_type '" + type + "'";
    }
    if (!problem.empty()) return feishu_error(k_feishu_bad_request, "Bad Request", problem);
    if (!keywords_present(config, body)) return feishu_error(k_feishu_keywords, "Key Words Not Found", "");
    return feishu_ok();
  }

  // Slack incoming webhook: 200 "ok", or a 400 with a short text error.
  static Outcome slack(const SbRequest& request) {
    Outcome o;
    auto fail = [&](int status, std::string code, std::string reason) {
      o.response = text_response(status, code);
      o.reason = code + ": " + reason;
      return o;
    };
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return fail(400, "invalid_payload", "body is not a JSON object");
    bool has_text = body.contains("text") && body["text"].is_string() && !body["text"].get<std::string>().empty();
    bool has_blocks = body.contains("blocks");
    bool has_attachments = body.contains("attachments") && body["attachments"].is_array() && !body["attachments"].empty();
    if (has_blocks) {
      const json& blocks = body["blocks"];
      if (!blocks.is_array() || blocks.empty()) return fail(400, "invalid_blocks", "blocks must be a non-empty list");
      if (blocks.size() > k_slack_blocks_max) return fail(400, "invalid_blocks", "more than 50 blocks");
      for (const auto& b : blocks) {
        if (!b.is_object() || !b.contains("type") || !b["type"].is_string()) {
          return fail(400, "invalid_blocks", "every block needs a type");
        }
        if (b["type"] == "section" && b.contains("text") && b["text"].is_object() && b["text"].contains("text") &&
            b["text"]["text"].is_string() && b["text"]["text"].get<std::string>().size() > k_slack_section_text_max) {
          return fail(400, "invalid_blocks", "section text over 3000 characters");
        }
      }
    }
    if (!has_text && !has_blocks && !has_attachments) return fail(400, "no_text", "no text, blocks or attachments");
    o.response = text_response(200, "ok");
    o.accepted = true;
    return o;
  }

  // Teams Workflows webhook: 202 for any JSON (the flow fails later, out of the sender's
  // sight); the card is checked here and the verdict recorded.
  static Outcome teams(const SbRequest& request) {
    Outcome o;
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      o.response = SbResponse::json(
          400, json{{"error", {{"code", "InvalidRequestContent"},
                               {"message", "The input body for trigger 'manual' of type 'Request' must be of type JSON."}}}});
      o.reason = "body is not JSON";
      return o;
    }
    o.response.status = 202;
    o.response.content_type.clear();
    auto reject = [&](std::string why) {
      o.reason = std::move(why);
      return o;
    };
    if (request.body.size() > k_teams_body_max) return reject("message over 28 KB");
    if (!body.is_object() || body.value("type", "") != "message") return reject("type must be \"message\"");
    if (!body.contains("attachments") || !body["attachments"].is_array() || body["attachments"].empty()) {
      return reject("attachments must be a non-empty list");
    }
    for (const auto& a : body["attachments"]) {
      if (!a.is_object() || a.value("contentType", "") != "application/vnd.microsoft.card.adaptive") {
        return reject("attachment contentType must be application/vnd.microsoft.card.adaptive");
      }
      const json card = a.value("content", json());
      if (!card.is_object() || card.value("type", "") != "AdaptiveCard") return reject("Property 'type' must be 'AdaptiveCard'");
      std::string version = card.contains("version") && card["version"].is_string() ? card["version"].get<std::string>() : "";
      auto dot = version.find('.');
      auto major = parse_int(version.substr(0, dot));
      auto minor = dot == std::string::npos ? std::nullopt : parse_int(version.substr(dot + 1));
      if (!major || !minor) return reject("card version must look like \"1.4\"");
      if (*major > 1 || (*major == 1 && *minor > 4)) {
        return reject("card version " + version + " is above 1.4: \"We're sorry, this card couldn't be displayed\"");
      }
      if (!card.contains("body") || !card["body"].is_array()) return reject("card body must be a list of elements");
      for (const auto& e : card["body"]) {
        if (!e.is_object() || !e.contains("type") || !e["type"].is_string()) return reject("every card element needs a type");
      }
    }
    o.accepted = true;
    return o;
  }

  // The generic signed channel: JSON body, X-Faultline-Signature, Idempotency-Key.
  Outcome generic(const SbRequest& request, const json& config, const std::string& hook) {
    Outcome o;
    auto fail = [&](int status, std::string why) {
      o.response = SbResponse::json(status, json{{"ok", false}, {"error", why}});
      o.reason = std::move(why);
      return o;
    };
    std::string secret = secret_of(config);
    if (!secret.empty()) {
      auto it = request.headers.find("x-faultline-signature");
      if (it == request.headers.end()) return fail(401, "missing X-Faultline-Signature header");
      std::string expected = "sha256=" + hex_encode(hmac_sha256(secret, request.body));
      if (!constant_time_equal(it->second, expected)) return fail(401, "signature mismatch");
    }
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return fail(400, "body is not valid JSON");
    auto key_it = request.headers.find("idempotency-key");
    if (key_it != request.headers.end()) {
      std::string key = key_it->second;
      if (key.size() >= 2 && key.front() == '"' && key.back() == '"') key = key.substr(1, key.size() - 2);
      if (key.empty()) return fail(400, "empty Idempotency-Key");
      std::string slot = hook + "#" + key;
      if (m_seen_keys.contains(slot)) {
        if (m_seen_keys[slot].value("body", "") != request.body) {
          return fail(422, "Idempotency-Key reused with a different payload");
        }
        o.response = SbResponse::json(200, json{{"ok", true}, {"duplicate", true}});
        o.accepted = true;
        o.record = false;
        return o;
      }
      m_seen_keys[slot] = json{{"body", request.body}};
    }
    o.response = SbResponse::json(200, json{{"ok", true}, {"duplicate", false}});
    o.accepted = true;
    return o;
  }

  json m_hooks = json::object();       // "<kind>/<name>" -> {secret, keywords}
  json m_messages = json::array();     // every message received, oldest first
  json m_seen_keys = json::object();   // "<kind>/<name>#<key>" -> {body}: idempotency keys and msgUuids
  std::int64_t m_next_id = 1;          // id of the next recorded message
};

}  // namespace

std::unique_ptr<Service> make_hooks_service() { return std::make_unique<HooksService>(); }

}  // namespace sandbox
