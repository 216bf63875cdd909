// Markdown -> HTML for the report's html format: the same tree and escaping rules as the
// storage renderer (all text escaped, raw HTML shown as text, only safe links), with code
// blocks as <pre><code>. Pure.
#pragma once

#include <string>
#include <string_view>

namespace faultline::report {

std::string markdown_to_html(std::string_view markdown);

}  // namespace faultline::report
