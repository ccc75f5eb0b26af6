// Statistics against published worked values (OHID Fingertips "Proportions"; Newcombe 1998 table II; t tables).
#include "results/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace fieldkiosk::results {
namespace {

void expect_wilson(double o, double n, double low_pct, double high_pct) {
    const auto i = wilson_interval(o, n);
    EXPECT_NEAR(100 * i.low, low_pct, 0.005) << o << "/" << n;
    EXPECT_NEAR(100 * i.high, high_pct, 0.005) << o << "/" << n;
}

TEST(Wilson, MatchesPublishedWorkedValues) {
    expect_wilson(3, 20, 5.24, 36.04);
    expect_wilson(12, 50, 14.30, 37.41);
    expect_wilson(0, 10, 0.00, 27.75);
}

TEST(Wilson, AllSuccessesMirrorsNone) {
    const auto none = wilson_interval(0, 10), all = wilson_interval(10, 10);
    EXPECT_DOUBLE_EQ(all.high, 1.0);
    EXPECT_NEAR(all.low, 1.0 - none.high, 1e-12);
    EXPECT_GE(none.low, 0.0);
}

TEST(Wilson, HalfWidthAtFiftyPercentShrinksAsInTheReference) {
    // indicators.md §2: n=10 ±26.3, 100 ±9.6, 400 ±4.9 points at p = 50 %.
    for (const auto& [n, half] : std::vector<std::pair<double, double>>{{10, 26.3}, {100, 9.6}, {400, 4.9}}) {
        const auto i = wilson_interval(n / 2, n);
        EXPECT_NEAR(100 * (i.high - i.low) / 2, half, 0.05) << n;
    }
}

TEST(TQuantile, MatchesTables) {
    EXPECT_NEAR(t_quantile(0.975, 1), 12.7062, 1e-4);
    EXPECT_NEAR(t_quantile(0.975, 9), 2.2622, 1e-4);
    EXPECT_NEAR(t_quantile(0.975, 29), 2.0452, 1e-4);
    EXPECT_NEAR(t_quantile(0.975, 1e6), 1.95997, 1e-4);
    EXPECT_NEAR(t_quantile(0.025, 9), -2.2622, 1e-4);
}

TEST(Mean, IntervalUsesTWithNMinusOne) {
    const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // mean 5.5, sd √(82.5/9) = 3.02765
    const auto e = mean_with_interval(v);
    EXPECT_DOUBLE_EQ(e.mean, 5.5);
    EXPECT_NEAR(e.sd, 3.02765, 1e-5);
    ASSERT_TRUE(e.interval);
    const double half = 2.26216 * 3.02765 / std::sqrt(10.0);  // t(0.975, 9) = 2.26216
    EXPECT_NEAR(e.interval->low, 5.5 - half, 1e-4);
    EXPECT_NEAR(e.interval->high, 5.5 + half, 1e-4);
    const auto s = mean_from_sums(10, 55, 385);
    EXPECT_NEAR(s.interval->low, e.interval->low, 1e-9);
}

TEST(Mean, OneValueHasNoInterval) {
    const std::vector<double> v{7};
    EXPECT_FALSE(mean_with_interval(v).interval);
    EXPECT_EQ(mean_with_interval({}).n, 0u);
}

TEST(Newcombe, MatchesNewcombe1998Examples) {
    // Newcombe (1998), Statistics in Medicine 17:873, table II, method 10: 56/70 - 48/80 -> 0.0524 to 0.3339.
    const auto d = newcombe_difference(56, 70, 48, 80);
    EXPECT_NEAR(d.difference, 0.2, 1e-12);
    EXPECT_NEAR(d.interval.low, 0.0524, 5e-4);
    EXPECT_NEAR(d.interval.high, 0.3339, 5e-4);
    EXPECT_TRUE(d.change_detected());
    // 9/10 - 3/10 -> 0.1705 to 0.8090.
    const auto e = newcombe_difference(9, 10, 3, 10);
    EXPECT_NEAR(e.interval.low, 0.1705, 5e-4);
    EXPECT_NEAR(e.interval.high, 0.8090, 5e-4);
}

TEST(Newcombe, SpanningZeroIsNoChangeDetected) {
    const auto d = newcombe_difference(30, 100, 25, 100);
    EXPECT_LT(d.interval.low, 0.0);
    EXPECT_GT(d.interval.high, 0.0);
    EXPECT_FALSE(d.change_detected());
}

TEST(Kish, EqualWeightsKeepNUnequalShrinkIt) {
    const std::vector<double> equal(50, 2.0);
    EXPECT_NEAR(kish_effective_n(equal), 50.0, 1e-9);
    const std::vector<double> unequal{1, 1, 1, 3};  // (6)^2 / 12 = 3
    EXPECT_NEAR(kish_effective_n(unequal), 3.0, 1e-12);
    EXPECT_EQ(kish_effective_n(0, 0), 0.0);
}

}  // namespace
}  // namespace fieldkiosk::results
