// Jira's and Confluence's text limits, checked before any write (see jira_limits.hpp).
#include "faultline/core/jira_limits.hpp"

#include <fmt/format.h>

#include "faultline/core/utf8.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::core {

namespace {

// How many characters of a value a message quotes.
constexpr std::size_t k_quoted_chars = 60;

// How many UTF-16 code units (Java chars) `cp` takes.
std::size_t utf16_units(char32_t cp) { return cp > 0xFFFF ? 2 : 1; }

// `value` quoted in a problem: its first characters on one line, "…" when cut.
std::string quote_shortened(std::string_view value) {
  std::string shown = fit_characters(value, k_quoted_chars + 1);
  for (char& c : shown)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return "\"" + shown + "\"";
}

bool must_not_be_empty(JiraText kind) {
  return kind == JiraText::Summary || kind == JiraText::Label || kind == JiraText::PageTitle;
}

bool has_line_break(std::string_view value) { return value.find_first_of("\r\n") != std::string_view::npos; }

// Any ASCII whitespace or control byte (a label is one word).
bool has_space_or_control(std::string_view value) {
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return true;
  }
  return false;
}

std::string_view fix_hint(JiraText kind) {
  switch (kind) {
    case JiraText::Summary: return "shorten it to one line of at most 255 characters; details belong in the description";
    case JiraText::Label: return "use one word of at most 255 characters (letters, digits, '-', '_')";
    case JiraText::Comment:
    case JiraText::Description: return "shorten it to at most 32767 characters, or link to the long text instead";
    case JiraText::PageTitle: return "shorten it to at most 255 characters";
    case JiraText::TextField: return "shorten it to at most 255 characters";
    case JiraText::UserName: return "give a user name, e-mail or account id (at most 255 characters)";
  }
  return "shorten it";
}

}  // namespace

std::size_t max_characters(JiraText kind) {
  return kind == JiraText::Comment || kind == JiraText::Description ? k_max_long_text_chars : k_max_short_text_chars;
}

std::string_view describe(JiraText kind) {
  switch (kind) {
    case JiraText::Summary: return "a Jira summary";
    case JiraText::Label: return "a Jira label";
    case JiraText::Comment: return "a Jira comment";
    case JiraText::Description: return "a Jira description";
    case JiraText::PageTitle: return "a Confluence page title";
    case JiraText::TextField: return "a Jira text field";
    case JiraText::UserName: return "a Jira user";
  }
  return "a Jira text";
}

std::size_t count_characters(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size();) count += utf16_units(next_code_point(text, pos));
  return count;
}

std::string fit_characters(std::string_view text, std::size_t max_chars) {
  if (count_characters(text) <= max_chars) return std::string(text);
  if (max_chars == 0) return {};
  std::size_t end = 0;  // bytes kept
  std::size_t kept = 0;  // characters kept; the ellipsis takes one more
  while (end < text.size()) {
    std::size_t next = end;
    const std::size_t units = utf16_units(next_code_point(text, next));
    if (kept + units + 1 > max_chars) break;
    kept += units;
    end = next;
  }
  return std::string(text.substr(0, end)) + "\u2026";
}

std::optional<std::string> jira_text_problem(JiraText kind, std::string_view value) {
  if (must_not_be_empty(kind) && trim(value).empty()) return fmt::format("empty: {} needs some text", describe(kind));
  const std::size_t limit = max_characters(kind);
  if (const auto count = count_characters(value); count > limit)
    return fmt::format("too long for {} ({} characters, at most {}): {}", describe(kind), count, limit,
                       quote_shortened(value));
  if (kind == JiraText::Summary && has_line_break(value))
    return fmt::format("{} must be one line, without line breaks: {}", describe(kind), quote_shortened(value));
  if (kind == JiraText::Label && has_space_or_control(value))
    return fmt::format("{} cannot contain spaces or control characters: {}", describe(kind), quote_shortened(value));
  return std::nullopt;
}

Result<void> check_jira_text(JiraText kind, std::string_view where, std::string_view value) {
  return check_jira_texts({{where, kind, value}});
}

Result<void> check_jira_texts(std::initializer_list<JiraTextCheck> checks) {
  Error error{ErrorKind::Usage, "", "", 0, {}};
  for (const auto& check : checks) {
    auto problem = jira_text_problem(check.kind, check.value);
    if (!problem) continue;
    std::string line = fmt::format("{}: {}", check.where, *problem);
    if (error.message.empty()) {
      error.message = line;
      error.hint = std::string(fix_hint(check.kind)) + "; nothing was sent";
    }
    error.details.push_back(std::move(line));
  }
  if (error.message.empty()) return {};
  if (error.details.size() == 1) error.details.clear();  // the message says it all
  return std::unexpected(std::move(error));
}

}  // namespace faultline::core
