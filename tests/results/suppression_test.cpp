#include "results/suppression.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace fieldkiosk::results {
namespace {

TEST(Suppression, NinePeopleHiddenTenShown) {
    EXPECT_EQ(protect_cell({9, 0, true}).hidden, Hidden::SmallBase);
    EXPECT_FALSE(protect_cell({10, 0, true}).suppressed());
    EXPECT_TRUE(protect_cell({10, 0, true}).low_base);
    EXPECT_EQ(protect_cell({9, 0, false}).hidden, Hidden::SmallBase);  // a mean needs 10 too
}

TEST(Suppression, ShareRestingOnOneToNinePeopleIsHidden) {
    EXPECT_EQ(protect_cell({100, 9, true}).hidden, Hidden::SmallCount);
    EXPECT_EQ(protect_cell({100, 91, true}).hidden, Hidden::SmallCount);  // its complement is 9 people
    EXPECT_FALSE(protect_cell({100, 0, true}).suppressed());
    EXPECT_FALSE(protect_cell({100, 100, true}).suppressed());
    EXPECT_FALSE(protect_cell({100, 10, true}).suppressed());
    EXPECT_FALSE(protect_cell({100, 9, false}).suppressed());  // a mean rests on n only
}

TEST(Suppression, LowBaseMarkedBetweenTenAndFortyNine) {
    EXPECT_TRUE(protect_cell({49, 20, true}).low_base);
    EXPECT_FALSE(protect_cell({50, 20, true}).low_base);
    EXPECT_EQ(protect_cell({49, 20, true}).reason(), "low base, indicative (10-49 people)");
}

TEST(Suppression, OneHiddenGroupBesideAShownTotalHidesTheNextSmallest) {
    const std::vector<CellCounts> groups{{120, 60, true}, {5, 2, true}, {40, 20, true}, {80, 40, true}};
    std::vector<Protection> p(groups.size());
    protect_breakdown(groups, true, p);
    EXPECT_EQ(p[1].hidden, Hidden::SmallBase);
    EXPECT_EQ(p[2].hidden, Hidden::Secondary);  // 40 is the smallest shown group
    EXPECT_FALSE(p[0].suppressed());
    EXPECT_FALSE(p[3].suppressed());
}

TEST(Suppression, NoSecondaryWhenTwoAreHiddenOrNoTotal) {
    const std::vector<CellCounts> two{{120, 60, true}, {5, 2, true}, {7, 2, true}, {80, 40, true}};
    std::vector<Protection> p(two.size());
    protect_breakdown(two, true, p);
    EXPECT_FALSE(p[0].suppressed());
    EXPECT_FALSE(p[3].suppressed());
    const std::vector<CellCounts> one{{120, 60, true}, {5, 2, true}};
    std::vector<Protection> q(one.size());
    protect_breakdown(one, false, q);
    EXPECT_FALSE(q[0].suppressed());
}

}  // namespace
}  // namespace fieldkiosk::results
