// What the integration tests share: the two flavors with the sandbox's seeded people, the
// [jira] table every test config starts from, an app wired to the sandbox over loopback, and
// the sandbox's own API (requests as another user, the request log, captured chat messages,
// fault injection, the index catch-up).
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "faultline/http/curl_transport.hpp"
#include "faultline/http/url.hpp"
#include "support/sandbox_process.hpp"
#include "support/test_context.hpp"

namespace faultline::testing {

// One flavor of Jira + Confluence and the Jira ids of the sandbox's seeded people.
struct FlavorCase {
  const char* flavor;    // "cloud" | "datacenter"
  const char* user;      // faultline's login: an e-mail on Cloud, "" (a bearer PAT) on Data Center
  const char* alice;     // Jira ids: accountId (Cloud) or user name (Data Center)
  const char* bob;
  const char* dave;      // the coordinator
  const char* editor;    // another person's Basic login: e-mail on Cloud, user name on Data Center
  const char* jira_api;  // "/rest/api/3" | "/rest/api/2"
  const char* wiki;      // Confluence's context path: "/wiki" | "/confluence"

  bool cloud() const { return std::string(flavor) == "cloud"; }
  // The user reference Jira takes in a body: {"accountId": id} on Cloud, {"name": id} on DC.
  nlohmann::json user_json(const std::string& id) const {
    return cloud() ? nlohmann::json{{"accountId", id}} : nlohmann::json{{"name", id}};
  }
  // The Authorization header faultline's own login sends.
  std::string authorization() const {
    return *user == '\0' ? http::bearer_authorization("sandbox-token") : http::basic_authorization(user, "sandbox-token");
  }
};

inline const FlavorCase k_cloud{"cloud",
                                "oncall@example.com",
                                "5b10a2844c20165700ede21a",
                                "5b10a2844c20165700ede21b",
                                "5b10a2844c20165700ede21d",
                                "carol@example.com",
                                "/rest/api/3",
                                "/wiki"};
inline const FlavorCase k_datacenter{"datacenter", "", "alice", "bob", "dave", "carol", "/rest/api/2", "/confluence"};

// A fresh, empty directory for one test: <tmp>/faultline-it-<name>-<pid>.
inline std::filesystem::path test_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("faultline-it-" + name + "-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The [jira] table of a test config for the flavor: faultline's login, the token from
// $IT_TOKEN, project FAULT with the sandbox's Fault and Sub-task types. The URL comes from
// $FAULTLINE_JIRA_URL (make_app).
inline std::string jira_config(const FlavorCase& flavor) {
  std::string text = "[jira]\nflavor = \"" + std::string(flavor.flavor) + "\"\n";
  if (*flavor.user != '\0') text += "user = \"" + std::string(flavor.user) + "\"\n";
  return text + "token_env = \"IT_TOKEN\"\nproject = \"FAULT\"\nfault_type = \"Fault\"\nsubtask_type = \"Sub-task\"\n\n";
}

// Writes `text` to `path`; returns the path.
inline std::string write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
  return path.string();
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `text` as dir/faultline.toml; returns its path.
inline std::string write_config(const std::filesystem::path& dir, const std::string& text) {
  std::filesystem::create_directories(dir);
  return write_text(dir / "faultline.toml", text);
}

// The config of the publish race and round-trip tests: Jira with the fields publish writes,
// Confluence (space OPS, parent "Fault Reviews") at the sandbox, alice and bob.
inline std::string write_publish_config(const std::filesystem::path& dir, const FlavorCase& f,
                                        const std::string& sandbox_url) {
  return write_config(dir, jira_config(f) +
                               "[jira.fields]\nlevel = \"Fault Level\"\nteam = \"Team\"\nstarted_at = \"Started At\"\n"
                               "recovered_at = \"Recovered At\"\n\n"
                               "[confluence]\nurl = \"" + sandbox_url + f.wiki + "\"\nflavor = \"" + f.flavor +
                               "\"\nspace = \"OPS\"\nparent = \"Fault Reviews\"\n\n"
                               "[team]\ntimezone = \"Asia/Shanghai\"\n\n"
                               "[people.alice]\njira = \"" + f.alice + "\"\n[people.bob]\njira = \"" + f.bob + "\"\n");
}

// A review file with `count` actions a-1 .. a-N, alternately owned by alice and bob.
inline std::string review_with_actions(int count) {
  std::string text = "+++\nlevel = \"P2\"\nteam = \"payments\"\n\n";
  for (int i = 1; i <= count; ++i) {
    text += "[[action]]\nid = \"a-" + std::to_string(i) + "\"\nsummary = \"Action number " + std::to_string(i) +
            "\"\nowner = \"" + (i % 2 ? "alice" : "bob") + "\"\ndue = \"2026-12-20\"\nkind = \"prevent\"\n\n";
  }
  return text + "+++\n\n## Summary\n\nThe pool was exhausted.\n\n## Root cause\n\nA config push.\n";
}

// An app that talks to the sandbox over loopback: $FAULTLINE_JIRA_URL, $IT_TOKEN, and the
// generic chat hook "ops" in $IT_HOOK_URL.
inline TestApp make_app(const SandboxProcess& sandbox) {
  TestApp app;
  app.real_network = true;
  app.env.set("FAULTLINE_JIRA_URL", sandbox.url());
  app.env.set("IT_TOKEN", "sandbox-token");
  app.env.set("IT_HOOK_URL", sandbox.url() + "/hooks/generic/ops");
  return app;
}

// Runs the app, requires `expected_exit`, and parses its --json output.
inline nlohmann::json run_json(TestApp& app, std::vector<std::string> args, int expected_exit = 0) {
  const int code = app.run(std::move(args));
  INFO(app.err.str());
  INFO(app.out.str());
  REQUIRE(code == expected_exit);
  return nlohmann::json::parse(app.out.str());
}

// Starts the real faultline binary ($FAULTLINE_BIN) with `args`, stdout to `out_path` (stderr
// to `err_path` when given), and in its environment the sandbox's URL, token and chat hook (as
// make_app sets them), no proxy for loopback, and a state directory of this test process's own
// (the spool: never the user's). Returns the pid; wait_exit() reaps it.
inline pid_t spawn_faultline(const SandboxProcess& sandbox, const std::vector<std::string>& args,
                             const std::string& out_path, const std::string& err_path = {}) {
  const char* bin = std::getenv("FAULTLINE_BIN");
  REQUIRE(bin != nullptr);
  const std::string url = sandbox.url();
  const std::string hook = url + "/hooks/generic/ops";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) _exit(126);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    if (!err_path.empty()) {
      const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err_fd < 0) _exit(126);
      dup2(err_fd, STDERR_FILENO);
      close(err_fd);
    }
    const auto state = std::filesystem::temp_directory_path() /
                       ("faultline-it-state-" + std::to_string(static_cast<long>(::getppid())));
    setenv("XDG_STATE_HOME", state.c_str(), 0);
    setenv("FAULTLINE_JIRA_URL", url.c_str(), 1);
    setenv("IT_TOKEN", "sandbox-token", 1);
    setenv("IT_HOOK_URL", hook.c_str(), 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    std::vector<std::string> argv_text = {bin};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin, argv.data());
    _exit(127);
  }
  return pid;
}

