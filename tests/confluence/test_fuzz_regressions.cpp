// Inputs on which the fuzz target fuzz/fuzz_confluence.cpp failed (a broken property), kept as
// regression tests; each input is also in fuzz/corpus/confluence/.
#include <catch2/catch.hpp>

#include "confluence_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;

TEST_CASE("labels stops after 1000 pages when every answer says there is a next one", "[confluence][labels][fuzz]") {
  // fuzz/corpus/confluence/regression_labels_next_forever: the loop had no bound.
  const std::string endless =
      R"({"results":[{"prefix":"global","name":"a"}],"_links":{"next":"/rest/api/content/123/label?start=1"}})";
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/rest/api/content/123/label").reply(200, endless).times(1000);
  fake.on(Method::Get, "/wiki/rest/api/content/123/label")
      .fail_transport(http::TransportErrorKind::Receive, "the 1001st page was asked for");
  auto client = confluence_cloud(fake);
  auto names = client.labels("123");
  REQUIRE(names);
  CHECK(names->size() == 1000);
  CHECK(fake.calls().size() == 1000);
}

TEST_CASE("CQL search follows a next link on its own host, whatever the link says", "[confluence][search][fuzz]") {
  // fuzz/corpus/confluence/regression_search_next_changes_host: the next link was appended to
  // the base URL, so ".evil.example/..." sent the next request (and the token) to
  // confluence.example.com.evil.example.
  const std::string page =
      R"({"results":[{"id":"1","title":"t"}],"_links":{"next":".evil.example/rest/api/content/search?start=1"}})";
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/content/search").reply(200, page).times(2);
  confluence::Client client(fake, {"https://confluence.example.com", "", k_confluence_token, confluence::AuthScheme::Auto},
                            confluence::Flavor::DataCenter);
  auto hits = client.search("type = page", 2);
  REQUIRE(hits);
  CHECK(hits->size() == 2);
  REQUIRE(fake.calls().size() == 2);
  CHECK_THAT(fake.calls().at(1).url, Catch::StartsWith("https://confluence.example.com/rest/api/content/search?"));
  CHECK_THAT(fake.calls().at(1).url, Catch::Contains("start=1"));
  CHECK_THAT(fake.calls().at(1).url, Catch::Contains("cql=type"));
}

TEST_CASE("a next link with spaces or line breaks in its query gives an encoded URL", "[confluence][search][fuzz]") {
  // fuzz/corpus/confluence/regression_next_link_with_spaces: the link's query was copied into
  // the URL as it was, spaces and line breaks included.
  const std::string page =
      R"({"results":[{"content":{"id":"1","title":"t"}}],"_links":{"next":"/rest/api/search?cql=a b\r\nX: y&cursor=\"c\""}})";
  FakeTransport fake;
  fake.on(Method::Get, "/confluence/rest/api/search").reply(200, page).times(2);
  auto client = confluence_datacenter(fake);
  auto hits = client.site_search("type = page", 2);
  REQUIRE(hits);
  REQUIRE(fake.calls().size() == 2);
  const std::string& url = fake.calls().at(1).url;
  CHECK(url.find_first_of(" \r\n\"") == std::string::npos);
  CHECK_THAT(url, Catch::Contains("cql=a%20b%0D%0AX:%20y&cursor=%22c%22"));
}
