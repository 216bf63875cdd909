#include "faultline/cli/main_context.hpp"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <unistd.h>

#include <iostream>
#include <thread>

#include "faultline/cli/app.hpp"
#include "faultline/http/curl_transport.hpp"

namespace faultline::cli {

int run_main(int argc, char** argv) {
#ifdef __GLIBC__
  // One malloc arena for the process. The threads here wait on the network; with an arena
  // each, what a page parsed on one thread frees stays mapped in that arena, and a 10,000-issue
  // board peaked at 46 MiB instead of 34 MiB at the same CPU time (bench/README.md).
  mallopt(M_ARENA_MAX, 1);
#endif
  std::ios::sync_with_stdio(false);
  ProcessEnvironment env;
  ShellCommandRunner runner;
  core::SystemClock clock;
  Streams streams{std::cin, std::cout, std::cerr, isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1,
                  isatty(STDERR_FILENO) == 1};
  TransportFactory factory = [](const config::HttpSettings& http, std::chrono::milliseconds timeout) {
    http::CurlOptions options;
    options.connect_timeout = std::chrono::seconds(http.connect_timeout_seconds);
    options.total_timeout = timeout;
    options.ca_bundle = http.ca_bundle;
    options.max_concurrency = http.concurrency;
    return http::make_curl_transport(options);
  };
  Sleeper sleeper = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  Context ctx(streams, env, runner, clock, factory, sleeper);
  const int code = run_app(argc, argv, ctx);
  std::cout.flush();
  return code;
}

}  // namespace faultline::cli
