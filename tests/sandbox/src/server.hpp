// The sandbox's HTTP server: sockets (cpp-httplib, thread pool), the request log, fault
// injection, auth as each flavor does it, the sandbox clock, the /_sandbox/ control API and
// --state persistence. Every request goes through one dispatcher; the emulated products
// (Service) run one at a time under one lock.
//
// Dispatch order: request log -> fault injection -> auth -> services (Jira, Confluence,
// hooks, rooms) -> 404 in the product's error shape. /_sandbox/*, /hooks/*, /rooms/* (which
// check their chat platforms' own tokens), the HTML views and the Confluence attachment
// downloads need no auth; /_sandbox/* is neither logged nor subject to faults.
//
// Control API (JSON):
//   GET    /_sandbox/health              {"status":"ok","flavor":..,"services":[..]}
//   POST   /_sandbox/reset               data back to the seed; faults and clock offset cleared
//   POST   /_sandbox/seed                body = seed document; "mode":"replace" (default) | "extend"
//   GET    /_sandbox/requests?since=N    {"requests":[{index,method,path,query,headers,body,status,time,note?}],"next":N}
//   DELETE /_sandbox/requests            clears the log (indexes keep counting)
//   GET|PUT /_sandbox/clock              {"offset_ms":N}: the sandbox clock is real time + offset
//   POST   /_sandbox/faults              one rule, an array, or {"rules":[..]}; see FaultRule
//   GET|DELETE /_sandbox/faults          list / remove all rules
//   GET    /_sandbox/state               the whole state (the --state file format)
//   POST   /_sandbox/state/save          writes the --state file now
//   GET    /_sandbox/mail                {"smtp_url":"smtp://127.0.0.1:PORT"|null,"mails":[{id,from,to,data,at,auth_user}],"total":N}
//   DELETE /_sandbox/mail                clears the captured e-mails (reset does too; --state keeps none)
// Unless turned off, an SMTP capture (smtp_capture.hpp) listens on 127.0.0.1 beside the HTTP
// server and records every message sent to it.
// Any other /_sandbox/ path goes to the services (the hooks service serves /_sandbox/messages,
// the rooms service /_sandbox/rooms).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "service.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sandbox {

class SmtpCapture;

// How the server is set up (command-line options of faultline-sandbox).
struct ServerOptions {
  Flavor flavor = Flavor::Cloud;                      // emulated deployment
  std::string host = "127.0.0.1";                     // listen address (loopback by default)
  int port = 0;                                       // 0 = any free port
  std::optional<std::filesystem::path> state_file;    // loaded at start, saved at stop
  std::string token = "sandbox-token";                // API token / PAT / password of every user
  std::string user;                                   // default user; empty = flavor default
  std::chrono::milliseconds latency{0};               // added to every non-control request
  std::optional<nlohmann::json> seed;                 // replaces (or, "mode":"extend", extends) the default
  std::chrono::milliseconds index_lag{0};             // Cloud search/jql index lag
  std::size_t threads = 24;                           // worker threads (also bounds concurrent "hang" faults)
  std::chrono::milliseconds hang_limit{30000};        // longest a "hang" fault holds a request
  bool smtp = true;                                   // run the SMTP capture
  int smtp_port = 0;                                  // its port on 127.0.0.1; 0 = any free port
};

// Whether a request passed authentication, and as whom.
enum class AuthOutcome { Anonymous, Authenticated, Rejected };

// One fault-injection rule (POST /_sandbox/faults).
struct FaultRule {
  std::string kind = "status";              // latency | status | reset | hang
  int status = 503;                         // for kind "status"
  std::string retry_after;                  // Retry-After header value, if any
  std::chrono::milliseconds latency{0};     // for "latency" (and the bound of "hang")
  long long every = 0;                      // fire on every Nth matching request (0 = each)
  long long after = 0;                      // let the first N matching requests through
  std::optional<double> probability;        // fire with this probability
  std::mt19937_64 rng;                      // seeded by "seed", for reproducible probability
  std::optional<std::regex> path;           // regex searched in the path
  std::string method;                       // only this method (empty = any)
  std::optional<long long> remaining;       // fire this many more times, then the rule is removed
  long long matched = 0;                    // matching requests seen so far
  nlohmann::json spec;                      // the rule as posted, for GET /_sandbox/faults
};

