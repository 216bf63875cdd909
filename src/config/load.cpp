#include "faultline/config/load.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <span>
#include <sstream>
#include <stdexcept>

#include <date/tz.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include "faultline/core/levels.hpp"

namespace faultline::config {

namespace {

namespace fs = std::filesystem;

using Choices = std::span<const std::string_view>;

constexpr std::array<std::string_view, 10> k_sections{"jira",   "confluence", "team", "levels",  "channels",
                                                      "routes", "people",     "http", "alerts", "profile"};
constexpr std::array<std::string_view, 3> k_flavors{"auto", "cloud", "datacenter"};
constexpr std::array<std::string_view, 3> k_auth_schemes{"auto", "basic", "bearer"};
constexpr std::array<std::string_view, 7> k_channel_kinds{"wecom", "dingtalk", "feishu", "slack",
                                                          "teams", "generic",  "email"};
constexpr std::array<std::string_view, 17> k_fault_facts{
    "level",        "type",        "source",     "team",        "service",   "business_unit",
    "started_at",   "detected_at", "recovered_at", "reviewed_at", "dedupe_key", "review_page",
    "impact",       "data_repair", "rollback",   "review_deadline", "last_update"};
constexpr std::array<std::string_view, 7> k_events{"fault.opened",     "fault.updated",   "fault.recovered",
                                                   "review.published", "actions.overdue", "fault.stale",
                                                   "review.overdue"};
constexpr std::array<std::string_view, 4> k_levels{"P1", "P2", "P3", "P4"};
constexpr std::array<std::string_view, 2> k_matches{"any", "all"};
constexpr std::array<std::string_view, 3> k_rule_keys{"level", "match", "conditions"};
constexpr std::array<std::string_view, 4> k_alert_rule_keys{"match", "service", "team", "level"};
constexpr std::array<std::string_view, 6> k_mention_platforms{"wecom", "dingtalk", "feishu", "slack", "teams", "email"};

constexpr std::string_view k_url_allowed = "an http:// or https:// URL without user:password@";

// ---- small text helpers -------------------------------------------------------------------

std::string join_names(Choices names) { return fmt::format("{}", fmt::join(names, ", ")); }

std::string join_names(const std::vector<std::string>& names) { return fmt::format("{}", fmt::join(names, ", ")); }

// Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The candidate closest to `name`, when it is close enough to be a likely typo.
std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::clamp<std::size_t>((name.size() + 1) / 3, 1, 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::vector<std::string> to_strings(Choices names) { return {names.begin(), names.end()}; }

bool contains(Choices names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number with a fraction";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// One entry of a table, in a form that can be sorted.
struct Entry {
  const toml::key* key_ptr;
  const toml::node* node_ptr;
};

// The entries of a table in the order the file has them (toml++ keeps tables sorted by key),
// so problems are reported top to bottom.
std::vector<std::pair<const toml::key&, const toml::node&>> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (const auto& [key, node] : table) entries.push_back({&key, &node});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const auto& x = a.node_ptr->source().begin;
    const auto& y = b.node_ptr->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  std::vector<std::pair<const toml::key&, const toml::node&>> ordered;
  ordered.reserve(entries.size());
  for (const auto& entry : entries) ordered.emplace_back(*entry.key_ptr, *entry.node_ptr);
  return ordered;
}

bool is_env_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

// Checks an http(s) URL and trims trailing slashes. The error never repeats the URL, which
// may be a secret (webhook keys live in URLs).
std::expected<std::string, std::string> normalize_url(std::string_view text, Choices schemes) {
  text = trim(text);
  const auto separator = text.find("://");
  const std::string scheme = separator == std::string_view::npos ? std::string() : lower(text.substr(0, separator));
  if (separator == std::string_view::npos || !contains(schemes, scheme)) {
    return std::unexpected(fmt::format("not an {} URL", fmt::join(schemes, " or ")));
  }
  const std::string_view rest = text.substr(separator + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return std::unexpected(std::string("a URL with user:password@ is not allowed; set user = ... and the token "
                                       "with token_env or token_cmd"));
  }
  if (authority.empty()) return std::unexpected(std::string("the URL has no host"));
  if (std::any_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
    return std::unexpected(std::string("the URL contains white space"));
  }
  std::string url(text);
  while (url.size() > separator + 3 + authority.size() && url.back() == '/') url.pop_back();
  return url;
}

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

ScalarSpec text_spec(std::string key, Check check, TextField field, Choices choices = {}) {
  ScalarSpec spec;
  spec.key = std::move(key);
  spec.check = check;
  spec.choices = choices;
  spec.set_text = [field = std::move(field)](Config& config, const std::string& value) { field(config) = value; };
  return spec;
}

ScalarSpec number_spec(std::string key, std::int64_t min_value, std::int64_t max_value, NumberField field) {
  ScalarSpec spec;
  spec.key = std::move(key);
  spec.check = Check::Integer;
  spec.min_value = min_value;
  spec.max_value = max_value;
  spec.set_number = [field = std::move(field)](Config& config, int value) { field(config) = value; };
  return spec;
}

Flavor parse_flavor(std::string_view text) {
  if (text == "cloud") return Flavor::Cloud;
  if (text == "datacenter") return Flavor::DataCenter;
  return Flavor::Auto;
}

AuthScheme parse_auth(std::string_view text) {
  if (text == "basic") return AuthScheme::Basic;
  if (text == "bearer") return AuthScheme::Bearer;
  return AuthScheme::Auto;
}

ScalarSpec choice_spec(std::string key, Choices choices, std::function<void(Config&, const std::string&)> set) {
  ScalarSpec spec;
  spec.key = std::move(key);
  spec.check = Check::Choice;
  spec.choices = choices;
  spec.set_text = std::move(set);
  return spec;
}

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
ScalarSpec workflow_in(std::string key, std::string Workflow::*field) {
  return text_spec(std::move(key), Check::Text, [field](Config& c) -> std::string& { return c.jira.workflow.*field; });
}

// The scalar keys outside channels, people and levels: the ones flags may also set.
std::vector<ScalarSpec> global_specs() {
  using J = JiraSettings;
  using C = ConfluenceSettings;
  using T = TeamSettings;
  using H = HttpSettings;
  auto jira_flavor = [](Config& c, const std::string& v) { c.jira.flavor = parse_flavor(v); };
  auto jira_auth = [](Config& c, const std::string& v) { c.jira.auth = parse_auth(v); };
  auto confluence_flavor = [](Config& c, const std::string& v) { c.confluence.flavor = parse_flavor(v); };
  auto confluence_auth = [](Config& c, const std::string& v) { c.confluence.auth = parse_auth(v); };
  return {
      text_in("jira.url", Check::Url, &Config::jira, &J::url),
      choice_spec("jira.flavor", k_flavors, jira_flavor),
      choice_spec("jira.auth", k_auth_schemes, jira_auth),
      text_in("jira.user", Check::Text, &Config::jira, &J::user),
      text_in("jira.project", Check::Text, &Config::jira, &J::project),
      text_in("jira.fault_type", Check::Text, &Config::jira, &J::fault_type),
      text_in("jira.subtask_type", Check::Text, &Config::jira, &J::subtask_type),
      workflow_in("jira.workflow.reported", &Workflow::reported),
      workflow_in("jira.workflow.handling", &Workflow::handling),
      workflow_in("jira.workflow.recovered", &Workflow::recovered),
      workflow_in("jira.workflow.reviewing", &Workflow::reviewing),
      workflow_in("jira.workflow.closed", &Workflow::closed),

      text_in("confluence.url", Check::Url, &Config::confluence, &C::url),
      choice_spec("confluence.flavor", k_flavors, confluence_flavor),
      choice_spec("confluence.auth", k_auth_schemes, confluence_auth),
      text_in("confluence.user", Check::Text, &Config::confluence, &C::user),
      text_in("confluence.space", Check::Text, &Config::confluence, &C::space),
      text_in("confluence.parent", Check::Text, &Config::confluence, &C::parent),

      text_in("team.timezone", Check::Zone, &Config::team, &T::timezone),
      text_in("team.coordinator", Check::Text, &Config::team, &T::coordinator),
      number_in("team.update_cadence_minutes", 1, 1440, &Config::team, &T::update_cadence_minutes),
      number_in("team.review_due_hours", 1, 720, &Config::team, &T::review_due_hours),
      number_in("team.escalate_after_days", 0, 365, &Config::team, &T::escalate_after_days),
      text_in("team.template_dir", Check::Text, &Config::team, &T::template_dir),

      number_in("http.timeout_seconds", 1, 3600, &Config::http, &H::timeout_seconds),
      number_in("http.connect_timeout_seconds", 1, 600, &Config::http, &H::connect_timeout_seconds),
      number_in("http.max_retries", 0, 20, &Config::http, &H::max_retries),
      text_in("http.ca_bundle", Check::Text, &Config::http, &H::ca_bundle),
      number_in("http.concurrency", 1, 64, &Config::http, &H::concurrency),
  };
}

// The scalar keys of one channel table.
std::vector<ScalarSpec> channel_specs(const std::string& name) {
  const std::string prefix = join_key("channels", name);
  std::vector<ScalarSpec> specs;
  specs.push_back(text_spec(prefix + ".kind", Check::Choice,
                            [name](Config& c) -> std::string& { return c.channels[name].kind; }, k_channel_kinds));
  specs.push_back(text_spec(prefix + ".smtp_url", Check::SmtpUrl, [name](Config& c) -> std::string& { return c.channels[name].smtp_url; }));
  specs.push_back(text_spec(prefix + ".smtp_user", Check::Text, [name](Config& c) -> std::string& { return c.channels[name].smtp_user; }));
  specs.push_back(text_spec(prefix + ".from", Check::Text, [name](Config& c) -> std::string& { return c.channels[name].from; }));
  return specs;
}

// The scalar keys of one person table: identities and a mention id per platform.
std::vector<ScalarSpec> person_specs(const std::string& name) {
  const std::string prefix = join_key("people", name);
  std::vector<ScalarSpec> specs;
  specs.push_back(text_spec(prefix + ".jira", Check::Text, [name](Config& c) -> std::string& { return c.people[name].jira; }));
  for (std::string_view platform : k_mention_platforms) {
    ScalarSpec spec;
    spec.key = fmt::format("{}.{}", prefix, platform);
    spec.set_text = [name, platform = std::string(platform)](Config& c, const std::string& v) {
      Person& person = c.people[name];
      person.mentions[platform] = v;
      if (platform == "email") person.email = v;
    };
    specs.push_back(std::move(spec));
  }
  return specs;
}

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
  void apply_fields(const toml::node& node, const std::string& display);
  void apply_confluence(const toml::table& table, const std::string& display_path);
  void apply_team(const toml::table& table, const std::string& display_path);
  void apply_levels(const toml::table& table, const std::string& display_path);
  void apply_rules(const std::string& unit, const toml::node& node, const std::string& display);
  void apply_channels(const toml::table& table, const std::string& display_path);
  void apply_routes(const toml::table& table, const std::string& display_path);
  void apply_people(const toml::table& table, const std::string& display_path);
  void apply_http(const toml::table& table, const std::string& display_path);
  void apply_alerts(const toml::table& table, const std::string& display_path);
  void apply_alert_rules(const toml::node& node, const std::string& display);
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
  std::vector<std::pair<std::string, std::string>> m_literal_secrets;  // (display key, label)
  std::map<std::string, Place> m_secret_overrides;                     // config key -> env/flag place
  std::map<std::string, std::string> m_secret_override_values;
  std::vector<Problem> m_problems;
  std::vector<std::string> m_warnings;
};

std::string Loader::label(const toml::node& node) const {
  return fmt::format("{}:{}", m_file, node.source().begin.line);
}

Place Loader::file_place(const toml::node& node) const {
  Place place;
  place.label = label(node);
  place.source = {m_layer == Layer::File ? "file" : "profile", place.label};
  return place;
}

const ScalarSpec* Loader::find_spec(const std::vector<ScalarSpec>& specs, std::string_view key) const {
  auto found = std::find_if(specs.begin(), specs.end(), [key](const ScalarSpec& spec) { return spec.key == key; });
  return found == specs.end() ? nullptr : &*found;
}

void Loader::unknown_key(const toml::node& node, const std::string& display_path, std::string_view name,
                         const std::vector<std::string>& allowed) {
  std::string hint;
  if (auto best = closest(name, allowed)) hint = fmt::format(" (did you mean '{}'?)", join_key(display_path, *best));
  problem(fmt::format("{}: unknown key '{}'{}; allowed: {}", label(node), join_key(display_path, name), hint,
                      join_names(allowed)));
}

const toml::table* Loader::as_table(const toml::node& node, const std::string& display) {
  if (const auto* table = node.as_table()) return table;
  problem(fmt::format("{}: {}: expected a table, found {}", label(node), display, type_name(node)));
  return nullptr;
}

std::optional<std::vector<std::string>> Loader::as_string_list(const toml::node& node, const std::string& display) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    problem(fmt::format("{}: {}: expected an array of strings, found {}", label(node), display, type_name(node)));
    return std::nullopt;
  }
  std::vector<std::string> values;
  for (const auto& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) {
      problem(fmt::format("{}: {}: expected an array of strings, found {} in it", label(element), display,
                          type_name(element)));
      return std::nullopt;
    }
    values.push_back(text->get());
  }
  return values;
}

