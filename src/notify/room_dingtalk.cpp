// DingTalk rooms: scene groups (topapi, from a template made in the developer console) with
// the app's access_token, and the app robot posting in them (v1.0 API). The legacy host
// answers {"errcode":N,"errmsg":...} (0 = ok; 88 carries sub_code/sub_msg); the v1.0 host
// answers an error with HTTP 4xx {"code","message"}. Scene groups have no topic and no
// archive through these APIs.
#include <algorithm>

#include "faultline/http/url.hpp"
#include "faultline/notify/payload.hpp"
#include "faultline/notify/room_platform.hpp"
#include "faultline/util/redact.hpp"
#include "notify/room_platforms.hpp"

namespace faultline::notify::rooms {

namespace {

using nlohmann::json;

constexpr std::string_view k_dingtalk = "DingTalk";
constexpr std::size_t k_dingtalk_member_batch = 100;
// sampleMarkdown's text per message; msgParam (title and text as a JSON string) must stay
// well under the documented 15,000 bytes.
constexpr std::size_t k_dingtalk_markdown_bytes = 10000;

// The access_token is invalid, expired or missing (also as errcode 88's sub_code).
bool dingtalk_stale_token_code(std::string_view code) {
  return code == "40014" || code == "42001" || code == "41001" || code == "InvalidAuthentication";
}

// Busy or rate limited: the same call may succeed later.
bool dingtalk_busy_code(std::string_view code) {
  return code == "-1" || code == "90002" || code == "90006" || code == "90018" || code.starts_with("Throttling") ||
         code.find("QpsLimit") != std::string_view::npos;
}

// Credentials or permissions refused.
bool dingtalk_auth_code(std::string_view code) {
  return code == "40089" || code == "40096" || code == "40001" || code == "40013" || code == "43007" ||
         code == "60011" || code == "60020" || code.starts_with("Forbidden") || code.starts_with("AuthenticationFailed") ||
         code == "Unauthorized";
}

constexpr std::string_view k_dingtalk_auth_hint =
    "check rooms.app_id (the AppKey) and rooms.app_secret (the AppSecret), this machine's IP in the app's "
    "allowlist, and the app's permissions for scene groups and for robot messages (qyapi_robot_sendmsg)";

class DingTalkRooms final : public RoomPlatform {
public:
  DingTalkRooms(http::Transport& transport, const config::RoomsSettings& settings)
      : m_transport(transport), m_base(base_url(settings.url, "https://oapi.dingtalk.com")),
        m_api(base_url(settings.api_url, "https://api.dingtalk.com")), m_settings(settings),
        m_token([this] { return fetch_token(); }) {
    m_redactor.add_secret(m_settings.app_secret);
  }

  std::string_view platform() const override { return "dingtalk"; }
  RoomCapabilities capabilities() const override { return {false, false}; }

  Result<Created> create(const RoomSpec& spec) override {
    if (spec.owner.empty()) {
      return fail(ErrorKind::Config, "rooms.owner: DingTalk scene groups need an owner (owner_user_id)",
                  "set rooms.owner to a people key with a dingtalk id, or to a DingTalk userid");
    }
    const std::string action = "create the scene group \"" + spec.name + "\"";
    const json body = {{"title", spec.name},
                       {"template_id", m_settings.template_id},
                       {"owner_user_id", spec.owner},
                       {"user_ids", comma_list(spec.members)},
                       {"uuid", spec.dedupe_key}};
    FAULTLINE_TRY(reply, call_legacy("/topapi/im/chat/scenegroup/create", body, http::RetrySafety::Safe, action));
    if (!reply->ok) return std::unexpected(masked(refusal_error(k_dingtalk, action, *reply)));
    const json result = reply->body.value("result", json::object());
    std::string id = text_member(result, "open_conversation_id");
    if (id.empty() && !reply->dry_run) return std::unexpected(missing_field_error(k_dingtalk, action, "open_conversation_id"));
    if (id.empty()) id = "<new group>";  // --dry-run: nothing was created
    // The uuid makes a second create answer the first one's group: reported as created.
    return Created{RoomRef{"dingtalk", std::move(id), spec.name, {}}, true};
  }