// A readers-writer lock that does not starve writers: std::shared_mutex (glibc's rwlock)
// prefers readers, so under a steady stream of overlapping reads a write could wait forever.
// A writer passes the gate and holds it while it waits for the readers inside to leave; a
// reader passes the gate before it takes its share, so readers that come later queue behind
// the waiting writer. Meets Lockable and SharedLockable (std::unique_lock, std::shared_lock).
class WriterFairSharedMutex {
public:
  void lock() {
    std::lock_guard gate(m_gate);
    m_rw.lock();
  }
  void unlock() { m_rw.unlock(); }
  void lock_shared() {
    { std::lock_guard gate(m_gate); }
    m_rw.lock_shared();
  }
  void unlock_shared() { m_rw.unlock_shared(); }

private:
  std::mutex m_gate;
  std::shared_mutex m_rw;
};

// The faultline-sandbox server. start() and stop() may be called from any one thread.
class Server {
public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the state file (if given and present), binds and starts serving in the background.
  // Error: the address could not be bound, or the state file is unreadable.
  std::expected<void, std::string> start();
  // Stops serving, then saves the state file (if given). Safe to call twice.
  void stop();
  // The bound port (after start()).
  int port() const { return m_port; }
  // "http://127.0.0.1:PORT".
  std::string base_url() const;
  // "smtp://127.0.0.1:PORT" of the SMTP capture (after start()); nothing when it is off.
  std::optional<std::string> smtp_url() const;
  // Writes the whole state to the state file atomically (temp file + rename).
  // Error: no state file configured, or the write failed.
  std::expected<void, std::string> save_state();
  // The whole state as JSON (what --state files hold).
  nlohmann::json state();

private:
  // ---- server.cpp
  void on_request(const httplib::Request& req, httplib::Response& res);
  SbRequest make_request(const httplib::Request& req) const;
  AuthOutcome authenticate(SbRequest& request, SbResponse& rejection) const;
  SbResponse not_found(const SbRequest& request) const;
  void drop_connection(const httplib::Request& req) const;
  std::chrono::system_clock::time_point now() const;
  void ensure_default_user();

  // ---- control.cpp
  std::optional<SbResponse> handle_control(const SbRequest& request);
  SbResponse handle_mail(const SbRequest& request);
  std::size_t log_request(const SbRequest& request);
  void log_status(std::size_t index, int status, const std::string& note);
  // The first fault that fires for this request (latency faults are slept here), if any.
  std::optional<FaultRule> pick_fault(const SbRequest& request);
  SbResponse fault_response(const FaultRule& rule, const SbRequest& request) const;
  std::expected<FaultRule, std::string> parse_fault(const nlohmann::json& spec) const;
  void load_seed_locked(const nlohmann::json& seed);
  std::expected<void, std::string> load_state_file();

  ServerOptions m_options;
  std::unique_ptr<httplib::Server> m_http;
  std::thread m_listener;
  int m_port = 0;
  std::atomic<bool> m_running{false};
  std::unique_ptr<SmtpCapture> m_smtp;             // set by start() unless options.smtp is off

  // Guards the services, m_seed and m_users: shared for requests that only read, exclusive
  // for every other request and for seed, reset, state and index catch-up.
  WriterFairSharedMutex m_mutex;
  std::vector<std::pair<std::string, std::unique_ptr<Service>>> m_services;
  nlohmann::json m_seed;                           // the effective seed (reset goes back to it)
  nlohmann::json m_users = nlohmann::json::array();  // the seed's users, for auth

  mutable std::mutex m_control_mutex;              // guards the log, faults and clock
  std::vector<nlohmann::json> m_log;
  std::size_t m_log_base = 0;                      // index of m_log[0]
  std::vector<FaultRule> m_faults;
  long long m_clock_offset_ms = 0;

  std::mutex m_stop_mutex;
  std::condition_variable m_stop_cv;               // wakes "hang" faults on stop
  bool m_stopping = false;
};

}  // namespace sandbox
