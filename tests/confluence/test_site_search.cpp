#include <catch2/catch.hpp>

#include "confluence_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;
using nlohmann::json;

namespace {

// How often query parameter `name` occurs in `url`.
int query_count(const std::string& url, const std::string& name) {
  int count = 0;
  for (const auto& [n, v] : query_of(url)) count += n == name ? 1 : 0;
  return count;
}

// A one-page /search answer with one hit per excerpt, in order.
std::string search_answer(const std::vector<std::string>& excerpts) {
  json results = json::array();
  int id = 500;
  for (const auto& excerpt : excerpts) {
    ++id;
    results.push_back({{"content", {{"id", std::to_string(id)}, {"type", "page"}, {"title", "T"}}},
                       {"title", "T"},
                       {"excerpt", excerpt},
                       {"url", "/x"},
                       {"entityType", "content"}});
  }
  return json{{"results", results}, {"start", 0}, {"limit", 100}, {"size", excerpts.size()}, {"_links", json::object()}}
      .dump();
}

}  // namespace

TEST_CASE("site_search on Cloud asks v1 /search for highlighted excerpts and labels, following the cursor",
          "[confluence][site_search]") {
  FakeTransport fake;
  const std::string cql = R"(siteSearch ~ "checkout")";
  fake.on(Method::Get, "/wiki/rest/api/search")
      .query("cql", cql).query("limit", "3").query("excerpt", "highlight")
      .query("expand", "content.space,content.metadata.labels").no_query("cursor")
      .reply(200, fixture("confluence/cloud/site_search_page1.json"));
  // The next link names only cql, limit and the cursor: what we asked for is kept.
  fake.on(Method::Get, "/wiki/rest/api/search")
      .query("cursor", "_f_MQ==_sa_WyJzZWFyY2gi").query("excerpt", "highlight")
      .query("expand", "content.space,content.metadata.labels")
      .reply(200, fixture("confluence/cloud/site_search_page2.json"));
  auto client = confluence_cloud(fake);
  auto hits = client.site_search(cql, 3);
  REQUIRE(hits);
  REQUIRE(hits->size() == 3);
  fake.verify();

  // Confluence's order, not re-sorted (the second hit scored highest).
  CHECK((*hits)[0].id == "123999");
  CHECK((*hits)[1].id == "124000");
  CHECK((*hits)[2].id == "124001");

  const auto& first = (*hits)[0];
  CHECK(first.type == "page");
  CHECK(first.title == "Review FAULT-1: checkout");
  CHECK(first.space_key == "OPS");
  CHECK(first.web_url == "https://example.atlassian.net/wiki/spaces/OPS/pages/123999/Review+FAULT-1+checkout");
  CHECK(first.excerpt == "The checkout service returned 502 & timed out\u2026 see \"Timeline\" <b>not bold</b>");
  CHECK(first.labels == std::vector<std::string>{"fault-review", "p2"});

  const auto& blog = (*hits)[1];
  CHECK(blog.type == "blogpost");
  CHECK(blog.space_key == "SRE");  // from resultGlobalContainer when content.space is absent
  CHECK(blog.excerpt == "Rollback done\u2019s \u2014 see");
  CHECK(blog.labels.empty());
  CHECK((*hits)[2].labels == std::vector<std::string>{"runbook"});
  CHECK((*hits)[2].excerpt.empty());

  // Page two is fetched from our own base, each parameter once.
  const auto& second = fake.calls().at(1).url;
  CHECK_THAT(second, Catch::StartsWith("https://example.atlassian.net/wiki/rest/api/search?"));
  CHECK(query_count(second, "cql") == 1);
  CHECK(query_count(second, "limit") == 1);
  CHECK(query_count(second, "expand") == 1);
}

TEST_CASE("site_search stops at the limit without fetching the next page", "[confluence][site_search]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/rest/api/search").query("limit", "1")
      .reply(200, fixture("confluence/cloud/site_search_page1.json"));
  auto client = confluence_cloud(fake);
  auto hits = client.site_search("siteSearch ~ \"checkout\"", 1);
  REQUIRE(hits);
  CHECK(hits->size() == 1);
  CHECK(fake.calls().size() == 1);
  fake.verify();
}

TEST_CASE("site_search with a limit of 0 asks nothing", "[confluence][site_search]") {
  FakeTransport fake;
  auto client = confluence_cloud(fake);
  auto hits = client.site_search("type = page", 0);
  REQUIRE(hits);
  CHECK(hits->empty());
  CHECK(fake.calls().empty());
}

