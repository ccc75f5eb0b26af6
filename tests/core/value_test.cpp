#include "core/value.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace fieldkiosk::core {
namespace {

TEST(Value, EmptyBehavesAsEmptyStringAndNaN) {
    const Value v;
    EXPECT_TRUE(v.is_empty());
    EXPECT_EQ(v.to_string(), "");
    EXPECT_TRUE(std::isnan(v.to_number()));
    EXPECT_FALSE(v.to_bool());
    EXPECT_TRUE(Value::string("").is_empty());
    EXPECT_FALSE(Value::string("x").is_empty());
}

TEST(Value, ParsesXPathNumbersOnly) {
    EXPECT_EQ(parse_xpath_number("12"), 12.0);
    EXPECT_EQ(parse_xpath_number(" -3.5 "), -3.5);
    EXPECT_EQ(parse_xpath_number(".5"), 0.5);
    EXPECT_EQ(parse_xpath_number("7."), 7.0);
    for (const char* bad : {"", " ", "abc", "1e3", "0x10", "inf", "nan", "1,5", "--1", "1.2.3", "-", "."})
        EXPECT_TRUE(std::isnan(parse_xpath_number(bad))) << bad;
}

TEST(Value, FormatsNumbersLikeXPathString) {
    EXPECT_EQ(format_xpath_number(3.0), "3");
    EXPECT_EQ(format_xpath_number(-0.0), "0");
    EXPECT_EQ(format_xpath_number(2.5), "2.5");
    EXPECT_EQ(format_xpath_number(NAN), "NaN");
    EXPECT_EQ(format_xpath_number(INFINITY), "Infinity");
    EXPECT_EQ(format_xpath_number(-INFINITY), "-Infinity");
}

TEST(Value, BooleanConversions) {
    EXPECT_TRUE(Value::number(2).to_bool());
    EXPECT_FALSE(Value::number(0).to_bool());
    EXPECT_FALSE(Value::number(NAN).to_bool());
    EXPECT_TRUE(Value::string("0").to_bool());  // XPath: a non-empty string is true
    EXPECT_EQ(Value::boolean(true).to_number(), 1.0);
    EXPECT_EQ(Value::boolean(false).to_string(), "false");
}

}  // namespace
}  // namespace fieldkiosk::core
