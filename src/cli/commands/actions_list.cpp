// Placeholder until register_actions_list lands: registers nothing yet.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_actions_list(CLI::App& /*parent*/, Context& /*ctx*/) {}

}  // namespace faultline::cli
