// A review page in Confluence storage format as sections, and the three-way merge that keeps
// what people wrote in Confluence: `review publish` regenerates the sections faultline owns
// (facts, timeline, actions, classification) and merges the prose sections of the review file
// with the page, section by section. Pure.
//
// A section is a heading element (<h1>, <h2> or <h3> at any depth outside a macro body) and
// everything up to the next one; the part before the first heading is the preamble. Sections
// are matched by key: the heading's text, lower-cased, plus "#n" for its n-th repeat.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::core {

struct PageSection {
  std::string key;      // "root cause", "timeline#2"; "" for the preamble
  std::string title;    // the heading's text: tags dropped, entities decoded, spaces collapsed
  std::string storage;  // the heading element and the content up to the next heading
  std::string content() const;  // `storage` without the heading element
};

// The sections of `storage` in page order; their storage joined gives `storage` back.
std::vector<PageSection> split_page_sections(std::string_view storage);

// 16 hex digits over the section's storage with whitespace between tags dropped and runs of
// whitespace collapsed (Confluence reformats the storage it keeps).
std::string section_hash(std::string_view storage);

// key -> section_hash for every section of a rendering: what publish records as the base of
// the next merge.
std::map<std::string, std::string> section_hashes(const std::vector<PageSection>& sections);

// A prose section that both the review file and the page changed since the last publish.
struct SectionConflict {
  std::string title;
  std::optional<std::string> base;  // as last published, when that text is still known
  std::string current;              // in Confluence now
  std::string rendered;             // from the review file now
};

struct PageMerge {
  std::string storage;                   // the page to write (meaningless with conflicts)
  std::vector<std::string> kept;         // titles of the prose sections whose Confluence text was kept
  std::vector<std::string> added;        // titles of sections people added in Confluence, kept
  std::vector<SectionConflict> conflicts;
};

// Merges the page as it is (`current`) with a new rendering. `base` holds the section hashes
// of the last rendering (section_hashes), `base_text` what of its text is known (key -> storage),
// `prose` the keys of the sections that come from the review file's prose.
// - sections that are not prose: the rendering's (a section of the last rendering the new
//   one dropped goes too);
// - a prose section: the rendering's when the page still has the last rendering's text or
//   the two agree (same storage, or the same Markdown by storage_to_markdown), the page's
//   when only the page changed, else a conflict;
// - a section people added (its key in neither rendering): kept after the section it follows.
PageMerge merge_page(const std::map<std::string, std::string>& base, const std::map<std::string, std::string>& base_text,
                     std::string_view current, std::string_view rendered, const std::set<std::string>& prose);

// The key a section titled `title` gets on its first occurrence ("Root cause" -> "root cause").
std::string section_key(std::string_view title);

}  // namespace faultline::core
