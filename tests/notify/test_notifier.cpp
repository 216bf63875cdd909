#include <catch2/catch.hpp>

#include "faultline/http/dry_run.hpp"
#include "faultline/notify/notifier.hpp"
#include "notify_test_support.hpp"

using namespace faultline;
using namespace faultline::notify;
using nlohmann::json;

namespace {

constexpr const char* k_wecom_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=WECOMKEY-0000-1111";
constexpr const char* k_slack_url = "https://chat.example.invalid/services/TEST0/BTEST/fake-test-key";

config::Config sample_config() {
  config::Config config;
  config.people = test::sample_people();
  config.channels["ops"] = test::channel("ops", "wecom", k_wecom_url);
  config.channels["eng"] = test::channel("eng", "slack", k_slack_url);
  config::Channel mail = test::channel("mail", "email", "");
  mail.smtp_url = "smtp://mail.example.com:587";
  mail.smtp_password = "smtp-password-123";
  mail.from = "faultline@example.com";
  mail.to = {"oncall@example.com"};
  config.channels["mail"] = mail;
  config.routes["fault.opened"] = {"ops", "eng"};
  config.routes["fault.recovered"] = {"ops", "missing", "eng"};
  config.routes["fault.updated"] = {"mail"};
  return config;
}

NotifierOptions options_with(test::ManualClock& clock, SentLog* log = nullptr, MailSender* mail = nullptr) {
  NotifierOptions options;
  options.templates = TemplateDirs{{}, {std::string(FAULTLINE_SOURCE_DIR) + "/templates/notify"}};
  options.system_clock = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)); };
  options.steady_clock = clock.clock();
  options.sleeper = clock.sleeper();
  options.sent_log = log;
  options.mail = mail;
  options.retry_wait_limit = std::chrono::milliseconds(0);  // the retry test turns it on
  return options;
}

json event_data(const char* event) { return test::load_fixture("events.json")[event]; }

