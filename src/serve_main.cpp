// faultline-serve: faultline with the alert receiver's HTTP server linked in (src/serve/).
// `faultline serve` execs it, so that faultline itself links no HTTP server library.
#include "faultline/cli/command.hpp"
#include "faultline/cli/main_context.hpp"

int main(int argc, char** argv) {
  faultline::cli::set_serve_runner(&faultline::cli::run_serve);
  return faultline::cli::run_main(argc, argv);
}
