// Renders the review report: finds the Mustache template (user directory first, then the
// shipped one) and its partials, and renders the report data with format-aware escaping.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <kainjow/mustache.hpp>

#include "faultline/core/mustache_data.hpp"
#include "faultline/core/text_input.hpp"
#include "faultline/util/build_info.hpp"
#include "faultline/util/files.hpp"
#include "faultline/util/strings.hpp"
#include "faultline/core/text.hpp"
#include "faultline/report/report.hpp"

namespace faultline::report {

namespace {

namespace fs = std::filesystem;
using kainjow::mustache::data;
using kainjow::mustache::mustache;


const char* extension(Format format) {
  switch (format) {
    case Format::Storage: return "storage";
    case Format::Html: return "html";
    case Format::Markdown: return "md";
  }
  return "storage";
}

// {{x}} in Markdown output: one line, safe in a table cell.
std::string markdown_escape(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '|') out += "\\|";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return name.find("..") == std::string_view::npos && name.front() != '.';
}

// Where templates of `family` ("review", "report") are looked for, in order.
std::vector<fs::path> search_dirs(std::string_view family, const std::string& user_dir) {
  std::vector<fs::path> dirs;
  if (!user_dir.empty()) {
    dirs.push_back(fs::path(user_dir) / family);
    dirs.push_back(fs::path(user_dir));
  }
  for (const auto& shipped : shipped_template_dirs(family)) dirs.emplace_back(shipped);
  return dirs;
}

struct TemplateFile {
  fs::path path;
  std::string text;
};

Result<std::optional<TemplateFile>> find_template(const std::vector<fs::path>& dirs, const std::string& file_name) {
  for (const auto& dir : dirs) {
    const fs::path path = dir / file_name;
    std::error_code error;
    if (!fs::is_regular_file(path, error)) continue;
    auto text = read_file(path);
    if (!text) return fail(ErrorKind::Config, path.string() + ": cannot read the template");
    if (auto text_ok = core::check_text_file(*text, path.string(), ErrorKind::Config); !text_ok) {
      return std::unexpected(text_ok.error());
    }
    return std::optional<TemplateFile>(TemplateFile{path, std::move(*text)});
  }
  return std::optional<TemplateFile>();
}

// The template must parse; Error (Config) "file:line: message".
Result<void> check_syntax(const TemplateFile& file) {
  mustache tmpl{file.text};
  if (tmpl.is_valid()) return {};
  const int line = core::mustache_error_line(tmpl.error_message(), file.text);
  std::string where = file.path.string();
  if (line > 0) where += ":" + std::to_string(line);
  return fail(ErrorKind::Config, where + ": " + core::mustache_error_text(tmpl.error_message()),
              "fix the Mustache syntax of the report template");
}

// Loads every partial ({{> name}}) the template uses, recursively, into `partials`.
Result<void> load_partials(const TemplateFile& file, const std::vector<fs::path>& dirs, Format format,
                           std::map<std::string, TemplateFile>& partials, int depth, std::string_view family) {
  if (depth > 8) return fail(ErrorKind::Config, file.path.string() + ": partials nested too deeply");
  std::size_t pos = 0;
  while ((pos = file.text.find("{{>", pos)) != std::string::npos) {
    const auto end = file.text.find("}}", pos);
    if (end == std::string::npos) break;  // the syntax check reports it
    const std::string name(trim(std::string_view(file.text).substr(pos + 3, end - pos - 3)));
    const int line = core::line_of_offset(file.text, pos);
    pos = end + 2;
    if (partials.contains(name)) continue;
    const std::string where = file.path.string() + ":" + std::to_string(line);
    if (!valid_name(name))
      return fail(ErrorKind::Config, where + ": '" + name + "' is not a partial name (letters, digits, - and _)");
    const std::string file_name = name + "." + extension(format) + ".mustache";
    FAULTLINE_TRY(found, find_template(dirs, file_name));
    if (!*found)
      return fail(ErrorKind::Config, where + ": no partial " + file_name + " next to the template",
                  "put " + file_name + " in the template directory's " + std::string(family) + "/ folder");
    if (auto ok = check_syntax(**found); !ok) return ok;
    auto [it, inserted] = partials.emplace(name, std::move(**found));
    if (auto ok = load_partials(it->second, dirs, format, partials, depth + 1, family); !ok) return ok;
  }
  return {};
}

}  // namespace

const char* to_string(Format format) {
  switch (format) {
    case Format::Storage: return "storage";
    case Format::Html: return "html";
    case Format::Markdown: return "markdown";
  }
  return "storage";
}

Result<Format> parse_format(std::string_view text) {
  if (text == "storage") return Format::Storage;
  if (text == "html") return Format::Html;
  if (text == "markdown" || text == "md") return Format::Markdown;
  return fail(ErrorKind::Usage, "unknown format '" + std::string(text) + "'", "use storage, html or markdown");
}

Result<std::string> render_report(const nlohmann::json& data_model, std::string_view name, Format format,
                                  const std::string& user_dir) {
  return render_template(data_model, "review", name.empty() ? std::string_view("fault-analysis") : name, format,
                         user_dir);
}

Result<std::string> render_template(const nlohmann::json& data_model, std::string_view family, std::string_view name,
                                    Format format, const std::string& user_dir) {
  const std::string template_name(name);
  const std::string shipped = family == "review" ? "fault-analysis or postmortem" : "monthly";
  if (!valid_name(template_name))
    return fail(ErrorKind::Usage, "'" + template_name + "' is not a template name", "use a name such as " + shipped);
  const auto dirs = search_dirs(family, user_dir);
  const std::string file_name = template_name + "." + extension(format) + ".mustache";
  FAULTLINE_TRY(found, find_template(dirs, file_name));
  if (!*found) {
    std::string where;
    for (const auto& dir : dirs) where += (where.empty() ? "" : ", ") + dir.string();
    return fail(ErrorKind::Config,
                "no report template " + file_name + " (looked in: " + where + ")",
                "use --template " + shipped + ", or put " + file_name + " in team.template_dir/" +
                    std::string(family) + "/");
  }
  const TemplateFile& main = **found;
  if (auto ok = check_syntax(main); !ok) return std::unexpected(ok.error());
  std::map<std::string, TemplateFile> partials;
  if (auto ok = load_partials(main, dirs, format, partials, 0, family); !ok) return std::unexpected(ok.error());

  data root = core::to_mustache(data_model, core::EmptyString::Falsy);
  if (!root.is_object()) root = data{data::type::object};
  for (const auto& [partial_name, partial_file] : partials) {
    if (data_model.is_object() && data_model.contains(partial_name))
      return fail(ErrorKind::Config,
                  partial_file.path.string() + ": the partial name '" + partial_name +
                      "' is also a key of the report data",
                  "rename the partial (the shipped ones start with part-)");
    const std::string text = partial_file.text;
    root.set(partial_name, data{kainjow::mustache::partial{[text]() { return text; }}});
  }

  mustache tmpl{main.text};
  if (format == Format::Markdown) tmpl.set_custom_escape(markdown_escape);
  else tmpl.set_custom_escape([](const std::string& value) { return core::escape_storage(value); });
  std::string rendered = tmpl.render(root);
  if (!tmpl.is_valid())
    return fail(ErrorKind::Config, main.path.string() + ": cannot render: " + core::mustache_error_text(tmpl.error_message()));
  return rendered;
}

}  // namespace faultline::report
