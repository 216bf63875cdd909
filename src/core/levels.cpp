#include "faultline/core/levels.hpp"
#include "faultline/util/strings.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace faultline::core {

namespace {

constexpr std::string_view k_condition_form = "expected 'metric op number' (op: >=, >, <=, <, ==, !=), e.g. 'scope >= 30'";

bool is_metric_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_metric_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The comparison operator at the start of `text` and its length, longest first.
std::optional<std::pair<Comparison, std::size_t>> read_operator(std::string_view text) {
  struct Spelling {
    std::string_view text;
    Comparison op;
  };
  constexpr Spelling k_spellings[] = {
      {">=", Comparison::GreaterEqual}, {"<=", Comparison::LessEqual}, {"==", Comparison::Equal},
      {"!=", Comparison::NotEqual},     {">", Comparison::Greater},    {"<", Comparison::Less},
      {"=", Comparison::Equal},
  };
  for (const auto& spelling : k_spellings) {
    if (text.starts_with(spelling.text)) return std::pair{spelling.op, spelling.text.size()};
  }
  return std::nullopt;
}

bool holds(const Condition& condition, double value) {
  switch (condition.op) {
    case Comparison::Less: return value < condition.threshold;
    case Comparison::LessEqual: return value <= condition.threshold;
    case Comparison::Greater: return value > condition.threshold;
    case Comparison::GreaterEqual: return value >= condition.threshold;
    case Comparison::Equal: return value == condition.threshold;
    case Comparison::NotEqual: return value != condition.threshold;
  }
  return false;
}

// "scope >= 30 (scope = 42)", or nullopt when the metric is missing or the condition fails.
std::optional<std::string> check(const Condition& condition, const std::map<std::string, double>& metrics) {
  auto found = metrics.find(condition.metric);
  if (found == metrics.end() || !holds(condition, found->second)) return std::nullopt;
  return fmt::format("{} ({} = {})", condition.text, condition.metric, found->second);
}

}  // namespace

std::expected<Condition, std::string> parse_condition(std::string_view text) {
  std::string_view rest = trim(text);
  if (rest.empty()) return std::unexpected(fmt::format("empty condition; {}", k_condition_form));
  if (!is_metric_start(rest.front())) {
    return std::unexpected(fmt::format("'{}' does not start with a metric name; {}", text, k_condition_form));
  }
  std::size_t metric_end = 0;
  while (metric_end < rest.size() && is_metric_char(rest[metric_end])) ++metric_end;
  Condition condition;
  condition.metric = std::string(rest.substr(0, metric_end));
  rest = trim(rest.substr(metric_end));

  auto op = read_operator(rest);
  if (!op) return std::unexpected(fmt::format("'{}' has no comparison after '{}'; {}", text, condition.metric, k_condition_form));
  condition.op = op->first;
  rest = trim(rest.substr(op->second));

  if (rest.empty()) return std::unexpected(fmt::format("'{}' has no number to compare with; {}", text, k_condition_form));
  const char* first = rest.data();
  const char* last = rest.data() + rest.size();
  if (*first == '+') ++first;  // from_chars does not take a leading '+'
  auto [end, error] = std::from_chars(first, last, condition.threshold);
  if (error != std::errc{} || end != last || !std::isfinite(condition.threshold)) {
    return std::unexpected(fmt::format("'{}': '{}' is not a number; {}", text, rest, k_condition_form));
  }
  condition.text = std::string(trim(text));
  return condition;
}

Classification classify(const LevelRules& rules, const std::map<std::string, double>& metrics) {
  for (const auto& rule : rules.rules) {
    std::vector<std::string> reasons;
    bool matched = false;
    if (rule.combine == Combine::Any) {
      for (const auto& condition : rule.conditions) {
        if (auto reason = check(condition, metrics)) {
          reasons.push_back(std::move(*reason));
          matched = true;
          break;
        }
      }
    } else {
      matched = !rule.conditions.empty();
      for (const auto& condition : rule.conditions) {
        auto reason = check(condition, metrics);
        if (!reason) {
          matched = false;
          break;
        }
        reasons.push_back(std::move(*reason));
      }
    }
    if (matched) {
      return Classification{rule.level, fmt::format("{}: {}", rule.level, fmt::join(reasons, " and ")), rule};
    }
  }
  return Classification{rules.fallback_level, fmt::format("{}: no rule matched", rules.fallback_level), std::nullopt};
}

bool is_valid_level(std::string_view level) {
  return level.size() == 2 && level[0] == 'P' && level[1] >= '1' && level[1] <= '4';
}

}  // namespace faultline::core
