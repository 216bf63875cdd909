// Feishu / Lark rooms: group chats through IM v1 with the app's tenant_access_token (a
// self-built app with the bot ability). Answers are {"code":0,"msg":...,"data":...}; a refusal
// has a non-zero code, often with HTTP 400.
#include <algorithm>
#include <array>

#include "faultline/http/url.hpp"
#include "faultline/notify/markdown_literals.hpp"
#include "faultline/notify/room_platform.hpp"
#include "faultline/notify/text_limits.hpp"
#include "faultline/util/redact.hpp"
#include "notify/room_platforms.hpp"

namespace faultline::notify::rooms {

namespace {

using nlohmann::json;

constexpr std::string_view k_feishu = "Feishu";
constexpr std::size_t k_feishu_member_batch = 50;      // id_list takes at most 50 users a call
constexpr std::size_t k_feishu_post_line_bytes = 2000;  // a longer line becomes several paragraphs
// The post's JSON per message (the request, escaped once more, must stay under 30 KB).
constexpr std::size_t k_feishu_post_content_bytes = 12000;

// The tenant_access_token is missing, malformed, invalid or expired: fetch another.
bool feishu_stale_token_code(long long code) {
  return code == 99991661 || code == 99991663 || code == 99991664 || code == 99991665 || code == 99991668 ||
         code == 99991671;
}

// The app is refused: no permission (scope), the IP is not allowed, the app is not usable.
bool feishu_auth_code(long long code) {
  return code == 99991672 || code == 99991679 || code == 99991401 || code == 99991403 || code == 10003 ||
         code == 10014 || code == 232034;
}

// Rate limits: the same call may succeed later (99991400 the API's limit, 232019 a chat's).
bool feishu_busy_code(long long code) { return code == 99991400 || code == 232019; }

// Dissolving a chat that is already dissolved.
constexpr long long k_feishu_chat_dissolved = 232009;

constexpr std::string_view k_feishu_auth_hint =
    "check rooms.app_id and rooms.app_secret, that the app has the bot ability and the permissions "
    "im:chat (create, members, update, disband) and im:message:send_as_bot";

// ---- Markdown to a Feishu "post" (rich text) ----------------------------------------------
// A post's "text" elements show their text as written and "a" elements are links, so a
// template value (escaped in the Markdown) can never become markup: only the template's own
// **bold**, [links](url) and headings are read.

void feishu_flush_text(json& elements, std::string& run, bool bold) {
  if (run.empty()) return;
  json element = {{"tag", "text"}, {"text", std::move(run)}};
  if (bold) element["style"] = json::array({"bold"});
  elements.push_back(std::move(element));
  run.clear();
}

// One Markdown line as a post paragraph.
json feishu_paragraph(std::string_view line) {
  bool heading = false;
  std::size_t hashes = 0;
  while (hashes < line.size() && hashes < 7 && line[hashes] == '#') ++hashes;
  if (hashes >= 1 && hashes <= 6 && hashes < line.size() && (line[hashes] == ' ' || line[hashes] == '\t')) {
    heading = true;
    line.remove_prefix(hashes);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  }
  json elements = json::array();
  std::string run;
  std::size_t i = 0;
  while (i < line.size()) {
    if (is_escape_at(line, i)) {
      run += line[i + 1];
      i += 2;
      continue;
    }
    if (line.substr(i, 2) == "**") {
      const auto close = find_unescaped_bold(line, i + 2);
      if (close != std::string_view::npos && close > i + 2) {
        feishu_flush_text(elements, run, heading);
        run = markdown_to_plain(line.substr(i + 2, close - i - 2));
        feishu_flush_text(elements, run, true);
        i = close + 2;
        continue;
      }
    }
    if (line[i] == '[') {
      if (const auto link = markdown_link_at(line, i)) {
        feishu_flush_text(elements, run, heading);
        elements.push_back({{"tag", "a"}, {"text", markdown_to_plain(link->text)}, {"href", link_destination(link->url)}});
        i = link->end;
        continue;
      }
    }
    run += line[i];
    ++i;
  }
  feishu_flush_text(elements, run, heading);
  if (elements.empty()) elements.push_back({{"tag", "text"}, {"text", ""}});
  return elements;
}

// The Markdown as post paragraphs, one per line (a very long line as several).
std::vector<json> feishu_paragraphs(std::string_view markdown) {
  std::vector<json> paragraphs;
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    const auto end = markdown.find('\n', pos);
    std::string_view line = markdown.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() <= k_feishu_post_line_bytes) {
      paragraphs.push_back(feishu_paragraph(line));
    } else {
      for (const auto& piece : split_utf8(line, k_feishu_post_line_bytes)) paragraphs.push_back(feishu_paragraph(piece));
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  // No blank paragraphs at either end.
  const auto blank = [](const json& p) { return p.size() == 1 && p[0].value("text", std::string()).empty() && p[0]["tag"] == "text"; };
  while (!paragraphs.empty() && blank(paragraphs.back())) paragraphs.pop_back();
  while (!paragraphs.empty() && blank(paragraphs.front())) paragraphs.erase(paragraphs.begin());
  return paragraphs;
}

// The message as the `content` strings of one or more posts: the title (plain text, " (i/n)"
// when split) and the paragraphs, each post under k_feishu_post_content_bytes.
std::vector<std::string> feishu_post_contents(std::string_view title, std::string_view text) {
  const std::string plain_title = markdown_to_plain(title);
  std::vector<json> groups;
  json current = json::array();
  std::size_t size = 0;
  for (auto& paragraph : feishu_paragraphs(text)) {
    const std::size_t paragraph_size = dump_json(paragraph).size() + 1;
    if (!current.empty() && size + paragraph_size > k_feishu_post_content_bytes) {
      groups.push_back(std::move(current));
      current = json::array();
      size = 0;
    }
    current.push_back(std::move(paragraph));
    size += paragraph_size;
  }
  if (!current.empty() || groups.empty()) groups.push_back(std::move(current));
  std::vector<std::string> contents;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    std::string part_title = plain_title;
    if (groups.size() > 1) part_title += " (" + std::to_string(i + 1) + "/" + std::to_string(groups.size()) + ")";
    contents.push_back(dump_json({{"zh_cn", {{"title", part_title}, {"content", std::move(groups[i])}}}}));
  }
  return contents;
}

// ---- the platform ---------------------------------------------------------------------------

class FeishuRooms final : public RoomPlatform {
public:
  FeishuRooms(http::Transport& transport, const config::RoomsSettings& settings)
      : m_transport(transport), m_base(base_url(settings.url, "https://open.feishu.cn")), m_app_id(settings.app_id),
        m_app_secret(settings.app_secret), m_token([this] { return fetch_token(); }) {
    m_redactor.add_secret(m_app_secret);
  }

