// An IANA time zone for a test, by name; the test fails when the tz database lacks it.
#pragma once

#include <catch2/catch.hpp>
#include <date/tz.h>

#include "faultline/core/time.hpp"

namespace faultline::testing {

inline const date::time_zone* zone(const char* name) {
  auto found = core::find_zone(name);
  REQUIRE(found);
  return *found;
}

}  // namespace faultline::testing
