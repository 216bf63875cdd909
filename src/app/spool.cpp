// The spool's files: durable writes (temporary file, fsync, rename, fsync of the directory),
// the listing in name order, and the replay lock (flock on ".lock").
#include "faultline/app/spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "faultline/util/files.hpp"

namespace faultline::app {

namespace {

constexpr std::string_view k_suffix = ".json";
constexpr std::string_view k_lock_name = ".lock";

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::string new_spool_id() {
  std::random_device random;
  const unsigned long long high = random();
  const unsigned long long low = random();
  return fmt::format("{:012x}", ((high << 32U) | low) & 0xffffffffffffULL);
}

namespace {

// "20261205T084746123Z" from "2026-12-05T08:47:46.123Z" (digits only, so names sort by time).
std::string name_stamp(std::string_view iso) {
  std::string stamp;
  for (char c : iso) {
    if (c >= '0' && c <= '9') stamp += c;
    if (c == 'T' || c == 'Z') stamp += c;
  }
  return stamp;
}

Result<void> fsync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::Failed, fmt::format("{}: cannot open the spool directory: {}", dir.string(), errno_text()));
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) return fail(ErrorKind::Failed, fmt::format("{}: cannot sync the spool directory: {}", dir.string(), errno_text()));
  return {};
}

}  // namespace

nlohmann::json SpoolEntry::to_json() const {
  return nlohmann::json{{"format", "faultline-spool/1"},
                        {"id", id},
                        {"kind", kind},
                        {"site", site},
                        {"created_at", created_at},
                        {"op", op},
                        {"request", request},
                        {"provisional_key", provisional_key},
                        {"sent", sent},
                        {"attempts", attempts},
                        {"last_error", last_error},
                        {"last_status", last_status},
                        {"permanent", permanent}};
}

Result<SpoolEntry> parse_spool_entry(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return fail(ErrorKind::Config, "not a JSON object");
  if (json.value("format", "") != "faultline-spool/1")
    return fail(ErrorKind::Config, "not a faultline spool entry (format is not faultline-spool/1)");
  try {
    SpoolEntry entry;
    entry.id = json.at("id").get<std::string>();
    entry.kind = json.at("kind").get<std::string>();
    entry.site = json.value("site", "");
    entry.created_at = json.value("created_at", "");
    entry.op = json.value("op", "");
    entry.request = json.value("request", nlohmann::json::object());
    entry.provisional_key = json.value("provisional_key", "");
    entry.sent = json.value("sent", nlohmann::json::object());
    entry.attempts = json.value("attempts", 0);
    entry.last_error = json.value("last_error", "");
    entry.last_status = json.value("last_status", 0);
    entry.permanent = json.value("permanent", false);
    if (entry.id.empty() || entry.kind.empty()) return fail(ErrorKind::Config, "id or kind is empty");
    return entry;
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorKind::Config, fmt::format("a member has the wrong type ({})", e.what()));
  }
}

std::string spool_site(const std::string& jira_url, const std::string& project) {
  std::string url = jira_url;
  while (url.ends_with('/')) url.pop_back();
  return url + "#" + project;
}

std::string spool_dir(const std::string& configured, const std::optional<std::string>& xdg_state_home,
                      const std::optional<std::string>& home) {
  if (!configured.empty()) return configured;
  // The XDG base directory spec: a relative $XDG_STATE_HOME is invalid and ignored.
  if (xdg_state_home && !xdg_state_home->empty() && xdg_state_home->front() == '/')
    return (std::filesystem::path(*xdg_state_home) / "faultline" / "spool").string();
  if (home && !home->empty()) return (std::filesystem::path(*home) / ".local" / "state" / "faultline" / "spool").string();
  return {};
}

SpoolLock::~SpoolLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing releases the flock
}

Result<void> Spool::ensure_dir() const {
  std::error_code error;
  std::filesystem::create_directories(m_dir, error);
  if (error)
    return fail(ErrorKind::Failed, fmt::format("{}: cannot create the spool directory: {}", m_dir.string(), error.message()),
                "set [spool] dir (or FAULTLINE_SPOOL_DIR) to a directory this user can write");
  ::chmod(m_dir.c_str(), 0700);
  return {};
}

Result<void> Spool::write_file(const std::string& name, const std::string& content) const {
  if (auto made = ensure_dir(); !made) return made;
  const auto target = m_dir / name;
  const auto temp = m_dir / fmt::format(".{}.{}.tmp", name, new_spool_id());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorKind::Failed, fmt::format("{}: cannot write a spool entry: {}", temp.string(), errno_text()));
  std::size_t written = 0;
  bool ok = true;
  while (written < content.size()) {
    const auto n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  const std::string cause = ok ? std::string() : errno_text();
  if (ok && ::fsync(fd) != 0) ok = false;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), target.c_str()) != 0) {
    const auto why = cause.empty() ? errno_text() : cause;
    ::unlink(temp.c_str());
    return fail(ErrorKind::Failed, fmt::format("{}: cannot write a spool entry: {}", target.string(), why),
                "free space or fix the permissions of the spool directory");
  }
  return fsync_dir(m_dir);
}

