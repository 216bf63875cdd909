// Reminder decisions for `faultline remind`: grouping, escalation, staleness, missed
// reviews, intervals, the last-reminded marker and message splitting. Pure.
#include "faultline/core/reminders.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <cctype>

#include "faultline/core/review_clock.hpp"
#include "faultline/core/timestamp.hpp"

namespace faultline::core {

const char* to_string(ReminderKind kind) {
  switch (kind) {
    case ReminderKind::Overdue: return "overdue";
    case ReminderKind::Stale: return "stale";
    case ReminderKind::Review: return "review";
  }
  return "overdue";
}

const char* reminder_event(ReminderKind kind) {
  switch (kind) {
    case ReminderKind::Overdue: return "actions.overdue";
    case ReminderKind::Stale: return "fault.stale";
    case ReminderKind::Review: return "review.overdue";
  }
  return "actions.overdue";
}

ReminderInterval reminder_interval(ReminderKind kind, int cadence_minutes) {
  if (kind != ReminderKind::Stale || cadence_minutes <= 0) return {};
  const int slack = cadence_minutes >= 5 ? 1 : 0;
  return ReminderInterval{ReminderInterval::Unit::Minutes, std::chrono::minutes{cadence_minutes - slack}};
}

namespace {

std::optional<ReminderMark> read_member(const nlohmann::json& property, const std::string& member) {
  if (!property.is_object()) return std::nullopt;
  const auto it = property.find(member);
  if (it == property.end() || !it->is_object()) return std::nullopt;
  const auto at = it->find("at");
  const auto by = it->find("by");
  if (at == it->end() || !at->is_string() || by == it->end() || !by->is_string()) return std::nullopt;
  auto time = parse_timestamp(at->get<std::string>());
  if (!time) return std::nullopt;
  const auto sent = it->find("sent");
  return ReminderMark{*time, by->get<std::string>(), sent == it->end() || !sent->is_boolean() || sent->get<bool>()};
}

nlohmann::json mark_json(const ReminderMark& mark) {
  nlohmann::json out{{"at", format_utc(mark.at)}, {"by", mark.by}};
  if (!mark.sent) out["sent"] = false;
  return out;
}

}  // namespace

std::optional<ReminderMark> read_mark(const nlohmann::json& property, ReminderKind kind) {
  return read_member(property, to_string(kind));
}

nlohmann::json with_mark(nlohmann::json property, ReminderKind kind, const ReminderMark& mark) {
  if (!property.is_object()) property = nlohmann::json::object();
  property[to_string(kind)] = mark_json(mark);
  return property;
}

bool may_claim(const nlohmann::json& property, ReminderKind kind, TimePoint now, const ReminderInterval& interval,
               const date::time_zone* zone) {
  const auto mark = read_mark(property, kind);
  if (!mark || !mark->sent) return true;
  if (mark->at > now) return false;
  if (interval.unit == ReminderInterval::Unit::Minutes) return now - mark->at >= interval.minutes;
  if (zone == nullptr) zone = date::locate_zone("UTC");
  return date::sys_days{local_date(mark->at, zone)} < date::sys_days{local_date(now, zone)};
}

bool claim_is_ours(const nlohmann::json& property, ReminderKind kind, std::string_view run_id) {
  const auto mark = read_mark(property, kind);
  return mark && !run_id.empty() && mark->by == run_id;
}

std::string lock_member(ReminderKind kind) { return std::string(to_string(kind)) + "_lock"; }

std::optional<ReminderMark> read_lock(const nlohmann::json& property, ReminderKind kind) {
  return read_member(property, lock_member(kind));
}

bool may_lock(const nlohmann::json& property, ReminderKind kind, std::string_view run_id, TimePoint now,
              std::chrono::milliseconds ttl) {
  const auto lock = read_lock(property, kind);
  if (!lock || lock->by == run_id) return true;
  if (lock->at > now) return false;
  return now - lock->at >= ttl;
}

nlohmann::json with_lock(nlohmann::json property, ReminderKind kind, const ReminderMark& mark) {
  if (!property.is_object()) property = nlohmann::json::object();
  property[lock_member(kind)] = mark_json(mark);
  return property;
}

nlohmann::json without_lock(nlohmann::json property, ReminderKind kind) {
  if (!property.is_object()) return nlohmann::json::object();
  property.erase(lock_member(kind));
  return property;
}

bool lock_is_ours(const nlohmann::json& property, ReminderKind kind, std::string_view run_id) {
  const auto lock = read_lock(property, kind);
  return lock && !run_id.empty() && lock->by == run_id;
}

std::vector<OwnerGroup> group_overdue_by_owner(const std::vector<Action>& actions, date::year_month_day today,
                                               int escalate_after_days) {
  std::map<std::string, OwnerGroup> by_owner;
  for (const auto& action : actions) {
    if (action_is_done(action)) continue;
    const int days = days_overdue(action, today);
    if (days <= 0) continue;
    auto& group = by_owner[action.owner];
    group.owner = action.owner;
    if (group.owner_display.empty()) {
      group.owner_display = !action.owner_display.empty() ? action.owner_display
                            : !action.owner.empty()       ? action.owner
                                                          : std::string("unassigned");
    }
    OverdueItem item{action, days, escalate_after_days > 0 && days >= escalate_after_days};
    group.escalated = group.escalated || item.escalated;
    group.items.push_back(std::move(item));
  }
  std::vector<OwnerGroup> groups;
  for (auto& [owner, group] : by_owner) {
    std::sort(group.items.begin(), group.items.end(), [](const OverdueItem& a, const OverdueItem& b) {
      if (a.days_overdue != b.days_overdue) return a.days_overdue > b.days_overdue;
      return key_less(a.action.key, b.action.key);
    });
    groups.push_back(std::move(group));
  }
  std::stable_sort(groups.begin(), groups.end(), [](const OwnerGroup& a, const OwnerGroup& b) {
    if (a.owner.empty() != b.owner.empty()) return b.owner.empty();
    const auto la = lower(a.owner_display);
    const auto lb = lower(b.owner_display);
    if (la != lb) return la < lb;
    return a.owner < b.owner;
  });
  return groups;
}

std::optional<TimePoint> last_progress_at(const Fault& fault) {
  if (fault.last_update_at) return fault.last_update_at;
  if (fault.started_at) return fault.started_at;
  return fault.created;
}

bool fault_is_stale(const Fault& fault, TimePoint now, int default_cadence_minutes,
                    const std::map<std::string, int>& cadence_by_level) {
  if (fault.status_category == "done" || fault.recovered_at) return false;
  return update_is_stale(last_progress_at(fault), now, fault.level, default_cadence_minutes, cadence_by_level);
}

bool review_is_overdue(const Fault& fault, TimePoint now, const ReviewPolicy& policy) {
  if (fault.status_category == "done" || !fault.recovered_at) return false;
  if (!fault.review_page_id.empty() || !fault.review_page_url.empty()) return false;
  const auto deadline = effective_review_deadline(fault, policy);
  if (!deadline) return false;
  return review_state(fault.recovered_at, fault.reviewed_at, *deadline, now, fault.review_scheduled_at) == ReviewState::Overdue;
}

std::size_t estimated_item_bytes(const OverdueItem& item, std::size_t url_bytes) {
  // "- [KEY](URL) SUMMARY — due YYYY-MM-DD, N day(s) overdue (PARENT)\n"
  return 2 * item.action.key.size() + url_bytes + item.action.summary.size() + item.action.parent.size() + 48;
}

std::vector<std::vector<OwnerGroup>> split_owner_groups(const std::vector<OwnerGroup>& groups, std::size_t max_bytes,
                                                        std::size_t header_bytes, std::size_t url_bytes) {
  std::vector<std::vector<OwnerGroup>> messages;
  std::vector<OwnerGroup> current;
  std::size_t used = header_bytes;
  auto close_message = [&] {
    if (!current.empty()) messages.push_back(std::move(current));
    current.clear();
    used = header_bytes;
  };
  for (const auto& group : groups) {
    const std::size_t owner_bytes = group.owner_display.size() + 16;
    bool owner_open = false;  // the owner's section exists in `current`
    for (const auto& item : group.items) {
      const std::size_t item_bytes = estimated_item_bytes(item, url_bytes);
      const std::size_t needed = item_bytes + (owner_open ? 0 : owner_bytes);
      if (used + needed > max_bytes && !current.empty()) {
        close_message();
        owner_open = false;
      }
      if (!owner_open) {
        OwnerGroup section = group;
        section.items.clear();
        section.escalated = false;
        current.push_back(std::move(section));
        used += owner_bytes;
        owner_open = true;
      }
      current.back().items.push_back(item);
      current.back().escalated = current.back().escalated || item.escalated;
      used += item_bytes;
    }
  }
  close_message();
  return messages;
}

std::vector<std::pair<std::size_t, std::size_t>> split_lines(const std::vector<std::size_t>& sizes,
                                                             std::size_t max_bytes, std::size_t header_bytes) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::size_t first = 0;
  std::size_t used = header_bytes;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (used + sizes[i] > max_bytes && i > first) {
      ranges.emplace_back(first, i);
      first = i;
      used = header_bytes;
    }
    used += sizes[i];
  }
  if (first < sizes.size()) ranges.emplace_back(first, sizes.size());
  return ranges;
}

}  // namespace faultline::core
