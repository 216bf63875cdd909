// Claiming reminders through the faultline.reminded entity property (protocol and remaining
// race in include/faultline/cli/reminder_claims.hpp).
#include "faultline/cli/reminder_claims.hpp"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>

namespace faultline::cli {

const char* to_string(ClaimStatus status) {
  switch (status) {
    case ClaimStatus::Won: return "won";
    case ClaimStatus::Recent: return "recently_reminded";
    case ClaimStatus::Lost: return "claimed_by_other_run";
    case ClaimStatus::Failed: return "failed";
    case ClaimStatus::DryRun: return "dry_run";
  }
  return "failed";
}

std::string make_run_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device device;
  const auto random = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  return fmt::format("{}-{}-{:08x}", host[0] != '\0' ? host : "faultline", static_cast<long>(getpid()),
                     static_cast<std::uint32_t>(random ^ (random >> 32)));
}

ReminderClaims::ReminderClaims(jira::Client& client, ClaimOptions options)
    : m_client(client), m_options(std::move(options)) {
  if (!m_options.sleep) m_options.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Result<nlohmann::json> ReminderClaims::read(const std::string& issue_key, bool fresh) {
  if (!fresh) {
    if (auto known = m_known.find(issue_key); known != m_known.end()) return known->second;
  }
  auto value = m_client.property(issue_key, core::k_reminded_property);
  if (!value) {
    // No property yet is the normal first time; a missing issue fails the write anyway.
    if (value.error().kind != ErrorKind::NotFound) return std::unexpected(value.error());
    value = nlohmann::json::object();
  }
  if (!value->is_object()) value = nlohmann::json::object();
  m_known[issue_key] = *value;
  return *value;
}

Result<void> ReminderClaims::write(const std::string& issue_key, const nlohmann::json& value) {
  auto written = m_client.set_property(issue_key, core::k_reminded_property, value);
  if (!written) return std::unexpected(written.error());
  m_known[issue_key] = value;
  return {};
}

std::vector<std::vector<ClaimResult>> ReminderClaims::claim(const std::vector<std::vector<ClaimRequest>>& groups) {
  std::vector<std::vector<ClaimResult>> results;
  // Whether each group may go on to step 3, and whether this run wrote its lock.
  std::vector<bool> proceed(groups.size(), false);
  std::vector<bool> locked(groups.size(), false);

  auto fail_group = [](std::vector<ClaimResult>& group, const std::string& error) {
    for (auto& result : group) {
      result.status = ClaimStatus::Failed;
      result.error = error;
    }
  };
  auto lose_group = [](std::vector<ClaimResult>& group, const std::optional<core::ReminderMark>& holder) {
    for (auto& result : group) {
      result.status = ClaimStatus::Lost;
      result.mark = holder;
    }
  };

  // Step 1: take each group's lock.
  for (std::size_t g = 0; g < groups.size(); ++g) {
    auto& out = results.emplace_back();
    for (const auto& request : groups[g])
      out.push_back(ClaimResult{request, ClaimStatus::Failed, std::nullopt, {}, nlohmann::json::object()});
    if (groups[g].empty()) continue;
    // Step 0: a group whose every issue was reminded within its interval needs no lock (a
    // quiet cron run writes nothing and does not wait).
    bool any_due = false;
    for (auto& result : out) {
      auto value = read(result.request.issue_key, true);
      if (!value || core::may_claim(*value, result.request.kind, m_options.now, result.request.interval, m_options.zone)) {
        any_due = true;
        break;
      }
    }
    if (!any_due) {
      for (auto& result : out) {
        result.status = ClaimStatus::Recent;
        result.previous = m_known[result.request.issue_key];
        result.mark = core::read_mark(result.previous, result.request.kind);
      }
      continue;
    }
    const auto& first = groups[g].front();
    auto current = read(first.issue_key, true);
    if (!current) {
      fail_group(out, fmt::format("{}: cannot read {}: {}", first.issue_key, core::k_reminded_property,
                                  current.error().message));
      continue;
    }
    if (!core::may_lock(*current, first.kind, m_options.run_id, m_options.now, m_options.lock_ttl)) {
      lose_group(out, core::read_lock(*current, first.kind));
      continue;
    }
    proceed[g] = true;
    if (m_options.dry_run) continue;
    auto value = core::with_lock(*current, first.kind, core::ReminderMark{m_options.now, m_options.run_id});
    if (auto written = write(first.issue_key, value); !written) {
      proceed[g] = false;
      fail_group(out, fmt::format("{}: cannot write {}: {}", first.issue_key, core::k_reminded_property,
                                  written.error().message));
      continue;
    }
    locked[g] = true;
    m_locks.emplace_back(first.issue_key, first.kind);
  }

  // Step 2: let overlapping runs land their locks, then read each back.
  if (std::find(locked.begin(), locked.end(), true) != locked.end() && m_options.settle.count() > 0)
    m_options.sleep(m_options.settle);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!locked[g]) continue;
    const auto& first = groups[g].front();
    auto back = read(first.issue_key, true);
    if (!back) {
      proceed[g] = false;
      fail_group(results[g], fmt::format("{}: cannot read {} back: {}", first.issue_key, core::k_reminded_property,
                                         back.error().message));
      continue;
    }
    if (!core::lock_is_ours(*back, first.kind, m_options.run_id)) {
      proceed[g] = false;
      lose_group(results[g], core::read_lock(*back, first.kind));
      // Not ours to remove.
      std::erase_if(m_locks, [&](const auto& lock) { return lock.first == first.issue_key && lock.second == first.kind; });
    }
  }

  // Step 3: the holder claims each issue whose interval has passed.
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!proceed[g]) continue;
    const auto& lock_issue = groups[g].front().issue_key;
    for (auto& result : results[g]) {
      const auto& request = result.request;
      // Fresh: a run that held the lock before may have written markers since step 0. The
      // lock issue was just read back.
      auto current = read(request.issue_key, !m_options.dry_run && request.issue_key != lock_issue);
      if (!current) {
        result.error = fmt::format("{}: cannot read {}: {}", request.issue_key, core::k_reminded_property,
                                   current.error().message);
        continue;
      }
      result.previous = *current;
      if (!core::may_claim(*current, request.kind, m_options.now, request.interval, m_options.zone)) {
        result.status = ClaimStatus::Recent;
        result.mark = core::read_mark(*current, request.kind);
        continue;
      }
      if (m_options.dry_run) {
        result.status = ClaimStatus::DryRun;
        continue;
      }
      auto claimed = core::with_mark(*current, request.kind, core::ReminderMark{m_options.now, m_options.run_id});
      if (auto written = write(request.issue_key, claimed); !written) {
        result.error = fmt::format("{}: cannot write {}: {}", request.issue_key, core::k_reminded_property,
                                   written.error().message);
        continue;
      }
      result.status = ClaimStatus::Won;
    }
  }
  return results;
}

