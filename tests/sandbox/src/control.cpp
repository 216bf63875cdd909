// The sandbox server's control side: /_sandbox/ API, request log, fault injection, seeds and
// --state persistence.
#include <fstream>
#include <shared_mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "jira_util.hpp"
#include "seed.hpp"
#include "server.hpp"
#include "smtp_capture.hpp"

namespace sandbox {

namespace {

constexpr std::size_t k_max_logged_body = 64 * 1024;  // longer request bodies are cut in the log

SbResponse control_error(int status, const std::string& message) {
  return SbResponse::json(status, {{"error", message}});
}

nlohmann::json query_json(const SbRequest& request) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : request.query) {
    if (!out.contains(key)) out[key] = value;
    else {
      if (!out[key].is_array()) out[key] = nlohmann::json::array({out[key]});
      out[key].push_back(value);
    }
  }
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------ request log

std::size_t Server::log_request(const SbRequest& request) {
  std::lock_guard lock(m_control_mutex);
  const std::size_t index = m_log_base + m_log.size();
  std::string body = request.body.size() > k_max_logged_body ? request.body.substr(0, k_max_logged_body) : request.body;
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : request.headers) {
    if (name == "authorization") {
      // Keep the scheme, never the secret.
      headers[name] = value.substr(0, value.find(' ')) + " ***";
    } else {
      headers[name] = value;
    }
  }
  m_log.push_back({{"index", index}, {"method", request.method}, {"path", request.path}, {"query", query_json(request)},
                   {"headers", headers}, {"body", std::move(body)}, {"status", nullptr},
                   {"time", format_jira_time(request.now)}});
  return index;
}

void Server::log_status(std::size_t index, int status, const std::string& note) {
  std::lock_guard lock(m_control_mutex);
  if (index < m_log_base || index - m_log_base >= m_log.size()) return;
  auto& entry = m_log[index - m_log_base];
  entry["status"] = status;
  if (!note.empty()) entry["note"] = note;
}

// ------------------------------------------------------------------------------------ faults

std::expected<FaultRule, std::string> Server::parse_fault(const nlohmann::json& spec) const {
  if (!spec.is_object()) return std::unexpected("a fault rule must be a JSON object");
  FaultRule rule;
  rule.spec = spec;
  rule.kind = spec.value("kind", "status");
  if (rule.kind != "latency" && rule.kind != "status" && rule.kind != "reset" && rule.kind != "hang")
    return std::unexpected("kind must be one of latency, status, reset, hang");
  rule.status = spec.value("status", 503);
  if (rule.status < 100 || rule.status > 599) return std::unexpected("status must be an HTTP status code");
  if (spec.contains("retry_after"))
    rule.retry_after = spec["retry_after"].is_string() ? spec["retry_after"].get<std::string>() : spec["retry_after"].dump();
  else if (rule.kind == "status" && rule.status == 429)
    rule.retry_after = "1";
  rule.latency = std::chrono::milliseconds(spec.value("latency_ms", 0LL));
  rule.every = spec.value("every", 0LL);
  rule.after = spec.value("after", 0LL);
  if (spec.contains("probability")) {
    const double p = spec["probability"].get<double>();
    if (p < 0.0 || p > 1.0) return std::unexpected("probability must be between 0 and 1");
    rule.probability = p;
  }
  rule.rng.seed(spec.value("seed", 0ULL));
  if (spec.contains("path")) {
    try {
      rule.path = std::regex(spec["path"].get<std::string>());
    } catch (const std::regex_error&) {
      return std::unexpected("path is not a valid (ECMAScript) regular expression");
    }
  }
  rule.method = spec.value("method", "");
  if (spec.contains("count")) rule.remaining = spec["count"].get<long long>();
  return rule;
}

std::optional<FaultRule> Server::pick_fault(const SbRequest& request) {
  std::chrono::milliseconds sleep{0};
  std::optional<FaultRule> fired;
  {
    std::lock_guard lock(m_control_mutex);
    for (auto it = m_faults.begin(); it != m_faults.end();) {
      FaultRule& rule = *it;
      const bool applies = (rule.method.empty() || rule.method == request.method) &&
                           (!rule.path || std::regex_search(request.path, *rule.path));
      if (!applies) {
        ++it;
        continue;
      }
      ++rule.matched;
      bool fire = rule.matched > rule.after && (rule.every <= 0 || (rule.matched - rule.after) % rule.every == 0);
      if (rule.probability) {
        std::uniform_real_distribution<double> dist(0.0, 1.0);
        fire = dist(rule.rng) < *rule.probability && fire;
      }
      if (!fire) {
        ++it;
        continue;
      }
      const FaultRule copy = rule;
      if (rule.remaining && --*rule.remaining <= 0) it = m_faults.erase(it);
      else ++it;
      if (copy.kind == "latency") {
        sleep += copy.latency;
        continue;
      }
      fired = copy;
      break;
    }
  }
  if (sleep.count() > 0) std::this_thread::sleep_for(sleep);
  return fired;
}

