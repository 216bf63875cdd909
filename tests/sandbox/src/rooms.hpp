// The chat platforms' group APIs, for faultline's "response room per fault": Slack's Web API
// (conversations.*, chat.postMessage), Feishu/Lark IM v1 chats and messages, DingTalk scene
// groups and app-robot group messages, WeCom app group chats (appchat). Each platform lives
// under its own prefix, after which the paths are the platform's own:
//   /rooms/slack/api/<method>                       (slack.com/api)
//   /rooms/feishu/open-apis/...                     (open.feishu.cn, open.larksuite.com)
//   /rooms/dingtalk/oapi/...  /rooms/dingtalk/api/v1.0/...   (oapi.dingtalk.com, api.dingtalk.com)
//   /rooms/wecom/cgi-bin/...                        (qyapi.weixin.qq.com)
// Written from reference/analysis-and-rooms.md §5–8 and the platforms' public documentation;
// rooms.cpp lists every answer and error code and marks the numbers no source confirmed.
// These paths carry the platforms' own auth (bot token, tenant token, access_token), not Jira's.
//
// Seed part: seed["rooms"] = {
//   "slack":    {"token", "bot_user", "users": [...]},
//   "feishu":   {"app_id", "app_secret", "users": [open_id, ...]},
//   "dingtalk": {"appkey", "appsecret", "template_id", "robot_code", "users": [userid, ...]},
//   "wecom":    {"corpid", "corpsecret", "users": [userid, ...]}}
// A platform missing from the seed answers 404 on its paths. Tokens the token endpoints issue
// are random, last 7200 s on the sandbox clock, and are checked on every call.
//
// Capture: GET /_sandbox/rooms[?platform=] ->
//   {"rooms":[{platform, id, name, topic (Slack) | description (Feishu), owner, members,
//              archived (Slack) | disbanded (Feishu), uuid (Feishu, DingTalk) | chatid (WeCom),
//              messages:[{body, at}], ...}],
//    "calls":[{platform, api, ok, error, status, at}]}        (at: ms since the epoch)
// Every call under /rooms/ is in "calls", refused or not. DELETE /_sandbox/rooms clears rooms
// and calls; the seed and the issued tokens stay.
#pragma once

#include <memory>

#include "service.hpp"

namespace sandbox {

// Creates the group-API service with no platform configured, no room and no call recorded.
std::unique_ptr<Service> make_rooms_service();

}  // namespace sandbox