void Loader::walk(const toml::table& table, const std::string& path, const std::string& display_path,
                  const std::vector<ScalarSpec>& specs, const std::vector<Handler>& handlers) {
  for (const auto& [key, node] : in_file_order(table)) {
    const std::string name(key.str());
    const std::string display = join_key(display_path, name);
    if (const ScalarSpec* spec = find_spec(specs, join_key(path, name))) {
      take_scalar(*spec, node, display);
      continue;
    }
    auto handler = std::find_if(handlers.begin(), handlers.end(), [&name](const Handler& h) { return h.name == name; });
    if (handler != handlers.end()) {
      handler->apply(node, display);
      continue;
    }
    std::vector<std::string> allowed;
    const std::string child_prefix = path + ".";
    for (const auto& spec : specs) {
      if (spec.key.starts_with(child_prefix) && spec.key.find('.', child_prefix.size()) == std::string::npos) {
        allowed.push_back(spec.key.substr(child_prefix.size()));
      }
    }
    for (const auto& h : handlers) allowed.push_back(h.name);
    unknown_key(node, display_path, name, allowed);
  }
}

void Loader::take_scalar(const ScalarSpec& spec, const toml::node& node, const std::string& display) {
  if (spec.check == Check::Integer) {
    const auto* number = node.as_integer();
    if (number == nullptr) {
      problem(fmt::format("{}: {}: expected an integer from {} to {}, found {}", label(node), display, spec.min_value,
                          spec.max_value, type_name(node)));
      return;
    }
    assign(spec, {}, number->get(), file_place(node), display);
    return;
  }
  const auto* text = node.as_string();
  if (text == nullptr) {
    std::string allowed = spec.check == Check::Choice ? fmt::format(" (one of {})", join_names(spec.choices)) : "";
    problem(fmt::format("{}: {}: expected a string{}, found {}", label(node), display, allowed, type_name(node)));
    return;
  }
  assign(spec, text->get(), std::nullopt, file_place(node), display);
}

