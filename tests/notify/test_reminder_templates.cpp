// The shipped reminder templates (actions.overdue, fault.stale, review.overdue) rendered with
// the data `faultline remind` builds with core/reminder_messages.hpp (the same functions, so a
// renamed member breaks these tests).
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "faultline/core/action.hpp"
#include "faultline/core/fault.hpp"
#include "faultline/core/reminder_messages.hpp"
#include "faultline/core/reminders.hpp"
#include "faultline/core/review_clock.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/core/tracking.hpp"
#include "faultline/notify/markdown_literals.hpp"
#include "faultline/notify/message.hpp"

using namespace faultline;
using namespace std::chrono_literals;

namespace {

const std::string k_base = "https://example.atlassian.net/browse/";
// Markdown-significant characters as a person might type them into a Jira summary.
const std::string k_hostile = "Fix *retry* storm in [checkout]_v2_ <b> & `cfg` #1";

notify::TemplateDirs shipped_only() {
  return notify::TemplateDirs{{}, {std::string(FAULTLINE_SOURCE_DIR) + "/templates/notify"}};
}

core::TimePoint at(const char* iso) {
  const auto parsed = core::parse_timestamp(iso);
  REQUIRE(parsed);
  return *parsed;
}

const date::time_zone* shanghai() {
  const auto zone = core::find_zone("Asia/Shanghai");
  REQUIRE(zone);
  return *zone;
}

// How remind names people: the people key when the people map (Jira id -> key) has the user.
core::ReminderNaming naming_for(const std::map<std::string, std::string>& people, const std::string& coordinator) {
  core::ReminderNaming naming;
  naming.person = [people](std::string_view jira_id, std::string_view fallback) {
    if (const auto it = people.find(std::string(jira_id)); !jira_id.empty() && it != people.end()) return it->second;
    return std::string(fallback);
  };
  naming.issue_url = [](std::string_view key) { return k_base + std::string(key); };
  naming.team_coordinator = coordinator;
  naming.run_id = "run-1";
  return naming;
}

core::Action action(std::string key, std::string summary, std::string owner, std::string owner_display,
                    date::year_month_day due) {
  core::Action a;
  a.key = std::move(key);
  a.id = "a-" + a.key;
  a.parent = "FAULT-12";
  a.parent_summary = "Checkout returns 502";
  a.summary = std::move(summary);
  a.owner = std::move(owner);
  a.owner_display = std::move(owner_display);
  a.due = due;
  a.status = "To Do";
  a.status_category = "new";
  a.kind = "prevent";
  return a;
}

date::year_month_day days_before(date::year_month_day day, int days) {
  return date::year_month_day{date::sys_days{day} - date::days{days}};
}

// The actions.overdue data of each message, as remind builds it.
std::vector<nlohmann::json> overdue_messages(const std::vector<core::OwnerGroup>& owners,
                                             const std::map<std::string, std::string>& people,
                                             const std::string& coordinator, std::size_t budget) {
  return core::overdue_messages(owners, budget, naming_for(people, coordinator));
}

// The fault.stale / review.overdue data of each message, as remind builds it (team zone
// Shanghai, 30-minute cadence, reviews due 24 hours after recovery, coordinator dave).
std::vector<nlohmann::json> fault_messages(core::ReminderKind kind, const std::vector<core::Fault>& faults,
                                           const std::map<std::string, std::string>& people, core::TimePoint now,
                                           std::size_t budget) {
  core::FaultReminderRules rules;
  rules.now = now;
  rules.zone = shanghai();
  rules.update_cadence_minutes = 30;
  rules.review_policy = core::ReviewPolicy{24, {}};
  return core::fault_messages(kind, faults, budget, rules, naming_for(people, "dave"));
}

notify::Message render(core::ReminderKind kind, const nlohmann::json& data) {
  auto message = notify::render_message(core::reminder_event(kind), data, shipped_only());
  INFO((message ? std::string() : message.error().message));
  REQUIRE(message.has_value());
  return *message;
}

// The body line that mentions `needle` (the whole line, for checks on what else it says).
std::string line_with(const std::string& body, const std::string& needle) {
  const auto pos = body.find(needle);
  if (pos == std::string::npos) return {};
  const auto start = body.rfind('\n', pos);
  const auto end = body.find('\n', pos);
  const auto first = start == std::string::npos ? 0 : start + 1;
  return body.substr(first, end == std::string::npos ? std::string::npos : end - first);
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

core::Fault fault(std::string key, std::string summary, std::string level) {
  core::Fault f;
  f.key = std::move(key);
  f.id = "100" + f.key.substr(f.key.find('-') + 1);
  f.summary = std::move(summary);
  f.level = std::move(level);
  f.status = "Handling";
  f.status_category = "indeterminate";
  return f;
}

const std::map<std::string, std::string> k_people = {{"alice.jira", "alice"}, {"bob.jira", "bob"}};

}  // namespace

TEST_CASE("actions.overdue shows escalation per owner and per action, and the coordinator it went to") {
  const auto now = at("2026-11-25T02:00:00Z");
  const auto today = core::today_in(now, shanghai());
  const std::vector<core::Action> actions = {
      action("FAULT-13", "Add a canary for config pushes", "alice.jira", "Alice A", days_before(today, 5)),
      action("FAULT-16", "Document the rollback", "alice.jira", "Alice A", days_before(today, 1)),
      action("FAULT-14", "Alert on 502 rate", "bob.jira", "Bob B", days_before(today, 2)),
      action("FAULT-15", "Due today is not overdue", "bob.jira", "Bob B", today),
  };
  const auto groups = core::group_overdue_by_owner(actions, today, 3);
  REQUIRE(groups.size() == 2);
  REQUIRE(groups[0].escalated);
  REQUIRE_FALSE(groups[1].escalated);

  const auto messages = overdue_messages(groups, k_people, "dave", 16000);
  REQUIRE(messages.size() == 1);
  const auto message = render(core::ReminderKind::Overdue, messages[0]);
  INFO(message.markdown_body);
  CHECK(message.title == "3 overdue fault action(s)");  // not split: no part marker
  CHECK(contains(message.markdown_body, "**Escalated to dave:**"));
  CHECK(contains(message.markdown_body, "**alice** (escalated)"));
  CHECK(contains(message.markdown_body, "**bob**\n"));
  CHECK_FALSE(contains(message.markdown_body, "**bob** (escalated)"));
  const auto escalated = line_with(message.markdown_body, "FAULT-13");
  CHECK(contains(escalated, "5 day(s) overdue, *escalated* (FAULT-12)"));
  // Per action: alice's other action and bob's are not escalated (the owner's flag does not
  // leak into the action lines).
  CHECK_FALSE(contains(line_with(message.markdown_body, "FAULT-16"), "escalated"));
  CHECK_FALSE(contains(line_with(message.markdown_body, "FAULT-14"), "escalated"));
  CHECK_FALSE(contains(message.markdown_body, "FAULT-15"));
  CHECK(message.mention_people == std::vector<std::string>{"alice", "bob", "dave"});
}

TEST_CASE("actions.overdue without escalation says nothing about it; without a coordinator it still says escalated") {
  const auto now = at("2026-11-25T02:00:00Z");
  const auto today = core::today_in(now, shanghai());
  const std::vector<core::Action> actions = {
      action("FAULT-13", "Add a canary", "alice.jira", "Alice A", days_before(today, 1)),
      action("FAULT-14", "Unowned cleanup", "", "", days_before(today, 4)),
  };
  SECTION("nothing escalated") {
    const auto messages = overdue_messages(core::group_overdue_by_owner(actions, today, 0), k_people, "dave", 16000);
    REQUIRE(messages.size() == 1);
    const auto message = render(core::ReminderKind::Overdue, messages[0]);
    INFO(message.markdown_body);
    CHECK_FALSE(contains(message.markdown_body, "scalat"));
    CHECK(contains(message.markdown_body, "**unassigned**"));
    CHECK(message.mention_people == std::vector<std::string>{"alice"});
  }
  SECTION("escalated, no team.coordinator") {
    const auto messages = overdue_messages(core::group_overdue_by_owner(actions, today, 3), k_people, "", 16000);
    REQUIRE(messages.size() == 1);
    CHECK_FALSE(messages[0].contains("coordinator"));
    const auto message = render(core::ReminderKind::Overdue, messages[0]);
    INFO(message.markdown_body);
    CHECK(contains(message.markdown_body, "**Escalated:**"));
    CHECK(contains(message.markdown_body, "**unassigned** (escalated)"));
    CHECK(contains(line_with(message.markdown_body, "FAULT-14"), "*escalated*"));
    CHECK_FALSE(contains(line_with(message.markdown_body, "FAULT-13"), "escalated"));
  }
}

TEST_CASE("a split actions.overdue reminder carries the part in each title") {
  const auto now = at("2026-11-25T02:00:00Z");
  const auto today = core::today_in(now, shanghai());
  std::vector<core::Action> actions;
  for (int i = 0; i < 12; ++i)
    actions.push_back(action("FAULT-" + std::to_string(100 + i), "A long enough action summary number " + std::to_string(i),
                             i % 2 ? "alice.jira" : "bob.jira", i % 2 ? "Alice A" : "Bob B", days_before(today, 2)));
  const auto messages = overdue_messages(core::group_overdue_by_owner(actions, today, 3), k_people, "dave", 900);
  REQUIRE(messages.size() >= 2);
  const auto total = std::to_string(messages.size());
  std::set<std::string> dedupe_keys;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto message = render(core::ReminderKind::Overdue, messages[i]);
    INFO(message.title);
    CHECK(message.title == std::to_string(messages[i]["count"].get<int>()) + " overdue fault action(s) (" +
                               std::to_string(i + 1) + "/" + total + ")");
    dedupe_keys.insert(message.dedupe_key);
  }
  CHECK(dedupe_keys.size() == messages.size());
}

