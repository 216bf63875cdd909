#include "faultline/core/mustache_data.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

namespace faultline::core {

namespace {

using kainjow::mustache::data;

std::string number_text(const nlohmann::json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  std::ostringstream out;
  out << value.get<double>();
  return out.str();
}

// The offset after kainjow's " at " suffix, or nullopt when the message ends otherwise.
std::optional<std::size_t> error_offset(std::string_view message) {
  const auto at = message.rfind(" at ");
  if (at == std::string_view::npos || at + 4 >= message.size()) return std::nullopt;
  std::size_t offset = 0;
  for (char c : message.substr(at + 4)) {
    if (c < '0' || c > '9') return std::nullopt;
    offset = offset * 10 + static_cast<std::size_t>(c - '0');
  }
  return offset;
}

}  // namespace

data to_mustache(const nlohmann::json& value, EmptyString empty) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      data object{data::type::object};
      for (const auto& [key, item] : value.items()) object.set(key, to_mustache(item, empty));
      return object;
    }
    case nlohmann::json::value_t::array: {
      data list{data::type::list};
      for (const auto& item : value) list.push_back(to_mustache(item, empty));
      return list;
    }
    case nlohmann::json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (text.empty() && empty == EmptyString::Falsy) return data{false};
      return data{text};
    }
    case nlohmann::json::value_t::boolean: return data{value.get<bool>()};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return data{number_text(value)};
    default: return data{false};
  }
}

int line_of_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

int mustache_error_line(std::string_view message, std::string_view template_text) {
  const auto offset = error_offset(message);
  return offset ? line_of_offset(template_text, *offset) : 0;
}

std::string mustache_error_text(std::string message) {
  if (error_offset(message)) message.resize(message.rfind(" at "));
  return message;
}

}  // namespace faultline::core
