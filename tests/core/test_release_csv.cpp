#include <catch2/catch.hpp>

#include "faultline/core/release_csv.hpp"

using namespace faultline;
using namespace faultline::core;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const date::time_zone* shanghai() {
  auto z = find_zone("Asia/Shanghai");
  REQUIRE(z);
  return *z;
}

TimePoint utc(int y, unsigned m, unsigned d, int hh = 0) {
  return TimePoint{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch() +
                   std::chrono::hours{hh}};
}

// The error of a parse that must fail.
Error parse_error(std::string_view text) {
  const auto parsed = parse_releases_csv(text, "releases.csv", shanghai());
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().kind == ErrorKind::Config);
  return parsed.error();
}

}  // namespace

TEST_CASE("parse_releases_csv reads date, service and version rows", "[stats][release_csv]") {
  const auto parsed = parse_releases_csv("date,service,version\n2026-11-01,pay,1.4.0\n2026-11-02,api,\n",
                                         "releases.csv", shanghai());
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].at == utc(2026, 10, 31, 16));  // midnight of November 1 in Shanghai
  CHECK((*parsed)[0].service == "pay");
  CHECK((*parsed)[0].version == "1.4.0");
  CHECK((*parsed)[1].at == utc(2026, 11, 1, 16));
  CHECK((*parsed)[1].service == "api");
  CHECK((*parsed)[1].version.empty());
}

TEST_CASE("parse_releases_csv matches header names in any order and case; version is optional",
          "[stats][release_csv]") {
  const auto reordered = parse_releases_csv("Version, SERVICE ,Date,notes\nv2,pay,2026-11-03,hotfix\n", "r.csv", shanghai());
  REQUIRE(reordered);
  REQUIRE(reordered->size() == 1);
  CHECK((*reordered)[0].version == "v2");
  CHECK((*reordered)[0].service == "pay");
  CHECK((*reordered)[0].at == utc(2026, 11, 2, 16));
  const auto no_version = parse_releases_csv("service,date\npay,2026-11-03\n", "r.csv", shanghai());
  REQUIRE(no_version);
  REQUIRE(no_version->size() == 1);
  CHECK((*no_version)[0].version.empty());
}

TEST_CASE("parse_releases_csv reads RFC 4180 quoting", "[stats][release_csv]") {
  const auto parsed = parse_releases_csv(
      "date,service,version\n"
      "\"2026-11-01\",\"pay, eu\",\"1.0 \"\"final\"\"\"\n"
      "2026-11-02,\"two\nlines\",2\n",
      "releases.csv", shanghai());
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].service == "pay, eu");
  CHECK((*parsed)[0].version == "1.0 \"final\"");
  CHECK((*parsed)[1].service == "two\nlines");
}

TEST_CASE("parse_releases_csv accepts CRLF line ends, a byte order mark and blank lines", "[stats][release_csv]") {
  const auto parsed = parse_releases_csv("\xEF\xBB\xBF" "date,service\r\n2026-11-01,pay\r\n\r\n2026-11-02,api\r\n,\r\n",
                                         "releases.csv", shanghai());
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].service == "pay");
  CHECK((*parsed)[1].service == "api");
  CHECK((*parsed)[1].at == utc(2026, 11, 1, 16));
}

TEST_CASE("parse_releases_csv reads an ISO 8601 time as the day it falls on in the zone", "[stats][release_csv]") {
  // 23:30Z on November 25 is 07:30 on November 26 in Shanghai.
  const auto parsed = parse_releases_csv("date,service\n2026-11-25T23:30:00Z,pay\n2026-11-25T10:00:00+08:00,api\n",
                                         "releases.csv", shanghai());
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].at == utc(2026, 11, 25, 16));
  CHECK((*parsed)[1].at == utc(2026, 11, 24, 16));
  // Without a zone the day is the UTC one.
  const auto in_utc = parse_releases_csv("date,service\n2026-11-25T23:30:00Z,pay\n", "releases.csv", nullptr);
  REQUIRE(in_utc);
  CHECK((*in_utc)[0].at == utc(2026, 11, 25));
}

TEST_CASE("parse_releases_csv reads a header without rows as no releases", "[stats][release_csv]") {
  const auto parsed = parse_releases_csv("date,service,version\n", "releases.csv", shanghai());
  REQUIRE(parsed);
  CHECK(parsed->empty());
}

