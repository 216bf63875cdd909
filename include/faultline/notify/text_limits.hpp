// Byte-limited splitting and truncation of UTF-8 text for the platforms' size limits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::notify {

// Splits `text` into parts of at most `max_bytes` bytes each whose concatenation is `text`.
// Cuts after the last newline that fits; a line longer than the limit is cut at a code point
// boundary, so no UTF-8 sequence is broken. `max_bytes` below 4 is treated as 4. Empty text
// gives no parts.
std::vector<std::string> split_utf8(std::string_view text, std::size_t max_bytes);

// `text` when it fits in `max_bytes`; otherwise its longest prefix that ends on a code point
// boundary and leaves room for `suffix`, followed by `suffix`. A suffix longer than the limit
// is returned cut to fit.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes, std::string_view suffix);

// The largest n <= max_bytes such that text[0, n) does not end inside a UTF-8 sequence.
std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes);

}  // namespace faultline::notify
