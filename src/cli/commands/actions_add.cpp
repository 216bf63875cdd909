// Placeholder until register_actions_add lands: registers nothing yet.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_actions_add(CLI::App& /*parent*/, Context& /*ctx*/) {}

}  // namespace faultline::cli
