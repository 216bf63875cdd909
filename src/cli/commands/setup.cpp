// `faultline setup board`: the Jira filters and board for the tracking lanes.
// Placeholder until the tracking work lands: registers nothing yet.
#include "faultline/cli/command.hpp"

namespace faultline::cli {

void register_setup(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace faultline::cli
