// `doctor`: every dependency of the fault process checked — config, Jira connection and auth,
// project, issue types, field mapping, workflow statuses, Confluence space and parent page,
// chat channels and routes — each with the fix for a failure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace faultline::app {

class Services;

// Warn: works, but something the user should know (doctor still exits 0).
enum class CheckStatus { Pass, Warn, Fail, Skip };

// "pass" | "warn" | "fail" | "skip".
const char* to_string(CheckStatus status);

struct Check {
  std::string name;  // "jira.auth", "jira.fields.level", "channel.ops", ...
  CheckStatus status = CheckStatus::Pass;
  std::string detail;
  std::string fix;
};

struct DoctorReport {
  std::vector<Check> checks;

  bool all_passed() const;
  // {"ok": bool, "checks": [{"name","status","detail","fix"}]}.
  nlohmann::json to_json() const;
};

// Runs every check; never fails (a check that cannot run is a failed or skipped check).
DoctorReport run_doctor(Services& services);

}  // namespace faultline::app
