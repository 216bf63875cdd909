// Private to notify: the four room platforms' constructors and what they share (reading an
// answer, building the error that names the platform and the step, the cached access token
// of the app-credential platforms, invites that find the refused ids one by one).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/config/config.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/notify/room_platform.hpp"
#include "faultline/util/error.hpp"

namespace faultline::notify::rooms {

// One per platform; `settings` holds the credentials make_room_platform checked.
std::unique_ptr<RoomPlatform> make_slack_rooms(http::Transport& transport, const config::RoomsSettings& settings);
std::unique_ptr<RoomPlatform> make_feishu_rooms(http::Transport& transport, const config::RoomsSettings& settings);
std::unique_ptr<RoomPlatform> make_dingtalk_rooms(http::Transport& transport, const config::RoomsSettings& settings);
std::unique_ptr<RoomPlatform> make_wecom_rooms(http::Transport& transport, const config::RoomsSettings& settings);

// `configured` without trailing slashes, or `public_host` when it is empty.
std::string base_url(std::string_view configured, std::string_view public_host);

// A JSON request: the body serialized (invalid UTF-8 replaced), Content-Type
// "application/json; charset=utf-8", and the extra headers.
http::Request json_request(http::Method method, std::string url, const nlohmann::json& body,
                           http::RetrySafety retry, http::Headers headers = {});

// `value` serialized without throwing on invalid UTF-8 (replaced by U+FFFD).
std::string dump_json(const nlohmann::json& value);

// Whether `response` is --dry-run's synthetic answer (nothing was sent).
bool is_dry_run(const http::Response& response);

// `body` parsed when it is a JSON object.
std::optional<nlohmann::json> json_object(std::string_view body);

// A member of a JSON object as text: a string as is, a number in decimal, "" otherwise.
std::string text_member(const nlohmann::json& object, std::string_view key);

// A platform's answer to one call, once read.
struct ApiReply {
  bool ok = true;
  std::string code;     // the platform's error code, labelled ("name_taken", "code 232009",
                        // "errcode 86001", "InvalidParameter"); "" when ok
  std::string words;    // the platform's message ("" when it gave none)
  nlohmann::json body;  // the whole answer; an empty object for --dry-run's
  int http_status = 0;
  bool dry_run = false;  // --dry-run's synthetic answer: nothing was sent, no ids came back
};

// The reply to a request --dry-run printed instead of sending.
ApiReply dry_run_reply(const http::Response& response);

// Error Failed: the platform said yes to `action` but its answer lacks `field`.
Error missing_field_error(std::string_view platform, std::string_view action, std::string_view field);

// What reading one answer found: the reply, or the error no caller handles differently
// (could not talk, HTTP 429/5xx, credentials refused, busy). `stale_token`: the platform
// refused the access token as invalid or expired, so it is worth fetching a new one.
struct ReadReply {
  Result<ApiReply> reply;
  bool stale_token = false;
};

// "could not reach <platform> to <action> (<kind>): <message>" (Unavailable).
Error unreachable_error(std::string_view platform, std::string_view action, const http::TransportError& error);

// "<platform> answered HTTP <status> to <action>: <body in a few words>": 429 and 5xx
// Unavailable (the hint names Retry-After when given), 401/403 Auth, others Failed.
Error status_error(std::string_view platform, std::string_view action, const http::Response& response);

// "<platform> refused to <action>: <code>: <words>" of kind `kind`, http_status set.
Error refusal_error(std::string_view platform, std::string_view action, const ApiReply& reply,
                    ErrorKind kind = ErrorKind::Failed, std::string hint = {});

// Error Failed for a step the platform's group API does not have ("<platform> groups have no
// <what> through the API").
Error unsupported_error(std::string_view platform, std::string_view what);

// An access token fetched on first use and kept for the platform instance's life (the
// platforms give 2 hours; a run is shorter), forgotten when the platform refuses it.
class AccessToken {
public:
  using Fetch = std::function<Result<std::string>()>;
  explicit AccessToken(Fetch fetch) : m_fetch(std::move(fetch)) {}
  // The cached token, or a newly fetched one. Error: the fetch's.
  Result<std::string> get();
  // Drops the cached token so the next get() fetches again.
  void forget() { m_token.reset(); }

private:
  Fetch m_fetch;
  std::optional<std::string> m_token;
};

// Sends the request `build` makes with the current token and reads the answer with `read`.
// When the answer says the token is stale, fetches a new one and sends once more; a second
// stale answer is returned as the error `read` gave it.
Result<ApiReply> send_with_token(http::Transport& transport, AccessToken& token,
                                 const std::function<http::Request(const std::string& token)>& build,
                                 const std::function<ReadReply(const http::Outcome&)>& read);

// `ids` in batches of at most `size` (at least 1), in order.
std::vector<std::vector<std::string>> batches(const std::vector<std::string>& ids, std::size_t size);

// Adds one batch of ids to a group: nullopt when the platform added them all, the refusal's
// reason ("errcode 60111: userid not found") when it refused the call, or an Error that ends
// the invite (credentials, unreachable).
using AddBatch = std::function<Result<std::optional<std::string>>(const std::vector<std::string>& ids)>;

// Invites `ids` in batches of `batch_size` on a platform that refuses a whole call for one
// id it cannot add and says nothing per id (WeCom, DingTalk): a refused batch of several ids
// is tried again one id at a time, and the ids refused alone are reported with the reason.
Result<InviteResult> invite_finding_refused(const std::vector<std::string>& ids, std::size_t batch_size,
                                            const AddBatch& add);

}  // namespace faultline::notify::rooms
