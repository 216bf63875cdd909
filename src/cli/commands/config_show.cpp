// `faultline config show`: the merged configuration, where each value came from, secrets
// masked.
#include <memory>

#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/config/show.hpp"

namespace faultline::cli {

namespace {

struct ConfigShowOptions {};

Result<void> run_config_show(const ConfigShowOptions&, Context& ctx) {
  FAULTLINE_TRY(config, ctx.loaded_config());
  if (ctx.options.json) {
    print_json(ctx.out(), config::config_to_json(**config));
  } else {
    ctx.out() << config::render_config_show(**config);
  }
  return {};
}

}  // namespace

void register_config(CLI::App& app, Context& ctx) {
  auto* config = app.add_subcommand("config", "Inspect the configuration");
  config->require_subcommand(1);
  auto options = std::make_shared<ConfigShowOptions>();
  auto* show = config->add_subcommand("show", "Print the merged configuration, the source of each value, secrets masked");
  set_examples(*show, {"faultline config show", "faultline --profile staging config show --json"});
  show->callback([options, &ctx] { finish(ctx, run_config_show(*options, ctx)); });
}

}  // namespace faultline::cli
