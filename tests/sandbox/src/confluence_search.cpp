// CQL search: {context}/rest/api/search (results wrapped with title, excerpt, url, score) and
// {context}/rest/api/content/search (Content objects), in relevance or ORDER BY order.
//
// Facts relied on: the excerpt parameter is highlight (default) | indexed | none |
// highlight_unescaped | indexed_unescaped on Cloud (specs/confluence-cloud-v1-2022.json) and
// indexed | highlight (default) | none on Data Center (specs/confluence-dc-10.0.3.json);
// highlighted matches in title and excerpt are wrapped in @@@hl@@@ and @@@endhl@@@ and the text
// around them is HTML-escaped except in the *_unescaped strategies; an "indexed" excerpt is the
// start of the page's text as the index keeps it; Cloud's search result carries "score", Data
// Center's does not; expand names below "content." expand each result's content (for example
// content.metadata.labels).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "confluence_service.hpp"
#include "xhtml.hpp"

namespace sandbox::conf {

namespace {

constexpr std::size_t k_excerpt_chars = 240;    // longest excerpt, in bytes
constexpr std::size_t k_excerpt_lead = 80;      // text kept before the first match
constexpr std::string_view k_hl_open = "@@@hl@@@";
constexpr std::string_view k_hl_close = "@@@endhl@@@";

// How a result's excerpt (and title) is made.
enum class ExcerptMode { Highlight, HighlightUnescaped, Indexed, IndexedUnescaped, None };

using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

std::expected<ExcerptMode, std::string> excerpt_mode(const std::optional<std::string>& value, bool cloud) {
  if (!value || *value == "highlight") return ExcerptMode::Highlight;
  if (*value == "indexed") return ExcerptMode::Indexed;
  if (*value == "none") return ExcerptMode::None;
  if (cloud && *value == "highlight_unescaped") return ExcerptMode::HighlightUnescaped;
  if (cloud && *value == "indexed_unescaped") return ExcerptMode::IndexedUnescaped;
  return std::unexpected("Invalid excerpt strategy '" + *value + "' (supported: " +
                         std::string(cloud ? "highlight, indexed, none, highlight_unescaped, indexed_unescaped"
                                           : "highlight, indexed, none") + ")");
}

bool escaped(ExcerptMode m) { return m == ExcerptMode::Highlight || m == ExcerptMode::Indexed; }
bool highlighted(ExcerptMode m) { return m == ExcerptMode::Highlight || m == ExcerptMode::HighlightUnescaped; }

// Text with runs of whitespace made one space, trimmed.
std::string squeeze_spaces(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

// Moves `at` back to the start of a UTF-8 sequence.
std::size_t char_boundary(std::string_view text, std::size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

// The window [first, last) of the excerpt: around the first match when there is one, else the
// start; cut at spaces where it can be.
std::pair<std::size_t, std::size_t> excerpt_window(std::string_view text, const Ranges& ranges) {
  std::size_t first = 0;
  if (!ranges.empty() && ranges.front().first > k_excerpt_lead) {
    first = ranges.front().first - k_excerpt_lead;
    auto space = text.find(' ', first);
    first = space != std::string_view::npos && space < ranges.front().first ? space + 1 : char_boundary(text, first);
  }
  std::size_t last = std::min(text.size(), first + k_excerpt_chars);
  if (last < text.size()) {
    std::size_t keep = ranges.empty() ? first : ranges.front().second;
    auto space = text.rfind(' ', last);
    last = space != std::string_view::npos && space > keep ? space : char_boundary(text, last);
  }
  return {first, last};
}

// text[first, last) with the ranges inside it wrapped in the highlight markers, escaped or not.
std::string mark(std::string_view text, std::size_t first, std::size_t last, const Ranges& ranges, bool escape) {
  auto plain = [&](std::string_view s) { return escape ? xhtml_escape(s) : std::string(s); };
  std::string out;
  std::size_t at = first;
  for (const auto& [from, to] : ranges) {
    if (from < at || to > last) continue;
    out += plain(text.substr(at, from - at));
    out += k_hl_open;
    out += plain(text.substr(from, to - from));
    out += k_hl_close;
    at = to;
  }
  out += plain(text.substr(at, last - at));
  return out;
}

// The excerpt of a page's text for `units`.
std::string make_excerpt(std::string_view body, const std::vector<TextUnit>& units, ExcerptMode mode) {
  if (mode == ExcerptMode::None) return {};
  std::string text = squeeze_spaces(body);
  Ranges ranges = highlighted(mode) ? cql_match_ranges(text, units) : Ranges{};
  auto [first, last] = excerpt_window(text, ranges);
  return mark(text, first, last, ranges, escaped(mode));
}

// The result title: highlighted and escaped as the excerpt is.
std::string make_title(std::string_view title, const std::vector<TextUnit>& units, ExcerptMode mode) {
  if (mode == ExcerptMode::None) return std::string(title);
  Ranges ranges = highlighted(mode) ? cql_match_ranges(title, units) : Ranges{};
  return mark(title, 0, title.size(), ranges, escaped(mode));
}

// The expansions of each result's content: the expand names below "content.".
std::set<std::string> content_expansions(const std::set<std::string>& expand) {
  std::set<std::string> out;
  for (const auto& e : expand) {
    if (e.starts_with("content.")) out.insert(e.substr(8));
  }
  return out;
}

}  // namespace

CqlDoc ConfluenceService::doc_of(const ConfPage& p) const {
  CqlDoc d;
  d.id = p.id;
  d.type = "page";
  d.space_key = p.space_key;
  d.title = p.current().title;
  d.body = xhtml_text_content(p.current().body);
  d.text = d.title + "\n" + d.body;
  for (const auto& l : p.labels) {
    d.labels.push_back(l.name);
    d.text += "\n" + l.name;
  }
  for (const ConfPage* a : m_store.ancestors(p)) d.ancestors.push_back(a->id);
  d.created_ms = p.created_ms;
  d.modified_ms = p.current().when_ms;
  if (p.creator.is_object()) {
    for (const char* k : {"accountId", "name", "key"}) {
      std::string v = p.creator.value(k, "");
      if (!v.empty()) d.creator.push_back(v);
    }
  }
  return d;
}

SbResponse ConfluenceService::cql_search(const SbRequest& r, bool content_shape) const {
  auto cql = r.param("cql");
  if (!cql || cql->empty()) return v1_error({400, "The cql query parameter is required"});
  auto query = parse_cql(*cql);
  if (!query) return v1_error({400, "Could not parse cql : " + *cql + " (" + query.error() + ")"});
  auto w = window(r, k_v1_max_limit);
  if (!w) return v1_error(w.error());
  auto mode = excerpt_mode(r.param("excerpt"), cloud());
  if (!mode && !content_shape) return v1_error({400, mode.error()});
  CqlContext ctx;
  ctx.now_ms = epoch_ms(r.now);
  if (r.user.is_object()) {
    for (const char* k : {"accountId", "name", "key"}) {
      std::string v = r.user.value(k, "");
      if (!v.empty()) ctx.current_user.push_back(v);
    }
  }
  std::vector<CqlDoc> docs;
  for (const ConfPage* p : m_store.pages()) {
    if (p->status == "current") docs.push_back(doc_of(*p));
  }
  std::vector<const CqlDoc*> hits;
  for (const auto& d : docs) {
    if (query->matches(d, ctx)) hits.push_back(&d);
  }
  query->sort(hits);
  const std::vector<TextUnit> units = query->search_units();
  std::map<const CqlDoc*, double> scores;
  for (const CqlDoc* d : hits) scores[d] = cql_relevance(units, *d);
  if (query->order.empty() && !units.empty()) {
    // Without ORDER BY a text search comes back most relevant first (ties in id order).
    std::stable_sort(hits.begin(), hits.end(), [&](const CqlDoc* a, const CqlDoc* b) { return scores[a] > scores[b]; });
  }
  json results = json::array();
  const std::set<std::string> expand = expand_of(r, {});
  for (std::size_t i = w->start; i < hits.size() && i < w->start + w->limit; ++i) {
    const ConfPage& p = *m_store.page(hits[i]->id);
    if (content_shape) {
      results.push_back(content_v1(r, p, expand, false));
      continue;
    }
    const ConfSpace* space = m_store.space_by_key(p.space_key);
    json result{{"content", content_v1(r, p, content_expansions(expand), false)},
                {"title", make_title(p.current().title, units, *mode)},
                {"excerpt", make_excerpt(hits[i]->body, units, *mode)},
                {"url", webui(p)},
                {"resultGlobalContainer", {{"title", space != nullptr ? space->name : p.space_key},
                                           {"displayUrl", (cloud() ? "/spaces/" : "/display/") + p.space_key}}},
                {"breadcrumbs", json::array()},
                {"entityType", "content"},
                {"iconCssClass", "aui-icon content-type-page"},
                {"lastModified", iso(p.current().when_ms)},
                {"friendlyLastModified", iso(p.current().when_ms).substr(0, 10)}};
    if (cloud()) result["score"] = scores[hits[i]];
    results.push_back(std::move(result));
  }
  json links{{"base", base(r)}, {"context", context()}, {"self", base(r) + relative(r)}};
  if (w->start + w->limit < hits.size()) {
    std::size_t next = w->start + w->limit;
    links["next"] = cloud() ? next_link(r, relative(r), "cursor", make_cursor(next), w->limit)
                            : next_link(r, relative(r), "start", std::to_string(next), w->limit);
  }
  json out{{"results", results}, {"start", w->start}, {"limit", w->limit}, {"size", results.size()}, {"_links", links}};
  if (!content_shape) {
    out["totalSize"] = hits.size();
    out["cqlQuery"] = *cql;
    out["searchDuration"] = 1;
  }
  return SbResponse::json(200, out);
}

}  // namespace sandbox::conf
