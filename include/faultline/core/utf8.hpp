// UTF-8 decoding shared by the quoting and escaping code: every byte sequence decodes to
// code points, with each invalid byte read as U+FFFD, so no input can slip past a filter.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace faultline::core {

// The replacement character used for each invalid byte.
inline constexpr char32_t k_replacement_char = U'\uFFFD';

// Decodes the code point starting at `pos` and advances `pos` past it. Invalid or truncated
// sequences, overlong forms, surrogates and values above U+10FFFF yield U+FFFD and advance
// one byte. Precondition: pos < text.size().
char32_t next_code_point(std::string_view text, std::size_t& pos);

// Appends `cp` encoded as UTF-8 (U+FFFD when `cp` is not a Unicode scalar value).
void append_utf8(std::string& out, char32_t cp);

// `text` with every invalid byte replaced by U+FFFD; valid text comes back unchanged.
std::string sanitize_utf8(std::string_view text);

}  // namespace faultline::core
