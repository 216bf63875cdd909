// Renders a Confluence storage-format body as HTML a browser can show: the sandbox's page
// views use it so that a person can read a published report, tables and images included.
//
// Safe by construction: only an allow-list of HTML elements and attributes passes (headings,
// paragraphs, lists, tables, inline formatting, links, images), every text and attribute value
// is escaped, link and image URLs must be http(s), mailto or relative, and the content of
// script-like elements is dropped. Confluence elements become HTML: <ac:image> with
// <ri:attachment ri:filename=".."/> (or <ri:url ri:value=".."/>) an <img>, <ac:link> to a page
// or an attachment an <a>, macro bodies their content (plain-text bodies in <pre>), task lists
// lists; macro parameters and other Confluence-only markup show nothing. Malformed input never
// produces unbalanced output.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sandbox {

// What the renderer asks of the page it renders.
struct StorageLinks {
  // The URL of the page's attachment named `file_name`; nothing when there is none.
  std::function<std::optional<std::string>(std::string_view file_name)> attachment;
  // The view URL of the page titled `title` in the space `space_key` (the page's own space when
  // empty); nothing when there is none.
  std::function<std::optional<std::string>(std::string_view space_key, std::string_view title)> page;
};

// The HTML of a storage body (a fragment, to be put inside a <div>).
std::string render_storage_html(std::string_view storage, const StorageLinks& links);

}  // namespace sandbox
