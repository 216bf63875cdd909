// The Lucene query text of JQL and CQL ~ clauses: terms, phrases, wildcards, prefix operators
// and escapes, read as Lucene's query parser and analyser would.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "text_query.hpp"

namespace {

using sandbox::parse_text_query;
using sandbox::TextUnit;

// "word" for a term, "\"a b\"" for a phrase, a leading '-' when negated.
std::vector<std::string> shown(const std::string& query) {
  std::vector<std::string> out;
  for (const TextUnit& u : parse_text_query(query)) {
    std::string s = u.negated ? "-" : "";
    if (u.phrase) s += "\"";
    for (std::size_t i = 0; i < u.words.size(); ++i) s += (i > 0 ? " " : "") + u.words[i];
    if (u.phrase) s += "\"";
    out.push_back(s);
  }
  return out;
}

using Units = std::vector<std::string>;

}  // namespace

TEST_CASE("text query: terms are lower-cased words, wildcards kept", "[sandbox][text_query]") {
  CHECK(shown("Disk FULL") == Units{"disk", "full"});
  CHECK(shown("data* post?ortem") == Units{"data*", "post?ortem"});
  CHECK(shown("eu-west") == Units{"eu", "west"});
  CHECK(shown("  ") == Units{});
  CHECK(shown("*") == Units{});
  CHECK(shown("caf\xC3\xA9") == Units{"caf\xC3\xA9"});
}

TEST_CASE("text query: quoted phrases keep their words in order", "[sandbox][text_query]") {
  CHECK(shown("\"disk full\"") == Units{"\"disk full\""});
  CHECK(shown("outage \"disk full\" eu") == Units{"outage", "\"disk full\"", "eu"});
  CHECK(shown("\"disk full") == Units{"\"disk full\""});  // unterminated: to the end
  CHECK(shown("\"disk full\"~3 x^2") == Units{"\"disk full\"", "x"});
  CHECK(shown("\"*\"") == Units{"\"\""});  // no words: kept, matches nothing
}

TEST_CASE("text query: operators outside phrases", "[sandbox][text_query]") {
  CHECK(shown("disk -full") == Units{"disk", "-full"});
  CHECK(shown("disk !full") == Units{"disk", "-full"});
  CHECK(shown("disk NOT full") == Units{"disk", "-full"});
  CHECK(shown("disk AND full OR cpu") == Units{"disk", "full", "cpu"});
  CHECK(shown("disk and full or not") == Units{"disk", "and", "full", "or", "not"});
  CHECK(shown("+disk && (full || cpu)") == Units{"disk", "full", "cpu"});
  CHECK(shown("-\"disk full\"") == Units{"-\"disk full\""});
  CHECK(shown("title:disk") == Units{"title", "disk"});
}

TEST_CASE("text query: inside a phrase every operator character is a word break", "[sandbox][text_query]") {
  CHECK(shown("\"disk + - && || ! ( ) { } [ ] ^ ~ * ? : / full\"") == Units{"\"disk full\""});
  CHECK(shown("\"disk AND OR NOT full\"") == Units{"\"disk and or not full\""});
  CHECK(shown("\"-disk full\"") == Units{"\"disk full\""});
  CHECK(shown("\"disk* full?\"") == Units{"\"disk full\""});
}

TEST_CASE("text query: backslash escapes are literal", "[sandbox][text_query]") {
  CHECK(shown("\"say \\\"hi\\\" now\"") == Units{"\"say hi now\""});
  CHECK(shown("\"back\\\\slash\"") == Units{"\"back slash\""});
  CHECK(shown("\\-disk") == Units{"disk"});
  CHECK(shown("disk\\*") == Units{"disk"});
  CHECK(shown("disk\\:full") == Units{"disk", "full"});
  CHECK(shown("\\NOT disk") == Units{"not", "disk"});
  CHECK(shown("ab\\c") == Units{"abc"});
  CHECK(shown("trailing\\") == Units{"trailing"});
}

TEST_CASE("text query: words of searched text carry their offsets", "[sandbox][text_query]") {
  auto words = sandbox::text_words_of("Disk  full, eu-west");
  REQUIRE(words.size() == 4);
  CHECK(words[0].word == "disk");
  CHECK(words[0].offset == 0);
  CHECK(words[1].word == "full");
  CHECK(words[1].offset == 6);
  CHECK(words[1].length == 4);
  CHECK(words[3].word == "west");
  CHECK(words[3].offset == 15);
}
