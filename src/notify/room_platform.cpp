// The room platform factory, RoomRef's JSON form, and what the four platforms share.
#include "faultline/notify/room_platform.hpp"

#include "faultline/http/dry_run.hpp"
#include "faultline/http/rest.hpp"
#include "notify/room_platforms.hpp"

namespace faultline::notify {

namespace rooms {

using nlohmann::json;

std::string base_url(std::string_view configured, std::string_view public_host) {
  std::string_view base = configured.empty() ? public_host : configured;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base);
}

std::string dump_json(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

http::Request json_request(http::Method method, std::string url, const json& body, http::RetrySafety retry,
                           http::Headers headers) {
  http::Request request;
  request.method = method;
  request.url = std::move(url);
  request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  for (auto& header : headers) request.headers.push_back(std::move(header));
  request.body = dump_json(body);
  request.retry = retry;
  return request;
}

bool is_dry_run(const http::Response& response) { return response.header(http::k_dry_run_header).has_value(); }

ApiReply dry_run_reply(const http::Response& response) {
  return ApiReply{true, {}, {}, json::object(), response.status, true};
}

Error missing_field_error(std::string_view platform, std::string_view action, std::string_view field) {
  return Error{ErrorKind::Failed,
               std::string(platform) + " answered " + std::string(action) + " without " + std::string(field),
               "check rooms.url: it should be the platform's API host", 0, {}};
}

std::optional<json> json_object(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

std::string text_member(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return {};
}

Error unreachable_error(std::string_view platform, std::string_view action, const http::TransportError& error) {
  Error out{ErrorKind::Unavailable,
            "could not reach " + std::string(platform) + " to " + std::string(action) + " (" +
                http::to_string(error.kind) + "): " + error.message,
            "check the network and rooms.url; a later run tries again",
            0,
            {}};
  return out;
}

Error status_error(std::string_view platform, std::string_view action, const http::Response& response) {
  std::string message = std::string(platform) + " answered HTTP " + std::to_string(response.status) + " to " +
                        std::string(action);
  const std::string body = http::describe_body(response.body);
  if (!body.empty()) message += ": " + body;
  const ErrorKind kind = http::kind_for_status(response.status);
  Error error{kind == ErrorKind::NotFound || kind == ErrorKind::Conflict ? ErrorKind::Failed : kind,
              std::move(message), {}, response.status, {}};
  if (error.kind == ErrorKind::Unavailable) {
    const auto after = response.header("Retry-After");
    error.hint = after ? std::string(platform) + " asked to wait " + *after + " s; a later run tries again"
                       : std::string(platform) + " is busy or down; a later run tries again";
  } else if (error.kind == ErrorKind::Auth) {
    error.hint = "check the rooms credentials and the app's permissions";
  }
  return error;
}

Error refusal_error(std::string_view platform, std::string_view action, const ApiReply& reply, ErrorKind kind,
                    std::string hint) {
  std::string message = std::string(platform) + " refused to " + std::string(action);
  if (!reply.code.empty()) message += ": " + reply.code;
  if (!reply.words.empty()) message += ": " + reply.words;
  Error error{kind, std::move(message), std::move(hint), reply.http_status, {}};
  if (!reply.words.empty()) error.details.push_back(reply.words);
  return error;
}

Error unsupported_error(std::string_view platform, std::string_view what) {
  return Error{ErrorKind::Failed,
               std::string(platform) + " groups have no " + std::string(what) + " through the API",
               "check capabilities() before asking for it", 0, {}};
}

Result<std::string> AccessToken::get() {
  if (m_token) return *m_token;
  FAULTLINE_TRY(fetched, m_fetch());
  m_token = *fetched;
  return *m_token;
}

Result<ApiReply> send_with_token(http::Transport& transport, AccessToken& token,
                                 const std::function<http::Request(const std::string&)>& build,
                                 const std::function<ReadReply(const http::Outcome&)>& read) {
  for (int attempt = 1;; ++attempt) {
    FAULTLINE_TRY(value, token.get());
    ReadReply answer = read(transport.send(build(*value)));
    if (!answer.stale_token || attempt == 2) return std::move(answer.reply);
    token.forget();
  }
}

std::vector<std::vector<std::string>> batches(const std::vector<std::string>& ids, std::size_t size) {
  if (size == 0) size = 1;
  std::vector<std::vector<std::string>> out;
  for (std::size_t i = 0; i < ids.size(); i += size)
    out.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(i),
                     ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + size)));
  return out;
}

