// The real process wiring: std streams, isatty, getenv, /bin/sh, the system clock, curl.
#pragma once

namespace faultline::cli {

// Builds the production Context and runs the app. Returns the exit code.
int run_main(int argc, char** argv);

}  // namespace faultline::cli
