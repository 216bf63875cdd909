// The per-site field map cache and the transport decorator that uses it.
#include "faultline/app/field_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "faultline/core/labels.hpp"
#include "faultline/core/time.hpp"

namespace faultline::app {

namespace {

constexpr int k_entry_version = 1;

// The members of one GET /field entry that the schema resolution reads.
nlohmann::json reduced_field(const nlohmann::json& field) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* name : {"id", "key", "name", "custom", "clauseNames"}) {
    if (auto it = field.find(name); it != field.end()) out[name] = *it;
  }
  if (auto schema = field.find("schema"); schema != field.end() && schema->is_object()) {
    nlohmann::json kept = nlohmann::json::object();
    for (const char* name : {"type", "items", "custom"}) {
      if (auto it = schema->find(name); it != schema->end() && it->is_string()) kept[name] = *it;
    }
    out["schema"] = std::move(kept);
  }
  return out;
}

long long now_ms(const core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch()).count();
}

// "https://site/ctx/rest/api/2" from any URL under it (query dropped); nullopt otherwise.
std::optional<std::string> api_root_of(std::string_view url) {
  url = url.substr(0, url.find('?'));
  for (std::string_view root : {"/rest/api/2", "/rest/api/3"}) {
    const auto at = url.find(root);
    if (at == std::string_view::npos) continue;
    const auto end = at + root.size();
    if (end == url.size() || url[end] == '/') return std::string(url.substr(0, end));
  }
  return std::nullopt;
}

}  // namespace

std::string field_cache_dir(const std::optional<std::string>& xdg_cache_home, const std::optional<std::string>& home) {
  // The XDG base directory spec: a relative $XDG_CACHE_HOME is invalid and ignored.
  if (xdg_cache_home && !xdg_cache_home->empty() && xdg_cache_home->front() == '/')
    return (std::filesystem::path(*xdg_cache_home) / "faultline").string();
  if (home && !home->empty()) return (std::filesystem::path(*home) / ".cache" / "faultline").string();
  return {};
}

bool is_loopback_site(std::string_view api_root_url) {
  auto rest = api_root_url.substr(api_root_url.find("://") == std::string_view::npos ? 0 : api_root_url.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  for (std::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
    if (rest.starts_with(host) && (rest.size() == host.size() || rest[host.size()] == ':')) return true;
  }
  return false;
}

FieldCache::FieldCache(std::filesystem::path dir, std::chrono::seconds ttl, const core::Clock& clock,
                       LoopbackSites loopback)
    : m_dir(std::move(dir)), m_ttl(ttl), m_clock(clock), m_loopback(loopback) {}

std::filesystem::path FieldCache::path_for(std::string_view api_root_url) const {
  return m_dir / ("fields-" + core::hex16(core::fnv1a_64(api_root_url)) + ".json");
}

std::optional<nlohmann::json> FieldCache::load(std::string_view api_root_url) const {
  if (m_loopback == LoopbackSites::Skip && is_loopback_site(api_root_url)) return std::nullopt;
  std::ifstream in(path_for(api_root_url), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  auto entry = nlohmann::json::parse(text.str(), nullptr, false);
  if (!entry.is_object() || entry.value("version", 0) != k_entry_version) return std::nullopt;
  if (entry.value("site", std::string()) != api_root_url) return std::nullopt;  // a hash collision
  const auto fetched = entry.find("fetched_at_ms");
  if (fetched == entry.end() || !fetched->is_number_integer()) return std::nullopt;
  const long long age_ms = now_ms(m_clock) - fetched->get<long long>();
  // A clock set back makes the age negative: treated as stale rather than fresh forever.
  if (age_ms < 0 || age_ms >= std::chrono::duration_cast<std::chrono::milliseconds>(m_ttl).count()) return std::nullopt;
  auto fields = entry.find("fields");
  if (fields == entry.end() || !fields->is_array()) return std::nullopt;
  return std::move(*fields);
}

void FieldCache::store(std::string_view api_root_url, const nlohmann::json& fields) const {
  if (!fields.is_array()) return;
  if (m_loopback == LoopbackSites::Skip && is_loopback_site(api_root_url)) return;
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& field : fields)
    if (field.is_object()) kept.push_back(reduced_field(field));
  const nlohmann::json entry{{"version", k_entry_version},
                             {"site", std::string(api_root_url)},
                             {"fetched_at_ms", now_ms(m_clock)},
                             {"fields", std::move(kept)}};
  std::error_code ec;
  std::filesystem::create_directories(m_dir, ec);
  if (ec) return;
  std::filesystem::permissions(m_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
  // A fresh temp file (mkstemp: unique, mode 0600) renamed over the entry: readers see the old
  // file or the new one, never half of one; concurrent writers each rename a whole file.
  const auto target = path_for(api_root_url);
  std::string temp = target.string() + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return;
  const std::string text = entry.dump();
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  const bool complete = written == text.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!complete || std::rename(temp.c_str(), target.c_str()) != 0) std::filesystem::remove(temp, ec);
}

void FieldCache::forget(std::string_view api_root_url) const {
  std::error_code ec;
  std::filesystem::remove(path_for(api_root_url), ec);
}

std::optional<std::string> field_list_api_root(const http::Request& request) {
  if (request.method != http::Method::Get) return std::nullopt;
  std::string_view url = request.url;
  if (url.find('?') != std::string_view::npos || !url.ends_with("/field")) return std::nullopt;
  url.remove_suffix(std::string_view("/field").size());
  if (!url.ends_with("/rest/api/2") && !url.ends_with("/rest/api/3")) return std::nullopt;
  return std::string(url);
}

FieldCachingTransport::FieldCachingTransport(std::unique_ptr<http::Transport> inner, FieldCache cache)
    : m_owned(std::move(inner)), m_inner(*m_owned), m_cache(std::move(cache)) {}

FieldCachingTransport::FieldCachingTransport(http::Transport& inner, FieldCache cache)
    : m_inner(inner), m_cache(std::move(cache)) {}

std::size_t FieldCachingTransport::hits() const {
  const std::lock_guard lock(m_mutex);
  return m_hits;
}

http::Outcome FieldCachingTransport::send(const http::Request& request) {
  const auto root = field_list_api_root(request);
  if (!root) {
    auto outcome = m_inner.send(request);
    observe(request, outcome);
    return outcome;
  }
  if (auto cached = m_cache.load(*root)) {
    {
      const std::lock_guard lock(m_mutex);
      ++m_hits;
    }
    http::Response response;
    response.status = 200;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = cached->dump();
    return response;
  }
  auto outcome = m_inner.send(request);
  if (outcome && outcome->status == 200) {
    auto fields = nlohmann::json::parse(outcome->body, nullptr, false);
    if (fields.is_array()) m_cache.store(*root, fields);
  }
  return outcome;
}

std::vector<http::Outcome> FieldCachingTransport::send_all(std::span<const http::Request> requests) {
  auto outcomes = m_inner.send_all(requests);
  for (std::size_t i = 0; i < requests.size() && i < outcomes.size(); ++i) observe(requests[i], outcomes[i]);
  return outcomes;
}

void FieldCachingTransport::observe(const http::Request& request, const http::Outcome& outcome) {
  if (!request.is_write() || !outcome || outcome->status != 400) return;
  if (outcome->body.find("customfield_") == std::string::npos) return;
  if (auto root = api_root_of(request.url)) m_cache.forget(*root);
}

}  // namespace faultline::app
