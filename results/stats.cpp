#include "results/stats.hpp"

#include <cassert>
#include <cmath>
#include <numeric>

namespace fieldkiosk::results {

Interval wilson_interval(double successes, double n, double z) {
    assert(n > 0.0 && successes >= 0.0 && successes <= n && "wilson_interval: need 0 <= successes <= n and n > 0");
    const double q = 1.0 - successes / n;
    const double z2 = z * z;
    const double root = z * std::sqrt(z2 + 4.0 * successes * q);
    const double denom = 2.0 * (n + z2);
    Interval i{(2.0 * successes + z2 - root) / denom, (2.0 * successes + z2 + root) / denom};
    // Rounding can leave -1e-17 at O = 0 or 1 + 1e-16 at O = n: the true bounds are 0 and 1 there.
    i.low = std::max(0.0, i.low);
    i.high = std::min(1.0, i.high);
    return i;
}

namespace {

// Continued fraction for the regularised incomplete beta function (modified Lentz's method).
double beta_continued_fraction(double a, double b, double x) {
    constexpr double k_tiny = 1e-300, k_eps = 1e-15;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (std::fabs(d) < k_tiny) d = k_tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 500; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < k_tiny) d = k_tiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < k_tiny) c = k_tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + aa * d;
        if (std::fabs(d) < k_tiny) d = k_tiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < k_tiny) c = k_tiny;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1.0) < k_eps) break;
    }
    return h;
}

double regularized_beta(double a, double b, double x) {
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
    return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

// P(T <= t) for Student's t with df degrees of freedom.
double t_cdf(double t, double df) {
    const double tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t * t));
    return t >= 0.0 ? 1.0 - tail : tail;
}

}  // namespace

double t_quantile(double q, double df) {
    assert(df >= 1.0 && q > 0.0 && q < 1.0 && "t_quantile: need df >= 1 and 0 < q < 1");
    if (q == 0.5) return 0.0;
    if (q < 0.5) return -t_quantile(1.0 - q, df);
    double lo = 0.0, hi = 1.0;
    while (t_cdf(hi, df) < q) hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * (1.0 + hi); ++i) {
        const double mid = 0.5 * (lo + hi);
        (t_cdf(mid, df) < q ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

MeanEstimate mean_from_sums(std::size_t n, double sum, double sum_sq) {
    MeanEstimate e;
    e.n = n;
    if (n == 0) return e;
    e.mean = sum / static_cast<double>(n);
    if (n < 2) return e;
    const double var = std::max(0.0, (sum_sq - sum * e.mean) / static_cast<double>(n - 1));
    e.sd = std::sqrt(var);
    const double half = t_quantile(0.975, static_cast<double>(n - 1)) * e.sd / std::sqrt(static_cast<double>(n));
    e.interval = Interval{e.mean - half, e.mean + half};
    return e;
}

MeanEstimate mean_with_interval(std::span<const double> values) {
    // Two passes: the centred sum of squares does not lose digits the way Σx² - n·mean² can.
    MeanEstimate e;
    e.n = values.size();
    if (values.empty()) return e;
    e.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    if (values.size() < 2) return e;
    double ss = 0.0;
    for (double v : values) ss += (v - e.mean) * (v - e.mean);
    e.sd = std::sqrt(ss / static_cast<double>(values.size() - 1));
    const double half =
        t_quantile(0.975, static_cast<double>(values.size() - 1)) * e.sd / std::sqrt(static_cast<double>(values.size()));
    e.interval = Interval{e.mean - half, e.mean + half};
    return e;
}

DifferenceEstimate newcombe_difference(double x1, double n1, double x2, double n2, double z) {
    const double p1 = x1 / n1, p2 = x2 / n2;
    const Interval w1 = wilson_interval(x1, n1, z), w2 = wilson_interval(x2, n2, z);
    DifferenceEstimate d;
    d.difference = p1 - p2;
    d.interval.low = d.difference - std::sqrt((p1 - w1.low) * (p1 - w1.low) + (w2.high - p2) * (w2.high - p2));
    d.interval.high = d.difference + std::sqrt((w1.high - p1) * (w1.high - p1) + (p2 - w2.low) * (p2 - w2.low));
    return d;
}

double kish_effective_n(double sum_w, double sum_w_sq) { return sum_w_sq > 0.0 ? sum_w * sum_w / sum_w_sq : 0.0; }

double kish_effective_n(std::span<const double> weights) {
    double s = 0.0, s2 = 0.0;
    for (double w : weights) {
        s += w;
        s2 += w * w;
    }
    return kish_effective_n(s, s2);
}

}  // namespace fieldkiosk::results
