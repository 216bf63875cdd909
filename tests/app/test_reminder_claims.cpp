// app/reminder_claims: the lock-and-claim protocol over Jira entity properties, against an
// in-memory property store in which a test plays the other, overlapping run: a lost lock
// race, a lock held by another run, an expired lock, recent markers, release and unlock, and
// a dry run that writes nothing.
#include <catch2/catch.hpp>

#include <map>
#include <regex>

#include "faultline/app/reminder_claims.hpp"
#include "faultline/jira/client.hpp"

using namespace faultline;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// Jira's issue entity properties, in memory: GET and PUT
// /rest/api/2/issue/{key}/properties/{property}; 404 for an absent property.
class PropertyStore final : public http::Transport {
public:
  std::map<std::string, json> values;  // issue key -> faultline.reminded
  int puts = 0;
  int gets = 0;

  http::Outcome send(const http::Request& request) override {
    static const std::regex path(R"(.*/rest/api/2/issue/([A-Z]+-[0-9]+)/properties/faultline\.reminded$)");
    std::smatch match;
    http::Response response;
    if (!std::regex_match(request.url, match, path)) {
      response.status = 404;
      response.body = R"({"errorMessages":["no such resource"]})";
      return response;
    }
    const std::string key = match[1];
    if (request.method == http::Method::Put) {
      ++puts;
      const bool existed = values.contains(key);
      values[key] = json::parse(request.body);
      response.status = existed ? 200 : 201;
      return response;
    }
    ++gets;
    auto it = values.find(key);
    if (it == values.end()) {
      response.status = 404;
      response.body = R"({"errorMessages":["The property with key 'faultline.reminded' does not exist."]})";
      return response;
    }
    response.status = 200;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = json{{"key", "faultline.reminded"}, {"value", it->second}}.dump();
    return response;
  }
};

const core::TimePoint k_now = core::TimePoint{date::sys_days{date::year{2026} / 11 / 25}} + 2h;

struct Fixture {
  PropertyStore store;
  jira::Client client{store, jira::Connection{"https://jira.example.com", "", "secret", jira::AuthScheme::Bearer},
                      jira::Flavor::DataCenter};
  std::function<void()> during_settle;  // the other run acting while this one waits

  app::ClaimOptions options(std::string run_id, bool dry_run = false) {
    app::ClaimOptions o;
    o.run_id = std::move(run_id);
    o.now = k_now;
    o.zone = date::locate_zone("Asia/Shanghai");
    o.settle = 2s;
    o.dry_run = dry_run;
    o.sleep = [this](std::chrono::milliseconds) {
      if (during_settle) during_settle();
    };
    return o;
  }
};

std::vector<app::ClaimRequest> overdue(std::initializer_list<const char*> keys) {
  std::vector<app::ClaimRequest> out;
  for (const char* key : keys) out.push_back({key, core::ReminderKind::Overdue, {}});
  return out;
}

json mark(const std::string& at, const std::string& by) { return json{{"at", at}, {"by", by}}; }

}  // namespace

