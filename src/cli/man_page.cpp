// faultline(1) generated from the command tree (command_tree.hpp): the same descriptions,
// options and notes as --help, laid out in man(7) roff.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "faultline/cli/command_tree.hpp"

namespace faultline::cli {

namespace {

// One line of text for roff: backslashes and hyphens escaped, and a leading period or quote
// (which would start a request) guarded.
std::string roff(std::string_view text) {
  std::string out;
  if (!text.empty() && (text.front() == '.' || text.front() == '\'')) out += "\\&";
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  return out;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    lines.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

// A footer paragraph of --help: "Title:" followed by lines indented by two spaces (examples,
// exit codes), or prose.
struct Paragraph {
  std::string title;  // empty for prose
  std::vector<std::string> lines;
};

std::vector<Paragraph> paragraphs_of(std::string_view footer) {
  std::vector<Paragraph> paragraphs;
  std::vector<std::string> current;
  auto flush = [&] {
    if (current.empty()) return;
    Paragraph paragraph;
    const bool titled = current.size() > 1 && current.front().ends_with(':') &&
                        std::all_of(current.begin() + 1, current.end(), [](const std::string& line) { return line.starts_with("  "); });
    if (titled) {
      paragraph.title = current.front().substr(0, current.front().size() - 1);
      for (auto it = current.begin() + 1; it != current.end(); ++it) paragraph.lines.push_back(it->substr(2));
    } else {
      paragraph.lines = current;
    }
    paragraphs.push_back(std::move(paragraph));
    current.clear();
  };
  for (auto& line : lines_of(footer)) {
    if (line.find_first_not_of(' ') == std::string::npos) {
      flush();
      continue;
    }
    current.push_back(std::move(line));
  }
  flush();
  return paragraphs;
}

void write_block(std::string& out, const std::vector<std::string>& lines) {
  out += ".RS\n.nf\n";
  for (const auto& line : lines) out += roff(line) + "\n";
  out += ".fi\n.RE\n";
}

void write_prose(std::string& out, const std::vector<std::string>& lines) {
  out += ".PP\n";
  for (const auto& line : lines) {
    const auto start = line.find_first_not_of(' ');
    out += roff(std::string_view(line).substr(start)) + "\n";
  }
}

void write_option(std::string& out, const OptionDoc& option) {
  out += ".TP\n";
  if (option.flags.empty()) {
    out += fmt::format("\\fI{}\\fR\n", roff(option.name));
  } else {
    std::string names;
    for (const auto& flag : option.flags) {
      if (!names.empty()) names += ", ";
      names += fmt::format("\\fB{}\\fR", roff(flag));
    }
    if (!option.value.empty()) names += fmt::format(" \\fI{}\\fR", roff(option.value));
    out += names + "\n";
  }
  std::string description = option.description;
  if (!option.values.empty()) {
    std::string values;
    for (const auto& value : option.values) values += (values.empty() ? "" : ", ") + value;
    description += (description.empty() ? "" : " ") + std::string("Values: ") + values + ".";
  }
  if (option.required && !option.flags.empty()) description += " Required.";
  for (const auto& line : lines_of(description)) out += roff(line) + "\n";
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void write_command(std::string& out, const CommandDoc& command) {
  std::string name = "faultline";
  for (const auto& word : command.path) name += " " + word;
  out += fmt::format(".SS \"{}\"\n", roff(name));
  std::string synopsis = fmt::format(".B {}\n", roff(name));
  std::string arguments;
  if (!command.commands.empty()) arguments += "\\fICOMMAND\\fR ";
  for (const auto& positional : command.positionals)
    arguments += positional.required ? fmt::format("\\fI{}\\fR ", roff(positional.name))
                                     : fmt::format("[\\fI{}\\fR] ", roff(positional.name));
  if (!command.options.empty()) arguments += "[\\fIOPTIONS\\fR]";
  while (arguments.ends_with(' ')) arguments.pop_back();
  out += synopsis + (arguments.empty() ? "" : arguments + "\n");
  out += ".PP\n";
  for (const auto& line : lines_of(command.description)) out += roff(line) + "\n";
  if (!command.commands.empty()) {
    std::string names;
    for (const auto& sub : command.commands) names += (names.empty() ? "" : ", ") + sub.path.back();
    out += ".PP\n" + roff("Commands: " + names + ".") + "\n";
  }
  for (const auto& positional : command.positionals) write_option(out, positional);
  for (const auto& option : command.options) write_option(out, option);
  for (const auto& paragraph : paragraphs_of(command.footer)) {
    if (paragraph.title.empty()) {
      write_prose(out, paragraph.lines);
      continue;
    }
    out += fmt::format(".PP\n\\fB{}:\\fR\n", roff(paragraph.title));
    write_block(out, paragraph.lines);
  }
  for (const auto& sub : command.commands) write_command(out, sub);
}

}  // namespace

std::string man_page(const CommandDoc& root, std::string_view version) {
  std::string out = ".\\\" faultline(1): generated by `faultline help --man` from the command tree. Do not edit.\n";
  out += fmt::format(".TH FAULTLINE 1 \"\" \"faultline {}\" \"User Commands\"\n", roff(version));
  out += ".SH NAME\nfaultline \\- the online\\-fault process on Jira, Confluence and chat\n";
  out += ".SH SYNOPSIS\n.B faultline\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]\n";
  out += ".SH DESCRIPTION\n";
  for (const auto& line : lines_of(root.description)) out += roff(line) + "\n";
  out += ".PP\n" + roff("Every command's text here is its --help; faultline help COMMAND prints it.") + "\n";
  out += ".SH \"GLOBAL OPTIONS\"\n";
  out += roff("Accepted before or after the command.") + "\n";
  for (const auto& option : root.options) write_option(out, option);
  out += ".SH COMMANDS\n";
  for (const auto& command : root.commands) write_command(out, command);
  for (const auto& paragraph : paragraphs_of(root.footer)) {
    if (paragraph.title.empty()) {
      out += ".SH NOTES\n";
      for (const auto& line : paragraph.lines) out += roff(line) + "\n";
      continue;
    }
    out += fmt::format(".SH \"{}\"\n", roff(upper(paragraph.title)));
    out += ".nf\n";
    for (const auto& line : paragraph.lines) out += roff(line) + "\n";
    out += ".fi\n";
  }
  out += ".SH \"SEE ALSO\"\n";
  out += roff("The README (share/doc/faultline/README.md where faultline is installed) for the configuration "
              "file, the workflow and the JSON contracts.") + "\n";
  return out;
}

}  // namespace faultline::cli
