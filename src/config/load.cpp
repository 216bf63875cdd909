// Loading the configuration: the file (with its profile), then the environment, then the
// flags, then the secrets, then the checks across keys; every problem collected and reported
// at once. The sections, rules and secrets are read in their own files (see loader.hpp).
#include "faultline/config/load.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "config/loader.hpp"
#include "faultline/core/text_input.hpp"
#include "faultline/util/files.hpp"

namespace faultline::config {

namespace loading {

void Loader::apply_environment() {
  const std::array<std::pair<std::string_view, std::string_view>, 4> k_overrides{
      std::pair{"FAULTLINE_JIRA_URL", "jira.url"}, std::pair{"FAULTLINE_JIRA_USER", "jira.user"},
      std::pair{"FAULTLINE_CONFLUENCE_URL", "confluence.url"}, std::pair{"FAULTLINE_SPOOL_DIR", "spool.dir"}};
  for (const auto& [variable, key] : k_overrides) {
    auto value = m_env.get(variable);
    if (!value || value->empty()) continue;
    Place place{{"env", std::string(variable)}, fmt::format("environment variable {}", variable), ErrorKind::Config};
    assign(*find_spec(m_specs, key), *value, std::nullopt, place, std::string(key));
  }
  const std::array<std::pair<std::string_view, std::string_view>, 2> k_tokens{
      std::pair{"FAULTLINE_JIRA_TOKEN", "jira.token"}, std::pair{"FAULTLINE_CONFLUENCE_TOKEN", "confluence.token"}};
  for (const auto& [variable, key] : k_tokens) {
    auto value = m_env.get(variable);
    if (!value || value->empty()) continue;
    m_secret_overrides[std::string(key)] = {{"env", std::string(variable)}, std::string(variable), ErrorKind::Config};
    m_secret_override_values[std::string(key)] = *value;
  }
}

void Loader::apply_flags(const LoadOptions& options) {
  for (const auto& [key, value] : options.flag_overrides) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '.', '-');
    std::replace(flag.begin(), flag.end(), '_', '-');
    Place place{{"flag", flag}, fmt::format("flag {}", flag), ErrorKind::Usage};
    if (key == "jira.token" || key == "confluence.token") {
      m_secret_overrides[key] = place;
      m_secret_override_values[key] = value;
      continue;
    }
    if (const ScalarSpec* spec = find_spec(m_specs, key)) {
      assign(*spec, value, std::nullopt, place, key);
      continue;
    }
    auto keys = overridable_keys();
    std::string hint;
    if (auto best = closest(key, keys)) hint = fmt::format(" (did you mean '{}'?)", *best);
    problem(fmt::format("{}: unknown config key '{}'{}; allowed: {}", place.label, key, hint, join_names(keys)),
            ErrorKind::Usage);
  }
}

void Loader::apply_confluence_defaults() {
  Config& config = m_state.config;
  if (config.confluence.user.empty() && !config.jira.user.empty()) {
    config.confluence.user = config.jira.user;
    config.sources["confluence.user"] = {"default", "jira.user"};
  }
  if (config.confluence.token.empty() && !config.jira.token.empty()) {
    config.confluence.token = config.jira.token;
    config.sources["confluence.token"] = {"default", "jira.token"};
  }
}

