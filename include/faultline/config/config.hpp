// The merged configuration of one run: file < environment < flags < defaults resolved, secrets
// looked up, rules validated. Loading is in config/load.hpp; nothing here does I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/core/alerts.hpp"
#include "faultline/core/levels.hpp"

namespace faultline::config {

enum class Flavor { Auto, Cloud, DataCenter };
// How credentials are sent. Auto: Basic user:token on Cloud, Bearer token on Data Center
// when no user is set, Basic when a user is set.
enum class AuthScheme { Auto, Basic, Bearer };

const char* to_string(Flavor flavor);    // "auto" | "cloud" | "datacenter"
const char* to_string(AuthScheme auth);  // "auto" | "basic" | "bearer"

// Where a value came from, for `faultline config show`.
struct ValueSource {
  std::string origin;  // "default", "file", "profile", "env", "flag", or the key that fetched a
                       // secret: "token_env", "token_cmd", "url_env", "secret_cmd", ...
  std::string where;   // "/path/faultline.toml:12", "FAULTLINE_JIRA_URL", "--jira-url",
                       // "pass show jira" (token_cmd), "" (default)
};

// A dotted key as config sources and `config show` spell it: `name` appended to `prefix`,
// quoted when it is not a bare TOML key (routes."fault.opened").
std::string join_key(std::string_view prefix, std::string_view name);

// Status names of the fault workflow, by process step.
struct Workflow {
  std::string reported = "Reported";
  std::string handling = "Handling";
  std::string recovered = "Recovered";
  std::string reviewing = "Reviewing";
  std::string closed = "Closed";
};

struct JiraSettings {
  std::string url;  // base URL, no trailing slash
  Flavor flavor = Flavor::Auto;
  AuthScheme auth = AuthScheme::Auto;
  std::string user;   // e-mail on Cloud, user name on Data Center; may be empty for a bearer PAT
  std::string token;  // secret: from token_env / token_cmd / FAULTLINE_JIRA_TOKEN, never printed
  std::string project = "FAULT";
  std::string fault_type = "Fault";
  std::string subtask_type = "Sub-task";
  std::map<std::string, std::string> fields;  // fault fact -> Jira field name or id
  Workflow workflow;
};

struct ConfluenceSettings {
  std::string url;  // Cloud: https://site.atlassian.net/wiki; DC: https://host/confluence
  Flavor flavor = Flavor::Auto;
  AuthScheme auth = AuthScheme::Auto;
  std::string user;   // defaults to jira.user
  std::string token;  // secret; defaults to jira.token
  std::string space = "OPS";
  std::string parent = "Fault Reviews";  // title of the parent page of review pages
};

struct TeamSettings {
  std::string timezone = "UTC";  // IANA name, validated at load
  std::string coordinator;       // people key or Jira user
  int update_cadence_minutes = 30;                  // stale after this long without an update
  int review_due_hours = 24;                        // review due this long after recovery
  std::map<std::string, int> review_due_hours_by_level;     // "P1" -> 12
  std::map<std::string, int> update_cadence_by_level;       // "P1" -> 15
  int escalate_after_days = 3;  // overdue actions escalate to the coordinator after this
  std::string template_dir;     // user templates that override the shipped ones
};

// A chat channel. Its URL and signing secret are secrets (they carry the webhook key).
struct Channel {
  std::string name;
  std::string kind;    // wecom | dingtalk | feishu | slack | teams | generic | email
  std::string url;     // secret, from url_env / url_cmd (or the file when it is 0600)
  std::string secret;  // signing secret (dingtalk, feishu, generic), from secret_env / secret_cmd
  // email only
  std::string smtp_url;  // smtp://host:587 or smtps://host:465
  std::string smtp_user;
  std::string smtp_password;  // secret
  std::string from;
  std::vector<std::string> to;
};

// A person: their Jira identity and their mention id on each chat platform.
struct Person {
  std::string key;   // the table name: [people.alice]
  std::string jira;  // user name (DC) or accountId (Cloud)
  std::string email;
  std::map<std::string, std::string> mentions;  // platform kind -> id ("wecom" -> "alice.w")
  std::string team;  // the team they work in, for `stats` (actions per owner team)
};

// Where `faultline stats` counts releases, in order of preference: the released versions of
// these Jira projects; else this CSV file (date,service[,version]; relative to the config
// file's folder); else the rollbacks faultline recorded. `--releases FILE` overrides both.
struct StatsSettings {
  std::vector<std::string> release_projects;
  std::string releases_csv;
};

// Where `faultline report monthly --publish` puts the month's page: under the page titled
// `parent` in confluence.space ("" = confluence.parent, the review pages' parent).
struct ReportSettings {
  std::string parent;
};

// `faultline serve`, the alert receiver: where it listens, how a delivery proves where it
// came from (a bearer token, an HMAC-SHA256 signature of the body, or both: each configured one
// is required), and how large a body may be.
struct ServeSettings {
  std::string listen = "127.0.0.1:9095";
  std::string token;        // bearer token (Alertmanager http_config.authorization, Grafana's header)
  std::string hmac_secret;  // HMAC-SHA256 key (Grafana's "HMAC Signature")
  std::string signature_header = "X-Grafana-Alerting-Signature";  // where the hex signature comes
  std::string timestamp_header;  // when set: signed "<timestamp>:<body>", at most 5 minutes old
  int max_body_kib = 1024;       // larger deliveries get 413
};

// The spool of work that could not reach Jira, Confluence or chat (`faultline sync`).
struct SpoolSettings {
  std::string dir;        // "" = $XDG_STATE_HOME/faultline/spool (~/.local/state/faultline/spool)
  int sync_seconds = 10;  // how long a command may spend replaying the spool before its own work
};

// A team: who works in it and who leads it (`[teams.NAME]`). People keys ([people.X]) or Jira
// users. A person's own `team` adds them to `members` too.
struct TeamGroup {
  std::string name;
  std::vector<std::string> members;
  std::string lead;
};

// The dedicated response group per fault (`[rooms]`): one platform's group API, with a bot's
// credentials (not a webhook: webhooks cannot create groups). Off while `platform` is empty.
struct RoomsSettings {
  std::string platform;    // "" (off) | slack | feishu | dingtalk | wecom
  std::string url;         // API base; "" = the platform's public host (slack: https://slack.com,
                           // feishu: https://open.feishu.cn, dingtalk: https://oapi.dingtalk.com,
                           // wecom: https://qyapi.weixin.qq.com)
  std::string api_url;     // dingtalk only: the v1.0 host ("" = https://api.dingtalk.com)
  std::string token;       // secret, slack: the bot token (xoxb-...)
  std::string app_id;      // feishu app_id | dingtalk appkey | wecom corpid
  std::string app_secret;  // secret: feishu app_secret | dingtalk appsecret | wecom corpsecret
  std::string template_id;  // dingtalk: the scene-group template from the developer console
  std::string robot_code;   // dingtalk: the app robot that posts in the group
  std::string owner;        // people key or platform id of the group owner (dingtalk: required)
  bool is_private = false;  // slack: a private channel instead of a public one
  std::vector<std::string> levels = {"P1", "P2"};  // levels that get a room at `open`
  std::string name = "fault-{key}-{slug}";         // {key}, {slug} (from the title), {level}
  // Who is invited: "handler", "coordinator", "team" (the fault team's members and lead),
  // "owner" (the rooms owner), or people keys.
  std::vector<std::string> invite = {"handler", "coordinator", "team"};
  std::map<std::string, std::vector<std::string>> extra_by_level;  // "P1" -> people keys
  bool enabled() const { return !platform.empty(); }
};

struct HttpSettings {
  int timeout_seconds = 30;          // total per request
  int connect_timeout_seconds = 10;
  int max_retries = 4;
  std::string ca_bundle;  // path to a PEM bundle; empty = system default
  int concurrency = 8;    // parallel requests for independent reads (pages, bulk fetches)
};

struct Config {
  JiraSettings jira;
  ConfluenceSettings confluence;
  TeamSettings team;
  std::map<std::string, core::LevelRules> levels;  // business unit -> rules
  std::map<std::string, Channel> channels;
  std::map<std::string, std::vector<std::string>> routes;  // event -> channel names
  std::map<std::string, Person> people;
  std::map<std::string, TeamGroup> teams;
  RoomsSettings rooms;
  HttpSettings http;
  core::AlertRules alert_rules;  // [[alerts.rule]]: alert labels -> service, team, level
  StatsSettings stats;
  ReportSettings report;
  ServeSettings serve;
  SpoolSettings spool;

  std::string file;     // the file it was read from, empty if none
  std::string profile;  // the profile applied, empty if none
  std::map<std::string, ValueSource> sources;  // dotted key ("jira.url") -> where it came from

  // Every secret value in this config (tokens, passwords, channel URLs and secrets), for the
  // run's Redactor.
  std::vector<std::string> secrets() const;
};

}  // namespace faultline::config
