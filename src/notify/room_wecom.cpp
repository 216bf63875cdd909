// WeCom rooms: app group chats (appchat) of a self-built app whose visible range is the root
// department, with the app's access_token. Answers are {"errcode":N,"errmsg":...} (0 = ok).
// The chat's id is our dedupe key, so a second create finds the first one's chat. Group
// chats have no topic and cannot be archived through the API.
#include <algorithm>

#include "faultline/http/url.hpp"
#include "faultline/notify/payload.hpp"
#include "faultline/notify/room_platform.hpp"
#include "faultline/util/redact.hpp"
#include "notify/room_platforms.hpp"

namespace faultline::notify::rooms {

namespace {

using nlohmann::json;

constexpr std::string_view k_wecom = "WeCom";
constexpr std::size_t k_wecom_member_batch = 100;
constexpr std::size_t k_wecom_markdown_bytes = 2048;  // an app message's markdown.content

// The access_token is invalid, expired or missing.
bool wecom_stale_token_code(long long code) { return code == 40014 || code == 42001 || code == 41001; }

// Busy or rate limited: the same call may succeed later.
bool wecom_busy_code(long long code) { return code == -1 || code == 45009 || code == 45011 || code == 45033; }

// Credentials or permissions refused: a wrong corpid or secret, an API the app may not call,
// an IP outside the app's trusted IPs.
bool wecom_auth_code(long long code) {
  return code == 40001 || code == 40013 || code == 40091 || code == 48002 || code == 60011 || code == 60020 ||
         code == 301002;
}

constexpr std::string_view k_wecom_auth_hint =
    "check rooms.app_id (the corpid) and rooms.app_secret (the self-built app's Secret), this machine's IP in "
    "the app's trusted IPs, and that the app's visible range is the root department (appchat needs it)";

class WeComRooms final : public RoomPlatform {
public:
  WeComRooms(http::Transport& transport, const config::RoomsSettings& settings)
      : m_transport(transport), m_base(base_url(settings.url, "https://qyapi.weixin.qq.com")),
        m_corp_id(settings.app_id), m_secret(settings.app_secret), m_token([this] { return fetch_token(); }) {
    m_redactor.add_secret(m_secret);
  }

  std::string_view platform() const override { return "wecom"; }
  RoomCapabilities capabilities() const override { return {false, false}; }

  Result<Created> create(const RoomSpec& spec) override {
    const std::string action = "create the group chat \"" + spec.name + "\" (appchat/create)";
    // The owner is one of the members (WeCom picks one when none is named).
    std::vector<std::string> members = spec.members;
    if (!spec.owner.empty() && std::find(members.begin(), members.end(), spec.owner) == members.end())
      members.insert(members.begin(), spec.owner);
    if (members.size() < 2) {
      // A chat made by an earlier run is still found; a new one needs two people.
      auto existing = find_chat(spec);
      if (existing || lookup_failed(existing)) return existing;
      return fail(ErrorKind::Failed,
                  "WeCom needs at least 2 members to create a group chat, and the room of \"" + spec.name + "\" has " +
                      std::to_string(members.size()),
                  "give the people to invite (rooms.invite, rooms.owner) WeCom ids in [people.*] wecom = \"userid\"");
    }
    json body = {{"name", spec.name}, {"userlist", members}, {"chatid", spec.dedupe_key}};
    if (!spec.owner.empty()) body["owner"] = spec.owner;
    FAULTLINE_TRY(reply, call(http::Method::Post, "/cgi-bin/appchat/create", {}, body, http::RetrySafety::Safe, action));
    if (!reply->ok) {
      // The chatid exists (an earlier run made the chat) or another refusal: adopt the chat
      // when there is one with our chatid, else report the refusal.
      auto existing = find_chat(spec);
      if (existing || lookup_failed(existing)) return existing;
      return std::unexpected(masked(refusal_error(k_wecom, action, *reply)));
    }
    std::string id = text_member(reply->body, "chatid");
    if (id.empty()) id = reply->dry_run ? "<new chat>" : spec.dedupe_key;  // the chatid we asked for
    return Created{RoomRef{"wecom", std::move(id), spec.name, {}}, true};
  }

