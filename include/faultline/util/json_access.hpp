// Tolerant readers for JSON from remote APIs: a missing key, a null or a value of another type
// reads as empty (or the fallback), never throws.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace faultline::json_access {

// Returned by array() / member() when the key is absent (constants, never modified).
inline const nlohmann::json k_empty_array = nlohmann::json::array();
inline const nlohmann::json k_null_json;

// j[key] as a string: strings as is, numbers printed, anything else "".
inline std::string text(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  if (it->is_number()) return it->dump();
  return {};
}

// j[key] as a bool, `fallback` when absent or not a bool.
inline bool flag(const nlohmann::json& j, std::string_view key, bool fallback = false) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

// A JSON number as an int, clamped to int's range: converting an out-of-range number
// (a "total" of 1e300 or 2^40 in an answer) directly would be undefined or wrap around.
inline int clamped_int(const nlohmann::json& value) {
  constexpr auto lowest = std::numeric_limits<int>::min();
  constexpr auto highest = std::numeric_limits<int>::max();
  if (value.is_number_unsigned()) {
    return static_cast<int>(std::min<std::uint64_t>(value.get<std::uint64_t>(), static_cast<std::uint64_t>(highest)));
  }
  if (value.is_number_integer()) return static_cast<int>(std::clamp<std::int64_t>(value.get<std::int64_t>(), lowest, highest));
  return static_cast<int>(std::clamp(value.get<double>(), static_cast<double>(lowest), static_cast<double>(highest)));
}

// j[key] as an int (clamped to int's range), `fallback` when absent or not a number.
inline int number(const nlohmann::json& j, std::string_view key, int fallback = 0) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? clamped_int(*it) : fallback;
}

// j[key] when it is an array, else an empty array.
inline const nlohmann::json& array(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return k_empty_array;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : k_empty_array;
}

// j[key] when it exists, else null.
inline const nlohmann::json& member(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return k_null_json;
  auto it = j.find(key);
  return it != j.end() ? *it : k_null_json;
}

// The strings of the array `value` (other elements and non-arrays give nothing).
inline std::vector<std::string> strings(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const auto& item : value)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

// `object` without its empty members ("", null, []): Mustache sections then skip them.
inline nlohmann::json without_empty(const nlohmann::json& object) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : object.items()) {
    if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) continue;
    if (value.is_array() && value.empty()) continue;
    out[name] = value;
  }
  return out;
}

}  // namespace faultline::json_access
