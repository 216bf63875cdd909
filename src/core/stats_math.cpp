// Descriptive statistics of durations and the correlation between two series (Pearson and
// Spearman with Student's t p-values). Pure.
#include "faultline/core/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>

namespace faultline::core {

namespace {

// Below this p-value a relation is called clear (the conventional 5 % level).
constexpr double k_significance = 0.05;
// Fewer periods than this get the "too few to trust" caution.
constexpr std::size_t k_trusted_n = 6;

double mean_of(std::span<const double> values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

bool is_constant(std::span<const double> values) {
  return std::adjacent_find(values.begin(), values.end(), std::not_equal_to<>{}) == values.end();
}

// Pearson's r of two non-constant series of equal length (at least 2).
double pearson_of(std::span<const double> x, std::span<const double> y) {
  const double mx = mean_of(x);
  const double my = mean_of(y);
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  // Rounding may carry |r| a hair past 1 for perfectly related series.
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

// The two-sided p-value of a correlation coefficient r over n >= 3 pairs:
// t = r * sqrt((n - 2) / (1 - r^2)) against Student's t with n - 2 degrees of freedom.
double two_sided_p(double r, std::size_t n) {
  if (std::abs(r) >= 1.0) return 0.0;
  const double dof = static_cast<double>(n - 2);
  const double t = r * std::sqrt(dof / (1.0 - r * r));
  const boost::math::students_t distribution(dof);
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(distribution, std::abs(t))));
}

// Ranks 1..n in value order; tied values share the average of the ranks they span.
std::vector<double> average_ranks(std::span<const double> values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  std::size_t i = 0;
  while (i < order.size()) {
    std::size_t j = i + 1;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    // Positions i..j-1 hold ranks i+1..j, whose average is (i + 1 + j) / 2.
    const double rank = static_cast<double>(i + 1 + j) / 2.0;
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

// "0.71", "-0.35"; never "-0.00".
std::string format_coefficient(double value) {
  auto text = fmt::format("{:.2f}", value);
  if (text == "-0.00") text = "0.00";
  return text;
}

// "p < 0.001", "p = 0.009", "p = 0.049", "p = 0.71": two significant digits, at most three
// decimals.
std::string format_p(double p) {
  if (p < 0.001) return "p < 0.001";
  if (p < 0.1) return fmt::format("p = {:.3f}", p);
  return fmt::format("p = {:.2f}", p);
}

// The plain-language line for a correlation whose coefficients are defined.
std::string correlation_sentence(double rho, double p, std::size_t n) {
  const auto figures = fmt::format("ρ = {}, n = {}, {}", format_coefficient(rho), n, format_p(p));
  std::string sentence;
  if (p >= k_significance || rho == 0.0) {
    sentence = "no clear relation between releases and faults: " + figures;
  } else if (rho > 0.0) {
    sentence = "more releases went with more faults: " + figures;
  } else {
    sentence = "more releases went with fewer faults: " + figures;
  }
  if (n < k_trusted_n) sentence += " (too few periods to trust)";
  return sentence;
}

// The line saying why there is no coefficient.
std::string undefined_sentence(std::size_t n, bool releases_constant, bool faults_constant) {
  if (n < 3) return fmt::format("no correlation: {} period{}, at least 3 needed", n, n == 1 ? "" : "s");
  if (releases_constant && faults_constant) return "no correlation: releases and faults are both constant";
  if (releases_constant) return "no correlation: releases are constant (the same number every period)";
  return "no correlation: faults are constant (the same number every period)";
}

}  // namespace

std::optional<double> percentile(std::span<const double> sorted, double p) {
  if (sorted.empty() || std::isnan(p)) return std::nullopt;
  // Type 7: h = (n - 1) p, then interpolate between the values at floor(h) and floor(h) + 1.
  const double h = static_cast<double>(sorted.size() - 1) * std::clamp(p, 0.0, 1.0);
  const auto low = static_cast<std::size_t>(std::floor(h));
  const auto high = std::min(low + 1, sorted.size() - 1);
  return sorted[low] + (h - static_cast<double>(low)) * (sorted[high] - sorted[low]);
}

DurationSummary summarize_minutes(std::vector<double> minutes, std::size_t missing) {
  DurationSummary summary;
  summary.count = minutes.size();
  summary.missing = missing;
  if (minutes.empty()) return summary;
  std::sort(minutes.begin(), minutes.end());
  summary.mean = mean_of(minutes);
  summary.median = percentile(minutes, 0.5);  // type 7 at 0.5: the middle two averaged
  summary.p90 = percentile(minutes, 0.9);
  summary.max = minutes.back();
  return summary;
}

Correlation correlate(std::span<const double> releases, std::span<const double> faults) {
  Correlation result;
  result.n = std::min(releases.size(), faults.size());
  if (releases.size() != faults.size()) {
    result.cautions.push_back(fmt::format("the series differ in length: only the first {} pairs compared", result.n));
  }
  const auto x = releases.first(result.n);
  const auto y = faults.first(result.n);
  if (result.n < 3) {
    result.cautions.push_back("n < 3: too few periods for a correlation");
    result.sentence = undefined_sentence(result.n, false, false);
    return result;
  }
  if (result.n < k_trusted_n) result.cautions.push_back("n < 6: too few periods to trust");
  const bool releases_constant = is_constant(x);
  const bool faults_constant = is_constant(y);
  if (releases_constant) result.cautions.push_back("releases are constant");
  if (faults_constant) result.cautions.push_back("faults are constant");
  if (releases_constant || faults_constant) {
    result.sentence = undefined_sentence(result.n, releases_constant, faults_constant);
    return result;
  }
  result.pearson_r = pearson_of(x, y);
  result.pearson_p = two_sided_p(*result.pearson_r, result.n);
  const auto x_ranks = average_ranks(x);
  const auto y_ranks = average_ranks(y);
  result.spearman_rho = pearson_of(x_ranks, y_ranks);
  result.spearman_p = two_sided_p(*result.spearman_rho, result.n);
  result.sentence = correlation_sentence(*result.spearman_rho, *result.spearman_p, result.n);
  return result;
}

}  // namespace faultline::core
