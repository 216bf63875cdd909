// Values the user gives beyond plain flags: asked for only on a terminal (without one, the
// missing flag is named and the command fails with a usage error, exit 2: cron and CI never
// hang), and text read from stdin or a file.
#pragma once

#include <string>
#include <string_view>

#include "faultline/cli/context.hpp"

namespace faultline::cli {

// Asks `question` on stderr and reads a line from stdin; an empty answer takes
// `default_value`. Error (Usage) naming `flag` when there is no terminal, the answer (and
// the default) is empty, or the answer is not UTF-8 text.
Result<std::string> ask(Context& ctx, std::string_view question, std::string_view flag, std::string_view default_value = {});

// The text of the TEXT|@FILE|- argument `flag` ("--description"): "-" reads stdin, "@FILE"
// reads the file, else the text itself. Error (Usage) naming the flag and the file that cannot
// be read, or the flag, the file (or "stdin"), line and column of the first byte that is not
// UTF-8 text (invalid UTF-8, or a NUL: refused, never dropped).
Result<std::string> read_text_argument(Context& ctx, const std::string& value, std::string_view flag);

}  // namespace faultline::cli
