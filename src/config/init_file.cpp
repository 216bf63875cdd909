#include "faultline/config/init_file.hpp"

#include <fmt/format.h>

namespace faultline::config {

std::string toml_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          out += fmt::format("\\u{:04X}", byte);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

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
  line("url = " + toml_quote(f.jira_url));
  line("flavor = " + toml_quote(f.flavor) + "              # auto | cloud | datacenter");
  if (!f.user.empty()) line("user = " + toml_quote(f.user) + "   # e-mail on Cloud, user name on Data Center");
  line("token_env = " + toml_quote(f.token_env) + "   # or token_cmd = \"pass show jira\"");
  line("project = " + toml_quote(f.project));
  line("fault_type = " + toml_quote(f.fault_type));
  line("subtask_type = " + toml_quote(f.subtask_type));
  line("");
  line("[jira.fields]   # fault fact -> Jira field; unmapped facts live in the issue property 'faultline'");
  for (const auto& [fact, field] : f.fields) line(fact + " = " + toml_quote(field));
  line("");
  line("[jira.workflow] # process step -> status name in the project's workflow");
  for (const auto& [step, status] : f.workflow) line(step + " = " + toml_quote(status));
  line("");
  line("[confluence]");
  line("url = " + toml_quote(f.confluence_url));
  line("space = " + toml_quote(f.space));
  line("parent = " + toml_quote(f.parent) + "   # review pages are created under this page");
  line("");
  line("[team]");
  line("timezone = " + toml_quote(f.timezone.empty() ? "UTC" : f.timezone) + "   # IANA zone for due dates");
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
