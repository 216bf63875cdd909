// Well-formedness check for Confluence storage-format bodies (XHTML fragments with the ac:,
// ri: and at: namespaces), as Confluence does before it stores a page.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace sandbox {

// Where and why a storage body is not well-formed.
struct XhtmlError {
  std::string message;  // e.g. "unclosed element <p>"
  std::size_t line = 1;  // 1-based line of the offending character
  std::size_t column = 1;  // 1-based column (in bytes) of the offending character

  // "message (line L, column C)".
  std::string describe() const;
};

// Checks that `storage` is a well-formed XHTML fragment: balanced, properly nested elements;
// quoted, unique attributes; valid entity and character references (XML's five, numeric, and
// the HTML named entities Confluence accepts); no raw '<' or '&' in text; CDATA sections and
// comments; only the ac:, ri: and at: namespace prefixes; void HTML elements self-closed.
// Returns the first problem found, or nothing when the fragment is well-formed.
std::expected<void, XhtmlError> check_storage_xhtml(std::string_view storage);

// True when `name` (without '&' and ';') is a named entity the checker accepts.
bool is_known_entity(std::string_view name);

// Escapes text for use inside XHTML element content or a quoted attribute value.
std::string xhtml_escape(std::string_view text);

// The text content of a storage body: tags removed, entities for the XML five decoded,
// CDATA content kept. Used for full-text (text ~) search.
std::string xhtml_text_content(std::string_view storage);

}  // namespace sandbox
