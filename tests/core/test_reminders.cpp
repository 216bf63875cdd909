// core/reminders: grouping overdue actions by owner, escalation, stale faults and missed
// reviews, the reminder intervals and the claim decisions around their boundaries, and the
// splitting of long reminder lists into messages.
#include <catch2/catch.hpp>

#include "faultline/core/reminders.hpp"
#include "support/zones.hpp"

using namespace faultline::core;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr date::year_month_day ymd(int y, unsigned m, unsigned d) {
  return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

TimePoint utc(int y, unsigned m, unsigned d, std::chrono::minutes time) {
  return TimePoint{date::sys_days{ymd(y, m, d)}} + time;
}

using faultline::testing::zone;

Action action(std::string key, std::string owner, std::optional<date::year_month_day> due,
              std::string category = "new", std::string display = {}) {
  Action a;
  a.key = std::move(key);
  a.owner = std::move(owner);
  a.owner_display = std::move(display);
  a.due = due;
  a.status_category = std::move(category);
  a.summary = "Do " + a.key;
  a.parent = "FAULT-1";
  return a;
}

json marker(const char* kind, const std::string& at, const std::string& by) {
  return json{{kind, {{"at", at}, {"by", by}}}};
}

}  // namespace

TEST_CASE("overdue actions are grouped by owner, unassigned last, most overdue first", "[reminders]") {
  const auto today = ymd(2026, 11, 25);
  const std::vector<Action> actions = {
      action("FAULT-10", "bob", ymd(2026, 11, 24), "new", "Bob Baker"),
      action("FAULT-9", "alice", ymd(2026, 11, 20), "indeterminate", "Alice Archer"),
      action("FAULT-11", "", ymd(2026, 11, 1)),
      action("FAULT-12", "alice", ymd(2026, 11, 24), "new", "Alice Archer"),
      action("FAULT-13", "alice", ymd(2026, 11, 25)),          // due today: not overdue
      action("FAULT-14", "bob", ymd(2026, 11, 26)),            // tomorrow
      action("FAULT-15", "bob", ymd(2026, 11, 1), "done"),     // done
      action("FAULT-16", "carol", std::nullopt),               // no due date
      action("FAULT-2", "bob", ymd(2026, 11, 24), "new", "Bob Baker"),
  };
  const auto groups = group_overdue_by_owner(actions, today, 0);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].owner == "alice");
  CHECK(groups[0].owner_display == "Alice Archer");
  REQUIRE(groups[0].items.size() == 2);
  CHECK(groups[0].items[0].action.key == "FAULT-9");  // 5 days before 1 day
  CHECK(groups[0].items[0].days_overdue == 5);
  CHECK(groups[0].items[1].action.key == "FAULT-12");
  CHECK(groups[1].owner == "bob");
  REQUIRE(groups[1].items.size() == 2);
  CHECK(groups[1].items[0].action.key == "FAULT-2");  // same days: numeric key order
  CHECK(groups[1].items[1].action.key == "FAULT-10");
  CHECK(groups[2].owner.empty());
  CHECK(groups[2].owner_display == "unassigned");
  CHECK(groups[2].items[0].days_overdue == 24);
  for (const auto& g : groups) CHECK_FALSE(g.escalated);  // escalation off (0)
}

TEST_CASE("nothing overdue gives no groups", "[reminders]") {
  const auto today = ymd(2026, 11, 25);
  CHECK(group_overdue_by_owner({}, today, 3).empty());
  CHECK(group_overdue_by_owner({action("FAULT-1", "a", ymd(2026, 11, 25)), action("FAULT-2", "a", ymd(2026, 11, 30))},
                               today, 3)
            .empty());
}

