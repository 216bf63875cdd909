// Shared set-up of the Confluence client tests: one client per flavor over a FakeTransport.
#pragma once

#include <string>

#include "faultline/confluence/client.hpp"
#include "support/fake_transport.hpp"

namespace faultline::test {

inline constexpr const char* k_confluence_cloud_url = "https://example.atlassian.net/wiki";
inline constexpr const char* k_confluence_datacenter_url = "https://wiki.example.com/confluence";
inline constexpr const char* k_confluence_token = "conf-tok-1a2b3c4d-SECRET";

inline confluence::Client confluence_cloud(FakeTransport& fake) {
  return confluence::Client(fake, {k_confluence_cloud_url, "oncall@example.com", k_confluence_token, confluence::AuthScheme::Auto},
                            confluence::Flavor::Cloud);
}

inline confluence::Client confluence_datacenter(FakeTransport& fake) {
  return confluence::Client(fake, {k_confluence_datacenter_url, "", k_confluence_token, confluence::AuthScheme::Auto},
                            confluence::Flavor::DataCenter);
}

}  // namespace faultline::test
