// The command line checked before CLI11 reads it: every argument must be UTF-8 text, so a
// broken byte is a usage error naming the argument rather than a failure deep inside a
// command (a JSON library refusing to serialize it).
#pragma once

#include "faultline/util/error.hpp"

namespace CLI {
class App;
}

namespace faultline::cli {

// Error (Usage) for the first of argv[1..argc) that is not valid UTF-8: "argument 3 (--title)
// is not valid UTF-8 (byte 0xff at offset 5); faultline needs UTF-8 text". The option is
// named when the argument is its value: "--title=..." or the argument after an option of
// `app` (or of any of its subcommands) that takes a value.
Result<void> check_arguments_are_text(int argc, const char* const* argv, const CLI::App& app);

}  // namespace faultline::cli
