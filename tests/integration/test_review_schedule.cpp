// The review meeting (issue #17) on Cloud and Data Center: `review schedule` sends an RFC 5545
// invitation through the e-mail channel (a loopback SMTP server here), posts to the other
// routes, records the meeting on the fault; a re-run sends nothing; a reschedule keeps the UID
// and raises SEQUENCE; --cancel sends METHOD:CANCEL; a time past the review deadline is
// refused (exit 2, nothing written) unless --late says why, which show, the board and the
// stats then carry; remind --reviews announces the meeting once before it starts.
#include <catch2/catch.hpp>

#include <map>

#include <nlohmann/json.hpp>

#include "http/test_smtp_server.hpp"
#include "faultline/core/timestamp.hpp"
#include "support/integration.hpp"

using namespace faultline::testing;
using faultline::http::Method;

namespace {

std::string base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int buffer = 0, bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// The text/calendar part of a MIME message, decoded.
std::string calendar_part(const std::string& message) {
  const auto type = message.find("Content-Type: text/calendar");
  REQUIRE(type != std::string::npos);
  const auto body = message.find("\r\n\r\n", type);
  REQUIRE(body != std::string::npos);
  const auto end = message.find("\r\n--", body + 4);
  return base64_decode(message.substr(body + 4, end - body - 4));
}

// The content lines of an iCalendar object, unfolded: "NAME;PARAMS:VALUE".
std::vector<std::string> ical_lines(const std::string& ics) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < ics.size()) {
    auto end = ics.find("\r\n", start);
    if (end == std::string::npos) end = ics.size();
    std::string line = ics.substr(start, end - start);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !lines.empty()) lines.back() += line.substr(1);
    else lines.push_back(line);
    start = end + 2;
  }
  return lines;
}

// The value of the first property `name` (before ';' or ':').
std::string ical_value(const std::vector<std::string>& lines, const std::string& name) {
  for (const auto& line : lines) {
    if (line.rfind(name + ":", 0) == 0 || line.rfind(name + ";", 0) == 0) return line.substr(line.find(':') + 1);
  }
  return {};
}

int ical_count(const std::vector<std::string>& lines, const std::string& name) {
  int n = 0;
  for (const auto& line : lines)
    if (line.rfind(name + ":", 0) == 0 || line.rfind(name + ";", 0) == 0) ++n;
  return n;
}

struct Fixture {
  FlavorCase flavor;
  SandboxProcess sandbox;
  SandboxApi api;
  faultline::test::SmtpLoopbackServer smtp;
  std::filesystem::path dir;
  std::string config;
  TestApp app;

  explicit Fixture(const FlavorCase& f)
      : flavor(f), sandbox(f.flavor), api(sandbox, f), dir(test_dir(std::string("review-schedule-") + f.flavor)),
        app(make_app(sandbox)) {
    config = write_config(dir, jira_config(f) +
                                   "[jira.fields]\nlevel = \"Fault Level\"\nteam = \"Team\"\n\n"
                                   "[team]\ntimezone = \"Asia/Shanghai\"\ncoordinator = \"dave\"\n\n"
                                   "[people.dave]\njira = \"" + f.dave + "\"\nemail = \"dave@example.com\"\n"
                                   "[people.alice]\njira = \"" + f.alice + "\"\nemail = \"alice@example.com\"\n"
                                   "[people.erin]\nemail = \"erin@example.com\"\n"
                                   "[people.zed]\n\n"
                                   "[teams.payments]\nlead = \"erin\"\nmembers = [\"alice\"]\n\n"
                                   "[channels.ops]\nkind = \"generic\"\nurl_env = \"IT_HOOK_URL\"\n\n"
                                   "[channels.mail]\nkind = \"email\"\nsmtp_url = \"" + smtp.url() +
                                   "\"\nfrom = \"Faults <faultline@example.com>\"\nto = [\"ops@example.com\"]\n\n"
                                   "[routes]\n\"review.scheduled\" = [\"mail\", \"ops\"]\n");
  }

