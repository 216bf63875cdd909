// The config loader's internals, shared by the files that implement it (private to
// src/config): the schema of keys (schema.cpp), reading TOML tables against it
// (toml_walk.cpp), the sections (sections.cpp), the rule arrays (rules.cpp), secrets
// (secrets.cpp), and the layers in order (load.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "faultline/config/load.hpp"
#include "faultline/core/toml_text.hpp"

namespace faultline::config::loading {

namespace fs = std::filesystem;

using Choices = std::span<const std::string_view>;

// "profile" stays last: profiles cannot nest (apply_root drops it for them).
constexpr std::array<std::string_view, 16> k_sections{"jira",   "confluence", "team",  "levels", "channels",
                                                      "routes", "people",     "teams", "rooms",  "http",
                                                      "alerts", "stats",      "report", "serve", "spool",
                                                      "profile"};
constexpr std::array<std::string_view, 4> k_room_platforms{"slack", "feishu", "dingtalk", "wecom"};
// What [rooms] invite may name besides people keys.
constexpr std::array<std::string_view, 4> k_room_roles{"handler", "coordinator", "team", "owner"};
constexpr std::array<std::string_view, 3> k_flavors{"auto", "cloud", "datacenter"};
constexpr std::array<std::string_view, 3> k_auth_schemes{"auto", "basic", "bearer"};
constexpr std::array<std::string_view, 7> k_channel_kinds{"wecom", "dingtalk", "feishu", "slack",
                                                          "teams", "generic",  "email"};
constexpr std::array<std::string_view, 19> k_fault_facts{
    "level",        "type",        "source",     "team",        "service",   "business_unit",
    "started_at",   "detected_at", "recovered_at", "reviewed_at", "dedupe_key", "review_page",
    "impact",       "data_repair", "rollback",   "review_deadline", "last_update",
    "review_scheduled_at", "review_late_reason"};
constexpr std::array<std::string_view, 13> k_events{
    "fault.opened",   "fault.updated",    "fault.recovered",  "review.published", "actions.overdue",
    "fault.stale",    "review.overdue",   "report.published", "fault.synced",     "room.opened",
    "room.closed",    "review.scheduled", "review.upcoming"};
constexpr std::array<std::string_view, 4> k_levels{"P1", "P2", "P3", "P4"};
constexpr std::array<std::string_view, 2> k_matches{"any", "all"};
constexpr std::array<std::string_view, 3> k_rule_keys{"level", "match", "conditions"};
constexpr std::array<std::string_view, 4> k_alert_rule_keys{"match", "service", "team", "level"};
constexpr std::array<std::string_view, 6> k_mention_platforms{"wecom", "dingtalk", "feishu", "slack", "teams", "email"};

constexpr std::string_view k_url_allowed = "an http:// or https:// URL without user:password@";

// ---- small text helpers (toml_walk.cpp) -----------------------------------------------------

std::string join_names(Choices names);
std::string join_names(const std::vector<std::string>& names);
// The candidate closest to `name`, when it is close enough to be a likely typo.
std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates);
std::vector<std::string> to_strings(Choices names);
bool contains(Choices names, std::string_view name);
// The entries of a table in the order the file has them (toml++ keeps tables sorted by key),
// so problems are reported top to bottom.
std::vector<std::pair<const toml::key&, const toml::node&>> in_file_order(const toml::table& table);
// Letters, digits and '_', not starting with a digit.
bool is_env_name(std::string_view name);
// Checks an http(s) URL and trims trailing slashes. The error never repeats the URL, which
// may be a secret (webhook keys live in URLs); it completes "the value is ...": "not an http
// or https URL", "a URL without a host", ...
std::expected<std::string, std::string> normalize_url(std::string_view text, Choices schemes);

// ---- where a value comes from -------------------------------------------------------------

// A layer a value was read from, for Config::sources and for the start of error messages.
struct Place {
  ValueSource source;
  std::string label;  // "/p/faultline.toml:12", "environment variable X", "flag --jira-url"
  ErrorKind kind = ErrorKind::Config;
};

enum class Layer { File, Profile };

// What the value of a key is checked against.
enum class Check { Text, Url, Choice, Zone, Integer, SmtpUrl };

// A scalar key of the schema and how it is stored in Config.
struct ScalarSpec {
  std::string key;  // dotted config key: "jira.url"
  Check check = Check::Text;
  Choices choices;
  std::int64_t min_value = 0;
  std::int64_t max_value = 0;
  std::function<void(Config&, const std::string&)> set_text;
  std::function<void(Config&, int)> set_number;
};

