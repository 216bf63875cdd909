// Tests of the review file against Jira's limits: an action summary Jira would refuse is a
// problem of the file with its line (so publish stops before its first write), and a huge
// value is quoted shortened, never whole.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "faultline/core/review.hpp"

using namespace faultline::core;
using namespace date::literals;

namespace {

constexpr date::year_month_day k_limits_today = 2026_y / 11 / 25;

ReviewParse parse_for_limits(std::string_view text) {
  return parse_review(text, "reviews/FAULT-1.md", k_limits_today, date::locate_zone("Asia/Shanghai"));
}

// A review file whose actions have these summaries (action i, from 0: its header on line
// 2 + 5 * i, its summary on the next line).
std::string review_with_summaries(const std::vector<std::string>& summaries) {
  std::string text = "+++\n";
  for (const auto& summary : summaries)
    text += "[[action]]\nsummary = \"" + summary + "\"\nowner = \"alice\"\ndue = \"+7d\"\n\n";
  return text + "+++\n\n## Summary\n\nx\n";
}

}  // namespace

TEST_CASE("a review whose fourth action summary is 1 MB is a problem at its line, quoted short", "[review][jira_limits]") {
  const std::string huge(1048576, 's');
  const auto parsed = parse_for_limits(review_with_summaries({"One", "Two", "Three", huge, "Five"}));
  REQUIRE(parsed.problems.size() == 1);
  const auto line = to_string(parsed.problems.front());
  INFO(line.substr(0, 400));
  // The fourth [[action]] header is on line 17, its summary on line 18.
  CHECK(line.starts_with("reviews/FAULT-1.md:18: action[4].summary: too long for a Jira summary (1048576 characters, "
                         "at most 255): \"sss"));
  CHECK(line.size() < 400);
  // The error publish and render stop with is short too.
  const auto error = review_problems_error("reviews/FAULT-1.md", parsed.problems, "; nothing was published", "fix it");
  std::size_t size = error.message.size() + error.hint.size();
  for (const auto& detail : error.details) size += detail.size();
  CHECK(size < 600);
}

TEST_CASE("review file: summaries of 255 characters pass, 256 and line breaks do not", "[review][jira_limits]") {
  CHECK(parse_for_limits(review_with_summaries({std::string(255, 'a')})).problems.empty());
  // 255 three-byte characters (765 bytes) are 255 characters.
  std::string cjk;
  for (int i = 0; i < 255; ++i) cjk += "\u6545";
  CHECK(parse_for_limits(review_with_summaries({cjk})).problems.empty());
  const auto over = parse_for_limits(review_with_summaries({std::string(256, 'a')}));
  REQUIRE(over.problems.size() == 1);
  CHECK(over.problems.front().field == "action[1].summary");
  CHECK(over.problems.front().line == 3);
  const auto two_lines = parse_for_limits(review_with_summaries({"first\\nsecond"}));
  REQUIRE(two_lines.problems.size() == 1);
  CHECK(two_lines.problems.front().message.find("one line") != std::string::npos);
}

TEST_CASE("review file: owners and facts beyond Jira's limits are problems with their line", "[review][jira_limits]") {
  const std::string long_name(256, 'n');
  const std::string text = "+++\nteam = \"" + long_name + "\"\nowner = \"" + long_name +
                           "\"\n\n[[action]]\nsummary = \"Alert\"\nowner = \"" + long_name +
                           "\"\ndue = \"+7d\"\n+++\n\n## Summary\n\nx\n";
  const auto parsed = parse_for_limits(text);
  std::vector<std::string> lines;
  for (const auto& p : parsed.problems) lines.push_back(to_string(p));
  INFO(lines.size());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].starts_with("reviews/FAULT-1.md:2: team: too long for a Jira text field"));
  CHECK(lines[1].starts_with("reviews/FAULT-1.md:3: owner: too long for a Jira user"));
  CHECK(lines[2].starts_with("reviews/FAULT-1.md:7: action[1].owner: too long for a Jira user"));
}

TEST_CASE("review file: a huge unknown key or bad value is quoted shortened", "[review][jira_limits]") {
  const std::string huge(100000, 'k');
  const auto parsed = parse_for_limits("+++\n" + huge + " = \"x\"\nlevel = \"" + huge + "\"\n+++\n\n## Summary\n\nx\n");
  REQUIRE(parsed.problems.size() == 2);
  for (const auto& problem : parsed.problems) {
    const auto line = to_string(problem);
    INFO(line.substr(0, 300));
    CHECK(line.size() < 300);
    CHECK(line.find("(100000 characters)") != std::string::npos);
  }
}