// [rooms]: the credentials each platform's group API needs, and invitees that name a role or a
// person this config defines.
void Loader::validate_rooms() {
  const RoomsSettings& rooms = m_state.config.rooms;
  if (!rooms.enabled()) return;
  const std::string where = m_file.empty() ? std::string("the config") : m_file;
  auto need = [&](const std::string& value, std::string_view key, std::string_view example) {
    if (!value.empty()) return;
    // A secret whose variable or command gave nothing is already a warning naming it.
    const auto base = key.substr(0, key.rfind("_env"));
    if (key.ends_with("_env") && m_state.secrets.contains("rooms." + std::string(base))) return;
    problem(fmt::format("{}: rooms.{} is missing: the {} group API needs it; allowed: {}", where, key, rooms.platform,
                        example));
  };
  if (rooms.platform == "slack") {
    need(rooms.token, "token_env", "token_env = \"SLACK_BOT_TOKEN\" (a bot token, xoxb-...)");
  } else {
    need(rooms.app_id, "app_id",
         rooms.platform == "wecom" ? "app_id = \"ww...\" (the corpid)" : "app_id = \"...\" (the app's id or key)");
    need(rooms.app_secret, "app_secret_env", "app_secret_env = \"ROOMS_APP_SECRET\"");
  }
  if (rooms.platform == "dingtalk") {
    need(rooms.template_id, "template_id", "the scene-group template id from the developer console");
    need(rooms.robot_code, "robot_code", "the app robot's robotCode");
    need(rooms.owner, "owner", "a people key whose dingtalk id owns the groups");
  }
  std::vector<std::string> names = to_strings(k_room_roles);
  for (const auto& [key, person] : m_state.config.people) names.push_back(key);
  auto check_person = [&](const std::string& name, std::string_view key) {
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    std::string hint;
    if (auto best = closest(name, names)) hint = fmt::format(" (did you mean '{}'?)", *best);
    problem(fmt::format("{}: {}: '{}' is neither a role nor a person in [people]{}; allowed: {}", where, key, name, hint,
                        join_names(names)));
  };
  for (const auto& name : rooms.invite) check_person(name, "rooms.invite");
  for (const auto& [level, people] : rooms.extra_by_level) {
    for (const auto& name : people) check_person(name, join_key("rooms.extra", level));
  }
}

void Loader::validate_whole() {
  const Config& config = m_state.config;
  for (const auto& [name, channel] : config.channels) {
    const std::string where = m_state.channel_labels.contains(name) ? m_state.channel_labels.at(name) : m_file;
    const std::string display = join_key("channels", name);
    if (channel.kind.empty()) {
      problem(fmt::format("{}: {}.kind is missing; allowed: {}", where, display, join_names(k_channel_kinds)));
    } else if (channel.kind == "email" && (channel.smtp_url.empty() || channel.to.empty() || channel.from.empty())) {
      problem(fmt::format("{}: {}: an email channel needs smtp_url, from and to; allowed: smtp_url = "
                          "\"smtps://host:465\", from = \"faults@example.com\", to = [\"ops@example.com\"]",
                          where, display));
    }
  }
  validate_rooms();
  std::vector<std::string> defined;
  for (const auto& [name, channel] : config.channels) defined.push_back(name);
  for (const auto& [event, refs] : m_state.route_refs) {
    for (const auto& [channel, where] : refs) {
      if (config.channels.contains(channel)) continue;
      if (channel == "room") {  // the fault's response room (notify::k_room_target)
        if (!config.rooms.enabled())
          problem(fmt::format("{}: {}: the route target 'room' needs a [rooms] table (platform and its bot "
                              "credentials); allowed: a channel name, or 'room' with [rooms]",
                              where, join_key("routes", event)));
        continue;
      }
      std::string hint;
      if (auto best = closest(channel, defined)) hint = fmt::format(" (did you mean '{}'?)", *best);
      problem(fmt::format("{}: {}: channel '{}' is not defined{}; allowed: {}", where, join_key("routes", event), channel,
                          hint, defined.empty() ? std::string("none is defined; add a [channels.NAME] table")
                                                : join_names(defined)));
    }
  }
}

Result<Loaded> Loader::run(const toml::table* root, const LoadOptions& options) {
  Config& config = m_state.config;
  config.file = m_file;
  for (const auto& spec : m_specs) config.sources[spec.key] = {"default", ""};
  config.sources["jira.token"] = {"default", ""};
  config.sources["confluence.token"] = {"default", ""};

  std::string profile = options.profile;
  std::string profile_from = "--profile";
  if (profile.empty()) {
    profile = m_env.get("FAULTLINE_PROFILE").value_or("");
    profile_from = "FAULTLINE_PROFILE";
  }
  if (root != nullptr) {
    m_layer = Layer::File;
    apply_root(*root, "");
    apply_profiles(*root, profile, profile_from);
  } else if (!profile.empty()) {
    problem(fmt::format("profile '{}' was asked for (by {}) but no config file was found; allowed: a profile defined "
                        "in the config file",
                        profile, profile_from),
            ErrorKind::Usage);
  }
  apply_environment();
  apply_flags(options);
  check_file_mode();
  if (m_problems.empty()) resolve_secrets();
  apply_confluence_defaults();
  validate_whole();

  if (!m_problems.empty()) {
    Error error;
    error.kind = m_problems.front().kind;
    error.message = m_problems.front().text;
    for (std::size_t i = 1; i < m_problems.size(); ++i) error.details.push_back(m_problems[i].text);
    error.hint = !m_mode_hint.empty() ? m_mode_hint : "see examples/faultline-cloud.toml for a complete, commented config";
    return std::unexpected(std::move(error));
  }
  return Loaded{std::move(m_state.config), std::move(m_warnings)};
}

