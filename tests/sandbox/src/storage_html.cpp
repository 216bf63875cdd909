// Storage format to browser HTML: a small tolerant XML scanner feeding an allow-list renderer.
#include "storage_html.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "service.hpp"
#include "xhtml.hpp"

namespace sandbox {

namespace storage_render {

namespace {

// An HTML element that passes through, with the attributes it keeps.
struct AllowedElement {
  std::string_view name;
  std::string_view attributes;  // space-separated; "href"/"src" are URL-checked
};

constexpr std::array<AllowedElement, 44> k_allowed = {{
    {"p", ""}, {"br", ""}, {"hr", ""}, {"h1", ""}, {"h2", ""}, {"h3", ""}, {"h4", ""}, {"h5", ""}, {"h6", ""},
    {"strong", ""}, {"b", ""}, {"em", ""}, {"i", ""}, {"u", ""}, {"s", ""}, {"strike", ""}, {"del", ""},
    {"ins", ""}, {"sub", ""}, {"sup", ""}, {"code", ""}, {"pre", ""}, {"blockquote", ""}, {"ul", ""},
    {"ol", "start"}, {"li", ""}, {"table", ""}, {"thead", ""}, {"tbody", ""}, {"tfoot", ""}, {"tr", ""},
    {"th", "colspan rowspan"}, {"td", "colspan rowspan"}, {"caption", ""}, {"colgroup", ""}, {"col", "span"},
    {"span", ""}, {"div", ""}, {"a", "href title"}, {"img", "src alt width height title"}, {"dl", ""},
    {"dt", ""}, {"dd", ""}, {"small", ""}}};

constexpr std::array<std::string_view, 4> k_void = {"br", "hr", "img", "col"};

// Elements whose content is never shown: script-like HTML and Confluence's non-content markup.
constexpr std::array<std::string_view, 25> k_dropped = {
    "script", "style", "iframe", "object", "embed", "applet", "form", "input", "textarea", "select", "button",
    "svg", "math", "link", "meta", "base", "frame", "frameset", "noscript", "template", "title",
    "ac:parameter", "ac:task-id", "ac:task-status", "ac:placeholder"};

// Confluence elements rendered as a plain HTML element.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> k_mapped = {{
    {"ac:structured-macro", "div"}, {"ac:macro", "div"}, {"ac:rich-text-body", "div"}, {"ac:layout", "div"},
    {"ac:layout-section", "div"}, {"ac:layout-cell", "div"}, {"ac:task-list", "ul"}, {"ac:task", "li"},
    {"ac:task-body", "span"}}};

template <class List>
bool listed(const List& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

const AllowedElement* allowed_element(std::string_view name) {
  auto it = std::find_if(k_allowed.begin(), k_allowed.end(), [&](const AllowedElement& e) { return e.name == name; });
  return it == k_allowed.end() ? nullptr : &*it;
}

bool attribute_allowed(const AllowedElement& e, std::string_view attr) {
  std::string_view list = e.attributes;
  while (!list.empty()) {
    auto space = list.find(' ');
    if (list.substr(0, space) == attr) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

bool digits_only(std::string_view s) {
  return !s.empty() && s.size() <= 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The reference at text[at] ('&'): its length and, for the XML five and numeric ones, its
// character; length 0 when it is not a well-formed reference.
std::pair<std::size_t, std::optional<std::string>> reference_at(std::string_view text, std::size_t at) {
  auto semi = text.find(';', at + 1);
  if (semi == std::string_view::npos || semi - at > 12) return {0, std::nullopt};
  std::string_view name = text.substr(at + 1, semi - at - 1);
  const std::size_t length = semi - at + 1;
  if (name.size() > 1 && name[0] == '#') {
    std::uint32_t cp = 0;
    bool hex = name[1] == 'x' || name[1] == 'X';
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return {0, std::nullopt};
    for (char c : digits) {
      int v = (c >= '0' && c <= '9') ? c - '0' : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                                                   : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (v < 0 || cp > 0x10FFFF) return {0, std::nullopt};
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, std::nullopt};
    std::string ch;
    append_utf8(ch, cp);
    return {length, ch};
  }
  if (name == "amp") return {length, "&"};
  if (name == "lt") return {length, "<"};
  if (name == "gt") return {length, ">"};
  if (name == "quot") return {length, "\""};
  if (name == "apos") return {length, "'"};
  if (is_known_entity(name)) return {length, std::nullopt};
  return {0, std::nullopt};
}

// Storage text (with references) as HTML text: known references kept, everything else escaped.
std::string html_text(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '&') {
      auto [length, ch] = reference_at(raw, i);
      if (length > 0) {
        out += ch ? xhtml_escape(*ch) : std::string(raw.substr(i, length));
        i += length - 1;
      } else {
        out += "&amp;";
      }
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

// Storage text (with references) as plain text: the XML five and numeric references decoded.
std::string plain_text(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '&') {
      auto [length, ch] = reference_at(raw, i);
      if (length > 0 && ch) {
        out += *ch;
        i += length - 1;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

// A URL a browser may follow from the page: http(s), mailto or relative. Nothing otherwise.
std::optional<std::string> safe_url(std::string_view url) {
  while (!url.empty() && url.front() == ' ') url.remove_prefix(1);
  while (!url.empty() && url.back() == ' ') url.remove_suffix(1);
  if (url.empty()) return std::nullopt;
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    return std::nullopt;
  }
  auto colon = url.find(':');
  auto path_start = url.find_first_of("/?#");
  if (colon == std::string_view::npos || (path_start != std::string_view::npos && path_start < colon)) {
    return std::string(url);
  }
  std::string scheme(url.substr(0, colon));
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme == "http" || scheme == "https" || scheme == "mailto") return std::string(url);
  return std::nullopt;
}

// One piece of the input.
struct Token {
  enum class Kind { Text, CData, Start, End };
  Kind kind = Kind::Text;
  std::string_view text;                                        // Text / CData: the content
  std::string name;                                             // Start / End: the element name
  std::vector<std::pair<std::string, std::string_view>> attrs;  // Start: name and raw value
  bool self_closing = false;                                    // Start: <x/>
};

// Splits storage into tokens; anything that is not well-formed markup is text.
class Scanner {
public:
  explicit Scanner(std::string_view in) : m_in(in) {}

  // The next token; false at the end.
  bool next(Token& t) {
    while (m_pos < m_in.size()) {
      t = Token{};
      if (m_in[m_pos] != '<') {
        auto end = m_in.find('<', m_pos);
        if (end == std::string_view::npos) end = m_in.size();
        t.text = m_in.substr(m_pos, end - m_pos);
        m_pos = end;
        return true;
      }
      if (m_in.compare(m_pos, 4, "<!--") == 0) {
        auto end = m_in.find("-->", m_pos + 4);
        m_pos = end == std::string_view::npos ? m_in.size() : end + 3;
        continue;
      }
      if (m_in.compare(m_pos, 9, "<![CDATA[") == 0) {
        auto end = m_in.find("]]>", m_pos + 9);
        if (end == std::string_view::npos) end = m_in.size();
        t.kind = Token::Kind::CData;
        t.text = m_in.substr(m_pos + 9, end - m_pos - 9);
        m_pos = std::min(m_in.size(), end + 3);
        return true;
      }
      if (tag(t)) return true;
      // A '<' that starts no tag: text.
      t.kind = Token::Kind::Text;
      t.text = m_in.substr(m_pos, 1);
      ++m_pos;
      return true;
    }
    return false;
  }

private:
  static bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == ':' || c == '.';
  }
  static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  std::string read_name(std::size_t& at) const {
    std::string name;
    while (at < m_in.size() && name_char(m_in[at])) {
      char c = m_in[at++];
      name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return name;
  }

  // A start or end tag at m_pos; false (m_pos unchanged) when it is not one.
  bool tag(Token& t) {
    std::size_t at = m_pos + 1;
    bool end_tag = at < m_in.size() && m_in[at] == '/';
    if (end_tag) ++at;
    t.name = read_name(at);
    if (t.name.empty()) return false;
    if (end_tag) {
      while (at < m_in.size() && space(m_in[at])) ++at;
      if (at >= m_in.size() || m_in[at] != '>') return false;
      t.kind = Token::Kind::End;
      m_pos = at + 1;
      return true;
    }
    while (true) {
      while (at < m_in.size() && space(m_in[at])) ++at;
      if (at >= m_in.size()) return false;
      if (m_in[at] == '>') {
        ++at;
        break;
      }
      if (m_in[at] == '/' && at + 1 < m_in.size() && m_in[at + 1] == '>') {
        t.self_closing = true;
        at += 2;
        break;
      }
      std::string attr = read_name(at);
      if (attr.empty()) return false;
      while (at < m_in.size() && space(m_in[at])) ++at;
      if (at >= m_in.size() || m_in[at] != '=') return false;
      ++at;
      while (at < m_in.size() && space(m_in[at])) ++at;
      if (at >= m_in.size() || (m_in[at] != '"' && m_in[at] != '\'')) return false;
      char quote = m_in[at++];
      auto close = m_in.find(quote, at);
      if (close == std::string_view::npos) return false;
      t.attrs.emplace_back(std::move(attr), m_in.substr(at, close - at));
      at = close + 1;
    }
    t.kind = Token::Kind::Start;
    m_pos = at;
    return true;
  }

  std::string_view m_in;
  std::size_t m_pos = 0;
};

// The raw value of an attribute of a start token; nothing when absent.
std::optional<std::string_view> attribute(const Token& t, std::string_view name) {
  for (const auto& [n, v] : t.attrs) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// An <ac:image> or <ac:link> being read: its target and (links) its text.
struct Capture {
  enum class Kind { Image, Link };
  Kind kind = Kind::Image;
  int depth = 0;                   // elements open inside it
  std::string file_name;           // <ri:attachment ri:filename>
  std::string page_title;          // <ri:page ri:content-title>
  std::string space_key;           // <ri:page ri:space-key>
  std::string url;                 // <ri:url ri:value>
  std::string label;               // link text
  std::string alt;                 // ac:alt
  std::string width;               // ac:width (digits)
  std::string height;              // ac:height (digits)
  bool has_target = false;         // an ri: target was seen
};

class Renderer {
public:
  explicit Renderer(const StorageLinks& links) : m_links(links) {}

  std::string run(std::string_view storage) {
    Scanner scanner(storage);
    Token t;
    while (scanner.next(t)) feed(t);
    if (m_capture) finish_capture();
    while (!m_open.empty()) close_top();
    return std::move(m_out);
  }

private:
  // One open element of the input and what it emitted.
  struct Open {
    std::string name;   // input element name
    std::string close;  // what closes it in the output ("" for nothing)
  };

  void feed(const Token& t) {
    if (m_skip_depth > 0) {
      if (t.kind == Token::Kind::Start && !t.self_closing) ++m_skip_depth;
      if (t.kind == Token::Kind::End) --m_skip_depth;
      return;
    }
    if (m_capture) {
      capture(t);
      return;
    }
    switch (t.kind) {
      case Token::Kind::Text: m_out += html_text(t.text); break;
      case Token::Kind::CData: m_out += xhtml_escape(t.text); break;
      case Token::Kind::Start: start(t); break;
      case Token::Kind::End: end(t.name); break;
    }
  }

  void start(const Token& t) {
    const std::string& name = t.name;
    if (listed(k_dropped, name)) {
      if (!t.self_closing) m_skip_depth = 1;
      return;
    }
    if (name == "ac:image" || name == "ac:link") {
      Capture c;
      c.kind = name == "ac:image" ? Capture::Kind::Image : Capture::Kind::Link;
      c.alt = plain_text(attribute(t, "ac:alt").value_or(""));
      if (auto w = attribute(t, "ac:width"); w && digits_only(*w)) c.width = std::string(*w);
      if (auto h = attribute(t, "ac:height"); h && digits_only(*h)) c.height = std::string(*h);
      m_capture = std::move(c);
      if (t.self_closing) finish_capture();
      return;
    }
    if (name == "ac:plain-text-body") {
      open(name, "<pre>", "</pre>", t.self_closing);
      return;
    }
    if (name == "time") {
      // <time datetime="2026-11-25"/>: Confluence shows the date.
      m_out += xhtml_escape(plain_text(attribute(t, "datetime").value_or("")));
      if (!t.self_closing) m_open.push_back({name, ""});
      return;
    }
    auto mapped = std::find_if(k_mapped.begin(), k_mapped.end(), [&](const auto& m) { return m.first == name; });
    if (mapped != k_mapped.end()) {
      std::string html(mapped->second);
      open(name, "<" + html + ">", "</" + html + ">", t.self_closing);
      return;
    }
    const AllowedElement* allowed = allowed_element(name);
    if (allowed == nullptr) {
      // Unknown or Confluence-only markup: the tag goes, its content stays.
      if (!t.self_closing) m_open.push_back({name, ""});
      return;
    }
    std::string tag = "<" + name;
    for (const auto& [attr, raw] : t.attrs) {
      if (!attribute_allowed(*allowed, attr)) continue;
      std::string value = plain_text(raw);
      if (attr == "href" || attr == "src") {
        auto url = safe_url(value);
        if (!url) continue;
        value = *url;
      }
      tag += " " + attr + "=\"" + xhtml_escape(value) + "\"";
    }
    if (name == "a") tag += " rel=\"nofollow noopener\"";
    if (listed(k_void, name)) {
      m_out += tag + "/>";
      if (!t.self_closing) m_open.push_back({name, ""});
      return;
    }
    open(name, tag + ">", "</" + name + ">", t.self_closing);
  }

  void open(const std::string& name, const std::string& opening, const std::string& closing, bool self_closing) {
    m_out += opening;
    if (self_closing) m_out += closing;
    else m_open.push_back({name, closing});
  }

  void end(const std::string& name) {
    auto it = std::find_if(m_open.rbegin(), m_open.rend(), [&](const Open& o) { return o.name == name; });
    if (it == m_open.rend()) return;  // a stray end tag
    std::size_t keep = static_cast<std::size_t>(m_open.rend() - it) - 1;
    while (m_open.size() > keep) close_top();
  }

  void close_top() {
    m_out += m_open.back().close;
    m_open.pop_back();
  }

  void capture(const Token& t) {
    Capture& c = *m_capture;
    if (t.kind == Token::Kind::End) {
      if (c.depth == 0) {
        finish_capture();
        return;
      }
      --c.depth;
      return;
    }
    if (t.kind == Token::Kind::Text) {
      c.label += plain_text(t.text);
      return;
    }
    if (t.kind == Token::Kind::CData) {
      c.label += t.text;
      return;
    }
    if (!t.self_closing) ++c.depth;
    if (t.name == "ri:attachment") {
      c.file_name = plain_text(attribute(t, "ri:filename").value_or(""));
      c.has_target = true;
    } else if (t.name == "ri:page" && c.file_name.empty()) {
      c.page_title = plain_text(attribute(t, "ri:content-title").value_or(""));
      c.space_key = plain_text(attribute(t, "ri:space-key").value_or(""));
      c.has_target = true;
    } else if (t.name == "ri:url") {
      c.url = plain_text(attribute(t, "ri:value").value_or(""));
      c.has_target = true;
    }
  }

  void finish_capture() {
    Capture c = std::move(*m_capture);
    m_capture.reset();
    std::optional<std::string> target;
    if (!c.file_name.empty()) {
      if (m_links.attachment) target = m_links.attachment(c.file_name);
    } else if (!c.page_title.empty()) {
      if (m_links.page) target = m_links.page(c.space_key, c.page_title);
    } else if (!c.url.empty()) {
      target = safe_url(c.url);
    }
    if (c.kind == Capture::Kind::Image) {
      const std::string alt = !c.alt.empty() ? c.alt : c.file_name;
      if (!target) {
        m_out += "<span class=\"missing-image\">[" + xhtml_escape(alt.empty() ? std::string("image") : alt) + "]</span>";
        return;
      }
      m_out += "<img src=\"" + xhtml_escape(*target) + "\" alt=\"" + xhtml_escape(alt) + "\"";
      if (!c.width.empty()) m_out += " width=\"" + c.width + "\"";
      if (!c.height.empty()) m_out += " height=\"" + c.height + "\"";
      m_out += "/>";
      return;
    }
    std::string label = c.label;
    label.erase(0, label.find_first_not_of(" \t\r\n"));
    label.erase(label.find_last_not_of(" \t\r\n") + 1);
    if (label.empty()) label = !c.page_title.empty() ? c.page_title : !c.file_name.empty() ? c.file_name : c.url;
    if (target) {
      m_out += "<a href=\"" + xhtml_escape(*target) + "\" rel=\"nofollow noopener\">" + xhtml_escape(label) + "</a>";
    } else {
      m_out += "<span class=\"unresolved-link\">" + xhtml_escape(label) + "</span>";
    }
  }

  const StorageLinks& m_links;     // URL resolution
  std::string m_out;               // the HTML so far
  std::vector<Open> m_open;        // open input elements
  int m_skip_depth = 0;            // > 0 inside a dropped element
  std::optional<Capture> m_capture;  // an <ac:image> or <ac:link> being read
};

}  // namespace

}  // namespace storage_render

std::string render_storage_html(std::string_view storage, const StorageLinks& links) {
  return storage_render::Renderer(links).run(storage);
}

}  // namespace sandbox