  Result<InviteResult> invite(const RoomRef& room, const std::vector<std::string>& user_ids) override {
    const std::string action = "add members to \"" + room.name + "\" (appchat/update)";
    // WeCom names no refused user: a refused call is tried again one user at a time.
    return invite_finding_refused(
        user_ids, k_wecom_member_batch, [&](const std::vector<std::string>& ids) -> Result<std::optional<std::string>> {
          const json body = {{"chatid", room.id}, {"add_user_list", ids}};
          FAULTLINE_TRY(reply, call(http::Method::Post, "/cgi-bin/appchat/update", {}, body, http::RetrySafety::Safe, action));
          if (reply->ok) return std::optional<std::string>();
          return std::optional<std::string>(reply->code + (reply->words.empty() ? "" : ": " + reply->words));
        });
  }

  Result<void> set_topic(const RoomRef&, std::string_view) override {
    return std::unexpected(unsupported_error(k_wecom, "topic"));
  }

  Result<void> post(const RoomRef& room, std::string_view title, std::string_view text) override {
    const std::string action = "post in \"" + room.name + "\" (appchat/send)";
    Message message;
    message.title = std::string(title);
    message.markdown_body = std::string(text);
    PlatformLimits limits;
    limits.wecom_markdown_bytes = k_wecom_markdown_bytes;
    // The robot webhook's conversion: title in bold, values fenced so they stay text.
    for (auto payload : build_payloads(ChannelKind::WeCom, message, {}, limits)) {
      payload["chatid"] = room.id;
      FAULTLINE_TRY(reply, call(http::Method::Post, "/cgi-bin/appchat/send", {}, payload, http::RetrySafety::Unsafe, action));
      if (!reply->ok) return std::unexpected(masked(refusal_error(k_wecom, action, *reply)));
    }
    return {};
  }

  Result<void> archive(const RoomRef&) override { return std::unexpected(unsupported_error(k_wecom, "archive")); }

private:
  Error masked(Error error) const { return m_redactor.mask(std::move(error)); }

  // Whether looking for the chat failed for a reason that says nothing about the chat
  // (credentials refused, WeCom unreachable or busy): that error is the answer.
  static bool lookup_failed(const Result<Created>& found) {
    return !found && (found.error().kind == ErrorKind::Auth || found.error().kind == ErrorKind::Unavailable);
  }

  // The chat whose chatid is spec.dedupe_key (appchat/get), as made by an earlier run; an
  // Error when there is none or it cannot be read.
  Result<Created> find_chat(const RoomSpec& spec) {
    const std::string action = "find the group chat " + spec.dedupe_key + " (appchat/get)";
    FAULTLINE_TRY(reply, call(http::Method::Get, "/cgi-bin/appchat/get", "&chatid=" + http::url_encode(spec.dedupe_key),
                              nullptr, http::RetrySafety::ByMethod, action));
    if (!reply->ok) return std::unexpected(masked(refusal_error(k_wecom, action, *reply)));
    const json info = reply->body.value("chat_info", json::object());
    const std::string name = text_member(info, "name");
    std::string id = text_member(info, "chatid");
    if (id.empty()) id = spec.dedupe_key;
    return Created{RoomRef{"wecom", std::move(id), name.empty() ? spec.name : name, {}}, false};
  }

  // {base}{path}?access_token=...{query} with a JSON body (none when null).
  Result<ApiReply> call(http::Method method, std::string_view path, const std::string& query, const json& body,
                        http::RetrySafety retry, std::string_view action) {
    http::Request request;
    if (body.is_null()) {
      request.method = method;
      request.retry = retry;
    } else {
      request = json_request(method, {}, body, retry);
    }
    return send_with_token(
        m_transport, m_token,
        [&](const std::string& token) {
          http::Request authed = request;
          authed.url = m_base + std::string(path) + "?access_token=" + http::url_encode(token) + query;
          return authed;
        },
        [&](const http::Outcome& outcome) { return read(outcome, action); });
  }

