// Placeholder until register_board lands: registers nothing yet.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_board(CLI::App& /*parent*/, Context& /*ctx*/) {}

}  // namespace faultline::cli
