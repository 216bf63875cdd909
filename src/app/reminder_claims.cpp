// Claiming reminders through the faultline.reminded entity property (protocol and remaining
// race in include/faultline/app/reminder_claims.hpp).
#include "faultline/app/reminder_claims.hpp"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>

namespace faultline::app {

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
  FAULTLINE_TRY(written, m_client.set_property(issue_key, core::k_reminded_property, value));
  m_known[issue_key] = value;
  return {};
}

namespace {

void fail_group(std::vector<ClaimResult>& group, const std::string& error) {
  for (auto& result : group) {
    result.status = ClaimStatus::Failed;
    result.error = error;
  }
}

void lose_group(std::vector<ClaimResult>& group, const std::optional<core::ReminderMark>& holder) {
  for (auto& result : group) {
    result.status = ClaimStatus::Lost;
    result.mark = holder;
  }
}

}  // namespace

bool ReminderClaims::all_recent(std::vector<ClaimResult>& group) {
  for (auto& result : group) {
    auto value = read(result.request.issue_key, true);
    if (!value || core::may_claim(*value, result.request.kind, m_options.now, result.request.interval, m_options.zone))
      return false;
  }
  for (auto& result : group) {
    result.status = ClaimStatus::Recent;
    result.previous = m_known[result.request.issue_key];
    result.mark = core::read_mark(result.previous, result.request.kind);
  }
  return true;
}

ReminderClaims::GroupState ReminderClaims::lock_group(std::vector<ClaimResult>& group) {
  const auto& first = group.front().request;
  auto current = read(first.issue_key, true);
  if (!current) {
    fail_group(group, fmt::format("{}: cannot read {}: {}", first.issue_key, core::k_reminded_property,
                                  current.error().message));
    return {};
  }
  if (!core::may_lock(*current, first.kind, m_options.run_id, m_options.now, m_options.lock_ttl)) {
    lose_group(group, core::read_lock(*current, first.kind));
    return {};
  }
  if (m_options.dry_run) return {true, false};
  auto value = core::with_lock(*current, first.kind, core::ReminderMark{m_options.now, m_options.run_id});
  if (auto written = write(first.issue_key, value); !written) {
    fail_group(group, fmt::format("{}: cannot write {}: {}", first.issue_key, core::k_reminded_property,
                                  written.error().message));
    return {};
  }
  m_locks.emplace_back(first.issue_key, first.kind);
  return {true, true};
}

void ReminderClaims::confirm_lock(std::vector<ClaimResult>& group, GroupState& state) {
  const auto& first = group.front().request;
  auto back = read(first.issue_key, true);
  if (!back) {
    state.proceed = false;
    fail_group(group, fmt::format("{}: cannot read {} back: {}", first.issue_key, core::k_reminded_property,
                                  back.error().message));
    return;
  }
  if (core::lock_is_ours(*back, first.kind, m_options.run_id)) return;
  state.proceed = false;
  lose_group(group, core::read_lock(*back, first.kind));
  // Not ours to remove.
  std::erase_if(m_locks, [&](const auto& lock) { return lock.first == first.issue_key && lock.second == first.kind; });
}

void ReminderClaims::claim_issue(ClaimResult& result, const std::string& lock_issue) {
  const auto& request = result.request;
  // Fresh: a run that held the lock before may have written markers since step 0. The lock
  // issue was just read back.
  auto current = read(request.issue_key, !m_options.dry_run && request.issue_key != lock_issue);
  if (!current) {
    result.error = fmt::format("{}: cannot read {}: {}", request.issue_key, core::k_reminded_property,
                               current.error().message);
    return;
  }
  result.previous = *current;
  if (!core::may_claim(*current, request.kind, m_options.now, request.interval, m_options.zone)) {
    result.status = ClaimStatus::Recent;
    result.mark = core::read_mark(*current, request.kind);
    return;
  }
  if (m_options.dry_run) {
    result.status = ClaimStatus::DryRun;
    return;
  }
  auto claimed = core::with_mark(*current, request.kind, core::ReminderMark{m_options.now, m_options.run_id, false});
  if (auto written = write(request.issue_key, claimed); !written) {
    result.error = fmt::format("{}: cannot write {}: {}", request.issue_key, core::k_reminded_property,
                               written.error().message);
    return;
  }
  result.status = ClaimStatus::Won;
}

std::vector<std::vector<ClaimResult>> ReminderClaims::claim(const std::vector<std::vector<ClaimRequest>>& groups) {
  std::vector<std::vector<ClaimResult>> results;
  std::vector<GroupState> states(groups.size());
  // Steps 0 and 1: skip groups reminded recently (a quiet cron run writes nothing and does not
  // wait), take the lock of the others.
  for (std::size_t g = 0; g < groups.size(); ++g) {
    auto& out = results.emplace_back();
    for (const auto& request : groups[g])
      out.push_back(ClaimResult{request, ClaimStatus::Failed, std::nullopt, {}, nlohmann::json::object()});
    if (out.empty() || all_recent(out)) continue;
    states[g] = lock_group(out);
  }
  // Step 2: let overlapping runs land their locks, then read each back.
  const bool any_locked = std::any_of(states.begin(), states.end(), [](const GroupState& s) { return s.locked; });
  if (any_locked && m_options.settle.count() > 0) m_options.sleep(m_options.settle);
  for (std::size_t g = 0; g < groups.size(); ++g)
    if (states[g].locked) confirm_lock(results[g], states[g]);
  // Step 3: the holder claims each issue whose interval has passed.
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!states[g].proceed) continue;
    const auto lock_issue = groups[g].front().issue_key;
    for (auto& result : results[g]) claim_issue(result, lock_issue);
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

std::vector<std::string> ReminderClaims::confirm(const std::vector<ClaimResult>& results) {
  std::vector<std::string> errors;
  for (const auto& result : results) {
    if (result.status != ClaimStatus::Won) continue;
    const auto& key = result.request.issue_key;
    auto value = m_known.count(key) ? m_known[key] : nlohmann::json::object();
    auto mark = core::read_mark(value, result.request.kind);
    if (!mark || mark->by != m_options.run_id || mark->sent) continue;
    mark->sent = true;
    if (auto written = write(key, core::with_mark(value, result.request.kind, *mark)); !written) {
      errors.push_back(fmt::format("{}: the reminder was sent but could not be recorded as sent: {}", key,
                                   written.error().message));
    }
  }
  return errors;
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

}  // namespace faultline::app