void Loader::assign(const ScalarSpec& spec, const std::string& text, std::optional<std::int64_t> number,
                    const Place& place, const std::string& display) {
  auto reject = [&](const std::string& why) { problem(fmt::format("{}: {}: {}", place.label, display, why), place.kind); };
  std::string value = text;
  switch (spec.check) {
    case Check::Text: break;
    case Check::Url:
    case Check::SmtpUrl: {
      constexpr std::array<std::string_view, 2> k_http{"http", "https"};
      constexpr std::array<std::string_view, 2> k_smtp{"smtp", "smtps"};
      const bool smtp = spec.check == Check::SmtpUrl;
      if (value.empty()) break;  // an empty URL means "not set"
      auto url = normalize_url(value, smtp ? Choices(k_smtp) : Choices(k_http));
      if (!url) {
        reject(fmt::format("'{}' is {}; allowed: {}", value, url.error(),
                           smtp ? "an smtp:// or smtps:// URL without user:password@" : k_url_allowed));
        return;
      }
      value = *url;
      break;
    }
    case Check::Choice:
      if (!contains(spec.choices, value)) {
        std::string hint;
        if (auto best = closest(value, to_strings(spec.choices))) hint = fmt::format(" (did you mean '{}'?)", *best);
        reject(fmt::format("'{}' is not allowed{}; allowed: {}", value, hint, join_names(spec.choices)));
        return;
      }
      break;
    case Check::Zone:
      try {
        (void)date::locate_zone(value);
      } catch (const std::exception&) {
        reject(fmt::format("'{}' is not a known IANA time zone; allowed: a name from the tz database such as "
                           "'UTC', 'Europe/Berlin', 'Asia/Shanghai'",
                           value));
        return;
      }
      break;
    case Check::Integer: {
      if (!number) {
        std::int64_t parsed = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (value.empty() || error != std::errc{} || end != value.data() + value.size()) {
          reject(fmt::format("'{}' is not an integer; allowed: {} to {}", value, spec.min_value, spec.max_value));
          return;
        }
        number = parsed;
      }
      if (*number < spec.min_value || *number > spec.max_value) {
        reject(fmt::format("{} is out of range; allowed: {} to {}", *number, spec.min_value, spec.max_value));
        return;
      }
      spec.set_number(m_state.config, static_cast<int>(*number));
      m_state.config.sources[spec.key] = place.source;
      return;
    }
  }
  spec.set_text(m_state.config, value);
  m_state.config.sources[spec.key] = place.source;
}

