#include <catch2/catch.hpp>

#include "faultline/core/stats.hpp"

using namespace faultline::core;
using Catch::Matchers::Contains;

namespace {

// Whether a caution mentioning `text` is among the cautions.
bool has_caution(const Correlation& c, std::string_view text) {
  return std::any_of(c.cautions.begin(), c.cautions.end(),
                     [&](const std::string& caution) { return caution.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("percentile interpolates linearly between closest ranks (type 7)", "[stats][stats_math]") {
  const std::vector<double> values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  // h = (n - 1) p = 9 * 0.9 = 8.1: 9 + 0.1 * (10 - 9).
  CHECK(*percentile(values, 0.9) == Approx(9.1));
  CHECK(*percentile(values, 0.5) == Approx(5.5));
  CHECK(*percentile(values, 0.0) == 1.0);
  CHECK(*percentile(values, 1.0) == 10.0);
  const std::vector<double> one = {42};
  CHECK(*percentile(one, 0.9) == 42.0);
  CHECK_FALSE(percentile(std::span<const double>{}, 0.5));
}

TEST_CASE("percentile with ties stays on the tied value where the ranks are tied", "[stats][stats_math]") {
  // h = 4 * 0.9 = 3.6: between the 4th (10) and 5th (10) values -> 10; p50 is the 3rd (5).
  const std::vector<double> values = {5, 5, 5, 10, 10};
  CHECK(*percentile(values, 0.9) == 10.0);
  CHECK(*percentile(values, 0.5) == 5.0);
  // h = 5 * 0.9 = 4.5: halfway between the 5th (10) and 6th (20) values.
  const std::vector<double> mixed = {1, 10, 10, 10, 10, 20};
  CHECK(*percentile(mixed, 0.9) == Approx(15.0));
}

TEST_CASE("summarize_minutes: median of an odd count is the middle value", "[stats][stats_math]") {
  const auto s = summarize_minutes({30, 10, 20}, 0);
  CHECK(s.count == 3);
  CHECK(s.missing == 0);
  CHECK(*s.median == 20.0);
  CHECK(*s.mean == Approx(20.0));
  CHECK(*s.max == 30.0);
}

TEST_CASE("summarize_minutes: median of an even count averages the two middle values", "[stats][stats_math]") {
  const auto s = summarize_minutes({40, 10, 45, 100}, 2);
  CHECK(s.count == 4);
  CHECK(s.missing == 2);
  CHECK(*s.median == Approx(42.5));
  CHECK(*s.mean == Approx(48.75));
  // h = 3 * 0.9 = 2.7: 45 + 0.7 * (100 - 45) = 83.5.
  CHECK(*s.p90 == Approx(83.5));
  CHECK(*s.max == 100.0);
}

TEST_CASE("summarize_minutes of no values has no figures but keeps the missing count", "[stats][stats_math]") {
  const auto s = summarize_minutes({}, 3);
  CHECK(s.count == 0);
  CHECK(s.missing == 3);
  CHECK_FALSE(s.mean);
  CHECK_FALSE(s.median);
  CHECK_FALSE(s.p90);
  CHECK_FALSE(s.max);
}

TEST_CASE("correlate matches the published Pearson r and p of Anscombe's quartet, set I", "[stats][stats_math]") {
  const std::vector<double> x = {10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5};
  const std::vector<double> y = {8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68};
  const auto c = correlate(x, y);
  CHECK(c.n == 11);
  REQUIRE(c.pearson_r);
  CHECK(*c.pearson_r == Approx(0.816).margin(0.0005));
  REQUIRE(c.pearson_p);
  CHECK(*c.pearson_p == Approx(0.00217).epsilon(0.005));
  CHECK(c.cautions.empty());
}

TEST_CASE("correlate ranks ties by their average rank for Spearman's rho", "[stats][stats_math]") {
  // x = 1, 2, 2, 3, 5, 8  -> ranks 1, 2.5, 2.5, 4, 5, 6
  // y = 3, 3, 1, 4, 6, 5  -> ranks 2.5, 2.5, 1, 4, 6, 5
  // Both rank means are 3.5; deviations dx = -2.5, -1, -1, .5, 1.5, 2.5 and
  // dy = -1, -1, -2.5, .5, 2.5, 1.5; sum dx*dy = 2.5 + 1 + 2.5 + .25 + 3.75 + 3.75 = 13.75;
  // sum dx^2 = sum dy^2 = 17; rho = 13.75 / 17 = 0.80882.
  // t = rho * sqrt(4 / (1 - rho^2)) = 2.7509 with 4 degrees of freedom; with x = t /
  // sqrt(4 + t^2), the two-sided p = 1 - x (1 + (1 - x^2) / 2) = 0.05133.
  const std::vector<double> x = {1, 2, 2, 3, 5, 8};
  const std::vector<double> y = {3, 3, 1, 4, 6, 5};
  const auto c = correlate(x, y);
  REQUIRE(c.spearman_rho);
  CHECK(*c.spearman_rho == Approx(13.75 / 17.0));
  REQUIRE(c.spearman_p);
  CHECK(*c.spearman_p == Approx(0.05133).epsilon(0.001));
  CHECK(c.sentence == "no clear relation between releases and faults: ρ = 0.81, n = 6, p = 0.051");
}

TEST_CASE("correlate of perfectly related series has p = 0", "[stats][stats_math]") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> y = {2, 4, 6, 8, 10, 12, 14};
  const auto c = correlate(x, y);
  CHECK(*c.pearson_r == 1.0);
  CHECK(*c.pearson_p == 0.0);
  CHECK(*c.spearman_rho == 1.0);
  CHECK(*c.spearman_p == 0.0);
  CHECK(c.sentence == "more releases went with more faults: ρ = 1.00, n = 7, p < 0.001");
}

TEST_CASE("correlate says more releases went with fewer faults for a clear negative relation", "[stats][stats_math]") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const std::vector<double> y = {12, 11, 9, 10, 8, 7, 5, 6, 4, 3, 2, 1};
  const auto c = correlate(x, y);
  REQUIRE(c.spearman_rho);
  CHECK(*c.spearman_rho < -0.9);
  CHECK_THAT(c.sentence, Catch::StartsWith("more releases went with fewer faults: ρ = -0.9"));
  CHECK_THAT(c.sentence, Contains("n = 12, p < 0.001"));
}

TEST_CASE("correlate states the relation in words with rho to 2 decimals and p to 2 figures", "[stats][stats_math]") {
  // Ranks as given (no ties): rho = 1 - 6 sum d^2 / (n (n^2 - 1)) = 1 - 6 * 112 / 1716 = 0.6084,
  // p = 0.0358 (t = 2.426, 10 degrees of freedom).
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const std::vector<double> clear = {3, 1, 8, 6, 2, 5, 12, 4, 10, 9, 11, 7};
  const auto c = correlate(x, clear);
  REQUIRE(c.spearman_rho);
  CHECK(*c.spearman_rho == Approx(1.0 - 6.0 * 112.0 / 1716.0));
  CHECK(*c.spearman_p == Approx(0.0358).epsilon(0.002));
  CHECK(c.sentence == "more releases went with more faults: ρ = 0.61, n = 12, p = 0.036");
  // rho = 0.1818, p = 0.572: not a clear relation.
  const std::vector<double> unclear = {5, 9, 1, 12, 3, 7, 2, 11, 6, 4, 10, 8};
  const auto u = correlate(x, unclear);
  CHECK(u.sentence == "no clear relation between releases and faults: ρ = 0.18, n = 12, p = 0.57");
}

TEST_CASE("correlate has no coefficient for a constant series and says which", "[stats][stats_math]") {
  const std::vector<double> varying = {1, 2, 3, 4, 5, 6};
  const std::vector<double> constant = {4, 4, 4, 4, 4, 4};
  const auto releases_flat = correlate(constant, varying);
  CHECK(releases_flat.n == 6);
  CHECK_FALSE(releases_flat.pearson_r);
  CHECK_FALSE(releases_flat.pearson_p);
  CHECK_FALSE(releases_flat.spearman_rho);
  CHECK_FALSE(releases_flat.spearman_p);
  CHECK(has_caution(releases_flat, "releases are constant"));
  CHECK_FALSE(has_caution(releases_flat, "faults are constant"));
  CHECK_THAT(releases_flat.sentence, Contains("no correlation: releases are constant"));
  const auto faults_flat = correlate(varying, constant);
  CHECK(has_caution(faults_flat, "faults are constant"));
  CHECK_THAT(faults_flat.sentence, Contains("no correlation: faults are constant"));
  const auto both = correlate(constant, constant);
  CHECK(has_caution(both, "releases are constant"));
  CHECK(has_caution(both, "faults are constant"));
  CHECK_THAT(both.sentence, Contains("both constant"));
}

TEST_CASE("correlate cautions that fewer than 6 periods are too few to trust", "[stats][stats_math]") {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  const std::vector<double> y = {1, 3, 2, 5, 4};
  const auto c = correlate(x, y);
  CHECK(c.n == 5);
  CHECK(c.spearman_rho);
  CHECK(has_caution(c, "n < 6"));
  CHECK_THAT(c.sentence, Contains("too few periods to trust"));
  const std::vector<double> x6 = {1, 2, 3, 4, 5, 6};
  const std::vector<double> y6 = {1, 3, 2, 5, 4, 6};
  CHECK_FALSE(has_caution(correlate(x6, y6), "n < 6"));
}

TEST_CASE("correlate needs at least 3 pairs", "[stats][stats_math]") {
  const std::vector<double> x = {1, 2};
  const std::vector<double> y = {2, 1};
  const auto c = correlate(x, y);
  CHECK(c.n == 2);
  CHECK_FALSE(c.pearson_r);
  CHECK_FALSE(c.spearman_rho);
  CHECK(has_caution(c, "n < 3"));
  CHECK(c.sentence == "no correlation: 2 periods, at least 3 needed");
  CHECK(correlate({}, {}).sentence == "no correlation: 0 periods, at least 3 needed");
}

TEST_CASE("correlate of series of different lengths compares the common prefix and says so", "[stats][stats_math]") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> y = {1, 2, 3, 4, 5, 6};
  const auto c = correlate(x, y);
  CHECK(c.n == 6);
  CHECK(has_caution(c, "differ in length"));
  CHECK(*c.pearson_r == Approx(1.0));
}