Result<std::optional<SpoolEntry>> Spool::find_waiting(const std::string& op) const {
  FAULTLINE_TRY(entries, list());
  for (auto& entry : *entries)
    if (entry.corrupt.empty() && !entry.permanent && entry.op == op) return std::optional<SpoolEntry>(std::move(entry));
  return std::optional<SpoolEntry>();
}

Result<SpoolEntry> Spool::add(SpoolEntry entry, std::string_view now_iso) {
  if (entry.id.empty()) entry.id = new_spool_id();
  entry.created_at = std::string(now_iso);
  // Named by the real time in nanoseconds (not `now_iso`, which a test or a replay may fix), so
  // the names sort in the order the entries were made.
  const auto real_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  entry.file = fmt::format("{}-{:020d}-{}{}", name_stamp(now_iso), real_ns, entry.id, k_suffix);
  if (auto written = write_file(entry.file, entry.to_json().dump(2) + "\n"); !written) return std::unexpected(written.error());
  return entry;
}

Result<void> Spool::save(const SpoolEntry& entry) {
  return write_file(entry.file, entry.to_json().dump(2) + "\n");
}

Result<void> Spool::remove(const SpoolEntry& entry) {
  if (::unlink((m_dir / entry.file).c_str()) != 0 && errno != ENOENT)
    return fail(ErrorKind::Failed, fmt::format("{}: cannot remove the spool entry: {}", (m_dir / entry.file).string(), errno_text()));
  return fsync_dir(m_dir);
}

namespace {

bool is_entry_name(const std::string& name) { return !name.starts_with('.') && name.ends_with(k_suffix); }

}  // namespace

Result<std::vector<SpoolEntry>> Spool::list() const {
  std::vector<SpoolEntry> entries;
  std::error_code error;
  if (!std::filesystem::exists(m_dir, error)) return entries;
  std::vector<std::string> names;
  for (const auto& item : std::filesystem::directory_iterator(m_dir, error)) {
    const auto name = item.path().filename().string();
    if (is_entry_name(name)) names.push_back(name);
  }
  if (error) return fail(ErrorKind::Failed, fmt::format("{}: cannot read the spool directory: {}", m_dir.string(), error.message()));
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    auto text = read_file(m_dir / name);
    if (!text && text.error().kind == ErrorKind::NotFound) continue;  // replayed meanwhile by another process
    SpoolEntry entry;
    if (!text) {
      entry.corrupt = text.error().message;
    } else if (auto parsed = parse_spool_entry(*text); !parsed) {
      entry.corrupt = parsed.error().message;
    } else {
      entry = std::move(*parsed);
    }
    entry.file = name;
    entries.push_back(std::move(entry));
  }
  return entries;
}

bool Spool::has_entries() const {
  std::error_code error;
  if (!std::filesystem::is_directory(m_dir, error)) return false;
  for (const auto& item : std::filesystem::directory_iterator(m_dir, error))
    if (is_entry_name(item.path().filename().string())) return true;
  return false;
}

namespace {

constexpr const char* k_keys_name = ".keys.json";  // hidden: not an entry

}  // namespace

Result<void> Spool::record_key(const std::string& provisional, const std::string& key) {
  // Under the replay lock (sync_spool holds it), so no two writers race on the file.
  auto keys = nlohmann::json::object();
  if (auto text = read_file(m_dir / k_keys_name)) {
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    if (parsed.is_object()) keys = std::move(parsed);
  }
  keys[provisional] = key;
  return write_file(k_keys_name, keys.dump(2) + "\n");
}

std::optional<std::string> Spool::real_key(const std::string& provisional) const {
  auto text = read_file(m_dir / k_keys_name);
  if (!text) return std::nullopt;
  const auto keys = nlohmann::json::parse(*text, nullptr, false);
  if (!keys.is_object() || !keys.contains(provisional) || !keys[provisional].is_string()) return std::nullopt;
  return keys[provisional].get<std::string>();
}

Result<std::optional<SpoolLock>> Spool::lock(bool wait) const {
  if (auto made = ensure_dir(); !made) return std::unexpected(made.error());
  const auto path = m_dir / k_lock_name;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorKind::Failed, fmt::format("{}: cannot open the spool lock: {}", path.string(), errno_text()));
  while (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    if (errno == EINTR) continue;
    const bool busy = errno == EWOULDBLOCK;
    const auto why = errno_text();
    ::close(fd);
    if (busy) return std::optional<SpoolLock>();
    return fail(ErrorKind::Failed, fmt::format("{}: cannot lock the spool: {}", path.string(), why));
  }
  return std::optional<SpoolLock>(SpoolLock(fd));
}

}  // namespace faultline::app
