// What every fault command starts from: the config, the Jira client, the team's zone and a
// FaultRepository with its schema resolved; plus the small parsers the commands share
// (metrics, description sources) and the data models printed by --json and sent to chat.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/cli/context.hpp"
#include "faultline/cli/fault_repository.hpp"
#include "faultline/core/levels.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::cli {

// The dependencies of one fault command run.
struct FaultSession {
  const config::Config* config = nullptr;
  jira::Client* jira = nullptr;
  const date::time_zone* zone = nullptr;
  std::unique_ptr<FaultRepository> repository;
};

// Loads the config (required), the Jira client, the zone, and resolves the schema.
// Error: Config when the config is missing or wrong; the client's error otherwise.
Result<FaultSession> open_fault_session(Context& ctx);

// Parses "--metric name=value" arguments. Error (Usage) quoting the bad argument.
Result<std::map<std::string, double>> parse_metrics(const std::vector<std::string>& args);

// Classifies with the business unit's rules. Error (Usage) when the unit has no rules,
// naming the units that do.
Result<core::Classification> classify_for_unit(const config::Config& config, std::string_view unit,
                                               const std::map<std::string, double>& metrics);

// The text of --description: "-" reads stdin, "@FILE" reads the file, else the text itself.
// Error (Usage) naming the file that cannot be read.
Result<std::string> read_text_argument(Context& ctx, const std::string& value);

// "P1".."P4" from "p1".."P4". Error (Usage) naming `flag` for anything else.
Result<std::string> normalize_level(std::string_view text, std::string_view flag);

// `object` without its empty members ("", null, []): Mustache sections then skip them.
using json_access::without_empty;

// The fault part of the notification data (templates/notify/README.md): the fault model
// plus "started", "recovered" and "duration" in the team's zone, empty members left out.
nlohmann::json fault_event_json(const core::Fault& fault, const date::time_zone* zone);

// The name a config person is mentioned as: the coordinator key when set, else none.
nlohmann::json mentions_json(std::string_view person);

}  // namespace faultline::cli
