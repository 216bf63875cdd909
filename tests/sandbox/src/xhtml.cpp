// Storage-format well-formedness checker: a small hand-written XML fragment scanner.
#include "xhtml.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace sandbox {

namespace {

// XML's predefined entities plus the HTML 4 named entities Confluence's storage format accepts
// (Latin-1, symbols, Greek, punctuation), space-separated.
constexpr std::string_view k_entities =
    " amp lt gt quot apos"
    " nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg"
    " plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest"
    " Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute"
    " Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml"
    " Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc"
    " euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash"
    " ugrave uacute ucirc uuml yacute thorn yuml"
    " OElig oelig Scaron scaron Yuml circ tilde ensp emsp thinsp zwnj zwj lrm rlm ndash mdash"
    " lsquo rsquo sbquo ldquo rdquo bdquo dagger Dagger permil lsaquo rsaquo euro"
    " fnof bull hellip prime Prime oline frasl weierp image real trade alefsym larr uarr rarr darr"
    " harr crarr lArr uArr rArr dArr hArr forall part exist empty nabla isin notin ni prod sum"
    " minus lowast radic prop infin ang and or cap cup int there4 sim cong asymp ne equiv le ge"
    " sub sup nsub sube supe oplus otimes perp sdot lceil rceil lfloor rfloor lang rang loz"
    " spades clubs hearts diams"
    " Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho"
    " Sigma Tau Upsilon Phi Chi Psi Omega alpha beta gamma delta epsilon zeta eta theta iota"
    " kappa lambda mu nu xi omicron pi rho sigmaf sigma tau upsilon phi chi psi omega thetasym"
    " upsih piv ";

// HTML elements that have no content; in storage format they must be written self-closed.
constexpr std::array<std::string_view, 14> k_void_elements = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr"};

// Namespace prefixes bound in Confluence storage format.
constexpr std::array<std::string_view, 3> k_prefixes = {"ac", "ri", "at"};

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// True for code points that XML 1.0 allows in a document.
bool is_xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// One pass over the input with a cursor; every check reports through fail().
class Scanner {
public:
  explicit Scanner(std::string_view input) : m_in(input) {}

  std::expected<void, XhtmlError> run() {
    if (auto bad = check_encoding(); !bad) return bad;
    while (m_pos < m_in.size()) {
      if (m_in[m_pos] == '<') {
        if (auto r = markup(); !r) return r;
      } else if (m_in[m_pos] == '&') {
        if (auto r = reference(); !r) return r;
      } else if (m_in.compare(m_pos, 3, "]]>") == 0) {
        return fail("']]>' is not allowed in text outside a CDATA section");
      } else {
        ++m_pos;
      }
    }
    if (!m_open.empty()) {
      return fail("unclosed element <" + m_open.back().name + "> (opened at line " +
                      std::to_string(line_of(m_open.back().offset)) + ")");
    }
    return {};
  }

private:
  struct Open {
    std::string name;
    std::size_t offset;  // of its '<': the line is counted only for an error (counting per tag is quadratic)
  };

  std::expected<void, XhtmlError> fail(std::string message) const { return fail_at(m_pos, std::move(message)); }

  std::expected<void, XhtmlError> fail_at(std::size_t pos, std::string message) const {
    XhtmlError e;
    e.message = std::move(message);
    for (std::size_t i = 0; i < pos && i < m_in.size(); ++i) {
      if (m_in[i] == '\n') {
        ++e.line;
        e.column = 1;
      } else {
        ++e.column;
      }
    }
    return std::unexpected(std::move(e));
  }

