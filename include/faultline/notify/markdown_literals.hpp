// Template values as literal text inside notification Markdown. A notification template's own
// Markdown (its links, bold, the mentions faultline adds) renders; a value from the data model
// (a fault's summary, an owner's name, a description) never becomes a mention, link, tag or
// emphasis. The Mustache escape marks values with CommonMark backslash escapes, and each
// platform's payload turns an escaped character into a form its dialect shows literally.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace faultline::notify {

// `value` as literal CommonMark text (the Mustache escape of the notification templates):
// \ ` * _ ~ [ ] < > & are backslash-escaped everywhere, and a character that would make a line
// a heading, list item or rule ("# ", "- ", "+ ", "1. ", "---", "===") where a line starts (the
// value's start, after each of its newlines) is escaped too. Control characters other than
// newline and tab are dropped; CR LF and a lone CR become LF.
std::string escape_markdown_text(std::string_view value);

// Whether markdown[pos] is a backslash that escapes the next character (ASCII punctuation).
bool is_escape_at(std::string_view markdown, std::size_t pos);

// The first "**" at or after `from` in `line` that is not escaped, or npos.
std::size_t find_unescaped_bold(std::string_view line, std::size_t from);

// `markdown` without its escapes ("a\_b" -> "a_b"): the text as a reader should see it, for a
// plain-text field. The template's own Markdown (**bold**, [text](url)) is kept as written.
std::string markdown_to_plain(std::string_view markdown);

// A link "[text](destination)" written by a template.
struct MarkdownLink {
  std::string_view text;  // the link text, still Markdown (may hold escapes)
  std::string url;        // the destination with its escapes removed
  std::size_t end = 0;    // the position just after the closing parenthesis
};

// The link whose unescaped "[" is at markdown[pos], when "[text](destination)" follows on the
// same line with a non-empty text, "](" adjacent and a destination without spaces (balanced
// parentheses allowed); otherwise nothing. Escaped brackets never open or close a link.
std::optional<MarkdownLink> markdown_link_at(std::string_view markdown, std::size_t pos);

// `url` safe as a link destination in every dialect: space, " < > ( ) | \ ` and control
// characters percent-encoded.
std::string link_destination(std::string_view url);

// How a platform's Markdown shows an escaped character literally.
enum class LiteralStyle {
  NumericEntity,   // "&#60;" (HTML numeric character reference): Feishu card Markdown
  ZeroWidthFence,  // U+200B ZERO WIDTH SPACE on both sides: WeCom, DingTalk, Teams
};

// `markdown` (a template rendered with escaped values) for a platform dialect: the template's
// text as written, its links with the destination through link_destination, and each escaped
// character in `style`.
std::string markdown_with_literals(std::string_view markdown, LiteralStyle style);

}  // namespace faultline::notify