using TextField = std::function<std::string&(Config&)>;
using NumberField = std::function<int&(Config&)>;

// ---- the schema (schema.cpp) ------------------------------------------------------------------

ScalarSpec text_spec(std::string key, Check check, TextField field, Choices choices = {});
ScalarSpec number_spec(std::string key, std::int64_t min_value, std::int64_t max_value, NumberField field);
ScalarSpec choice_spec(std::string key, Choices choices, std::function<void(Config&, const std::string&)> set);

// A text key stored in `field` of the section `section` of Config.
template <class Section>
ScalarSpec text_in(std::string key, Check check, Section Config::*section, std::string Section::*field,
                   Choices choices = {}) {
  return text_spec(std::move(key), check, [section, field](Config& c) -> std::string& { return (c.*section).*field; },
                   choices);
}

// An integer key stored in `field` of the section `section` of Config.
template <class Section>
ScalarSpec number_in(std::string key, std::int64_t min_value, std::int64_t max_value, Section Config::*section,
                     int Section::*field) {
  return number_spec(std::move(key), min_value, max_value,
                     [section, field](Config& c) -> int& { return (c.*section).*field; });
}

// A workflow status name.
ScalarSpec workflow_in(std::string key, std::string Workflow::*field);

// The scalar keys outside channels, people and levels: the ones flags may also set.
std::vector<ScalarSpec> global_specs();
// The scalar keys of one channel table.
std::vector<ScalarSpec> channel_specs(const std::string& name);
// The scalar keys of one person table: identities and a mention id per platform.
std::vector<ScalarSpec> person_specs(const std::string& name);

// How a secret is fetched, as the file says.
struct SecretSpec {
  enum class Via { Literal, Env, Cmd } via = Via::Literal;
  std::string value;     // the literal, the variable name or the command
  std::string via_key;   // "token", "token_env", "token_cmd", "url_env", ...
  std::string label;     // "/p/faultline.toml:12"
  std::size_t line = 0;  // 12
  std::string display;   // the key as written: "profile.ci.jira.token_cmd"
  Layer layer = Layer::File;
  TextField field;       // where the value goes
  Check check = Check::Text;
};

// A secret written in the file itself (token = "..."), which only a private file may hold.
struct LiteralSecret {
  std::string config_key;  // "jira.token"
  std::string display;     // the key as written: "profile.ci.jira.token"
  std::size_t line = 0;
};

// Who besides the owner a file mode lets in, for the refusal of a literal secret:
// "its group can read it", "its group and everyone else can read it", "everyone else can
// read and write it; its group can read it". Empty when `mode & 077` is 0.
std::string describe_shared_access(unsigned mode);

// A key handled by code of its own rather than by a ScalarSpec.
struct Handler {
  std::string name;
  std::function<void(const toml::node&, const std::string& display)> apply;
};

// The parts of a load that a profile changes; copied to check the profiles not chosen.
struct State {
  Config config;
  std::map<std::string, SecretSpec> secrets;  // config key ("jira.token") -> how to fetch it
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> route_refs;  // event -> (channel, label)
  std::map<std::string, std::string> channel_labels;  // channel -> where its table starts
};

struct Problem {
  ErrorKind kind = ErrorKind::Config;
  std::string text;
};

// One load: applies the layers in order and collects every problem found.
class Loader {
public:
  Loader(std::string file, std::optional<fs::perms> perms, const Environment& env, const CommandRunner& runner)
      : m_file(std::move(file)), m_perms(perms), m_env(env), m_runner(runner), m_specs(global_specs()) {}

