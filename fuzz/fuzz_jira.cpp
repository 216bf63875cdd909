// Fuzz target: the parsing of Jira's answers (issues with their changelog, the Cloud
// changelog pages, search pages of both flavors, comments, serverInfo, error bodies) through
// the real jira::Client over a fake server (fuzz_transport.hpp) that answers every request
// with the input. The input's last byte chooses the call, the flavor and the status (see
// `Selector`); the rest is the body, so a seed is any Jira answer with one byte appended
// (fuzz/run builds them from tests/fixtures/jira). Properties: no crash, no request outside
// the site, no endless paging, every error has a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "faultline/jira/client.hpp"
#include "faultline/jira/errors.hpp"
#include "fuzz_transport.hpp"

namespace {

using namespace faultline;

// The last input byte: bits 0-2 the call, bits 3-5 the status (fuzz::status_for).
struct Selector {
  unsigned call;
  int status;
};

constexpr const char* k_cloud_url = "https://fuzz.atlassian.net";
constexpr const char* k_datacenter_url = "https://jira.example.com";

template <class T>
void check(const Result<T>& result) {
  if (!result && result.error().message.empty()) fuzz::violated("error without a message", "");
}

void run_call(unsigned call, int status, std::string_view body) {
  const bool cloud = call % 2 == 0;
  const std::string base_url = cloud ? k_cloud_url : k_datacenter_url;
  fuzz::EchoTransport transport(base_url, status, body);
  jira::Client client(transport, jira::Connection{base_url, cloud ? "fuzz@example.com" : "", "fuzz-token",
                                                  jira::AuthScheme::Auto},
                      cloud ? jira::Flavor::Cloud : jira::Flavor::DataCenter);
  jira::SearchRequest search;
  search.jql = "project = FUZZ";
  search.page_size = 50;
  search.limit = 250;
  search.concurrent_pages = 2;
  switch (call / 2) {
    case 0: {
      jira::IssueQuery query;
      query.changelog = jira::Changelog::Include;
      check(client.get_issue("FUZZ-1", query));
      break;
    }
    case 1: check(client.search(search)); break;
    case 2: check(client.search_page(search, cloud ? "token" : "", 0)); break;
    default:
      check(client.comments("FUZZ-1"));
      // A host that is not *.atlassian.net: the flavor comes from serverInfo.
      fuzz::EchoTransport probe(k_datacenter_url, status, body);
      check(jira::detect_flavor(probe, jira::Connection{k_datacenter_url, "", "fuzz-token", jira::AuthScheme::Auto}));
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[size - 1];
  const std::string_view body(reinterpret_cast<const char*>(data), size - 1);
  const unsigned call = selector & 7u;
  const int status = fuzz::status_for(selector >> 3);

  // The error parser directly, on every input: it must take any bytes.
  const auto parsed = jira::parse_error_body(body);
  // The raw text is documented as one line.
  if (parsed.raw.find_first_of("\r\n") != std::string::npos) {
    fuzz::violated("raw error text on more than one line", parsed.raw);
  }

  run_call(call, status, body);
  return 0;
}
