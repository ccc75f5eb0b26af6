// Line breaking: ICU's opportunities, narrowed by the kiosk's rules (addresses and phone numbers stay whole),
// and greedy wrapping to a width.
#include "kiosk/text/line_break.hpp"
#include "tests/kiosk/text/text_fixture.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace fieldkiosk::kiosk::text;
using fieldkiosk::testing::text_layer;

namespace {
// Every code point is 1 wide: widths are easy to reason about.
float count_width(std::string_view s) {
    float n = 0;
    for (std::size_t i = 0; i < s.size();) {
        next_code_point(s, i);
        n += 1;
    }
    return n;
}
std::vector<std::string> lines_of(std::string_view text, float w, std::string_view lang = "en") {
    std::vector<std::string> out;
    for (auto l : wrap(text, lang, w, count_width)) out.emplace_back(l);
    return out;
}
}  // namespace

TEST(LineBreak, BreaksAfterSpacesInLatinText) {
    EXPECT_EQ(line_breaks("Have your say", "en"), (std::vector<std::size_t>{5, 10}));
    EXPECT_EQ(lines_of("Have your say today", 10), (std::vector<std::string>{"Have your", "say today"}));
}

TEST(LineBreak, NeverInsideAPhoneNumberAnEmailOrAWebAddress) {
    const std::string s = "Call 0303 123 1113 or write to dpo@camden.gov.uk or see camden.gov.uk/food-help-now today";
    for (std::size_t b : line_breaks(s, "en")) EXPECT_EQ(s[b - 1], ' ') << "break at " << b << " in " << s.substr(b);
    for (float w = 6; w <= 40; w += 1) {
        std::string joined;
        for (const auto& l : lines_of(s, w)) {
            joined += l + "\n";
            EXPECT_TRUE(l.find("0303") == std::string::npos || l.find("0303 123 1113") != std::string::npos || w < 13)
                << "width " << w << ": " << l;
        }
        if (w >= 27) { EXPECT_NE(joined.find("camden.gov.uk/food-help-now"), std::string::npos) << joined; }
        if (w >= 17) { EXPECT_NE(joined.find("dpo@camden.gov.uk"), std::string::npos) << joined; }
        if (w >= 13) { EXPECT_NE(joined.find("0303 123 1113"), std::string::npos) << joined; }
    }
}

TEST(LineBreak, HonoursNewlinesAndBlankLines) {
    EXPECT_EQ(lines_of("one two\n\nthree", 20), (std::vector<std::string>{"one two", "", "three"}));
}

TEST(LineBreak, CutsAWordWiderThanTheLineBetweenCodePoints) {
    EXPECT_EQ(lines_of("abcdefgh", 3), (std::vector<std::string>{"abc", "def", "gh"}));
    EXPECT_EQ(lines_of("ééééé", 2), (std::vector<std::string>{"éé", "éé", "é"}));
}

TEST(LineBreak, ChineseBreaksBetweenCharactersButNotBeforeClosingPunctuation) {
    const std::string s = "您的回答是匿名的。谢谢！";
    const auto breaks = line_breaks(s, "zh-Hans");
    EXPECT_GE(breaks.size(), 8u);
    for (std::size_t b : breaks) {
        EXPECT_NE(s.substr(b, 3), "。") << "a line would start with a full stop";
        EXPECT_NE(s.substr(b, 3), "！");
    }
    for (const auto& l : lines_of(s, 4, "zh-Hans")) EXPECT_LE(count_width(l), 4.0f) << l;
}

TEST(LineBreak, BengaliAndArabicBreakBetweenWordsOnly) {
    const std::string bn = "আপনি কি গত ১২ মাসে খাবার নিয়ে চিন্তিত ছিলেন";
    for (std::size_t b : line_breaks(bn, "bn")) EXPECT_EQ(bn[b - 1], ' ');
    const std::string ar = "هل كنت قلقًا بشأن الطعام في الأشهر 12 الماضية";
    for (std::size_t b : line_breaks(ar, "ar")) EXPECT_EQ(ar[b - 1], ' ');
    EXPECT_EQ(line_breaks(ar, "ar").size(), 8u);
}

TEST(LineBreak, WrapsShapedWidthsThroughTheTextLayer) {
    auto& layer = text_layer();
    const std::string s = "আপনি কি গত ১২ মাসে খাবার নিয়ে চিন্তিত ছিলেন";
    const float whole = layer.width(s, 38, Weight::Regular, "bn");
    const auto lines = layer.wrap(s, 38, Weight::Regular, "bn", whole * 0.55f);
    ASSERT_EQ(lines.size(), 2u);
    for (auto l : lines) EXPECT_LE(layer.width(l, 38, Weight::Regular, "bn"), whole * 0.55f);
}
