#include "loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace faultline::test {
namespace {

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool send_all_bytes(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

int listen_on_loopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 302: return "Found";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

std::string LoopbackRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (lower(key) == lower(name)) return value;
  }
  return {};
}

LoopbackServer::LoopbackServer(Handler handler) : m_handler(std::move(handler)) {
  m_listen_fd = listen_on_loopback(m_port);
  m_accept_thread = std::thread([this] { accept_loop(); });
}

LoopbackServer::~LoopbackServer() {
  {
    const std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (int fd : m_client_fds) ::shutdown(fd, SHUT_RDWR);
  }
  m_stop_signal.notify_all();
  ::shutdown(m_listen_fd, SHUT_RDWR);
  m_accept_thread.join();
  ::close(m_listen_fd);
  for (std::thread& thread : m_client_threads) thread.join();
  for (int fd : m_client_fds) ::close(fd);
}

std::string LoopbackServer::base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

std::vector<LoopbackRequest> LoopbackServer::requests() const {
  const std::lock_guard lock(m_mutex);
  return m_requests;
}

void LoopbackServer::accept_loop() {
  while (!m_stopping) {
    const int fd = ::accept(m_listen_fd, nullptr, nullptr);
    if (fd < 0) {
      if (m_stopping) return;
      continue;
    }
    const std::lock_guard lock(m_mutex);
    if (m_stopping) {
      ::close(fd);
      return;
    }
    ++m_connections;
    m_client_fds.push_back(fd);
    m_client_threads.emplace_back([this, fd] { serve(fd); });
  }
}

bool LoopbackServer::wait_or_stop(std::chrono::milliseconds delay) {
  std::unique_lock lock(m_mutex);
  return !m_stop_signal.wait_for(lock, delay, [this] { return m_stopping.load(); });
}

void LoopbackServer::serve(int fd) {
  std::string buffer;
  char chunk[4096];
  while (!m_stopping) {
    // Read the head.
    std::size_t head_end = 0;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;  // the fd is closed by the destructor's shutdown + close below
      buffer.append(chunk, static_cast<std::size_t>(n));
      if (static_cast<unsigned char>(buffer[0]) == 0x16) {  // a TLS handshake record: not for us
        send_all_bytes(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
    }
    LoopbackRequest request;
    const std::string head = buffer.substr(0, head_end);
    buffer.erase(0, head_end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const std::size_t space1 = request_line.find(' ');
    const std::size_t space2 = request_line.find(' ', space1 + 1);
    request.method = request_line.substr(0, space1);
    request.target = request_line.substr(space1 + 1, space2 - space1 - 1);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::size_t value_start = colon + 1;
      while (value_start < line.size() && line[value_start] == ' ') ++value_start;
      request.headers.emplace_back(line.substr(0, colon), line.substr(value_start));
    }
    const std::string length_text = request.header("Content-Length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    while (buffer.size() < length) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);

    const int in_flight = ++m_in_flight;
    int seen = m_max_in_flight.load();
    while (in_flight > seen && !m_max_in_flight.compare_exchange_weak(seen, in_flight)) {
    }
    {
      const std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
    }
    const LoopbackResponse response = m_handler(request);
    const bool answered_in_time = response.delay.count() == 0 || wait_or_stop(response.delay);
    --m_in_flight;
    if (!answered_in_time || response.drop) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reason_phrase(response.status) + "\r\n";
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    if (request.method != "HEAD") out += response.body;
    if (!send_all_bytes(fd, out)) return;
  }
}

int unused_loopback_port() {
  int port = 0;
  const int fd = listen_on_loopback(port);
  ::close(fd);
  return port;
}

}  // namespace faultline::test
