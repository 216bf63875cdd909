// Exit codes, decided here and nowhere else. README.md lists them; scripts depend on them.
#pragma once

#include "faultline/util/error.hpp"

namespace faultline::cli {

enum class ExitCode : int {
  Ok = 0,
  Failed = 1,       // the operation failed
  Usage = 2,        // bad flags, arguments, configuration or input file
  Auth = 3,         // authentication or permission refused
  NotFound = 4,     // the fault, page or user named does not exist
  Unavailable = 5,  // Jira / Confluence / chat unreachable after retries
  Spooled = 6,      // unreachable, and the work was kept in the spool: `faultline sync` replays it
  Overdue = 10,     // --fail-on-overdue found overdue actions (CI gates)
};

// The exit code for an error of this kind.
ExitCode exit_code_for(ErrorKind kind);

// As an int for main().
constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace faultline::cli
