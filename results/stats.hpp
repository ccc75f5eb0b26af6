// fieldkiosk::results statistics — intervals for a share, a mean and a change, and the effective sample size.
//
// Index:
//   Interval            a 95 % interval (fractions for shares, the variable's units for means)
//   wilson_interval     Wilson score interval for O successes of n (OHID Fingertips "Proportions")
//   t_quantile          Student's t quantile (for a mean's interval)
//   MeanEstimate        mean_with_interval(): mean, standard deviation, 95 % interval with t on n - 1
//   DifferenceEstimate  newcombe_difference(): p1 - p2 with Newcombe's hybrid-score interval (method 10, 1998)
//   kish_effective_n    (Σw)² / Σw²
//
// Every interval here assumes random sampling. Kiosk respondents select themselves, so every caller shows
// these as "interval (assumes random sampling)", never as a margin of error (docs/results.md).
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace fieldkiosk::results {

inline constexpr double k_z95 = 1.959963984540054;  // the standard normal's 97.5th percentile

struct Interval {
    double low = 0.0, high = 0.0;
};

// Wilson score interval, as fractions in [0, 1]. Works at 0 and n successes. Precondition: 0 <= successes <= n,
// n > 0 (asserted); non-integer arguments are allowed (a weighted share uses O = p_w · n_eff, n = n_eff).
[[nodiscard]] Interval wilson_interval(double successes, double n, double z = k_z95);

// The q-quantile of Student's t with `df` degrees of freedom (df >= 1, 0 < q < 1), to about 1e-10.
[[nodiscard]] double t_quantile(double q, double df);

struct MeanEstimate {
    std::size_t n = 0;
    double mean = 0.0, sd = 0.0;
    std::optional<Interval> interval;  // needs n >= 2
};
// Mean of `values` with the 95 % interval mean ± t(0.975, n-1) · sd / √n. n = 0: mean 0 and no interval.
[[nodiscard]] MeanEstimate mean_with_interval(std::span<const double> values);
// The same from running sums (n, Σx, Σx²), as a streaming tabulation keeps them.
[[nodiscard]] MeanEstimate mean_from_sums(std::size_t n, double sum, double sum_sq);

struct DifferenceEstimate {
    double difference = 0.0;  // p1 - p2, a fraction
    Interval interval;        // Newcombe's hybrid score interval for it
    // false when the interval spans 0: say "no change detected", never "went up" or "went down".
    [[nodiscard]] bool change_detected() const { return interval.low > 0.0 || interval.high < 0.0; }
};
// p1 = x1/n1 (e.g. this quarter) minus p2 = x2/n2 (the same quarter a year earlier). Preconditions: n1, n2 > 0.
[[nodiscard]] DifferenceEstimate newcombe_difference(double x1, double n1, double x2, double n2, double z = k_z95);

// Kish's effective sample size of a weighted group: (Σw)² / Σw²; 0 when Σw² is 0.
[[nodiscard]] double kish_effective_n(double sum_w, double sum_w_sq);
[[nodiscard]] double kish_effective_n(std::span<const double> weights);

}  // namespace fieldkiosk::results
