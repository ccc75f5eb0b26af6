#include "results/raking.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace fieldkiosk::results {
namespace {

constexpr std::string_view k_totals =
    "variable,category,total\n"
    "ward,a,600\nward,b,400\n"
    "age_band,young,300\nage_band,old,700\n";

TEST(Raking, ParsesTheCouncilCsv) {
    auto t = parse_population_totals(k_totals, "totals.csv");
    ASSERT_TRUE(t) << t.error();
    ASSERT_EQ(t->margins.size(), 2u);
    EXPECT_EQ(t->find("age_band")->totals[1], 700);
}

TEST(Raking, BadCsvNamesFileLineAndColumn) {
    auto a = parse_population_totals("variable,category,total\nward,a,-3\n", "t.csv");
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error(), "t.csv:2: column 'total' is '-3': it must be a positive number of people");
    auto b = parse_population_totals("ward,cat,total\n", "t.csv");
    ASSERT_FALSE(b);
    EXPECT_NE(b.error().find("t.csv:1: the first line must be the header"), std::string::npos);
    auto c = parse_population_totals("variable,category,total\nward,a,1\nward,a,2\n", "t.csv");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("t.csv:3: category 'a' of 'ward' is given twice"), std::string::npos);
    EXPECT_FALSE(read_population_totals("/nonexistent/totals.csv"));
}

// 10 respondents: ward a/b by age young/old; the sample over-represents young people.
TEST(Raking, MatchesBothMarginsToOneInAMillion) {
    const auto totals = *parse_population_totals(k_totals, "t.csv");
    const std::vector<std::vector<int>> cats{{0, 0, 0, 0, 1, 1, 1, 1, 0, 1}, {0, 0, 0, 1, 0, 0, 1, 1, 1, 1}};
    const auto r = rake(totals, cats, {.cap = 0});
    ASSERT_TRUE(r.converged);
    EXPECT_LT(r.max_margin_error, 1e-6);
    for (std::size_t m = 0; m < 2; ++m)
        for (std::size_t k = 0; k < 2; ++k) {
            double sum = 0;
            for (std::size_t i = 0; i < 10; ++i)
                if (cats[m][i] == static_cast<int>(k)) sum += r.weights[i];
            EXPECT_NEAR(sum, totals.margins[m].totals[k], 1e-3) << m << "," << k;
        }
    EXPECT_GT(r.n_eff, 0.0);
    EXPECT_LE(r.n_eff, 10.0);
}

TEST(Raking, ExcludesRespondentsWithoutATotalAndCountsThem) {
    const auto totals = *parse_population_totals(k_totals, "t.csv");
    const std::vector<std::vector<int>> cats{{0, 1, -1, 0, 1}, {0, 1, 1, 1, 0}};  // the third: not_camden
    const auto r = rake(totals, cats);
    EXPECT_EQ(r.excluded, 1);
    EXPECT_EQ(r.used, 4);
    EXPECT_EQ(r.weights[2], 0.0);
}

TEST(Raking, CapsWeightsAndReRakes) {
    // One old respondent among many young ones must carry 70 % of the population: the cap binds.
    const auto totals = *parse_population_totals("variable,category,total\nage_band,young,300\nage_band,old,700\n", "t.csv");
    std::vector<std::vector<int>> cats{std::vector<int>(20, 0)};
    cats[0][0] = 1;
    const auto r = rake(totals, cats, {.cap = 5.0});
    const double mean = 1000.0 / 20;
    for (double w : r.weights) EXPECT_LE(w, 5.0 * mean * (1 + 1e-6));
    EXPECT_FALSE(r.converged);  // 700 of 1000 on one respondent cannot be met under the cap: said, not hidden
    ASSERT_FALSE(r.notes.empty());
    EXPECT_NE(r.notes[0].find("cannot be met"), std::string::npos);
}

TEST(Raking, CapThatCanBeMetStillMatchesTheMargins) {
    // 4 old of 20 carry 700: 175 each, under the cap of 5 x the mean (250), so the margins are met exactly.
    const auto totals = *parse_population_totals("variable,category,total\nage_band,young,300\nage_band,old,700\n", "t.csv");
    std::vector<std::vector<int>> cats{std::vector<int>(20, 0)};
    for (int i = 0; i < 4; ++i) cats[0][static_cast<std::size_t>(i)] = 1;
    const auto r = rake(totals, cats, {.cap = 5.0});
    EXPECT_TRUE(r.converged);
    EXPECT_NEAR(r.weights[0], 175.0, 1e-6);
    EXPECT_NEAR(r.n_eff, 1000.0 * 1000.0 / (4 * 175.0 * 175.0 + 16 * 18.75 * 18.75), 1e-6);
}

TEST(Raking, EmptyCategoryTotalIsSpreadAndNoted) {
    const auto totals = *parse_population_totals(k_totals, "t.csv");
    const std::vector<std::vector<int>> cats{{0, 0, 0, 0}, {0, 1, 0, 1}};  // nobody from ward b
    const auto r = rake(totals, cats);
    EXPECT_TRUE(r.converged);
    ASSERT_FALSE(r.notes.empty());
    EXPECT_NE(r.notes[0].find("ward = b"), std::string::npos);
}

}  // namespace
}  // namespace fieldkiosk::results
