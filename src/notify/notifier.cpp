#include "faultline/notify/notifier.hpp"

#include <algorithm>
#include <exception>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "faultline/http/dry_run.hpp"
#include "faultline/http/url.hpp"
#include "faultline/notify/mentions.hpp"
#include "faultline/notify/response.hpp"

namespace faultline::notify {

namespace {

// The SentLog key of one part of a split message (the whole message uses the dedupe key).
std::string part_key(const Message& message, std::size_t part) {
  return message.dedupe_key + "#part" + std::to_string(part + 1);
}

void add_url_parts(std::vector<std::string>& secrets, std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return;
  const auto path_start = url.find('/', scheme + 3);
  if (path_start == std::string_view::npos) return;
  std::string_view rest = url.substr(path_start);
  const auto query_start = rest.find('?');
  const std::string_view path = rest.substr(0, query_start);
  // The last path segment is the token of a Feishu hook or a Slack services URL.
  const auto last_slash = path.rfind('/');
  const std::string_view last = path.substr(last_slash + 1);
  if (last.size() >= 8) secrets.emplace_back(last);
  if (const auto services = path.find("/services/"); services != std::string_view::npos)
    secrets.emplace_back(path.substr(services + 10));
  if (query_start == std::string_view::npos) return;
  std::string_view query = rest.substr(query_start + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    if (const auto eq = item.find('='); eq != std::string_view::npos && item.size() - eq - 1 >= 4) {
      secrets.emplace_back(item.substr(eq + 1));
      secrets.push_back(http::url_decode(item.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

std::vector<std::string> channel_secrets(const config::Config& config) {
  std::vector<std::string> secrets;
  for (const auto& [name, channel] : config.channels) {
    for (const std::string* value : {&channel.url, &channel.secret, &channel.smtp_password})
      if (!value->empty()) secrets.push_back(*value);
    add_url_parts(secrets, channel.url);
  }
  return secrets;
}

const char* to_string(ReportStatus status) {
  switch (status) {
    case ReportStatus::Sent: return "sent";
    case ReportStatus::Failed: return "failed";
    case ReportStatus::Skipped: return "skipped";
    case ReportStatus::AlreadySent: return "already_sent";
    case ReportStatus::PossiblySent: return "possibly_sent";
  }
  return "failed";
}

nlohmann::json to_json(const DeliveryReport& report) {
  nlohmann::json out = {{"channel", report.channel},
                        {"kind", report.kind},
                        {"status", to_string(report.status)},
                        {"parts", report.parts},
                        {"parts_total", report.parts_total}};
  if (!report.error.empty()) {
    out["error"] = report.error;
    out["retryable"] = report.retryable;
  }
  if (!report.hint.empty()) out["hint"] = report.hint;
  if (report.dry_run) out["dry_run"] = true;
  if (!report.unresolved_mentions.empty()) out["unresolved_mentions"] = report.unresolved_mentions;
  if (!report.warning.empty()) out["warning"] = report.warning;
  if (report.record_failed) out["record_failed"] = true;
  return out;
}

std::string describe(const DeliveryReport& report) {
  std::string line = "notify: channel '" + report.channel + "'";
  if (!report.kind.empty()) line += " (" + report.kind + ")";
  line += std::string(" ") + to_string(report.status);
  if (!report.error.empty()) line += ": " + report.error;
  if (!report.hint.empty()) line += " (" + report.hint + ")";
  if (report.retryable) line += "; it can be sent again later";
  if (!report.warning.empty()) line += "; warning: " + report.warning;
  return line;
}

Notifier::Notifier(http::Transport& transport, const config::Config& config, NotifierOptions options)
    : m_transport(transport),
      m_config(config),
      m_options(std::move(options)),
      m_sleeper(m_options.sleeper ? m_options.sleeper
                                  : PacerSleeper([](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); })),
      m_pacer(m_options.steady_clock ? m_options.steady_clock
                                     : SteadyClock([] { return std::chrono::steady_clock::now(); }),
              m_sleeper) {
  if (!m_options.system_clock) m_options.system_clock = [] { return std::chrono::system_clock::now(); };
  for (const auto& secret : m_config.secrets()) m_redactor.add_secret(secret);
  for (const auto& secret : channel_secrets(m_config)) m_redactor.add_secret(secret);
}

const std::vector<std::string>* routed_channels(const config::Config& config, std::string_view event) {
  auto route = config.routes.find(std::string(event));
  if ((route == config.routes.end() || route->second.empty()) && event == "fault.synced")
    route = config.routes.find("fault.opened");
  if ((route == config.routes.end() || route->second.empty()) && event == "review.upcoming")
    route = config.routes.find("review.scheduled");
  if (route == config.routes.end() || route->second.empty()) return nullptr;
  return &route->second;
}

std::vector<DeliveryReport> Notifier::notify(std::string_view event, const nlohmann::json& data) {
  const auto* channels = routed_channels(m_config, event);
  if (channels == nullptr) return {};
  return notify(event, data, *channels);
}

std::vector<DeliveryReport> Notifier::notify(std::string_view event, const nlohmann::json& data,
                                             const std::vector<std::string>& channels) {
  if (channels.empty()) return {};
  auto message = render_message(event, data, m_options.templates);
  if (message) return deliver_to(*message, channels);

  std::vector<DeliveryReport> reports;
  for (const auto& name : channels) {
    DeliveryReport report;
    report.channel = name;
    if (const auto it = m_config.channels.find(name); it != m_config.channels.end()) report.kind = it->second.kind;
    report.status = ReportStatus::Failed;
    report.error = m_redactor.mask(message.error().message);
    report.hint = message.error().hint;
    reports.push_back(std::move(report));
  }
  return reports;
}

std::vector<DeliveryReport> Notifier::deliver(const Message& message) {
  const auto* channels = routed_channels(m_config, message.event);
  if (channels == nullptr) return {};
  return deliver_to(message, *channels);
}

// One channel's delivery. `send` is false when the report is already final (skipped,
// unknown channel, sent before, possibly sent before).
struct Notifier::Plan {
  DeliveryReport report;
  const config::Channel* channel = nullptr;
  ChannelKind kind = ChannelKind::Generic;
  ResolvedMentions mentions;
  SendState recorded = SendState::New;  // the SentLog's state before this run
  std::string at;                       // the payload time: the recorded intent's, or now
  bool send = false;
  bool unanswered = false;              // the last failure had no answer (it may have arrived)
  bool room = false;                    // the route target "room": the fault's response room

  // Whether the platform drops a repeated message (then a pending one may be sent again).
  bool drops_repeats() const { return !room && deduplicates(kind); }
};

std::vector<DeliveryReport> Notifier::deliver_to(const Message& message,
                                                 const std::vector<std::string>& channels) {
  const std::string now = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                                      std::chrono::floor<std::chrono::seconds>(m_options.system_clock()));
  std::vector<Plan> plans;
  std::vector<std::string> done;
  for (const auto& name : channels) {
    if (std::find(done.begin(), done.end(), name) != done.end()) continue;  // listed twice
    done.push_back(name);
    plans.push_back(plan(message, name, now));
  }
  record_intent(message, plans);
  for (auto& p : plans)
    if (p.send) send(message, p);
  record_results(message, plans);
  std::vector<DeliveryReport> reports;
  for (auto& p : plans) reports.push_back(std::move(p.report));
  return reports;
}

Notifier::Plan Notifier::plan(const Message& message, const std::string& channel_name, const std::string& now) {
  Plan plan;
  DeliveryReport& report = plan.report;
  report.channel = channel_name;
  const auto& only = m_options.only_channels;
  const auto channel_it = m_config.channels.find(channel_name);
  if (channel_it != m_config.channels.end()) report.kind = channel_it->second.kind;
  if (!only.empty() && std::find(only.begin(), only.end(), channel_name) == only.end()) {
    report.status = ReportStatus::Skipped;
    return plan;
  }
  if (channel_it == m_config.channels.end() && channel_name == k_room_target) return plan_room(message, now);
  if (channel_it == m_config.channels.end()) {
    report.error = "no channel named '" + channel_name + "' in the config";
    report.hint = "add [channels." + channel_name + "] or remove it from [routes]";
    return plan;
  }
  plan.channel = &channel_it->second;
  const auto kind = parse_channel_kind(plan.channel->kind);
  if (!kind) {
    report.error = "unknown channel kind '" + plan.channel->kind + "'";
    report.hint = "use wecom, dingtalk, feishu, slack, teams, generic or email";
    return plan;
  }
  plan.kind = *kind;
  plan.at = now;
  if (m_options.sent_log) {
    const auto record = m_options.sent_log->record(message.dedupe_key, channel_name);
    plan.recorded = record.state;
    switch (record.state) {
      case SendState::Sent:
      case SendState::PossiblySent:  // reported once already
        report.status = ReportStatus::AlreadySent;
        return plan;
      case SendState::Pending:
        if (!deduplicates(*kind)) {
          // Sending again would post it twice where it did arrive: say so, once.
          report.status = ReportStatus::PossiblySent;
          report.warning = "possibly sent: a run at " + record.at +
                           " sent it but did not record the result, and " + to_string(*kind) +
                           " does not drop repeats, so it is not sent again; check the channel";
          return plan;
        }
        if (!record.at.empty()) plan.at = record.at;  // the same payload: the platform drops it if it arrived
        break;
      case SendState::New: break;
    }
  }
  plan.mentions = resolve_mentions(*kind, message.mention_people,
                                   message.mention_all ? MentionAll::Yes : MentionAll::No, m_config.people);
  report.unresolved_mentions = plan.mentions.unresolved;
  plan.send = true;
  return plan;
}

Notifier::Plan Notifier::plan_room(const Message& message, const std::string& now) {
  Plan plan;
  plan.room = true;
  plan.report.channel = std::string(k_room_target);
  plan.report.kind = std::string(k_room_target);
  if (!m_options.room) {
    plan.report.status = ReportStatus::Skipped;  // this fault has no open room
    return plan;
  }
  plan.at = now;
  if (m_options.sent_log) {
    const auto record = m_options.sent_log->record(message.dedupe_key, plan.report.channel);
    plan.recorded = record.state;
    if (record.state == SendState::Sent || record.state == SendState::PossiblySent) {
      plan.report.status = ReportStatus::AlreadySent;
      return plan;
    }
    if (record.state == SendState::Pending) {
      plan.report.status = ReportStatus::PossiblySent;
      plan.report.warning = "possibly sent: a run at " + record.at +
                            " posted it to the room but did not record the result, so it is not posted again; "
                            "check the room";
      return plan;
    }
  }
  plan.send = true;
  return plan;
}

void Notifier::send_room(const Message& message, Plan& plan) {
  DeliveryReport& report = plan.report;
  report.parts_total = 1;
  auto posted = m_options.room(message);
  if (posted || m_options.dry_run) {  // a dry run only printed the post; its answer is a placeholder
    report.status = ReportStatus::Sent;
    report.parts = 1;
    report.dry_run = m_options.dry_run;
    return;
  }
  report.status = ReportStatus::Failed;
  report.error = m_redactor.mask(posted.error().message);
  report.hint = posted.error().hint;
  report.retryable = posted.error().kind == ErrorKind::Unavailable;
}

void Notifier::record_intent(const Message& message, std::vector<Plan>& plans) {
  SentLog* log = m_options.sent_log;
  if (!log || m_options.dry_run) return;
  std::vector<std::string> fresh;
  for (const auto& p : plans)
    if (p.send && p.recorded == SendState::New) fresh.push_back(p.report.channel);
  if (fresh.empty()) return;
  const auto first =
      std::find_if(plans.begin(), plans.end(), [](const Plan& p) { return p.send && p.recorded == SendState::New; });
  auto noted = log->mark(message.dedupe_key, fresh, SendState::Pending, first->at);
  if (noted) return;
  for (auto& p : plans) {
    if (!p.send || p.recorded != SendState::New) continue;
    p.send = false;
    p.report.status = ReportStatus::Failed;
    p.report.error = "not sent: the intent to send could not be recorded (" + m_redactor.mask(noted.error().message) + ")";
    p.report.hint = "run the same command again when Jira answers";
    p.report.retryable = true;
    p.report.record_failed = true;
  }
}

namespace {

// A generic receiver answering 422 to the re-send of a pending message holds its
// Idempotency-Key with another payload (the fault's facts as another run read them): the
// earlier send arrived. A first send answered 422 stays a failure.
bool held_by_receiver(ChannelKind kind, SendState recorded, const http::Outcome& outcome) {
  return kind == ChannelKind::Generic && recorded == SendState::Pending && outcome && outcome->status == 422;
}

}  // namespace

void Notifier::send(const Message& message, Plan& plan) {
  DeliveryReport& report = plan.report;
  try {
    if (plan.room) {
      send_room(message, plan);
    } else if (plan.kind == ChannelKind::Email) {
      send_mail(message, *plan.channel, plan.mentions, report);
    } else {
      send_http(message, plan);
    }
  } catch (const std::exception& error) {
    report.status = ReportStatus::Failed;
    report.error = "unexpected error: " + m_redactor.mask(error.what());
  }
}

void Notifier::record_results(const Message& message, std::vector<Plan>& plans) {
  SentLog* log = m_options.sent_log;
  if (!log || m_options.dry_run) return;
  // One write: what arrived is sent; what was refused for good, or by a platform that does not
  // drop repeats, is forgotten (a re-run sends it); what had no answer, or failed for a passing
  // reason on a platform that drops repeats, stays pending (a re-run sends the same payload,
  // with the recorded time); a pending one reported now is possibly sent.
  SendStateChange sent{{}, SendState::Sent, {}}, refused{{}, SendState::New, {}}, possibly{{}, SendState::PossiblySent, {}};
  for (const auto& p : plans) {
    if (p.report.status == ReportStatus::PossiblySent) {
      possibly.channels.push_back(p.report.channel);
      possibly.at = p.at;
    }
    if (!p.send) continue;
    if (p.report.dry_run) refused.channels.push_back(p.report.channel);  // only printed: no record
    else if (p.report.status == ReportStatus::Sent || p.report.status == ReportStatus::AlreadySent)
      sent.channels.push_back(p.report.channel);
    else if (!p.unanswered && (!p.drops_repeats() || !p.report.retryable)) refused.channels.push_back(p.report.channel);
  }
  auto recorded = log->apply(message.dedupe_key, {sent, refused, possibly});
  if (recorded) return;
  const std::string why = m_redactor.mask(recorded.error().message);
  for (auto& p : plans) {
    if (p.report.status == ReportStatus::PossiblySent) {
      p.report.record_failed = true;
      p.report.warning += "; not recorded (" + why + ")";
    } else if (p.send && p.report.status == ReportStatus::Sent && !p.report.dry_run) {
      p.report.record_failed = true;
      p.report.warning = "delivered, but not recorded as sent (" + why +
                         "); a re-run sends it again only where the platform drops repeats";
    }
  }
}

void Notifier::send_http(const Message& message, Plan& plan) {
  const config::Channel& channel = *plan.channel;
  const ChannelKind kind = plan.kind;
  DeliveryReport& report = plan.report;
  const auto payloads = build_payloads(kind, message, plan.mentions, m_options.limits);
  report.parts_total = static_cast<int>(payloads.size());
  if (payloads.empty()) {
    report.error = "nothing to send";
    return;
  }
  const bool split = payloads.size() > 1;
  SentLog* log = m_options.dry_run ? nullptr : m_options.sent_log;
  const auto rules = default_rate_rules(kind);
  std::size_t held = 0;  // parts an earlier run delivered (see held_by_receiver)
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    if (split && log && log->was_sent(part_key(message, i), channel.name)) {  // sent by an earlier run
      continue;
    }
    Delivery delivery;
    for (int attempt = 0;; ++attempt) {
      m_pacer.wait_turn(channel.name, rules);
      const http::Request request =
          make_request(kind, channel, payloads[i], message, i, m_options.system_clock(), plan.at);
      const http::Outcome outcome = m_transport.send(request);
      if (outcome && outcome->header(http::k_dry_run_header)) report.dry_run = true;
      plan.unanswered = !outcome;
      delivery = interpret_response(kind, outcome);
      if (held_by_receiver(kind, plan.recorded, outcome)) {
        delivery = Delivery{DeliveryStatus::Delivered, {}, {}, {}};
        ++held;
      }
      // Only a "busy" in the body of a 200 is retried here (see retry_wait_limit).
      const bool body_said_busy = delivery.status == DeliveryStatus::RetryLater && outcome && outcome->status == 200;
      const auto wait = delivery.retry_after.value_or(std::chrono::seconds(2));
      if (!body_said_busy || attempt >= 2 || wait > m_options.retry_wait_limit) break;
      m_sleeper(wait);
    }
    if (delivery.status != DeliveryStatus::Delivered) {
      report.status = ReportStatus::Failed;
      report.error = m_redactor.mask(delivery.reason);
      if (split) report.error = "part " + std::to_string(i + 1) + " of " + std::to_string(payloads.size()) + ": " + report.error;
      report.hint = delivery.hint;
      report.retryable = delivery.status == DeliveryStatus::RetryLater;
      return;
    }
    ++report.parts;
    if (split && log && !report.dry_run) {
      if (auto marked = log->mark_sent(part_key(message, i), channel.name); !marked) {
        report.record_failed = true;
        report.warning = "part " + std::to_string(i + 1) + " delivered, but not recorded as sent (" +
                         m_redactor.mask(marked.error().message) + ")";
      }
    }
  }
  if (held == payloads.size()) {
    report.status = ReportStatus::AlreadySent;
    report.warning = "an earlier run delivered it: the receiver already holds its Idempotency-Key";
    return;
  }
  report.status = ReportStatus::Sent;
}

void Notifier::send_mail(const Message& message, const config::Channel& channel,
                         const ResolvedMentions& mentions, DeliveryReport& report) {
  report.parts_total = 1;
  if (!m_options.mail) {
    report.error = "no mail sender available for e-mail channels";
    return;
  }
  auto envelope = build_mail(channel, message, mentions, m_options.system_clock());
  if (!envelope) {
    report.error = m_redactor.mask(envelope.error().message);
    report.hint = envelope.error().hint;
    return;
  }
  m_pacer.wait_turn(channel.name, {});
  auto sent = m_options.mail->send(*envelope);
  if (!sent) {
    report.error = m_redactor.mask(sent.error().message);
    report.hint = sent.error().hint;
    report.retryable = sent.error().kind == ErrorKind::Unavailable;
    return;
  }
  report.parts = 1;
  report.status = ReportStatus::Sent;
}

}  // namespace faultline::notify
