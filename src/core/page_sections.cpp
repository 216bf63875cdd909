// Review pages as sections, and the three-way merge of a page with a new rendering.
#include "faultline/core/page_sections.hpp"

#include <algorithm>
#include <cctype>

#include "faultline/core/labels.hpp"
#include "faultline/core/storage_text.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::core {

namespace {

bool starts_with_ci(std::string_view text, std::size_t at, std::string_view prefix) {
  if (at + prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != prefix[i]) return false;
  return true;
}

// At `at`, an opening <h1>..<h3> tag: its level, else 0.
int heading_at(std::string_view text, std::size_t at) {
  if (!starts_with_ci(text, at, "<h") || at + 3 >= text.size()) return 0;
  const char level = text[at + 2];
  const char after = text[at + 3];
  if (level < '1' || level > '3') return 0;
  if (after != '>' && after != ' ' && after != '\t' && after != '\n') return 0;
  return level - '0';
}

// Where the heading element opened at `at` ends (after its closing tag), npos when unclosed.
std::size_t heading_end(std::string_view text, std::size_t at, int level) {
  const std::string close = "</h" + std::string(1, static_cast<char>('0' + level)) + ">";
  for (std::size_t i = at; i + close.size() <= text.size(); ++i)
    if (starts_with_ci(text, i, close)) return i + close.size();
  return std::string_view::npos;
}

}  // namespace

std::string PageSection::content() const {
  if (key.empty()) return storage;
  const int level = heading_at(storage, 0);
  const auto end = heading_end(storage, 0, level);
  return end == std::string::npos ? std::string() : storage.substr(end);
}

std::string section_key(std::string_view title) { return lower(title); }

std::vector<PageSection> split_page_sections(std::string_view storage) {
  std::vector<PageSection> sections;
  std::map<std::string, int> seen;
  std::size_t start = 0;
  bool in_heading_section = false;
  std::string title;
  auto close = [&](std::size_t end) {
    if (end <= start && !in_heading_section) return;
    PageSection section;
    section.storage = std::string(storage.substr(start, end - start));
    if (in_heading_section) {
      section.title = title;
      const auto base = section_key(title);
      const int n = ++seen[base];
      section.key = n == 1 ? base : base + "#" + std::to_string(n);
      if (section.key.empty()) section.key = "#untitled" + std::to_string(n);
    }
    sections.push_back(std::move(section));
  };
  std::size_t i = 0;
  while (i < storage.size()) {
    // Macro bodies (code blocks) hold text, not elements: skip CDATA wholesale.
    if (storage.compare(i, 9, "<![CDATA[") == 0) {
      const auto end = storage.find("]]>", i + 9);
      i = end == std::string_view::npos ? storage.size() : end + 3;
      continue;
    }
    const int level = heading_at(storage, i);
    if (level == 0) {
      ++i;
      continue;
    }
    const auto end = heading_end(storage, i, level);
    if (end == std::string_view::npos) break;
    close(i);
    start = i;
    in_heading_section = true;
    title = storage_plain_text(storage.substr(i, end - i));
    i = end;
  }
  close(storage.size());
  return sections;
}

std::string section_hash(std::string_view storage) {
  std::string normal;
  normal.reserve(storage.size());
  bool space = false;
  for (const char c : storage) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    // Whitespace between two tags is layout, not text.
    if (space && !normal.empty() && !(normal.back() == '>' && c == '<')) normal += ' ';
    space = false;
    normal += c;
  }
  return hex16(fnv1a_64(normal));
}

std::map<std::string, std::string> section_hashes(const std::vector<PageSection>& sections) {
  std::map<std::string, std::string> out;
  for (const auto& s : sections) out[s.key] = section_hash(s.storage);
  return out;
}

PageMerge merge_page(const std::map<std::string, std::string>& base, const std::map<std::string, std::string>& base_text,
                     std::string_view current, std::string_view rendered, const std::set<std::string>& prose) {
  const auto now = split_page_sections(current);
  const auto next = split_page_sections(rendered);
  std::map<std::string, const PageSection*> now_by_key;
  std::set<std::string> next_keys;
  for (const auto& s : now) now_by_key.emplace(s.key, &s);
  for (const auto& s : next) next_keys.insert(s.key);

  // Sections people added (in neither rendering), by the rendered section they follow.
  std::map<std::string, std::vector<const PageSection*>> added_after;
  std::string anchor;  // "" = the preamble (or the top)
  for (const auto& s : now) {
    if (next_keys.contains(s.key)) {
      anchor = s.key;
    } else if (!s.key.empty() && !base.contains(s.key)) {
      added_after[anchor].push_back(&s);
    }
  }

  PageMerge merge;
  auto append_added = [&](const std::string& key) {
    const auto it = added_after.find(key);
    if (it == added_after.end()) return;
    for (const auto* s : it->second) {
      merge.storage += s->storage;
      merge.added.push_back(s->title);
    }
    added_after.erase(it);
  };
  for (const auto& r : next) {
    const auto page = now_by_key.find(r.key);
    const auto last = base.find(r.key);
    if (!prose.contains(r.key) || page == now_by_key.end()) {
      merge.storage += r.storage;
    } else {
      const auto page_hash = section_hash(page->second->storage);
      const auto rendered_hash = section_hash(r.storage);
      // Agreeing texts: equal storage, or the same Markdown (Confluence's editor writes <b>
      // where faultline writes <strong>; a `review pull` makes the file say what the page does).
      const bool agree = page_hash == rendered_hash ||
                         storage_to_markdown(page->second->content()) == storage_to_markdown(r.content());
      if (agree || (last != base.end() && page_hash == last->second)) {
        merge.storage += r.storage;  // the page still says what faultline wrote: the file's text
      } else if (last != base.end() && rendered_hash == last->second) {
        merge.storage += page->second->storage;  // only people changed it: theirs
        merge.kept.push_back(r.title);
      } else {
        SectionConflict conflict{r.title, std::nullopt, page->second->content(), r.content()};
        if (const auto text = base_text.find(r.key);
            text != base_text.end() && last != base.end() && section_hash(text->second) == last->second) {
          conflict.base = PageSection{r.key, r.title, text->second}.content();
        }
        merge.conflicts.push_back(std::move(conflict));
      }
    }
    append_added(r.key);
  }
  for (const auto& [key, sections] : added_after)  // after a section the rendering no longer has
    for (const auto* s : sections) {
      merge.storage += s->storage;
      merge.added.push_back(s->title);
    }
  return merge;
}

}  // namespace faultline::core
