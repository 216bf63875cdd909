// The stats workbook (.xlsx, libxlsxwriter): one sheet per breakdown of a StatsReport, the
// release correlation, the raw fault and action rows, and native Excel charts. Written
// through a temporary file and a rename, so the target is never half written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "faultline/util/error.hpp"

namespace date {
class time_zone;
}

namespace faultline::core {
struct StatsReport;
}

namespace faultline::report {

// The workbook's sheet names, in tab order: "Summary", "Charts", "By level", "By type",
// "By source", "By team", "By business unit", "By service", "Actions by owner team",
// "Releases", "Faults", "Actions".
std::vector<std::string> workbook_sheet_names();

// Writes `report` as an .xlsx workbook to `file`:
//   Summary    a row per period (faults, time to recover mean/median/p90/max in hours, time
//              to detect median in minutes, reviews, actions, monitoring and customer
//              shares, releases, faults per 100 releases), the "total" row, then the window;
//   Charts     faults per period stacked by level, time to recover median and p90 (lines),
//              releases and faults per period (columns; faults only without release data);
//   By ...     periods as rows, the dimension's values as columns (0 where none), "total" row;
//   Actions by owner team   a row per period and owner team with the action counts;
//   Releases   releases, faults and faults per 100 releases per period, the correlation
//              (n, Pearson r and p, Spearman rho and p, sentence, cautions), per service;
//   Faults, Actions   the raw rows; times as Excel date-times in `zone` (UTC when null).
// Text is always a string cell (never a formula), without the control characters XML cannot
// hold. Error (Failed) names `file` and libxlsxwriter's reason (or the operating system's);
// no file is left behind.
Result<void> write_workbook(const core::StatsReport& report, const std::filesystem::path& file,
                            const date::time_zone* zone);

}  // namespace faultline::report