TEST_CASE("site_search on Data Center uses /rest/api/search with start paging and a bearer PAT",
          "[confluence][site_search]") {
  FakeTransport fake;
  const std::string cql = R"(siteSearch ~ "fault")";
  fake.on(Method::Get, "/confluence/rest/api/search")
      .query("cql", cql).query("excerpt", "highlight").query("expand", "content.space,content.metadata.labels")
      .no_query("start")
      .when([](const http::Request& r) { return header_of(r, "Authorization") == std::string("Bearer ") + k_confluence_token; })
      .reply(200, fixture("confluence/datacenter/site_search_page1.json"));
  fake.on(Method::Get, "/confluence/rest/api/search").query("start", "1")
      .reply(200, fixture("confluence/datacenter/site_search_page2.json"));
  auto client = confluence_datacenter(fake);
  auto hits = client.site_search(cql, 10);
  REQUIRE(hits);
  REQUIRE(hits->size() == 2);
  fake.verify();

  const auto& index = (*hits)[0];
  CHECK(index.id == "65601");
  CHECK(index.title == "Fault Reviews");
  CHECK(index.space_key == "OPS");
  CHECK(index.web_url == "https://wiki.example.com/confluence/display/OPS/Fault+Reviews");
  CHECK(index.excerpt == "Index of all fault reviews & their owners");
  CHECK(index.labels == std::vector<std::string>{"index"});

  const auto& review = (*hits)[1];
  CHECK(review.space_key == "OPS");  // "/display/OPS"
  CHECK(review.excerpt == "Summary The fault began at 02:00");
  CHECK(review.labels.empty());
  CHECK(review.web_url == "https://wiki.example.com/confluence/pages/viewpage.action?pageId=65700");

  // The DC next link repeats our parameters; none is sent twice.
  const auto& second = fake.calls().at(1).url;
  CHECK_THAT(second, Catch::StartsWith("https://wiki.example.com/confluence/rest/api/search?"));
  CHECK(query_count(second, "excerpt") == 1);
  CHECK(query_count(second, "expand") == 1);
}

TEST_CASE("site_search turns excerpts into plain text", "[confluence][site_search]") {
  struct Case {
    std::string excerpt;
    std::string expected;
  };
  const std::vector<Case> cases{
      {"@@@hl@@@check@@@endhl@@@out", "checkout"},
      {"a &amp;lt; b", "a &lt; b"},  // decoded once, not twice
      {"&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"},  // escaped text stays text
      {"<b>bold</b> and<br/>break", "bold and break"},
      {"<p>one</p><p>two</p>", "one two"},
      {"check<em>out</em>", "checkout"},
      {"3 < 4 and 5 > 2", "3 < 4 and 5 > 2"},
      {"<!-- note -->text", "text"},
      {"cut <span class=\"x", "cut"},
      {"&#39;dec&#39; &#x27;hex&#x27; &quot;q&quot; &apos;a&apos;", "'dec' 'hex' \"q\" 'a'"},
      {"&unknown; &amp no semicolon", "&unknown; &amp no semicolon"},
      {"&#0;|&#x110000;", "\uFFFD|\uFFFD"},
      {"  lots\t\tof\n\nspace&nbsp;&nbsp;here  ", "lots of space here"},
      {"esc\x1b[31mred\x7f", "esc[31mred"},
      {"caf\xc3\xa9 \xe2\x80\x94 ok", "caf\xc3\xa9 \xe2\x80\x94 ok"},
      {"@@@hl@@@&lt;@@@endhl@@@", "<"},
      {"", ""},
  };
  std::vector<std::string> excerpts;
  for (const auto& c : cases) excerpts.push_back(c.excerpt);
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/rest/api/search").reply(200, search_answer(excerpts));
  auto client = confluence_cloud(fake);
  auto hits = client.site_search("type = page", 100);
  REQUIRE(hits);
  REQUIRE(hits->size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("excerpt: " << cases[i].excerpt);
    CHECK((*hits)[i].excerpt == cases[i].expected);
  }
}

TEST_CASE("site_search: invalid CQL is Failed with Confluence's words and no token", "[confluence][site_search][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/rest/api/search")
      .reply(400, R"({"statusCode":400,"message":"Could not parse cql : siteSearch ~","reason":"Bad Request"})");
  auto client = confluence_cloud(fake);
  auto hits = client.site_search("siteSearch ~");
  REQUIRE_FALSE(hits);
  CHECK(hits.error().kind == ErrorKind::Failed);
  CHECK(hits.error().http_status == 400);
  CHECK_THAT(hits.error().message, Catch::Contains("Could not parse cql"));
  CHECK_THAT(hits.error().message, !Catch::Contains(k_confluence_token));
}

TEST_CASE("site_search: 401 is Auth", "[confluence][site_search][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/confluence/rest/api/search").reply(401, "");
  auto client = confluence_datacenter(fake);
  auto hits = client.site_search("type = page");
  REQUIRE_FALSE(hits);
  CHECK(hits.error().kind == ErrorKind::Auth);
}
