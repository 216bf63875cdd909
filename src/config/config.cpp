#include "faultline/config/config.hpp"

#include <algorithm>
#include <cctype>

namespace faultline::config {

const char* to_string(Flavor flavor) {
  switch (flavor) {
    case Flavor::Auto: return "auto";
    case Flavor::Cloud: return "cloud";
    case Flavor::DataCenter: return "datacenter";
  }
  return "auto";
}

const char* to_string(AuthScheme auth) {
  switch (auth) {
    case AuthScheme::Auto: return "auto";
    case AuthScheme::Basic: return "basic";
    case AuthScheme::Bearer: return "bearer";
  }
  return "auto";
}

std::string join_key(std::string_view prefix, std::string_view name) {
  const bool bare = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
  std::string key(prefix);
  if (!key.empty()) key += '.';
  if (bare) {
    key += name;
  } else {
    key += '"';
    for (char c : name) {
      if (c == '"' || c == '\\') key += '\\';
      key += c;
    }
    key += '"';
  }
  return key;
}

std::vector<std::string> Config::secrets() const {
  std::vector<std::string> values;
  auto add = [&values](const std::string& value) {
    if (!value.empty()) values.push_back(value);
  };
  add(jira.token);
  add(confluence.token);
  add(serve.token);
  add(serve.hmac_secret);
  add(rooms.token);
  add(rooms.app_secret);
  for (const auto& [name, channel] : channels) {
    add(channel.url);
    add(channel.secret);
    add(channel.smtp_password);
  }
  return values;
}

}  // namespace faultline::config
