// Presenting a merged configuration (`faultline config show`, `--json`), secrets masked.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "faultline/config/config.hpp"

namespace faultline::config {

// The whole configuration as JSON: one object per section (jira, confluence, team, levels,
// alerts {"rule": [{match, service, team, level}]} in file order, channels, routes, people,
// http) plus "file", "profile" and "sources" (dotted key -> {origin, where}; each alert rule
// as "alerts.rule[i]"). Secrets are "***" when set and null when not; the Jira, Confluence
// and SMTP URLs show with any credentials they carry masked (?token=***).
nlohmann::json config_to_json(const Config& config);

// One aligned line per value, `key = value  # origin where`, secrets masked as in
// config_to_json, preceded by comment lines naming the file and the profile.
std::string render_config_show(const Config& config);

}  // namespace faultline::config
