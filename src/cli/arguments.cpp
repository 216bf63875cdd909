// Command-line arguments checked for UTF-8 before parsing, naming the option they belong to.
#include "faultline/cli/arguments.hpp"

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "faultline/core/text_input.hpp"

namespace faultline::cli {

namespace {

// Whether `name` ("--title", "-o") is an option of `app` or of one of its subcommands that
// takes a value (flags take none).
bool option_takes_value(const CLI::App& app, const std::string& name) {
  const CLI::Option* option = app.get_option_no_throw(name);
  if (option != nullptr && !option->get_positional() && option->get_expected_max() != 0 &&
      option->get_type_size_max() != 0) {
    return true;
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (option_takes_value(*sub, name)) return true;
  }
  return false;
}

// The option whose value argv[index] is, when that can be told ("" when not): the name
// before '=' in "--title=...", or the option before it.
std::string option_of(int index, const char* const* argv, const CLI::App& app, std::size_t flaw_offset) {
  const std::string_view argument = argv[index];
  if (argument.starts_with("-") && argument.size() > 1) {
    const auto equals = argument.find('=');
    if (argument.starts_with("--") && equals != std::string_view::npos && flaw_offset > equals) {
      return std::string(argument.substr(0, equals));
    }
    return "";  // the bad byte is in an option's name
  }
  if (index < 2) return "";
  const std::string previous = argv[index - 1];
  if (previous.size() < 2 || previous.front() != '-' || previous.find('=') != std::string::npos) return "";
  return option_takes_value(app, previous) ? previous : "";
}

}  // namespace

Result<void> check_arguments_are_text(int argc, const char* const* argv, const CLI::App& app) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    const auto flaw = core::find_text_flaw(argument);
    if (!flaw) continue;
    return core::check_argument_text(argument, static_cast<std::size_t>(i), option_of(i, argv, app, flaw->offset));
  }
  return {};
}

}  // namespace faultline::cli