  std::size_t line_of(std::size_t pos) const {
    return 1 + static_cast<std::size_t>(std::count(m_in.begin(), m_in.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  }

  // UTF-8 validity and XML character range for the whole input.
  std::expected<void, XhtmlError> check_encoding() const {
    std::size_t i = 0;
    while (i < m_in.size()) {
      auto b = static_cast<unsigned char>(m_in[i]);
      std::uint32_t cp = 0;
      std::size_t len = 0;
      if (b < 0x80) {
        cp = b;
        len = 1;
      } else if ((b & 0xE0) == 0xC0) {
        cp = b & 0x1F;
        len = 2;
      } else if ((b & 0xF0) == 0xE0) {
        cp = b & 0x0F;
        len = 3;
      } else if ((b & 0xF8) == 0xF0) {
        cp = b & 0x07;
        len = 4;
      } else {
        return fail_at(i, "invalid UTF-8 byte");
      }
      if (i + len > m_in.size()) return fail_at(i, "truncated UTF-8 sequence");
      for (std::size_t k = 1; k < len; ++k) {
        auto c = static_cast<unsigned char>(m_in[i + k]);
        if ((c & 0xC0) != 0x80) return fail_at(i, "invalid UTF-8 sequence");
        cp = (cp << 6) | (c & 0x3F);
      }
      bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
      if (overlong) return fail_at(i, "overlong UTF-8 sequence");
      if (!is_xml_char(cp)) return fail_at(i, "character not allowed in XML (control character or surrogate)");
      i += len;
    }
    return {};
  }

  // At '&': a named, decimal or hexadecimal reference ending in ';'.
  std::expected<void, XhtmlError> reference() {
    std::size_t start = m_pos;
    auto semi = m_in.find(';', m_pos + 1);
    auto stop = m_in.find_first_of(" \t\r\n<&\"'", m_pos + 1);
    if (semi == std::string_view::npos || (stop != std::string_view::npos && stop < semi)) {
      return fail_at(start, "raw '&' must be escaped as &amp;");
    }
    std::string_view body = m_in.substr(m_pos + 1, semi - m_pos - 1);
    if (body.empty()) return fail_at(start, "empty entity reference '&;'");
    if (body[0] == '#') {
      std::string_view digits = body.substr(1);
      int base = 10;
      if (!digits.empty() && (digits[0] == 'x' || digits[0] == 'X')) {
        base = 16;
        digits.remove_prefix(1);
      }
      if (digits.empty() || digits.size() > 8) {
        return fail_at(start, "invalid character reference &" + std::string(body) + ";");
      }
      std::uint32_t cp = 0;
      for (char c : digits) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) return fail_at(start, "invalid character reference &" + std::string(body) + ";");
        cp = cp * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(v);
      }
      if (!is_xml_char(cp)) {
        return fail_at(start, "character reference &" + std::string(body) + "; is not a legal XML character");
      }
    } else if (!is_known_entity(body)) {
      return fail_at(start, "unknown entity &" + std::string(body) + ";");
    }
    m_pos = semi + 1;
    return {};
  }

  // At '<': comment, CDATA, end tag or start tag.
  std::expected<void, XhtmlError> markup() {
    if (m_in.compare(m_pos, 4, "<!--") == 0) {
      auto end = m_in.find("-->", m_pos + 4);
      if (end == std::string_view::npos) return fail("unterminated comment");
      auto dashes = m_in.substr(m_pos + 4, end - m_pos - 4).find("--");
      if (dashes != std::string_view::npos) return fail_at(m_pos + 4 + dashes, "'--' is not allowed inside a comment");
      m_pos = end + 3;
      return {};
    }
    if (m_in.compare(m_pos, 9, "<![CDATA[") == 0) {
      auto end = m_in.find("]]>", m_pos + 9);
      if (end == std::string_view::npos) return fail("unterminated CDATA section");
      m_pos = end + 3;
      return {};
    }
    if (m_in.compare(m_pos, 2, "<!") == 0) return fail("DOCTYPE and other declarations are not allowed in storage format");
    if (m_in.compare(m_pos, 2, "<?") == 0) return fail("processing instructions are not allowed in storage format");
    if (m_in.compare(m_pos, 2, "</") == 0) return end_tag();
    return start_tag();
  }

  // Reads a (possibly prefixed) name at m_pos; empty when none.
  std::string read_name() {
    std::size_t start = m_pos;
    if (m_pos >= m_in.size() || !is_name_start(m_in[m_pos])) return {};
    while (m_pos < m_in.size() && (is_name_char(m_in[m_pos]) || m_in[m_pos] == ':')) ++m_pos;
    return std::string(m_in.substr(start, m_pos - start));
  }

  // Checks the prefix of a qualified name; `attribute` allows xml: and xmlns.
  std::expected<void, XhtmlError> check_prefix(const std::string& name, std::size_t at, bool attribute) const {
    auto colon = name.find(':');
    if (colon == std::string::npos) return {};
    if (name.find(':', colon + 1) != std::string::npos || colon == 0 || colon + 1 == name.size() ||
        !is_name_start(name[colon + 1])) {
      return fail_at(at, "malformed qualified name '" + name + "'");
    }
    std::string prefix = name.substr(0, colon);
    bool known = std::find(k_prefixes.begin(), k_prefixes.end(), prefix) != k_prefixes.end();
    if (attribute && (prefix == "xml" || prefix == "xmlns")) known = true;
    if (!known) return fail_at(at, "namespace prefix '" + prefix + "' is not bound (only ac:, ri: and at: are)");
    return {};
  }

  void skip_space() {
    while (m_pos < m_in.size() && is_space(m_in[m_pos])) ++m_pos;
  }

