#include "faultline/app/fault_session.hpp"

#include <charconv>

#include <fmt/format.h>

#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

Result<FaultSession> open_fault_session(Services& services) {
  FaultSession session;
  FAULTLINE_TRY(config, services.config());
  session.config = *config;
  FAULTLINE_TRY(zone, services.zone());
  session.zone = *zone;
  FAULTLINE_TRY(jira, services.jira());
  session.jira = *jira;
  session.repository = std::make_unique<FaultRepository>(*session.jira, *session.config, session.zone);
  // Properties missing from search results (Data Center) are then read in one batch.
  if (auto transport = services.transport()) session.repository->use_batch_transport(**transport);
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
      return fail(ErrorKind::Usage, fmt::format("--metric '{}' is not NAME=NUMBER", shorten_for_message(arg)),
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
    return fail(ErrorKind::Usage, fmt::format("no level rules for business unit '{}'", shorten_for_message(unit)),
                units.empty() ? std::string("add [levels.<unit>] rules to the config")
                              : fmt::format("use --bu with one of: {}", fmt::join(units, ", ")));
  }
  return core::classify(rules->second, metrics);
}

Result<std::string> normalize_level(std::string_view text, std::string_view flag) {
  std::string level(text);
  if (level.size() == 2 && level[0] == 'p') level[0] = 'P';
  if (!core::is_valid_level(level))
    return fail(ErrorKind::Usage, fmt::format("{} '{}' is not a level", flag, shorten_for_message(text)),
                "use P1, P2, P3 or P4");
  return level;
}

}  // namespace faultline::app
