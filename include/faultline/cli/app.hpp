// The command tree. main() builds a Context and calls run_app; tests do the same with fakes.
#pragma once

#include "faultline/cli/context.hpp"

namespace faultline::cli {

// Parses argv, runs the chosen command and returns the process exit code (cli/exit_codes.hpp).
// Never throws and never exits.
int run_app(int argc, const char* const* argv, Context& ctx);

}  // namespace faultline::cli