  std::expected<void, XhtmlError> start_tag() {
    std::size_t tag_start = m_pos;
    ++m_pos;
    std::string name = read_name();
    if (name.empty()) return fail_at(tag_start, "raw '<' in text must be escaped as &lt;");
    if (auto r = check_prefix(name, tag_start + 1, false); !r) return r;
    std::vector<std::string> seen;
    while (true) {
      bool had_space = m_pos < m_in.size() && is_space(m_in[m_pos]);
      skip_space();
      if (m_pos >= m_in.size()) return fail_at(tag_start, "unterminated start tag <" + name + ">");
      char c = m_in[m_pos];
      if (c == '>' || c == '/') break;
      if (!had_space) return fail("whitespace required between attributes of <" + name + ">");
      std::size_t attr_start = m_pos;
      std::string attr = read_name();
      if (attr.empty()) return fail("invalid character '" + std::string(1, c) + "' in tag <" + name + ">");
      if (auto r = check_prefix(attr, attr_start, true); !r) return r;
      if (std::find(seen.begin(), seen.end(), attr) != seen.end()) {
        return fail_at(attr_start, "duplicate attribute '" + attr + "' on <" + name + ">");
      }
      seen.push_back(attr);
      skip_space();
      if (m_pos >= m_in.size() || m_in[m_pos] != '=') {
        return fail_at(attr_start, "attribute '" + attr + "' on <" + name + "> has no value (write " + attr + "=\"...\")");
      }
      ++m_pos;
      skip_space();
      if (m_pos >= m_in.size() || (m_in[m_pos] != '"' && m_in[m_pos] != '\'')) {
        return fail("value of attribute '" + attr + "' on <" + name + "> must be quoted");
      }
      char quote = m_in[m_pos++];
      while (true) {
        if (m_pos >= m_in.size()) return fail_at(attr_start, "unterminated value of attribute '" + attr + "'");
        char v = m_in[m_pos];
        if (v == quote) break;
        if (v == '<') return fail("raw '<' in the value of attribute '" + attr + "' must be escaped as &lt;");
        if (v == '&') {
          if (auto r = reference(); !r) return r;
        } else {
          ++m_pos;
        }
      }
      ++m_pos;
    }
    bool self_closed = false;
    if (m_in[m_pos] == '/') {
      if (m_pos + 1 >= m_in.size() || m_in[m_pos + 1] != '>') return fail("expected '>' after '/' in tag <" + name + ">");
      self_closed = true;
      m_pos += 2;
    } else {
      ++m_pos;
    }
    if (!self_closed) {
      bool is_void = std::find(k_void_elements.begin(), k_void_elements.end(), name) != k_void_elements.end();
      if (is_void) return fail_at(tag_start, "void element <" + name + "> must be self-closed as <" + name + "/>");
      m_open.push_back({name, tag_start});
    }
    return {};
  }

  std::expected<void, XhtmlError> end_tag() {
    std::size_t tag_start = m_pos;
    m_pos += 2;
    std::string name = read_name();
    if (name.empty()) return fail_at(tag_start, "malformed end tag");
    skip_space();
    if (m_pos >= m_in.size() || m_in[m_pos] != '>') return fail_at(tag_start, "malformed end tag </" + name + ">");
    ++m_pos;
    if (m_open.empty()) return fail_at(tag_start, "end tag </" + name + "> has no matching start tag");
    if (m_open.back().name != name) {
      return fail_at(tag_start, "end tag </" + name + "> does not match open element <" + m_open.back().name +
                                    "> (opened at line " + std::to_string(line_of(m_open.back().offset)) + ")");
    }
    m_open.pop_back();
    return {};
  }

  std::string_view m_in;  // the fragment being checked
  std::size_t m_pos = 0;  // cursor into m_in
  std::vector<Open> m_open;  // stack of open elements
};

}  // namespace

std::string XhtmlError::describe() const {
  return message + " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
}

bool is_known_entity(std::string_view name) {
  if (name.empty() || name.find(' ') != std::string_view::npos) return false;
  std::string needle = " " + std::string(name) + " ";
  return k_entities.find(needle) != std::string_view::npos;
}

std::expected<void, XhtmlError> check_storage_xhtml(std::string_view storage) {
  Scanner scanner(storage);
  return scanner.run();
}

std::string xhtml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string xhtml_text_content(std::string_view storage) {
  std::string out;
  std::size_t i = 0;
  while (i < storage.size()) {
    if (storage.compare(i, 9, "<![CDATA[") == 0) {
      auto end = storage.find("]]>", i + 9);
      if (end == std::string_view::npos) end = storage.size();
      out.append(storage.substr(i + 9, end - i - 9));
      out += ' ';
      i = end + 3;
    } else if (storage[i] == '<') {
      auto end = storage.find('>', i);
      if (end == std::string_view::npos) break;
      out += ' ';
      i = end + 1;
    } else if (storage[i] == '&') {
      auto semi = storage.find(';', i);
      std::string_view ent = semi == std::string_view::npos ? std::string_view{} : storage.substr(i + 1, semi - i - 1);
      if (ent == "amp") out += '&';
      else if (ent == "lt") out += '<';
      else if (ent == "gt") out += '>';
      else if (ent == "quot") out += '"';
      else if (ent == "apos") out += '\'';
      else out += ' ';
      i = semi == std::string_view::npos ? storage.size() : semi + 1;
    } else {
      out += storage[i++];
    }
  }
  return out;
}

}  // namespace sandbox
