// `review pull`'s file rewrite: only the replaced sections change, front matter and the other
// sections stay byte for byte, sections people added are appended.
#include <catch2/catch.hpp>

#include <date/tz.h>

#include "faultline/app/review_pull.hpp"

namespace {

const std::string k_file =
    "+++\nlevel = \"P2\"\n\n[[action]]\nid = \"a-1\"\nsummary = \"Alert\"\nowner = \"alice\"\ndue = \"2030-01-01\"\n+++\n\n"
    "## Summary\n\nIt broke.\n\n## Root cause\n\nA push.\n\n```\n## not a heading\n```\n\n## What went well\n\n  Rollback  took 4 minutes.\n";

}  // namespace

TEST_CASE("rewrite_review_sections replaces one section's body and leaves the rest as written", "[app][review][pull]") {
  const auto parsed = faultline::core::parse_review(k_file, "review.md", date::year_month_day{date::year{2026} / 12 / 4},
                                                    date::locate_zone("UTC"));
  REQUIRE(parsed.doc.sections.size() == 3);
  const auto next = faultline::app::rewrite_review_sections(k_file, parsed.doc, {{"Root cause", "A *config* push."}},
                                                            {{"Customer quotes", "Checkout is slow!"}});
  CHECK(next ==
        "+++\nlevel = \"P2\"\n\n[[action]]\nid = \"a-1\"\nsummary = \"Alert\"\nowner = \"alice\"\ndue = \"2030-01-01\"\n+++\n\n"
        "## Summary\n\nIt broke.\n\n## Root cause\n\nA *config* push.\n\n## What went well\n\n  Rollback  took 4 minutes.\n\n"
        "## Customer quotes\n\nCheckout is slow!\n");
  // Nothing to replace: the text comes back as it was.
  CHECK(faultline::app::rewrite_review_sections(k_file, parsed.doc, {}, {}) == k_file);
  // An emptied section keeps its heading.
  const auto emptied = faultline::app::rewrite_review_sections(k_file, parsed.doc, {{"Summary", ""}}, {});
  CHECK(emptied.find("## Summary\n\n## Root cause") != std::string::npos);
}
