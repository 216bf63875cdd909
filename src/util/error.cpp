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
    case ErrorKind::Workflow: return "workflow";
  }
  return "failed";
}

std::vector<std::string> unsaid_details(const Error& error) {
  std::vector<std::string> out;
  for (const auto& detail : error.details)
    if (!detail.empty() && error.message.find(detail) == std::string::npos) out.push_back(detail);
  return out;
}

}  // namespace faultline
