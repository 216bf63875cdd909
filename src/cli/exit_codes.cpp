#include "faultline/cli/exit_codes.hpp"

namespace faultline::cli {

ExitCode exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Usage:
    case ErrorKind::Config: return ExitCode::Usage;
    case ErrorKind::Auth: return ExitCode::Auth;
    case ErrorKind::NotFound: return ExitCode::NotFound;
    case ErrorKind::Unavailable: return ExitCode::Unavailable;
    case ErrorKind::Failed:
    case ErrorKind::Conflict:
    case ErrorKind::Workflow: return ExitCode::Failed;
  }
  return ExitCode::Failed;
}

}  // namespace faultline::cli
