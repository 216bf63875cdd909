// The contract between the sandbox's HTTP server and the products it emulates. The server
// (server.cpp) owns sockets, auth, the clock, fault injection, the request log and
// persistence; each emulated product is a Service that turns one request into one response.
// Requests that only read (read_only.hpp) run concurrently and must change nothing; writes run alone.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

// ---- small helpers every service uses ------------------------------------------------------

// Milliseconds since the epoch.
// Appends code point `cp` to `out` as UTF-8.
inline void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

inline std::int64_t epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The non-empty segments of a URL path: "/a//b/" -> {"a", "b"}.
inline std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// An id that JSON may carry as a string or a number, as text ("" for anything else).
inline std::string id_text(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<std::int64_t>());
  return {};
}

enum class Flavor { Cloud, DataCenter };

struct SbRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path, no query: "/rest/api/3/issue/FAULT-1"
  std::multimap<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;       // names lower-cased
  std::string body;
  std::chrono::system_clock::time_point now;        // the sandbox clock (real time + offset)
  nlohmann::json user;  // the authenticated user as stored in the seed's "users" (null if anonymous)
  std::string base_url; // "http://127.0.0.1:PORT", for self links and URLs in answers

  // First value of a query parameter, if present.
  std::optional<std::string> param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

struct SbResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;

  // A JSON answer; bytes that are not UTF-8 (a binary file name, say) become U+FFFD instead of
  // failing the answer.
  static SbResponse json(int status, const nlohmann::json& body) {
    SbResponse r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
  }
  static SbResponse no_content() {
    SbResponse r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
};

class Service {
public:
  virtual ~Service() = default;
  // Answers the request if the path belongs to this service, else std::nullopt.
  virtual std::optional<SbResponse> handle(const SbRequest& request) = 0;
  // Replaces the service's data with the seed's (the whole seed document is passed; each
  // service reads its own part). Called at start and on /_sandbox/reset and /_sandbox/seed.
  virtual void load_seed(const nlohmann::json& seed) = 0;
  // Merges more seed data into the current state (/_sandbox/seed with "mode":"extend").
  virtual void extend_seed(const nlohmann::json& seed) = 0;
  // The service's whole state, for --state persistence; restore() takes it back.
  virtual nlohmann::json snapshot() const = 0;
  virtual void restore(const nlohmann::json& state) = 0;
  // Makes every write visible to search at once, as if the search index had caught up
  // (/_sandbox/index/catch-up): tests of the lag's effects need not sleep it out.
  virtual void catch_up_index() {}
};

}  // namespace sandbox
