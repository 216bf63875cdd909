// Slack rooms: channels through the Web API (conversations.*, chat.postMessage) with the bot
// token. Every answer is HTTP 200 with {"ok":true|false,"error":"<code>"}, except a 429 with
// Retry-After when rate limited.
#include <algorithm>
#include <array>

#include "faultline/core/room_names.hpp"
#include "faultline/http/url.hpp"
#include "faultline/notify/payload.hpp"
#include "faultline/notify/room_platform.hpp"
#include "faultline/notify/text_limits.hpp"
#include "faultline/util/redact.hpp"
#include "notify/room_platforms.hpp"

namespace faultline::notify::rooms {

namespace {

using nlohmann::json;

constexpr std::string_view k_slack = "Slack";
constexpr std::size_t k_slack_invite_batch = 1000;  // conversations.invite takes 1-1000 users
constexpr int k_slack_list_pages = 50;              // 10,000 channels at 200 a page

// Codes that mean the token or the app's scopes are refused.
bool slack_auth_code(std::string_view code) {
  static constexpr std::array<std::string_view, 10> codes = {
      "not_authed",    "invalid_auth",          "missing_scope", "account_inactive", "token_revoked",
      "token_expired", "not_allowed_token_type", "no_permission", "ekm_access_denied", "org_login_required"};
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// Codes that mean Slack is busy or failing: the same call may succeed later.
bool slack_busy_code(std::string_view code) {
  return code == "ratelimited" || code == "rate_limited" || code == "fatal_error" || code == "internal_error" ||
         code == "service_unavailable" || code == "request_timeout";
}

// Per-user refusals of conversations.invite (the call's own `error` when it names one user).
bool slack_user_code(std::string_view code) {
  return code == "user_not_found" || code == "cant_invite" || code == "cant_invite_self" ||
         code == "user_is_restricted" || code == "user_is_ultra_restricted" || code == "ura_max_channels" ||
         code == "no_user" || code == "invalid_users" || code == "user_disabled" ||
         code == "missing_profile_id" || code == "failed_for_some_users";
}

// A boolean member of a JSON object; false when missing or not a boolean.
bool slack_flag(const json& object, std::string_view key) {
  if (!object.is_object()) return false;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

constexpr std::string_view k_slack_auth_hint =
    "check rooms.token (the bot token, xoxb-...) and the app's bot scopes: channels:manage and groups:write "
    "(create, invite, topic, archive), channels:read and groups:read (find a channel by name), chat:write";

class SlackRooms final : public RoomPlatform {
public:
  SlackRooms(http::Transport& transport, const config::RoomsSettings& settings)
      : m_transport(transport), m_base(base_url(settings.url, "https://slack.com")), m_token(settings.token),
        m_private(settings.is_private) {
    m_redactor.add_secret(m_token);
  }

  std::string_view platform() const override { return "slack"; }
  RoomCapabilities capabilities() const override { return {true, true}; }

  Result<Created> create(const RoomSpec& spec) override {
    const std::string action = "create the channel #" + spec.name + " (conversations.create)";
    const json body = {{"name", spec.name}, {"is_private", m_private}};
    FAULTLINE_TRY(reply, post_method("conversations.create", body, http::RetrySafety::Safe, action));
    if (!reply->ok && reply->code == "name_taken") return find_by_name(spec.name);
    if (!reply->ok) {
      const bool bad_name = reply->code.starts_with("invalid_name");
      return std::unexpected(masked(refusal_error(
          k_slack, action, *reply, ErrorKind::Failed,
          bad_name ? "the rooms.name pattern gave a name Slack refuses (a-z 0-9 - _, at most 80 characters)"
                   : "")));
    }
    const json& channel = reply->body.contains("channel") ? reply->body["channel"] : json::object();
    std::string id = text_member(channel, "id");
    if (id.empty() && !reply->dry_run) return std::unexpected(missing_field_error(k_slack, action, "channel.id"));
    if (id.empty()) id = "<new channel>";  // --dry-run: nothing was created
    const std::string name = text_member(channel, "name");
    return Created{room_ref(id, name.empty() ? spec.name : name), true};
  }

  Result<InviteResult> invite(const RoomRef& room, const std::vector<std::string>& user_ids) override {
    InviteResult result;
    for (const auto& batch : batches(user_ids, k_slack_invite_batch)) {
      FAULTLINE_TRY(part, invite_batch(room, batch));
      result.added.insert(result.added.end(), part->added.begin(), part->added.end());
      result.refused.insert(result.refused.end(), part->refused.begin(), part->refused.end());
    }
    return result;
  }

  Result<void> set_topic(const RoomRef& room, std::string_view topic) override {
    const std::string action = "set the topic of #" + room.name + " (conversations.setTopic)";
    // One line of at most 250 characters (core/room_names.hpp), whatever the caller gave.
    const json body = {{"channel", room.id}, {"topic", core::room_topic("slack", topic)}};
    FAULTLINE_TRY(reply, post_method("conversations.setTopic", body, http::RetrySafety::Safe, action));
    if (!reply->ok) return std::unexpected(masked(refusal_error(k_slack, action, *reply)));
    return {};
  }

  Result<void> post(const RoomRef& room, std::string_view title, std::string_view text) override {
    const std::string action = "post in #" + room.name + " (chat.postMessage)";
    for (const auto& part : message_parts(title, text)) {
      const json body = {{"channel", room.id}, {"text", part}, {"unfurl_links", false}};
      FAULTLINE_TRY(reply, post_method("chat.postMessage", body, http::RetrySafety::Unsafe, action));
      if (!reply->ok) return std::unexpected(masked(refusal_error(k_slack, action, *reply)));
    }
    return {};
  }

  Result<void> archive(const RoomRef& room) override {
    const std::string action = "archive #" + room.name + " (conversations.archive)";
    const json body = {{"channel", room.id}};
    FAULTLINE_TRY(reply, post_method("conversations.archive", body, http::RetrySafety::Safe, action));
    if (!reply->ok && reply->code != "already_archived")
      return std::unexpected(masked(refusal_error(k_slack, action, *reply)));
    return {};
  }

private:
  RoomRef room_ref(std::string id, std::string name) const {
    // Slack's documented deep link that needs only the channel id (app_redirect).
    std::string url = id.starts_with("<") ? std::string() : m_base + "/app_redirect?channel=" + id;
    return RoomRef{"slack", std::move(id), std::move(name), std::move(url)};
  }

  Error masked(Error error) const { return m_redactor.mask(std::move(error)); }

  http::Headers auth_headers() const { return {{"Authorization", "Bearer " + m_token}}; }

  // POST {base}/api/{method} with a JSON body.
  Result<ApiReply> post_method(std::string_view method, const json& body, http::RetrySafety retry,
                               std::string_view action) {
    const http::Request request =
        json_request(http::Method::Post, m_base + "/api/" + std::string(method), body, retry, auth_headers());
    return read(m_transport.send(request), action);
  }

  // The answer as a reply; an Error for what no caller handles itself: no answer, HTTP 429 or
  // 5xx or another status without Slack's JSON, refused credentials, a busy Slack.
  Result<ApiReply> read(const http::Outcome& outcome, std::string_view action) const {
    if (!outcome) return std::unexpected(masked(unreachable_error(k_slack, action, outcome.error())));
    const http::Response& response = *outcome;
    if (is_dry_run(response)) return dry_run_reply(response);
    if (response.status == 429 || response.status >= 500)
      return std::unexpected(masked(status_error(k_slack, action, response)));
    const auto body = json_object(response.body);
    if (!body || !body->contains("ok")) return std::unexpected(masked(status_error(k_slack, action, response)));
    ApiReply reply{slack_flag(*body, "ok"), {}, {}, *body, response.status};
    if (reply.ok) return reply;
    reply.code = text_member(*body, "error");
    if (const std::string needed = text_member(*body, "needed"); !needed.empty())
      reply.words = "the token lacks the scope " + needed;
    if (slack_auth_code(reply.code))
      return std::unexpected(masked(refusal_error(k_slack, action, reply, ErrorKind::Auth, std::string(k_slack_auth_hint))));
    if (slack_busy_code(reply.code))
      return std::unexpected(masked(refusal_error(k_slack, action, reply, ErrorKind::Unavailable,
                                                  "Slack is busy; a later run tries again")));
    return reply;
  }

  // The channel named `name`, public or private, archived or not, that the bot can see
  // (conversations.list, paged by cursor).
  Result<Created> find_by_name(const std::string& name) {
    const std::string action = "find the channel #" + name + " (conversations.list)";
    std::string cursor;
    for (int page = 0; page < k_slack_list_pages; ++page) {
      http::Request request;
      request.method = http::Method::Get;
      request.url = m_base + "/api/conversations.list?types=public_channel,private_channel&exclude_archived=false&limit=200";
      if (!cursor.empty()) request.url += "&cursor=" + http::url_encode(cursor);
      request.headers = auth_headers();
      FAULTLINE_TRY(reply, read(m_transport.send(request), action));
      if (!reply->ok) return std::unexpected(masked(refusal_error(k_slack, action, *reply)));
      const json& channels = reply->body.contains("channels") ? reply->body["channels"] : json::array();
      for (const auto& channel : channels) {
        if (text_member(channel, "name") != name) continue;
        if (slack_flag(channel, "is_archived")) {
          return fail(ErrorKind::Failed, "the Slack channel #" + name + " exists but is archived",
                      "unarchive it in Slack, or change rooms.name so the fault gets a new channel");
        }
        return Created{room_ref(text_member(channel, "id"), name), false};
      }
      cursor.clear();
      if (const auto meta = reply->body.find("response_metadata"); meta != reply->body.end())
        cursor = text_member(*meta, "next_cursor");
      if (cursor.empty()) break;
    }
    return fail(ErrorKind::Failed, "Slack says the channel name #" + name + " is taken, but the bot cannot see it",
                "invite the bot to #" + name + " (a private channel), or change rooms.name");
  }

  // One conversations.invite call (force: the valid users are added even when some are not).
  Result<InviteResult> invite_batch(const RoomRef& room, const std::vector<std::string>& users) {
    const std::string action = "invite to #" + room.name + " (conversations.invite)";
    std::string list;
    for (const auto& user : users) list += (list.empty() ? "" : ",") + user;
    const json body = {{"channel", room.id}, {"users", list}, {"force", true}};
    FAULTLINE_TRY(reply, post_method("conversations.invite", body, http::RetrySafety::Safe, action));

    InviteResult result;
    std::vector<std::pair<std::string, std::string>> refused;
    if (const auto errors = reply->body.find("errors"); errors != reply->body.end() && errors->is_array()) {
      for (const auto& entry : *errors) {
        const std::string user = text_member(entry, "user");
        const std::string code = text_member(entry, "error");
        if (!user.empty() && code != "already_in_channel") refused.emplace_back(user, code);
      }
    } else if (!reply->ok && reply->code != "already_in_channel") {
      if (!slack_user_code(reply->code)) return std::unexpected(masked(refusal_error(k_slack, action, *reply)));
      if (users.size() == 1) {
        refused.emplace_back(users.front(), reply->code);
      } else {
        // One of several users was refused and Slack did not say which: ask one by one.
        for (const auto& user : users) {
          FAULTLINE_TRY(alone, invite_batch(room, {user}));
          result.added.insert(result.added.end(), alone->added.begin(), alone->added.end());
          result.refused.insert(result.refused.end(), alone->refused.begin(), alone->refused.end());
        }
        return result;
      }
    }
    for (const auto& user : users) {
      const bool was_refused = std::any_of(refused.begin(), refused.end(), [&](const auto& r) { return r.first == user; });
      if (!was_refused) result.added.push_back(user);
    }
    result.refused = std::move(refused);
    return result;
  }

  // The message in mrkdwn: the title in bold, then the text, in parts Slack takes whole.
  static std::vector<std::string> message_parts(std::string_view title, std::string_view text) {
    std::string mrkdwn;
    if (!title.empty()) mrkdwn = markdown_to_mrkdwn("# " + std::string(title));
    const std::string body = markdown_to_mrkdwn(text);
    if (!body.empty()) mrkdwn += (mrkdwn.empty() ? "" : "\n\n") + body;
    std::vector<std::string> parts;
    for (auto& part : split_utf8(mrkdwn, PlatformLimits{}.slack_text_bytes))
      if (part.find_first_not_of(" \t\r\n") != std::string::npos) parts.push_back(std::move(part));
    if (parts.empty()) parts.emplace_back(" ");
    return parts;
  }

  http::Transport& m_transport;
  std::string m_base;
  std::string m_token;
  bool m_private = false;
  Redactor m_redactor;
};

}  // namespace

std::unique_ptr<RoomPlatform> make_slack_rooms(http::Transport& transport, const config::RoomsSettings& settings) {
  return std::make_unique<SlackRooms>(transport, settings);
}

}  // namespace faultline::notify::rooms
