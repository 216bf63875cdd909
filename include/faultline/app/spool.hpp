// The spool: work that could not reach Jira, Confluence or a chat platform, kept on disk until
// `faultline sync` (or the next command, or `faultline serve`'s worker) replays it.
//
// One JSON file per entry in one directory (0700), named so that the names sort in the order
// the entries were made. A file is written whole or not at all: into a temporary file (0600,
// O_EXCL), fsync'ed, renamed over its name, then the directory fsync'ed — so a kill -9 at any
// moment leaves either the old entry or the new one, and an entry reported as spooled is on
// disk. Entries hold what the command was asked to do, never a secret (tokens, webhook URLs,
// signing keys stay in the config).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/util/error.hpp"

namespace faultline::app {

// One pending piece of work.
struct SpoolEntry {
  std::string id;          // 12 hex digits, unique in the spool
  std::string kind;        // "open" | "alert" | "update" | "recover" | "review-publish" | "notify" | "room"
  std::string site;        // the Jira site and project it belongs to (spool_site)
  std::string created_at;  // UTC ISO 8601
  // What makes two entries the same work ("" = none): a new entry with the op of a waiting one
  // is not added (a repeated delivery, a notification that failed twice).
  std::string op;
  nlohmann::json request = nlohmann::json::object();  // the use-case's input (spool_replay.hpp)
  std::string provisional_key;  // open: "FAULT-pending-<id>", as announced to chat
  nlohmann::json sent = nlohmann::json::object();  // the provisional announcement's sent log
  int attempts = 0;        // replays that failed
  std::string last_error;  // why the last replay failed (free of secrets)
  int last_status = 0;     // its HTTP status, 0 when none
  bool permanent = false;  // refused for a reason a replay cannot fix (400, 403, 404): kept, not replayed
  std::string file;        // its file name in the spool (not stored in the file)
  std::string corrupt;     // set when the file could not be read as an entry (then only file is known)

  nlohmann::json to_json() const;  // the file's content (and --json's)
};

// A new entry id: twelve hex digits from the system's random source.
std::string new_spool_id();

// The entry stored in `text`. Error: Config naming what is wrong.
Result<SpoolEntry> parse_spool_entry(const std::string& text);

// The site an entry belongs to: "<jira url>#<project>", so a spool shared by several configs
// replays each entry only with its own.
std::string spool_site(const std::string& jira_url, const std::string& project);

// The spool directory: `configured` when set, else $XDG_STATE_HOME/faultline/spool, else
// $HOME/.local/state/faultline/spool; "" when none can be told (no HOME): then nothing is
// spooled and commands fail as before.
std::string spool_dir(const std::string& configured, const std::optional<std::string>& xdg_state_home,
                      const std::optional<std::string>& home);

// An exclusive lock on the spool held while entries are replayed, so two syncs (a cron run,
// a command's auto-sync, serve's worker) never replay one entry at once. Released when
// destroyed (and by the kernel when the process dies).
class SpoolLock {
public:
  explicit SpoolLock(int fd) : m_fd(fd) {}
  SpoolLock(SpoolLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  SpoolLock& operator=(SpoolLock&&) = delete;
  SpoolLock(const SpoolLock&) = delete;
  ~SpoolLock();

private:
  int m_fd;
};

class Spool {
public:
  explicit Spool(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  const std::filesystem::path& dir() const { return m_dir; }

  // Writes a new entry (assigning created_at, file, and id unless set) durably. Error: Failed
  // naming the directory when it cannot be written.
  Result<SpoolEntry> add(SpoolEntry entry, std::string_view now_iso);
  // The entry waiting (not failed for good) with this op, if any. Error: as list().
  Result<std::optional<SpoolEntry>> find_waiting(const std::string& op) const;
  // Replaces the entry's file durably (attempts, error, sent log). Error: Failed.
  Result<void> save(const SpoolEntry& entry);
  // Removes the entry's file (durably). A file already gone is not an error.
  Result<void> remove(const SpoolEntry& entry);
  // Every entry, oldest first; an unreadable file is listed with `corrupt` set. No directory
  // yet is an empty spool. Error: Failed when the directory cannot be read.
  Result<std::vector<SpoolEntry>> list() const;
  // True when the directory holds at least one entry (cheap: no file is parsed).
  bool has_entries() const;
  // Remembers that the fault announced as `provisional` is `key` in Jira (.keys.json in the
  // spool, written durably), for commands given the provisional key later. Error: Failed.
  Result<void> record_key(const std::string& provisional, const std::string& key);
  // The Jira key of a provisional key, when its open has been replayed.
  std::optional<std::string> real_key(const std::string& provisional) const;
  // The replay lock; nullopt when another process holds it and `wait` is false. Error: Failed.
  Result<std::optional<SpoolLock>> lock(bool wait) const;

private:
  Result<void> ensure_dir() const;
  Result<void> write_file(const std::string& name, const std::string& content) const;

  std::filesystem::path m_dir;
};

}  // namespace faultline::app