  std::string_view platform() const override { return "feishu"; }
  RoomCapabilities capabilities() const override { return {true, true}; }

  Result<Created> create(const RoomSpec& spec) override {
    const std::string action = "create the group \"" + spec.name + "\"";
    // No user_id_list: one user the bot cannot see fails the whole create (232043); members
    // are added afterwards, where each refusal is reported.
    json body = {{"name", spec.name}};
    if (!spec.topic.empty()) body["description"] = spec.topic;
    if (!spec.owner.empty()) body["owner_id"] = spec.owner;
    const std::string url = m_base + "/open-apis/im/v1/chats?user_id_type=open_id&uuid=" + http::url_encode(spec.dedupe_key);
    FAULTLINE_TRY(reply, call(http::Method::Post, url, body, http::RetrySafety::Safe, action));
    if (!reply->ok) return std::unexpected(masked(refusal_error(k_feishu, action, *reply)));
    const json data = reply->body.value("data", json::object());
    std::string id = text_member(data, "chat_id");
    if (id.empty() && !reply->dry_run) return std::unexpected(missing_field_error(k_feishu, action, "data.chat_id"));
    if (id.empty()) id = "<new chat>";  // --dry-run: nothing was created
    const std::string name = text_member(data, "name");
    // The uuid makes a second create answer the first one's chat, with nothing to tell the two
    // apart: reported as created.
    return Created{room_ref(id, name.empty() ? spec.name : name), true};
  }

