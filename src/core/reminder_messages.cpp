#include "faultline/core/reminder_messages.hpp"

#include <chrono>
#include <set>

#include <fmt/format.h>

#include "faultline/core/review_clock.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::core {

namespace {

constexpr std::size_t k_header_bytes = 300;  // title, count, escalation line

std::string url_size_probe(const ReminderNaming& naming) { return naming.issue_url("FAULT-0000"); }

}  // namespace

std::vector<nlohmann::json> overdue_messages(const std::vector<OwnerGroup>& owners, std::size_t budget,
                                             const ReminderNaming& naming) {
  const auto parts = split_owner_groups(owners, budget, k_header_bytes, url_size_probe(naming).size());
  std::vector<nlohmann::json> messages;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    int count = 0;
    bool escalated = false;
    auto owner_list = nlohmann::json::array();
    auto mentions = nlohmann::json::array();
    for (const auto& group : parts[p]) {
      auto actions = nlohmann::json::array();
      for (const auto& item : group.items) {
        actions.push_back(json_access::without_empty({{"key", item.action.key},
                                                      {"summary", item.action.summary},
                                                      {"due", item.action.due ? format_date(*item.action.due) : ""},
                                                      {"days_overdue", item.days_overdue},
                                                      {"fault", item.action.parent},
                                                      {"url", naming.issue_url(item.action.key)},
                                                      {"escalated", item.escalated}}));
        ++count;
      }
      owner_list.push_back({{"owner", naming.person(group.owner, group.owner_display)},
                            {"owner_id", group.owner},
                            {"escalated", group.escalated},
                            {"actions", actions}});
      // The people key when there is one, else the Jira id (mentions resolve either).
      if (!group.owner.empty()) mentions.push_back(naming.person(group.owner, group.owner));
      escalated = escalated || group.escalated;
    }
    const bool tell_coordinator = escalated && !naming.team_coordinator.empty();
    if (tell_coordinator) mentions.push_back(naming.team_coordinator);
    nlohmann::json data{{"count", count},
                        {"owners", owner_list},
                        {"escalated", escalated},
                        {"mentions", mentions},
                        {"dedupe_key", fmt::format("remind:actions.overdue:{}:{}", naming.run_id, p + 1)}};
    if (tell_coordinator) data["coordinator"] = naming.team_coordinator;
    if (parts.size() > 1) data["part"] = {{"index", p + 1}, {"total", parts.size()}};
    messages.push_back(std::move(data));
  }
  return messages;
}

std::vector<nlohmann::json> fault_messages(ReminderKind kind, const std::vector<Fault>& faults, std::size_t budget,
                                           const FaultReminderRules& rules, const ReminderNaming& naming) {
  const std::size_t url_bytes = url_size_probe(naming).size();
  std::vector<std::size_t> sizes;
  for (const auto& fault : faults) sizes.push_back(2 * fault.key.size() + url_bytes + fault.summary.size() + 96);
  const char* event = reminder_event(kind);
  const auto ranges = split_lines(sizes, budget, k_header_bytes);
  std::vector<nlohmann::json> messages;
  for (std::size_t p = 0; p < ranges.size(); ++p) {
    auto list = nlohmann::json::array();
    auto mentions = nlohmann::json::array();
    std::set<int> cadences;
    for (std::size_t i = ranges[p].first; i < ranges[p].second; ++i) {
      const auto& fault = faults[i];
      const auto handler =
          fault.handler.empty()
              ? std::string()
              : naming.person(fault.handler, fault.handler_display.empty() ? fault.handler : fault.handler_display);
      nlohmann::json item{{"key", fault.key},
                          {"summary", fault.summary},
                          {"level", fault.level},
                          {"url", naming.issue_url(fault.key)},
                          {"handler", handler},
                          {"coordinator", fault.coordinator}};
      if (kind == ReminderKind::Stale) {
        const auto since = last_progress_at(fault);
        item["minutes_since_update"] =
            since ? std::chrono::duration_cast<std::chrono::minutes>(rules.now - *since).count() : 0;
        cadences.insert(update_interval_minutes(fault.level, rules.update_cadence_minutes, rules.update_cadence_by_level));
        // The handler is chased; without one, the fault's coordinator.
        if (!fault.handler.empty()) mentions.push_back(naming.person(fault.handler, fault.handler));
        else if (!fault.coordinator.empty()) mentions.push_back(fault.coordinator);
      } else {
        if (fault.recovered_at) item["recovered"] = format_iso(*fault.recovered_at, rules.zone);
        if (auto due = effective_review_deadline(fault, rules.review_policy)) item["review_due"] = format_iso(*due, rules.zone);
        if (!fault.handler.empty()) mentions.push_back(naming.person(fault.handler, fault.handler));
        if (!fault.coordinator.empty()) mentions.push_back(fault.coordinator);
      }
      list.push_back(json_access::without_empty(item));
    }
    if (kind == ReminderKind::Review && !naming.team_coordinator.empty()) mentions.push_back(naming.team_coordinator);
    nlohmann::json data{{"count", list.size()},
                        {"faults", list},
                        {"mentions", mentions},
                        {"dedupe_key", fmt::format("remind:{}:{}:{}", event, naming.run_id, p + 1)}};
    if (cadences.size() == 1) data["cadence_minutes"] = *cadences.begin();
    if (list.size() == 1) data["link"] = {{"url", list[0]["url"]}, {"title", list[0]["key"]}};
    if (ranges.size() > 1) data["part"] = {{"index", p + 1}, {"total", ranges.size()}};
    messages.push_back(std::move(data));
  }
  return messages;
}

}  // namespace faultline::core
