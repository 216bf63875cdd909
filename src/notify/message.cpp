#include "faultline/notify/message.hpp"
#include "faultline/notify/markdown_literals.hpp"
#include "faultline/util/build_info.hpp"
#include "faultline/util/files.hpp"
#include "faultline/util/strings.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <kainjow/mustache.hpp>

#include "faultline/core/mustache_data.hpp"
#include "faultline/core/text_input.hpp"

namespace faultline::notify {

namespace {

namespace fs = std::filesystem;
using kainjow::mustache::mustache;

// Stands for a newline inside a value until the title line is found: a value's newline must
// not end the title (the rest of a two-line summary would become the body). Values never hold
// it (escape_markdown_text drops control characters).
constexpr char k_value_newline = '\x1E';

// The Mustache escape: {{value}} becomes literal Markdown text; {{{value}}} stays raw.
std::string escape_template_value(const std::string& value) {
  std::string escaped = escape_markdown_text(value);
  for (char& c : escaped)
    if (c == '\n') c = k_value_newline;
  return escaped;
}

std::string with_value_newlines_as(std::string text, char replacement) {
  for (char& c : text)
    if (c == k_value_newline) c = replacement;
  return text;
}

std::string string_at(const nlohmann::json& data_model, const char* key) {
  if (!data_model.is_object()) return {};
  const auto it = data_model.find(key);
  if (it == data_model.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

TemplateDirs default_template_dirs(std::string user_dir) {
  TemplateDirs dirs;
  dirs.user_dir = std::move(user_dir);
  dirs.shipped_dirs = shipped_template_dirs("notify");
  return dirs;
}

std::string template_file_name(std::string_view event) {
  return std::string(event) + ".md.mustache";
}

Result<Message> render_template_text(std::string_view file_name, std::string_view template_text,
                                     std::string_view event, const nlohmann::json& data_model) {
  const std::string text(template_text);
  mustache tmpl{text};
  if (!tmpl.is_valid()) {
    const int line = core::mustache_error_line(tmpl.error_message(), text);
    std::string where(file_name);
    if (line > 0) where += ":" + std::to_string(line);
    return fail(ErrorKind::Config, where + ": " + core::mustache_error_text(tmpl.error_message()),
                "fix the Mustache syntax of the notification template");
  }
  tmpl.set_custom_escape(escape_template_value);
  const std::string rendered = tmpl.render(core::to_mustache(data_model));
  if (!tmpl.is_valid()) {
    return fail(ErrorKind::Config,
                std::string(file_name) + ": cannot render: " + core::mustache_error_text(tmpl.error_message()));
  }

  Message message;
  message.event = std::string(event);
  std::string_view rest = rendered;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const std::string line(trim(rest.substr(0, end)));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.empty()) continue;
    message.title = line.starts_with("# ") ? std::string(trim(std::string_view(line).substr(2))) : line;
    message.title = std::string(trim(with_value_newlines_as(message.title, ' ')));
    break;
  }
  if (message.title.empty()) {
    return fail(ErrorKind::Config, std::string(file_name) + ": renders no title line",
                "the first non-empty line of a notification template is the message title");
  }
  message.markdown_body = std::string(trim(with_value_newlines_as(std::string(rest), '\n')));

  if (data_model.is_object()) {
    if (const auto link = data_model.find("link"); link != data_model.end() && link->is_object()) {
      message.link_url = string_at(*link, "url");
      message.link_title = string_at(*link, "title");
    }
    if (const auto mentions = data_model.find("mentions");
        mentions != data_model.end() && mentions->is_array()) {
      for (const auto& name : *mentions)
        if (name.is_string() && !name.get<std::string>().empty()) message.mention_people.push_back(name.get<std::string>());
    }
    if (const auto all = data_model.find("mention_all"); all != data_model.end() && all->is_boolean())
      message.mention_all = all->get<bool>();
    message.dedupe_key = string_at(data_model, "dedupe_key");
    if (message.dedupe_key.empty()) {
      if (const auto fault = data_model.find("fault"); fault != data_model.end() && fault->is_object())
        if (auto key = string_at(*fault, "key"); !key.empty()) message.dedupe_key = key + ":" + message.event;
    }
  }
  if (message.link_title.empty() && !message.link_url.empty()) message.link_title = message.link_url;
  if (message.dedupe_key.empty()) message.dedupe_key = message.event;
  return message;
}

Result<Message> render_message(std::string_view event, const nlohmann::json& data_model,
                               const TemplateDirs& dirs) {
  const std::string name = template_file_name(event);
  std::vector<std::string> searched;
  std::vector<std::string> candidates;
  if (!dirs.user_dir.empty()) {  // team.template_dir may hold a notify/ folder or the files
    candidates.push_back((fs::path(dirs.user_dir) / "notify").string());
    candidates.push_back(dirs.user_dir);
  }
  candidates.insert(candidates.end(), dirs.shipped_dirs.begin(), dirs.shipped_dirs.end());
  for (const auto& dir : candidates) {
    const fs::path path = fs::path(dir) / name;
    searched.push_back(dir);
    std::error_code error;
    if (!fs::is_regular_file(path, error)) continue;
    auto text = read_file(path);
    if (!text) return fail(ErrorKind::Config, path.string() + ": cannot read the template");
    if (auto valid = core::check_text_file(*text, path.string(), ErrorKind::Config); !valid)
      return std::unexpected(valid.error());
    return render_template_text(path.string(), *text, event, data_model);
  }
  std::string where;
  for (const auto& dir : searched) where += (where.empty() ? "" : ", ") + dir;
  return fail(ErrorKind::Config,
              "no notification template " + name + " for event '" + std::string(event) +
                  "' (looked in: " + (where.empty() ? "no directory" : where) + ")",
              "put " + name + " in team.template_dir, or use one of the shipped events");
}

}  // namespace faultline::notify
