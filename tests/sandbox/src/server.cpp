// The sandbox server: sockets, the one request dispatcher, auth per flavor.
#include "server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <shared_mutex>
#include <string_view>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include "jira.hpp"
#include "jira_util.hpp"
#include "multipart.hpp"
#include "read_only.hpp"
#include "seed.hpp"
#include "smtp_capture.hpp"

#if __has_include("confluence.hpp")
#include "confluence.hpp"
#define SANDBOX_HAVE_CONFLUENCE 1
#else
#define SANDBOX_HAVE_CONFLUENCE 0
#endif
#if __has_include("hooks.hpp")
#include "hooks.hpp"
#define SANDBOX_HAVE_HOOKS 1
#else
#define SANDBOX_HAVE_HOOKS 0
#endif
#if __has_include("rooms.hpp")
#include "rooms.hpp"
#define SANDBOX_HAVE_ROOMS 1
#else
#define SANDBOX_HAVE_ROOMS 0
#endif

namespace sandbox {

namespace {

constexpr const char* k_cloud_basic_rejected =
    "Basic authentication with passwords is deprecated. For more information, see: "
    "https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/";
constexpr const char* k_not_authenticated = "You are not authenticated. Authentication required to perform this operation.";

bool is_confluence_path(std::string_view path) {
  return path.starts_with("/wiki/") || path == "/wiki" || path.starts_with("/confluence/") ||
         path.starts_with("/rest/api/content") || path.starts_with("/rest/api/space") ||
         path.starts_with("/rest/api/search");
}

// Hooks, control, the plain HTML views (an issue, a Confluence page) and the attachment
// downloads the page view shows as images are open, so the demo's results can be looked at in a
// browser. The chat group APIs (/rooms/) check their platforms' own tokens.
bool needs_no_auth(std::string_view path) {
  return path.starts_with("/hooks/") || path.starts_with("/rooms/") || path.starts_with("/_sandbox/") ||
         path.starts_with("/browse/") || path.starts_with("/wiki/spaces/") || path == "/confluence/pages/viewpage.action" ||
         path.starts_with("/wiki/download/attachments/") || path.starts_with("/confluence/download/attachments/") ||
         path == "/" || path == "/favicon.ico";
}

bool allows_anonymous(std::string_view path) {
  return path.ends_with("/serverInfo") && path.starts_with("/rest/api/");
}

std::string decode_base64(std::string_view in) {
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '+' || c == '-') d = 62;
    else if (c == '/' || c == '_') d = 63;
    else if (c == '=') break;
    else continue;
    value = (value << 6) + static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// An Accept-Encoding value without its "br" coding ("gzip, deflate, br" -> "gzip, deflate"):
// cpp-httplib picks Brotli when "br" occurs anywhere in the value.
std::string without_brotli(std::string_view accepted) {
  std::string out;
  while (!accepted.empty()) {
    const auto comma = accepted.find(',');
    std::string_view item = accepted.substr(0, comma);
    accepted = comma == std::string_view::npos ? std::string_view() : accepted.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    const std::string coding = to_lower(std::string(item.substr(0, item.find(';'))));
    std::string_view name = coding;
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (item.empty() || name.find("br") != std::string_view::npos) continue;
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// cpp-httplib hands a multipart/form-data body over as parsed parts (req.files) and leaves
// req.body empty; the services read the body as it was sent, so it is put back together (parts
// of one name keep their order).
std::string multipart_body(const httplib::Request& req) {
  const std::string boundary = header_param(req.get_header_value("Content-Type"), "boundary");
  std::string out;
  for (const auto& [name, part] : req.files) {
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
    if (!part.filename.empty()) out += "; filename=\"" + part.filename + "\"";
    out += "\r\n";
    if (!part.content_type.empty()) out += "Content-Type: " + part.content_type + "\r\n";
    out += "\r\n" + part.content + "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace

Server::Server(ServerOptions options) : m_options(std::move(options)) {
  JiraOptions jira;
  jira.flavor = m_options.flavor;
  jira.index_lag = m_options.index_lag;
  m_services.emplace_back("jira", make_jira_service(jira));
#if SANDBOX_HAVE_CONFLUENCE
  m_services.emplace_back("confluence", make_confluence_service(m_options.flavor));
#endif
#if SANDBOX_HAVE_HOOKS
  m_services.emplace_back("hooks", make_hooks_service());
#endif
#if SANDBOX_HAVE_ROOMS
  m_services.emplace_back("rooms", make_rooms_service());
#endif
  if (m_options.user.empty()) m_options.user = m_options.flavor == Flavor::Cloud ? "oncall@example.com" : "oncall";
  m_seed = default_seed();
  if (m_options.seed) {
    if (m_options.seed->is_object() && m_options.seed->value("mode", "replace") == "extend") merge_seed(m_seed, *m_options.seed);
    else {
      m_seed = *m_options.seed;
      m_seed.erase("mode");
    }
  }
  ensure_default_user();
  load_seed_locked(m_seed);
}

Server::~Server() { stop(); }

void Server::ensure_default_user() {
  if (!m_seed.is_object()) m_seed = nlohmann::json::object();
  auto& users = m_seed["users"];
  if (!users.is_array()) users = nlohmann::json::array();
  for (const auto& u : users)
    if (u.value("emailAddress", "") == m_options.user || u.value("name", "") == m_options.user) return;
  const auto at = m_options.user.find('@');
  const std::string name = at == std::string::npos ? m_options.user : m_options.user.substr(0, at);
  const std::string email = at == std::string::npos ? m_options.user + "@example.com" : m_options.user;
  users.push_back({{"accountId", fmt::format("5b10a2844c2016570{:07x}", std::hash<std::string>{}(name) & 0xFFFFFFF)},
                   {"name", name}, {"key", "JIRAUSER" + name}, {"displayName", name}, {"emailAddress", email},
                   {"timeZone", "UTC"}, {"active", true}});
}

std::string Server::base_url() const {
  return fmt::format("http://{}:{}", m_options.host.find(':') != std::string::npos ? "[" + m_options.host + "]" : m_options.host,
                     m_port);
}

std::optional<std::string> Server::smtp_url() const {
  if (!m_smtp) return std::nullopt;
  return m_smtp->url();
}

std::chrono::system_clock::time_point Server::now() const {
  std::lock_guard lock(m_control_mutex);
  return std::chrono::system_clock::now() + std::chrono::milliseconds(m_clock_offset_ms);
}

std::expected<void, std::string> Server::start() {
  if (m_running) return {};
  if (auto loaded = load_state_file(); !loaded) return loaded;
  std::signal(SIGPIPE, SIG_IGN);  // a dropped connection must not kill the process
  m_http = std::make_unique<httplib::Server>();
  const std::size_t threads = m_options.threads;
  m_http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  m_http->set_keep_alive_timeout(2);
  // cpp-httplib closes a kept-alive connection after 5 requests by default; Tomcat (Jira,
  // Confluence) after 100. Reconnecting every 5 requests would be what a benchmark measures.
  m_http->set_keep_alive_max_count(100);
  // As Jira's Tomcat does: without it a keep-alive client waits out its delayed ACK (40 ms on
  // Linux) on many responses, whose headers and body go out in two writes.
  m_http->set_tcp_nodelay(true);
  m_http->set_read_timeout(std::chrono::seconds(10));
  m_http->set_payload_max_length(256ull * 1024 * 1024);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { on_request(req, res); };
  m_http->Get(".*", handler);
  m_http->Post(".*", handler);
  m_http->Put(".*", handler);
  m_http->Patch(".*", handler);
  m_http->Delete(".*", handler);
  m_http->Options(".*", handler);
  int listening = -1;
  m_http->set_socket_options([&listening](socket_t sock) {
    httplib::default_socket_options(sock);
    listening = static_cast<int>(sock);
  });
  if (m_options.port == 0) {
    m_port = m_http->bind_to_any_port(m_options.host);
    if (m_port <= 0) return std::unexpected(fmt::format("cannot bind to {} on any port", m_options.host));
  } else {
    if (!m_http->bind_to_port(m_options.host, m_options.port))
      return std::unexpected(fmt::format("cannot bind to {}:{}", m_options.host, m_options.port));
    m_port = m_options.port;
  }
  // A client's whole wave of connections can arrive at once (faultline opens several per
  // wave; the integration tests run processes side by side). Debian's cpp-httplib listens
  // with a backlog of 5 (compiled into its shared library): the accept queue overflows, Linux
  // drops the handshake's last ACK and the client stalls a second before retransmitting, a
  // delay no Atlassian server shows. listen() again on the bound socket raises the backlog.
  if (listening >= 0) ::listen(listening, 1024);
  if (m_options.smtp) {
    SmtpCaptureOptions smtp;
    smtp.port = m_options.smtp_port;
    smtp.clock = [this] { return now(); };
    m_smtp = std::make_unique<SmtpCapture>(std::move(smtp));
    if (auto listening_smtp = m_smtp->start(); !listening_smtp) return listening_smtp;
  }
  {
    std::lock_guard lock(m_stop_mutex);
    m_stopping = false;
  }
  m_running = true;
  m_listener = std::thread([this] { m_http->listen_after_bind(); });
  // httplib's stop() does nothing until the listen loop has marked itself running, so a
  // stop() right after start() would leave the loop (and our join) waiting forever.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!m_http->is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!m_http->is_running()) {
    stop();
    return std::unexpected(fmt::format("the server on {} did not start listening", base_url()));
  }
  return {};
}

void Server::stop() {
  if (!m_running.exchange(false)) return;
  {
    std::lock_guard lock(m_stop_mutex);
    m_stopping = true;
  }
  m_stop_cv.notify_all();
  m_http->stop();
  if (m_listener.joinable()) m_listener.join();
  if (m_smtp) m_smtp->stop();
  if (m_options.state_file) (void)save_state();
}

SbRequest Server::make_request(const httplib::Request& req) const {
  SbRequest r;
  r.method = req.method == "HEAD" ? "GET" : req.method;
  r.path = req.path;
  for (const auto& [key, value] : req.params) r.query.emplace(key, value);
  for (const auto& [key, value] : req.headers) r.headers[to_lower(key)] = value;
  r.body = req.body.empty() && !req.files.empty() ? multipart_body(req) : req.body;
  r.now = now();
  r.base_url = base_url();
  return r;
}

AuthOutcome Server::authenticate(SbRequest& request, SbResponse& rejection) const {
  const bool cloud = m_options.flavor == Flavor::Cloud;
  const bool confluence = is_confluence_path(request.path);
  auto reject = [&](bool basic_failed) {
    if (confluence) {
      rejection = SbResponse::json(401, {{"statusCode", 401}, {"data", {{"authorized", false}, {"valid", true}, {"errors", nlohmann::json::array()}, {"successful", false}}},
                                         {"message", "This request requires authentication."}});
    } else if (cloud && basic_failed) {
      rejection.status = 401;
      rejection.content_type = "text/plain";
      rejection.body = k_cloud_basic_rejected;
    } else if (cloud) {
      rejection = SbResponse::json(401, {{"message", "Client must be authenticated to access this resource."}, {"status-code", 401}});
    } else {
      rejection = jira_error(401, {k_not_authenticated});
      rejection.headers["X-Seraph-LoginReason"] = basic_failed ? "AUTHENTICATED_FAILED" : "AUTHENTICATION_DENIED";
    }
    rejection.headers["WWW-Authenticate"] = cloud ? "Basic realm=\"protected-area\"" : "OAuth realm=\"" + request.base_url + "\"";
    return AuthOutcome::Rejected;
  };
  auto header = request.headers.find("authorization");
  if (header == request.headers.end()) {
    if (allows_anonymous(request.path)) return AuthOutcome::Anonymous;
    return reject(false);
  }
  const std::string& value = header->second;
  auto find_user = [&](const char* field, const std::string& wanted) -> const nlohmann::json* {
    for (const auto& u : m_users)
      if (u.value(field, "") == wanted && u.value("active", true)) return &u;
    return nullptr;
  };
  if (value.size() > 6 && to_lower(value.substr(0, 6)) == "basic ") {
    const std::string decoded = decode_base64(value.substr(6));
    const auto colon = decoded.find(':');
    if (colon == std::string::npos) return reject(true);
    const std::string who = decoded.substr(0, colon);
    const std::string secret = decoded.substr(colon + 1);
    const auto* user = find_user(cloud ? "emailAddress" : "name", who);
    if (!user || secret != m_options.token) return reject(true);
    request.user = *user;
    return AuthOutcome::Authenticated;
  }
  if (!cloud && value.size() > 7 && to_lower(value.substr(0, 7)) == "bearer ") {
    if (value.substr(7) != m_options.token) return reject(false);
    const auto* user = find_user("name", m_options.user);
    if (!user) user = find_user("emailAddress", m_options.user);
    if (!user) return reject(false);
    request.user = *user;
    return AuthOutcome::Authenticated;
  }
  return reject(false);
}

SbResponse Server::not_found(const SbRequest& request) const {
  if (is_confluence_path(request.path))
    return SbResponse::json(404, {{"statusCode", 404}, {"data", {{"authorized", true}, {"valid", true}, {"errors", nlohmann::json::array()}, {"successful", false}}},
                                  {"message", fmt::format("No resource found at {} {}", request.method, request.path)}});
  if (request.path.starts_with("/_sandbox/"))
    return SbResponse::json(404, {{"error", fmt::format("unknown sandbox control path {} {}", request.method, request.path)}});
  return jira_error(404, {fmt::format("null for uri: {}{}", request.base_url, request.path)});
}

void Server::drop_connection(const httplib::Request& req) const {
  // httplib does not hand the socket to handlers: find it by its two endpoints.
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    sockaddr_storage local{}, peer{};
    socklen_t local_len = sizeof local, peer_len = sizeof peer;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    auto port_of = [](const sockaddr_storage& a) {
      if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
      if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
      return static_cast<uint16_t>(0);
    };
    if (port_of(local) != req.local_port || port_of(peer) != req.remote_port) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (peer.ss_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(peer).sin_addr, text, sizeof text);
    else
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr, text, sizeof text);
    if (req.remote_addr != text) continue;
    linger hard{1, 0};
    setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    shutdown(static_cast<int>(fd), SHUT_RDWR);
    break;
  }
  closedir(dir);
}

void Server::on_request(const httplib::Request& req, httplib::Response& res) {
  SbRequest request = make_request(req);
  // Answers are gzipped for a client that accepts gzip, as Atlassian's are. cpp-httplib 0.11
  // compresses every text/JSON answer after the handler returns, reading Accept-Encoding from
  // this request (its own non-const object), and prefers Brotli at quality 11 (about 200 ms of
  // CPU per 140 KB search page), with no switch for it: so "br" is taken out of the header and
  // gzip (zlib's default level) remains. `request` (and so the request log) keeps the header
  // as sent.
  if (auto accepted = req.headers.find("Accept-Encoding"); accepted != req.headers.end()) {
    std::string kept = without_brotli(accepted->second);
    auto& headers = const_cast<httplib::Request&>(req).headers;
    headers.erase("Accept-Encoding");
    if (!kept.empty()) headers.emplace("Accept-Encoding", std::move(kept));
  }
  const bool control = request.path.starts_with("/_sandbox/");
  std::optional<std::size_t> log_index;
  if (!control) log_index = log_request(request);
  auto finish = [&](const SbResponse& out, const std::string& note) {
    res.status = out.status;
    for (const auto& [key, value] : out.headers) res.set_header(key, value);
    if (!out.body.empty() || !out.content_type.empty())
      res.set_content(out.body, out.content_type.empty() ? "application/octet-stream" : out.content_type.c_str());
    if (log_index) log_status(*log_index, out.status, note);
  };

  if (!control) {
    if (auto fault = pick_fault(request)) {
      if (fault->kind == "reset" || fault->kind == "hang") {
        if (fault->kind == "hang") {
          auto bound = fault->latency.count() > 0 ? std::min(fault->latency, m_options.hang_limit) : m_options.hang_limit;
          std::unique_lock lock(m_stop_mutex);
          m_stop_cv.wait_for(lock, bound, [this] { return m_stopping; });
        }
        if (log_index) log_status(*log_index, 0, fault->kind);
        drop_connection(req);
        res.status = 500;
        return;
      }
      finish(fault_response(*fault, request), "fault:" + fault->kind);
      return;
    }
    if (m_options.latency.count() > 0) std::this_thread::sleep_for(m_options.latency);
  }

  if (control) {
    if (auto out = handle_control(request)) {
      finish(*out, "");
      return;
    }
  }

  // Reads share the services; anything else has them to itself.
  std::shared_lock<WriterFairSharedMutex> reading(m_mutex, std::defer_lock);
  std::unique_lock<WriterFairSharedMutex> writing(m_mutex, std::defer_lock);
  if (reads_only(request)) reading.lock();
  else writing.lock();
  if (!needs_no_auth(request.path)) {
    SbResponse rejection;
    if (authenticate(request, rejection) == AuthOutcome::Rejected) {
      finish(rejection, "auth");
      return;
    }
  }
  for (auto& [name, service] : m_services) {
    std::optional<SbResponse> out;
    try {
      out = service->handle(request);
    } catch (const std::exception& e) {
      out = SbResponse::json(500, {{"errorMessages", {fmt::format("sandbox {} failed: {}", name, e.what())}}, {"errors", nlohmann::json::object()}});
    }
    if (out) {
      finish(*out, "");
      return;
    }
  }
  finish(not_found(request), "");
}

}  // namespace sandbox