TEST_CASE("claims: a free group is locked, claimed, and unlocked after sending", "[remind][claims]") {
  Fixture f;
  f.store.values["FAULT-3"] = json{{"overdue", mark("2026-11-25T01:00:00Z", "earlier-run")}};  // today in Shanghai
  app::ReminderClaims claims(f.client, f.options("run-a"));
  auto results = claims.claim({overdue({"FAULT-2", "FAULT-3", "FAULT-4"})});
  REQUIRE(results.size() == 1);
  REQUIRE(results[0].size() == 3);
  CHECK(results[0][0].status == app::ClaimStatus::Won);
  CHECK(results[0][1].status == app::ClaimStatus::Recent);
  REQUIRE(results[0][1].mark);
  CHECK(results[0][1].mark->by == "earlier-run");
  CHECK(results[0][2].status == app::ClaimStatus::Won);
  CHECK(f.store.values["FAULT-2"]["overdue"]["by"] == "run-a");
  CHECK(f.store.values["FAULT-2"]["overdue_lock"]["by"] == "run-a");
  CHECK(f.store.values["FAULT-4"]["overdue"]["at"] == "2026-11-25T02:00:00Z");
  CHECK(f.store.values["FAULT-4"]["overdue"]["sent"] == false);  // claimed, not yet confirmed
  CHECK(claims.confirm(results[0]).empty());
  CHECK_FALSE(f.store.values["FAULT-4"]["overdue"].contains("sent"));
  CHECK(claims.unlock().empty());
  CHECK_FALSE(f.store.values["FAULT-2"].contains("overdue_lock"));
  CHECK(f.store.values["FAULT-2"]["overdue"]["by"] == "run-a");  // the marker stays

  // The same day again: everything is recent, nothing is written, no lock, no wait.
  const int puts = f.store.puts;
  bool slept = false;
  f.during_settle = [&slept] { slept = true; };
  app::ReminderClaims again(f.client, f.options("run-b"));
  auto second = again.claim({overdue({"FAULT-2", "FAULT-3", "FAULT-4"})});
  for (const auto& r : second[0]) CHECK(r.status == app::ClaimStatus::Recent);
  CHECK(f.store.values["FAULT-4"]["overdue"]["by"] == "run-a");
  CHECK(f.store.puts == puts);
  CHECK_FALSE(slept);
}

TEST_CASE("claims: the run whose lock is overwritten during the settle sends nothing", "[remind][claims]") {
  Fixture f;
  f.during_settle = [&f] {
    // The other run read the lock before ours landed and wrote its own after it.
    f.store.values["FAULT-2"]["overdue_lock"] = mark("2026-11-25T02:00:00Z", "run-b");
  };
  app::ReminderClaims claims(f.client, f.options("run-a"));
  auto results = claims.claim({overdue({"FAULT-2", "FAULT-3"})});
  for (const auto& r : results[0]) {
    CHECK(r.status == app::ClaimStatus::Lost);
    REQUIRE(r.mark);
    CHECK(r.mark->by == "run-b");
  }
  CHECK_FALSE(f.store.values["FAULT-2"].contains("overdue"));  // no marker written
  CHECK_FALSE(f.store.values.contains("FAULT-3"));
  CHECK(claims.unlock().empty());
  CHECK(f.store.values["FAULT-2"]["overdue_lock"]["by"] == "run-b");  // not ours to remove
}

TEST_CASE("claims: a group locked by another run is left to it; an expired lock is taken", "[remind][claims]") {
  Fixture f;
  const bool expired = GENERATE(false, true);
  // 9 minutes old: held; 10 minutes old: the run died, its lock expired.
  f.store.values["FAULT-2"] = json{{"overdue_lock", mark(expired ? "2026-11-25T01:50:00Z" : "2026-11-25T01:51:00Z", "run-b")}};
  app::ReminderClaims claims(f.client, f.options("run-a"));
  auto results = claims.claim({overdue({"FAULT-2"})});
  if (expired) {
    CHECK(results[0][0].status == app::ClaimStatus::Won);
    CHECK(f.store.values["FAULT-2"]["overdue_lock"]["by"] == "run-a");
  } else {
    CHECK(results[0][0].status == app::ClaimStatus::Lost);
    CHECK(f.store.puts == 0);
  }
}