  int run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config});
    return app.run(std::move(args));
  }
  nlohmann::json json(std::vector<std::string> args, int expected = 0) {
    args.insert(args.begin(), {"--config", config, "--json"});
    return run_json(app, std::move(args), expected);
  }
  std::string open_and_recover() {
    const auto opened = json({"open", "--title", "Checkout: 502s; \"half\" the orders, failed", "--level", "P2",
                              "--team", "payments", "--no-notify", "--no-similar"});
    const std::string key = opened["key"];
    json({"recover", key, "--how", "rollback", "--no-notify"});  // recovered at the app's clock
    return key;
  }
  nlohmann::json meeting_property(const std::string& key) {
    return api.call(Method::Get, std::string(flavor.jira_api) + "/issue/" + key + "/properties/faultline-review-meeting")["value"];
  }
  int meeting_property_status(const std::string& key) {
    return api.send(Method::Get, std::string(flavor.jira_api) + "/issue/" + key + "/properties/faultline-review-meeting",
                    nullptr, flavor.authorization()).status;
  }
};

}  // namespace

TEST_CASE("review schedule: invitation, reschedule, cancel, the deadline and the reminder", "[integration][review]") {
  for (const auto* f : {&k_cloud, &k_datacenter}) {
    DYNAMIC_SECTION(f->flavor) {
      Fixture fx(*f);
      const std::string key = fx.open_and_recover();
      // The app's clock is 2026-11-18 07:46:40Z: recovered then, the review is due 24 hours later
      // (2026-11-19 15:46:40 in Shanghai).

      // Past the deadline without a reason: refused, nothing written, nothing sent.
      CHECK(fx.run({"review", "schedule", key, "--at", "2026-11-20 10:00"}) == 2);
      CHECK(fx.app.err.str().find("past the review deadline") != std::string::npos);
      CHECK(fx.app.err.str().find("--late") != std::string::npos);
      CHECK(fx.meeting_property_status(key) == 404);
      CHECK(fx.api.messages("review.scheduled").empty());
      // In the past, and an unreadable time: usage errors too.
      CHECK(fx.run({"review", "schedule", key, "--at", "2026-11-17 10:00"}) == 2);
      CHECK(fx.run({"review", "schedule", key, "--at", "tomorrow-ish"}) == 2);

      // Scheduled within the deadline: the invitation by mail, the post to ops, the record.
      auto first = fx.json({"review", "schedule", key, "--at", "2026-11-19 10:00", "--participants", "zed"});
      CHECK(first["action"] == "scheduled");
      CHECK(first["invitation_sent"] == true);
      CHECK(first["meeting"]["at"] == "2026-11-19T10:00:00+08:00");
      CHECK(first["meeting"]["participants"] == nlohmann::json({"dave", "erin", "zed"}));
      REQUIRE(first["warnings"].size() == 1);  // zed has no address
      CHECK(first["warnings"][0].get<std::string>().find("zed") != std::string::npos);
      auto sessions = fx.smtp.sessions(1);
      REQUIRE(sessions.size() == 1);
      CHECK(sessions[0].mail_from == "faultline@example.com");
      CHECK(std::set<std::string>(sessions[0].recipients.begin(), sessions[0].recipients.end()) ==
            std::set<std::string>{"dave@example.com", "erin@example.com"});
      CHECK(sessions[0].data.find("method=REQUEST") != std::string::npos);
      const auto request = ical_lines(calendar_part(sessions[0].data));
      CHECK(ical_value(request, "METHOD") == "REQUEST");
      CHECK(ical_value(request, "SEQUENCE") == "0");
      CHECK(ical_value(request, "DTSTART") == "20261119T020000Z");
      CHECK(ical_value(request, "DTEND") == "20261119T030000Z");
      CHECK(ical_count(request, "ATTENDEE") == 2);
      CHECK(ical_value(request, "ORGANIZER").find("mailto:faultline@example.com") != std::string::npos);
      // The hostile title survives as text: its comma and semicolon escaped in SUMMARY.
      CHECK(ical_value(request, "SUMMARY").find("Checkout: 502s\\; \"half\" the orders\\, failed") != std::string::npos);
      const std::string uid = ical_value(request, "UID");
      CHECK(!uid.empty());
      CHECK(fx.api.messages("review.scheduled").size() == 1);
      auto property = fx.meeting_property(key);
      CHECK(property["sequence"] == 0);
      CHECK(property["sent_sequence"] == 0);
      auto shown = fx.json({"show", key});
      CHECK(shown["review_scheduled_at"] == "2026-11-19T10:00:00+08:00");

      // The same again: nothing sent twice.
      auto again = fx.json({"review", "schedule", key, "--at", "2026-11-19 10:00", "--participants", "zed"});
      CHECK(again["action"] == "unchanged");
      CHECK(again["invitation_sent"] == false);
      CHECK(fx.smtp.sessions(2).size() == 1);
      CHECK(fx.api.messages("review.scheduled").size() == 1);

      // An hour before the meeting, remind --reviews tells the participants once.
      fx.app.clock.set(*faultline::core::parse_timestamp("2026-11-19T01:00:00Z"));
      fx.api.catch_up_index();
      CHECK(fx.run({"remind", "--reviews"}) == 0);
      auto upcoming = fx.api.messages("review.upcoming");
      REQUIRE(upcoming.size() == 1);  // ops; the mail channel gets it by mail
      CHECK(fx.smtp.sessions(2).size() == 2);
      CHECK(fx.run({"remind", "--reviews"}) == 0);
      CHECK(fx.api.messages("review.upcoming").size() == 1);
      CHECK(fx.smtp.sessions(3).size() == 2);

      // Moved: the same UID, SEQUENCE 1.
      auto moved = fx.json({"review", "schedule", key, "--at", "2026-11-19 14:00", "--duration", "90m"});
      CHECK(moved["action"] == "rescheduled");
      sessions = fx.smtp.sessions(3);
      REQUIRE(sessions.size() == 3);
      const auto update = ical_lines(calendar_part(sessions[2].data));
      CHECK(ical_value(update, "UID") == uid);
      CHECK(ical_value(update, "SEQUENCE") == "1");
      CHECK(ical_value(update, "DTEND") == "20261119T073000Z");
      CHECK(fx.api.messages("review.scheduled").size() == 2);

      // Cancelled: METHOD:CANCEL, SEQUENCE 2, the time gone from the fault.
      auto cancelled = fx.json({"review", "schedule", key, "--cancel"});
      CHECK(cancelled["action"] == "cancelled");
      sessions = fx.smtp.sessions(4);
      REQUIRE(sessions.size() == 4);
      CHECK(sessions[3].data.find("method=CANCEL") != std::string::npos);
      const auto cancel = ical_lines(calendar_part(sessions[3].data));
      CHECK(ical_value(cancel, "METHOD") == "CANCEL");
      CHECK(ical_value(cancel, "STATUS") == "CANCELLED");
      CHECK(ical_value(cancel, "UID") == uid);
      CHECK(ical_value(cancel, "SEQUENCE") == "2");
      shown = fx.json({"show", key});
      CHECK(shown["review_scheduled_at"].is_null());

      // Late with a reason: accepted, and the reason is on the fault.
      fx.app.clock.set(*faultline::core::parse_timestamp("2026-11-19T09:00:00Z"));
      auto late = fx.json({"review", "schedule", key, "--at", "2026-11-20 10:00", "--late", "owner on call; back Friday"});
      CHECK(late["action"] == "rescheduled");
      CHECK(late["meeting"]["late_reason"] == "owner on call; back Friday");
      shown = fx.json({"show", key});
      CHECK(shown["review_late_reason"] == "owner on call; back Friday");
      CHECK(shown["review_scheduled_at"] == "2026-11-20T10:00:00+08:00");
      // Past the deadline but before the meeting: scheduled, not overdue, on the board.
      fx.api.catch_up_index();
      auto board = fx.json({"board"});
      bool found = false;
      for (const auto& fault : board["faults"]) {
        if (fault["key"] != key) continue;
        found = true;
        CHECK(fault["review_state"] == "scheduled");
      }
      CHECK(found);
      // Not a missed review for remind either: no review.overdue.
      CHECK(fx.run({"remind", "--reviews"}) == 0);
      CHECK(fx.api.messages("review.overdue").empty());
    }
  }
}
