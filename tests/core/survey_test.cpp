// core::compare_versions: how the server and the kiosk pick the current version of a survey.
#include "core/survey.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::core {
namespace {

// -1, 0 or 1 (GoogleTest compares ints, not std::strong_ordering).
int cmp(std::string_view a, std::string_view b) {
    const auto o = compare_versions(a, b);
    return o < 0 ? -1 : o > 0 ? 1 : 0;
}

TEST(CompareVersions, DottedNumbersCompareAsWholeNumbersPartByPart) {
    EXPECT_EQ(cmp("1.2", "1.10"), -1);  // not "1.10" < "1.2" as text
    EXPECT_EQ(cmp("10", "9"), 1);
    EXPECT_EQ(cmp("2", "2.1"), -1);
    EXPECT_EQ(cmp("2026.1", "2026.2"), -1);
    EXPECT_EQ(cmp("1.0.10", "1.0.9"), 1);
    // Longer than any integer type: still compared as numbers.
    EXPECT_EQ(cmp("123456789012345678901234567890", "99999999999999999999999999999"), 1);
}

TEST(CompareVersions, IsoDatesAndOtherTextCompareByteByByte) {
    EXPECT_EQ(cmp("2026-11-01", "2026-12-01"), -1);
    EXPECT_EQ(cmp("2026-09-30", "2026-10-01"), -1);
    EXPECT_EQ(cmp("2026.1-draft", "2026.2-draft"), -1);
    EXPECT_EQ(cmp("v3", "v2"), 1);
}

TEST(CompareVersions, OnlyEqualStringsAreEqualAndTheOrderIsTotal) {
    EXPECT_EQ(cmp("1.2", "1.2"), 0);
    // Numerically the same: the tie is broken by the text, so neither is "the same version".
    EXPECT_NE(cmp("1.2", "1.2.0"), 0);
    EXPECT_NE(cmp("1.02", "1.2"), 0);
    EXPECT_EQ(cmp("1.2", "1.2.0"), -cmp("1.2.0", "1.2"));  // antisymmetric
    EXPECT_EQ(cmp("1.2", "1.2.0"), -1);                    // "1.2" < "1.2.0" byte by byte
}

TEST(CompareVersions, EmptyPartsAreNotNumbers) {
    // "1..2" and "1." are not dotted numbers: byte by byte.
    EXPECT_EQ(cmp("1..2", "1.1"), -1);
    EXPECT_EQ(cmp("1.", "1.0"), -1);
}

}  // namespace
}  // namespace fieldkiosk::core