  Result<InviteResult> invite(const RoomRef& room, const std::vector<std::string>& user_ids) override {
    const std::string action = "add members to \"" + room.name + "\"";
    const std::string url = m_base + "/open-apis/im/v1/chats/" + http::url_encode(room.id) +
                            "/members?member_id_type=open_id&succeed_type=1";
    InviteResult result;
    for (const auto& batch : batches(user_ids, k_feishu_member_batch)) {
      FAULTLINE_TRY(reply, call(http::Method::Post, url, {{"id_list", batch}}, http::RetrySafety::Safe, action));
      if (!reply->ok) return std::unexpected(masked(refusal_error(k_feishu, action, *reply)));
      const json data = reply->body.value("data", json::object());
      std::vector<std::pair<std::string, std::string>> refused;
      for (const auto& [list, reason] : {std::pair{"invalid_id_list", "invalid_id"},
                                         std::pair{"not_existed_id_list", "not_existed_id"},
                                         std::pair{"pending_approval_id_list", "pending_approval"}}) {
        const auto ids = data.find(list);
        if (ids == data.end() || !ids->is_array()) continue;
        for (const auto& id : *ids)
          if (id.is_string()) refused.emplace_back(id.get<std::string>(), reason);
      }
      for (const auto& id : batch) {
        if (std::none_of(refused.begin(), refused.end(), [&](const auto& r) { return r.first == id; }))
          result.added.push_back(id);
      }
      result.refused.insert(result.refused.end(), refused.begin(), refused.end());
    }
    return result;
  }

  Result<void> set_topic(const RoomRef& room, std::string_view topic) override {
    const std::string action = "set the description of \"" + room.name + "\"";
    const std::string url = m_base + "/open-apis/im/v1/chats/" + http::url_encode(room.id);
    FAULTLINE_TRY(reply, call(http::Method::Put, url, {{"description", topic}}, http::RetrySafety::Safe, action));
    if (!reply->ok) return std::unexpected(masked(refusal_error(k_feishu, action, *reply)));
    return {};
  }

  Result<void> post(const RoomRef& room, std::string_view title, std::string_view text) override {
    const std::string action = "post in \"" + room.name + "\"";
    const std::string url = m_base + "/open-apis/im/v1/messages?receive_id_type=chat_id";
    for (const auto& content : feishu_post_contents(title, text)) {
      const json body = {{"receive_id", room.id}, {"msg_type", "post"}, {"content", content}};
      FAULTLINE_TRY(reply, call(http::Method::Post, url, body, http::RetrySafety::Unsafe, action));
      if (!reply->ok) return std::unexpected(masked(refusal_error(k_feishu, action, *reply)));
    }
    return {};
  }

  Result<void> archive(const RoomRef& room) override {
    const std::string action = "disband \"" + room.name + "\"";
    http::Request request;
    request.method = http::Method::Delete;
    request.url = m_base + "/open-apis/im/v1/chats/" + http::url_encode(room.id);
    request.retry = http::RetrySafety::Safe;
    FAULTLINE_TRY(reply, send_with_token(
                             m_transport, m_token,
                             [&](const std::string& token) {
                               http::Request authed = request;
                               authed.headers.emplace_back("Authorization", "Bearer " + token);
                               return authed;
                             },
                             [&](const http::Outcome& outcome) { return read(outcome, action); }));
    if (!reply->ok && reply->code != "code " + std::to_string(k_feishu_chat_dissolved))
      return std::unexpected(masked(refusal_error(k_feishu, action, *reply)));
    return {};
  }

private:
  RoomRef room_ref(std::string id, std::string name) const {
    // Feishu's AppLink opens a chat by its id in the client (Lark's on its own host).
    std::string url;
    if (!id.starts_with("<")) {
      const bool lark = m_base.find("larksuite") != std::string::npos;
      url = std::string(lark ? "https://applink.larksuite.com" : "https://applink.feishu.cn") +
            "/client/chat/open?openChatId=" + http::url_encode(id);
    }
    return RoomRef{"feishu", std::move(id), std::move(name), std::move(url)};
  }

  Error masked(Error error) const { return m_redactor.mask(std::move(error)); }