std::vector<Handler> Loader::secret_handlers(const std::string& config_key, const std::string& base, TextField field,
                                             Check check) {
  using Via = SecretSpec::Via;
  std::vector<Handler> handlers;
  for (const auto& [name, via] : {std::pair{base, Via::Literal}, std::pair{base + "_env", Via::Env},
                                  std::pair{base + "_cmd", Via::Cmd}}) {
    SecretSpec spec;
    spec.via = via;
    spec.via_key = name;
    spec.field = field;
    spec.check = check;
    handlers.push_back({name, [this, config_key, spec](const toml::node& node, const std::string& display) {
                          take_secret(config_key, spec, node, display);
                        }});
  }
  return handlers;
}

void Loader::take_secret(const std::string& config_key, SecretSpec spec, const toml::node& node,
                         const std::string& display) {
  const auto* text = node.as_string();
  if (text == nullptr) {
    problem(fmt::format("{}: {}: expected a string, found {}", label(node), display, type_name(node)));
    return;
  }
  if (spec.via == SecretSpec::Via::Env && !is_env_name(text->get())) {
    problem(fmt::format("{}: {}: '{}' is not an environment variable name; allowed: letters, digits and '_', not "
                        "starting with a digit",
                        label(node), display, text->get()));
    return;
  }
  auto previous = m_state.secrets.find(config_key);
  if (previous != m_state.secrets.end() && previous->second.layer == m_layer) {
    problem(fmt::format("{}: {}: {} is already set by '{}' ({}); allowed: only one of {}, {}_env, {}_cmd", label(node),
                        display, config_key, previous->second.display, previous->second.label, config_key, config_key,
                        config_key));
    return;
  }
  spec.value = text->get();
  spec.label = label(node);
  spec.line = node.source().begin.line;
  spec.display = display;
  spec.layer = m_layer;
  if (spec.via == SecretSpec::Via::Literal) m_literal_secrets.emplace_back(display, spec.label);
  m_state.secrets[config_key] = std::move(spec);
}

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
                          label(value), join_key(display, fact), text == nullptr ? type_name(value) : "an empty string"));
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
                          max_value, number == nullptr ? type_name(value) : std::to_string(number->get())));
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

