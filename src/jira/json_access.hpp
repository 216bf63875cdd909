// The JSON readers and string helpers the Jira resource files use, under short names.
#pragma once

#include <string>
#include <string_view>

#include "faultline/util/json_access.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::jira::detail {

using json_access::array;
using json_access::flag;
using json_access::k_empty_array;
using json_access::member;
using json_access::number;
using json_access::text;
using faultline::iequals;
using faultline::join;
using faultline::lower;

}  // namespace faultline::jira::detail
