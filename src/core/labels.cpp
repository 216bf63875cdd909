#include "faultline/core/labels.hpp"

#include <array>

namespace faultline::core {

namespace {

constexpr std::uint64_t k_fnv_offset_basis = 0xcbf29ce484222325ULL;
constexpr std::uint64_t k_fnv_prime = 0x100000001b3ULL;

// Drops trailing '-' left by a cut.
void trim_trailing_dashes(std::string& text) {
  while (!text.empty() && text.back() == '-') text.pop_back();
}

}  // namespace

std::string label_slug(std::string_view text) {
  std::string out;
  out.reserve(text.size() < k_max_label_length ? text.size() : k_max_label_length);
  bool pending_dash = false;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    char mapped = '\0';
    if (u >= 'A' && u <= 'Z') {
      mapped = static_cast<char>(u - 'A' + 'a');
    } else if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')) {
      mapped = c;
    }
    if (mapped == '\0') {
      pending_dash = !out.empty();
      continue;
    }
    if (pending_dash) {
      if (out.size() + 1 >= k_max_label_length) break;
      out.push_back('-');
      pending_dash = false;
    }
    if (out.size() >= k_max_label_length) break;
    out.push_back(mapped);
  }
  trim_trailing_dashes(out);
  return out;
}

std::uint64_t fnv1a_64(std::string_view text) {
  std::uint64_t hash = k_fnv_offset_basis;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= k_fnv_prime;
  }
  return hash;
}

std::string hex16(std::uint64_t value) {
  constexpr std::array<char, 16> k_digits = {'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out(16, '0');
  for (std::size_t i = 0; i < 16; ++i) {
    out[15 - i] = k_digits[value & 0xF];
    value >>= 4;
  }
  return out;
}

std::string dedupe_label(std::string_view dedupe_key) {
  if (dedupe_key.empty()) return {};
  return std::string(k_dedupe_label_prefix) + hex16(fnv1a_64(dedupe_key));
}

std::string prefixed_label(std::string_view prefix, std::string_view value) {
  const std::string slug = label_slug(value);
  if (slug.empty()) return {};
  std::string out(prefix);
  out += slug;
  if (out.size() > k_max_label_length) {
    out.resize(k_max_label_length);
    trim_trailing_dashes(out);
  }
  return out;
}

bool is_fact_marker(std::string_view label) {
  for (const auto prefix : {k_level_label_prefix, k_source_label_prefix, k_type_label_prefix,
                            k_dedupe_label_prefix}) {
    if (label.size() > prefix.size() && label.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

bool is_valid_label(std::string_view label) {
  if (label.empty() || label.size() > k_max_label_length) return false;
  for (const char c : label) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return false;
  }
  return true;
}

}  // namespace faultline::core
