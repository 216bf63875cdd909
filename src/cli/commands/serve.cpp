// `faultline serve [--listen HOST:PORT]`: the alert receiver (src/serve/). The HTTP server
// and the TLS and compression libraries it links live in the faultline-serve executable next
// to this one, so every other command starts without loading them: here the command's
// options are declared (help, completion, the man page) and the process becomes
// faultline-serve with the same arguments.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "faultline/cli/command.hpp"

namespace faultline::cli {

namespace {

ServeRunner g_serve_runner = nullptr;

// Replaces this process with faultline-serve (found beside this executable). Returns only on
// failure.
Result<ExitCode> exec_serve(Context& ctx) {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  const auto server = self.parent_path() / "faultline-serve";
  if (error || !std::filesystem::exists(server, error))
    return fail(ErrorKind::Config, fmt::format("{} is not installed: `faultline serve` runs it", server.string()),
                "install the faultline package again (it ships faultline-serve beside faultline), or build the "
                "faultline-serve target");
  std::vector<std::string> args = ctx.arguments;
  if (args.empty()) args.emplace_back("faultline");
  args.front() = server.string();
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ctx.out().flush();
  ctx.err().flush();
  ::execv(server.c_str(), argv.data());
  return fail(ErrorKind::Failed, fmt::format("cannot run {}: {}", server.string(), std::strerror(errno)));
}

}  // namespace

void set_serve_runner(ServeRunner runner) { g_serve_runner = runner; }

void register_serve(CLI::App& app, Context& ctx) {
  auto listen = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "serve", "Receive Alertmanager and Grafana webhooks: spool each delivery, then open or resolve its fault");
  cmd->add_option("--listen", *listen, "HOST:PORT to listen on (default [serve] listen, 127.0.0.1:9095)");
  set_examples(*cmd, {"faultline serve --listen 127.0.0.1:9095",
                      "curl -s localhost:9095/metrics | grep faultline_spool_entries"});
  cmd->callback([listen, &ctx] {
    finish(ctx, g_serve_runner != nullptr ? g_serve_runner(*listen, ctx) : exec_serve(ctx));
  });
}

}  // namespace faultline::cli
