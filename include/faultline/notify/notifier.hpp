// Sends one event's notification to every channel the config routes it to. A channel that
// fails never stops the others and never throws: each gets a DeliveryReport for stderr and
// --json, and a re-run with the same SentLog sends only what was not delivered. The intent of
// every delivery is recorded before it is sent and its result after (one SentLog write each
// for all channels; see sent_log.hpp for what a re-run does with an unconfirmed delivery).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/config/config.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/notify/channel_kind.hpp"
#include "faultline/notify/mail.hpp"
#include "faultline/notify/message.hpp"
#include "faultline/notify/pacer.hpp"
#include "faultline/notify/payload.hpp"
#include "faultline/notify/sent_log.hpp"
#include "faultline/util/redact.hpp"

namespace faultline::notify {

// Every secret of the config's channels for the run's Redactor: URLs, signing secrets, SMTP
// passwords, and the credential parts of webhook URLs on their own (query values such as
// WeCom's key or DingTalk's access_token, the hook path of Feishu, Slack and Teams), since
// platforms echo them in error messages.
std::vector<std::string> channel_secrets(const config::Config& config);

// The channels routed for `event` (config.routes), or nullptr when none. fault.synced (the
// real key of a fault announced while Jira was down) goes where fault.opened went unless it
// has a route of its own; review.upcoming where review.scheduled goes.
const std::vector<std::string>* routed_channels(const config::Config& config, std::string_view event);

enum class ReportStatus {
  Sent,         // every part delivered
  Failed,       // at least one part not delivered (error says why)
  Skipped,      // not attempted: the channel was left out by NotifierOptions::only_channels
  AlreadySent,  // the SentLog says this message reached this channel before
  PossiblySent,  // an earlier run sent it but never recorded the result; not sent again
};

// "sent" | "failed" | "skipped" | "already_sent" | "possibly_sent".
const char* to_string(ReportStatus status);

// The result for one channel.
struct DeliveryReport {
  std::string channel;  // the channel's name in the config
  std::string kind;     // "wecom", ... ("" when the channel is unknown)
  ReportStatus status = ReportStatus::Failed;
  int parts = 0;        // messages delivered to this channel in this run
  int parts_total = 0;  // messages the notification needed on this channel
  std::string error;    // why it failed, free of secrets; empty otherwise
  std::string hint;     // what to do, when known
  bool retryable = false;  // failed for a passing reason (rate limit, busy, unreachable)
  bool dry_run = false;    // the transport only printed the request
  std::vector<std::string> unresolved_mentions;  // people shown without a platform mention
  std::string warning;  // e.g. a delivery an earlier run may have made
  // The SentLog could not record this delivery's intent (then it was not sent) or its result:
  // the run must fail (exit 1), or a re-run could post it twice.
  bool record_failed = false;
};

// The report as --json prints it: {"channel","kind","status","parts","parts_total","error",
// "hint","retryable","dry_run","unresolved_mentions","warning","record_failed"} (empty fields
// left out).
nlohmann::json to_json(const DeliveryReport& report);

// One line for stderr: "notify: channel 'ops' (wecom) failed: WeCom errcode 93000: ...".
std::string describe(const DeliveryReport& report);

// The route target of a fault's own response room ([rooms]; app/rooms.hpp), usable in [routes]
// like a channel name.
inline constexpr std::string_view k_room_target = "room";

// Posts a message to the fault's room. Error Unavailable for a passing failure.
using RoomPoster = std::function<Result<void>(const Message& message)>;

struct NotifierOptions {
  TemplateDirs templates;  // where render_message looks
  PlatformLimits limits;
  std::function<std::chrono::system_clock::time_point()> system_clock;  // timestamps; default now
  SteadyClock steady_clock;  // pacing; default std::chrono::steady_clock
  PacerSleeper sleeper;      // pacing; default std::this_thread::sleep_for
  MailSender* mail = nullptr;    // e-mail channels fail without one
  SentLog* sent_log = nullptr;   // without one, nothing is deduplicated across runs
  bool dry_run = false;          // the transport only prints: the SentLog is read, never written
  std::vector<std::string> only_channels;  // when not empty, other channels are Skipped
  // Where the route target "room" posts; empty when the fault has no open room (then "room"
  // is Skipped). The room does not drop repeats: a pending post is reported possibly sent.
  RoomPoster room;
  // A platform that answers "busy" or "rate limited" in its body (WeCom -1/45009, Feishu
  // 11232) is asked again, at most twice, when it asks to wait no longer than this (2 s when it
  // does not say). HTTP 429/5xx and network failures are the transport's retry decorator's job.
  std::chrono::milliseconds retry_wait_limit{std::chrono::seconds(60)};
};

class Notifier {
public:
  // `transport` and `config` (and the options' mail sender and sent log) must outlive it.
  Notifier(http::Transport& transport, const config::Config& config, NotifierOptions options);

  // Renders the event's template with `data` and delivers it to the channels routed for the
  // event (config.routes). No route gives no reports; a template error gives a Failed report
  // per routed channel carrying that error.
  std::vector<DeliveryReport> notify(std::string_view event, const nlohmann::json& data);
  // The same to the named channels (route targets such as "room" included), in order.
  std::vector<DeliveryReport> notify(std::string_view event, const nlohmann::json& data,
                                     const std::vector<std::string>& channels);

  // Delivers an already rendered message to the channels routed for message.event.
  std::vector<DeliveryReport> deliver(const Message& message);

  // Delivers `message` to the named channels, in order.
  std::vector<DeliveryReport> deliver_to(const Message& message,
                                         const std::vector<std::string>& channels);

private:
  struct Plan;  // one channel's delivery, from lookup to record (notifier.cpp)
  // Lookup, SentLog state and mentions of one channel: what to do there.
  Plan plan(const Message& message, const std::string& channel_name, const std::string& now);
  // The same for the route target "room".
  Plan plan_room(const Message& message, const std::string& now);
  // Records the intent of every first-time send in one write; on failure they are not sent.
  void record_intent(const Message& message, std::vector<Plan>& plans);
  // Sends one planned delivery (fills its report).
  void send(const Message& message, Plan& plan);
  // Records the results in one write: sent, possibly sent, or (refused) no record.
  void record_results(const Message& message, std::vector<Plan>& plans);
  // Sends every part over HTTP, paced; stops at the first part not delivered (fills the plan's
  // report, `unanswered` and `last_status`). The generic payload carries the plan's time.
  void send_http(const Message& message, Plan& plan);
  // Posts to the fault's room through the options' RoomPoster (fills the plan's report).
  void send_room(const Message& message, Plan& plan);
  // Builds the mail and hands it to the MailSender (fills `report`).
  void send_mail(const Message& message, const config::Channel& channel,
                 const ResolvedMentions& mentions, DeliveryReport& report);
  http::Transport& m_transport;
  const config::Config& m_config;
  NotifierOptions m_options;
  PacerSleeper m_sleeper;  // the options' sleeper, or a real one
  Pacer m_pacer;
  Redactor m_redactor;  // every secret of the config: errors never show a webhook key
};

}  // namespace faultline::notify
