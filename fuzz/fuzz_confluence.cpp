// Fuzz target: the parsing of Confluence's answers (spaces, pages with storage bodies and
// versions, labels, CQL search and site search pages with their next links, attachment lists,
// error bodies) through the real confluence::Client over a fake server (fuzz_transport.hpp)
// that answers every request with the input. The input's last byte chooses the call, the
// flavor and the status; the rest is the body, so a seed is any Confluence answer with one
// byte appended (fuzz/run builds them from tests/fixtures/confluence). Properties: no crash,
// no request outside the site (a next link must not lead the token elsewhere), no endless
// paging, every error has a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "faultline/confluence/client.hpp"
#include "fuzz_transport.hpp"

namespace {

using namespace faultline;

// Cloud with its /wiki context; Data Center at the host's root, where a next link that does
// not start with "/" would change the host.
constexpr const char* k_cloud_url = "https://fuzz.atlassian.net/wiki";
constexpr const char* k_datacenter_url = "https://confluence.example.com";

template <class T>
void check(const Result<T>& result) {
  if (!result && result.error().message.empty()) fuzz::violated("error without a message", "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[size - 1];
  const std::string_view body(reinterpret_cast<const char*>(data), size - 1);
  const unsigned call = selector & 7u;
  const bool cloud = call % 2 == 0;
  const std::string base_url = cloud ? k_cloud_url : k_datacenter_url;

  fuzz::EchoTransport transport(base_url, fuzz::status_for(selector >> 3), body);
  confluence::Client client(transport,
                            confluence::Connection{base_url, cloud ? "fuzz@example.com" : "", "fuzz-token",
                                                   confluence::AuthScheme::Auto},
                            cloud ? confluence::Flavor::Cloud : confluence::Flavor::DataCenter);
  const std::string cql = confluence::page_search_cql("FUZZ", "disk full", {"postmortem"});
  switch (call / 2) {
    case 0: check(client.find_page("FUZZ", "Review of FUZZ-1")); break;
    case 1:
      check(client.get_page("123"));
      check(client.labels("123"));
      break;
    case 2: check(client.search(cql, 250)); break;
    default:
      check(client.site_search(cql, 50));
      check(client.attachments("123"));
      break;
  }
  return 0;
}