TEST_CASE("fault.stale names the handler in the text, or says there is none") {
  const auto now = at("2026-11-25T07:00:00Z");
  auto handled = fault("FAULT-15", "Search is slow", "P3");
  handled.started_at = now - 47min;
  handled.handler = "bob.jira";
  handled.handler_display = "Bob B";
  handled.coordinator = "dave";
  auto unmapped = fault("FAULT-16", "Queue backlog", "P2");
  unmapped.started_at = now - 2h;
  unmapped.last_update_at = now - 40min;
  unmapped.handler = "carol.jira";  // not in the people map: the display name
  unmapped.handler_display = "Carol C";
  auto orphan = fault("FAULT-17", "Disk filling up", "");
  orphan.started_at = now - 31min;
  orphan.coordinator = "dave";
  auto fresh = fault("FAULT-18", "Fresh", "P3");
  fresh.started_at = now - 5min;

  std::vector<core::Fault> stale;
  for (const auto& f : {handled, unmapped, orphan, fresh})
    if (core::fault_is_stale(f, now, 30, {})) stale.push_back(f);
  REQUIRE(stale.size() == 3);

  const auto messages = fault_messages(core::ReminderKind::Stale, stale, k_people, now, 16000);
  REQUIRE(messages.size() == 1);
  const auto message = render(core::ReminderKind::Stale, messages[0]);
  INFO(message.markdown_body);
  CHECK(message.title == "3 open fault(s) without an update");
  CHECK(line_with(message.markdown_body, "FAULT-15") ==
        "- [FAULT-15](" + k_base + "FAULT-15) [P3] Search is slow — last update 47 min ago, handler bob, coordinator dave");
  CHECK(contains(line_with(message.markdown_body, "FAULT-16"), "last update 40 min ago, handler Carol C"));
  // No level: no empty brackets; no handler: said so (the coordinator is chased instead).
  CHECK(line_with(message.markdown_body, "FAULT-17") ==
        "- [FAULT-17](" + k_base + "FAULT-17) Disk filling up — last update 31 min ago, no handler assigned, coordinator dave");
  CHECK(contains(message.markdown_body, "at least every 30 minutes"));
  CHECK(message.mention_people == std::vector<std::string>{"bob", "carol.jira", "dave"});
}

