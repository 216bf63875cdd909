// Releases from a CSV file (`stats --releases FILE`): the counts the statistics correlate
// with faults when Jira versions do not say when a service went out. Pure.
#pragma once

#include <string_view>
#include <vector>

#include "faultline/core/stats.hpp"
#include "faultline/util/error.hpp"

namespace faultline::core {

// Parses RFC 4180 CSV text with a header row naming the columns `date`, `service` and,
// optionally, `version` (any order, any letter case; other columns are ignored). Each
// following row is one release: `date` is YYYY-MM-DD (local midnight in `zone`) or an ISO
// 8601 time, read as the day it falls on in `zone` (UTC when `zone` is null); `service` and
// `version` may be empty. Blank rows are skipped, a UTF-8 byte order mark and CRLF line ends
// are accepted. Error (Config) names "file:line" and what to fix: an empty file, a missing
// or repeated column, a row with another number of fields than the header, a bad date,
// broken quoting.
Result<std::vector<Release>> parse_releases_csv(std::string_view text, std::string_view file_name,
                                                const date::time_zone* zone);

}  // namespace faultline::core
