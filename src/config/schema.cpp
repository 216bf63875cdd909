// The schema of the config file: every scalar key, what its value is checked against and
// where it is stored in Config.
#include "config/loader.hpp"

#include <fmt/format.h>

namespace faultline::config::loading {

ScalarSpec text_spec(std::string key, Check check, TextField field, Choices choices) {
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

namespace {

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

}  // namespace

ScalarSpec choice_spec(std::string key, Choices choices, std::function<void(Config&, const std::string&)> set) {
  ScalarSpec spec;
  spec.key = std::move(key);
  spec.check = Check::Choice;
  spec.choices = choices;
  spec.set_text = std::move(set);
  return spec;
}

ScalarSpec workflow_in(std::string key, std::string Workflow::*field) {
  return text_spec(std::move(key), Check::Text, [field](Config& c) -> std::string& { return c.jira.workflow.*field; });
}

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

      text_in("stats.releases_csv", Check::Text, &Config::stats, &StatsSettings::releases_csv),
      text_in("report.parent", Check::Text, &Config::report, &ReportSettings::parent),

      text_in("serve.listen", Check::Text, &Config::serve, &ServeSettings::listen),
      text_in("serve.signature_header", Check::Text, &Config::serve, &ServeSettings::signature_header),
      text_in("serve.timestamp_header", Check::Text, &Config::serve, &ServeSettings::timestamp_header),
      number_in("serve.max_body_kib", 1, 65536, &Config::serve, &ServeSettings::max_body_kib),
      text_in("spool.dir", Check::Text, &Config::spool, &SpoolSettings::dir),
      number_in("spool.sync_seconds", 0, 600, &Config::spool, &SpoolSettings::sync_seconds),

      choice_spec("rooms.platform", k_room_platforms, [](Config& c, const std::string& v) { c.rooms.platform = v; }),
      text_in("rooms.url", Check::Url, &Config::rooms, &RoomsSettings::url),
      text_in("rooms.api_url", Check::Url, &Config::rooms, &RoomsSettings::api_url),
      text_in("rooms.app_id", Check::Text, &Config::rooms, &RoomsSettings::app_id),
      text_in("rooms.template_id", Check::Text, &Config::rooms, &RoomsSettings::template_id),
      text_in("rooms.robot_code", Check::Text, &Config::rooms, &RoomsSettings::robot_code),
      text_in("rooms.owner", Check::Text, &Config::rooms, &RoomsSettings::owner),
      text_in("rooms.name", Check::Text, &Config::rooms, &RoomsSettings::name),

      number_in("http.timeout_seconds", 1, 3600, &Config::http, &H::timeout_seconds),
      number_in("http.connect_timeout_seconds", 1, 600, &Config::http, &H::connect_timeout_seconds),
      number_in("http.max_retries", 0, 20, &Config::http, &H::max_retries),
      text_in("http.ca_bundle", Check::Text, &Config::http, &H::ca_bundle),
      number_in("http.concurrency", 1, 64, &Config::http, &H::concurrency),
  };
}

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

std::vector<ScalarSpec> person_specs(const std::string& name) {
  const std::string prefix = join_key("people", name);
  std::vector<ScalarSpec> specs;
  specs.push_back(text_spec(prefix + ".jira", Check::Text, [name](Config& c) -> std::string& { return c.people[name].jira; }));
  specs.push_back(text_spec(prefix + ".team", Check::Text, [name](Config& c) -> std::string& { return c.people[name].team; }));
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

}  // namespace faultline::config::loading
