// The intent/result record of deliveries (issue #12, point 2): the payload of one notification
// is byte-identical across runs, a delivery whose result was not recorded goes out again only
// where the platform drops repeats, elsewhere it is reported once as possibly sent, and a
// record that cannot be written is reported (record_failed) so the command fails.
#include <catch2/catch.hpp>

#include "faultline/notify/notifier.hpp"
#include "notify_test_support.hpp"

using namespace faultline;
using namespace faultline::notify;
using nlohmann::json;

namespace {

constexpr const char* k_generic_url = "https://hooks.example.invalid/generic/ops";
constexpr const char* k_slack_url = "https://chat.example.invalid/services/TEST0/BTEST/fake-test-key";

// A SentLog kept in memory whose next `failing` stores fail, as a Jira that answers 500.
class FlakySentLog final : public SentLog {
public:
  int fail_after = 0;  // stores that succeed before the failing ones
  int failing = 0;
  int stores = 0;
  json& data() { return m_value; }

protected:
  const json& value() const override { return m_value; }
  Result<void> store(json next) override {
    ++stores;
    if (stores > fail_after && failing > 0) {
      --failing;
      return fail(ErrorKind::Unavailable, "Jira answered 500 for PUT faultline.notified");
    }
    m_value = std::move(next);
    return {};
  }

private:
  json m_value = json::object();
};

config::Config one_channel(const char* kind, const char* url) {
  config::Config config;
  config.people = test::sample_people();
  config.channels["ops"] = test::channel("ops", kind, url);
  config.routes["fault.opened"] = {"ops"};
  return config;
}

// A notifier whose clock says `seconds` since the epoch.
std::vector<DeliveryReport> notify_at(test::ScriptedTransport& transport, const config::Config& config, SentLog& log,
                                      long seconds) {
  test::ManualClock clock;
  NotifierOptions options;
  options.templates = TemplateDirs{{}, {std::string(FAULTLINE_SOURCE_DIR) + "/templates/notify"}};
  options.system_clock = [seconds] { return std::chrono::system_clock::time_point(std::chrono::seconds(seconds)); };
  options.steady_clock = clock.clock();
  options.sleeper = clock.sleeper();
  options.sent_log = &log;
  options.retry_wait_limit = std::chrono::milliseconds(0);
  Notifier notifier(transport, config, std::move(options));
  return notifier.notify("fault.opened", test::load_fixture("events.json")["fault.opened"]);
}

}  // namespace

TEST_CASE("sent-log entries: channel names read as sent, objects carry pending and possibly sent") {
  json log = {{"FAULT-1:fault.opened", {"ops", {{"channel", "eng"}, {"state", "pending"}, {"at", "2026-11-18T10:00:00Z"}}}}};
  CHECK(read_send_record(log, "FAULT-1:fault.opened", "ops").state == SendState::Sent);
  const auto eng = read_send_record(log, "FAULT-1:fault.opened", "eng");
  CHECK(eng.state == SendState::Pending);
  CHECK(eng.at == "2026-11-18T10:00:00Z");
  CHECK(read_send_record(log, "FAULT-1:fault.opened", "mail").state == SendState::New);
  CHECK(read_send_record(json::array(), "x", "ops").state == SendState::New);  // malformed reads as new

  log = with_send_state(log, "FAULT-1:fault.opened", {"eng"}, SendState::Sent, "");
  CHECK(log["FAULT-1:fault.opened"] == json({"ops", "eng"}));
  log = with_send_state(log, "FAULT-1:fault.opened", {"ops", "eng"}, SendState::New, "");
  CHECK_FALSE(log.contains("FAULT-1:fault.opened"));  // nothing left: the key goes
  log = with_send_state(log, "K", {"ops"}, SendState::PossiblySent, "2026-11-18T10:00:00Z");
  CHECK(read_send_record(log, "K", "ops").state == SendState::PossiblySent);
}

TEST_CASE("a delivery records its intent before the POST and its result after, one write each") {
  const auto config = one_channel("generic", k_generic_url);
  test::ScriptedTransport transport;
  transport.set_default(200, "{}");
  FlakySentLog log;
  const auto reports = notify_at(transport, config, log, 1795000000);
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].status == ReportStatus::Sent);
  CHECK_FALSE(reports[0].record_failed);
  CHECK(log.stores == 2);
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::Sent);
}

TEST_CASE("an intent that cannot be recorded is not sent, and the report fails the run") {
  const auto config = one_channel("generic", k_generic_url);
  test::ScriptedTransport transport;
  transport.set_default(200, "{}");
  FlakySentLog log;
  log.failing = 1;
  const auto reports = notify_at(transport, config, log, 1795000000);
  CHECK(reports[0].status == ReportStatus::Failed);
  CHECK(reports[0].record_failed);
  CHECK(transport.sent().empty());
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::New);
}

