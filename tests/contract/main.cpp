// The contract check's Catch2 runner: exits 77 (ctest SKIPPED) with the reason when node or
// Prism is missing, unless CI=true, where a missing Prism is a failure.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <iostream>

#include "contract/contract_support.hpp"

int main(int argc, char** argv) {
  auto prism = faultline::contract::find_prism();
  if (!prism.missing_reason.empty()) {
    if (faultline::contract::running_in_ci()) {
      std::cerr << "contract check FAILED: " << prism.missing_reason << " (CI=true requires Prism)\n";
      return 1;
    }
    std::cout << "contract check SKIPPED: " << prism.missing_reason << "\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
