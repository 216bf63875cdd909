// The limits Jira and Confluence put on the texts faultline sends (summary, labels, comments,
// descriptions, page titles), checked locally before any write, so a value the server would
// refuse stops the command with exit 2 instead of failing it half-way. Lengths are counted in
// characters as the products (Java) count them, never in bytes: one per character, two for a
// character beyond the Basic Multilingual Plane (an emoji). Pure.
//
// Sources: the Jira Cloud REST spec (specs/jira-cloud-v3.json) gives a text-area field at most
// 32767 characters (CustomFieldContextDefaultValueTextArea) and a single-line text field 255
// (...TextField); 32767 is also the default of Jira's jira.text.field.character.limit, which
// bounds comment bodies and the description. The Confluence REST v1 spec gives a page title
// maxLength 255 (ContentCreate.title). A summary of at most 255 characters on one line and a
// label without spaces of at most 255 are Jira's field validation ("Summary must be less than
// 255 characters.", "...contains newline characters", "The label '...' contains spaces which
// is invalid."), noted in reference/jira-confluence.md and widely reported by integrators.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/util/error.hpp"

namespace faultline::core {

// What a value becomes in Jira or Confluence; each has its own limit.
enum class JiraText {
  Summary,      // an issue summary: one line, 1 to 255 characters
  Label,        // an issue or page label: no whitespace, 1 to 255 characters
  Comment,      // a comment body: at most 32767 characters
  Description,  // an issue description or other multi-line text field: at most 32767 characters
  PageTitle,    // a Confluence page title: 1 to 255 characters
  TextField,    // a single-line text field (team, service, ...): at most 255 characters
  UserName,     // a user name, e-mail or account id looked up in Jira: at most 255 characters
};

// The longest summary, label, page title and single-line field Jira and Confluence accept.
inline constexpr std::size_t k_max_short_text_chars = 255;
// The longest comment or description (jira.text.field.character.limit's default).
inline constexpr std::size_t k_max_long_text_chars = 32767;

// The most characters `kind` may hold.
std::size_t max_characters(JiraText kind);

// How `kind` is named in messages: "a Jira summary", "a Confluence page title", ...
std::string_view describe(JiraText kind);

// The characters of `text` as Jira and Confluence count them (Java's String.length(): UTF-16
// code units): one per code point of the Basic Multilingual Plane (ASCII, accents, CJK), two
// per code point above U+FFFF (emoji); each invalid UTF-8 byte counts as one (U+FFFD).
std::size_t count_characters(std::string_view text);

// `text` when it has at most `max_chars` characters (count_characters), else as many of its
// first characters as fit with "…" after them, cut between code points: at most `max_chars`
// in all. For texts faultline composes itself (a page title around a summary).
std::string fit_characters(std::string_view text, std::size_t max_chars);

// What is wrong with `value` as a `kind`, or nullopt when Jira accepts it. Only the first 60
// characters of the value are quoted, so the text stays short whatever its size:
// "too long for a Jira summary (300 characters, at most 255): \"aaaa…\"".
std::optional<std::string> jira_text_problem(JiraText kind, std::string_view value);

// The same as a Result. Error: Usage "<where>: <problem>" with a hint saying how to fix it;
// `where` names the flag or field ("--title", "action[4].summary").
Result<void> check_jira_text(JiraText kind, std::string_view where, std::string_view value);

// One value to check: where it came from, what it becomes, the value.
struct JiraTextCheck {
  std::string_view where;
  JiraText kind;
  std::string_view value;
};

// Every value of `checks`. Error: Usage naming the first problem in the message and every
// problem in details, so one run shows them all.
Result<void> check_jira_texts(std::initializer_list<JiraTextCheck> checks);

}  // namespace faultline::core
