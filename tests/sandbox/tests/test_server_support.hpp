// Test helpers: an in-process sandbox server on a free loopback port and an authenticated
// httplib client for it.
#pragma once

#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "server.hpp"

namespace sandbox::testing {

// A started sandbox server with helpers for authenticated JSON calls.
class TestSandbox {
public:
  // Starts a server for `flavor` with `options` (flavor and port are overridden).
  explicit TestSandbox(Flavor flavor, ServerOptions options = {}) : m_flavor(flavor) {
    options.flavor = flavor;
    options.port = 0;
    options.host = "127.0.0.1";
    options.threads = 16;
    m_server = std::make_unique<Server>(std::move(options));
    auto started = m_server->start();
    if (!started) throw std::runtime_error(started.error());
  }

  // The server itself.
  Server& server() { return *m_server; }

  // A client with the default user's credentials (Cloud Basic email:token, DC Bearer PAT).
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>(m_server->base_url());
    c->set_connection_timeout(5);
    c->set_read_timeout(30);
    if (m_flavor == Flavor::Cloud) c->set_basic_auth("oncall@example.com", "sandbox-token");
    else c->set_bearer_token_auth("sandbox-token");
    return c;
  }

  // A client without credentials.
  std::unique_ptr<httplib::Client> anonymous() const {
    auto c = std::make_unique<httplib::Client>(m_server->base_url());
    c->set_connection_timeout(5);
    c->set_read_timeout(30);
    return c;
  }

  // The REST root for issues: /rest/api/3 on Cloud, /rest/api/2 on Data Center.
  std::string api() const { return m_flavor == Flavor::Cloud ? "/rest/api/3" : "/rest/api/2"; }

  // Sends a JSON request with the default credentials; returns status and parsed body (null if none).
  std::pair<int, nlohmann::json> call(const std::string& method, const std::string& path,
                                      const nlohmann::json& body = nullptr) const {
    auto c = client();
    const std::string text = body.is_null() ? std::string() : body.dump();
    auto res = method == "POST"     ? c->Post(path.c_str(), text, "application/json")
               : method == "PUT"    ? c->Put(path.c_str(), text, "application/json")
               : method == "DELETE" ? c->Delete(path.c_str())
                                    : c->Get(path.c_str());
    if (!res) return {-1, nullptr};
    auto parsed = nlohmann::json::parse(res->body, nullptr, false);
    return {res->status, parsed.is_discarded() ? nlohmann::json(res->body) : parsed};
  }

private:
  Flavor m_flavor;
  std::unique_ptr<Server> m_server;
};

// A minimal fault issue create body.
inline nlohmann::json fault_input(const std::string& summary) {
  return {{"fields", {{"project", {{"key", "FAULT"}}}, {"issuetype", {{"name", "Fault"}}}, {"summary", summary}}}};
}

}  // namespace sandbox::testing
