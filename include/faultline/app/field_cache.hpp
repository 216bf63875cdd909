// The Jira field map (GET /rest/api/{2|3}/field) cached per site on disk, so that a command
// resolving [jira.fields] does not spend a round trip (and up to a few hundred KB) on a list
// that changes only when an administrator adds or removes a custom field.
//
// One file per site in the cache directory ($XDG_CACHE_HOME/faultline, else
// ~/.cache/faultline): fields-<hash of the site's API root>.json, mode 0600, written to a temp
// file and renamed into place. It holds the site URL, the fetch time and, per field, only id,
// key, name, custom, schema and clauseNames: never a credential. An entry older than the TTL,
// a file that cannot be read or parsed, or one for another site is ignored (and overwritten
// by the next fetch), never an error.
//
// FieldCachingTransport puts the cache in front of a transport: it answers the field-list GET
// from a fresh entry, stores what the network answered, and drops the site's entry when Jira
// refuses a write naming a custom field (a cached id is wrong: the caller reloads the schema
// and retries once, see open_fault).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "faultline/http/transport.hpp"

namespace faultline::core {
class Clock;
}

namespace faultline::app {

// How long a cached field map is used: one hour. Field ids change only when an administrator
// recreates a custom field; a write naming a stale id refreshes the entry at once (see above),
// and an hour bounds how long a renamed field (read by name) can be seen under its old name,
// while every command of an incident (several per hour) skips the GET.
inline constexpr std::chrono::seconds k_field_cache_ttl{3600};

// The cache directory: $XDG_CACHE_HOME/faultline when set and absolute, else
// $HOME/.cache/faultline; "" when neither is set (no cache).
std::string field_cache_dir(const std::optional<std::string>& xdg_cache_home, const std::optional<std::string>& home);

// Whether sites on the loopback interface (127.0.0.1, localhost, [::1]) are cached. Such a
// site is a local emulator or tunnel whose port changes from run to run (one file per port
// would pile up) and whose GET costs no network round trip; the app caches them only when
// $XDG_CACHE_HOME names the cache directory explicitly (as the integration tests do).
enum class LoopbackSites { Cache, Skip };

// Whether `api_root_url`'s host is 127.0.0.1, localhost or [::1].
bool is_loopback_site(std::string_view api_root_url);

// The cached field maps of one directory.
class FieldCache {
public:
  FieldCache(std::filesystem::path dir, std::chrono::seconds ttl, const core::Clock& clock,
             LoopbackSites loopback = LoopbackSites::Cache);

  // The field list (GET /field's JSON array, reduced) cached for `api_root_url` (the site's
  // URL + "/rest/api/2" or "/3"), or nullopt when there is none, it is older than the TTL or
  // the file is unreadable.
  std::optional<nlohmann::json> load(std::string_view api_root_url) const;
  // Stores `fields` (GET /field's answer; reduced to the kept members) for `api_root_url`.
  // Failing to write is ignored: the cache is an optimisation.
  void store(std::string_view api_root_url, const nlohmann::json& fields) const;
  // Drops the entry of `api_root_url` (the next load misses).
  void forget(std::string_view api_root_url) const;
  // The file of `api_root_url`: <dir>/fields-<hex16 of the URL>.json.
  std::filesystem::path path_for(std::string_view api_root_url) const;

private:
  std::filesystem::path m_dir;
  std::chrono::seconds m_ttl;
  const core::Clock& m_clock;
  LoopbackSites m_loopback;
};

// A transport decorator answering Jira's field-list GET from a FieldCache (see the top).
class FieldCachingTransport final : public http::Transport {
public:
  FieldCachingTransport(std::unique_ptr<http::Transport> inner, FieldCache cache);
  // The same over a transport the caller owns (tests).
  FieldCachingTransport(http::Transport& inner, FieldCache cache);

  http::Outcome send(const http::Request& request) override;
  std::vector<http::Outcome> send_all(std::span<const http::Request> requests) override;

  // How many field-list GETs were answered from the cache.
  std::size_t hits() const;
  // Drops the cached entry of `api_root_url` (a configured field missing from it).
  void forget(std::string_view api_root_url) const { m_cache.forget(api_root_url); }

private:
  // Drops the entry of the request's site when Jira refused a write naming a custom field.
  void observe(const http::Request& request, const http::Outcome& outcome);

  std::unique_ptr<http::Transport> m_owned;
  http::Transport& m_inner;
  FieldCache m_cache;
  mutable std::mutex m_mutex;
  std::size_t m_hits = 0;
};

// The API root ("https://site/ctx/rest/api/2") a field-list GET is sent to, or nullopt when
// `request` is not one (GET <site>/rest/api/{2|3}/field, no query).
std::optional<std::string> field_list_api_root(const http::Request& request);

}  // namespace faultline::app