TEST_CASE("split fault.stale and review.overdue reminders carry the part in each title") {
  const auto now = at("2026-11-25T07:00:00Z");
  std::vector<core::Fault> stale;
  std::vector<core::Fault> reviews;
  for (int i = 0; i < 10; ++i) {
    auto f = fault("FAULT-" + std::to_string(200 + i), "Fault with a reasonably long summary " + std::to_string(i), "P2");
    f.started_at = now - 3h;
    REQUIRE(core::fault_is_stale(f, now, 30, {}));
    stale.push_back(f);
    f.recovered_at = now - 30h;
    f.started_at = now - 32h;
    f.status = "Recovered";
    REQUIRE(core::review_is_overdue(f, now, core::ReviewPolicy{24, {}}));
    reviews.push_back(f);
  }
  for (const auto kind : {core::ReminderKind::Stale, core::ReminderKind::Review}) {
    const auto& faults = kind == core::ReminderKind::Stale ? stale : reviews;
    const auto messages = fault_messages(kind, faults, k_people, now, 1000);
    REQUIRE(messages.size() >= 2);
    const auto suffix_of = [&](std::size_t i) {
      return " (" + std::to_string(i + 1) + "/" + std::to_string(messages.size()) + ")";
    };
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const auto message = render(kind, messages[i]);
      INFO(core::reminder_event(kind) << ": " << message.title);
      CHECK(message.title.ends_with(suffix_of(i)));
      CHECK(message.title.starts_with(std::to_string(messages[i]["count"].get<std::size_t>()) + " "));
    }
    // One message: no marker.
    const auto single = fault_messages(kind, {faults[0]}, k_people, now, 16000);
    REQUIRE(single.size() == 1);
    CHECK_FALSE(contains(render(kind, single[0]).title, "/"));
  }
}

