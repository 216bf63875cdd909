// A fault's dedicated response group on a chat platform, through the platform's group API
// (a bot or app with credentials; webhooks cannot create groups): create, invite, topic, post,
// archive. One implementation per platform (Slack Web API, Feishu/Lark IM v1, DingTalk scene
// groups with the app robot, WeCom appchat), chosen once from config::RoomsSettings. Every
// request goes through the Transport; errors never hold a token or secret.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/config/config.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/util/error.hpp"

namespace faultline::notify {

// A group that exists on the platform.
struct RoomRef {
  std::string platform;  // "slack" | "feishu" | "dingtalk" | "wecom"
  std::string id;        // Slack channel id "C0..", Feishu chat_id "oc_..", DingTalk
                         // open_conversation_id "cid..", WeCom chatid
  std::string name;      // the name it was created with
  std::string url;       // a link people can open, when the platform has one ("" otherwise):
                         // Slack's app_redirect?channel=<id> on the API host, Feishu's AppLink
                         // (Lark's on a larksuite host); DingTalk and WeCom have none
};

// {"platform","id","name","url"} and back (missing members empty).
nlohmann::json to_json(const RoomRef& room);
RoomRef room_from_json(const nlohmann::json& json);

// What to create.
struct RoomSpec {
  std::string name;       // already valid for the platform (core/room_names.hpp)
  std::string topic;      // plain text, already cut to the platform's limit
  std::string dedupe_key;  // stable per fault and site: a second create with the same key finds
                           // the group the first made instead of making another (Slack: by
                           // name; Feishu and DingTalk: the `uuid` parameter; WeCom: the
                           // chatid derived from it)
  std::string owner;       // platform user id of the owner ("" = the bot or a member)
  std::vector<std::string> members;  // platform user ids to add at creation where the platform
                                     // takes them (WeCom needs 2, with the owner; DingTalk);
                                     // Slack and Feishu add nobody at creation: invite later
};

// The people an invite could not add, with the platform's reason per id. Where the platform
// refuses a whole call for one id and names none (WeCom, DingTalk), the ids are tried one at a
// time to find the refused ones; Feishu's ids pending approval are refused ("pending_approval").
struct InviteResult {
  std::vector<std::string> added;                             // ids now members
  std::vector<std::pair<std::string, std::string>> refused;   // id -> reason ("user_not_found")
};

// What a platform can do beyond create, invite and post.
struct RoomCapabilities {
  bool topic = false;    // Slack setTopic, Feishu description
  bool archive = false;  // Slack archive, Feishu disband
};

class RoomPlatform {
public:
  virtual ~RoomPlatform() = default;
  virtual std::string_view platform() const = 0;
  virtual RoomCapabilities capabilities() const = 0;

  // Creates the group, or finds the one an earlier call with the same spec.dedupe_key made
  // (then `created` is false). Error Auth for refused credentials, Unavailable for a platform
  // that cannot be reached or is busy (retryable), Failed or Config for a refusal that a retry
  // cannot fix (the platform's code and words in the message).
  struct Created {
    RoomRef room;
    bool created = true;
  };
  virtual Result<Created> create(const RoomSpec& spec) = 0;

  // Adds members; ids the platform refuses are reported, never an error by themselves.
  // Members already in the group count as added.
  virtual Result<InviteResult> invite(const RoomRef& room, const std::vector<std::string>& user_ids) = 0;

  // Sets the topic (plain text). Error Failed when !capabilities().topic.
  virtual Result<void> set_topic(const RoomRef& room, std::string_view topic) = 0;

  // Posts a message: `title` and `text` are Markdown of the common subset whose template values
  // are escaped (notify/message.hpp, markdown_literals.hpp); each platform sends it in its own
  // format with the webhook code's conversions (Slack mrkdwn text, Feishu a rich-text "post",
  // DingTalk sampleMarkdown, WeCom markdown), split into several messages when too long. Never
  // retried after an unknown outcome: a retry could post twice.
  virtual Result<void> post(const RoomRef& room, std::string_view title, std::string_view text) = 0;

  // Archives (Slack) or disbands (Feishu) the group. An already archived group is success.
  // Error Failed when !capabilities().archive.
  virtual Result<void> archive(const RoomRef& room) = 0;
};

// The platform of `settings.platform`. `transport` must outlive it. Error Config when the
// platform is unknown or a credential it needs is missing (naming the rooms.* key).
Result<std::unique_ptr<RoomPlatform>> make_room_platform(http::Transport& transport,
                                                         const config::RoomsSettings& settings);

}  // namespace faultline::notify
