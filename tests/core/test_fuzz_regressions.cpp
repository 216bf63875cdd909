// Inputs on which the fuzz targets of core (fuzz/fuzz_alerts.cpp, ...) failed, kept as
// regression tests; each input is also in fuzz/corpus/<target>/.
#include <catch2/catch.hpp>

#include <string>

#include "faultline/core/alerts.hpp"

using namespace faultline::core;

TEST_CASE("an alert payload with a number beyond a double's range is an error, not an exception", "[alerts][fuzz]") {
  // fuzz/corpus/alerts/regression_number_overflow (found by fuzz_alerts): nlohmann::json throws
  // out_of_range, not parse_error, for such a number, and nothing caught it: the process ended.
  const std::string found("427000900938739E38739E84\xab(\n");
  const auto from_fuzzer = parse_alert_payload_text(found);
  REQUIRE_FALSE(from_fuzzer.has_value());
  CHECK_THAT(from_fuzzer.error().message, Catch::Contains("too large"));

  const auto in_payload = parse_alert_payload_text(
      R"({"version":"4","truncatedAlerts":1E400,"alerts":[{"status":"firing","startsAt":"2026-11-25T02:00:00Z"}]})");
  REQUIRE_FALSE(in_payload.has_value());
  CHECK_THAT(in_payload.error().message, Catch::Contains("alert payload"));
}
