#include <catch2/catch.hpp>

#include "faultline/http/url.hpp"
#include "faultline/util/build_info.hpp"

using namespace faultline::http;

TEST_CASE("url_encode keeps only unreserved characters", "[url]") {
  CHECK(url_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(url_encode("a b") == "a%20b");
  CHECK(url_encode("project = FAULT AND labels = \"p1\"") ==
        "project%20%3D%20FAULT%20AND%20labels%20%3D%20%22p1%22");
  CHECK(url_encode("a/b?c&d=e+f#g%") == "a%2Fb%3Fc%26d%3De%2Bf%23g%25");
  CHECK(url_encode("故障") == "%E6%95%85%E9%9A%9C");
  CHECK(url_encode(std::string_view("\0\xff", 2)) == "%00%FF");
  CHECK(url_encode("") == "");
}

TEST_CASE("url_decode reverses url_encode and tolerates bad escapes", "[url]") {
  const std::string text = "labels = \"故障\" & a+b/c?%";
  CHECK(url_decode(url_encode(text)) == text);
  CHECK(url_decode("a+b") == "a+b");
  CHECK(url_decode("a+b", PlusAsSpace::Yes) == "a b");
  CHECK(url_decode("%4a%4A") == "JJ");
  CHECK(url_decode("100%") == "100%");
  CHECK(url_decode("%zz%4") == "%zz%4");
}

TEST_CASE("build_url joins base, path and encoded query", "[url]") {
  CHECK(build_url("https://x/wiki", "/rest/api/content", {{"title", "a b"}}) ==
        "https://x/wiki/rest/api/content?title=a%20b");
  CHECK(build_url("https://x/wiki/", "/rest/api/content") == "https://x/wiki/rest/api/content");
  CHECK(build_url("https://x//", "rest/api/2/search", {{"jql", "key = A-1"}, {"maxResults", "50"}}) ==
        "https://x/rest/api/2/search?jql=key%20%3D%20A-1&maxResults=50");
  CHECK(build_url("https://x", "/p?expand=body", {{"a&b", "c=d"}}) == "https://x/p?expand=body&a%26b=c%3Dd");
  CHECK(build_url("https://x", "") == "https://x");
}

TEST_CASE("trim_base_url removes trailing slashes only", "[url]") {
  CHECK(trim_base_url("https://jira.example.com/") == "https://jira.example.com");
  CHECK(trim_base_url("https://x/wiki///") == "https://x/wiki");
  CHECK(trim_base_url("https://x/wiki") == "https://x/wiki");
  CHECK(trim_base_url("") == "");
}

TEST_CASE("basic_authorization is Basic + base64(user:secret)", "[url]") {
  CHECK(basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  // All three padding cases: "a:" (2 bytes), "ab:" (3 bytes), "abc:" (4 bytes).
  CHECK(basic_authorization("a", "") == "Basic YTo=");
  CHECK(basic_authorization("ab", "") == "Basic YWI6");
  CHECK(basic_authorization("abc", "") == "Basic YWJjOg==");
  CHECK(basic_authorization("oncall@example.com", "tok\xff") == "Basic b25jYWxsQGV4YW1wbGUuY29tOnRva/8=");
}

TEST_CASE("bearer_authorization and user_agent", "[url]") {
  CHECK(bearer_authorization("abc.def") == "Bearer abc.def");
  CHECK(user_agent() == "faultline/" + std::string(faultline::version()) + " (+libcurl)");
}
