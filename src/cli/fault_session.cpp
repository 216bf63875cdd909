#include "faultline/cli/fault_session.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "faultline/jira/client.hpp"

namespace faultline::cli {

Result<FaultSession> open_fault_session(Context& ctx) {
  FaultSession session;
  auto config = ctx.require_config();
  if (!config) return std::unexpected(config.error());
  session.config = *config;
  auto zone = ctx.zone();
  if (!zone) return std::unexpected(zone.error());
  session.zone = *zone;
  auto jira = ctx.jira();
  if (!jira) return std::unexpected(jira.error());
  session.jira = *jira;
  session.repository = std::make_unique<FaultRepository>(*session.jira, *session.config, session.zone);
  // Properties missing from search results (Data Center) are then read in one batch.
  if (auto transport = ctx.transport()) session.repository->use_batch_transport(**transport);
  if (auto schema = session.repository->load_schema(); !schema) return std::unexpected(schema.error());
  return session;
}

Result<std::map<std::string, double>> parse_metrics(const std::vector<std::string>& args) {
  std::map<std::string, double> metrics;
  for (const auto& arg : args) {
    const auto eq = arg.find('=');
    const std::string name = eq == std::string::npos ? "" : arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    double number = 0;
    const auto* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, number);
    if (name.empty() || value.empty() || ec != std::errc() || ptr != end) {
      return fail(ErrorKind::Usage, fmt::format("--metric '{}' is not NAME=NUMBER", arg),
                  "for example --metric scope=12 --metric duration=45");
    }
    metrics[name] = number;
  }
  return metrics;
}

Result<core::Classification> classify_for_unit(const config::Config& config, std::string_view unit,
                                               const std::map<std::string, double>& metrics) {
  auto rules = config.levels.find(std::string(unit));
  if (rules == config.levels.end()) {
    std::vector<std::string> units;
    for (const auto& [name, _] : config.levels) units.push_back(name);
    return fail(ErrorKind::Usage, fmt::format("no level rules for business unit '{}'", unit),
                units.empty() ? std::string("add [levels.<unit>] rules to the config")
                              : fmt::format("use --bu with one of: {}", fmt::join(units, ", ")));
  }
  return core::classify(rules->second, metrics);
}

Result<std::string> read_text_argument(Context& ctx, const std::string& value) {
  if (value == "-") {
    std::stringstream text;
    text << ctx.streams().in.rdbuf();
    return text.str();
  }
  if (!value.empty() && value.front() == '@') {
    std::ifstream file(value.substr(1));
    if (!file) return fail(ErrorKind::Usage, fmt::format("cannot read '{}'", value.substr(1)), "check the path after @");
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }
  return value;
}

Result<std::string> normalize_level(std::string_view text, std::string_view flag) {
  std::string level(text);
  for (auto& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!core::is_valid_level(level))
    return fail(ErrorKind::Usage, fmt::format("{} '{}' is not a level", flag, text), "use P1, P2, P3 or P4");
  return level;
}


nlohmann::json fault_event_json(const core::Fault& fault, const date::time_zone* zone) {
  auto json = core::fault_to_json(fault, zone);
  if (fault.started_at) json["started"] = core::format_iso(*fault.started_at, zone);
  if (fault.recovered_at) json["recovered"] = core::format_iso(*fault.recovered_at, zone);
  if (json.value("time_to_recover", nlohmann::json()).is_string()) json["duration"] = json["time_to_recover"];
  return without_empty(json);
}

nlohmann::json mentions_json(std::string_view person) {
  auto list = nlohmann::json::array();
  if (!person.empty()) list.push_back(std::string(person));
  return list;
}

}  // namespace faultline::cli