const DeliveryReport& report_for(const std::vector<DeliveryReport>& reports, const std::string& channel) {
  for (const auto& report : reports)
    if (report.channel == channel) return report;
  FAIL("no report for " << channel);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("one channel failing does not stop the other; the report says which failed and why") {
  const auto config = sample_config();
  test::ScriptedTransport transport;
  transport.for_url("qyapi", 200,
                    R"({"errcode":93000,"errmsg":"invalid webhook url, hint: key=WECOMKEY-0000-1111"})");
  transport.for_url("chat.example.invalid", 200, "ok");
  test::ManualClock clock;
  Notifier notifier(transport, config, options_with(clock));

  const auto reports = notifier.notify("fault.opened", event_data("fault.opened"));
  REQUIRE(reports.size() == 2);
  CHECK(transport.sent().size() == 2);
  const auto& ops = report_for(reports, "ops");
  CHECK(ops.status == ReportStatus::Failed);
  CHECK(ops.kind == "wecom");
  CHECK(ops.error.find("93000") != std::string::npos);
  CHECK(ops.error.find("WECOMKEY") == std::string::npos);  // the key never shows
  CHECK_FALSE(ops.retryable);
  CHECK_FALSE(ops.hint.empty());
  const auto& eng = report_for(reports, "eng");
  CHECK(eng.status == ReportStatus::Sent);
  CHECK(eng.parts == 1);

  // The WeCom message mentions alice by id; dave by phone number in a second text message.
  const json body = json::parse(transport.sent()[0].body);
  CHECK(body["markdown"]["content"].get<std::string>().find("<@alice.w>") != std::string::npos);

  const json out = to_json(ops);
  CHECK(out["status"] == "failed");
  CHECK(out["channel"] == "ops");
  CHECK(out["retryable"] == false);
  CHECK(describe(ops).find("channel 'ops' (wecom) failed") != std::string::npos);
}

TEST_CASE("a re-run with the same SentLog sends only what was not delivered") {
  const auto config = sample_config();
  test::ScriptedTransport transport;
  transport.for_url("qyapi", 200, R"({"errcode":45009,"errmsg":"api freq out of limit"})");
  transport.set_default(200, "ok");
  test::ManualClock clock;
  MemorySentLog log;
  Notifier notifier(transport, config, options_with(clock, &log));

  const auto first = notifier.notify("fault.opened", event_data("fault.opened"));
  CHECK(report_for(first, "ops").status == ReportStatus::Failed);
  CHECK(report_for(first, "ops").retryable);
  CHECK(report_for(first, "eng").status == ReportStatus::Sent);
  CHECK(log.was_sent("FAULT-12:fault.opened", "eng"));
  CHECK_FALSE(log.was_sent("FAULT-12:fault.opened", "ops"));
  const auto after_first = transport.sent().size();

  transport.set_default(200, R"({"errcode":0,"errmsg":"ok"})");
  const auto second = notifier.notify("fault.opened", event_data("fault.opened"));
  CHECK(report_for(second, "eng").status == ReportStatus::AlreadySent);
  CHECK(report_for(second, "ops").status == ReportStatus::Sent);
  CHECK(transport.sent().size() > after_first);
  for (std::size_t i = after_first; i < transport.sent().size(); ++i)
    CHECK(transport.sent()[i].url.find("qyapi") != std::string::npos);  // nothing to Slack again
  const auto after_second = transport.sent().size();

  const auto third = notifier.notify("fault.opened", event_data("fault.opened"));
  CHECK(report_for(third, "ops").status == ReportStatus::AlreadySent);
  CHECK(report_for(third, "eng").status == ReportStatus::AlreadySent);
  CHECK(transport.sent().size() == after_second);
}

TEST_CASE("a split message that failed half-way resends only the missing parts") {
  auto config = sample_config();
  config.routes["fault.opened"] = {"ops"};
  test::ScriptedTransport transport;
  transport.then(200, R"({"errcode":0,"errmsg":"ok"})");
  transport.then(200, R"({"errcode":-1,"errmsg":"system busy"})");
  transport.set_default(200, R"({"errcode":0,"errmsg":"ok"})");
  test::ManualClock clock;
  MemorySentLog log;
  Notifier notifier(transport, config, options_with(clock, &log));

  Message message;
  message.event = "fault.opened";
  message.title = "long";
  for (int i = 0; i < 300; ++i) message.markdown_body += "第" + std::to_string(i) + "行：恢复中，请稍候。\n";
  message.dedupe_key = "FAULT-1:long";
  const auto first = notifier.deliver(message);
  REQUIRE(first.size() == 1);
  CHECK(first[0].status == ReportStatus::Failed);
  CHECK(first[0].parts == 1);
  CHECK(first[0].parts_total == 3);
  CHECK(first[0].error.starts_with("part 2 of 3: WeCom errcode -1"));
  CHECK(transport.sent().size() == 2);

  const auto second = notifier.deliver(message);
  CHECK(second[0].status == ReportStatus::Sent);
  CHECK(second[0].parts == 2);
  REQUIRE(transport.sent().size() == 4);
  CHECK(transport.sent()[2].body == transport.sent()[1].body);  // part 2 again, not part 1
}

TEST_CASE("sends to one Slack webhook are paced one second apart without real sleeping") {
  auto config = sample_config();
  config.routes["fault.opened"] = {"eng"};
  test::ScriptedTransport transport;
  transport.set_default(200, "ok");
  test::ManualClock clock;
  Notifier notifier(transport, config, options_with(clock));
  for (int i = 0; i < 3; ++i) {
    json data = event_data("fault.opened");
    data["dedupe_key"] = "k" + std::to_string(i);
    CHECK(notifier.notify("fault.opened", data)[0].status == ReportStatus::Sent);
  }
  CHECK(transport.sent().size() == 3);
  CHECK(clock.sleeps == std::vector<std::chrono::milliseconds>{std::chrono::seconds(1), std::chrono::seconds(1)});
}

TEST_CASE("an unknown channel in a route fails alone; no route means no reports") {
  const auto config = sample_config();
  test::ScriptedTransport transport;
  transport.for_url("chat.example.invalid", 200, "ok");
  test::ManualClock clock;
  Notifier notifier(transport, config, options_with(clock));
  const auto reports = notifier.notify("fault.recovered", event_data("fault.recovered"));
  REQUIRE(reports.size() == 3);
  CHECK(report_for(reports, "missing").status == ReportStatus::Failed);
  CHECK(report_for(reports, "missing").error.find("no channel named 'missing'") != std::string::npos);
  CHECK(report_for(reports, "ops").status == ReportStatus::Sent);
  CHECK(report_for(reports, "eng").status == ReportStatus::Sent);
  CHECK(notifier.notify("review.overdue", event_data("review.overdue")).empty());
}

TEST_CASE("transport failures and exceptions become failed reports, never throws") {
  const auto config = sample_config();
  test::ScriptedTransport transport;
  transport.then_error(http::TransportErrorKind::Connect, "connection refused");
  transport.then(200, "ok");
  test::ManualClock clock;
  Notifier notifier(transport, config, options_with(clock));
  const auto reports = notifier.notify("fault.opened", event_data("fault.opened"));
  CHECK(report_for(reports, "ops").status == ReportStatus::Failed);
  CHECK(report_for(reports, "ops").retryable);
  CHECK(report_for(reports, "eng").status == ReportStatus::Sent);
}

TEST_CASE("a template error fails every routed channel with the template's name") {
  const auto config = sample_config();
  test::ScriptedTransport transport;
  test::ManualClock clock;
  auto options = options_with(clock);
  options.templates.shipped_dirs = {"/nonexistent/templates"};
  Notifier notifier(transport, config, std::move(options));
  const auto reports = notifier.notify("fault.opened", event_data("fault.opened"));
  REQUIRE(reports.size() == 2);
  for (const auto& report : reports) {
    CHECK(report.status == ReportStatus::Failed);
    CHECK(report.error.find("fault.opened.md.mustache") != std::string::npos);
  }
  CHECK(transport.sent().empty());
}

TEST_CASE("dry-run answers count as sent but are not recorded in the SentLog") {
  auto config = sample_config();
  config.routes["fault.opened"] = {"eng"};
  test::ScriptedTransport transport;
  transport.then(201, "{}", {{std::string(http::k_dry_run_header), "1"}});
  test::ManualClock clock;
  MemorySentLog log;
  Notifier notifier(transport, config, options_with(clock, &log));
  const auto reports = notifier.notify("fault.opened", event_data("fault.opened"));
  CHECK(reports[0].status == ReportStatus::Sent);
  CHECK(reports[0].dry_run);
  CHECK(log.size() == 0);
}

TEST_CASE("e-mail channels go through the MailSender, with a recognisable Message-ID") {
  const auto config = sample_config();
  test::ScriptedTransport transport;
  test::ManualClock clock;
  test::RecordingMailSender mail;
  MemorySentLog log;
  Notifier notifier(transport, config, options_with(clock, &log, &mail));
  const auto reports = notifier.notify("fault.updated", event_data("fault.updated"));
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].status == ReportStatus::Sent);
  REQUIRE(mail.sent.size() == 1);
  CHECK(mail.sent[0].recipients == std::vector<std::string>{"oncall@example.com"});
  CHECK(mail.sent[0].message.find(mail_message_id("FAULT-12:fault.updated:3", "mail", "faultline@example.com")) !=
        std::string::npos);
  CHECK(transport.sent().empty());
  CHECK(notifier.notify("fault.updated", event_data("fault.updated"))[0].status == ReportStatus::AlreadySent);

  mail.fail_with = Error{ErrorKind::Unavailable, "e-mail: SMTP send failed: smtp-password-123 refused", {}, 0, {}};
  json data = event_data("fault.updated");
  data["dedupe_key"] = "other";
  const auto failed = notifier.notify("fault.updated", data);
  CHECK(failed[0].status == ReportStatus::Failed);
  CHECK(failed[0].retryable);
  CHECK(failed[0].error.find("smtp-password-123") == std::string::npos);
}

