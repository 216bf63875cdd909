// The contract check's own plumbing: reading Prism's logs and answers, and the allow-list.
#include <catch2/catch.hpp>

#include "contract/contract_support.hpp"

using namespace faultline::contract;

TEST_CASE("a Prism log yields each violation with the request it follows, and counts refusals", "[support]") {
  const std::string log =
      "[3:55:07 PM] › [HTTP SERVER] get /rest/api/2/field?x=1 ℹ  info      Request received\n"
      "[3:55:08 PM] ›     [VALIDATOR] ✖  error     Violation: response.body Response body must be object\n"
      "[3:55:08 PM] › [HTTP SERVER] post /rest/api/2/issue ℹ  info      Request received\n"
      "[3:55:08 PM] ›     [VALIDATOR] ⚠  warning   Violation: request.body.fields.summary must be object\n"
      "[3:55:09 PM] › [HTTP SERVER] get /rest/api/3/myself ✖  error     Request terminated with error: "
      "https://stoplight.io/prism/errors#UNAUTHORIZED: Invalid security scheme used\n";
  auto parsed = parse_prism_log(log);
  REQUIRE(parsed.violations.size() == 2);
  CHECK(parsed.violations[0].method == "GET");
  CHECK(parsed.violations[0].path == "/rest/api/2/field");
  CHECK(parsed.violations[0].kind == "response");
  CHECK(parsed.violations[0].message == "response.body Response body must be object");
  CHECK(parsed.violations[1].method == "POST");
  CHECK(parsed.violations[1].kind == "request");
  CHECK(parsed.refused == 1);
}

TEST_CASE("an answer Prism made up lists its violations, request locations prefixed", "[support]") {
  auto request = violations_in_answer(
      "POST", "/rest/api/2/issue", "UNPROCESSABLE_ENTITY",
      R"({"validation":[{"location":["body","fields","summary"],"message":"Request body property fields.summary must be object"}]})");
  REQUIRE(request.size() == 1);
  CHECK(request[0].kind == "request");
  CHECK(request[0].message == "request.body.fields.summary Request body property fields.summary must be object");

  auto response = violations_in_answer("GET", "/x", "VIOLATIONS",
                                       R"({"validation":[{"location":["response","body"],"message":"must be object"}]})");
  REQUIRE(response.size() == 1);
  CHECK(response[0].kind == "response");

  auto refused = violations_in_answer("GET", "/nope", "NO_PATH_MATCHED_ERROR", R"({"title":"Route not resolved"})");
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].kind == "request");
  CHECK(refused[0].message == "Prism NO_PATH_MATCHED_ERROR: Route not resolved");
}

TEST_CASE("an allow-list entry covers its spec, method, path template and message only", "[support]") {
  AllowEntry entry{"jira-dc-10.3", "GET", "/rest/api/2/issue/{issueIdOrKey}", "response", "", "^response\\.body\\.fields",
                   "reason", "reference"};
  std::vector<AllowEntry> allowlist{entry};
  Violation covered{"GET", "/rest/api/2/issue/FAULT-1", "response", "response.body.fields.summary must be object"};
  CHECK(allowed(allowlist, "jira-dc-10.3", covered));
  CHECK_FALSE(allowed(allowlist, "jira-cloud-v3", covered));
  CHECK_FALSE(allowed(allowlist, "jira-dc-10.3", Violation{"PUT", covered.path, "response", covered.message}));
  CHECK_FALSE(allowed(allowlist, "jira-dc-10.3", Violation{"GET", "/rest/api/2/issue/FAULT-1/comment", "response",
                                                             covered.message}));
  CHECK_FALSE(allowed(allowlist, "jira-dc-10.3", Violation{"GET", covered.path, "request", covered.message}));
  CHECK_FALSE(allowed(allowlist, "jira-dc-10.3", Violation{"GET", covered.path, "response", "response.body.id must be string"}));
}

TEST_CASE("the project's allow-list loads and gives every entry a reason and a reference", "[support]") {
  auto allowlist = load_allowlist(contract_dir() / "allowlist.json");
  REQUIRE_FALSE(allowlist.empty());
  for (const auto& entry : allowlist) {
    CHECK_FALSE(entry.reason.empty());
    CHECK_FALSE(entry.documentation_reference.empty());
  }
}

TEST_CASE("url_path keeps the path of an absolute URL without its query", "[support]") {
  CHECK(url_path("http://127.0.0.1:4010/rest/api/2/search?jql=x") == "/rest/api/2/search");
  CHECK(url_path("http://127.0.0.1:4010") == "/");
}
