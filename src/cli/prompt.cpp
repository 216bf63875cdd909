#include "faultline/cli/prompt.hpp"

#include <istream>
#include <sstream>

#include <fmt/format.h>

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
  return answer;
}

Result<std::string> read_text_argument(Context& ctx, const std::string& value) {
  if (value == "-") {
    std::stringstream text;
    text << ctx.streams().in.rdbuf();
    return text.str();
  }
  if (!value.empty() && value.front() == '@') {
    auto text = read_file(value.substr(1));
    if (!text) return fail(ErrorKind::Usage, fmt::format("cannot read '{}'", value.substr(1)), "check the path after @");
    return text;
  }
  return value;
}

}  // namespace faultline::cli
