// Fuzz target: the TOML config loader (config::load_config_from_string), the whole input as
// the file's text. Environment variables are a fixed map and token_cmd / url_cmd commands are
// never run: a fake runner answers every one. Property: loading never crashes, and an error
// always has a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "faultline/config/load.hpp"

namespace {

// Answers every secret command with a fixed value; nothing reaches a shell.
class FixedRunner final : public faultline::CommandRunner {
public:
  faultline::Result<std::string> run(const std::string& command) const override {
    if (command.find("fail") != std::string::npos) {
      return faultline::fail(faultline::ErrorKind::Config, "command failed");
    }
    return std::string("secret-from-command");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const faultline::MapEnvironment env({{"JIRA_TOKEN", "env-token"},
                                              {"FAULTLINE_JIRA_URL", "https://env.example.atlassian.net"},
                                              {"HOOK_URL", "https://hooks.example.com/x"}});
  static const FixedRunner runner;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  faultline::config::LoadOptions options;
  options.working_dir = "/nonexistent";
  auto loaded = faultline::config::load_config_from_string(text, "fuzz.toml", options, env, runner);
  if (!loaded && loaded.error().message.empty()) std::abort();
  return 0;
}
