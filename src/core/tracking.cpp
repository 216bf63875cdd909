// The board's lanes: JQL for open faults and actions, lane assignment, ordering and the
// board JSON model. Pure.
#include "faultline/core/tracking.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <charconv>
#include <type_traits>
#include <utility>

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

namespace {

// A key split once for sorting: "FAULT-12" is ("FAULT", 12); a key without a number is
// (key, -1).
struct SplitKey {
  std::string_view prefix;
  long long number = -1;
  std::string_view whole;
};

SplitKey split_key(std::string_view key) {
  const auto dash = key.rfind('-');
  if (dash == std::string_view::npos) return {key, -1, key};
  long long n = -1;
  const auto digits = key.substr(dash + 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || ptr != digits.data() + digits.size()) return {key, -1, key};
  return {key.substr(0, dash), n, key};
}

// -1, 0 or 1 as key_less orders them.
int compare_keys(const SplitKey& a, const SplitKey& b) {
  if (a.prefix != b.prefix) return a.prefix < b.prefix ? -1 : 1;
  if (a.number != b.number) return a.number < b.number ? -1 : 1;
  return a.whole.compare(b.whole) < 0 ? -1 : (a.whole == b.whole ? 0 : 1);
}

// Orders a lane by rank(action), then by key, as a stable sort would: the ranks and split
// keys are worked out once and sorted as small entries, and each action moves once.
template <class Rank>
void sort_lane(std::vector<Action>& lane, Rank rank) {
  struct Entry {
    std::invoke_result_t<Rank, const Action&> rank;
    SplitKey key;
    std::size_t index;
  };
  std::vector<Entry> order;
  order.reserve(lane.size());
  for (std::size_t i = 0; i < lane.size(); ++i) order.push_back({rank(lane[i]), split_key(lane[i].key), i});
  std::sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (const int c = compare_keys(a.key, b.key); c != 0) return c < 0;
    return a.index < b.index;
  });
  std::vector<Action> sorted;
  sorted.reserve(lane.size());
  for (const auto& entry : order) sorted.push_back(std::move(lane[entry.index]));
  lane = std::move(sorted);
}

}  // namespace

bool key_less(std::string_view a, std::string_view b) { return compare_keys(split_key(a), split_key(b)) < 0; }

ActionLanes assign_lanes(std::vector<Action> actions, date::year_month_day today) {
  ActionLanes lanes;
  std::set<std::string> seen;
  for (auto& action : actions) {
    if (!seen.insert(action.key).second) continue;
    const auto lane = lane_of(action, today);
    if (!lane) continue;
    (*lane == ActionLane::Overdue ? lanes.overdue : lanes.pending).push_back(std::move(action));
  }
  // Overdue: the most days overdue first. Pending: the earliest due date first, then those
  // without one. Then by key.
  sort_lane(lanes.overdue, [&](const Action& a) { return -days_overdue(a, today); });
  sort_lane(lanes.pending, [](const Action& a) {
    using Rank = std::pair<int, long long>;
    return a.due ? Rank{0, date::sys_days{*a.due}.time_since_epoch().count()} : Rank{1, 0};
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
  json board = json::object();
  json& fault_lane = board["faults"] = json::array();
  fault_lane.get_ref<json::array_t&>().reserve(faults.size());
  for (const auto& fault : faults) fault_lane.push_back(board_fault_json(fault, now, zone, policy));
  for (const auto* lane : {&lanes.overdue, &lanes.pending}) {
    json& items = board[lane == &lanes.overdue ? "overdue" : "pending"] = json::array();
    items.get_ref<json::array_t&>().reserve(lane->size());
    for (const auto& action : *lane) items.push_back(action_to_json(action, today));
  }
  return board;
}

}  // namespace faultline::core
