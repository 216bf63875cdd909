// `review pull`: the page's prose back into the review file.
#include "faultline/app/review_pull.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "faultline/app/fault_session.hpp"
#include "faultline/app/review_publisher.hpp"
#include "faultline/app/services.hpp"
#include "faultline/config/config.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/core/page_sections.hpp"
#include "faultline/core/storage_text.hpp"
#include "faultline/core/text.hpp"
#include "faultline/core/time.hpp"
#include "faultline/jira/client.hpp"
#include "faultline/util/files.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::app {

namespace {

// What the template writes for a section without text: not an edit to bring back.
constexpr std::string_view k_not_written = "*Not written.*";

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string section_block(const std::string& heading_line, const std::string& markdown) {
  std::string out = heading_line + "\n\n";
  if (!markdown.empty()) out += markdown + "\n\n";
  return out;
}

}  // namespace

nlohmann::json PullOutcome::to_json() const {
  return {{"page", {{"url", page_url}, {"version", page_version}}},
          {"updated", updated},
          {"added", added},
          {"written", written}};
}

std::string rewrite_review_sections(std::string_view text, const core::ReviewDoc& doc,
                                    const std::vector<std::pair<std::string, std::string>>& replaced,
                                    const std::vector<std::pair<std::string, std::string>>& added) {
  const auto lines = split_lines(text);
  std::map<std::string, std::string> by_title(replaced.begin(), replaced.end());
  std::string out;
  // Lines up to the first section heading (front matter) as they are.
  const std::size_t first = doc.sections.empty() ? lines.size() : static_cast<std::size_t>(doc.sections.front().line - 1);
  for (std::size_t i = 0; i < first && i < lines.size(); ++i) out += std::string(lines[i]) + "\n";
  for (std::size_t s = 0; s < doc.sections.size(); ++s) {
    const auto& section = doc.sections[s];
    const auto begin = static_cast<std::size_t>(section.line - 1);
    const auto end = s + 1 < doc.sections.size() ? static_cast<std::size_t>(doc.sections[s + 1].line - 1) : lines.size();
    const auto it = by_title.find(section.title);
    if (it == by_title.end()) {
      for (std::size_t i = begin; i < end && i < lines.size(); ++i) out += std::string(lines[i]) + "\n";
      continue;
    }
    out += section_block(std::string(lines[begin]), it->second);
  }
  for (const auto& [title, markdown] : added) {
    if (!out.empty() && !out.ends_with("\n\n")) out += "\n";
    out += section_block("## " + title, markdown);
  }
  while (out.ends_with("\n\n")) out.pop_back();
  return out;
}

Result<PullOutcome> pull_review(Services& services, const PullOptions& options) {
  FAULTLINE_TRY(text, read_review_file(options.file));
  FAULTLINE_TRY(session, open_fault_session(services));
  const auto today = core::local_date(services.clock().now(), session->zone);
  auto parsed = core::parse_review(*text, options.file, today, session->zone);
  std::vector<core::ReviewProblem> section_problems;
  for (const auto& p : parsed.problems)
    if (p.field == "sections") section_problems.push_back(p);
  if (!section_problems.empty())
    return std::unexpected(core::review_problems_error(options.file, section_problems, "nothing was pulled", {}));

  FAULTLINE_TRY(conf, services.confluence());
  auto& confluence = **conf;
  const auto& space = session->config->confluence.space;
  auto stored = session->jira->property(options.key, k_review_property);
  if (!stored && stored.error().kind != ErrorKind::NotFound) return std::unexpected(stored.error());
  const auto record = stored ? ReviewRecord::from_json(*stored) : ReviewRecord{};
  std::optional<confluence::Page> page;
  if (!record.page_id.empty()) {
    auto found = confluence.get_page(record.page_id, space);
    if (found) page = std::move(*found);
    else if (found.error().kind != ErrorKind::NotFound) return std::unexpected(found.error());
  }
  if (!page) {
    FAULTLINE_TRY(fault, session->repository->get(options.key));
    FAULTLINE_TRY(found, confluence.find_page(space, review_page_title(fault->key, fault->summary)));
    if (*found) page = std::move(**found);
  }
  if (!page)
    return fail(ErrorKind::NotFound, fmt::format("{} has no review page in Confluence yet", options.key),
                fmt::format("publish it first: faultline review publish {} {}", options.key, options.file));

  PullOutcome outcome;
  outcome.page_url = page->web_url;
  outcome.page_version = page->version;
  std::map<std::string, const core::PageSection*> on_page;
  const auto sections = core::split_page_sections(page->body_storage);
  for (const auto& s : sections) on_page.emplace(s.key, &s);
  std::vector<std::pair<std::string, std::string>> replaced, added;
  std::set<std::string> in_file;
  for (const auto& section : parsed.doc.sections) {
    const auto key = core::section_key(core::storage_plain_text(core::escape_storage(section.title)));
    in_file.insert(key);
    const auto it = on_page.find(key);
    if (it == on_page.end()) continue;
    auto markdown = core::storage_to_markdown(it->second->content());
    if (markdown == k_not_written) markdown.clear();
    // Compared as the page would show them: Markdown spelled differently but rendering the
    // same is no edit.
    if (core::markdown_to_storage(markdown) == core::markdown_to_storage(section.markdown)) continue;
    replaced.emplace_back(section.title, markdown);
    outcome.updated.push_back(section.title);
  }
  // Sections people added to the page: in neither the file nor faultline's last rendering.
  if (!record.sections.empty()) {
    for (const auto& s : sections) {
      if (s.key.empty() || in_file.contains(s.key) || record.sections.contains(s.key)) continue;
      added.emplace_back(s.title, core::storage_to_markdown(s.content()));
      outcome.added.push_back(s.title);
    }
  }
  if (replaced.empty() && added.empty()) return outcome;
  const auto next = rewrite_review_sections(*text, parsed.doc, replaced, added);
  if (!services.dry_run()) {
    if (auto written = write_file_atomically(options.file, next); !written) return std::unexpected(written.error());
    outcome.written = true;
  }
  return outcome;
}

}  // namespace faultline::app