TEST_CASE("without a MailSender an e-mail channel fails and says so") {
  const auto config = sample_config();
  test::ScriptedTransport transport;
  test::ManualClock clock;
  Notifier notifier(transport, config, options_with(clock));
  const auto reports = notifier.notify("fault.updated", event_data("fault.updated"));
  CHECK(reports[0].status == ReportStatus::Failed);
  CHECK(reports[0].error.find("mail sender") != std::string::npos);
}

TEST_CASE("only_channels sends to the named channels and skips the rest") {
  const auto config = sample_config();
  test::ScriptedTransport transport;
  transport.set_default(200, "ok");
  test::ManualClock clock;
  auto options = options_with(clock);
  options.only_channels = {"eng"};
  Notifier notifier(transport, config, std::move(options));
  const auto reports = notifier.notify("fault.opened", event_data("fault.opened"));
  CHECK(report_for(reports, "ops").status == ReportStatus::Skipped);
  CHECK(report_for(reports, "eng").status == ReportStatus::Sent);
  CHECK(transport.sent().size() == 1);
}

TEST_CASE("channel_secrets lists the credential parts of webhook URLs") {
  const auto secrets = channel_secrets(sample_config());
  auto has = [&secrets](const std::string& value) {
    return std::find(secrets.begin(), secrets.end(), value) != secrets.end();
  };
  CHECK(has(k_wecom_url));
  CHECK(has("WECOMKEY-0000-1111"));
  CHECK(has("TEST0/BTEST/fake-test-key"));
  CHECK(has("fake-test-key"));
  CHECK(has("smtp-password-123"));
}

