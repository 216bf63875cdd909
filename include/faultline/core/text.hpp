// faultline's one internal text form is a Markdown subset (CommonMark + GFM tables and
// strikethrough). These pure functions turn it into each product's body format, with all
// user text escaped so it cannot inject markup or macros.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace faultline::core {

// Markdown -> Atlassian Document Format (Jira Cloud v3 bodies): {"type":"doc","version":1,...}.
// Paragraphs, headings, bullet/ordered lists, code blocks, block quotes, rules, tables,
// emphasis/strong/strike/code marks, links, hard breaks. Raw HTML becomes literal text; only
// http/https/mailto links get a link mark; control characters are dropped. Blocks ADF does
// not allow inside quotes or list items are adapted (heading -> paragraph). Empty input
// gives {"type":"doc","version":1,"content":[]}.
nlohmann::json markdown_to_adf(std::string_view markdown);

// Markdown -> Jira wiki markup (Data Center v2 bodies). Wiki control characters in text are
// escaped with a backslash (a literal backslash as &#92;, a leading "h1."/"bq." as "\h1.")
// so "{code}", "[link]" or "*x*" typed by a user stay literal. Code blocks use {code:lang},
// or {noformat} when the code itself contains "{code". Only http/https/mailto links.
std::string markdown_to_wiki(std::string_view markdown);

// Markdown -> Confluence storage format (XHTML). All text is XML-escaped; raw HTML in the
// Markdown is escaped as text, never passed through; control characters are dropped. Code
// blocks become the code macro with a CDATA body ("]]>" split); only http/https/mailto
// links become <a>. The result is well-formed XHTML.
std::string markdown_to_storage(std::string_view markdown);

// Escapes text for XHTML element content or attribute values (& < > " '), drops characters
// XML 1.0 forbids (C0 controls except tab/newline/CR, U+FFFE, U+FFFF); invalid UTF-8 bytes
// become U+FFFD.
std::string escape_storage(std::string_view text);

// Plain text of an ADF document (paragraphs separated by blank lines, list items "- ",
// table cells " | ", mentions by their text), for timelines. Unknown nodes give their content.
std::string adf_to_text(const nlohmann::json& adf);

// Plain text of a wiki-markup string (markup characters removed, escapes undone).
std::string wiki_to_text(std::string_view wiki);

}  // namespace faultline::core
