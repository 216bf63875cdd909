// Values the user gives beyond plain flags: asked for only on a terminal (without one, the
// missing flag is named and the command fails with a usage error, exit 2: cron and CI never
// hang), and text read from stdin or a file.
#pragma once

#include <string>
#include <string_view>

#include "faultline/cli/context.hpp"

namespace faultline::cli {

// Asks `question` on stderr and reads a line from stdin; an empty answer takes
// `default_value`. Error (Usage) naming `flag` when there is no terminal or the answer (and
// the default) is empty.
Result<std::string> ask(Context& ctx, std::string_view question, std::string_view flag, std::string_view default_value = {});

// The text of a TEXT|@FILE|- argument: "-" reads stdin, "@FILE" reads the file, else the text
// itself. Error (Usage) naming the file that cannot be read.
Result<std::string> read_text_argument(Context& ctx, const std::string& value);

}  // namespace faultline::cli