  Result<InviteResult> invite(const RoomRef& room, const std::vector<std::string>& user_ids) override {
    const std::string action = "add members to \"" + room.name + "\"";
    // DingTalk names no refused user: a refused call is tried again one user at a time.
    return invite_finding_refused(
        user_ids, k_dingtalk_member_batch,
        [&](const std::vector<std::string>& ids) -> Result<std::optional<std::string>> {
          const json body = {{"open_conversation_id", room.id}, {"user_ids", comma_list(ids)}};
          FAULTLINE_TRY(reply, call_legacy("/topapi/im/chat/scenegroup/member/add", body, http::RetrySafety::Safe, action));
          if (reply->ok) return std::optional<std::string>();
          return std::optional<std::string>(reply->code + (reply->words.empty() ? "" : ": " + reply->words));
        });
  }

  Result<void> set_topic(const RoomRef&, std::string_view) override {
    return std::unexpected(unsupported_error(k_dingtalk, "topic"));
  }

  Result<void> post(const RoomRef& room, std::string_view title, std::string_view text) override {
    const std::string action = "post in \"" + room.name + "\" (robot groupMessages/send)";
    Message message;
    message.title = std::string(title);
    message.markdown_body = std::string(text);
    PlatformLimits limits;
    limits.dingtalk_text_bytes = k_dingtalk_markdown_bytes;
    // The robot webhook's conversion: title plain, values fenced so they stay text.
    for (const auto& payload : build_payloads(ChannelKind::DingTalk, message, {}, limits)) {
      const json& markdown = payload["markdown"];
      const json param = {{"title", markdown.value("title", std::string())}, {"text", markdown.value("text", std::string())}};
      const json body = {{"robotCode", m_settings.robot_code},
                         {"openConversationId", room.id},
                         {"msgKey", "sampleMarkdown"},
                         {"msgParam", dump_json(param)}};
      const http::Request request =
          json_request(http::Method::Post, m_api + "/v1.0/robot/groupMessages/send", body, http::RetrySafety::Unsafe);
      FAULTLINE_TRY(reply, send_with_token(
                               m_transport, m_token,
                               [&](const std::string& token) {
                                 http::Request authed = request;
                                 authed.headers.emplace_back("x-acs-dingtalk-access-token", token);
                                 return authed;
                               },
                               [&](const http::Outcome& outcome) { return read(outcome, action); }));
      if (!reply->ok) return std::unexpected(masked(refusal_error(k_dingtalk, action, *reply)));
    }
    return {};
  }

  Result<void> archive(const RoomRef&) override { return std::unexpected(unsupported_error(k_dingtalk, "archive")); }

private:
  static std::string comma_list(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
    return out;
  }

  Error masked(Error error) const { return m_redactor.mask(std::move(error)); }

  // POST {base}{path}?access_token=... with a JSON body.
  Result<ApiReply> call_legacy(std::string_view path, const json& body, http::RetrySafety retry, std::string_view action) {
    const http::Request request = json_request(http::Method::Post, m_base + std::string(path), body, retry);
    return send_with_token(
        m_transport, m_token,
        [&](const std::string& token) {
          http::Request authed = request;
          authed.url += "?access_token=" + http::url_encode(token);
          return authed;
        },
        [&](const http::Outcome& outcome) { return read(outcome, action); });
  }

