// The board's lanes: JQL for open faults and actions, lane assignment, ordering and the
// board JSON model. Pure.
#include "faultline/core/tracking.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "faultline/core/query.hpp"
#include "faultline/core/review_clock.hpp"

namespace faultline::core {

namespace {

using nlohmann::json;

// The rank of a level for sorting: P1 = 1 ... unknown levels after all known ones.
int level_rank(std::string_view level) {
  if (level.size() >= 2 && (level[0] == 'P' || level[0] == 'p')) {
    int n = 0;
    const auto* end = level.data() + level.size();
    auto [ptr, ec] = std::from_chars(level.data() + 1, end, n);
    if (ec == std::errc{} && ptr == end) return n;
  }
  return 1000;
}

std::vector<std::string> base_action_clauses(const ActionQuery& query) {
  std::vector<std::string> clauses;
  if (!query.project.empty()) clauses.push_back("project = " + jql_quote(query.project));
  clauses.push_back("labels = " + jql_quote(k_action_label));
  clauses.push_back("statusCategory != " + jql_quote("Done"));
  if (query.lane) {
    const auto today = jql_quote(format_date(query.today));
    if (*query.lane == ActionLane::Overdue) {
      clauses.push_back("duedate < " + today);
    } else {
      clauses.push_back("duedate >= " + today + " OR duedate is EMPTY");
    }
  }
  if (!query.owner.empty()) clauses.push_back("assignee = " + jql_quote(query.owner));
  return clauses;
}

constexpr std::string_view k_action_order = " ORDER BY duedate ASC, key ASC";

std::optional<TimePoint> first_of(const std::optional<TimePoint>& a, const std::optional<TimePoint>& b) {
  return a ? a : b;
}

json tracking_iso_or_null(const std::optional<TimePoint>& t, const date::time_zone* zone) {
  if (!t) return nullptr;
  return format_iso(*t, zone);
}

}  // namespace

const char* to_string(ActionLane lane) { return lane == ActionLane::Overdue ? "overdue" : "pending"; }

std::string open_faults_jql(std::string_view project, std::string_view fault_type) {
  return jql_and({"project = " + jql_quote(project), "issuetype = " + jql_quote(fault_type),
                  "statusCategory != " + jql_quote("Done")}) +
         " ORDER BY created ASC";
}

std::string actions_jql(const ActionQuery& query) {
  auto clauses = base_action_clauses(query);
  if (!query.parents.empty()) clauses.push_back("parent in " + jql_list(query.parents));
  return jql_and(clauses) + std::string(k_action_order);
}

std::vector<std::string> actions_jql_chunks(const ActionQuery& query, std::size_t chunk) {
  if (query.parents.empty()) return {actions_jql(query)};
  chunk = std::max<std::size_t>(chunk, 1);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < query.parents.size(); i += chunk) {
    ActionQuery part = query;
    const auto end = std::min(query.parents.size(), i + chunk);
    part.parents.assign(query.parents.begin() + static_cast<std::ptrdiff_t>(i),
                        query.parents.begin() + static_cast<std::ptrdiff_t>(end));
    out.push_back(actions_jql(part));
  }
  return out;
}

date::year_month_day today_in(TimePoint now, const date::time_zone* zone) { return local_date(now, zone); }

std::optional<ActionLane> lane_of(const Action& action, date::year_month_day today) {
  if (action_is_done(action)) return std::nullopt;
  if (action.due && date::sys_days{*action.due} < date::sys_days{today}) return ActionLane::Overdue;
  return ActionLane::Pending;
}

bool key_less(std::string_view a, std::string_view b) {
  const auto split = [](std::string_view key) -> std::pair<std::string_view, long long> {
    const auto dash = key.rfind('-');
    if (dash == std::string_view::npos) return {key, -1};
    long long n = -1;
    const auto digits = key.substr(dash + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc{} || ptr != digits.data() + digits.size()) return {key, -1};
    return {key.substr(0, dash), n};
  };
  const auto [pa, na] = split(a);
  const auto [pb, nb] = split(b);
  if (pa != pb) return pa < pb;
  if (na != nb) return na < nb;
  return a < b;
}

