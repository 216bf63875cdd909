// Confluence storage format (XHTML) back to text: the plain text of a heading, and Markdown
// for `review pull`, which brings prose edited in Confluence back into the review file. Pure.
#pragma once

#include <string>
#include <string_view>

namespace faultline::core {

// The text of `storage`: tags dropped, character references decoded (&amp; &lt; &#8212; ...),
// whitespace runs collapsed to one space, trimmed.
std::string storage_plain_text(std::string_view storage);

// `storage` as Markdown, the inverse of markdown_to_storage for what it produces and for what
// Confluence's editor writes: paragraphs, line breaks, strong/em/code/strike, links, nested
// bullet and numbered lists, h4-h6, block quotes, code blocks (<pre> and the code macro with
// its language), horizontal rules and simple tables (as GFM tables). Other macros and
// elements keep their text. Markdown's special characters in text are escaped.
std::string storage_to_markdown(std::string_view storage);

}  // namespace faultline::core
