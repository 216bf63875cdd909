// The arrays of rule tables: [[levels.UNIT.rule]] (classification) and [[alerts.rule]]
// (alert labels to service, team and level).
#include "config/loader.hpp"

#include <fmt/format.h>

#include "faultline/core/alerts.hpp"
#include "faultline/core/levels.hpp"

namespace faultline::config::loading {

template <typename ReadRule>
std::vector<ValueSource> Loader::read_rule_tables(const toml::node& node, const std::string& display,
                                                  std::string_view expected, ReadRule read_rule) {
  std::vector<ValueSource> rule_sources;
  const auto* array = node.as_array();
  if (array == nullptr) {
    problem(fmt::format("{}: {}: expected an array of tables ([[{}]]), found {}", label(node), display, display,
                        core::toml_type_name(node)));
    return rule_sources;
  }
  std::size_t index = 0;
  for (const auto& element : *array) {
    const std::string rule_display = fmt::format("{}[{}]", display, index++);
    const auto* table = element.as_table();
    if (table == nullptr) {
      problem(fmt::format("{}: {}: expected {}, found {}", label(element), rule_display, expected, core::toml_type_name(element)));
      continue;
    }
    if (read_rule(*table, element, rule_display)) rule_sources.push_back(file_place(element).source);
  }
  return rule_sources;
}

void Loader::record_rule_sources(const std::string& rules_key, const toml::node& node,
                                 const std::vector<ValueSource>& rule_sources) {
  std::erase_if(m_state.config.sources, [&rules_key](const auto& entry) { return entry.first.starts_with(rules_key + "["); });
  for (std::size_t i = 0; i < rule_sources.size(); ++i) {
    m_state.config.sources[fmt::format("{}[{}]", rules_key, i)] = rule_sources[i];
  }
  m_state.config.sources[rules_key] = file_place(node).source;
}

bool Loader::read_rule_conditions(const toml::node& value, const std::string& key_display, core::LevelRule& rule) {
  auto texts = as_string_list(value, key_display);
  if (!texts) return false;
  bool valid = true;
  if (texts->empty()) {
    problem(fmt::format("{}: {}: a rule needs at least one condition; allowed: conditions like \"scope >= 30\"",
                        label(value), key_display));
    valid = false;
  }
  const auto& array_node = *value.as_array();
  for (std::size_t i = 0; i < texts->size(); ++i) {
    auto condition = core::parse_condition((*texts)[i]);
    if (!condition) {
      problem(fmt::format("{}: {}: {}", label(array_node[i]), key_display, condition.error()));
      valid = false;
    } else {
      rule.conditions.push_back(std::move(*condition));
    }
  }
  return valid;
}

std::optional<core::LevelRule> Loader::read_level_rule(const toml::table& table, const toml::node& element,
                                                       const std::string& rule_display,
                                                       const std::vector<core::LevelRule>& earlier) {
  core::LevelRule rule;
  bool valid = true;
  for (const auto& [key, value] : in_file_order(table)) {
    const std::string name(key.str());
    const std::string key_display = join_key(rule_display, name);
    const auto* text = value.as_string();
    if (!contains(k_rule_keys, name)) {
      unknown_key(value, rule_display, name, to_strings(k_rule_keys));
      valid = false;
    } else if (name == "level" && (text == nullptr || !core::is_valid_level(text->get()))) {
      problem(fmt::format("{}: {}: {} is not a level; allowed: {}", label(value), key_display,
                          text == nullptr ? core::toml_type_name(value) : fmt::format("'{}'", text->get()), join_names(k_levels)));
      valid = false;
    } else if (name == "level") {
      rule.level = text->get();
    } else if (name == "match" && (text == nullptr || !contains(k_matches, text->get()))) {
      problem(fmt::format("{}: {}: {} is not allowed; allowed: {}", label(value), key_display,
                          text == nullptr ? core::toml_type_name(value) : fmt::format("'{}'", text->get()), join_names(k_matches)));
      valid = false;
    } else if (name == "match") {
      rule.combine = text->get() == "all" ? core::Combine::All : core::Combine::Any;
    } else {
      valid = read_rule_conditions(value, key_display, rule) && valid;
    }
  }
  if (!table.contains("level")) {
    problem(fmt::format("{}: {}: the rule has no level; allowed: level = one of {}", label(element), rule_display,
                        join_names(k_levels)));
    valid = false;
  }
  if (!table.contains("conditions")) {
    problem(fmt::format("{}: {}: the rule has no conditions; allowed: conditions = [\"scope >= 30\", ...]",
                        label(element), rule_display));
    valid = false;
  }
  if (valid && !earlier.empty() && rule.level <= earlier.back().level) {
    problem(fmt::format("{}: {}: level {} comes after {}; allowed: one rule per level, most severe (P1) first",
                        label(element), rule_display, rule.level, earlier.back().level));
    valid = false;
  }
  if (!valid) return std::nullopt;
  return rule;
}

void Loader::apply_rules(const std::string& unit, const toml::node& node, const std::string& display) {
  std::vector<core::LevelRule> rules;
  auto read_rule = [&](const toml::table& table, const toml::node& element, const std::string& rule_display) {
    auto rule = read_level_rule(table, element, rule_display, rules);
    if (rule) rules.push_back(std::move(*rule));
    return rule.has_value();
  };
  const auto rule_sources = read_rule_tables(node, display, "a table with level, match and conditions", read_rule);
  // The rules replace any set by an earlier layer, and so do their sources.
  m_state.config.levels[unit].rules = std::move(rules);
  record_rule_sources(join_key(join_key("levels", unit), "rule"), node, rule_sources);
}

bool Loader::read_alert_match(const toml::node& value, const std::string& key_display, core::AlertRule& rule) {
  const auto* match = value.as_table();
  if (match == nullptr) {
    problem(fmt::format("{}: {}: expected an inline table of label = \"value\" (\"*\" = any value), found {}",
                        label(value), key_display, core::toml_type_name(value)));
    return false;
  }
  if (match->empty()) {
    problem(fmt::format("{}: {}: a rule needs at least one label to match; allowed: match = {{ severity = "
                        "\"critical\", team = \"*\" }}",
                        label(value), key_display));
    return false;
  }
  bool valid = true;
  for (const auto& [label_key, label_value] : in_file_order(*match)) {
    const std::string label_name(label_key.str());
    const auto* text = label_value.as_string();
    if (text == nullptr) {
      problem(fmt::format("{}: {}: expected a string (a label value, or \"*\" for any), found {}", label(label_value),
                          join_key(key_display, label_name), core::toml_type_name(label_value)));
      valid = false;
      continue;
    }
    rule.match[label_name] = text->get();
  }
  return valid;
}

bool Loader::read_alert_target(const std::string& name, const toml::node& value, const std::string& key_display,
                               core::AlertRule& rule) {
  const auto* text = value.as_string();
  if (text == nullptr) {
    problem(fmt::format("{}: {}: expected a string ({{{{label}}}} placeholders allowed), found {}", label(value),
                        key_display, core::toml_type_name(value)));
    return false;
  }
  if (name == "service") {
    rule.service = text->get();
  } else if (name == "team") {
    rule.team = text->get();
  } else if (text->get().find("{{") == std::string::npos && !core::is_valid_level(text->get())) {
    problem(fmt::format("{}: {}: '{}' is not a level; allowed: {}, or a {{{{label}}}} placeholder", label(value),
                        key_display, text->get(), join_names(k_levels)));
    return false;
  } else {
    rule.level = text->get();
  }
  return true;
}

std::optional<core::AlertRule> Loader::read_alert_rule(const toml::table& table, const toml::node& element,
                                                       const std::string& rule_display) {
  core::AlertRule rule;
  bool valid = true;
  for (const auto& [key, value] : in_file_order(table)) {
    const std::string name(key.str());
    const std::string key_display = join_key(rule_display, name);
    if (!contains(k_alert_rule_keys, name)) {
      unknown_key(value, rule_display, name, to_strings(k_alert_rule_keys));
      valid = false;
    } else if (name == "match") {
      valid = read_alert_match(value, key_display, rule) && valid;
    } else {
      valid = read_alert_target(name, value, key_display, rule) && valid;
    }
  }
  if (!table.contains("match")) {
    problem(fmt::format("{}: {}: the rule has no match; allowed: match = {{ severity = \"critical\", team = \"*\" }}",
                        label(element), rule_display));
    valid = false;
  }
  if (!valid) return std::nullopt;
  return rule;
}

void Loader::apply_alert_rules(const toml::node& node, const std::string& display) {
  std::vector<core::AlertRule> rules;
  auto read_rule = [&](const toml::table& table, const toml::node& element, const std::string& rule_display) {
    auto rule = read_alert_rule(table, element, rule_display);
    if (rule) rules.push_back(std::move(*rule));
    return rule.has_value();
  };
  const auto rule_sources = read_rule_tables(node, display, "a table with match and service, team or level", read_rule);
  // The rules replace any set by an earlier layer, and so do their sources.
  m_state.config.alert_rules.rules = std::move(rules);
  record_rule_sources("alerts.rule", node, rule_sources);
}

}  // namespace faultline::config::loading