TEST_CASE("parse_releases_csv names file:line and the value of a bad date", "[stats][release_csv]") {
  const auto error = parse_error("date,service\n2026-11-01,pay\n2026-13-01,pay\n");
  CHECK(error.message == "releases.csv:3: date \"2026-13-01\" is not YYYY-MM-DD or an ISO 8601 time");
  CHECK_THAT(error.hint, Contains("2026-11-25"));
  // Relative forms that parse_time accepts on the command line are not data.
  CHECK_THAT(parse_error("date,service\nnow,pay\n").message, StartsWith("releases.csv:2: date \"now\""));
  CHECK_THAT(parse_error("date,service\n-1d,pay\n").message, StartsWith("releases.csv:2: date \"-1d\""));
  CHECK_THAT(parse_error("date,service\n,pay\n").message, StartsWith("releases.csv:2: date \"\""));
  CHECK_THAT(parse_error("date,service\n2026-11-01 tomorrow,pay\n").message, StartsWith("releases.csv:2:"));
}

TEST_CASE("parse_releases_csv counts lines across blank lines, CRLF and quoted line breaks", "[stats][release_csv]") {
  CHECK_THAT(parse_error("date,service\r\n\r\n2026-11-01,pay\r\nbad,pay\r\n").message, StartsWith("releases.csv:4:"));
  CHECK_THAT(parse_error("date,service\n2026-11-01,\"a\nb\nc\"\nbad,pay\n").message, StartsWith("releases.csv:5:"));
}

TEST_CASE("parse_releases_csv names the missing header column", "[stats][release_csv]") {
  const auto no_date = parse_error("day,service,version\n2026-11-01,pay,1\n");
  CHECK(no_date.message == "releases.csv:1: the header has no \"date\" column");
  CHECK_THAT(no_date.hint, Contains("date,service"));
  const auto no_service = parse_error("date,version\n2026-11-01,1\n");
  CHECK(no_service.message == "releases.csv:1: the header has no \"service\" column");
  const auto twice = parse_error("date,service,Date\n");
  CHECK_THAT(twice.message, Contains("\"date\" appears twice"));
}

TEST_CASE("parse_releases_csv rejects an empty file", "[stats][release_csv]") {
  for (const char* text : {"", "\n\n", "\xEF\xBB\xBF", " \r\n"}) {
    INFO(text);
    const auto error = parse_error(text);
    CHECK(error.message == "releases.csv: the file is empty");
    CHECK_THAT(error.hint, Contains("date,service"));
  }
}

TEST_CASE("parse_releases_csv reports malformed quoting with its line", "[stats][release_csv]") {
  const auto stray = parse_error("date,service\n2026-11-01,pay\n2026-11-02,pa\"y\n");
  CHECK_THAT(stray.message, StartsWith("releases.csv:3: malformed quoting"));
  CHECK_THAT(stray.hint, Contains("double quotes"));
  CHECK_THAT(parse_error("date,service\n2026-11-02,\"pay\"x\n").message, StartsWith("releases.csv:2: malformed quoting"));
  // A quote that never closes swallows the rest of the file: the row it opens in is named.
  CHECK_THAT(parse_error("date,service\n2026-11-01,\"pay\n2026-11-02,api\n").message,
             StartsWith("releases.csv:2: malformed quoting"));
}

TEST_CASE("parse_releases_csv reports a row with another number of fields than the header", "[stats][release_csv]") {
  CHECK(parse_error("date,service,version\n2026-11-01,pay\n").message == "releases.csv:2: 2 fields, but the header has 3");
  CHECK(parse_error("date,service\n2026-11-01,pay,eu\n").message == "releases.csv:2: 3 fields, but the header has 2");
}

TEST_CASE("parse_releases_csv reports the first error in file order", "[stats][release_csv]") {
  // A bad date on line 2 comes before the broken quoting on line 3.
  CHECK_THAT(parse_error("date,service\nbad,pay\n2026-11-01,p\"ay\n").message, StartsWith("releases.csv:2: date"));
}

TEST_CASE("parse_releases_csv refuses a NUL byte or invalid UTF-8, naming the line", "[stats][release_csv][text_input]") {
  const auto nul = parse_error(std::string("date,service\n2026-11-02,pay\0ments\n", 34));
  CHECK(nul.kind == ErrorKind::Config);
  CHECK_THAT(nul.message, StartsWith("releases.csv:2:15: a NUL byte (0x00)"));
  const auto latin1 = parse_error("date,service\n2026-11-02,caf\xe9\n");
  CHECK_THAT(latin1.message, StartsWith("releases.csv:2:15: byte 0xe9 is not valid UTF-8"));
}
