// Small pieces shared by the Jira emulation: Jira's date-time format, Atlassian Document
// Format <-> plain text, and Jira's error body.
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "service.hpp"

namespace sandbox {

// Formats a time point as Jira does: "2026-11-25T10:00:00.000+0000" (UTC, offset without colon).
std::string format_jira_time(std::chrono::system_clock::time_point tp);

// Parses an ISO 8601 date-time: with "Z", "+hhmm" or "+hh:mm" offset (none means UTC), with
// or without seconds and milliseconds. Error: a message naming the text.
std::expected<std::chrono::system_clock::time_point, std::string> parse_iso_time(
    std::string_view text);

// True if `text` is a calendar date "YYYY-MM-DD".
bool is_iso_date(std::string_view text);

// The minimal ADF document holding `text` (paragraphs split on blank lines).
nlohmann::json adf_from_text(std::string_view text);

// The plain text of an ADF document (blocks separated by newlines); strings pass through.
std::string text_from_adf(const nlohmann::json& doc);

// True if `value` looks like an ADF document ({"type":"doc","version":1,"content":[...]}).
bool is_adf_document(const nlohmann::json& value);

// Jira's ErrorCollection answer: {"errorMessages":[...],"errors":{...}}.
SbResponse jira_error(int status, const std::vector<std::string>& messages,
                      const nlohmann::json& errors = nlohmann::json::object());

// Lower-cases ASCII letters.
std::string to_lower(std::string_view text);

// Splits `text` on `separator`, trimming spaces and dropping empty parts.
std::vector<std::string> split_list(std::string_view text, char separator);

// A 200 answer holding `page` (a JSON object) with an "issues" member made of `issues` (each
// one issue's JSON text).
SbResponse page_with_issues(const nlohmann::json& page, const std::vector<std::string>& issues);

// All values of a query parameter, repeated (?a=1&a=2) and comma-separated (?a=1,2) alike.
std::vector<std::string> list_param(const SbRequest& request, const std::string& name);

}  // namespace sandbox