TEST_CASE("generic: a delivery whose result was not recorded is sent again, byte for byte, then recorded") {
  const auto config = one_channel("generic", k_generic_url);
  test::ScriptedTransport transport;
  transport.set_default(200, "{}");
  FlakySentLog log;
  log.fail_after = 1;  // the intent is written, the result is not
  log.failing = 1;
  const auto first = notify_at(transport, config, log, 1795000000);
  CHECK(first[0].status == ReportStatus::Sent);
  CHECK(first[0].record_failed);
  CHECK(to_json(first[0])["record_failed"] == true);
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::Pending);

  // A later run, ten minutes on: the same payload (sent_at of the intent) and key again.
  const auto second = notify_at(transport, config, log, 1795000600);
  CHECK(second[0].status == ReportStatus::Sent);
  CHECK_FALSE(second[0].record_failed);
  REQUIRE(transport.sent().size() == 2);
  CHECK(transport.sent()[0].body == transport.sent()[1].body);
  CHECK(transport.sent()[0].headers == transport.sent()[1].headers);
  CHECK(json::parse(transport.sent()[1].body)["sent_at"] == "2026-11-18T11:06:40Z");
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::Sent);

  // And then never again.
  const auto third = notify_at(transport, config, log, 1795001200);
  CHECK(third[0].status == ReportStatus::AlreadySent);
  CHECK(transport.sent().size() == 2);
}

TEST_CASE("slack: an unconfirmed delivery is reported once as possibly sent and never sent again") {
  const auto config = one_channel("slack", k_slack_url);
  test::ScriptedTransport transport;
  transport.set_default(200, "ok");
  FlakySentLog log;
  log.fail_after = 1;
  log.failing = 1;
  const auto first = notify_at(transport, config, log, 1795000000);
  CHECK(first[0].status == ReportStatus::Sent);
  CHECK(first[0].record_failed);
  REQUIRE(transport.sent().size() == 1);

  const auto second = notify_at(transport, config, log, 1795000600);
  CHECK(second[0].status == ReportStatus::PossiblySent);
  CHECK(second[0].warning.find("possibly sent") != std::string::npos);
  CHECK(second[0].warning.find("2026-11-18T11:06:40Z") != std::string::npos);
  CHECK(transport.sent().size() == 1);
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::PossiblySent);

  const auto third = notify_at(transport, config, log, 1795001200);
  CHECK(third[0].status == ReportStatus::AlreadySent);
  CHECK(third[0].warning.empty());
  CHECK(transport.sent().size() == 1);
}

TEST_CASE("a refusal with an answer forgets the intent; no answer keeps it pending") {
  const auto config = one_channel("slack", k_slack_url);
  SECTION("refused: the next run sends it") {
    test::ScriptedTransport transport;
    transport.then(404, "no_service");
    FlakySentLog log;
    const auto first = notify_at(transport, config, log, 1795000000);
    CHECK(first[0].status == ReportStatus::Failed);
    CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::New);
    transport.set_default(200, "ok");
    const auto second = notify_at(transport, config, log, 1795000600);
    CHECK(second[0].status == ReportStatus::Sent);
    CHECK(transport.sent().size() == 2);
  }
  SECTION("no answer (reset): it may have arrived, so it stays pending") {
    test::ScriptedTransport transport;
    transport.then_error(http::TransportErrorKind::Receive, "connection reset by peer");
    FlakySentLog log;
    const auto first = notify_at(transport, config, log, 1795000000);
    CHECK(first[0].status == ReportStatus::Failed);
    CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::Pending);
  }
}

TEST_CASE("generic: a refused delivery stays pending, so the next run sends the same bytes under the same key") {
  const auto config = one_channel("generic", k_generic_url);
  test::ScriptedTransport transport;
  transport.then(500, R"({"ok":false})");  // the receiver may have kept the key before failing
  FlakySentLog log;
  const auto first = notify_at(transport, config, log, 1795000000);
  CHECK(first[0].status == ReportStatus::Failed);
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::Pending);
  transport.set_default(200, "{}");
  const auto second = notify_at(transport, config, log, 1795000600);
  CHECK(second[0].status == ReportStatus::Sent);
  REQUIRE(transport.sent().size() == 2);
  CHECK(transport.sent()[0].body == transport.sent()[1].body);
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::Sent);
}

TEST_CASE("generic: a pending re-send answered 422 (the key held with another payload) arrived before") {
  const auto config = one_channel("generic", k_generic_url);
  test::ScriptedTransport transport;
  transport.then_error(http::TransportErrorKind::Receive, "timed out");  // it arrived, the answer did not
  transport.then(422, R"({"ok":false,"error":"Idempotency-Key reused with a different payload"})");
  FlakySentLog log;
  const auto first = notify_at(transport, config, log, 1795000000);
  CHECK(first[0].status == ReportStatus::Failed);
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::Pending);

  const auto second = notify_at(transport, config, log, 1795000600);
  CHECK(second[0].status == ReportStatus::AlreadySent);
  CHECK(second[0].warning.find("earlier run delivered it") != std::string::npos);
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::Sent);

  const auto third = notify_at(transport, config, log, 1795001200);  // recorded: not sent again
  CHECK(third[0].status == ReportStatus::AlreadySent);
  CHECK(transport.sent().size() == 2);
}

TEST_CASE("generic: a first send answered 422 is a failure, not a delivery") {
  const auto config = one_channel("generic", k_generic_url);
  test::ScriptedTransport transport;
  transport.then(422, R"({"ok":false,"error":"field 'text' is required"})");
  FlakySentLog log;
  const auto first = notify_at(transport, config, log, 1795000000);
  CHECK(first[0].status == ReportStatus::Failed);
  CHECK(read_send_record(log.data(), "FAULT-12:fault.opened", "ops").state == SendState::New);  // refused: forgotten
  transport.set_default(422, R"({"ok":false,"error":"field 'text' is required"})");
  const auto second = notify_at(transport, config, log, 1795000600);  // refused again, not taken as delivered
  CHECK(second[0].status == ReportStatus::Failed);
  CHECK(transport.sent().size() == 2);
}
