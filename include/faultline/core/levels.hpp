// Fault levels (P1..P4) decided by rules per business unit. Pure: parsing of one condition
// and classification; the config loader validates whole rule sets at load time.
#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::core {

enum class Comparison { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };

// One condition on a named metric: "scope >= 30", "duration > 60", "orders_lost >= 1000".
struct Condition {
  std::string metric;
  Comparison op = Comparison::GreaterEqual;
  double threshold = 0;
  std::string text;  // as written, for explanations
};

enum class Combine { Any, All };

// The rule for one level: its conditions, combined with any/all.
struct LevelRule {
  std::string level;  // "P1".."P4"
  Combine combine = Combine::Any;
  std::vector<Condition> conditions;
};

// A business unit's rules, most severe first; the first rule that matches decides.
struct LevelRules {
  std::vector<LevelRule> rules;
  std::string fallback_level = "P4";  // when no rule matches
};

// Parses "metric op number". On error, says what is wrong with the text.
std::expected<Condition, std::string> parse_condition(std::string_view text);

struct Classification {
  std::string level;
  std::string explanation;  // "P2: scope >= 10 (scope = 12)" or "P4: no rule matched"
  std::optional<LevelRule> matched;
};

// Picks the level for the given metrics. A condition on a metric that was not given does
// not match.
Classification classify(const LevelRules& rules, const std::map<std::string, double>& metrics);

// True for "P1".."P4".
bool is_valid_level(std::string_view level);

}  // namespace faultline::core
