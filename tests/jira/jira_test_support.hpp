// Shared set-up of the Jira client tests: one client per flavor over a FakeTransport.
#pragma once

#include <string>

#include "faultline/jira/client.hpp"
#include "support/fake_transport.hpp"

namespace faultline::test {

inline constexpr const char* k_cloud_url = "https://example.atlassian.net";
inline constexpr const char* k_datacenter_url = "https://jira.example.com";
inline constexpr const char* k_secret_token = "tok-9f8e7d6c5b4a-SECRET";

inline jira::Connection cloud_connection() {
  return jira::Connection{k_cloud_url, "oncall@example.com", k_secret_token, jira::AuthScheme::Auto};
}

// A Data Center personal access token: no user, so Auto sends it as a bearer token.
inline jira::Connection datacenter_connection() {
  return jira::Connection{k_datacenter_url, "", k_secret_token, jira::AuthScheme::Auto};
}

inline jira::Client cloud_client(FakeTransport& fake) {
  return jira::Client(fake, cloud_connection(), jira::Flavor::Cloud);
}

inline jira::Client datacenter_client(FakeTransport& fake) {
  return jira::Client(fake, datacenter_connection(), jira::Flavor::DataCenter);
}

// True when the token appears nowhere in the error.
inline bool token_free(const Error& error) {
  std::string all = error.message + error.hint;
  for (const auto& d : error.details) all += d;
  return all.find(k_secret_token) == std::string::npos;
}

}  // namespace faultline::test
