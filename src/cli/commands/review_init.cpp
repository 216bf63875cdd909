// Placeholder until register_review_init lands: registers nothing yet.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_review_init(CLI::App& /*parent*/, Context& /*ctx*/) {}

}  // namespace faultline::cli
