// `doctor`: the checks, each with its fix.
#include "faultline/app/doctor.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "faultline/app/services.hpp"
#include "faultline/app/site_discovery.hpp"
#include "faultline/config/config.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/http/url.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/notify/channel_check.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

class Checks {
public:
  void pass(std::string name, std::string detail) { m_checks.push_back({std::move(name), CheckStatus::Pass, std::move(detail), {}}); }
  void fail(std::string name, std::string detail, std::string fix) {
    m_checks.push_back({std::move(name), CheckStatus::Fail, std::move(detail), std::move(fix)});
  }
  void fail(std::string name, const Error& error) {
    std::string detail = error.message;
    for (const auto& d : unsaid_details(error)) detail += "; " + d;
    fail(std::move(name), detail, error.hint);
  }
  void warn(std::string name, std::string detail, std::string fix) {
    m_checks.push_back({std::move(name), CheckStatus::Warn, std::move(detail), std::move(fix)});
  }
  void skip(std::string name, std::string why) { m_checks.push_back({std::move(name), CheckStatus::Skip, std::move(why), {}}); }
  const std::vector<Check>& all() const { return m_checks; }
  bool all_passed() const {
    return std::none_of(m_checks.begin(), m_checks.end(), [](const Check& c) { return c.status == CheckStatus::Fail; });
  }

private:
  std::vector<Check> m_checks;
};

// The fault and sub-task issue types of the project; the fault type's id ("" when missing).
std::string check_issue_types(const std::vector<jira::IssueType>& types, const config::Config& config, Checks& checks) {
  const auto& project = config.jira.project;
  std::string fault_type_id;
  bool subtask_ok = false;
  std::vector<std::string> type_names;
  for (const auto& type : types) {
    type_names.push_back(type.name);
    if (iequals(type.name, config.jira.fault_type)) fault_type_id = type.id;
    if (iequals(type.name, config.jira.subtask_type) && type.subtask) subtask_ok = true;
  }
  const auto joined = fmt::format("{}", fmt::join(type_names, ", "));
  if (fault_type_id.empty()) {
    checks.fail("jira.fault_type", fmt::format("no issue type '{}' in {}", config.jira.fault_type, project),
                fmt::format("set [jira] fault_type to one of: {}", joined));
  } else {
    checks.pass("jira.fault_type", config.jira.fault_type);
  }
  if (!subtask_ok) {
    checks.fail("jira.subtask_type", fmt::format("no sub-task issue type '{}' in {}", config.jira.subtask_type, project),
                fmt::format("set [jira] subtask_type to the project's sub-task type (types: {})", joined));
  } else {
    checks.pass("jira.subtask_type", config.jira.subtask_type);
  }
  return fault_type_id;
}

// Each [jira.fields] mapping: the field exists and is on the fault type's create screen.
void check_fields(jira::Client& client, const config::Config& config, const std::string& fault_type_id, Checks& checks) {
  if (config.jira.fields.empty()) return;
  auto fields = client.fields();
  std::vector<jira::FieldMeta> on_screen;
  if (!fault_type_id.empty()) {
    if (auto meta = client.create_fields(config.jira.project, fault_type_id)) on_screen = std::move(*meta);
  }
  for (const auto& [fact, name] : config.jira.fields) {
    const std::string check_name = "jira.fields." + fact;
    if (!fields) {
      checks.fail(check_name, fields.error());
      continue;
    }
    auto id = jira::find_field_id(*fields, name);
    if (!id) {
      checks.fail(check_name, id.error().message, fmt::format("fix [jira.fields] {} (a field name or customfield_ id)", fact));
      continue;
    }
    const bool creatable = on_screen.empty() || std::any_of(on_screen.begin(), on_screen.end(),
                                                            [&](const jira::FieldMeta& m) { return m.field_id == *id; });
    if (!creatable) {
      checks.fail(check_name, fmt::format("'{}' ({}) is not on the create screen of {}", name, *id, config.jira.fault_type),
                  "add the field to the project's create screen, or remove the mapping (the fact then lives in the issue property)");
    } else {
      checks.pass(check_name, fmt::format("{} -> {}", name, *id));
    }
  }
}

// Each [jira.workflow] step names a status of the fault type's workflow; an unset step and a
// recovered or reviewing step in a Done status are warnings (faultline works, but leaves that
// step to people, or loses sight of the faults there).
void check_workflow(jira::Client& client, const config::Config& config, Checks& checks) {
  auto statuses = project_statuses(client, config.jira.project);
  if (!statuses) {
    checks.fail("jira.workflow", statuses.error());
    return;
  }
  const auto workflow = fault_type_statuses(*statuses, config.jira.fault_type);
  std::vector<std::string> names;
  for (const auto& status : workflow) names.push_back(status.name);
  const auto& wf = config.jira.workflow;
  const std::vector<std::pair<std::string, std::string>> steps = {{"reported", wf.reported}, {"handling", wf.handling},
                                                                   {"recovered", wf.recovered}, {"reviewing", wf.reviewing},
                                                                   {"closed", wf.closed}};
  for (const auto& [step, status] : steps) {
    const std::string name = "jira.workflow." + step;
    if (status.empty()) {
      checks.warn(name, "unset: faultline records this step's facts and does not move the fault's status",
                  fmt::format("set [jira.workflow] {} to one of: {} (when the workflow has a status for it)", step,
                              fmt::join(names, ", ")));
      continue;
    }
    const auto found = std::find_if(workflow.begin(), workflow.end(),
                                    [&](const WorkflowStatus& s) { return iequals(s.name, status); });
    if (found == workflow.end()) {
      checks.fail(name, fmt::format("no status '{}' in the {} workflow", status, config.jira.fault_type),
                  fmt::format("set [jira.workflow] {} to one of: {}, or to \"\" to leave the step unset", step,
                              fmt::join(names, ", ")));
    } else if ((step == "recovered" || step == "reviewing") && found->category == "done") {
      checks.warn(name,
                  fmt::format("'{}' is in the Done category: board, list and remind --reviews/--stale never see "
                              "faults there, so their reviews go unchased",
                              found->name),
                  fmt::format("map {} to a To Do or In Progress status, or leave it unset (\"\")", step));
    } else {
      checks.pass(name, status);
    }
  }
}