TEST_CASE("an action escalates once it is escalate_after_days overdue", "[reminders]") {
  const auto today = ymd(2026, 11, 25);
  struct Row {
    date::year_month_day due;
    int after;
    bool escalated;
  };
  const Row rows[] = {
      {ymd(2026, 11, 23), 3, false},  // 2 days
      {ymd(2026, 11, 22), 3, true},   // exactly 3 days
      {ymd(2026, 11, 1), 3, true},
      {ymd(2026, 11, 24), 1, true},   // 1 day with 1
      {ymd(2026, 11, 1), 0, false},   // 0 turns escalation off
  };
  for (const auto& row : rows) {
    INFO(format_date(row.due) << " after " << row.after);
    const auto groups = group_overdue_by_owner({action("FAULT-5", "alice", row.due)}, today, row.after);
    REQUIRE(groups.size() == 1);
    CHECK(groups[0].items[0].escalated == row.escalated);
    CHECK(groups[0].escalated == row.escalated);
  }
}

TEST_CASE("the owner group escalates when any of its actions does", "[reminders]") {
  const auto groups = group_overdue_by_owner(
      {action("FAULT-5", "alice", ymd(2026, 11, 24)), action("FAULT-6", "alice", ymd(2026, 11, 10))}, ymd(2026, 11, 25), 7);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].escalated);
  CHECK(groups[0].items[0].escalated);
  CHECK_FALSE(groups[0].items[1].escalated);
}

TEST_CASE("intervals: daily for overdue and reviews, the cadence for stale faults", "[reminders]") {
  CHECK(reminder_interval(ReminderKind::Overdue, 30).unit == ReminderInterval::Unit::CalendarDay);
  CHECK(reminder_interval(ReminderKind::Review, 30).unit == ReminderInterval::Unit::CalendarDay);
  const auto stale = reminder_interval(ReminderKind::Stale, 30);
  CHECK(stale.unit == ReminderInterval::Unit::Minutes);
  CHECK(stale.minutes == 29min);  // one minute of slack
  CHECK(reminder_interval(ReminderKind::Stale, 4).minutes == 4min);
  CHECK(reminder_interval(ReminderKind::Stale, 0).unit == ReminderInterval::Unit::CalendarDay);
  CHECK(std::string(reminder_event(ReminderKind::Overdue)) == "actions.overdue");
  CHECK(std::string(reminder_event(ReminderKind::Stale)) == "fault.stale");
  CHECK(std::string(reminder_event(ReminderKind::Review)) == "review.overdue");
}

TEST_CASE("claims by calendar day in the team's zone", "[reminders][claim]") {
  const auto* shanghai = zone("Asia/Shanghai");
  const ReminderInterval daily{};
  // 2026-11-25 15:59:59Z is 23:59:59 in Shanghai; 16:00Z is the next day there.
  const auto property = marker("overdue", "2026-11-25T01:00:00Z", "run-a");  // 09:00 Shanghai
  CHECK_FALSE(may_claim(property, ReminderKind::Overdue, utc(2026, 11, 25, 15h + 59min), daily, shanghai));
  CHECK(may_claim(property, ReminderKind::Overdue, utc(2026, 11, 25, 16h), daily, shanghai));
  // The same instants in UTC: the day changes at 00:00Z instead.
  const auto* utc_zone = zone("UTC");
  CHECK_FALSE(may_claim(property, ReminderKind::Overdue, utc(2026, 11, 25, 23h + 59min), daily, utc_zone));
  CHECK(may_claim(property, ReminderKind::Overdue, utc(2026, 11, 26, 0min), daily, utc_zone));
  // A daily cron a few seconds early the next day still sends.
  const auto nine = marker("review", "2026-11-25T01:00:05Z", "run-a");
  CHECK(may_claim(nine, ReminderKind::Review, utc(2026, 11, 26, 1h), daily, shanghai));
}

