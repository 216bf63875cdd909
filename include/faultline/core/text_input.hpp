// Text that comes in from outside — command-line arguments, files, stdin — checked at the
// edge: it must be UTF-8 and hold no NUL byte. Past the edge, bad bytes would be replaced or
// NULs dropped without a word, or a JSON library would throw deep inside a command. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/util/error.hpp"

namespace faultline::core {

// The first byte that makes a text unfit: one that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and truncated sequences included), or a NUL.
struct TextFlaw {
  enum class Kind { InvalidUtf8, Nul };
  Kind kind = Kind::InvalidUtf8;
  std::size_t offset = 0;  // bytes before it
  std::size_t line = 1;    // 1-based; lines end at '\n'
  std::size_t column = 1;  // 1-based, in characters (code points) of its line
  unsigned char byte = 0;  // the byte itself
};

// The first flaw of `text`; nullopt when it is UTF-8 without NUL (a BOM is fine).
std::optional<TextFlaw> find_text_flaw(std::string_view text);

// "byte 0xff is not valid UTF-8" | "a NUL byte (0x00)".
std::string describe_flaw(const TextFlaw& flaw);

// Checks the text read from `source` (a file name, or "stdin (--description -)"). Error of
// `kind` "<source>:<line>:<column>: byte 0xff is not valid UTF-8; faultline reads text as
// UTF-8" (or "... a NUL byte (0x00) is not text; faultline refuses it rather than drop it"),
// with a hint saying how to fix the file.
Result<void> check_text_file(std::string_view text, std::string_view source, ErrorKind kind);

// Checks command-line argument number `position` (argv's index) holding `text`, the value of
// `option` when known ("--title"; "" when not). Error (Usage): "argument 3 (--title) is not
// valid UTF-8 (byte 0xff at offset 5); faultline needs UTF-8 text".
Result<void> check_argument_text(std::string_view text, std::size_t position, std::string_view option);

}  // namespace faultline::core
