// The value of a text-search clause (JQL `summary ~ "..."`, CQL `text ~ "..."`) as Lucene's
// classic query parser reads it, shared by the JQL and CQL evaluators: terms, "quoted phrases",
// wildcards, the prefix operators - ! + and NOT, and backslash escapes.
//
// What the sandbox makes of it (each evaluator then applies its own analyser: stop words,
// stemming):
// - Unquoted words are terms that must all occur (AND OR && || between them are dropped, as the
//   sandbox does not model OR); * and ? inside a term are wildcards.
// - A "quoted phrase" needs its words adjacent and in order. Inside it every character other
//   than a letter or a digit is a word break, as the analyser drops it: * ? : / ( ) { } [ ] ^ ~
//   + - ! && || and the words AND OR NOT have no operator meaning there.
// - A backslash makes the next character literal: a letter or digit stays part of the word,
//   anything else (\" \\ \* \- \:) is a word break, never an operator or a wildcard.
// - A leading - or ! or the word NOT before a term or phrase excludes it; + is the default.
// - ~N and ^N right after a term or phrase (fuzzy, proximity, boost) are ignored.
// - An unterminated phrase runs to the end of the text; a phrase without words ("*", "-")
//   matches nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

// One unit of a text query: a term or a phrase.
struct TextUnit {
  std::vector<std::string> words;  // ASCII-lower-cased; a term has exactly one (may hold * ?), a phrase any number
  bool phrase = false;             // the words must occur adjacent and in this order
  bool negated = false;            // the unit must not occur (- ! NOT)
};

// Parses the value of a ~ clause. Never fails: whatever is not a word is a word break. Terms
// without words (a lone * or -) are left out; phrases without words are kept (they match
// nothing).
std::vector<TextUnit> parse_text_query(std::string_view query);

// True for the characters that make up words, in queries and in searched text alike: ASCII
// letters and digits and every byte of a multi-byte UTF-8 sequence.
bool is_text_word_char(char c);

// The ASCII-lower-cased words of searched text, in order, with the byte offset each starts at.
struct TextWord {
  std::string word;        // lower-cased
  std::size_t offset = 0;  // where it starts in the text
  std::size_t length = 0;  // its length in the text, in bytes
};
std::vector<TextWord> text_words_of(std::string_view text);

}  // namespace sandbox