SbResponse Server::fault_response(const FaultRule& rule, const SbRequest& request) const {
  SbResponse out;
  const bool html = rule.status == 502 || rule.status == 503 || rule.status == 504;
  if (rule.spec.contains("body")) {
    out.status = rule.status;
    out.body = rule.spec["body"].is_string() ? rule.spec["body"].get<std::string>() : rule.spec["body"].dump();
    out.content_type = rule.spec["body"].is_string() ? "text/plain" : "application/json";
  } else if (html) {
    out.status = rule.status;
    out.content_type = "text/html; charset=UTF-8";
    out.body = fmt::format("<html><head><title>{0} Service Unavailable</title></head><body><h1>Oops - an error has occurred</h1>"
                           "<p>{0} (injected by faultline-sandbox) for {1}</p></body></html>",
                           rule.status, request.path);
  } else if (rule.status == 429) {
    out = jira_error(429, {"Rate limit exceeded."});
    out.headers["X-RateLimit-Limit"] = "100";
    out.headers["X-RateLimit-Remaining"] = "0";
    out.headers["RateLimit-Reason"] = "jira-burst-based";
  } else {
    out = jira_error(rule.status, {fmt::format("Injected fault: HTTP {}", rule.status)});
  }
  if (!rule.retry_after.empty()) out.headers["Retry-After"] = rule.retry_after;
  return out;
}

// ------------------------------------------------------------------------------ seed, state

void Server::load_seed_locked(const nlohmann::json& seed) {
  m_users = seed.value("users", nlohmann::json::array());
  for (auto& [name, service] : m_services) service->load_seed(seed);
}

nlohmann::json Server::state() {
  nlohmann::json services = nlohmann::json::object();
  std::shared_lock lock(m_mutex);  // snapshots only read
  for (const auto& [name, service] : m_services) services[name] = service->snapshot();
  long long offset;
  {
    std::lock_guard control(m_control_mutex);
    offset = m_clock_offset_ms;
  }
  return {{"format", "faultline-sandbox-state/1"},
          {"flavor", m_options.flavor == Flavor::Cloud ? "cloud" : "datacenter"},
          {"seed", m_seed},
          {"clock_offset_ms", offset},
          {"services", services}};
}

