// Start-up cost: the binary links no library that pulls in dozens of others (libcurl,
// libcrypto, cairo, libxlsxwriter are opened on first use, util/shared_library.hpp), so a
// command that needs none of them — `--version`, `--help`, a usage error — loads none.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

namespace {

// What the dynamic loader reports loading for `faultline ARGS` (LD_DEBUG=libs, on stderr).
std::string loader_trace(const std::string& args) {
  const char* bin = std::getenv("FAULTLINE_BIN");
  REQUIRE(bin != nullptr);
  const std::string command = "LD_DEBUG=libs '" + std::string(bin) + "' " + args + " 2>&1 >/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string text;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  pclose(pipe);
  return text;
}

}  // namespace

TEST_CASE("start-up loads no network, crypto or chart library", "[startup]") {
  for (const std::string args : {"--version", "--help", "no-such-command"}) {
    INFO("faultline " << args);
    const std::string trace = loader_trace(args);
    REQUIRE(trace.find("libfmt") != std::string::npos);  // the trace works: a linked library shows
    CHECK(trace.find("libcurl") == std::string::npos);
    CHECK(trace.find("libcrypto") == std::string::npos);
    CHECK(trace.find("libcairo") == std::string::npos);
    CHECK(trace.find("libxlsxwriter") == std::string::npos);
  }
}