void check_jira(Services& services, const config::Config& config, Checks& checks) {
  auto jira = services.jira();
  if (!jira) {
    checks.fail("jira.connection", jira.error());
    checks.skip("jira.project", "no Jira connection");
    return;
  }
  auto& client = **jira;
  checks.pass("jira.connection", fmt::format("{} ({})", config.jira.url, jira::to_string(client.flavor())));
  auto me = client.myself();
  if (!me) {
    checks.fail("jira.auth", me.error());
    return;
  }
  checks.pass("jira.auth", fmt::format("authenticated as {}", me->display_name.empty() ? me->ref().id : me->display_name));
  // The project itself first, so that a failing createmeta is not reported as a wrong project.
  auto project = client.call(http::Method::Get, std::string(client.api_root()) + "/project/" + http::url_encode(config.jira.project));
  if (!project) {
    checks.fail("jira.project", project.error().message,
                fmt::format("check [jira] project = \"{}\" (the project key) and that you can browse it", config.jira.project));
    return;
  }
  checks.pass("jira.project", config.jira.project);
  auto types = client.issue_types(config.jira.project);
  if (!types) {
    checks.fail("jira.fault_type",
                fmt::format("cannot read the issue types you may create in {} (issue/createmeta): {}", config.jira.project,
                            types.error().message),
                "faultline needs the Create issues permission in the project, and on Data Center version 8.4 or "
                "later (GET issue/createmeta/{project}/issuetypes)");
    return;
  }
  const auto fault_type_id = check_issue_types(*types, config, checks);
  check_fields(client, config, fault_type_id, checks);
  check_workflow(client, config, checks);
}

void check_confluence(Services& services, const config::Config& config, Checks& checks) {
  auto confluence = services.confluence();
  if (!confluence) {
    checks.fail("confluence.connection", confluence.error());
    return;
  }
  auto& client = **confluence;
  checks.pass("confluence.connection", fmt::format("{} ({}{})", config.confluence.url, confluence::to_string(client.flavor()),
                                                   config.confluence.flavor == config::Flavor::Auto ? ", asked of the site" : ""));
  auto space = client.find_space(config.confluence.space);
  if (!space) {
    checks.fail("confluence.space", space.error().message,
                fmt::format("check [confluence] space = \"{}\" and that you may add pages to it", config.confluence.space));
    return;
  }
  checks.pass("confluence.space", config.confluence.space);
  auto parent = client.find_page(config.confluence.space, config.confluence.parent);
  if (!parent) {
    checks.fail("confluence.parent", parent.error());
  } else if (!*parent) {
    checks.fail("confluence.parent", fmt::format("no page '{}' in space {}", config.confluence.parent, config.confluence.space),
                "create the parent page in Confluence, or set [confluence] parent to an existing page title");
  } else {
    checks.pass("confluence.parent", fmt::format("{} (id {})", config.confluence.parent, (*parent)->id));
  }
}

void check_channels(const config::Config& config, Checks& checks) {
  for (const auto& [name, channel] : config.channels) {
    if (auto problem = notify::check_channel(channel)) {
      checks.fail("channel." + name, *problem, fmt::format("fix [channels.{}]", name));
    } else {
      checks.pass("channel." + name, channel.kind);
    }
  }
  for (const auto& [event, channels] : config.routes) {
    for (const auto& name : channels)
      if (!config.channels.contains(name))
        checks.fail("route." + event, fmt::format("routes to undefined channel '{}'", name), "define [channels." + name + "]");
  }
}

}  // namespace

const char* to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Warn: return "warn";
    case CheckStatus::Fail: return "fail";
    case CheckStatus::Skip: return "skip";
  }
  return "fail";
}

bool DoctorReport::all_passed() const {
  return std::none_of(checks.begin(), checks.end(), [](const Check& c) { return c.status == CheckStatus::Fail; });
}

nlohmann::json DoctorReport::to_json() const {
  nlohmann::json out = {{"ok", all_passed()}, {"checks", nlohmann::json::array()}};
  for (const auto& c : checks)
    out["checks"].push_back({{"name", c.name}, {"status", to_string(c.status)}, {"detail", c.detail}, {"fix", c.fix}});
  return out;
}

DoctorReport run_doctor(Services& services) {
  Checks checks;
  auto config = services.config();
  if (!config) {
    checks.fail("config", config.error());
  } else {
    checks.pass("config", (*config)->file.empty() ? std::string("environment only") : (*config)->file);
    check_jira(services, **config, checks);
    check_confluence(services, **config, checks);
    check_channels(**config, checks);
  }
  return DoctorReport{checks.all()};
}

}  // namespace faultline::app