void Loader::apply_http(const toml::table& table, const std::string& display_path) {
  walk(table, "http", display_path, m_specs, {});
}

template <typename ReadRule>
std::vector<ValueSource> Loader::read_rule_tables(const toml::node& node, const std::string& display,
                                                  std::string_view expected, ReadRule read_rule) {
  std::vector<ValueSource> rule_sources;
  const auto* array = node.as_array();
  if (array == nullptr) {
    problem(fmt::format("{}: {}: expected an array of tables ([[{}]]), found {}", label(node), display, display,
                        type_name(node)));
    return rule_sources;
  }
  std::size_t index = 0;
  for (const auto& element : *array) {
    const std::string rule_display = fmt::format("{}[{}]", display, index++);
    const auto* table = element.as_table();
    if (table == nullptr) {
      problem(fmt::format("{}: {}: expected {}, found {}", label(element), rule_display, expected, type_name(element)));
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

void Loader::apply_rules(const std::string& unit, const toml::node& node, const std::string& display) {
  std::vector<core::LevelRule> rules;
  auto read_rule = [&](const toml::table& rule_table, const toml::node& element, const std::string& rule_display) {
    const auto* table = &rule_table;
    core::LevelRule rule;
    bool valid = true;
    for (const auto& [key, value] : in_file_order(*table)) {
      const std::string name(key.str());
      const std::string key_display = join_key(rule_display, name);
      if (!contains(k_rule_keys, name)) {
        unknown_key(value, rule_display, name, to_strings(k_rule_keys));
        valid = false;
      } else if (name == "level") {
        const auto* text = value.as_string();
        if (text == nullptr || !core::is_valid_level(text->get())) {
          problem(fmt::format("{}: {}: {} is not a level; allowed: {}", label(value), key_display,
                              text == nullptr ? type_name(value) : fmt::format("'{}'", text->get()), join_names(k_levels)));
          valid = false;
        } else {
          rule.level = text->get();
        }
      } else if (name == "match") {
        const auto* text = value.as_string();
        if (text == nullptr || !contains(k_matches, text->get())) {
          problem(fmt::format("{}: {}: {} is not allowed; allowed: {}", label(value), key_display,
                              text == nullptr ? type_name(value) : fmt::format("'{}'", text->get()), join_names(k_matches)));
          valid = false;
        } else {
          rule.combine = text->get() == "all" ? core::Combine::All : core::Combine::Any;
        }
      } else {
        auto texts = as_string_list(value, key_display);
        if (!texts) {
          valid = false;
          continue;
        }
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
      }
    }
    if (!table->contains("level")) {
      problem(fmt::format("{}: {}: the rule has no level; allowed: level = one of {}", label(element), rule_display,
                          join_names(k_levels)));
      valid = false;
    }
    if (!table->contains("conditions")) {
      problem(fmt::format("{}: {}: the rule has no conditions; allowed: conditions = [\"scope >= 30\", ...]",
                          label(element), rule_display));
      valid = false;
    }
    if (valid && !rules.empty() && rule.level <= rules.back().level) {
      problem(fmt::format("{}: {}: level {} comes after {}; allowed: one rule per level, most severe (P1) first",
                          label(element), rule_display, rule.level, rules.back().level));
      valid = false;
    }
    if (valid) rules.push_back(std::move(rule));
    return valid;
  };
  const auto rule_sources =
      read_rule_tables(node, display, "a table with level, match and conditions", read_rule);
  // The rules replace any set by an earlier layer, and so do their sources.
  m_state.config.levels[unit].rules = std::move(rules);
  record_rule_sources(join_key(join_key("levels", unit), "rule"), node, rule_sources);
}

void Loader::apply_alert_rules(const toml::node& node, const std::string& display) {
  std::vector<core::AlertRule> rules;
  auto read_rule = [&](const toml::table& rule_table, const toml::node& element, const std::string& rule_display) {
    const auto* table = &rule_table;
    core::AlertRule rule;
    bool valid = true;
    for (const auto& [key, value] : in_file_order(*table)) {
      const std::string name(key.str());
      const std::string key_display = join_key(rule_display, name);
      if (!contains(k_alert_rule_keys, name)) {
        unknown_key(value, rule_display, name, to_strings(k_alert_rule_keys));
        valid = false;
        continue;
      }
      if (name == "match") {
        const auto* match = value.as_table();
        if (match == nullptr) {
          problem(fmt::format("{}: {}: expected an inline table of label = \"value\" (\"*\" = any value), found {}",
                              label(value), key_display, type_name(value)));
          valid = false;
          continue;
        }
        if (match->empty()) {
          problem(fmt::format("{}: {}: a rule needs at least one label to match; allowed: match = {{ severity = "
                              "\"critical\", team = \"*\" }}",
                              label(value), key_display));
          valid = false;
          continue;
        }
        for (const auto& [label_key, label_value] : in_file_order(*match)) {
          const std::string label_name(label_key.str());
          const auto* text = label_value.as_string();
          if (text == nullptr) {
            problem(fmt::format("{}: {}: expected a string (a label value, or \"*\" for any), found {}",
                                label(label_value), join_key(key_display, label_name), type_name(label_value)));
            valid = false;
            continue;
          }
          rule.match[label_name] = text->get();
        }
        continue;
      }
      const auto* text = value.as_string();
      if (text == nullptr) {
        problem(fmt::format("{}: {}: expected a string ({{{{label}}}} placeholders allowed), found {}", label(value),
                            key_display, type_name(value)));
        valid = false;
        continue;
      }
      if (name == "service") {
        rule.service = text->get();
      } else if (name == "team") {
        rule.team = text->get();
      } else {
        if (text->get().find("{{") == std::string::npos && !core::is_valid_level(text->get())) {
          problem(fmt::format("{}: {}: '{}' is not a level; allowed: {}, or a {{{{label}}}} placeholder", label(value),
                              key_display, text->get(), join_names(k_levels)));
          valid = false;
          continue;
        }
        rule.level = text->get();
      }
    }
    if (!table->contains("match")) {
      problem(fmt::format("{}: {}: the rule has no match; allowed: match = {{ severity = \"critical\", team = \"*\" }}",
                          label(element), rule_display));
      valid = false;
    }
    if (valid) rules.push_back(std::move(rule));
    return valid;
  };
  const auto rule_sources =
      read_rule_tables(node, display, "a table with match and service, team or level", read_rule);
  // The rules replace any set by an earlier layer, and so do their sources.
  m_state.config.alert_rules.rules = std::move(rules);
  record_rule_sources("alerts.rule", node, rule_sources);
}

void Loader::apply_alerts(const toml::table& table, const std::string& display_path) {
  std::vector<Handler> handlers;
  handlers.push_back({"rule", [this](const toml::node& node, const std::string& display) {
                        apply_alert_rules(node, display);
                      }});
  walk(table, "alerts", display_path, {}, handlers);
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
    else if (name == "http") apply_http(*table, display);
    else if (name == "alerts") apply_alerts(*table, display);
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

void Loader::apply_environment() {
  const std::array<std::pair<std::string_view, std::string_view>, 3> k_overrides{
      std::pair{"FAULTLINE_JIRA_URL", "jira.url"}, std::pair{"FAULTLINE_JIRA_USER", "jira.user"},
      std::pair{"FAULTLINE_CONFLUENCE_URL", "confluence.url"}};
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

void Loader::resolve_secrets() {
  using Via = SecretSpec::Via;
  Config& config = m_state.config;
  for (const auto& [key, place] : m_secret_overrides) {
    (key == "jira.token" ? config.jira.token : config.confluence.token) = m_secret_override_values[key];
    config.sources[key] = place.source;
  }
  // In file order, so the warnings read top to bottom.
  std::vector<std::pair<std::string, const SecretSpec*>> ordered;
  for (const auto& [key, spec] : m_state.secrets) ordered.emplace_back(key, &spec);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second->line < b.second->line; });
  for (const auto& [key, spec_ptr] : ordered) {
    const SecretSpec& spec = *spec_ptr;
    if (m_secret_overrides.contains(key)) continue;
    std::string value;
    ValueSource source;
    if (spec.via == Via::Literal) {
      value = spec.value;
      source = {spec.layer == Layer::File ? "file" : "profile", spec.label};
    } else if (spec.via == Via::Env) {
      auto found = m_env.get(spec.value);
      if (!found || found->empty()) {
        m_warnings.push_back(fmt::format("{}: {}: the environment variable {} is not set, so {} is empty; commands "
                                         "that need it will fail",
                                         spec.label, spec.display, spec.value, key));
        config.sources[key] = {spec.via_key, spec.value + " (not set)"};
        continue;
      }
      value = *found;
      source = {spec.via_key, spec.value};
    } else {
      auto output = m_runner.run(spec.value);
      if (!output) {
        m_warnings.push_back(fmt::format("{}: {}: {}, so {} is empty; commands that need it will fail", spec.label,
                                         spec.display, output.error().message, key));
        config.sources[key] = {spec.via_key, spec.value + " (failed)"};
        continue;
      }
      if (output->empty()) {
        m_warnings.push_back(fmt::format("{}: {}: the command `{}` printed nothing, so {} is empty", spec.label,
                                         spec.display, spec.value, key));
        config.sources[key] = {spec.via_key, spec.value + " (printed nothing)"};
        continue;
      }
      value = *output;
      source = {spec.via_key, spec.value};
    }
    if (spec.check == Check::Url) {
      constexpr std::array<std::string_view, 2> k_http{"http", "https"};
      auto url = normalize_url(value, k_http);
      if (!url) {  // never quote the value: it is a secret
        problem(fmt::format("{}: {}: the value is {}; allowed: {}", spec.label, spec.display, url.error(), k_url_allowed));
        continue;
      }
      value = *url;
    }
    spec.field(config) = value;
    config.sources[key] = source;
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
  std::vector<std::string> defined;
  for (const auto& [name, channel] : config.channels) defined.push_back(name);
  for (const auto& [event, refs] : m_state.route_refs) {
    for (const auto& [channel, where] : refs) {
      if (config.channels.contains(channel)) continue;
      std::string hint;
      if (auto best = closest(channel, defined)) hint = fmt::format(" (did you mean '{}'?)", *best);
      problem(fmt::format("{}: {}: channel '{}' is not defined{}; allowed: {}", where, join_key("routes", event), channel,
                          hint, defined.empty() ? std::string("none is defined; add a [channels.NAME] table")
                                                : join_names(defined)));
    }
  }
}

void Loader::check_file_mode() {
  if (!m_perms || m_literal_secrets.empty()) return;
  const auto mode = static_cast<unsigned>(*m_perms) & 0777U;
  const bool others = (*m_perms & fs::perms::others_read) != fs::perms::none;
  const bool group = (*m_perms & fs::perms::group_read) != fs::perms::none;
  for (const auto& [display, where] : m_literal_secrets) {
    if (others) {
      problem(fmt::format("{}: {}: {} holds a secret but anyone may read it (mode {:04o}); allowed: a secret in the "
                          "file only when its mode is 0600 or 0400 (run `chmod 600 {}`), or use token_env / token_cmd "
                          "(url_env / url_cmd for channels)",
                          where, display, m_file, mode, m_file));
    } else if (group) {
      m_warnings.push_back(fmt::format("{}: {}: {} holds a secret and its group may read it (mode {:04o}); run "
                                       "`chmod 600 {}` or use token_env / token_cmd",
                                       where, display, m_file, mode, m_file));
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
    bool mode_problem = std::any_of(m_problems.begin(), m_problems.end(),
                                    [](const Problem& p) { return p.text.find("anyone may read it") != std::string::npos; });
    error.hint = mode_problem ? fmt::format("run `chmod 600 {}`, or move the secret out of the file with token_env / "
                                            "token_cmd (url_env / url_cmd for channels)",
                                            m_file)
                              : "see examples/faultline-cloud.toml for a complete, commented config";
    return std::unexpected(std::move(error));
  }
  return Loaded{std::move(m_state.config), std::move(m_warnings)};
}

Result<Loaded> load_parsed(std::string_view toml_text, std::string_view file_label, std::optional<fs::perms> perms,
                           const LoadOptions& options, const Environment& env, const CommandRunner& runner) {
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

}  // namespace

std::vector<std::string> overridable_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : global_specs()) keys.push_back(spec.key);
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
  auto found = find_config_file(options, env);
  if (!found) return std::unexpected(found.error());
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
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return fail(ErrorKind::Config, fmt::format("{}: cannot be read", path), "check the file's permissions");
  std::error_code error;
  const auto status = fs::status(path, error);
  std::optional<fs::perms> perms;
  if (!error) perms = status.permissions();
  return load_parsed(text.str(), path, perms, options, env, runner);
}

Result<Loaded> load_config_from_string(std::string_view toml, std::string_view file_label, const LoadOptions& options,
                                       const Environment& env, const CommandRunner& runner) {
  return load_parsed(toml, file_label, std::nullopt, options, env, runner);
}

}  // namespace faultline::config
