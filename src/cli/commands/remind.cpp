// Placeholder until register_remind lands: registers nothing yet.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_remind(CLI::App& /*parent*/, Context& /*ctx*/) {}

}  // namespace faultline::cli
