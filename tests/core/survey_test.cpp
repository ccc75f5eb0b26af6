// core::compare_versions: how the server and the kiosk pick the current version of a survey.
#include "core/survey.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

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

// The versions that broke the first rule: "1.5" < "1.10" (numbers) < "1.10-fix" (bytes) < "1.5" (bytes)
// was a cycle, and std::sort with a comparison that is not a strict weak ordering is undefined behaviour.
const std::vector<std::string> k_tricky = {"1",          "1.2",        "1.2.0",  "1.10",    "1.10-fix", "1.9",
                                           "2026-11-01", "2026-11-01b", "2026.1", "2026.10", "abc",      "",
                                           "01.2",       "1..2",        "1.5",    "1.",      "v3",       "1.02",
                                           "2026.1-draft", "10",        "9",      "1.2-beta"};

bool less(std::string_view a, std::string_view b) { return compare_versions(a, b) < 0; }

TEST(CompareVersions, IsAStrictTotalOrderOnEveryTripleOfTrickyVersions) {
    for (const auto& a : k_tricky) {
        EXPECT_FALSE(less(a, a)) << "irreflexive: " << a;
        EXPECT_EQ(cmp(a, a), 0) << a;
        for (const auto& b : k_tricky) {
            if (a == b) continue;
            EXPECT_NE(cmp(a, b), 0) << "only equal strings are equal: '" << a << "' '" << b << "'";
            EXPECT_EQ(cmp(a, b), -cmp(b, a)) << "antisymmetric: '" << a << "' '" << b << "'";
            EXPECT_FALSE(less(a, b) && less(b, a)) << "asymmetric: '" << a << "' '" << b << "'";
            for (const auto& c : k_tricky) {
                if (less(a, b) && less(b, c)) {
                    EXPECT_TRUE(less(a, c)) << "transitive: '" << a << "' < '" << b << "' < '" << c << "'";
                }
            }
        }
    }
}

TEST(CompareVersions, SortingTheTrickyVersionsGivesOneOrderWhateverTheStartingOrder) {
    std::vector<std::string> expected = k_tricky;
    std::ranges::stable_sort(expected, less);
    EXPECT_TRUE(std::ranges::is_sorted(expected, less));
    for (std::size_t i = 0; i + 1 < expected.size(); ++i) EXPECT_TRUE(less(expected[i], expected[i + 1])) << expected[i];
    std::vector<std::string> v = k_tricky;
    std::ranges::reverse(v);
    std::ranges::stable_sort(v, less);
    EXPECT_EQ(v, expected);
    std::ranges::sort(v = k_tricky, less);
    EXPECT_EQ(v, expected);
    for (unsigned seed = 1; seed <= 20; ++seed) {
        v = k_tricky;
        std::ranges::shuffle(v, std::mt19937(seed));
        std::ranges::stable_sort(v, less);
        EXPECT_EQ(v, expected) << "seed " << seed;
    }
}

TEST(CompareVersions, ANumberWithARestComesAfterTheSameNumberAndBeforeAHigherOne) {
    EXPECT_EQ(cmp("1.5", "1.10"), -1);
    EXPECT_EQ(cmp("1.10", "1.10-fix"), -1);
    EXPECT_EQ(cmp("1.5", "1.10-fix"), -1);  // was 1 (byte by byte): the cycle
    EXPECT_EQ(cmp("1.10-fix", "1.11"), -1);
    EXPECT_EQ(cmp("2026-11-01", "2026-11-01b"), -1);
    EXPECT_EQ(cmp("2026.1", "2026.10"), -1);
    EXPECT_EQ(cmp("1.2", "01.2"), 1);   // numerically equal: the text decides ('0' < '1')
    EXPECT_EQ(cmp("abc", "1"), -1);     // no leading number: before every numbered version
    EXPECT_EQ(cmp("", "abc"), -1);
}

}  // namespace
}  // namespace fieldkiosk::core