TEST_CASE("claims: a claim never confirmed as sent is taken over once the dead run's lock expired",
          "[remind][claims]") {
  Fixture f;
  // run-b claimed FAULT-2 today (in Shanghai) and died during the POST: "sent": false, lock left.
  json claimed = mark("2026-11-25T01:50:00Z", "run-b");
  claimed["sent"] = false;
  const bool expired = GENERATE(false, true);
  f.store.values["FAULT-2"] = json{{"overdue", claimed},
                                   {"overdue_lock", mark(expired ? "2026-11-25T01:50:00Z" : "2026-11-25T01:55:00Z", "run-b")}};
  app::ReminderClaims claims(f.client, f.options("run-a"));
  auto results = claims.claim({overdue({"FAULT-2"})});
  if (!expired) {
    CHECK(results[0][0].status == app::ClaimStatus::Lost);  // run-b may still be sending
    CHECK(f.store.puts == 0);
    return;
  }
  REQUIRE(results[0][0].status == app::ClaimStatus::Won);
  CHECK(f.store.values["FAULT-2"]["overdue"]["by"] == "run-a");
  CHECK(f.store.values["FAULT-2"]["overdue"]["sent"] == false);
  CHECK(claims.confirm(results[0]).empty());
  CHECK(claims.unlock().empty());
  CHECK(f.store.values["FAULT-2"] == json{{"overdue", mark("2026-11-25T02:00:00Z", "run-a")}});
  // Confirmed: the same day it is recent.
  app::ReminderClaims later(f.client, f.options("run-c"));
  CHECK(later.claim({overdue({"FAULT-2"})})[0][0].status == app::ClaimStatus::Recent);
}

TEST_CASE("claims: release gives markers back so the next run retries", "[remind][claims]") {
  Fixture f;
  f.store.values["FAULT-2"] = json{{"overdue", mark("2026-11-24T01:00:00Z", "yesterday-run")}, {"note", 1}};
  app::ReminderClaims claims(f.client, f.options("run-a"));
  auto results = claims.claim({overdue({"FAULT-2", "FAULT-3"})});
  REQUIRE(results[0][0].status == app::ClaimStatus::Won);
  REQUIRE(results[0][1].status == app::ClaimStatus::Won);
  CHECK(claims.release(results[0]).empty());
  CHECK(claims.unlock().empty());
  CHECK(f.store.values["FAULT-2"] == json{{"overdue", mark("2026-11-24T01:00:00Z", "yesterday-run")}, {"note", 1}});
  CHECK(f.store.values["FAULT-3"] == json::object());
  app::ReminderClaims next(f.client, f.options("run-c"));
  CHECK(next.claim({overdue({"FAULT-2", "FAULT-3"})})[0][1].status == app::ClaimStatus::Won);
}

TEST_CASE("claims: a dry run reads and writes nothing", "[remind][claims]") {
  Fixture f;
  f.store.values["FAULT-3"] = json{{"overdue", mark("2026-11-25T01:00:00Z", "earlier-run")}};
  bool slept = false;
  f.during_settle = [&slept] { slept = true; };
  app::ReminderClaims claims(f.client, f.options("run-a", true));
  auto results = claims.claim({overdue({"FAULT-2", "FAULT-3"})});
  CHECK(results[0][0].status == app::ClaimStatus::DryRun);
  CHECK(results[0][1].status == app::ClaimStatus::Recent);
  CHECK(f.store.puts == 0);
  CHECK_FALSE(slept);
  CHECK(claims.unlock().empty());
  CHECK(f.store.puts == 0);
}

TEST_CASE("claims: several groups share one settle; kinds keep their own markers", "[remind][claims]") {
  Fixture f;
  int settles = 0;
  f.during_settle = [&settles] { ++settles; };
  app::ReminderClaims claims(f.client, f.options("run-a"));
  std::vector<app::ClaimRequest> stale = {{"FAULT-1", core::ReminderKind::Stale, core::reminder_interval(core::ReminderKind::Stale, 30)}};
  std::vector<app::ClaimRequest> review = {{"FAULT-9", core::ReminderKind::Review, {}}};
  auto results = claims.claim({overdue({"FAULT-2"}), stale, review});
  CHECK(settles == 1);
  REQUIRE(results.size() == 3);
  for (const auto& group : results) CHECK(group[0].status == app::ClaimStatus::Won);
  CHECK(f.store.values["FAULT-1"]["stale"]["by"] == "run-a");
  CHECK(f.store.values["FAULT-9"]["review"]["by"] == "run-a");
  CHECK(claims.unlock().empty());
  CHECK_FALSE(f.store.values["FAULT-1"].contains("stale_lock"));
}