  // A JSON call with the tenant token (fetched once, fetched again when refused as stale).
  Result<ApiReply> call(http::Method method, const std::string& url, const json& body, http::RetrySafety retry,
                        std::string_view action) {
    const http::Request request = json_request(method, url, body, retry);
    return send_with_token(
        m_transport, m_token,
        [&](const std::string& token) {
          http::Request authed = request;
          authed.headers.emplace_back("Authorization", "Bearer " + token);
          return authed;
        },
        [&](const http::Outcome& outcome) { return read(outcome, action); });
  }

  // The answer as a reply (code 0 or a refusal a caller may handle); an Error for no answer,
  // HTTP 429/5xx, a body that is not Feishu's, refused credentials and rate limits.
  ReadReply read(const http::Outcome& outcome, std::string_view action) const {
    if (!outcome) return {std::unexpected(masked(unreachable_error(k_feishu, action, outcome.error())))};
    const http::Response& response = *outcome;
    if (is_dry_run(response)) return {dry_run_reply(response)};
    const auto body = json_object(response.body);
    const auto code = body && body->contains("code") && (*body)["code"].is_number_integer()
                          ? std::optional<long long>((*body)["code"].get<long long>())
                          : std::nullopt;
    if (response.status == 429 || response.status >= 500 || !code)
      return {std::unexpected(masked(status_error(k_feishu, action, response)))};
    if (*code == 0) return {ApiReply{true, {}, {}, *body, response.status}};
    ApiReply reply{false, "code " + std::to_string(*code), text_member(*body, "msg"), *body, response.status};
    if (feishu_stale_token_code(*code))
      return {std::unexpected(masked(refusal_error(k_feishu, action, reply, ErrorKind::Auth,
                                                   "the tenant access token was refused even when new; " +
                                                       std::string(k_feishu_auth_hint)))),
              true};
    if (feishu_auth_code(*code))
      return {std::unexpected(masked(refusal_error(k_feishu, action, reply, ErrorKind::Auth, std::string(k_feishu_auth_hint))))};
    if (feishu_busy_code(*code))
      return {std::unexpected(masked(refusal_error(k_feishu, action, reply, ErrorKind::Unavailable,
                                                   "Feishu rate-limited the app; a later run tries again")))};
    return {std::move(reply)};
  }

  // POST /open-apis/auth/v3/tenant_access_token/internal: it only reads, so it is retried and
  // sent under --dry-run like a GET.
  Result<std::string> fetch_token() {
    const std::string action = "issue a tenant access token for the app";
    const json body = {{"app_id", m_app_id}, {"app_secret", m_app_secret}};
    const http::Request request = json_request(http::Method::Post, m_base + "/open-apis/auth/v3/tenant_access_token/internal",
                                               body, http::RetrySafety::ReadOnly);
    const http::Outcome outcome = m_transport.send(request);
    if (!outcome) return std::unexpected(masked(unreachable_error(k_feishu, action, outcome.error())));
    const auto answer = json_object(outcome->body);
    const auto code = answer && answer->contains("code") && (*answer)["code"].is_number_integer()
                          ? std::optional<long long>((*answer)["code"].get<long long>())
                          : std::nullopt;
    if (outcome->status == 429 || outcome->status >= 500 || !code)
      return std::unexpected(masked(status_error(k_feishu, action, *outcome)));
    ApiReply reply{*code == 0, "code " + std::to_string(*code), text_member(*answer, "msg"), *answer, outcome->status};
    if (*code != 0) {
      const ErrorKind kind = feishu_busy_code(*code) ? ErrorKind::Unavailable : ErrorKind::Auth;
      return std::unexpected(masked(refusal_error(k_feishu, action, reply, kind, std::string(k_feishu_auth_hint))));
    }
    const std::string token = text_member(*answer, "tenant_access_token");
    if (token.empty()) {
      return fail(ErrorKind::Failed, "Feishu issued no tenant access token",
                  "check rooms.url: it should be the open platform's host (https://open.feishu.cn)");
    }
    m_redactor.add_secret(token);
    return token;
  }

  http::Transport& m_transport;
  std::string m_base;
  std::string m_app_id;
  std::string m_app_secret;
  Redactor m_redactor;
  AccessToken m_token;
};

}  // namespace

std::unique_ptr<RoomPlatform> make_feishu_rooms(http::Transport& transport, const config::RoomsSettings& settings) {
  return std::make_unique<FeishuRooms>(transport, settings);
}

}  // namespace faultline::notify::rooms