Result<Loaded> load_parsed(std::string_view toml_text, std::string_view file_label, std::optional<fs::perms> perms,
                           const LoadOptions& options, const Environment& env, const CommandRunner& runner) {
  if (auto text_ok = core::check_text_file(toml_text, file_label, ErrorKind::Config); !text_ok) {
    return std::unexpected(text_ok.error());
  }
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(file_label));
  } catch (const toml::parse_error& error) {
    return fail(ErrorKind::Config,
                fmt::format("{}:{}:{}: not valid TOML: {}", file_label, error.source().begin.line,
                            error.source().begin.column, error.description()),
                "see https://toml.io for the syntax, or examples/faultline-cloud.toml");
  }
  Loader loader(std::string(file_label), perms, env, runner);
  return loader.run(&root, options);
}

}  // namespace loading

namespace fs = std::filesystem;
using loading::Loader;

std::vector<std::string> overridable_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : loading::global_specs()) keys.push_back(spec.key);
  keys.emplace_back("jira.token");
  keys.emplace_back("confluence.token");
  std::sort(keys.begin(), keys.end());
  return keys;
}

Result<std::optional<std::string>> find_config_file(const LoadOptions& options, const Environment& env) {
  std::error_code ignored;
  if (!options.config_path.empty()) {
    if (!fs::is_regular_file(options.config_path, ignored)) {
      return fail(ErrorKind::Config, fmt::format("--config {}: no such file", options.config_path),
                  "give the path of an existing TOML file");
    }
    return options.config_path;
  }
  if (auto from_env = env.get("FAULTLINE_CONFIG"); from_env && !from_env->empty()) {
    if (!fs::is_regular_file(*from_env, ignored)) {
      return fail(ErrorKind::Config, fmt::format("FAULTLINE_CONFIG={}: no such file", *from_env),
                  "unset FAULTLINE_CONFIG or point it at an existing TOML file");
    }
    return *from_env;
  }
  const fs::path local = fs::path(options.working_dir) / "faultline.toml";
  if (fs::is_regular_file(local, ignored)) return local.string();
  fs::path user_dir;
  if (auto xdg = env.get("XDG_CONFIG_HOME"); xdg && !xdg->empty()) {
    user_dir = *xdg;
  } else if (auto home = env.get("HOME"); home && !home->empty()) {
    user_dir = fs::path(*home) / ".config";
  }
  if (!user_dir.empty()) {
    const fs::path user_file = user_dir / "faultline" / "config.toml";
    if (fs::is_regular_file(user_file, ignored)) return user_file.string();
  }
  return std::optional<std::string>{};
}

Result<Loaded> load_config(const LoadOptions& options, const Environment& env, const CommandRunner& runner) {
  FAULTLINE_TRY(found, find_config_file(options, env));
  if (!*found) {
    if (options.missing == LoadOptions::Missing::Error) {
      return fail(ErrorKind::Config,
                  fmt::format("no config file found; looked for --config, $FAULTLINE_CONFIG, {}, "
                              "$XDG_CONFIG_HOME/faultline/config.toml (~/.config/faultline/config.toml)",
                              (fs::path(options.working_dir) / "faultline.toml").string()),
                  "run `faultline init`, or copy examples/faultline-cloud.toml to ./faultline.toml");
    }
    Loader loader("", std::nullopt, env, runner);
    return loader.run(nullptr, options);
  }
  const std::string& path = **found;
  auto text = read_file(path);
  if (!text) return fail(ErrorKind::Config, fmt::format("{}: cannot be read", path), "check the file's permissions");
  std::error_code error;
  const auto status = fs::status(path, error);
  std::optional<fs::perms> perms;
  if (!error) perms = status.permissions();
  return loading::load_parsed(*text, path, perms, options, env, runner);
}

Result<Loaded> load_config_from_string(std::string_view toml, std::string_view file_label, const LoadOptions& options,
                                       const Environment& env, const CommandRunner& runner) {
  return loading::load_parsed(toml, file_label, std::nullopt, options, env, runner);
}

}  // namespace faultline::config
