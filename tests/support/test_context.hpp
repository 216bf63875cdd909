// A Context wired to fakes for command tests: string streams, a map environment, a fixed
// clock, and a transport factory that hands out the test's transport (or fails the test
// when a command talks to the network unexpectedly).
#pragma once

#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "faultline/cli/app.hpp"
#include "faultline/cli/context.hpp"
#include "faultline/http/curl_transport.hpp"

namespace faultline::testing {

// A CommandRunner that answers from a map, for token_cmd.
class MapCommandRunner final : public CommandRunner {
public:
  std::map<std::string, std::string> outputs;
  Result<std::string> run(const std::string& command) const override {
    auto it = outputs.find(command);
    if (it == outputs.end()) return fail(ErrorKind::Config, "exit 1");  // as ShellCommandRunner: never the command
    return it->second;
  }
};

// A transport that refuses every request: commands that must not touch the network.
class NoNetworkTransport final : public http::Transport {
public:
  http::Outcome send(const http::Request& request) override {
    throw std::logic_error("unexpected network request: " + request.url);
  }
};

// One command run: its streams, exit code and the context it ran with.
struct TestApp {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  MapEnvironment env;
  MapCommandRunner runner;
  core::FixedClock clock{core::TimePoint{std::chrono::milliseconds{1795000000000}}};  // 2026-11-18
  http::Transport* transport = nullptr;  // not owned; nullptr = no network allowed
  bool real_network = false;             // true: curl to loopback (integration tests)
  std::vector<std::chrono::milliseconds> sleeps;
  // Retries sleep on every thread of a wave; a pointer keeps TestApp movable.
  std::unique_ptr<std::mutex> sleeps_mutex = std::make_unique<std::mutex>();
  bool tty = false;

  // Runs `faultline args...` and returns the exit code.
  int run(std::vector<std::string> args) {
    out.str({});
    err.str({});
    cli::Streams streams{in, out, err, tty, tty, tty};
    cli::TransportFactory factory = [this](const config::HttpSettings&, std::chrono::milliseconds) -> std::unique_ptr<http::Transport> {
      if (real_network) return http::make_curl_transport(http::CurlOptions{});
      if (transport == nullptr) return std::make_unique<NoNetworkTransport>();
      return std::make_unique<Borrowed>(*transport);
    };
    cli::Context ctx(streams, env, runner, clock, factory, [this](std::chrono::milliseconds d) {
      std::scoped_lock lock(*sleeps_mutex);
      sleeps.push_back(d);
    });
    args.insert(args.begin(), "faultline");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    return cli::run_app(static_cast<int>(argv.size()), argv.data(), ctx);
  }

private:
  // Forwards to a transport the test owns.
  class Borrowed final : public http::Transport {
  public:
    explicit Borrowed(http::Transport& inner) : m_inner(inner) {}
    http::Outcome send(const http::Request& request) override { return m_inner.send(request); }
    std::vector<http::Outcome> send_all(std::span<const http::Request> requests) override { return m_inner.send_all(requests); }

  private:
    http::Transport& m_inner;
  };
};

}  // namespace faultline::testing
