// Lucene query-string reading for the text-search clauses of JQL and CQL.
#include "text_query.hpp"

namespace sandbox {

namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Reads one query from left to right; see text_query.hpp for the rules.
class TextQueryReader {
public:
  explicit TextQueryReader(std::string_view q) : m_q(q) {}

  std::vector<TextUnit> read() {
    while (m_pos < m_q.size()) {
      char c = m_q[m_pos];
      if (is_blank(c) || c == '(') {
        ++m_pos;
        m_at_start = true;
      } else if (c == '"') {
        phrase();
      } else if ((c == '-' || c == '!') && m_at_start) {
        ++m_pos;
        m_negate = true;
      } else if (is_text_word_char(c) || c == '*' || c == '?' || c == '\\') {
        term();
      } else {
        // + & | ) : / { } [ ] ^ ~ and the like: operators the sandbox does not model, or breaks.
        ++m_pos;
        m_at_start = c == '+' || c == '&' || c == '|';
      }
    }
    return std::move(m_units);
  }

private:
  // At '"': the phrase up to the next unescaped '"' (or the end).
  void phrase() {
    ++m_pos;
    TextUnit unit;
    unit.phrase = true;
    std::string word;
    auto flush = [&] {
      if (!word.empty()) unit.words.push_back(std::move(word));
      word.clear();
    };
    while (m_pos < m_q.size() && m_q[m_pos] != '"') {
      char c = m_q[m_pos];
      if (c == '\\' && m_pos + 1 < m_q.size()) {
        char e = m_q[m_pos + 1];
        if (is_text_word_char(e)) word += ascii_lower(e);
        else flush();
        m_pos += 2;
      } else {
        if (is_text_word_char(c)) word += ascii_lower(c);
        else flush();
        ++m_pos;
      }
    }
    flush();
    if (m_pos < m_q.size()) ++m_pos;  // the closing quote
    skip_modifiers();
    emit(std::move(unit));
  }

  // At a word character, a wildcard or a backslash: one term.
  void term() {
    std::string word;
    bool escaped = false;
    const std::size_t start = m_pos;
    while (m_pos < m_q.size()) {
      char c = m_q[m_pos];
      if (c == '\\') {
        if (m_pos + 1 >= m_q.size()) {
          ++m_pos;
          break;
        }
        char e = m_q[m_pos + 1];
        m_pos += 2;
        escaped = true;
        if (!is_text_word_char(e)) break;  // an escaped operator character is a word break
        word += ascii_lower(e);
      } else if (is_text_word_char(c) || c == '*' || c == '?') {
        word += ascii_lower(c);
        ++m_pos;
      } else {
        break;
      }
    }
    const std::string_view raw = m_q.substr(start, m_pos - start);
    skip_modifiers();
    if (!escaped) {
      // Only the upper-case spellings are operators; lower-case ones are plain words.
      if (raw == "AND" || raw == "OR") {
        m_at_start = true;
        return;
      }
      if (raw == "NOT") {
        m_negate = true;
        m_at_start = true;
        return;
      }
    }
    TextUnit unit;
    if (word.find_first_not_of("*?") != std::string::npos) unit.words.push_back(std::move(word));
    emit(std::move(unit));
  }

  // ~N (fuzzy, proximity) and ^N (boost) right after a term or a phrase.
  void skip_modifiers() {
    while (m_pos < m_q.size() && (m_q[m_pos] == '~' || m_q[m_pos] == '^')) {
      ++m_pos;
      while (m_pos < m_q.size() && ((m_q[m_pos] >= '0' && m_q[m_pos] <= '9') || m_q[m_pos] == '.')) ++m_pos;
    }
  }

  void emit(TextUnit unit) {
    unit.negated = m_negate;
    m_negate = false;
    m_at_start = false;
    if (unit.phrase || !unit.words.empty()) m_units.push_back(std::move(unit));
  }

  std::string_view m_q;            // the query
  std::size_t m_pos = 0;           // cursor
  bool m_at_start = true;          // at the start of a clause, where - and ! are operators
  bool m_negate = false;           // the next unit is excluded
  std::vector<TextUnit> m_units;   // the result
};

}  // namespace

bool is_text_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
}

std::vector<TextUnit> parse_text_query(std::string_view query) { return TextQueryReader(query).read(); }

std::vector<TextWord> text_words_of(std::string_view text) {
  std::vector<TextWord> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_text_word_char(text[i])) ++i;
    if (i >= text.size()) break;
    TextWord w;
    w.offset = i;
    while (i < text.size() && is_text_word_char(text[i])) w.word += ascii_lower(text[i++]);
    w.length = i - w.offset;
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace sandbox
