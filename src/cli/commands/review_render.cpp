// Placeholder until register_review_render lands: registers nothing yet.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_review_render(CLI::App& /*parent*/, Context& /*ctx*/) {}

}  // namespace faultline::cli