  // Either host's answer as a reply; an Error for no answer, HTTP 429/5xx, a body that is
  // neither host's, refused credentials and busy or rate-limited answers.
  ReadReply read(const http::Outcome& outcome, std::string_view action) const {
    if (!outcome) return {std::unexpected(masked(unreachable_error(k_dingtalk, action, outcome.error())))};
    const http::Response& response = *outcome;
    if (is_dry_run(response)) return {dry_run_reply(response)};
    if (response.status == 429 || response.status >= 500)
      return {std::unexpected(masked(status_error(k_dingtalk, action, response)))};
    const auto body = json_object(response.body);
    if (!body) return {std::unexpected(masked(status_error(k_dingtalk, action, response)))};
    ApiReply reply{true, {}, {}, *body, response.status};
    std::string code;         // the bare code, for classifying
    bool auth_error = false;  // errcode 88: authentication refused, the sub_code says how
    if (body->contains("errcode")) {
      code = text_member(*body, "errcode");
      if (code == "0") return {std::move(reply)};
      reply.code = "errcode " + code;
      reply.words = text_member(*body, "errmsg");
      auth_error = code == "88";
      if (code == "88" && body->contains("sub_code")) {
        code = text_member(*body, "sub_code");
        reply.code += " (sub_code " + code + ")";
        if (const std::string sub = text_member(*body, "sub_msg"); !sub.empty()) reply.words = sub;
      }
    } else if (response.ok()) {
      return {std::move(reply)};  // v1.0 success: {"processQueryKey": ...}
    } else if (body->contains("code")) {
      code = text_member(*body, "code");
      reply.code = code;
      reply.words = text_member(*body, "message");
    } else {
      return {std::unexpected(masked(status_error(k_dingtalk, action, response)))};
    }
    reply.ok = false;
    if (dingtalk_stale_token_code(code))
      return {std::unexpected(masked(refusal_error(k_dingtalk, action, reply, ErrorKind::Auth,
                                                   "the access_token was refused even when new; " +
                                                       std::string(k_dingtalk_auth_hint)))),
              true};
    if (dingtalk_busy_code(code))
      return {std::unexpected(masked(refusal_error(k_dingtalk, action, reply, ErrorKind::Unavailable,
                                                   "DingTalk is busy or rate-limited the app; a later run tries again")))};
    if (auth_error || dingtalk_auth_code(code) || response.status == 401 || response.status == 403)
      return {std::unexpected(masked(refusal_error(k_dingtalk, action, reply, ErrorKind::Auth, std::string(k_dingtalk_auth_hint))))};
    return {std::move(reply)};
  }

  // GET {base}/gettoken?appkey=...&appsecret=...
  Result<std::string> fetch_token() {
    const std::string action = "issue an access_token (gettoken)";
    http::Request request;
    request.method = http::Method::Get;
    request.url = m_base + "/gettoken?appkey=" + http::url_encode(m_settings.app_id) +
                  "&appsecret=" + http::url_encode(m_settings.app_secret);
    const http::Outcome outcome = m_transport.send(request);
    if (!outcome) return std::unexpected(masked(unreachable_error(k_dingtalk, action, outcome.error())));
    const auto answer = json_object(outcome->body);
    if (outcome->status == 429 || outcome->status >= 500 || !answer || !answer->contains("errcode"))
      return std::unexpected(masked(status_error(k_dingtalk, action, *outcome)));
    const std::string code = text_member(*answer, "errcode");
    if (code != "0") {
      const ApiReply reply{false, "errcode " + code, text_member(*answer, "errmsg"), *answer, outcome->status};
      const ErrorKind kind = dingtalk_busy_code(code) ? ErrorKind::Unavailable : ErrorKind::Auth;
      return std::unexpected(masked(refusal_error(k_dingtalk, action, reply, kind, std::string(k_dingtalk_auth_hint))));
    }
    const std::string token = text_member(*answer, "access_token");
    if (token.empty()) {
      return fail(ErrorKind::Failed, "DingTalk issued no access_token",
                  "check rooms.url: it should be the legacy API host (https://oapi.dingtalk.com)");
    }
    m_redactor.add_secret(token);
    return token;
  }

  http::Transport& m_transport;
  std::string m_base;
  std::string m_api;
  config::RoomsSettings m_settings;
  Redactor m_redactor;
  AccessToken m_token;
};

}  // namespace

std::unique_ptr<RoomPlatform> make_dingtalk_rooms(http::Transport& transport, const config::RoomsSettings& settings) {
  return std::make_unique<DingTalkRooms>(transport, settings);
}

}  // namespace faultline::notify::rooms
