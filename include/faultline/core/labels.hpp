// Label-safe markers for fault issues. Jira labels cannot contain spaces, so every fact that
// plain JQL must find (level, source, type, dedupe key) becomes a lower-case slug label.
// Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::core {

// The longest label Jira accepts.
inline constexpr std::size_t k_max_label_length = 255;

// The marker every fault issue carries.
inline constexpr std::string_view k_fault_label = "fault";

// The marker every review action sub-task carries.
inline constexpr std::string_view k_action_label = "fault-action";

// Prefixes of the per-fact marker families.
inline constexpr std::string_view k_level_label_prefix = "fault-level-";
inline constexpr std::string_view k_source_label_prefix = "fault-source-";
inline constexpr std::string_view k_type_label_prefix = "fault-type-";
inline constexpr std::string_view k_dedupe_label_prefix = "fault-dedupe-";

// `text` as a label slug: ASCII letters lower-cased, digits kept, every other byte (spaces,
// punctuation, non-ASCII UTF-8, control bytes) becomes '-', runs of '-' collapse to one,
// leading and trailing '-' are trimmed, and the result is cut to k_max_label_length bytes.
// "Database / Redis Outage" -> "database-redis-outage". Empty when nothing is left.
std::string label_slug(std::string_view text);

// The 64-bit FNV-1a hash of the bytes of `text` (stable across platforms and runs).
std::uint64_t fnv1a_64(std::string_view text);

// `value` as 16 lower-case hex digits, zero-padded.
std::string hex16(std::uint64_t value);

// "fault-dedupe-" + hex16(fnv1a_64(dedupe_key)); empty when the key is empty.
std::string dedupe_label(std::string_view dedupe_key);

// `prefix` + label_slug(value), cut to k_max_label_length; empty when the slug is empty.
// prefixed_label("fault-level-", "P1") == "fault-level-p1".
std::string prefixed_label(std::string_view prefix, std::string_view value);

// Whether `label` is one of faultline's per-fact markers (level, source, type, dedupe).
bool is_fact_marker(std::string_view label);

// Whether `label` can be used as a Jira label as it is: non-empty, at most
// k_max_label_length bytes, no whitespace or control bytes.
bool is_valid_label(std::string_view label);

}  // namespace faultline::core
