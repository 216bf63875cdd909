#include <catch2/catch.hpp>

#include "faultline/core/levels.hpp"

using namespace faultline::core;

TEST_CASE("parse_condition reads metric, operator and number", "[levels]") {
  struct Row {
    const char* text;
    const char* metric;
    Comparison op;
    double threshold;
  };
  const Row rows[] = {
      {"scope >= 30", "scope", Comparison::GreaterEqual, 30},
      {"duration>60", "duration", Comparison::Greater, 60},
      {"  orders_lost <= 1000 ", "orders_lost", Comparison::LessEqual, 1000},
      {"x < 0.5", "x", Comparison::Less, 0.5},
      {"regions == 2", "regions", Comparison::Equal, 2},
      {"regions = 2", "regions", Comparison::Equal, 2},
      {"regions != 2", "regions", Comparison::NotEqual, 2},
      {"delta >= -3", "delta", Comparison::GreaterEqual, -3},
      {"delta >= +3", "delta", Comparison::GreaterEqual, 3},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    auto condition = parse_condition(row.text);
    REQUIRE(condition.has_value());
    CHECK(condition->metric == row.metric);
    CHECK(condition->op == row.op);
    CHECK(condition->threshold == Approx(row.threshold));
  }
  CHECK(parse_condition("  scope >= 30 ")->text == "scope >= 30");
}

TEST_CASE("parse_condition rejects malformed text with a reason", "[levels]") {
  const char* bad[] = {"", "   ", ">= 30", "scope", "scope >=", "scope >= abc", "scope >= 30 minutes",
                       "30 >= scope", "scope => 30", "scope >= inf"};
  for (const char* text : bad) {
    INFO(text);
    auto condition = parse_condition(text);
    REQUIRE_FALSE(condition.has_value());
    CHECK_THAT(condition.error(), Catch::Contains("scope >= 30"));  // shows the accepted form
  }
}

namespace {

LevelRules retail_rules() {
  LevelRules rules;
  rules.rules.push_back({"P1", Combine::All, {*parse_condition("scope >= 30"), *parse_condition("duration >= 60")}});
  rules.rules.push_back({"P2", Combine::Any, {*parse_condition("scope >= 10"), *parse_condition("duration >= 120")}});
  rules.rules.push_back({"P3", Combine::Any, {*parse_condition("scope > 0")}});
  rules.fallback_level = "P4";
  return rules;
}

}  // namespace

TEST_CASE("classify picks the first matching rule and explains it", "[levels]") {
  struct Row {
    std::map<std::string, double> metrics;
    const char* level;
    const char* explanation;
  };
  const std::vector<Row> rows = {
      {{{"scope", 40}, {"duration", 90}}, "P1", "P1: scope >= 30 (scope = 40) and duration >= 60 (duration = 90)"},
      {{{"scope", 40}, {"duration", 30}}, "P2", "P2: scope >= 10 (scope = 40)"},
      {{{"scope", 1}, {"duration", 200}}, "P2", "P2: duration >= 120 (duration = 200)"},
      {{{"scope", 1}}, "P3", "P3: scope > 0 (scope = 1)"},
      {{{"scope", 0}, {"duration", 5}}, "P4", "P4: no rule matched"},
      {{}, "P4", "P4: no rule matched"},
      {{{"duration", 500}}, "P2", "P2: duration >= 120 (duration = 500)"},  // missing scope never matches
  };
  const LevelRules rules = retail_rules();
  for (const auto& row : rows) {
    auto result = classify(rules, row.metrics);
    INFO(row.explanation);
    CHECK(result.level == row.level);
    CHECK(result.explanation == row.explanation);
    CHECK(result.matched.has_value() == (std::string(row.level) != "P4"));
  }
}

TEST_CASE("classify with no rules uses the fallback", "[levels]") {
  LevelRules rules;
  rules.fallback_level = "P3";
  CHECK(classify(rules, {{"scope", 100}}).level == "P3");
  LevelRules empty_all;
  empty_all.rules.push_back({"P1", Combine::All, {}});
  CHECK(classify(empty_all, {{"scope", 100}}).level == "P4");  // an all-rule without conditions never matches
}

TEST_CASE("is_valid_level accepts P1 to P4 only", "[levels]") {
  for (const char* level : {"P1", "P2", "P3", "P4"}) CHECK(is_valid_level(level));
  for (const char* level : {"", "P0", "P5", "p1", "P", "P10", "1"}) CHECK_FALSE(is_valid_level(level));
}
