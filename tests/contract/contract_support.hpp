// Pieces of the contract check: finding node and Prism, preparing Atlassian's OpenAPI files
// for Prism, running `prism proxy` as a child process, routing faultline's requests to the
// right proxy by path, reading the violations Prism reported, and the allow-list of
// violations that come from defects of the files themselves.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/http/transport.hpp"

namespace faultline::contract {

// Where the Prism CLI is and why it may be unusable.
struct PrismLocation {
  std::filesystem::path prism;  // the prism-cli script (empty when not found)
  std::string missing_reason;   // empty when node and prism were both found
};

// Finds node on PATH and Prism: $FAULTLINE_PRISM, then the project's .tools/node_modules
// (scripts/setup.sh installs it there), then PATH. missing_reason says what is missing.
PrismLocation find_prism();

// True when the environment variable CI is "true" (a missing Prism is then a failure).
bool running_in_ci();

// This folder (tests/contract), where allowlist.json lives.
std::filesystem::path contract_dir();

// A fresh temporary folder, removed with everything in it when the object goes away.
class TempDir {
public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

// One of Atlassian's OpenAPI files and the base its paths are relative to.
struct SpecFile {
  std::string name;         // file name without ".json": "jira-dc-10.3"
  std::string path_prefix;  // put in front of every path for Prism: "/rest", "" when complete
  std::string route;        // request paths starting with this go to this spec's proxy
};

// One allow-list entry: a violation that comes from a defect of the OpenAPI file.
struct AllowEntry {
  std::string spec;
  std::string method;  // upper case, "*" = any
  std::string path;    // the request path without query, "*" = any; {name} matches one segment
  std::string kind;    // "request" | "response" | "security"
  std::string scheme;  // kind "security" only: the HTTP auth scheme the file fails to declare
  std::string message;  // optional ECMAScript regex the violation's text must contain a match of
  std::string reason;
  std::string documentation_reference;
};

// Reads allowlist.json (an array of entries). Throws std::runtime_error naming the problem.
std::vector<AllowEntry> load_allowlist(const std::filesystem::path& file);

// Writes `out_dir`/<name>.json: the file with path_prefix put in front of every path and
// servers set to [{"url": "/"}], and for each allow-listed "security" entry of this spec, the
// missing scheme added as an alternative to every operation's security requirements.
// Throws std::runtime_error when the file cannot be read or parsed.
std::filesystem::path prepare_spec(const std::filesystem::path& specs_dir, const SpecFile& spec,
                                   const std::vector<AllowEntry>& allowlist, const std::filesystem::path& out_dir);

// A violation Prism reported for one exchange.
struct Violation {
  std::string method;  // upper case
  std::string path;    // request path without query
  std::string kind;    // "request" | "response"
  std::string message;
};

// Whether Prism answers a violation with an error (--errors) or only logs it.
enum class PrismMode { Strict, Lenient };

// `prism proxy SPEC UPSTREAM [--errors]` on a free port, output to a log file. Killed (its
// process group, SIGTERM then SIGKILL) when stop() is called or the object goes away.
class PrismProcess {
public:
  // Starts the process; call wait_until_listening() before sending requests.
  PrismProcess(const std::filesystem::path& prism, const std::filesystem::path& spec, const std::string& upstream,
               const std::filesystem::path& log_file, PrismMode mode);
  PrismProcess(const PrismProcess&) = delete;
  PrismProcess& operator=(const PrismProcess&) = delete;
  ~PrismProcess();

  // Waits for "Prism is listening on URL" in the log; throws std::runtime_error with the
  // log's tail when the process exits first or `timeout_seconds` pass.
  void wait_until_listening(int timeout_seconds);
  // "http://127.0.0.1:PORT" once listening.
  const std::string& url() const { return m_url; }
  // Stops the process (idempotent).
  void stop();
  // The whole log written so far.
  std::string log() const;

private:
  pid_t m_pid = -1;
  std::filesystem::path m_log_file;
  std::string m_url;
};

// What a Prism log says: the "Violation: ..." lines, each with the request it follows, and
// how many requests Prism refused or answered with an error of its own (--errors).
struct PrismLog {
  std::vector<Violation> violations;
  int refused = 0;
};
PrismLog parse_prism_log(const std::string& log);

// The violations listed in an answer Prism made up itself (problem+json with "validation");
// a refusal without that list (no path matched, security) is one request violation.
std::vector<Violation> violations_in_answer(const std::string& method, const std::string& path,
                                            const std::string& prism_error, const std::string& body);

// True when an allow-list entry of `spec` covers the violation.
bool allowed(const std::vector<AllowEntry>& allowlist, const std::string& spec, const Violation& violation);

// A Transport decorator that sends each request to the strict (--errors) proxy of the spec
// that describes its path (longest matching route wins) and keeps every exchange for the
// report. A path no route matches becomes a TransportError, so nothing reaches the sandbox
// unchecked. When the strict proxy refuses a request only for allow-listed defects of the
// file, the request goes again through the spec's lenient proxy (which validates and logs but
// does not block), so the flow goes on with the sandbox's real answer: always when the
// strict proxy did not forward it (request violations), and when it did (response
// violations) only if sending it twice is harmless: GET, PUT, or a POST the client marked
// retry-safe (it carries its own dedupe key); never a DELETE or another POST.
class RoutingTransport : public http::Transport {
public:
  struct Route {
    std::string prefix;          // "/rest/agile/"
    std::string origin;          // strict proxy: "http://127.0.0.1:PORT"
    std::string lenient_origin;  // lenient proxy, "" when the spec has no allow-listed violation
    std::string spec;            // spec name, for the report
  };
  // One request as sent and Prism's answer.
  struct Exchange {
    std::string spec;
    std::string method;
    std::string path;
    int status = 0;           // 0 = transport failure
    std::string prism_error;  // Prism's problem type when Prism answered itself, else ""
    std::string body;         // the answer's body, for diagnostics
    bool lenient = false;     // sent through the lenient proxy (a replay)
  };

  RoutingTransport(http::Transport& inner, std::vector<Route> routes, std::vector<AllowEntry> allowlist);
  http::Outcome send(const http::Request& request) override;
  std::vector<http::Outcome> send_all(std::span<const http::Request> requests) override;
  // Every exchange so far, in order.
  std::vector<Exchange> exchanges() const;

private:
  const Route* route_for(const http::Request& request) const;
  // The request with its origin replaced. A body that is a bare JSON string is JSON-encoded
  // once more: Prism 5's proxy forwards a string body without its quotes (it re-serializes
  // only objects and arrays), so this way the sandbox receives what faultline sent.
  static http::Request to_origin(const http::Request& request, const std::string& origin);
  // Records the exchange; returns true when it should be replayed through the lenient proxy.
  bool record(const http::Request& request, const Route& route, const http::Outcome& outcome, bool lenient);
  http::Outcome replay(const http::Request& request, const Route& route);

  http::Transport& m_inner;
  std::vector<Route> m_routes;
  std::vector<AllowEntry> m_allowlist;
  mutable std::mutex m_mutex;
  std::vector<Exchange> m_exchanges;
};

// The path of an absolute URL, without query: "http://h:1/a/b?x" -> "/a/b".
std::string url_path(const std::string& url);

}  // namespace faultline::contract
