// Who a message mentions, in one platform's ids, from the config's people map.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "faultline/config/config.hpp"
#include "faultline/notify/channel_kind.hpp"

namespace faultline::notify {

// One person to mention on one platform.
struct Mention {
  std::string person;  // the people key, or the name given when nobody matched
  std::string id;      // the platform's id: WeCom/DingTalk user id ("mobile:" + number for a
                       // phone number), Feishu open_id/user_id, Slack U-id, Teams UPN or
                       // Entra object id, e-mail address, generic: the mention id or the key
};

struct ResolvedMentions {
  std::vector<Mention> mentions;
  bool all = false;                     // @all asked for (MentionAll::Yes)
  std::vector<std::string> unresolved;  // names with no id for this platform (shown, not paged)
};

// Whether a message pages everyone in the group (@all) where the platform allows it.
enum class MentionAll { No, Yes };

// Resolves `names` (people keys or Jira users) to ids for `kind`: the person's
// mentions[<kind>] ("feishu" also reads "lark"), for e-mail the person's address. Names with
// no person or no id for the platform are listed in `unresolved`; the generic channel falls
// back to the people key. Duplicates are dropped, order kept.
ResolvedMentions resolve_mentions(ChannelKind kind, const std::vector<std::string>& names,
                                  MentionAll mention_all,
                                  const std::map<std::string, config::Person>& people);

// The prefix that marks a WeCom or DingTalk mention id as a phone number ("mobile:138...").
inline constexpr std::string_view k_mobile_prefix = "mobile:";

}  // namespace faultline::notify
