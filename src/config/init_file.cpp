#include "faultline/config/init_file.hpp"
#include "faultline/core/toml_text.hpp"

#include <fmt/format.h>

namespace faultline::config {

std::string render_init_config(const InitFacts& f) {
  std::string out;
  auto line = [&out](std::string_view text) {
    out += text;
    out += '\n';
  };
  line("# faultline configuration, written by `faultline init`.");
  line("# Reference: README.md (Configuration). Check it with `faultline doctor`.");
  line("# Secrets are never stored here: the token is read from the environment variable below.");
  for (const auto& note : f.notes) line("# NOTE: " + note);
  line("");
  line("[jira]");
  line("url = " + core::toml_quote(f.jira_url));
  line("flavor = " + core::toml_quote(f.flavor) + "              # auto | cloud | datacenter");
  if (!f.user.empty()) line("user = " + core::toml_quote(f.user) + "   # e-mail on Cloud, user name on Data Center");
  line("token_env = " + core::toml_quote(f.token_env) + "   # or token_cmd = \"pass show jira\"");
  line("project = " + core::toml_quote(f.project));
  line("fault_type = " + core::toml_quote(f.fault_type));
  line("subtask_type = " + core::toml_quote(f.subtask_type));
  line("");
  line("[jira.fields]   # fault fact -> Jira field; unmapped facts live in the issue property 'faultline'");
  for (const auto& [fact, field] : f.fields) line(fact + " = " + core::toml_quote(field));
  line("");
  line("[jira.workflow] # process step -> status name in the project's workflow");
  for (const auto& [step, status] : f.workflow) {
    if (status.empty()) line(step + " = \"\"   # unset: the workflow has no status for this step (see the NOTE above)");
    else line(step + " = " + core::toml_quote(status));
  }
  line("");
  line("[confluence]");
  line("url = " + core::toml_quote(f.confluence_url));
  if (!f.confluence_flavor.empty())
    line("flavor = " + core::toml_quote(f.confluence_flavor) + "              # auto | cloud | datacenter");
  line("space = " + core::toml_quote(f.space));
  line("parent = " + core::toml_quote(f.parent) + "   # review pages are created under this page");
  line("");
  line("[team]");
  line("timezone = " + core::toml_quote(f.timezone.empty() ? "UTC" : f.timezone) + "   # IANA zone for due dates");
  line("# coordinator = \"dave\"");
  line("");
  line("# Chat channels: the URL is a secret, read from the environment.");
  line("# [channels.availability]");
  line("# kind = \"wecom\"        # wecom | dingtalk | feishu | slack | teams | generic | email");
  line("# url_env = \"WECOM_AVAILABILITY_URL\"");
  line("#");
  line("# [routes]");
  line("# \"fault.opened\" = [\"availability\"]");
  return out;
}

}  // namespace faultline::config
