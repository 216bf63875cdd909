// What every fault use-case starts from: the config, the Jira client, the team's zone and a
// FaultRepository with its schema resolved; plus the small checks the use-cases share (levels,
// metrics and their classification).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/app/fault_repository.hpp"
#include "faultline/core/levels.hpp"

namespace faultline::app {

class Services;

// The dependencies of one fault use-case run.
struct FaultSession {
  const config::Config* config = nullptr;
  jira::Client* jira = nullptr;
  const date::time_zone* zone = nullptr;
  std::unique_ptr<FaultRepository> repository;
};

// Loads the config (required), the Jira client, the zone, and resolves the schema; search
// results without the `faultline` property get it in one concurrent batch.
// Error: Config when the config is missing or wrong; the client's error otherwise.
Result<FaultSession> open_fault_session(Services& services);

// Parses "--metric name=value" arguments. Error (Usage) quoting the bad argument.
Result<std::map<std::string, double>> parse_metrics(const std::vector<std::string>& args);

// Classifies with the business unit's rules. Error (Usage) when the unit has no rules,
// naming the units that do.
Result<core::Classification> classify_for_unit(const config::Config& config, std::string_view unit,
                                               const std::map<std::string, double>& metrics);

// "P1".."P4" from "p1".."P4". Error (Usage) naming `flag` for anything else.
Result<std::string> normalize_level(std::string_view text, std::string_view flag);

}  // namespace faultline::app
