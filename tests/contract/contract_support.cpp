// The contract check's plumbing; see contract_support.hpp.
#include "contract/contract_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace faultline::contract {

namespace {

// The executable `name` on PATH, or an empty path.
std::filesystem::path on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream folders(path);
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    if (folder.empty()) continue;
    auto candidate = std::filesystem::path(folder) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// The whole content of a file, or "" when it cannot be read.
std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "/a/{id}/b" matches "/a/42/b": literal segments equal, {..} segments match any one segment.
bool path_matches(const std::string& pattern, const std::string& path) {
  if (pattern == "*") return true;
  auto split = [](const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, '/')) parts.push_back(part);
    return parts;
  };
  auto want = split(pattern);
  auto have = split(path);
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    bool is_parameter = want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}';
    if (!is_parameter && want[i] != have[i]) return false;
  }
  return true;
}

// The problem type prefix of the answers Prism makes up itself.
constexpr std::string_view k_prism_errors = "https://stoplight.io/prism/errors#";

// The HTTP methods an OpenAPI path item may hold.
constexpr const char* k_operation_methods[] = {"get", "put", "post", "delete", "patch", "head", "options", "trace"};

// Upper-cases ASCII letters.
std::string upper(std::string text) {
  for (auto& c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

}  // namespace

PrismLocation find_prism() {
  PrismLocation location;
  if (on_path("node").empty()) {
    location.missing_reason = "node is not on PATH (scripts/setup.sh installs nodejs and Prism)";
    return location;
  }
  std::vector<std::filesystem::path> candidates;
  if (const char* configured = std::getenv("FAULTLINE_PRISM"); configured != nullptr && *configured != '\0')
    candidates.emplace_back(configured);
  candidates.push_back(contract_dir().parent_path().parent_path() / ".tools" / "node_modules" / ".bin" / "prism");
  if (auto found = on_path("prism"); !found.empty()) candidates.push_back(found);
  for (const auto& candidate : candidates) {
    if (access(candidate.c_str(), X_OK) == 0) {
      location.prism = candidate;
      return location;
    }
  }
  location.missing_reason =
      "Prism (npm @stoplight/prism-cli) not found: set FAULTLINE_PRISM or run scripts/setup.sh, which installs it "
      "into .tools/";
  return location;
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::filesystem::path contract_dir() { return FAULTLINE_CONTRACT_DIR; }

TempDir::TempDir() {
  auto pattern = (std::filesystem::temp_directory_path() / "faultline-contract-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder");
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

std::vector<AllowEntry> load_allowlist(const std::filesystem::path& file) {
  auto json = nlohmann::json::parse(read_text(file), nullptr, false);
  if (json.is_discarded() || !json.is_array()) throw std::runtime_error(file.string() + ": not a JSON array");
  std::vector<AllowEntry> entries;
  for (const auto& item : json) {
    AllowEntry entry;
    auto text = [&](const char* key, bool required) {
      if (!item.contains(key)) {
        if (required) throw std::runtime_error(file.string() + ": entry without \"" + key + "\": " + item.dump());
        return std::string();
      }
      return item.at(key).get<std::string>();
    };
    entry.spec = text("spec", true);
    entry.method = upper(text("method", true));
    entry.path = text("path", true);
    entry.kind = text("kind", true);
    entry.scheme = text("scheme", entry.kind == "security");
    entry.message = text("message", false);
    entry.reason = text("reason", true);
    entry.documentation_reference = text("documentation_reference", true);
    if (entry.kind != "request" && entry.kind != "response" && entry.kind != "security")
      throw std::runtime_error(file.string() + ": kind must be request, response or security: " + item.dump());
    try {
      std::regex check(entry.message);
    } catch (const std::regex_error&) {
      throw std::runtime_error(file.string() + ": \"message\" is not a valid regular expression: " + entry.message);
    }
    if (entry.reason.empty() || entry.documentation_reference.empty())
      throw std::runtime_error(file.string() + ": an entry needs a reason and a documentation reference");
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::filesystem::path prepare_spec(const std::filesystem::path& specs_dir, const SpecFile& spec,
                                   const std::vector<AllowEntry>& allowlist, const std::filesystem::path& out_dir) {
  auto source = specs_dir / (spec.name + ".json");
  auto document = nlohmann::ordered_json::parse(read_text(source), nullptr, false);
  if (document.is_discarded() || !document.contains("paths"))
    throw std::runtime_error(source.string() + ": not an OpenAPI document");

  nlohmann::ordered_json paths = nlohmann::ordered_json::object();
  for (auto& [key, item] : document["paths"].items()) paths[spec.path_prefix + key] = std::move(item);
  document["paths"] = std::move(paths);
  document["servers"] = nlohmann::ordered_json::array({{{"url", "/"}}});

  // An allow-listed missing auth scheme becomes one more way to satisfy each requirement.
  for (const auto& entry : allowlist) {
    if (entry.spec != spec.name || entry.kind != "security") continue;
    std::string scheme_name = "faultline_allowlisted_" + entry.scheme;
    document["components"]["securitySchemes"][scheme_name] = {{"type", "http"}, {"scheme", entry.scheme}};
    nlohmann::ordered_json alternative = {{scheme_name, nlohmann::ordered_json::array()}};
    for (auto& [template_path, item] : document["paths"].items()) {
      if (!path_matches(entry.path, template_path) && entry.path != template_path) continue;
      for (const char* method : k_operation_methods) {
        if (!item.contains(method) || !item[method].is_object()) continue;
        if (entry.method != "*" && entry.method != upper(method)) continue;
        auto& operation = item[method];
        if (operation.contains("security") && operation["security"].is_array() && !operation["security"].empty())
          operation["security"].push_back(alternative);
      }
    }
    if (document.contains("security") && document["security"].is_array() && !document["security"].empty())
      document["security"].push_back(alternative);
  }

  auto target = out_dir / (spec.name + ".json");
  std::ofstream out(target, std::ios::binary);
  out << document.dump();
  if (!out) throw std::runtime_error("cannot write " + target.string());
  return target;
}

PrismProcess::PrismProcess(const std::filesystem::path& prism, const std::filesystem::path& spec,
                           const std::string& upstream, const std::filesystem::path& log_file, PrismMode mode)
    : m_log_file(log_file) {
  std::vector<std::string> args = {prism.string(), "proxy", spec.string(), upstream, "--host", "127.0.0.1",
                                   "--port", "0"};
  if (mode == PrismMode::Strict) args.push_back("--errors");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = log_file.string();
  pid_t parent = getpid();
  m_pid = fork();
  if (m_pid < 0) throw std::runtime_error("fork failed");
  if (m_pid == 0) {
    // Own process group, so stop() reaches anything node starts; dies with the test.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log < 0) _exit(127);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    close(log);
    execv(argv[0], argv.data());
    _exit(127);
  }
  setpgid(m_pid, m_pid);
}

PrismProcess::~PrismProcess() { stop(); }

void PrismProcess::wait_until_listening(int timeout_seconds) {
  const std::regex listening(R"(Prism is listening on (http://[0-9.]+:[0-9]+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (true) {
    std::string text = log();
    std::smatch match;
    if (std::regex_search(text, match, listening)) {
      m_url = match[1];
      return;
    }
    int status = 0;
    bool exited = m_pid <= 0 || waitpid(m_pid, &status, WNOHANG) == m_pid;
    if (exited || std::chrono::steady_clock::now() > deadline) {
      if (exited) m_pid = -1;
      stop();
      std::string tail = text.size() > 2000 ? text.substr(text.size() - 2000) : text;
      throw std::runtime_error(std::string("prism proxy ") + (exited ? "exited" : "did not start in time") +
                               "; its log ends with:\n" + tail);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void PrismProcess::stop() {
  if (m_pid <= 0) return;
  kill(-m_pid, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(-m_pid, SIGKILL);
  waitpid(m_pid, nullptr, 0);
  m_pid = -1;
}

std::string PrismProcess::log() const { return read_text(m_log_file); }

PrismLog parse_prism_log(const std::string& log) {
  // "[HTTP SERVER] get /rest/api/2/field ℹ  info      Request received"
  const std::regex request_line(R"(\[HTTP SERVER\] ([a-z]+) (\S+) )");
  // "[VALIDATOR] ✖  error     Violation: response.body Response body must be object"
  const std::regex violation_line(R"(Violation: ((request|response)\S*) (.*)$)");
  // "Request terminated with error: https://stoplight.io/prism/errors#VIOLATIONS: Request/..."
  const std::regex refused_line(R"(Request terminated with error: https://stoplight\.io/prism/errors#)");
  PrismLog result;
  std::string method, path;
  std::stringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (std::regex_search(line, match, request_line)) {
      method = upper(match[1]);
      path = match[2];
      if (auto query = path.find('?'); query != std::string::npos) path.resize(query);
    }
    if (std::regex_search(line, match, violation_line))
      result.violations.push_back({method, path, match[2], std::string(match[1]) + " " + std::string(match[3])});
    else if (std::regex_search(line, refused_line))
      ++result.refused;
  }
  return result;
}

std::vector<Violation> violations_in_answer(const std::string& method, const std::string& path,
                                            const std::string& prism_error, const std::string& body_text) {
  std::vector<Violation> found;
  auto body = nlohmann::json::parse(body_text, nullptr, false);
  if (body.is_object() && body.contains("validation") && body["validation"].is_array()) {
    for (const auto& item : body["validation"]) {
      std::vector<std::string> location;
      if (item.contains("location") && item["location"].is_array())
        for (const auto& part : item["location"])
          location.push_back(part.is_string() ? part.get<std::string>() : part.dump());
      // Request locations come without the "request" head ("body", "query"), as the log has it.
      if (location.empty() || (location.front() != "response" && location.front() != "request"))
        location.insert(location.begin(), "request");
      std::string where;
      for (const auto& part : location) where += (where.empty() ? "" : ".") + part;
      std::string message = item.contains("message") && item["message"].is_string() ? item["message"].get<std::string>() : "";
      found.push_back({method, path, location.front(), where + " " + message});
    }
  }
  if (found.empty()) {
    std::string title = body.is_object() && body.contains("title") && body["title"].is_string()
                            ? body["title"].get<std::string>()
                            : "";
    found.push_back({method, path, prism_error == "VIOLATIONS" ? "response" : "request",
                     "Prism " + prism_error + ": " + title});
  }
  return found;
}

bool allowed(const std::vector<AllowEntry>& allowlist, const std::string& spec, const Violation& violation) {
  for (const auto& entry : allowlist) {
    if (entry.spec != spec || entry.kind != violation.kind) continue;
    if (entry.method != "*" && entry.method != violation.method) continue;
    if (!path_matches(entry.path, violation.path)) continue;
    if (entry.message.empty() || std::regex_search(violation.message, std::regex(entry.message))) return true;
  }
  return false;
}

std::string url_path(const std::string& url) {
  auto scheme = url.find("://");
  auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) return "/";
  auto end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

RoutingTransport::RoutingTransport(http::Transport& inner, std::vector<Route> routes, std::vector<AllowEntry> allowlist)
    : m_inner(inner), m_routes(std::move(routes)), m_allowlist(std::move(allowlist)) {}

const RoutingTransport::Route* RoutingTransport::route_for(const http::Request& request) const {
  std::string path = url_path(request.url);
  const Route* best = nullptr;
  for (const auto& route : m_routes)
    if (path.starts_with(route.prefix) && (best == nullptr || route.prefix.size() > best->prefix.size())) best = &route;
  return best;
}

http::Request RoutingTransport::to_origin(const http::Request& request, const std::string& origin) {
  auto scheme = request.url.find("://");
  auto start = request.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  http::Request copy = request;
  copy.url = origin + (start == std::string::npos ? "/" : request.url.substr(start));
  auto body = nlohmann::json::parse(copy.body, nullptr, false);
  if (!copy.body.empty() && !body.is_discarded() && body.is_string()) copy.body = nlohmann::json(copy.body).dump();
  return copy;
}

bool RoutingTransport::record(const http::Request& request, const Route& route, const http::Outcome& outcome,
                              bool lenient) {
  Exchange exchange{route.spec, http::to_string(request.method), url_path(request.url), 0, {}, {}, lenient};
  if (outcome) {
    exchange.status = outcome->status;
    exchange.body = outcome->body;
    auto content_type = outcome->header("content-type");
    if (content_type && content_type->starts_with("application/problem+json")) {
      auto body = nlohmann::json::parse(outcome->body, nullptr, false);
      if (body.is_object() && body.contains("type") && body["type"].is_string() &&
          body["type"].get<std::string>().starts_with(k_prism_errors))
        exchange.prism_error = body["type"].get<std::string>().substr(k_prism_errors.size());
    }
  } else {
    exchange.body = outcome.error().message;
  }

  bool replay = false;
  if (!lenient && !route.lenient_origin.empty() && !exchange.prism_error.empty()) {
    auto violations = violations_in_answer(exchange.method, exchange.path, exchange.prism_error, exchange.body);
    bool all_allowed = true, forwarded = false;
    for (const auto& violation : violations) {
      all_allowed = all_allowed && allowed(m_allowlist, route.spec, violation);
      forwarded = forwarded || violation.kind == "response";
    }
    // Sending it again is harmless: a GET or PUT, or a POST with its own dedupe key.
    bool repeatable = request.is_retry_safe() && request.method != http::Method::Delete;
    replay = all_allowed && (!forwarded || repeatable);
  }
  std::lock_guard lock(m_mutex);
  m_exchanges.push_back(std::move(exchange));
  return replay;
}

http::Outcome RoutingTransport::replay(const http::Request& request, const Route& route) {
  auto lenient = to_origin(request, route.lenient_origin);
  auto outcome = m_inner.send(lenient);
  record(lenient, route, outcome, true);
  return outcome;
}

http::Outcome RoutingTransport::send(const http::Request& request) {
  const Route* route = route_for(request);
  if (route == nullptr)
    return std::unexpected(http::TransportError{http::TransportErrorKind::Other,
                                                "no OpenAPI file is wired for " + url_path(request.url)});
  auto strict = to_origin(request, route->origin);
  auto outcome = m_inner.send(strict);
  if (record(strict, *route, outcome, false)) return replay(request, *route);
  return outcome;
}

std::vector<http::Outcome> RoutingTransport::send_all(std::span<const http::Request> requests) {
  std::vector<http::Request> targets;
  std::vector<const Route*> target_routes;
  std::vector<std::optional<std::size_t>> index;
  for (const auto& request : requests) {
    const Route* route = route_for(request);
    if (route == nullptr) {
      index.emplace_back();
      continue;
    }
    index.emplace_back(targets.size());
    targets.push_back(to_origin(request, route->origin));
    target_routes.push_back(route);
  }
  auto answers = m_inner.send_all(targets);
  std::vector<http::Outcome> outcomes;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!index[i]) {
      outcomes.emplace_back(std::unexpected(http::TransportError{
          http::TransportErrorKind::Other, "no OpenAPI file is wired for " + url_path(requests[i].url)}));
      continue;
    }
    std::size_t at = *index[i];
    if (record(targets[at], *target_routes[at], answers[at], false))
      outcomes.push_back(replay(requests[i], *target_routes[at]));
    else
      outcomes.push_back(answers[at]);
  }
  return outcomes;
}

std::vector<RoutingTransport::Exchange> RoutingTransport::exchanges() const {
  std::lock_guard lock(m_mutex);
  return m_exchanges;
}

}  // namespace faultline::contract