  Result<Loaded> run(const toml::table* root, const LoadOptions& options);

private:
  void apply_root(const toml::table& root, const std::string& display_prefix);
  void apply_profiles(const toml::table& root, const std::string& chosen, const std::string& chosen_from);
  void walk(const toml::table& table, const std::string& path, const std::string& display_path,
            const std::vector<ScalarSpec>& specs, const std::vector<Handler>& handlers);
  void take_scalar(const ScalarSpec& spec, const toml::node& node, const std::string& display);
  void assign(const ScalarSpec& spec, const std::string& text, std::optional<std::int64_t> number, const Place& place,
              const std::string& display);
  std::vector<Handler> secret_handlers(const std::string& config_key, const std::string& base, TextField field,
                                       Check check);
  void take_secret(const std::string& config_key, SecretSpec spec, const toml::node& node, const std::string& display);
  void apply_jira(const toml::table& table, const std::string& display_path);
  void apply_stats(const toml::table& table, const std::string& display_path);
  void apply_fields(const toml::node& node, const std::string& display);
  void apply_confluence(const toml::table& table, const std::string& display_path);
  void apply_team(const toml::table& table, const std::string& display_path);
  void apply_levels(const toml::table& table, const std::string& display_path);
  void apply_rules(const std::string& unit, const toml::node& node, const std::string& display);
  void apply_channels(const toml::table& table, const std::string& display_path);
  void apply_routes(const toml::table& table, const std::string& display_path);
  void apply_people(const toml::table& table, const std::string& display_path);
  void apply_http(const toml::table& table, const std::string& display_path);
  void apply_teams(const toml::table& table, const std::string& display_path);
  void apply_rooms(const toml::table& table, const std::string& display_path);
  void apply_serve(const toml::table& table, const std::string& display_path);
  void apply_alerts(const toml::table& table, const std::string& display_path);
  void apply_alert_rules(const toml::node& node, const std::string& display);
  // One [[levels.UNIT.rule]] table, checked against the rules before it (most severe first);
  // nullopt when it has problems (reported).
  std::optional<core::LevelRule> read_level_rule(const toml::table& table, const toml::node& element,
                                                 const std::string& rule_display,
                                                 const std::vector<core::LevelRule>& earlier);
  bool read_rule_conditions(const toml::node& value, const std::string& key_display, core::LevelRule& rule);
  // One [[alerts.rule]] table; nullopt when it has problems (reported).
  std::optional<core::AlertRule> read_alert_rule(const toml::table& table, const toml::node& element,
                                                 const std::string& rule_display);
  bool read_alert_match(const toml::node& value, const std::string& key_display, core::AlertRule& rule);
  bool read_alert_target(const std::string& name, const toml::node& value, const std::string& key_display,
                         core::AlertRule& rule);
  // Calls read_rule(table, display) for each table of an array of tables ([[...]]) and
  // returns the sources of those it accepted; other elements are problems naming `expected`.
  template <typename ReadRule>
  std::vector<ValueSource> read_rule_tables(const toml::node& node, const std::string& display,
                                            std::string_view expected, ReadRule read_rule);
  // Records the rules' sources as rules_key[i], replacing those of an earlier layer.
  void record_rule_sources(const std::string& rules_key, const toml::node& node,
                           const std::vector<ValueSource>& rule_sources);
  void apply_level_numbers(const toml::node& node, const std::string& config_key, const std::string& display,
                           std::int64_t max_value, std::map<std::string, int> TeamSettings::*field);
  void apply_environment();
  void apply_flags(const LoadOptions& options);
  void resolve_secrets();
  void apply_confluence_defaults();
  void validate_whole();
  void validate_rooms();
  void check_file_mode();

  const toml::table* as_table(const toml::node& node, const std::string& display);
  std::optional<std::vector<std::string>> as_string_list(const toml::node& node, const std::string& display);
  std::string label(const toml::node& node) const;
  Place file_place(const toml::node& node) const;
  void problem(std::string text, ErrorKind kind = ErrorKind::Config) { m_problems.push_back({kind, std::move(text)}); }
  void unknown_key(const toml::node& node, const std::string& display_path, std::string_view name,
                   const std::vector<std::string>& allowed);
  const ScalarSpec* find_spec(const std::vector<ScalarSpec>& specs, std::string_view key) const;

  std::string m_file;
  std::optional<fs::perms> m_perms;
  const Environment& m_env;
  const CommandRunner& m_runner;
  std::vector<ScalarSpec> m_specs;
  State m_state;
  Layer m_layer = Layer::File;
  std::vector<LiteralSecret> m_literal_secrets;                        // in the file, for check_file_mode
  std::string m_mode_hint;  // the hint of a file-mode refusal, "" when the mode is fine
  std::map<std::string, Place> m_secret_overrides;                     // config key -> env/flag place
  std::map<std::string, std::string> m_secret_override_values;
  std::vector<Problem> m_problems;
  std::vector<std::string> m_warnings;
};

// Parses `toml_text` and loads it (Loader::run). Error (Config) "file:line:column: not valid
// TOML" for a syntax error; the loader's otherwise.
Result<Loaded> load_parsed(std::string_view toml_text, std::string_view file_label, std::optional<fs::perms> perms,
                           const LoadOptions& options, const Environment& env, const CommandRunner& runner);

}  // namespace faultline::config::loading