TEST_CASE("review.overdue lists recovery, deadline and the people responsible") {
  const auto now = at("2026-11-25T07:00:00Z");
  auto late = fault("FAULT-9", "Login outage", "P1");
  late.status = "Recovered";
  late.started_at = now - 32h;
  late.recovered_at = at("2026-11-24T01:00:00Z");
  late.handler = "alice.jira";
  late.handler_display = "Alice A";
  late.coordinator = "dave";
  REQUIRE(core::review_is_overdue(late, now, core::ReviewPolicy{24, {}}));
  const auto messages = fault_messages(core::ReminderKind::Review, {late}, k_people, now, 16000);
  REQUIRE(messages.size() == 1);
  const auto message = render(core::ReminderKind::Review, messages[0]);
  INFO(message.markdown_body);
  CHECK(message.title == "1 recovered fault(s) without a published review");
  CHECK(line_with(message.markdown_body, "FAULT-9") ==
        "- [FAULT-9](" + k_base +
            "FAULT-9) [P1] Login outage — recovered 2026-11-24T09:00:00+08:00, review was due "
            "2026-11-25T09:00:00+08:00, handler alice, coordinator dave");
  CHECK(message.link_url == k_base + "FAULT-9");
  CHECK(message.mention_people == std::vector<std::string>{"alice", "dave", "dave"});
}

TEST_CASE("Markdown-significant characters in a summary reach the reminders as literal text, as in the other templates") {
  // fault.opened puts the summary into its title as literal Markdown text (backslash escapes,
  // no HTML escaping: the platform payloads turn each escape into their own form); the
  // reminders do the same in their lines.
  const std::string literal = notify::escape_markdown_text(k_hostile);
  REQUIRE(literal != k_hostile);
  const auto opened = notify::render_message(
      "fault.opened", {{"fault", {{"key", "FAULT-12"}, {"summary", k_hostile}, {"level", "P2"}}}}, shipped_only());
  REQUIRE(opened);
  CHECK(opened->title == "[P2] FAULT-12 opened: " + literal);
  CHECK(notify::markdown_to_plain(opened->title) == "[P2] FAULT-12 opened: " + k_hostile);

  const auto now = at("2026-11-25T07:00:00Z");
  const auto today = core::today_in(now, shanghai());
  const auto overdue = overdue_messages(
      core::group_overdue_by_owner({action("FAULT-13", k_hostile, "alice.jira", "Alice A", days_before(today, 4))}, today,
                                   3),
      k_people, "dave", 16000);
  REQUIRE(overdue.size() == 1);
  const auto overdue_message = render(core::ReminderKind::Overdue, overdue[0]);
  CHECK(contains(overdue_message.markdown_body, "[FAULT-13](" + k_base + "FAULT-13) " + literal + " — due "));

  auto f = fault("FAULT-15", k_hostile, "P3");
  f.started_at = now - 45min;
  const auto stale = fault_messages(core::ReminderKind::Stale, {f}, k_people, now, 16000);
  REQUIRE(stale.size() == 1);
  const auto stale_message = render(core::ReminderKind::Stale, stale[0]);
  CHECK(contains(stale_message.markdown_body, "[P3] " + literal + " — last update 45 min ago"));

  f.status = "Recovered";
  f.started_at = now - 40h;
  f.recovered_at = now - 30h;
  const auto review = fault_messages(core::ReminderKind::Review, {f}, k_people, now, 16000);
  REQUIRE(review.size() == 1);
  const auto review_message = render(core::ReminderKind::Review, review[0]);
  CHECK(contains(review_message.markdown_body, "[P3] " + literal + " — recovered "));

  for (const auto* body : {&overdue_message.markdown_body, &stale_message.markdown_body, &review_message.markdown_body}) {
    CHECK_FALSE(contains(*body, "&amp;"));
    CHECK_FALSE(contains(*body, "&lt;"));
    CHECK_FALSE(contains(*body, k_hostile));  // never as live Markdown
  }
  // The titles hold no user text, so nothing in a summary can change them.
  CHECK(overdue_message.title == "1 overdue fault action(s)");
  CHECK(stale_message.title == "1 open fault(s) without an update");
  CHECK(review_message.title == "1 recovered fault(s) without a published review");
}
