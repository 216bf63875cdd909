#include "faultline/notify/channel_check.hpp"

#include <array>

namespace faultline::notify {

namespace {

struct UrlParts {
  std::string scheme;
  std::string host;
  std::string path;
  std::string query;
};

std::optional<UrlParts> split_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  UrlParts parts;
  parts.scheme = std::string(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?");
  parts.host = std::string(rest.substr(0, path_start));
  if (path_start == std::string_view::npos) return parts;
  rest = rest.substr(path_start);
  const auto query_start = rest.find('?');
  parts.path = std::string(rest.substr(0, query_start));
  if (query_start != std::string_view::npos) parts.query = std::string(rest.substr(query_start + 1));
  return parts;
}

bool has_query_param(std::string_view query, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    const auto end = query.find('&', pos);
    const auto item = query.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    const auto eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == name && eq + 1 < item.size()) return true;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return false;
}

}  // namespace

bool is_known_channel_kind(std::string_view kind) {
  constexpr std::array<std::string_view, 7> k_kinds = {"wecom", "dingtalk", "feishu", "slack",
                                                        "teams", "generic", "email"};
  for (auto known : k_kinds)
    if (known == kind) return true;
  return false;
}

std::optional<std::string> check_channel(const config::Channel& channel) {
  if (!is_known_channel_kind(channel.kind)) {
    return "unknown kind '" + channel.kind + "'; use wecom, dingtalk, feishu, slack, teams, generic or email";
  }
  if (channel.kind == "email") {
    auto smtp = split_url(channel.smtp_url);
    if (!smtp || (smtp->scheme != "smtp" && smtp->scheme != "smtps") || smtp->host.empty())
      return "smtp_url must be smtp://host:port or smtps://host:port";
    if (channel.from.empty()) return "set `from` to the sender address";
    if (channel.to.empty()) return "set `to` to at least one recipient";
    return std::nullopt;
  }
  if (channel.url.empty()) return "no webhook URL: set url_env (or url_cmd) for this channel";
  auto url = split_url(channel.url);
  if (!url || (url->scheme != "https" && url->scheme != "http") || url->host.empty())
    return "the webhook URL is not an http(s) URL with a host";
  if (channel.kind == "wecom" && !has_query_param(url->query, "key"))
    return "a WeCom webhook URL carries its key as ?key=...; copy the whole URL from the group robot";
  if (channel.kind == "dingtalk" && !has_query_param(url->query, "access_token"))
    return "a DingTalk webhook URL carries ?access_token=...; copy the whole URL from the robot settings";
  if (channel.kind == "feishu") {
    const auto last_slash = url->path.rfind('/');
    if (last_slash == std::string::npos || last_slash + 1 >= url->path.size())
      return "a Feishu/Lark webhook URL ends with the hook token (/open-apis/bot/v2/hook/<token>)";
  }
  return std::nullopt;
}

}  // namespace faultline::notify
