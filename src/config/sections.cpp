// The sections of the config file ([jira], [confluence], [team], [levels], [channels],
// [routes], [people], [teams], [rooms], [http], [alerts], [stats], [report], [serve], [spool]) and the profiles that overlay them.
#include "config/loader.hpp"

#include <fmt/format.h>

#include "faultline/core/levels.hpp"

namespace faultline::config::loading {

void Loader::apply_fields(const toml::node& node, const std::string& display) {
  const auto* fields = as_table(node, display);
  if (fields == nullptr) return;
  for (const auto& [key, value] : in_file_order(*fields)) {
    const std::string fact(key.str());
    if (!contains(k_fault_facts, fact)) {
      unknown_key(value, display, fact, to_strings(k_fault_facts));
      continue;
    }
    const auto* text = value.as_string();
    if (text == nullptr || text->get().empty()) {
      problem(fmt::format("{}: {}: expected a Jira field name or id (\"Fault Level\", \"customfield_10042\"), found {}",
                          label(value), join_key(display, fact), text == nullptr ? core::toml_type_name(value) : "an empty string"));
      continue;
    }
    m_state.config.jira.fields[fact] = text->get();
    m_state.config.sources[join_key("jira.fields", fact)] = file_place(value).source;
  }
}

void Loader::apply_jira(const toml::table& table, const std::string& display_path) {
  auto handlers = secret_handlers("jira.token", "token", [](Config& c) -> std::string& { return c.jira.token; },
                                  Check::Text);
  handlers.push_back({"fields", [this](const toml::node& node, const std::string& display) {
                        apply_fields(node, display);
                      }});
  handlers.push_back({"workflow", [this](const toml::node& node, const std::string& display) {
                        if (const auto* workflow = as_table(node, display)) {
                          walk(*workflow, "jira.workflow", display, m_specs, {});
                        }
                      }});
  walk(table, "jira", display_path, m_specs, handlers);
}

void Loader::apply_confluence(const toml::table& table, const std::string& display_path) {
  auto handlers = secret_handlers("confluence.token", "token",
                                  [](Config& c) -> std::string& { return c.confluence.token; }, Check::Text);
  walk(table, "confluence", display_path, m_specs, handlers);
}

void Loader::apply_level_numbers(const toml::node& node, const std::string& config_key, const std::string& display,
                                 std::int64_t max_value, std::map<std::string, int> TeamSettings::*field) {
  const auto* table = as_table(node, display);
  if (table == nullptr) return;
  for (const auto& [key, value] : in_file_order(*table)) {
    const std::string level(key.str());
    if (!core::is_valid_level(level)) {
      unknown_key(value, display, level, to_strings(k_levels));
      continue;
    }
    const auto* number = value.as_integer();
    if (number == nullptr || number->get() < 1 || number->get() > max_value) {
      problem(fmt::format("{}: {}: expected an integer from 1 to {}, found {}", label(value), join_key(display, level),
                          max_value, number == nullptr ? core::toml_type_name(value) : std::to_string(number->get())));
      continue;
    }
    (m_state.config.team.*field)[level] = static_cast<int>(number->get());
    m_state.config.sources[join_key(config_key, level)] = file_place(value).source;
  }
}

void Loader::apply_team(const toml::table& table, const std::string& display_path) {
  std::vector<Handler> handlers;
  handlers.push_back({"review_due_hours_by_level", [this](const toml::node& node, const std::string& display) {
                        apply_level_numbers(node, "team.review_due_hours_by_level", display, 720,
                                            &TeamSettings::review_due_hours_by_level);
                      }});
  handlers.push_back({"update_cadence_by_level", [this](const toml::node& node, const std::string& display) {
                        apply_level_numbers(node, "team.update_cadence_by_level", display, 1440,
                                            &TeamSettings::update_cadence_by_level);
                      }});
  walk(table, "team", display_path, m_specs, handlers);
}

void Loader::apply_serve(const toml::table& table, const std::string& display_path) {
  auto handlers = secret_handlers("serve.token", "token", [](Config& c) -> std::string& { return c.serve.token; },
                                  Check::Text);
  auto hmac = secret_handlers("serve.hmac_secret", "hmac_secret",
                              [](Config& c) -> std::string& { return c.serve.hmac_secret; }, Check::Text);
  handlers.insert(handlers.end(), hmac.begin(), hmac.end());
  walk(table, "serve", display_path, m_specs, handlers);
}

void Loader::apply_http(const toml::table& table, const std::string& display_path) {
  walk(table, "http", display_path, m_specs, {});
}

void Loader::apply_alerts(const toml::table& table, const std::string& display_path) {
  std::vector<Handler> handlers;
  handlers.push_back({"rule", [this](const toml::node& node, const std::string& display) {
                        apply_alert_rules(node, display);
                      }});
  walk(table, "alerts", display_path, {}, handlers);
}

void Loader::apply_stats(const toml::table& table, const std::string& display_path) {
  std::vector<Handler> handlers;
  handlers.push_back({"release_projects", [this](const toml::node& node, const std::string& display) {
                        if (auto list = as_string_list(node, display)) {
                          m_state.config.stats.release_projects = std::move(*list);
                          m_state.config.sources["stats.release_projects"] = file_place(node).source;
                        }
                      }});
  walk(table, "stats", display_path, m_specs, handlers);
}

void Loader::apply_levels(const toml::table& table, const std::string& display_path) {
  for (const auto& [key, node] : in_file_order(table)) {
    const std::string unit(key.str());
    const std::string display = join_key(display_path, unit);
    const auto* unit_table = as_table(node, display);
    if (unit_table == nullptr) continue;
    m_state.config.levels[unit];  // a unit with only a fallback still exists
    std::vector<ScalarSpec> specs;
    specs.push_back(text_spec(join_key(join_key("levels", unit), "fallback"), Check::Choice,
                              [unit](Config& c) -> std::string& { return c.levels[unit].fallback_level; }, k_levels));
    std::vector<Handler> handlers;
    handlers.push_back({"rule", [this, unit](const toml::node& rules, const std::string& rules_display) {
                          apply_rules(unit, rules, rules_display);
                        }});
    walk(*unit_table, join_key("levels", unit), display, specs, handlers);
  }
}

void Loader::apply_channels(const toml::table& table, const std::string& display_path) {
  for (const auto& [key, node] : in_file_order(table)) {
    const std::string name(key.str());
    const std::string display = join_key(display_path, name);
    const auto* channel_table = as_table(node, display);
    if (channel_table == nullptr) continue;
    m_state.config.channels[name].name = name;
    m_state.channel_labels.emplace(name, label(node));
    const std::string path = join_key("channels", name);
    std::vector<Handler> handlers;
    auto add = [&handlers](std::vector<Handler> more) { handlers.insert(handlers.end(), more.begin(), more.end()); };
    add(secret_handlers(path + ".url", "url", [name](Config& c) -> std::string& { return c.channels[name].url; }, Check::Url));
    add(secret_handlers(path + ".secret", "secret", [name](Config& c) -> std::string& { return c.channels[name].secret; },
                        Check::Text));
    add(secret_handlers(path + ".smtp_password", "smtp_password",
                        [name](Config& c) -> std::string& { return c.channels[name].smtp_password; }, Check::Text));
    handlers.push_back({"to", [this, name, path](const toml::node& to, const std::string& to_display) {
                          if (auto list = as_string_list(to, to_display)) {
                            m_state.config.channels[name].to = std::move(*list);
                            m_state.config.sources[path + ".to"] = file_place(to).source;
                          }
                        }});
    walk(*channel_table, path, display, channel_specs(name), handlers);
  }
}

void Loader::apply_routes(const toml::table& table, const std::string& display_path) {
  for (const auto& [key, node] : in_file_order(table)) {
    const std::string event(key.str());
    if (!contains(k_events, event)) {
      std::string hint;
      if (auto best = closest(event, to_strings(k_events))) hint = fmt::format(" (did you mean '{}'?)", *best);
      problem(fmt::format("{}: unknown event '{}' in {}{}; allowed: {}", label(node), event, display_path, hint,
                          join_names(k_events)));
      continue;
    }
    const std::string display = join_key(display_path, event);
    auto channels = as_string_list(node, display);
    if (!channels) continue;
    std::vector<std::pair<std::string, std::string>> refs;
    const auto& array = *node.as_array();
    for (std::size_t i = 0; i < channels->size(); ++i) refs.emplace_back((*channels)[i], label(array[i]));
    m_state.route_refs[event] = std::move(refs);
    m_state.config.routes[event] = std::move(*channels);
    m_state.config.sources[join_key("routes", event)] = file_place(node).source;
  }
}

void Loader::apply_people(const toml::table& table, const std::string& display_path) {
  for (const auto& [key, node] : in_file_order(table)) {
    const std::string name(key.str());
    const std::string display = join_key(display_path, name);
    const auto* person_table = as_table(node, display);
    if (person_table == nullptr) continue;
    m_state.config.people[name].key = name;
    walk(*person_table, join_key("people", name), display, person_specs(name), {});
  }
}

void Loader::apply_teams(const toml::table& table, const std::string& display_path) {
  for (const auto& [key, node] : in_file_order(table)) {
    const std::string name(key.str());
    const std::string display = join_key(display_path, name);
    const auto* team_table = as_table(node, display);
    if (team_table == nullptr) continue;
    const std::string path = join_key("teams", name);
    m_state.config.teams[name].name = name;
    std::vector<ScalarSpec> specs;
    specs.push_back(text_spec(path + ".lead", Check::Text, [name](Config& c) -> std::string& { return c.teams[name].lead; }));
    std::vector<Handler> handlers;
    handlers.push_back({"members", [this, name, path](const toml::node& members, const std::string& members_display) {
                          if (auto list = as_string_list(members, members_display)) {
                            m_state.config.teams[name].members = std::move(*list);
                            m_state.config.sources[path + ".members"] = file_place(members).source;
                          }
                        }});
    walk(*team_table, path, display, specs, handlers);
  }
}

void Loader::apply_rooms(const toml::table& table, const std::string& display_path) {
  auto handlers = secret_handlers("rooms.token", "token", [](Config& c) -> std::string& { return c.rooms.token; },
                                  Check::Text);
  auto app_secret = secret_handlers("rooms.app_secret", "app_secret",
                                    [](Config& c) -> std::string& { return c.rooms.app_secret; }, Check::Text);
  handlers.insert(handlers.end(), app_secret.begin(), app_secret.end());
  handlers.push_back({"private", [this](const toml::node& node, const std::string& display) {
                        if (const auto* flag = node.as_boolean()) {
                          m_state.config.rooms.is_private = flag->get();
                          m_state.config.sources["rooms.private"] = file_place(node).source;
                        } else {
                          problem(fmt::format("{}: {}: expected true or false, found {}", label(node), display,
                                              core::toml_type_name(node)));
                        }
                      }});
  handlers.push_back({"levels", [this](const toml::node& node, const std::string& display) {
                        auto list = as_string_list(node, display);
                        if (!list) return;
                        for (const auto& level : *list) {
                          if (!core::is_valid_level(level)) {
                            problem(fmt::format("{}: {}: unknown level '{}'; allowed: {}", label(node), display, level,
                                                join_names(k_levels)));
                            return;
                          }
                        }
                        m_state.config.rooms.levels = std::move(*list);
                        m_state.config.sources["rooms.levels"] = file_place(node).source;
                      }});
  handlers.push_back({"invite", [this](const toml::node& node, const std::string& display) {
                        if (auto list = as_string_list(node, display)) {
                          m_state.config.rooms.invite = std::move(*list);
                          m_state.config.sources["rooms.invite"] = file_place(node).source;
                        }
                      }});
  handlers.push_back({"extra", [this](const toml::node& node, const std::string& display) {
                        const auto* extra = as_table(node, display);
                        if (extra == nullptr) return;
                        for (const auto& [key, value] : in_file_order(*extra)) {
                          const std::string level(key.str());
                          if (!core::is_valid_level(level)) {
                            unknown_key(value, display, level, to_strings(k_levels));
                            continue;
                          }
                          if (auto list = as_string_list(value, join_key(display, level))) {
                            m_state.config.rooms.extra_by_level[level] = std::move(*list);
                            m_state.config.sources[join_key("rooms.extra", level)] = file_place(value).source;
                          }
                        }
                      }});
  walk(table, "rooms", display_path, m_specs, handlers);
}

void Loader::apply_root(const toml::table& root, const std::string& display_prefix) {
  const bool top = display_prefix.empty();
  for (const auto& [key, node] : in_file_order(root)) {
    const std::string name(key.str());
    const std::string display = join_key(display_prefix, name);
    if (!contains(k_sections, name) || (name == "profile" && !top)) {
      std::vector<std::string> allowed = to_strings(k_sections);
      if (!top) allowed.pop_back();
      unknown_key(node, display_prefix, name, allowed);
      continue;
    }
    const auto* table = as_table(node, display);
    if (table == nullptr) continue;
    if (name == "jira") apply_jira(*table, display);
    else if (name == "confluence") apply_confluence(*table, display);
    else if (name == "team") apply_team(*table, display);
    else if (name == "levels") apply_levels(*table, display);
    else if (name == "channels") apply_channels(*table, display);
    else if (name == "routes") apply_routes(*table, display);
    else if (name == "people") apply_people(*table, display);
    else if (name == "teams") apply_teams(*table, display);
    else if (name == "rooms") apply_rooms(*table, display);
    else if (name == "http") apply_http(*table, display);
    else if (name == "alerts") apply_alerts(*table, display);
    else if (name == "stats") apply_stats(*table, display);
    else if (name == "report") walk(*table, "report", display, m_specs, {});
    else if (name == "serve") apply_serve(*table, display);
    else if (name == "spool") walk(*table, "spool", display, m_specs, {});
    // "profile" is applied by apply_profiles
  }
}

void Loader::apply_profiles(const toml::table& root, const std::string& chosen, const std::string& chosen_from) {
  std::vector<std::string> defined;
  const toml::table* profiles = nullptr;
  if (const auto* node = root.get("profile")) profiles = node->as_table();  // a non-table was reported already
  if (profiles != nullptr) {
    for (const auto& [key, node] : in_file_order(*profiles)) defined.emplace_back(key.str());
  }
  m_layer = Layer::Profile;
  // Every profile is checked, so a typo in one not used today is found today.
  // Literal secrets found there still count for the file mode check: they are in the file.
  const State base = m_state;
  if (profiles != nullptr) {
    for (const auto& [key, node] : in_file_order(*profiles)) {
      const std::string name(key.str());
      if (name == chosen) continue;
      const std::string display = join_key("profile", name);
      if (const auto* table = as_table(node, display)) apply_root(*table, display);
      m_state = base;
    }
  }
  if (chosen.empty()) {
    m_layer = Layer::File;
    return;
  }
  const toml::node* chosen_node = profiles == nullptr ? nullptr : profiles->get(chosen);
  if (chosen_node == nullptr) {
    std::string hint;
    if (auto best = closest(chosen, defined)) hint = fmt::format(" (did you mean '{}'?)", *best);
    problem(fmt::format("{}: unknown profile '{}' (from {}){}; allowed: {}", m_file, chosen, chosen_from, hint,
                        defined.empty() ? std::string("none is defined; add a [profile.NAME] table")
                                        : join_names(defined)),
            chosen_from == "--profile" ? ErrorKind::Usage : ErrorKind::Config);
  } else {
    const std::string display = join_key("profile", chosen);
    if (const auto* table = as_table(*chosen_node, display)) apply_root(*table, display);
    m_state.config.profile = chosen;
  }
  m_layer = Layer::File;
}

}  // namespace faultline::config::loading
