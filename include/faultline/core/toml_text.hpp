// TOML as text: quoting values faultline writes (config from `init`, review front matter) and
// naming node types in the messages of the readers that parse them. Include only where toml++
// is already needed.
#pragma once

#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace faultline::core {

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_quote(std::string_view text);

// "a string", "an array", … for "expected X, found Y" messages.
const char* toml_type_name(const toml::node& node);

}  // namespace faultline::core
