// Small string helpers shared by the modules. ASCII-only case handling: the names compared
// here (statuses, fields, users, labels, header names) are matched the way Jira matches them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace faultline {

// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// ASCII lower case (other bytes, UTF-8 included, unchanged).
std::string lower(std::string_view text);

// ASCII case-insensitive equality: "Reviewing" == "reviewing".
bool iequals(std::string_view a, std::string_view b);

// `text` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view text);

// `text` without the line feeds and carriage returns at its end (a code block's last line).
std::string_view trim_line_ends(std::string_view text);

// Collapses whitespace runs to one space and trims, keeping at most `limit` bytes: a server's
// error body shown on one line.
std::string one_line(std::string_view text, std::size_t limit);

// A value quoted in a message, never longer than about `max_chars` characters: `text` itself
// when it has at most `max_chars` characters (UTF-8 code points), else its first `max_chars`
// characters (cut on a character boundary) + "… (N characters)". Line breaks and tabs show as
// spaces, so the value stays on the message's line. A 1 MB value never makes a 1 MB message.
std::string shorten_for_message(std::string_view text, std::size_t max_chars = 60);

// The text of <title>...</title> in an HTML page (on one line, at most `limit` bytes), or "".
std::string html_title(std::string_view body, std::size_t limit);

}  // namespace faultline