std::vector<std::string> ReminderClaims::release(const std::vector<ClaimResult>& results) {
  std::vector<std::string> warnings;
  for (const auto& result : results) {
    if (result.status != ClaimStatus::Won) continue;
    const auto member = core::to_string(result.request.kind);
    auto value = m_known.count(result.request.issue_key) ? m_known[result.request.issue_key] : nlohmann::json::object();
    if (!value.is_object()) value = nlohmann::json::object();
    if (result.previous.is_object() && result.previous.contains(member)) {
      value[member] = result.previous[member];
    } else {
      value.erase(member);
    }
    if (auto written = write(result.request.issue_key, value); !written) {
      warnings.push_back(fmt::format("{}: cannot release the reminder claim: {}", result.request.issue_key,
                                     written.error().message));
    }
  }
  return warnings;
}

std::vector<std::string> ReminderClaims::unlock() {
  std::vector<std::string> warnings;
  for (const auto& [issue_key, kind] : m_locks) {
    auto known = m_known.find(issue_key);
    auto value = core::without_lock(known != m_known.end() ? known->second : nlohmann::json::object(), kind);
    if (auto written = write(issue_key, value); !written) {
      warnings.push_back(fmt::format("{}: cannot remove the reminder lock (it expires by itself): {}", issue_key,
                                     written.error().message));
    }
  }
  m_locks.clear();
  return warnings;
}

}  // namespace faultline::cli
