#include "faultline/cli/prompt.hpp"

#include <istream>
#include <sstream>

#include <fmt/format.h>

#include "faultline/core/text_input.hpp"
#include "faultline/util/files.hpp"

namespace faultline::cli {

Result<std::string> ask(Context& ctx, std::string_view question, std::string_view flag, std::string_view default_value) {
  if (!ctx.interactive()) {
    return fail(ErrorKind::Usage, fmt::format("missing {}", flag),
                fmt::format("pass {} (there is no terminal to ask on)", flag));
  }
  if (default_value.empty()) {
    ctx.err() << question << ": ";
  } else {
    ctx.err() << question << " [" << default_value << "]: ";
  }
  ctx.err().flush();
  std::string answer;
  if (!std::getline(ctx.streams().in, answer)) answer.clear();
  while (!answer.empty() && (answer.back() == '\r' || answer.back() == ' ')) answer.pop_back();
  if (answer.empty()) answer = std::string(default_value);
  if (answer.empty()) return fail(ErrorKind::Usage, fmt::format("missing {}", flag), fmt::format("answer the question or pass {}", flag));
  if (const auto flaw = core::find_text_flaw(answer)) {
    return fail(ErrorKind::Usage,
                fmt::format("the answer for {} is not text: {} (offset {}); faultline needs UTF-8 text", flag,
                            core::describe_flaw(*flaw), flaw->offset),
                "check the terminal's encoding (a UTF-8 locale such as LANG=C.UTF-8)");
  }
  return answer;
}

namespace {

// `text` read from `source` for `flag`, or the Usage error naming the flag, the source and
// the line and column of the first byte that is not text.
Result<std::string> checked_text(std::string text, std::string_view source, std::string_view flag) {
  auto text_ok = core::check_text_file(text, source, ErrorKind::Usage);
  if (!text_ok) {
    auto error = text_ok.error();
    error.message = fmt::format("{}: {}", flag, error.message);
    return std::unexpected(std::move(error));
  }
  return text;
}

}  // namespace

Result<std::string> read_text_argument(Context& ctx, const std::string& value, std::string_view flag) {
  if (value == "-") {
    std::stringstream text;
    text << ctx.streams().in.rdbuf();
    return checked_text(text.str(), "stdin", flag);
  }
  if (!value.empty() && value.front() == '@') {
    const std::string path = value.substr(1);
    auto text = read_file(path);
    if (!text) return fail(ErrorKind::Usage, fmt::format("{}: cannot read '{}'", flag, path), "check the path after @");
    return checked_text(std::move(*text), path, flag);
  }
  return value;  // an argument: run_app checked it already
}

}  // namespace faultline::cli