TEST_CASE("a platform that says busy in its body is asked again after a short wait") {
  auto config = sample_config();
  config.routes["fault.opened"] = {"ops"};
  test::ScriptedTransport transport;
  transport.then(200, R"({"errcode":-1,"errmsg":"system busy"})");
  transport.then(200, R"({"errcode":45009,"errmsg":"api freq out of limit"})");
  transport.set_default(200, R"({"errcode":0,"errmsg":"ok"})");
  test::ManualClock clock;
  auto options = options_with(clock);
  options.retry_wait_limit = std::chrono::seconds(60);
  Notifier notifier(transport, config, std::move(options));
  json data = event_data("fault.opened");
  data["mentions"] = json::array();
  const auto reports = notifier.notify("fault.opened", data);
  CHECK(reports[0].status == ReportStatus::Sent);
  CHECK(transport.sent().size() == 3);
  // 2 s for "busy", then 60 s for the per-minute limit (the pacer itself had no need to wait).
  CHECK(clock.sleeps == std::vector<std::chrono::milliseconds>{std::chrono::seconds(2), std::chrono::seconds(60)});

  // A third "busy" in a row is reported, not retried forever.
  test::ScriptedTransport busy;
  busy.set_default(200, R"({"errcode":-1,"errmsg":"system busy"})");
  auto busy_options = options_with(clock);
  busy_options.retry_wait_limit = std::chrono::seconds(60);
  Notifier busy_notifier(busy, config, std::move(busy_options));
  data["dedupe_key"] = "again";
  const auto failed = busy_notifier.notify("fault.opened", data);
  CHECK(failed[0].status == ReportStatus::Failed);
  CHECK(failed[0].retryable);
  CHECK(busy.sent().size() == 3);
}

TEST_CASE("the route target room posts through the room poster, once, and is skipped without a room") {
  auto config = sample_config();
  config.routes["fault.updated"] = {"room"};
  test::ScriptedTransport transport;
  test::ManualClock clock;
  MemorySentLog log;
  std::vector<Message> posted;
  auto options = options_with(clock, &log);
  options.room = [&](const Message& message) -> Result<void> {
    posted.push_back(message);
    return {};
  };
  Notifier notifier(transport, config, options);
  const auto first = notifier.notify("fault.updated", event_data("fault.updated"));
  REQUIRE(first.size() == 1);
  CHECK(first[0].channel == "room");
  CHECK(first[0].kind == "room");
  CHECK(first[0].status == ReportStatus::Sent);
  REQUIRE(posted.size() == 1);
  CHECK(posted[0].title.find("FAULT-12") != std::string::npos);
  CHECK(transport.sent().empty());  // nothing through the webhooks
  CHECK(log.was_sent("FAULT-12:fault.updated:3", "room"));

  const auto again = notifier.notify("fault.updated", event_data("fault.updated"));
  CHECK(again[0].status == ReportStatus::AlreadySent);
  CHECK(posted.size() == 1);

  Notifier roomless(transport, config, options_with(clock, &log));
  const auto skipped = roomless.notify("fault.updated", event_data("fault.updated"));
  CHECK(skipped[0].status == ReportStatus::Skipped);
}

TEST_CASE("a room post that failed for a passing reason is sent by the next run; a pending one is not repeated") {
  auto config = sample_config();
  config.routes["fault.updated"] = {"room"};
  test::ScriptedTransport transport;
  test::ManualClock clock;
  MemorySentLog log;
  int calls = 0;
  bool down = true;
  auto options = options_with(clock, &log);
  options.room = [&](const Message&) -> Result<void> {
    ++calls;
    if (down) return fail(ErrorKind::Unavailable, "slack: HTTP 503");
    return {};
  };
  Notifier notifier(transport, config, options);
  const auto failed = notifier.notify("fault.updated", event_data("fault.updated"));
  CHECK(failed[0].status == ReportStatus::Failed);
  CHECK(failed[0].retryable);
  CHECK_FALSE(log.was_sent("FAULT-12:fault.updated:3", "room"));
  down = false;
  const auto sent = notifier.notify("fault.updated", event_data("fault.updated"));
  CHECK(sent[0].status == ReportStatus::Sent);
  CHECK(calls == 2);

  // A run that recorded its intent and died: the next one does not post a second time.
  REQUIRE(log.mark("other", {"room"}, SendState::Pending, "2026-11-25T06:00:00Z"));
  auto data = event_data("fault.updated");
  data["dedupe_key"] = "other";
  const auto pending = notifier.notify("fault.updated", data);
  CHECK(pending[0].status == ReportStatus::PossiblySent);
  CHECK(calls == 2);
}
