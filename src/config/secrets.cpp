// Secrets in the config: token / token_env / token_cmd (and url, secret, smtp_password for
// channels), resolved after every layer is read, never quoted in a message; and the file
// mode check for secrets written in the file.
#include "config/loader.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace faultline::config::loading {

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
    problem(fmt::format("{}: {}: expected a string, found {}", label(node), display, core::toml_type_name(node)));
    return;
  }
  if (spec.via == SecretSpec::Via::Env && !is_env_name(text->get())) {
    // Not quoted: a value that is no variable name is often the secret itself, pasted.
    problem(fmt::format("{}: {}: the value is not an environment variable name (is it the secret itself? that "
                        "belongs in the environment); allowed: letters, digits and '_', not starting with a digit",
                        label(node), display));
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
  if (spec.via == SecretSpec::Via::Literal) m_literal_secrets.push_back({config_key, display, spec.line});
  m_state.secrets[config_key] = std::move(spec);
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
      // The messages name the setting, never the command: it may hold the secret itself
      // (`echo s3cr3t`), and what it printed is not shown either.
      auto output = m_runner.run(spec.value);
      if (!output) {
        m_warnings.push_back(fmt::format("{}: {} failed ({}), so {} is empty and commands that need it will fail; "
                                         "run the command yourself to see why (its output is not shown here)",
                                         spec.label, spec.display, output.error().message, key));
        config.sources[key] = {spec.via_key, spec.value + " (failed)"};
        continue;
      }
      if (output->empty()) {
        m_warnings.push_back(fmt::format("{}: {} printed nothing, so {} is empty and commands that need it will "
                                         "fail; run the command yourself to check it",
                                         spec.label, spec.display, key));
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

std::string describe_shared_access(unsigned mode) {
  auto verbs = [](unsigned bits) {
    std::vector<std::string_view> names;
    if ((bits & 4U) != 0) names.push_back("read");
    if ((bits & 2U) != 0) names.push_back("write");
    if ((bits & 1U) != 0) names.push_back("execute");
    return fmt::format("{}", fmt::join(names, " and "));
  };
  const unsigned group = (mode >> 3U) & 7U;
  const unsigned others = mode & 7U;
  if (group != 0 && group == others) return fmt::format("its group and everyone else can {} it", verbs(group));
  std::vector<std::string> parts;
  if (group != 0) parts.push_back(fmt::format("its group can {} it", verbs(group)));
  if (others != 0) parts.push_back(fmt::format("everyone else can {} it", verbs(others)));
  return fmt::format("{}", fmt::join(parts, "; "));
}

namespace {

// Where a literal secret can go instead: "jira.token_cmd / jira.token_env / FAULTLINE_JIRA_TOKEN".
std::string secret_alternatives(const LiteralSecret& secret) {
  std::string text = fmt::format("{}_cmd / {}_env", secret.display, secret.display);
  if (secret.config_key == "jira.token") text += " / FAULTLINE_JIRA_TOKEN";
  if (secret.config_key == "confluence.token") text += " / FAULTLINE_CONFLUENCE_TOKEN";
  return text;
}

}  // namespace

void Loader::check_file_mode() {
  if (!m_perms || m_literal_secrets.empty()) return;
  const auto mode = static_cast<unsigned>(*m_perms) & 0777U;
  if ((mode & 077U) == 0) return;
  // One refusal for the file, naming every secret in it by key and line (never its value)
  // and what the mode allows.
  std::vector<std::string> where;
  std::vector<std::string> instead;
  for (const auto& secret : m_literal_secrets) {
    where.push_back(fmt::format("{} at line {}", secret.display, secret.line));
    instead.push_back(fmt::format("{} -> {}", secret.display, secret_alternatives(secret)));
  }
  const bool one = where.size() == 1;
  problem(fmt::format("{}: holds {} ({}) but its mode is {:04o}: {}; allowed: a literal secret only in a file of "
                      "mode 0600 or 0400 (run `chmod 600 {}`), or move {} out of the file ({})",
                      m_file, one ? "a literal secret" : "literal secrets", fmt::join(where, ", "), mode,
                      describe_shared_access(mode), m_file, one ? "it" : "them", fmt::join(instead, "; ")));
  m_mode_hint = fmt::format("run `chmod 600 {}`, or take the secret from a command (token_cmd = \"pass show jira\") "
                            "or the environment (token_env = \"JIRA_API_TOKEN\"); channels have url_cmd / url_env, "
                            "secret_cmd / secret_env, smtp_password_cmd / smtp_password_env",
                            m_file);
}

}  // namespace faultline::config::loading