TEST_CASE("claims by minutes for stale faults", "[reminders][claim]") {
  const auto* z = zone("UTC");
  const auto interval = reminder_interval(ReminderKind::Stale, 30);  // 29 minutes
  const auto property = marker("stale", "2026-11-25T10:00:00Z", "run-a");
  CHECK_FALSE(may_claim(property, ReminderKind::Stale, utc(2026, 11, 25, 10h + 28min) + 59s, interval, z));
  CHECK_FALSE(may_claim(property, ReminderKind::Stale, TimePoint{utc(2026, 11, 25, 10h + 29min) - 1ms}, interval, z));
  CHECK(may_claim(property, ReminderKind::Stale, utc(2026, 11, 25, 10h + 29min), interval, z));
  CHECK(may_claim(property, ReminderKind::Stale, utc(2026, 11, 25, 10h + 30min), interval, z));
}

TEST_CASE("claim decisions on absent, other-kind, malformed and future markers", "[reminders][claim]") {
  const auto* z = zone("UTC");
  const auto now = utc(2026, 11, 25, 10h);
  const ReminderInterval daily{};
  CHECK(may_claim(json::object(), ReminderKind::Overdue, now, daily, z));
  CHECK(may_claim(json(nullptr), ReminderKind::Overdue, now, daily, z));
  CHECK(may_claim(marker("stale", "2026-11-25T09:00:00Z", "a"), ReminderKind::Overdue, now, daily, z));
  CHECK(may_claim(json{{"overdue", "yesterday"}}, ReminderKind::Overdue, now, daily, z));
  CHECK(may_claim(marker("overdue", "now", "a"), ReminderKind::Overdue, now, daily, z));  // never relative
  CHECK(may_claim(json{{"overdue", {{"at", "2026-11-25T09:00:00Z"}}}}, ReminderKind::Overdue, now, daily, z));
  // Another host's clock ahead: recent, not a licence to send again.
  CHECK_FALSE(may_claim(marker("overdue", "2026-11-27T00:00:00Z", "a"), ReminderKind::Overdue, now, daily, z));
}

TEST_CASE("with_mark keeps other kinds and claim_is_ours reads the run id back", "[reminders][claim]") {
  const auto now = utc(2026, 11, 25, 10h);
  auto property = with_mark(marker("stale", "2026-11-25T09:00:00Z", "old"), ReminderKind::Review, {now, "run-b"});
  CHECK(property["stale"]["by"] == "old");
  CHECK(property["review"]["at"] == "2026-11-25T10:00:00Z");
  CHECK(property["review"]["by"] == "run-b");
  CHECK(claim_is_ours(property, ReminderKind::Review, "run-b"));
  CHECK_FALSE(claim_is_ours(property, ReminderKind::Review, "run-a"));
  CHECK_FALSE(claim_is_ours(property, ReminderKind::Overdue, "run-b"));
  CHECK_FALSE(claim_is_ours(property, ReminderKind::Review, ""));
  CHECK(with_mark(json("garbage"), ReminderKind::Overdue, {now, "x"}).size() == 1);
  const auto mark = read_mark(property, ReminderKind::Review);
  REQUIRE(mark);
  CHECK(mark->at == now);
  CHECK(mark->by == "run-b");
}

TEST_CASE("stale: open, not recovered, no update for the level's cadence", "[reminders][stale]") {
  const auto now = utc(2026, 11, 25, 10h);
  const std::map<std::string, int> by_level = {{"P1", 15}};
  Fault fault;
  fault.level = "P1";
  fault.status_category = "indeterminate";
  fault.started_at = now - 2h;
  fault.last_update_at = now - 14min;
  CHECK_FALSE(fault_is_stale(fault, now, 30, by_level));
  fault.last_update_at = now - 15min;
  CHECK(fault_is_stale(fault, now, 30, by_level));
  fault.level = "P3";  // default cadence 30
  CHECK_FALSE(fault_is_stale(fault, now, 30, by_level));
  fault.last_update_at.reset();  // counts from the start
  CHECK(fault_is_stale(fault, now, 30, by_level));
  fault.started_at = now - 10min;
  CHECK_FALSE(fault_is_stale(fault, now, 30, by_level));
  fault.started_at.reset();
  fault.created = now - 31min;  // nothing else known: creation
  CHECK(fault_is_stale(fault, now, 30, by_level));
  fault.recovered_at = now - 1min;
  CHECK_FALSE(fault_is_stale(fault, now, 30, by_level));
  fault.recovered_at.reset();
  fault.status_category = "done";
  CHECK_FALSE(fault_is_stale(fault, now, 30, by_level));
  fault.status_category = "new";
  CHECK_FALSE(fault_is_stale(fault, now, 0, {}));  // cadence off
}

