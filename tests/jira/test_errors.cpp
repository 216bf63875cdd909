#include <catch2/catch.hpp>

#include "faultline/jira/errors.hpp"
#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;

TEST_CASE("parse_error_body keeps errorMessages and field errors", "[jira][errors]") {
  auto parsed = jira::parse_error_body(fixture("jira/cloud/error_create_400.json"));
  REQUIRE(parsed.messages.size() == 1);
  CHECK(parsed.messages[0] == "Field 'priority' is required");
  REQUIRE(parsed.field_errors.count("customfield_10010") == 1);
  auto details = parsed.details();
  REQUIRE(details.size() == 2);
  CHECK_THAT(details[1], Catch::StartsWith("customfield_10010: Field 'customfield_10010' cannot be set"));
}

TEST_CASE("parse_error_body accepts message and errorMessage", "[jira][errors]") {
  CHECK(jira::parse_error_body(fixture("jira/datacenter/error_basic_disabled_403.json")).details() ==
        std::vector<std::string>{"Basic Authentication has been disabled on this instance."});
  CHECK(jira::parse_error_body(R"({"errorMessage":"Site temporarily unavailable"})").details() ==
        std::vector<std::string>{"Site temporarily unavailable"});
}

TEST_CASE("parse_error_body turns HTML into its title and text into one short line", "[jira][errors]") {
  auto html = jira::parse_error_body(fixture("jira/cloud/error_429.html"));
  CHECK(html.messages.empty());
  CHECK(html.raw == "an HTML page titled \"Oops - an error has occurred\"");

  auto text = jira::parse_error_body(
      "Basic authentication with passwords is deprecated.\n  For more information, see: https://x");
  CHECK(text.raw == "Basic authentication with passwords is deprecated. For more information, see: https://x");

  auto long_text = jira::parse_error_body(std::string(1000, 'x'));
  CHECK(long_text.raw.size() == 300);
}

TEST_CASE("parse_error_body of an empty body has no details", "[jira][errors]") {
  CHECK(jira::parse_error_body("").details().empty());
  CHECK(jira::parse_error_body("  \n").details().empty());
  CHECK(jira::parse_error_body(R"({"errorMessages":[],"errors":{}})").details().empty());
}

TEST_CASE("error kinds follow the status", "[jira][errors]") {
  CHECK(http::kind_for_status(400) == ErrorKind::Failed);
  CHECK(http::kind_for_status(401) == ErrorKind::Auth);
  CHECK(http::kind_for_status(403) == ErrorKind::Auth);
  CHECK(http::kind_for_status(404) == ErrorKind::NotFound);
  CHECK(http::kind_for_status(409) == ErrorKind::Conflict);
  CHECK(http::kind_for_status(422) == ErrorKind::Failed);
  CHECK(http::kind_for_status(429) == ErrorKind::Unavailable);
  CHECK(http::kind_for_status(503) == ErrorKind::Unavailable);
}

TEST_CASE("api_error shows the server's words, the method and the path", "[jira][errors]") {
  http::Response response;
  response.status = 400;
  response.body = fixture("jira/cloud/error_create_400.json");
  auto error = jira::api_error(http::Method::Post, "/rest/api/3/issue", response);
  CHECK(error.kind == ErrorKind::Failed);
  CHECK(error.http_status == 400);
  CHECK_THAT(error.message,
             Catch::StartsWith("Jira answered 400 Bad Request to POST /rest/api/3/issue: Field 'priority' is required; "
                               "customfield_10010: Field 'customfield_10010' cannot be set."));
  CHECK(error.details.size() == 2);

  response.status = 429;
  response.body = fixture("jira/cloud/error_429.html");
  response.headers = {{"Retry-After", "7"}};
  auto limited = jira::api_error(http::Method::Get, "/rest/api/3/myself", response);
  CHECK(limited.kind == ErrorKind::Unavailable);
  CHECK_THAT(limited.message, Catch::Contains("Oops - an error has occurred"));
  CHECK_THAT(limited.hint, Catch::Contains("7"));

  response.status = 502;
  response.body.clear();
  response.headers.clear();
  auto empty = jira::api_error(http::Method::Get, "/rest/api/2/search", response);
  CHECK(empty.message == "Jira answered 502 Bad Gateway to GET /rest/api/2/search (empty body)");
}

TEST_CASE("api_error shortens a huge value the server echoes back, and a huge path", "[jira][errors]") {
  // Jira (and the sandbox) quote a refused label in full: "The label '<value>' contains spaces".
  const std::string huge(1048576, 'x');
  http::Response response;
  response.status = 400;
  response.body = nlohmann::json{{"errorMessages", nlohmann::json::array()},
                                 {"errors", {{"labels", "The label '" + huge + " y' contains spaces which is invalid."}}}}
                      .dump();
  auto error = jira::api_error(http::Method::Post, "/rest/api/2/issue", response);
  INFO(error.message.substr(0, 500));
  CHECK(error.message.size() < 500);
  CHECK_THAT(error.message, Catch::StartsWith("Jira answered 400 Bad Request to POST /rest/api/2/issue: labels: The label 'xxx"));
  CHECK_THAT(error.message, Catch::Contains("characters)"));
  REQUIRE(error.details.size() == 1);
  CHECK(error.details[0].size() < 400);

  auto long_path = jira::api_error(http::Method::Get, "/rest/api/2/issue/" + huge, response);
  CHECK(long_path.message.size() < 1000);
}

TEST_CASE("api_error keeps at most ten server messages", "[jira][errors]") {
  nlohmann::json errors = nlohmann::json::object();
  for (int i = 0; i < 25; ++i) errors["customfield_" + std::to_string(10000 + i)] = "cannot be set";
  http::Response response;
  response.status = 400;
  response.body = nlohmann::json{{"errorMessages", nlohmann::json::array()}, {"errors", errors}}.dump();
  auto error = jira::api_error(http::Method::Post, "/rest/api/2/issue", response);
  REQUIRE(error.details.size() == 11);
  CHECK(error.details.back() == "... and 15 more");
}

TEST_CASE("element_error shortens a huge element error", "[jira][errors]") {
  const std::string huge(1048576, 'x');
  auto error = jira::element_error(400, nlohmann::json{{"errorMessages", {"Summary '" + huge + "' is too long"}}},
                                   "Creating issue 4 of 5");
  CHECK(error.message.size() < 500);
  CHECK_THAT(error.message, Catch::StartsWith("Creating issue 4 of 5 failed (400): Summary 'xxx"));
}
