#include "results/period.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::results {
namespace {

TEST(Period, ParsesMonthQuarterAndRolling12) {
    auto q = parse_period("2026-Q3");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->to_string(), "2026-Q3");
    EXPECT_TRUE(q->contains_month(*month_of("2026-07-01T00:00:00.000Z")));
    EXPECT_TRUE(q->contains_month(*month_of("2026-09-30T23:59:59.999Z")));
    EXPECT_FALSE(q->contains_month(*month_of("2026-10-01T00:00:00.000Z")));
    EXPECT_EQ(q->year_earlier().to_string(), "2025-Q3");
    auto r = parse_period("12m-2026-03");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->contains_month(*month_of("2025-04-01T00:00:00Z")));
    EXPECT_FALSE(r->contains_month(*month_of("2025-03-31T00:00:00Z")));
    EXPECT_TRUE(r->contains_month(*month_of("2026-03-31T00:00:00Z")));
    EXPECT_EQ(parse_period("2026-02")->last_month(), *month_of("2026-02-10"));
}

TEST(Period, RefusesFreeRangesAndNonsenseWithAHelpfulMessage) {
    for (const char* bad : {"2026-Q5", "2026-13", "last week", "2026-07-01..2026-07-09", "12m-2026-Q3", ""}) {
        auto p = parse_period(bad);
        ASSERT_FALSE(p) << bad;
        EXPECT_NE(p.error().find("period '"), std::string::npos);
    }
    EXPECT_NE(parse_period("26-Q1").error().find("2026-Q3"), std::string::npos);
}

TEST(Period, MonthAndQuarterTexts) {
    EXPECT_EQ(month_text(*month_of("2026-11-05")), "2026-11");
    EXPECT_EQ(quarter_text(*month_of("2026-11-05")), "2026-Q4");
    EXPECT_FALSE(month_of("yesterday"));
}

}  // namespace
}  // namespace fieldkiosk::results