// Waits for `pid` and returns its exit code (-1 when it did not exit normally).
inline int wait_exit(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The sandbox's API for a test: Jira and Confluence as another person, and /_sandbox/.
class SandboxApi {
public:
  SandboxApi(const SandboxProcess& sandbox, FlavorCase flavor) : m_sandbox(sandbox), m_flavor(flavor) {}

  // One request with `authorization` ("" = none, as /_sandbox/ takes them). Requires an answer.
  http::Response send(http::Method method, const std::string& path, const nlohmann::json& body = nullptr,
                      const std::string& authorization = {}) const {
    auto transport = http::make_curl_transport(http::CurlOptions{});
    http::Request request;
    request.method = method;
    request.url = m_sandbox.url() + path;
    if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
    request.headers.emplace_back("Accept", "application/json");
    if (!body.is_null()) {
      request.body = body.dump();
      request.headers.emplace_back("Content-Type", "application/json");
    }
    auto outcome = transport->send(request);
    REQUIRE(outcome.has_value());
    return *outcome;
  }
  // A request as faultline's own login; requires a 2xx answer; its JSON (null when empty).
  nlohmann::json call(http::Method method, const std::string& path, const nlohmann::json& body = nullptr) const {
    return checked(send(method, path, body, m_flavor.authorization()), path);
  }
  // A GET as the other person (flavor.editor, Basic).
  nlohmann::json get_as_editor(const std::string& path) const {
    return checked(send(http::Method::Get, path, nullptr, http::basic_authorization(m_flavor.editor, "sandbox-token")),
                   path);
  }
  // A /_sandbox/ control request; requires a 2xx answer.
  nlohmann::json control(http::Method method, const std::string& path, const nlohmann::json& body = nullptr) const {
    return checked(send(method, path, body), path);
  }
  // The chat messages the sandbox captured, all or those of one event.
  nlohmann::json messages(const std::string& event = {}) const {
    auto all = control(http::Method::Get, "/_sandbox/messages")["messages"];
    if (event.empty()) return all;
    auto out = nlohmann::json::array();
    for (const auto& m : all)
      if (m["body"].value("event", "") == event) out.push_back(m);
    return out;
  }
  // The index of the next request the sandbox will log.
  std::size_t next_request() const {
    return control(http::Method::Get, "/_sandbox/requests")["next"].get<std::size_t>();
  }
  // The logged requests from index `since` on.
  nlohmann::json requests_since(std::size_t since) const {
    return control(http::Method::Get, "/_sandbox/requests?since=" + std::to_string(since))["requests"];
  }
  // The requests since `since` that could change state: anything but GET outside /_sandbox/,
  // except Jira Cloud's JQL search, a POST that only reads.
  std::vector<std::string> writes_since(std::size_t since) const {
    std::vector<std::string> writes;
    for (const auto& r : requests_since(since)) {
      const std::string path = r["path"];
      const bool read = r["method"] == "GET" || (r["method"] == "POST" && path.ends_with("/search/jql"));
      if (!read && !path.starts_with("/_sandbox/")) writes.push_back(std::string(r["method"]) + " " + path);
    }
    return writes;
  }
  // How many requests since `since` had `method` and a path ending in `path_end`.
  int count_since(std::size_t since, const std::string& method, const std::string& path_end) const {
    int n = 0;
    for (const auto& r : requests_since(since)) {
      const std::string path = r["path"];
      if (r["method"] == method && path.ends_with(path_end)) ++n;
    }
    return n;
  }
  // Cloud's lagging search index catches up: every write is visible to search from now on.
  void catch_up_index() const { control(http::Method::Post, "/_sandbox/index/catch-up", nlohmann::json::object()); }

private:
  static nlohmann::json checked(const http::Response& response, const std::string& path) {
    INFO(path << " -> " << response.status << " " << response.body);
    REQUIRE(response.status < 300);
    return response.body.empty() ? nlohmann::json() : nlohmann::json::parse(response.body);
  }

  const SandboxProcess& m_sandbox;
  FlavorCase m_flavor;
};

}  // namespace faultline::testing
