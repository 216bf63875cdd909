// `review pull KEY FILE`: brings the prose edited in Confluence back into the review file, so
// the file in git stays the source of truth. Each section of the file whose page section says
// something else (compared as Markdown, core::storage_to_markdown) gets the page's text;
// sections people added to the page (in neither the file nor faultline's last rendering) are
// appended to the file. Front matter, actions and untouched sections stay byte for byte.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/core/review.hpp"
#include "faultline/util/error.hpp"

namespace faultline::app {

class Services;

struct PullOptions {
  std::string key;
  std::string file;
};

struct PullOutcome {
  std::string page_url;
  int page_version = 0;
  std::vector<std::string> updated;  // section titles whose text came from the page
  std::vector<std::string> added;    // sections appended from the page
  bool written = false;              // false: the file already said what the page says

  // {"page":{"url","version"},"updated":[...],"added":[...],"written":bool}.
  nlohmann::json to_json() const;
};

// `text` with the section bodies of `replaced` (title -> Markdown; titles as in `doc`, whose
// lines it was parsed from) replaced and the `added` sections (title, Markdown) appended.
// Other lines stay as they are; the text ends with one line break. Pure.
std::string rewrite_review_sections(std::string_view text, const core::ReviewDoc& doc,
                                    const std::vector<std::pair<std::string, std::string>>& replaced,
                                    const std::vector<std::pair<std::string, std::string>>& added);

// Reads the fault's review page (the recorded one, else by title) and rewrites `options.file`
// atomically (not with --dry-run). Error: Usage for an unreadable file or one with section
// problems; NotFound when the fault has no review page yet; the clients' errors.
Result<PullOutcome> pull_review(Services& services, const PullOptions& options);

}  // namespace faultline::app
