// Fakes shared by the notify tests: a scripted transport, a manual clock, a recording mail
// sender, and a config with people and channels.
#pragma once

#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/config/config.hpp"
#include "faultline/http/transport.hpp"
#include "faultline/notify/mail.hpp"

namespace faultline::notify::test {

// Answers with queued outcomes (or 200 + `default_body` when the queue is empty); records
// every request.
class ScriptedTransport final : public http::Transport {
public:
  void then(int status, std::string body, http::Headers headers = {}) {
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    m_script.push_back(std::move(response));
  }
  void then_error(http::TransportErrorKind kind, std::string message) {
    m_script.push_back(std::unexpected(http::TransportError{kind, std::move(message)}));
  }
  // Answers for requests whose URL contains `needle`, before the general queue.
  void for_url(std::string needle, int status, std::string body) {
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    m_by_url.emplace_back(std::move(needle), std::move(response));
  }
  void set_default(int status, std::string body) {
    m_default.status = status;
    m_default.body = std::move(body);
  }

  http::Outcome send(const http::Request& request) override {
    m_sent.push_back(request);
    for (auto it = m_by_url.begin(); it != m_by_url.end(); ++it) {
      if (request.url.find(it->first) != std::string::npos) {
        http::Response response = it->second;
        m_by_url.erase(it);
        return response;
      }
    }
    if (m_script.empty()) return m_default;
    http::Outcome outcome = std::move(m_script.front());
    m_script.pop_front();
    return outcome;
  }

  const std::vector<http::Request>& sent() const { return m_sent; }

private:
  std::deque<http::Outcome> m_script;
  std::vector<std::pair<std::string, http::Response>> m_by_url;
  http::Response m_default{200, {}, R"({"errcode":0,"errmsg":"ok"})", {}};
  std::vector<http::Request> m_sent;
};

// A steady clock that only moves when the test (or the fake sleeper) moves it.
struct ManualClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  std::vector<std::chrono::milliseconds> sleeps;

  auto clock() {
    return [this] { return now; };
  }
  auto sleeper() {
    return [this](std::chrono::milliseconds duration) {
      sleeps.push_back(duration);
      now += duration;
    };
  }
};

class RecordingMailSender final : public MailSender {
public:
  Result<void> send(const MailEnvelope& envelope) override {
    sent.push_back(envelope);
    if (fail_with) return std::unexpected(*fail_with);
    return {};
  }
  std::vector<MailEnvelope> sent;
  std::optional<Error> fail_with;
};

inline config::Person person(std::string key, std::string jira,
                             std::map<std::string, std::string> mentions, std::string email = {}) {
  config::Person p;
  p.key = std::move(key);
  p.jira = std::move(jira);
  p.mentions = std::move(mentions);
  p.email = std::move(email);
  return p;
}

inline config::Channel channel(std::string name, std::string kind, std::string url,
                               std::string secret = {}) {
  config::Channel c;
  c.name = std::move(name);
  c.kind = std::move(kind);
  c.url = std::move(url);
  c.secret = std::move(secret);
  return c;
}

// alice and dave with ids on every platform; bob with none.
inline std::map<std::string, config::Person> sample_people() {
  std::map<std::string, config::Person> people;
  people["alice"] = person("alice", "alice.jira",
                           {{"wecom", "alice.w"}, {"dingtalk", "alice.d"}, {"feishu", "ou_alice"},
                            {"slack", "U0ALICE"}, {"teams", "alice@contoso.onmicrosoft.com"},
                            {"generic", "alice-generic"}},
                           "alice@example.com");
  people["dave"] = person("dave", "dave.jira",
                          {{"wecom", "mobile:13800001111"}, {"dingtalk", "mobile:13800002222"},
                           {"lark", "ou_dave"}, {"slack", "U0DAVE"}},
                          "Dave <dave@example.com>");
  people["bob"] = person("bob", "bob.jira", {});
  return people;
}

inline nlohmann::json load_fixture(const std::string& name) {
  std::ifstream in(std::string(FAULTLINE_TEST_FIXTURES) + "/notify/" + name);
  if (!in) throw std::runtime_error("missing fixture " + name);
  return nlohmann::json::parse(in);
}

}  // namespace faultline::notify::test
