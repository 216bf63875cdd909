// Test helpers for the Confluence emulation called directly (no sockets): a seeded service,
// requests as the server hands them over (query values decoded) and JSON answers.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "confluence.hpp"

namespace sandbox::confluence_testing {

using nlohmann::json;
using sandbox::Flavor;
using sandbox::SbRequest;
using sandbox::SbResponse;

inline json alice() {
  return json{{"name", "alice"}, {"key", "JIRAUSER10000"}, {"accountId", "5b10a2844c20165700ede21g"},
              {"displayName", "Alice Example"}, {"emailAddress", "alice@example.com"}};
}

inline std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1'795'608'000));  // 2026-11-25T12:00:00Z
}

inline std::unique_ptr<sandbox::Service> make_service(Flavor flavor, const json& seed = json{{"users", json::array({alice()})}}) {
  auto service = sandbox::make_confluence_service(flavor);
  service->load_seed(seed);
  return service;
}

// Builds a request; `target` may carry a query string ("/path?a=1&b=2", values unescaped).
inline SbRequest request(const std::string& method, const std::string& target, const json& body = nullptr) {
  SbRequest r;
  r.method = method;
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) {
    std::string query = target.substr(q + 1);
    std::size_t at = 0;
    while (at <= query.size()) {
      auto amp = query.find('&', at);
      if (amp == std::string::npos) amp = query.size();
      std::string pair = query.substr(at, amp - at);
      auto eq = pair.find('=');
      if (!pair.empty()) r.query.emplace(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
      at = amp + 1;
    }
  }
  if (!body.is_null()) {
    r.body = body.dump();
    r.headers["content-type"] = "application/json";
  }
  r.now = fixed_now();
  r.user = alice();
  r.base_url = "http://127.0.0.1:8080";
  return r;
}

inline SbResponse call(sandbox::Service& s, const SbRequest& r) {
  auto res = s.handle(r);
  REQUIRE(res.has_value());
  return *res;
}

inline json call_json(sandbox::Service& s, const SbRequest& r, int expected_status) {
  SbResponse res = call(s, r);
  INFO(r.method << " " << r.path << " -> " << res.status << " " << res.body);
  CHECK(res.status == expected_status);
  return res.body.empty() ? json() : json::parse(res.body);
}

inline json v1_page(const std::string& title, const std::string& body, const std::string& parent = "65601") {
  json j{{"type", "page"}, {"title", title}, {"space", {{"key", "OPS"}}},
         {"body", {{"storage", {{"value", body}, {"representation", "storage"}}}}}};
  if (!parent.empty()) j["ancestors"] = json::array({{{"id", parent}}});
  return j;
}

inline std::string api(Flavor f) { return f == Flavor::Cloud ? "/wiki/rest/api" : "/confluence/rest/api"; }

// One file of a multipart upload.
struct UploadFile {
  std::string name;     // the part's filename
  std::string type;     // its Content-Type ("" for none)
  std::string data;     // its bytes
  std::string comment;  // a "comment" part for it ("" for none)
};

// A multipart/form-data upload of `files` (field "file"), with the XSRF header unless
// `xsrf_token` is empty and a "minorEdit" part when `minor_edit` is given.
inline SbRequest upload_request(const std::string& method, const std::string& target, const std::vector<UploadFile>& files,
                                const std::string& xsrf_token = "no-check", const std::string& minor_edit = "") {
  const std::string boundary = "sandbox-boundary-7MA4YWxkTrZu0gW";
  std::string body;
  for (const auto& f : files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + f.name + "\"\r\n";
    if (!f.type.empty()) body += "Content-Type: " + f.type + "\r\n";
    body += "\r\n" + f.data + "\r\n";
  }
  for (const auto& f : files) {
    if (f.comment.empty()) continue;
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + f.comment + "\r\n";
  }
  if (!minor_edit.empty()) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"minorEdit\"\r\n\r\n" + minor_edit + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  SbRequest r = request(method, target);
  r.headers["content-type"] = "multipart/form-data; boundary=" + boundary;
  if (!xsrf_token.empty()) r.headers["x-atlassian-token"] = xsrf_token;
  r.body = body;
  return r;
}

}  // namespace sandbox::confluence_testing
