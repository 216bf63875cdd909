// Fuzz target: the review-file parser (core::parse_review), the whole input as the file.
// Properties: parsing never crashes; every problem names a line inside the file; a file read
// without problems is written back (core::write_review) as a file that reads again without
// problems, with the same actions and sections.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "faultline/core/review.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline::core;
  static const date::time_zone* zone = date::locate_zone("Asia/Shanghai");
  constexpr date::year_month_day today{date::year{2026}, date::month{11}, date::day{25}};
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const ReviewParse parsed = parse_review(text, "fuzz.md", today, zone);
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const auto& problem : parsed.problems) {
    if (problem.line < 0 || problem.line > lines || problem.message.empty()) std::abort();
  }
  if (!parsed.problems.empty()) return 0;

  const std::string written = write_review(parsed.doc, zone);
  const ReviewParse again = parse_review(written, "fuzz.md", today, zone);
  if (!again.problems.empty()) std::abort();
  if (again.doc.actions.size() != parsed.doc.actions.size()) std::abort();
  if (again.doc.sections.size() != parsed.doc.sections.size()) std::abort();
  for (std::size_t i = 0; i < parsed.doc.actions.size(); ++i) {
    if (again.doc.actions[i].id != parsed.doc.actions[i].id ||
        again.doc.actions[i].summary != parsed.doc.actions[i].summary) {
      std::abort();
    }
  }
  return 0;
}
