#include "faultline/util/error.hpp"

namespace faultline {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Failed: return "failed";
    case ErrorKind::Usage: return "usage";
    case ErrorKind::Config: return "config";
    case ErrorKind::Auth: return "auth";
    case ErrorKind::NotFound: return "not_found";
    case ErrorKind::Unavailable: return "unavailable";
    case ErrorKind::Conflict: return "conflict";
  }
  return "failed";
}

}  // namespace faultline