ActionLanes assign_lanes(std::vector<Action> actions, date::year_month_day today) {
  ActionLanes lanes;
  std::set<std::string> seen;
  for (auto& action : actions) {
    if (!seen.insert(action.key).second) continue;
    const auto lane = lane_of(action, today);
    if (!lane) continue;
    (*lane == ActionLane::Overdue ? lanes.overdue : lanes.pending).push_back(std::move(action));
  }
  std::stable_sort(lanes.overdue.begin(), lanes.overdue.end(), [&](const Action& a, const Action& b) {
    const int da = days_overdue(a, today);
    const int db = days_overdue(b, today);
    if (da != db) return da > db;
    return key_less(a.key, b.key);
  });
  std::stable_sort(lanes.pending.begin(), lanes.pending.end(), [](const Action& a, const Action& b) {
    if (a.due.has_value() != b.due.has_value()) return a.due.has_value();
    if (a.due && *a.due != *b.due) return date::sys_days{*a.due} < date::sys_days{*b.due};
    return key_less(a.key, b.key);
  });
  return lanes;
}

std::vector<Action> filter_by_parent(std::vector<Action> actions, const std::set<std::string>& parents) {
  std::erase_if(actions, [&](const Action& a) { return !parents.contains(a.parent); });
  return actions;
}

std::vector<Fault> filter_faults_by_team(std::vector<Fault> faults, std::string_view team) {
  if (team.empty()) return faults;
  const auto wanted = lower(team);
  std::erase_if(faults, [&](const Fault& f) { return lower(f.team) != wanted; });
  return faults;
}

void sort_fault_lane(std::vector<Fault>& faults) {
  std::stable_sort(faults.begin(), faults.end(), [](const Fault& a, const Fault& b) {
    const int ra = level_rank(a.level);
    const int rb = level_rank(b.level);
    if (ra != rb) return ra < rb;
    const auto ta = first_of(a.started_at, a.created);
    const auto tb = first_of(b.started_at, b.created);
    if (ta.has_value() != tb.has_value()) return ta.has_value();
    if (ta && *ta != *tb) return *ta < *tb;
    return key_less(a.key, b.key);
  });
}

std::optional<TimePoint> effective_review_deadline(const Fault& fault, const ReviewPolicy& policy) {
  if (fault.review_deadline) return fault.review_deadline;
  if (!fault.recovered_at) return std::nullopt;
  return review_deadline(*fault.recovered_at, fault.level, policy.default_hours, policy.hours_by_level);
}

json board_fault_json(const Fault& fault, TimePoint now, const date::time_zone* zone, const ReviewPolicy& policy) {
  json item = fault_to_json(fault, zone);
  const auto since = first_of(fault.started_at, fault.created);
  if (since) {
    const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - *since);
    item["age"] = format_age(age);
    item["age_minutes"] = std::chrono::duration_cast<std::chrono::minutes>(age).count();
  } else {
    item["age"] = nullptr;
    item["age_minutes"] = nullptr;
  }
  const auto last_update = first_of(fault.last_update_at, fault.updated);
  item["last_update"] = tracking_iso_or_null(last_update, zone);
  item["since_update"] =
      last_update ? json(format_age(std::chrono::duration_cast<std::chrono::milliseconds>(now - *last_update))) : json(nullptr);
  const auto deadline = effective_review_deadline(fault, policy);
  item["review_deadline"] = tracking_iso_or_null(deadline, zone);
  item["review_state"] =
      to_string(deadline ? review_state(fault.recovered_at, fault.reviewed_at, *deadline, now, fault.review_scheduled_at) : ReviewState::NotDue);
  return item;
}

json board_json(const std::vector<Fault>& faults, const ActionLanes& lanes, TimePoint now, const date::time_zone* zone,
                const ReviewPolicy& policy) {
  const auto today = today_in(now, zone);
  json board{{"faults", json::array()}, {"overdue", json::array()}, {"pending", json::array()}};
  for (const auto& fault : faults) board["faults"].push_back(board_fault_json(fault, now, zone, policy));
  for (const auto& action : lanes.overdue) board["overdue"].push_back(action_to_json(action, today));
  for (const auto& action : lanes.pending) board["pending"].push_back(action_to_json(action, today));
  return board;
}

}  // namespace faultline::core
