// Review pages as sections; the three-way merge that keeps what people wrote in Confluence;
// storage format back to Markdown for `review pull`.
#include <catch2/catch.hpp>

#include "faultline/core/page_sections.hpp"
#include "faultline/core/storage_text.hpp"
#include "faultline/core/text.hpp"

using namespace faultline::core;

namespace {

// A rendering: the facts (owned), two prose sections and the actions (owned).
std::string page(const std::string& summary, const std::string& cause, const std::string& actions = "<p>A-1</p>") {
  return "<p><em>Generated.</em></p><h2>1. Walkthrough</h2><h3>Summary</h3>" + summary +
         "<h3>Root cause</h3>" + cause + "<h2>3. Preventive measures</h2>" + actions;
}

const std::set<std::string> k_prose = {"summary", "root cause"};

}  // namespace

TEST_CASE("a page splits at its h1-h3 headings, and joins back to itself", "[page-sections]") {
  const auto text = page("<p>It broke.</p>", "<p>A push.</p>");
  const auto sections = split_page_sections(text);
  REQUIRE(sections.size() == 5);
  CHECK(sections[0].key.empty());
  CHECK(sections[1].key == "1. walkthrough");
  CHECK(sections[2].title == "Summary");
  CHECK(sections[2].content() == "<p>It broke.</p>");
  std::string joined;
  for (const auto& s : sections) joined += s.storage;
  CHECK(joined == text);
  // A heading inside a code macro's CDATA is text, and repeats get "#n".
  const auto code = split_page_sections("<h3>Notes</h3><ac:plain-text-body><![CDATA[<h3>not a heading</h3>]]></ac:plain-text-body>"
                                        "<h3>Notes</h3><p>x &amp; y</p>");
  REQUIRE(code.size() == 2);
  CHECK(code[1].key == "notes#2");
  // Layout whitespace does not change a hash; text does.
  CHECK(section_hash("<p>a</p>\n  <p>b</p>") == section_hash("<p>a</p><p>b</p>"));
  CHECK(section_hash("<p>a b</p>") != section_hash("<p>ab</p>"));
}

TEST_CASE("merge: the file's new text where people did not edit, theirs where only they did", "[page-sections]") {
  const auto last = page("<p>It broke.</p>", "<p>A push.</p>");
  const auto base = section_hashes(split_page_sections(last));
  // People rewrote the summary in Confluence; the file changed the root cause and an action.
  const auto current = page("<p>It broke <strong>badly</strong>.</p>", "<p>A push.</p>");
  const auto rendered = page("<p>It broke.</p>", "<p>A config push at 10:02.</p>", "<p>A-1, A-2</p>");
  const auto merged = merge_page(base, {}, current, rendered, k_prose);
  CHECK(merged.conflicts.empty());
  CHECK(merged.kept == std::vector<std::string>{"Summary"});
  CHECK(merged.storage == page("<p>It broke <strong>badly</strong>.</p>", "<p>A config push at 10:02.</p>", "<p>A-1, A-2</p>"));
}

TEST_CASE("merge: owned sections are regenerated even when people edited them", "[page-sections]") {
  const auto last = page("<p>S</p>", "<p>C</p>");
  const auto current = page("<p>S</p>", "<p>C</p>", "<p>A-1 (done, says Bob)</p>");
  const auto merged = merge_page(section_hashes(split_page_sections(last)), {}, current, last, k_prose);
  CHECK(merged.conflicts.empty());
  CHECK(merged.storage == last);
}

