#include "jira_util.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <date/date.h>

namespace sandbox {

std::string format_jira_time(std::chrono::system_clock::time_point tp) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(tp);
  return date::format("%Y-%m-%dT%H:%M:%S", ms) + "+0000";
}

std::expected<std::chrono::system_clock::time_point, std::string> parse_iso_time(
    std::string_view text) {
  std::string s(text);
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) {
    s.pop_back();
    s += "+0000";
  }
  // A colon in the offset ("+08:00") is dropped so that one %z form reads both.
  if (s.size() > 6) {
    auto tail = s.size() - 6;
    if ((s[tail] == '+' || s[tail] == '-') && s[tail + 3] == ':') s.erase(tail + 3, 1);
  }
  const bool has_offset = s.size() > 5 && (s[s.size() - 5] == '+' || s[s.size() - 5] == '-') &&
                          s.find('T') != std::string::npos && s.size() - 5 > s.find('T');
  for (const char* format : {"%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S",
                             "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"}) {
    const bool format_has_offset = std::string_view(format).ends_with("%z");
    if (format_has_offset != has_offset) continue;
    std::istringstream in(s);
    date::sys_time<std::chrono::milliseconds> tp;
    in >> date::parse(format, tp);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return tp;
  }
  return std::unexpected("'" + std::string(text) + "' is not a valid ISO 8601 date-time");
}

bool is_iso_date(std::string_view text) {
  if (text.size() != 10) return false;
  std::istringstream in{std::string(text)};
  date::year_month_day ymd{};
  in >> date::parse("%Y-%m-%d", ymd);
  return !in.fail() && ymd.ok();
}

nlohmann::json adf_from_text(std::string_view text) {
  nlohmann::json content = nlohmann::json::array();
  std::string str(text);
  std::size_t start = 0;
  while (start <= str.size()) {
    auto end = str.find("\n\n", start);
    std::string para = str.substr(start, end == std::string::npos ? std::string::npos : end - start);
    nlohmann::json inline_nodes = nlohmann::json::array();
    std::size_t line_start = 0;
    while (line_start <= para.size()) {
      auto nl = para.find('\n', line_start);
      std::string line =
          para.substr(line_start, nl == std::string::npos ? std::string::npos : nl - line_start);
      if (!line.empty()) inline_nodes.push_back({{"type", "text"}, {"text", line}});
      if (nl == std::string::npos) break;
      inline_nodes.push_back({{"type", "hardBreak"}});
      line_start = nl + 1;
    }
    if (!inline_nodes.empty())
      content.push_back({{"type", "paragraph"}, {"content", inline_nodes}});
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return {{"type", "doc"}, {"version", 1}, {"content", content}};
}

namespace {

void collect_adf_text(const nlohmann::json& node, std::string& out) {
  if (!node.is_object()) return;
  const std::string type = node.value("type", "");
  if (type == "text") {
    out += node.value("text", "");
    return;
  }
  if (type == "hardBreak") {
    out += '\n';
    return;
  }
  if (type == "mention") {
    auto attrs = node.value("attrs", nlohmann::json::object());
    out += attrs.value("text", "@" + attrs.value("id", std::string()));
    return;
  }
  if (auto it = node.find("content"); it != node.end() && it->is_array()) {
    for (const auto& child : *it) {
      const std::string child_type = child.is_object() ? child.value("type", "") : "";
      const bool child_block = child_type == "paragraph" || child_type == "heading" ||
                               child_type == "bulletList" || child_type == "orderedList" ||
                               child_type == "codeBlock" || child_type == "listItem" ||
                               child_type == "table" || child_type == "tableRow" ||
                               child_type == "panel" || child_type == "blockquote";
      if (child_block && !out.empty() && out.back() != '\n') out += '\n';
      collect_adf_text(child, out);
    }
  }
}

}  // namespace

std::string text_from_adf(const nlohmann::json& doc) {
  if (doc.is_string()) return doc.get<std::string>();
  if (doc.is_null()) return {};
  std::string out;
  collect_adf_text(doc, out);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool is_adf_document(const nlohmann::json& value) {
  return value.is_object() && value.value("type", "") == "doc" && value.contains("content") &&
         value["content"].is_array();
}

SbResponse jira_error(int status, const std::vector<std::string>& messages,
                      const nlohmann::json& errors) {
  return SbResponse::json(status, {{"errorMessages", messages}, {"errors", errors}});
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> split_list(std::string_view text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(separator, start);
    auto part = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::vector<std::string> list_param(const SbRequest& request, const std::string& name) {
  std::vector<std::string> out;
  auto [begin, end] = request.query.equal_range(name);
  for (auto it = begin; it != end; ++it)
    for (auto& part : split_list(it->second, ',')) out.push_back(part);
  return out;
}

SbResponse page_with_issues(const nlohmann::json& page, const std::vector<std::string>& issues) {
  const std::string rest = page.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::size_t size = rest.size() + 16;
  for (const auto& issue : issues) size += issue.size() + 1;
  SbResponse out;
  out.body.reserve(size);
  out.body = "{\"issues\":[";
  for (std::size_t i = 0; i < issues.size(); ++i) {
    if (i > 0) out.body += ',';
    out.body += issues[i];
  }
  out.body += ']';
  if (rest.size() > 2) out.body += ',';                   // rest is "{...}": its members follow
  out.body.append(rest, 1, std::string::npos);            // from after its "{", with its "}"
  return out;
}

}  // namespace sandbox