Result<InviteResult> invite_finding_refused(const std::vector<std::string>& ids, std::size_t batch_size,
                                            const AddBatch& add) {
  InviteResult result;
  for (const auto& batch : batches(ids, batch_size)) {
    FAULTLINE_TRY(refused, add(batch));
    if (!*refused) {
      result.added.insert(result.added.end(), batch.begin(), batch.end());
      continue;
    }
    if (batch.size() == 1) {
      result.refused.emplace_back(batch.front(), **refused);
      continue;
    }
    for (const auto& id : batch) {
      FAULTLINE_TRY(alone, add({id}));
      if (*alone) result.refused.emplace_back(id, **alone);
      else result.added.push_back(id);
    }
  }
  return result;
}

}  // namespace rooms

nlohmann::json to_json(const RoomRef& room) {
  return nlohmann::json{{"platform", room.platform}, {"id", room.id}, {"name", room.name}, {"url", room.url}};
}

RoomRef room_from_json(const nlohmann::json& json) {
  const auto string_member = [&](const char* key) {
    if (!json.is_object()) return std::string();
    const auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  return RoomRef{string_member("platform"), string_member("id"), string_member("name"), string_member("url")};
}

namespace {

// Error Config naming the [rooms] key that `platform` needs and does not have.
std::optional<Error> room_missing_setting(std::string_view platform, std::string_view key, std::string_view value,
                                     std::string_view what) {
  if (!value.empty()) return std::nullopt;
  return Error{ErrorKind::Config,
               "rooms." + std::string(key) + ": " + std::string(platform) + " rooms need " + std::string(what),
               "set it in the [rooms] table (or its environment variable)", 0, {}};
}

}  // namespace

Result<std::unique_ptr<RoomPlatform>> make_room_platform(http::Transport& transport,
                                                         const config::RoomsSettings& settings) {
  const std::string& platform = settings.platform;
  std::vector<std::optional<Error>> missing;
  if (platform == "slack") {
    missing.push_back(room_missing_setting("Slack", "token", settings.token, "the bot token (xoxb-...)"));
  } else if (platform == "feishu" || platform == "dingtalk" || platform == "wecom") {
    const bool wecom = platform == "wecom";
    const bool dingtalk = platform == "dingtalk";
    const std::string_view name = wecom ? "WeCom" : dingtalk ? "DingTalk" : "Feishu";
    missing.push_back(room_missing_setting(name, "app_id", settings.app_id,
                                      wecom ? "the corpid" : dingtalk ? "the app's AppKey" : "the app's App ID"));
    missing.push_back(room_missing_setting(name, "app_secret", settings.app_secret,
                                      wecom ? "the self-built app's Secret"
                                            : dingtalk ? "the app's AppSecret" : "the app's App Secret"));
    if (dingtalk) {
      missing.push_back(room_missing_setting(name, "template_id", settings.template_id,
                                        "the scene-group template id from the developer console"));
      missing.push_back(room_missing_setting(name, "robot_code", settings.robot_code,
                                        "the robotCode of the app robot that posts in the group"));
    }
  } else if (platform.empty()) {
    return fail(ErrorKind::Config, "rooms.platform is not set: response rooms are off",
                "set rooms.platform to slack, feishu, dingtalk or wecom");
  } else {
    return fail(ErrorKind::Config, "rooms.platform: unknown platform '" + platform + "'",
                "use slack, feishu, dingtalk or wecom");
  }
  for (auto& error : missing)
    if (error) return std::unexpected(std::move(*error));

  if (platform == "slack") return rooms::make_slack_rooms(transport, settings);
  if (platform == "feishu") return rooms::make_feishu_rooms(transport, settings);
  if (platform == "dingtalk") return rooms::make_dingtalk_rooms(transport, settings);
  return rooms::make_wecom_rooms(transport, settings);
}

}  // namespace faultline::notify