TEST_CASE("missed reviews: recovered, past the deadline, no review", "[reminders][review]") {
  const auto recovered = utc(2026, 11, 24, 10h);
  const ReviewPolicy policy{24, {{"P1", 12}}};
  Fault fault;
  fault.level = "P2";
  fault.status_category = "indeterminate";
  fault.recovered_at = recovered;
  CHECK_FALSE(review_is_overdue(fault, recovered + 24h, policy));  // at the deadline: still due
  CHECK(review_is_overdue(fault, recovered + 24h + 1ms, policy));
  fault.level = "P1";
  CHECK(review_is_overdue(fault, recovered + 12h + 1s, policy));
  fault.review_deadline = recovered + 48h;  // the recorded deadline wins
  CHECK_FALSE(review_is_overdue(fault, recovered + 47h, policy));
  CHECK(review_is_overdue(fault, recovered + 49h, policy));
  fault.review_page_id = "65700";  // published
  CHECK_FALSE(review_is_overdue(fault, recovered + 49h, policy));
  fault.review_page_id.clear();
  fault.reviewed_at = recovered + 50h;
  CHECK_FALSE(review_is_overdue(fault, recovered + 60h, policy));
  fault.reviewed_at.reset();
  fault.status_category = "done";
  CHECK_FALSE(review_is_overdue(fault, recovered + 60h, policy));
  Fault open;
  open.status_category = "new";
  CHECK_FALSE(review_is_overdue(open, recovered + 60h, policy));  // not recovered
}

TEST_CASE("owner groups are split into messages that fit, owners continued", "[reminders][split]") {
  std::vector<Action> actions;
  for (int i = 1; i <= 6; ++i) actions.push_back(action("FAULT-" + std::to_string(i), "alice", ymd(2026, 11, 20), "new", "Alice"));
  for (int i = 7; i <= 8; ++i) actions.push_back(action("FAULT-" + std::to_string(i), "bob", ymd(2026, 11, 20), "new", "Bob"));
  const auto groups = group_overdue_by_owner(actions, ymd(2026, 11, 25), 0);
  REQUIRE(groups.size() == 2);
  const std::size_t url = 30;
  const std::size_t item = estimated_item_bytes(groups[0].items[0], url);
  CHECK(item == 2 * 7 + url + std::string("Do FAULT-1").size() + 7 + 48);

  SECTION("everything fits in one message") {
    const auto parts = split_owner_groups(groups, 100000, 100, url);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].size() == 2);
  }
  SECTION("a budget of three items per message") {
    const std::size_t owner = std::string("Alice").size() + 16;
    const auto parts = split_owner_groups(groups, 100 + owner + 3 * item + 5, 100, url);
    REQUIRE(parts.size() == 3);
    REQUIRE(parts[0].size() == 1);
    CHECK(parts[0][0].owner == "alice");
    CHECK(parts[0][0].items.size() == 3);
    CHECK(parts[1][0].owner == "alice");  // continued
    CHECK(parts[1][0].items.size() == 3);
    CHECK(parts[1][0].items[0].action.key == "FAULT-4");
    REQUIRE(parts[2].size() == 1);
    CHECK(parts[2][0].owner == "bob");
    CHECK(parts[2][0].items.size() == 2);
    std::size_t total = 0;
    for (const auto& p : parts)
      for (const auto& g : p) total += g.items.size();
    CHECK(total == 8);  // nothing lost, nothing repeated
  }
  SECTION("an item larger than the budget gets a message of its own") {
    const auto parts = split_owner_groups(groups, 10, 100, url);
    CHECK(parts.size() == 8);
    for (const auto& p : parts) {
      REQUIRE(p.size() == 1);
      CHECK(p[0].items.size() == 1);
    }
  }
  CHECK(split_owner_groups({}, 1000, 100, url).empty());
}

