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

}  // namespace faultline::config::loading
