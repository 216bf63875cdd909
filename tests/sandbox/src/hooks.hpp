// Chat webhook receivers: POST /hooks/<kind>/<name> for kind wecom, dingtalk, feishu, slack,
// teams and generic. Each checks the payload as its platform does and answers with that
// platform's bodies (reference/chat-and-alerts.md). Every message, accepted or rejected, is
// recorded and served at GET /_sandbox/messages[?kind=&name=]; DELETE /_sandbox/messages clears.
//
// Seed part: seed["hooks"] = {"<kind>/<name>": {"secret": "...", "keywords": ["..."]}}.
// A secret turns on signature checks (DingTalk query sign, Feishu body sign, generic
// X-Faultline-Signature); keywords turn on DingTalk's and Feishu's keyword check.
#pragma once

#include <memory>

#include "service.hpp"

namespace sandbox {

// Creates the webhook service with no hook configured and no message recorded.
std::unique_ptr<Service> make_hooks_service();

}  // namespace sandbox