  // The answer as a reply; an Error for no answer, HTTP 429/5xx or a body that is not WeCom's,
  // refused credentials and busy or rate-limited answers.
  ReadReply read(const http::Outcome& outcome, std::string_view action) const {
    if (!outcome) return {std::unexpected(masked(unreachable_error(k_wecom, action, outcome.error())))};
    const http::Response& response = *outcome;
    if (is_dry_run(response)) return {dry_run_reply(response)};
    const auto body = json_object(response.body);
    const auto code = body && body->contains("errcode") && (*body)["errcode"].is_number_integer()
                          ? std::optional<long long>((*body)["errcode"].get<long long>())
                          : std::nullopt;
    if (response.status == 429 || response.status >= 500 || !code)
      return {std::unexpected(masked(status_error(k_wecom, action, response)))};
    if (*code == 0) return {ApiReply{true, {}, {}, *body, response.status}};
    ApiReply reply{false, "errcode " + std::to_string(*code), text_member(*body, "errmsg"), *body, response.status};
    if (wecom_stale_token_code(*code))
      return {std::unexpected(masked(refusal_error(k_wecom, action, reply, ErrorKind::Auth,
                                                   "the access_token was refused even when new; " +
                                                       std::string(k_wecom_auth_hint)))),
              true};
    if (wecom_auth_code(*code))
      return {std::unexpected(masked(refusal_error(k_wecom, action, reply, ErrorKind::Auth, std::string(k_wecom_auth_hint))))};
    if (wecom_busy_code(*code))
      return {std::unexpected(masked(refusal_error(k_wecom, action, reply, ErrorKind::Unavailable,
                                                   "WeCom is busy or rate-limited the app; a later run tries again")))};
    return {std::move(reply)};
  }

  // GET {base}/cgi-bin/gettoken?corpid=...&corpsecret=...
  Result<std::string> fetch_token() {
    const std::string action = "issue an access_token (gettoken)";
    http::Request request;
    request.method = http::Method::Get;
    request.url = m_base + "/cgi-bin/gettoken?corpid=" + http::url_encode(m_corp_id) +
                  "&corpsecret=" + http::url_encode(m_secret);
    const http::Outcome outcome = m_transport.send(request);
    if (!outcome) return std::unexpected(masked(unreachable_error(k_wecom, action, outcome.error())));
    const auto answer = json_object(outcome->body);
    const auto code = answer && answer->contains("errcode") && (*answer)["errcode"].is_number_integer()
                          ? std::optional<long long>((*answer)["errcode"].get<long long>())
                          : std::nullopt;
    if (outcome->status == 429 || outcome->status >= 500 || !code)
      return std::unexpected(masked(status_error(k_wecom, action, *outcome)));
    if (*code != 0) {
      const ApiReply reply{false, "errcode " + std::to_string(*code), text_member(*answer, "errmsg"), *answer,
                           outcome->status};
      const ErrorKind kind = wecom_busy_code(*code) ? ErrorKind::Unavailable : ErrorKind::Auth;
      return std::unexpected(masked(refusal_error(k_wecom, action, reply, kind, std::string(k_wecom_auth_hint))));
    }
    const std::string token = text_member(*answer, "access_token");
    if (token.empty()) {
      return fail(ErrorKind::Failed, "WeCom issued no access_token",
                  "check rooms.url: it should be the API host (https://qyapi.weixin.qq.com)");
    }
    m_redactor.add_secret(token);
    return token;
  }

  http::Transport& m_transport;
  std::string m_base;
  std::string m_corp_id;
  std::string m_secret;
  Redactor m_redactor;
  AccessToken m_token;
};

}  // namespace

std::unique_ptr<RoomPlatform> make_wecom_rooms(http::Transport& transport, const config::RoomsSettings& settings) {
  return std::make_unique<WeComRooms>(transport, settings);
}

}  // namespace faultline::notify::rooms
