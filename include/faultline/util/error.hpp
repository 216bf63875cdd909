// faultline's one error type. Every fallible function returns Result<T>; the CLI maps the
// kind to an exit code in exactly one place (cli/exit_codes.hpp).
#pragma once

#include <expected>
#include <string>
#include <vector>

namespace faultline {

// What went wrong, in the terms the exit code is chosen by.
enum class ErrorKind {
  Failed,       // the operation failed (exit 1)
  Usage,        // bad flags or arguments (exit 2)
  Config,       // bad or missing configuration, bad input file (exit 2)
  Auth,         // authentication or permission refused (exit 3)
  NotFound,     // the thing named does not exist (exit 4)
  Unavailable,  // the remote could not be reached or kept failing after retries (exit 5)
  Conflict,     // someone else changed it first (exit 1, with its own wording)
  Workflow,     // the workflow has no status or transition for a process step: inside a
                // use-case's step list a warning that lets the other steps go on; alone, exit 1
};

// An error a person can act on. `message` says what went wrong and where (file:line, field,
// URL); `hint` says what to do. Both are already free of secrets.
struct Error {
  ErrorKind kind = ErrorKind::Failed;
  std::string message;
  std::string hint;
  int http_status = 0;               // set when the error came from an HTTP answer
  std::vector<std::string> details;  // the server's own words: errorMessages, field errors
};

template <class T>
using Result = std::expected<T, Error>;

// The details of `error` its message does not already say (an HTTP error's message quotes the
// server's words, which details also keep for machines): what to print under the message, so
// each thing is said once.
std::vector<std::string> unsaid_details(const Error& error);

// Shorthand for building the unexpected side of a Result.
inline std::unexpected<Error> fail(ErrorKind kind, std::string message, std::string hint = {}) {
  return std::unexpected(Error{kind, std::move(message), std::move(hint), 0, {}});
}

// FAULTLINE_TRY(name, expression): evaluates the Result-valued `expression` into a local
// `name`; when it holds an error, returns that error from the enclosing function (which must
// return a Result of any type). The hand-written form it stands for:
//   auto name = expression;
//   if (!name) return std::unexpected(name.error());
#define FAULTLINE_TRY(name, ...)  \
  auto name = (__VA_ARGS__);      \
  if (!name) return std::unexpected(std::move(name).error())

// Human-readable name of an error kind, for logs and --json output ("auth", "not_found", ...).
const char* to_string(ErrorKind kind);

}  // namespace faultline
