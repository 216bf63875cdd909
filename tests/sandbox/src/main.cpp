// faultline-sandbox: a local Jira + Confluence + chat-webhook emulator with an SMTP capture.
// Prints its base URL on the first stdout line (and the capture's smtp:// URL on the second,
// unless --no-smtp), serves until SIGINT/SIGTERM, then saves --state (if given).
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "server.hpp"

namespace {

// Parses the command line and runs the server; returns the process exit code.
int run(int argc, char** argv) {
  CLI::App app{"faultline-sandbox: a local Jira / Confluence / chat-webhook emulator for faultline, with an SMTP "
               "capture. Prints the base URL on the first line of stdout and the SMTP capture's smtp:// URL on the "
               "second; captured e-mails are at /_sandbox/mail"};
  std::string flavor = "cloud";
  sandbox::ServerOptions options;
  std::string state_file, seed_file;
  long long latency_ms = 0, index_lag_ms = 0;
  app.add_option("--flavor", flavor, "Deployment to emulate")->check(CLI::IsMember({"cloud", "datacenter"}))->capture_default_str();
  app.add_option("--host", options.host, "Listen address")->capture_default_str();
  app.add_option("--port", options.port, "Port (0 = any free port)")->capture_default_str();
  app.add_option("--state", state_file, "State file: loaded at start if present, saved on SIGINT/SIGTERM");
  app.add_option("--token", options.token, "API token (Cloud), PAT and password (Data Center)")->capture_default_str();
  app.add_option("--user", options.user, "Default user: e-mail on Cloud, user name on Data Center");
  app.add_option("--latency-ms", latency_ms, "Latency added to every request")->check(CLI::NonNegativeNumber);
  app.add_option("--seed", seed_file, "Seed JSON file: replaces the built-in seed, or extends it with \"mode\":\"extend\"");
  app.add_option("--index-lag-ms", index_lag_ms, "Cloud search/jql index lag")->check(CLI::NonNegativeNumber);
  app.add_option("--threads", options.threads, "Worker threads (each kept-alive connection or hanging request holds one)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  bool no_smtp = false;
  auto* smtp_port = app.add_option("--smtp-port", options.smtp_port,
                                   "Port of the SMTP capture on 127.0.0.1 (plain SMTP, AUTH PLAIN/LOGIN accepted; 0 = any free port)")
                        ->check(CLI::Range(0, 65535))
                        ->capture_default_str();
  app.add_flag("--no-smtp", no_smtp, "Run no SMTP capture")->excludes(smtp_port);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  options.smtp = !no_smtp;
  options.flavor = flavor == "cloud" ? sandbox::Flavor::Cloud : sandbox::Flavor::DataCenter;
  options.latency = std::chrono::milliseconds(latency_ms);
  options.index_lag = std::chrono::milliseconds(index_lag_ms);
  if (!state_file.empty()) options.state_file = state_file;
  if (!seed_file.empty()) {
    std::ifstream in(seed_file, std::ios::binary);
    if (!in) {
      std::cerr << "faultline-sandbox: cannot read seed file " << seed_file << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto seed = nlohmann::json::parse(text.str(), nullptr, false);
    if (seed.is_discarded() || !seed.is_object()) {
      std::cerr << "faultline-sandbox: seed file " << seed_file << " is not a JSON object\n";
      return 2;
    }
    options.seed = std::move(seed);
  }

  // Signals are taken synchronously by this thread; every server thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sandbox::Server server(std::move(options));
  if (auto started = server.start(); !started) {
    std::cerr << "faultline-sandbox: " << started.error() << "\n";
    return 1;
  }
  std::cout << server.base_url() << std::endl;
  const auto smtp_url = server.smtp_url();
  if (smtp_url) std::cout << *smtp_url << std::endl;
  std::cerr << "faultline-sandbox: serving " << flavor << " at " << server.base_url();
  if (smtp_url) std::cerr << ", capturing mail at " << *smtp_url;
  std::cerr << " (Ctrl-C to stop)\n";
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  std::cerr << "faultline-sandbox: stopped\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