std::expected<void, std::string> Server::save_state() {
  if (!m_options.state_file) return std::unexpected("no state file configured");
  const auto path = *m_options.state_file;
  auto temp = path;
  temp += fmt::format(".tmp{}", static_cast<long long>(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return std::unexpected(fmt::format("cannot write {}", temp.string()));
    out << state().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out.flush();
    if (!out) return std::unexpected(fmt::format("cannot write {}", temp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) return std::unexpected(fmt::format("cannot rename {} to {}: {}", temp.string(), path.string(), ec.message()));
  return {};
}

std::expected<void, std::string> Server::load_state_file() {
  if (!m_options.state_file || !std::filesystem::exists(*m_options.state_file)) return {};
  std::ifstream in(*m_options.state_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto state = nlohmann::json::parse(text.str(), nullptr, false);
  if (state.is_discarded() || !state.is_object() || state.value("format", "") != "faultline-sandbox-state/1")
    return std::unexpected(fmt::format("{} is not a faultline-sandbox state file", m_options.state_file->string()));
  const std::string flavor = m_options.flavor == Flavor::Cloud ? "cloud" : "datacenter";
  if (state.value("flavor", flavor) != flavor)
    return std::unexpected(fmt::format("{} holds {} state, not {}", m_options.state_file->string(), state.value("flavor", ""), flavor));
  std::lock_guard lock(m_mutex);
  try {
    m_seed = state.value("seed", m_seed);
    load_seed_locked(m_seed);
    const auto services = state.value("services", nlohmann::json::object());
    for (auto& [name, service] : m_services)
      if (services.contains(name)) service->restore(services[name]);
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("{} could not be loaded: {}", m_options.state_file->string(), e.what()));
  }
  std::lock_guard control(m_control_mutex);
  m_clock_offset_ms = state.value("clock_offset_ms", 0LL);
  return {};
}

// ------------------------------------------------------------------------------ control API

std::optional<SbResponse> Server::handle_control(const SbRequest& request) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  auto body_json = [&]() -> std::expected<nlohmann::json, SbResponse> {
    if (request.body.empty()) return nlohmann::json::object();
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return std::unexpected(control_error(400, "the body is not valid JSON"));
    return body;
  };
  if (path == "/_sandbox/health" && method == "GET") {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [name, service] : m_services) names.push_back(name);
    return SbResponse::json(200, {{"status", "ok"}, {"flavor", m_options.flavor == Flavor::Cloud ? "cloud" : "datacenter"},
                                  {"services", names}, {"base_url", request.base_url}});
  }
  if (path == "/_sandbox/reset" && method == "POST") {
    {
      std::lock_guard lock(m_mutex);
      load_seed_locked(m_seed);
    }
    if (m_smtp) m_smtp->clear();
    std::lock_guard control(m_control_mutex);
    m_faults.clear();
    m_clock_offset_ms = 0;
    return SbResponse::json(200, {{"reset", true}});
  }
  if (path == "/_sandbox/seed" && method == "POST") {
    auto body = body_json();
    if (!body) return body.error();
    if (!body->is_object()) return control_error(400, "the seed must be a JSON object");
    const std::string mode = body->value("mode", "replace");
    if (mode != "replace" && mode != "extend") return control_error(400, "mode must be replace or extend");
    std::lock_guard lock(m_mutex);
    if (mode == "extend") {
      merge_seed(m_seed, *body);
      m_users = m_seed.value("users", nlohmann::json::array());
      for (auto& [name, service] : m_services) service->extend_seed(*body);
    } else {
      m_seed = *body;
      m_seed.erase("mode");
      ensure_default_user();
      load_seed_locked(m_seed);
    }
    return SbResponse::json(200, {{"mode", mode}});
  }
  if (path == "/_sandbox/requests") {
    std::lock_guard lock(m_control_mutex);
    if (method == "DELETE") {
      m_log_base += m_log.size();
      m_log.clear();
      return SbResponse::no_content();
    }
    if (method == "GET") {
      std::size_t since = 0;
      try {
        since = static_cast<std::size_t>(std::stoull(request.param("since").value_or("0")));
      } catch (const std::exception&) {
        return control_error(400, "since must be a number");
      }
      nlohmann::json out = nlohmann::json::array();
      for (std::size_t i = since > m_log_base ? since - m_log_base : 0; i < m_log.size(); ++i) out.push_back(m_log[i]);
      return SbResponse::json(200, {{"requests", out}, {"next", m_log_base + m_log.size()}});
    }
  }
  if (path == "/_sandbox/clock") {
    if (method == "GET") {
      std::lock_guard lock(m_control_mutex);
      return SbResponse::json(200, {{"offset_ms", m_clock_offset_ms},
                                    {"now", format_jira_time(std::chrono::system_clock::now() + std::chrono::milliseconds(m_clock_offset_ms))}});
    }
    if (method == "PUT" || method == "POST") {
      auto body = body_json();
      if (!body) return body.error();
      if (!body->is_object() || !(*body)["offset_ms"].is_number_integer()) return control_error(400, "offset_ms (integer) is required");
      std::lock_guard lock(m_control_mutex);
      m_clock_offset_ms = (*body)["offset_ms"].get<long long>();
      return SbResponse::json(200, {{"offset_ms", m_clock_offset_ms}});
    }
  }
  if (path == "/_sandbox/faults") {
    if (method == "DELETE") {
      std::lock_guard lock(m_control_mutex);
      m_faults.clear();
      return SbResponse::no_content();
    }
    if (method == "GET") {
      std::lock_guard lock(m_control_mutex);
      nlohmann::json out = nlohmann::json::array();
      for (const auto& rule : m_faults) {
        auto spec = rule.spec;
        spec["matched"] = rule.matched;
        if (rule.remaining) spec["count"] = *rule.remaining;
        out.push_back(spec);
      }
      return SbResponse::json(200, {{"rules", out}});
    }
    if (method == "POST") {
      auto body = body_json();
      if (!body) return body.error();
      nlohmann::json specs = body->is_array() ? *body : body->contains("rules") ? (*body)["rules"] : nlohmann::json::array({*body});
      std::vector<FaultRule> parsed;
      for (const auto& spec : specs) {
        auto rule = parse_fault(spec);
        if (!rule) return control_error(400, rule.error());
        parsed.push_back(std::move(*rule));
      }
      std::lock_guard lock(m_control_mutex);
      for (auto& rule : parsed) m_faults.push_back(std::move(rule));
      return SbResponse::json(201, {{"added", parsed.size()}, {"total", m_faults.size()}});
    }
  }
  if (path == "/_sandbox/index/catch-up" && method == "POST") {
    std::lock_guard lock(m_mutex);
    for (auto& [name, service] : m_services) service->catch_up_index();
    return SbResponse::json(200, {{"caught_up", true}});
  }
  if (path == "/_sandbox/mail") return handle_mail(request);
  if (path == "/_sandbox/state" && method == "GET") return SbResponse::json(200, state());
  if (path == "/_sandbox/state/save" && method == "POST") {
    auto saved = save_state();
    if (!saved) return control_error(400, saved.error());
    return SbResponse::json(200, {{"saved", m_options.state_file->string()}});
  }
  return std::nullopt;
}

// GET /_sandbox/mail: the SMTP capture's address and messages; DELETE clears them.
SbResponse Server::handle_mail(const SbRequest& request) {
  if (request.method == "DELETE") {
    if (m_smtp) m_smtp->clear();
    return SbResponse::no_content();
  }
  if (request.method != "GET") {
    SbResponse refused = control_error(405, "use GET or DELETE on /_sandbox/mail");
    refused.headers["Allow"] = "GET, DELETE";
    return refused;
  }
  nlohmann::json mails = m_smtp ? m_smtp->mails() : nlohmann::json::array();
  const std::size_t total = mails.size();
  return SbResponse::json(200, {{"smtp_url", m_smtp ? nlohmann::json(m_smtp->url()) : nlohmann::json(nullptr)},
                                {"mails", std::move(mails)},
                                {"total", total}});
}

}  // namespace sandbox
