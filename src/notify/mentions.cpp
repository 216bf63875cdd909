#include "faultline/notify/mentions.hpp"

#include <algorithm>

namespace faultline::notify {

namespace {

const config::Person* find_person(const std::string& name,
                                  const std::map<std::string, config::Person>& people) {
  if (const auto it = people.find(name); it != people.end()) return &it->second;
  for (const auto& [key, person] : people)
    if (!person.jira.empty() && person.jira == name) return &person;
  return nullptr;
}

std::string platform_id(ChannelKind kind, const config::Person& person) {
  if (kind == ChannelKind::Email) return person.email;
  auto lookup = [&person](const char* platform) -> std::string {
    const auto it = person.mentions.find(platform);
    return it == person.mentions.end() ? std::string{} : it->second;
  };
  std::string id = lookup(to_string(kind));
  if (id.empty() && kind == ChannelKind::Feishu) id = lookup("lark");
  return id;
}

}  // namespace

ResolvedMentions resolve_mentions(ChannelKind kind, const std::vector<std::string>& names,
                                  MentionAll mention_all,
                                  const std::map<std::string, config::Person>& people) {
  ResolvedMentions resolved;
  resolved.all = mention_all == MentionAll::Yes;
  std::vector<std::string> seen;
  for (const auto& name : names) {
    if (name.empty() || std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    const config::Person* person = find_person(name, people);
    std::string id = person ? platform_id(kind, *person) : std::string{};
    if (id.empty() && kind == ChannelKind::Generic) id = person ? person->key : name;
    if (id.empty()) {
      resolved.unresolved.push_back(person ? person->key : name);
      continue;
    }
    const std::string key = person ? person->key : name;
    const bool duplicate = std::any_of(resolved.mentions.begin(), resolved.mentions.end(),
                                       [&id](const Mention& m) { return m.id == id; });
    if (!duplicate) resolved.mentions.push_back(Mention{key, std::move(id)});
  }
  return resolved;
}

}  // namespace faultline::notify
