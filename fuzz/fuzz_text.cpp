// Fuzz target: the text converters of core/text.hpp, the input as Markdown (to ADF, wiki and
// storage format) and as the bodies Jira sends back (ADF JSON to text, wiki to text), plus
// escape_storage. Properties, from the header's promises:
//   markdown_to_storage and escape_storage give well-formed XHTML (balanced tags, quoted
//   attributes, entities and CDATA closed, no character XML forbids) that is valid UTF-8;
//   markdown_to_adf gives a {"type":"doc","version":1} document that serializes (valid UTF-8);
//   the text readers take any input without crashing;
//   a page splits into sections that join back to it exactly (core/page_sections.hpp), and
//   the storage readers (storage_to_markdown, storage_plain_text, merge_page) take any page
//   a person could save in Confluence without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/core/page_sections.hpp"
#include "faultline/core/storage_text.hpp"
#include "faultline/core/text.hpp"
#include "faultline/core/utf8.hpp"

namespace {

[[noreturn]] void violated(const char* what, std::string_view output) {
  std::fprintf(stderr, "fuzz property violated: %s\noutput: %.*s\n", what, static_cast<int>(output.size()),
               output.data());
  std::abort();
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '-' ||
         c == '_' || c == '.';
}

// Reads an XML name at `pos`; "" when there is none.
std::string_view read_name(std::string_view s, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < s.size() && is_name_char(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

// An entity reference at `pos` (which holds '&'): &name; or &#digits; or &#xhex;.
bool read_entity(std::string_view s, std::size_t& pos) {
  const std::size_t end = s.find(';', pos);
  if (end == std::string_view::npos || end == pos + 1) return false;
  const std::string_view body = s.substr(pos + 1, end - pos - 1);
  for (char c : body) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '#')) return false;
  }
  pos = end + 1;
  return true;
}

bool xml_allowed(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         cp >= 0x10000;
}

// A small well-formedness check of XHTML fragments (several roots allowed, as Confluence
// storage is). Returns what is wrong, or nullptr.
const char* xhtml_problem(std::string_view s) {
  if (faultline::core::sanitize_utf8(s) != s) return "not valid UTF-8";
  for (std::size_t pos = 0; pos < s.size();) {
    const char32_t cp = faultline::core::next_code_point(s, pos);
    if (!xml_allowed(cp)) return "a character XML 1.0 forbids";
  }
  std::vector<std::string_view> open;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char c = s[pos];
    if (c == '&') {
      if (!read_entity(s, pos)) return "a bare '&'";
      continue;
    }
    if (c != '<') {
      ++pos;
      continue;
    }
    if (s.substr(pos, 9) == "<![CDATA[") {
      const std::size_t end = s.find("]]>", pos + 9);
      if (end == std::string_view::npos) return "an unclosed CDATA section";
      pos = end + 3;
      continue;
    }
    if (s.substr(pos, 2) == "</") {
      pos += 2;
      const std::string_view name = read_name(s, pos);
      if (name.empty() || pos >= s.size() || s[pos] != '>') return "a malformed end tag";
      if (open.empty() || open.back() != name) return "an end tag that does not match";
      open.pop_back();
      ++pos;
      continue;
    }
    ++pos;
    const std::string_view name = read_name(s, pos);
    if (name.empty()) return "a bare '<'";
    for (;;) {
      while (pos < s.size() && s[pos] == ' ') ++pos;
      if (pos >= s.size()) return "an unclosed tag";
      if (s[pos] == '>') {
        open.push_back(name);
        ++pos;
        break;
      }
      if (s.substr(pos, 2) == "/>") {
        pos += 2;
        break;
      }
      if (read_name(s, pos).empty()) return "a malformed attribute";
      if (pos + 1 >= s.size() || s[pos] != '=' || (s[pos + 1] != '"' && s[pos + 1] != '\'')) {
        return "an attribute without a quoted value";
      }
      const char quote = s[pos + 1];
      pos += 2;
      while (pos < s.size() && s[pos] != quote) {
        if (s[pos] == '<') return "a '<' in an attribute value";
        if (s[pos] == '&') {
          if (!read_entity(s, pos)) return "a bare '&' in an attribute value";
          continue;
        }
        ++pos;
      }
      if (pos >= s.size()) return "an unclosed attribute value";
      ++pos;
    }
  }
  if (!open.empty()) return "an element left open";
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline::core;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::string storage = markdown_to_storage(input);
  if (const char* problem = xhtml_problem(storage)) violated(problem, storage);
  const std::string escaped = escape_storage(input);
  if (const char* problem = xhtml_problem(escaped)) violated(problem, escaped);
  if (escaped.find('<') != std::string::npos) violated("escape_storage left a '<'", escaped);

  const nlohmann::json adf = markdown_to_adf(input);
  if (!adf.is_object() || adf.value("type", "") != "doc" || adf.value("version", 0) != 1 ||
      !adf.contains("content") || !adf["content"].is_array()) {
    violated("markdown_to_adf did not give an ADF document", adf.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  try {
    (void)adf.dump();
  } catch (const nlohmann::json::exception& e) {
    violated("markdown_to_adf's document does not serialize", e.what());
  }
  (void)adf_to_text(adf);

  const std::string wiki = markdown_to_wiki(input);
  if (sanitize_utf8(wiki) != wiki) violated("markdown_to_wiki gave invalid UTF-8", wiki);
  (void)wiki_to_text(wiki);
  (void)wiki_to_text(input);

  // The input as a review page edited in Confluence, and the storage written above.
  const auto sections = split_page_sections(input);
  std::string joined;
  for (const auto& section : sections) joined += section.storage;
  if (joined != input) violated("split_page_sections lost or added bytes", joined);
  (void)storage_plain_text(input);
  (void)storage_to_markdown(input);
  (void)storage_to_markdown(storage);
  std::set<std::string> prose;
  for (const auto& section : sections) prose.insert(section.key);
  (void)merge_page(section_hashes(split_page_sections(storage)), {}, input, storage, prose);

  // Jira's own ADF (comment bodies, descriptions), as any JSON.
  const auto json = nlohmann::json::parse(input, nullptr, false);
  if (!json.is_discarded()) (void)adf_to_text(json);
  return 0;
}
