#include "faultline/cli/command_tree.hpp"

#include <CLI/CLI.hpp>

namespace faultline::cli {

namespace {

OptionDoc describe_option(const CLI::Option& option) {
  OptionDoc doc;
  for (const auto& name : option.get_snames()) doc.flags.push_back("-" + name);
  for (const auto& name : option.get_lnames()) doc.flags.push_back("--" + name);
  if (doc.flags.empty()) doc.name = option.get_name();
  const std::string type_name = option.get_type_name();
  if (option.get_expected_max() != 0) {
    doc.value = type_name.substr(0, type_name.find(':'));
    if (doc.value.empty()) doc.value = "VALUE";
    doc.values = enumerated_values(type_name);
  }
  doc.description = option.get_description();
  doc.required = option.get_required();
  return doc;
}

CommandDoc describe(const CLI::App& app, std::vector<std::string> path) {
  CommandDoc doc;
  doc.path = std::move(path);
  doc.description = app.get_description();
  doc.footer = app.get_footer();
  const CLI::Option* help = app.get_help_ptr();
  for (const CLI::Option* option : app.get_options()) {
    if (option == help || option->get_group().empty()) continue;
    OptionDoc described = describe_option(*option);
    (described.flags.empty() ? doc.positionals : doc.options).push_back(std::move(described));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* candidate) { return !candidate->get_group().empty(); })) {
    auto sub_path = doc.path;
    sub_path.push_back(sub->get_name());
    doc.commands.push_back(describe(*sub, std::move(sub_path)));
  }
  return doc;
}

}  // namespace

CommandDoc describe_commands(const CLI::App& app) { return describe(app, {}); }

std::vector<std::string> enumerated_values(std::string_view type_name) {
  std::vector<std::string> values;
  const auto open = type_name.find(":{");
  if (open == std::string_view::npos) return values;
  const auto close = type_name.find('}', open);
  if (close == std::string_view::npos) return values;
  const std::string_view set = type_name.substr(open + 2, close - open - 2);
  std::size_t start = 0;
  while (start <= set.size()) {
    const auto comma = set.find(',', start);
    const auto value = set.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!value.empty()) values.emplace_back(value);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return values;
}

}  // namespace faultline::cli
