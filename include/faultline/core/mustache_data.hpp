// The bridge from the JSON data model to kainjow::mustache, shared by the chat message
// templates (notify) and the review report templates (report): JSON values as Mustache data,
// and kainjow's error positions as template lines. Pure.
#pragma once

#include <string>
#include <string_view>

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

namespace faultline::core {

// How "" behaves in a section ({{#key}}...{{/key}}).
enum class EmptyString {
  Text,   // a string like any other: the section renders
  Falsy,  // like false and null: the section is skipped
};

// JSON as Mustache data: objects, lists, strings and booleans as themselves, numbers as their
// shortest text, null as false (so sections skip it).
kainjow::mustache::data to_mustache(const nlohmann::json& value, EmptyString empty = EmptyString::Text);

// The 1-based line of byte `offset` in `text` (clamped to the end).
int line_of_offset(std::string_view text, std::size_t offset);

// The template line kainjow's error names ("Unclosed section "x" at 42" -> the line of byte
// 42 in `template_text`); 0 when the message gives no position.
int mustache_error_line(std::string_view message, std::string_view template_text);

// kainjow's message without its " at <offset>" suffix (the caller names the line instead).
std::string mustache_error_text(std::string message);

}  // namespace faultline::core
