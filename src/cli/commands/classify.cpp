// `faultline classify --bu UNIT --metric NAME=NUMBER ...`: the level the unit's rules give
// for these metrics, and the rule that matched. No network.
#include <memory>

#include <fmt/format.h>

#include "faultline/app/fault_session.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct ClassifyOptions {
  std::string business_unit;
  std::vector<std::string> metrics;
};

Result<ExitCode> run_classify(const ClassifyOptions& options, Context& ctx) {
  FAULTLINE_TRY(config, ctx.config());
  FAULTLINE_TRY(metrics, app::parse_metrics(options.metrics));
  FAULTLINE_TRY(decision, app::classify_for_unit(**config, options.business_unit, *metrics));
  if (ctx.options.json) {
    nlohmann::json rule = nullptr;
    if (decision->matched) {
      auto conditions = nlohmann::json::array();
      for (const auto& c : decision->matched->conditions) conditions.push_back(c.text);
      rule = {{"level", decision->matched->level},
              {"combine", decision->matched->combine == core::Combine::All ? "all" : "any"},
              {"conditions", conditions}};
    }
    print_json(ctx.out(), nlohmann::json{{"business_unit", options.business_unit},
                                         {"metrics", *metrics},
                                         {"level", decision->level},
                                         {"explanation", decision->explanation},
                                         {"rule", rule}});
  } else {
    ctx.out() << decision->level << "\t" << decision->explanation << "\n";
  }
  return ExitCode::Ok;
}

}  // namespace

void register_classify(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ClassifyOptions>();
  auto* cmd = app.add_subcommand("classify", "Show the level a business unit's rules give for impact metrics");
  cmd->add_option("--bu", options->business_unit, "Business unit whose [levels.<unit>] rules apply")->required();
  cmd->add_option("--metric", options->metrics, "NAME=NUMBER (scope=12, duration=45, orders_lost=300); repeatable")
      ->required();
  set_examples(*cmd, {"faultline classify --bu retail --metric scope=12 --metric duration=45",
                      "faultline classify --bu retail --metric orders_lost=2000 --json"});
  cmd->callback([options, &ctx] { finish(ctx, run_classify(*options, ctx)); });
}

}  // namespace faultline::cli
