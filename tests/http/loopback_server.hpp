// A tiny HTTP/1.1 server on 127.0.0.1 for testing the curl transport against real sockets:
// keep-alive, Content-Length bodies, a thread per connection, scripted answers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace faultline::test {

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

struct LoopbackRequest {
  std::string method;
  std::string target;  // path and query as sent
  HeaderPairs headers;
  std::string body;

  // First header with this name (case-insensitive), or "" when absent.
  std::string header(const std::string& name) const;
};

struct LoopbackResponse {
  int status = 200;
  HeaderPairs headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait before answering (cut short when the server stops)
  bool drop = false;                   // close the connection without answering
};

class LoopbackServer {
public:
  using Handler = std::function<LoopbackResponse(const LoopbackRequest&)>;

  // Listens on 127.0.0.1 on a free port; throws std::runtime_error when it cannot.
  explicit LoopbackServer(Handler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // "http://127.0.0.1:<port>"
  std::string base_url() const;
  // Every request received so far, in arrival order.
  std::vector<LoopbackRequest> requests() const;
  // TCP connections accepted so far.
  int connections() const { return m_connections.load(); }
  // The largest number of requests being answered at the same time.
  int max_in_flight() const { return m_max_in_flight.load(); }

private:
  void accept_loop();
  void serve(int fd);
  bool wait_or_stop(std::chrono::milliseconds delay);

  Handler m_handler;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<int> m_connections{0};
  std::atomic<int> m_in_flight{0};
  std::atomic<int> m_max_in_flight{0};
  mutable std::mutex m_mutex;
  std::condition_variable m_stop_signal;
  std::vector<LoopbackRequest> m_requests;
  std::vector<int> m_client_fds;
  std::vector<std::thread> m_client_threads;
  std::thread m_accept_thread;
};

// A loopback port with nothing listening on it (bound, then closed).
int unused_loopback_port();

}  // namespace faultline::test