TEST_CASE("escalation follows the items of each split part", "[reminders][split]") {
  const auto groups = group_overdue_by_owner(
      {action("FAULT-1", "alice", ymd(2026, 11, 1)), action("FAULT-2", "alice", ymd(2026, 11, 24))}, ymd(2026, 11, 25), 3);
  const std::size_t item = estimated_item_bytes(groups[0].items[0], 0);
  const auto parts = split_owner_groups(groups, 20 + 16 + 5 + item + 1, 0, 0);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0][0].escalated);
  CHECK_FALSE(parts[1][0].escalated);
}

TEST_CASE("split_lines packs consecutive lines within the budget", "[reminders][split]") {
  using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;
  CHECK(split_lines({}, 100, 10).empty());
  CHECK(split_lines({10, 20, 30}, 100, 10) == Ranges{{0, 3}});
  CHECK(split_lines({10, 20, 30}, 60, 10) == Ranges{{0, 2}, {2, 3}});  // 10+10+20 = 40; +30 > 60
  CHECK(split_lines({10, 20, 30}, 70, 10) == Ranges{{0, 3}});          // exactly 70 fits
  CHECK(split_lines({500, 10}, 100, 10) == Ranges{{0, 1}, {1, 2}});    // oversize alone
}

TEST_CASE("the group lock: free, ours, held, expired, from the future", "[reminders][lock]") {
  const auto now = utc(2026, 11, 25, 10h);
  const auto ttl = std::chrono::milliseconds(10min);
  CHECK(lock_member(ReminderKind::Overdue) == "overdue_lock");
  CHECK(may_lock(json::object(), ReminderKind::Overdue, "me", now, ttl));
  auto held = with_lock(json::object(), ReminderKind::Overdue, {now - 9min, "other"});
  CHECK(held["overdue_lock"]["by"] == "other");
  CHECK_FALSE(may_lock(held, ReminderKind::Overdue, "me", now, ttl));
  CHECK(may_lock(held, ReminderKind::Overdue, "other", now, ttl));   // our own lock
  CHECK(may_lock(held, ReminderKind::Stale, "me", now, ttl));        // another kind's lock
  CHECK_FALSE(may_lock(held, ReminderKind::Overdue, "me", now + 1min - 1ms, ttl));
  CHECK(may_lock(held, ReminderKind::Overdue, "me", now + 1min, ttl));  // exactly ttl old: expired
  const auto future = with_lock(json::object(), ReminderKind::Overdue, {now + 1h, "other"});
  CHECK_FALSE(may_lock(future, ReminderKind::Overdue, "me", now, ttl));
  CHECK(lock_is_ours(held, ReminderKind::Overdue, "other"));
  CHECK_FALSE(lock_is_ours(held, ReminderKind::Overdue, "me"));
  // The lock and the marker live side by side; removing one keeps the other.
  auto both = with_mark(held, ReminderKind::Overdue, {now, "other"});
  auto unlocked = without_lock(both, ReminderKind::Overdue);
  CHECK_FALSE(unlocked.contains("overdue_lock"));
  CHECK(unlocked["overdue"]["by"] == "other");
  CHECK_FALSE(read_lock(unlocked, ReminderKind::Overdue));
  CHECK(without_lock(json("x"), ReminderKind::Overdue) == json::object());
}