TEST_CASE("merge: a section both changed is a conflict with the three versions", "[page-sections]") {
  const auto last = page("<p>S</p>", "<p>A push.</p>");
  const auto base = section_hashes(split_page_sections(last));
  std::map<std::string, std::string> base_text;
  for (const auto& s : split_page_sections(last)) base_text[s.key] = s.storage;
  const auto current = page("<p>S</p>", "<p>A push by the deploy bot.</p>");
  const auto rendered = page("<p>S</p>", "<p>A config push.</p>");
  const auto merged = merge_page(base, base_text, current, rendered, k_prose);
  REQUIRE(merged.conflicts.size() == 1);
  const auto& c = merged.conflicts[0];
  CHECK(c.title == "Root cause");
  REQUIRE(c.base.has_value());
  CHECK(*c.base == "<p>A push.</p>");
  CHECK(c.current == "<p>A push by the deploy bot.</p>");
  CHECK(c.rendered == "<p>A config push.</p>");
  // The same edit in both places is no conflict.
  CHECK(merge_page(base, base_text, rendered, rendered, k_prose).conflicts.empty());
}

TEST_CASE("merge: sections people added stay where they put them; dropped rendered ones go", "[page-sections]") {
  const auto last = page("<p>S</p>", "<p>C</p>") + "<h2>5. Further notes</h2><h3>Extra</h3><p>E</p>";
  const auto base = section_hashes(split_page_sections(last));
  const auto current = page("<p>S</p><h3>Customer quotes</h3><p>\"Slow!\"</p>", "<p>C</p>") +
                       "<h2>5. Further notes</h2><h3>Extra</h3><p>E</p>";
  const auto rendered = page("<p>S</p>", "<p>C</p>");  // the file dropped its extra section
  const auto merged = merge_page(base, {}, current, rendered, {"summary", "root cause", "extra"});
  CHECK(merged.conflicts.empty());
  CHECK(merged.added == std::vector<std::string>{"Customer quotes"});
  CHECK(merged.storage == page("<p>S</p><h3>Customer quotes</h3><p>\"Slow!\"</p>", "<p>C</p>"));
}

TEST_CASE("storage back to Markdown: what markdown_to_storage writes comes back the same", "[storage-text]") {
  const std::string markdown =
      "A config push at **10:02** disabled the *connection pool*; see [the runbook](https://wiki.example.com/rb).\\\n"
      "Second line with `pool.max = 0` and ~~old~~ text.\n\n"
      "- first\n- second with **bold**\n  - nested\n\n"
      "1. one\n2. two\n\n"
      "> quoted words\n\n"
      "```yaml\npool:\n  max: 0\n```\n\n"
      "| metric | value |\n| --- | --- |\n| p99 | 2s |\n\n"
      "Literal *stars*, [brackets], a_b and 3 < 4 & 5 > 2.\n\n"
      "---\n\n"
      "#not a heading";
  const auto storage = markdown_to_storage(markdown);
  const auto back = storage_to_markdown(storage);
  INFO(back);
  CHECK(markdown_to_storage(back) == storage);
  CHECK(back.find("**10:02**") != std::string::npos);
  CHECK(back.find("[the runbook](https://wiki.example.com/rb)") != std::string::npos);
  CHECK(back.find("```yaml\npool:\n  max: 0\n```") != std::string::npos);
  CHECK(back.find("  - nested") != std::string::npos);
}

TEST_CASE("storage written by Confluence's editor reads as Markdown", "[storage-text]") {
  CHECK(storage_to_markdown("<p>It <b>broke</b>&nbsp;at&#160;10:02 &amp; recovered.</p><p>Next.</p>") ==
        "It **broke**\xc2\xa0" "at\xc2\xa0" "10:02 & recovered.\n\nNext.");
  CHECK(storage_to_markdown("<ul><li><p>loose item</p></li><li><p>another</p></li></ul>") == "- loose item\n- another");
  CHECK(storage_to_markdown("<ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>Note this.</p>"
                            "</ac:rich-text-body></ac:structured-macro>") == "Note this.");
  CHECK(storage_to_markdown("<p>status <ac:structured-macro ac:name=\"status\"><ac:parameter ac:name=\"title\">OK"
                            "</ac:parameter></ac:structured-macro> here</p>") == "status  here");
  CHECK(storage_plain_text("<h3>Root &amp; <em>cause</em>\n</h3>") == "Root & cause");
}
