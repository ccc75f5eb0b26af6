// The theme's colours (kiosk/widgets/theme.hpp): every pair text is drawn with, by the WCAG 2.x contrast ratio.
// The standard palette keeps the ratios its comments state (and AA for every text pair); the high-contrast
// palette keeps AAA, >= 7:1 (WCAG 1.4.6), for every one.
#include "kiosk/widgets/theme.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace fieldkiosk::kiosk::ui;

namespace {

struct Pair {
    const char* name;
    ImU32 Palette::*fg;
    ImU32 Palette::*bg;
};

// Every foreground a widget or screen draws text (or a control's label) in, on every background it draws it on.
const std::vector<Pair>& text_pairs() {
    static const std::vector<Pair> pairs = {
        {"text on bg", &Palette::text, &Palette::bg},
        {"text on surface", &Palette::text, &Palette::surface},
        {"muted on bg", &Palette::muted, &Palette::bg},
        {"muted on surface", &Palette::muted, &Palette::surface},
        {"on_primary on primary", &Palette::on_primary, &Palette::primary},
        {"on_primary on primary_down", &Palette::on_primary, &Palette::primary_down},
        {"text on secondary", &Palette::text, &Palette::secondary},
        {"text on secondary_down", &Palette::text, &Palette::secondary_down},
        {"text on selected_bg", &Palette::text, &Palette::selected_bg},
        {"primary (a link) on bg", &Palette::primary, &Palette::bg},
        {"primary (a link) on secondary (held)", &Palette::primary, &Palette::secondary},
        {"error on bg", &Palette::error, &Palette::bg},
        {"error on surface", &Palette::error, &Palette::surface},
        {"error on error_bg", &Palette::error, &Palette::error_bg},
        {"on_primary on error (Danger)", &Palette::on_primary, &Palette::error},
        {"on_primary on danger_down", &Palette::on_primary, &Palette::danger_down},
        {"disabled_text on disabled_bg", &Palette::disabled_text, &Palette::disabled_bg},
        {"night_heading on night (Closed)", &Palette::night_heading, &Palette::night},
        {"night_text on night (Closed)", &Palette::night_text, &Palette::night},
        {"on_success on success (the thanks tick)", &Palette::on_success, &Palette::success},
    };
    return pairs;
}

// The pairs of `p` below `least`, by name.
std::vector<std::string> below(const Palette& p, double least) {
    std::vector<std::string> out;
    for (const auto& pair : text_pairs())
        if (contrast_ratio(p.*pair.fg, p.*pair.bg) < least)
            out.push_back(std::string(pair.name) + " " + std::to_string(contrast_ratio(p.*pair.fg, p.*pair.bg)));
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "; ";
    return s;
}

}  // namespace

TEST(Theme, ContrastRatioIsWcags) {
    const ImU32 black = IM_COL32(0, 0, 0, 0xFF), white = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    EXPECT_DOUBLE_EQ(contrast_ratio(black, white), 21.0);
    EXPECT_DOUBLE_EQ(contrast_ratio(white, black), 21.0);
    EXPECT_DOUBLE_EQ(contrast_ratio(white, white), 1.0);
    // #767676 on white is the classic "just AA" grey: 4.54:1.
    EXPECT_NEAR(contrast_ratio(IM_COL32(0x76, 0x76, 0x76, 0xFF), white), 4.54, 0.01);
    // Red counts far less than green in luminance: pure red on black is 5.25:1, pure green 15.3:1.
    EXPECT_NEAR(contrast_ratio(IM_COL32(0xFF, 0, 0, 0xFF), black), 5.25, 0.01);
    EXPECT_NEAR(contrast_ratio(IM_COL32(0, 0xFF, 0, 0xFF), black), 15.3, 0.01);
}

TEST(Theme, TheCheckFindsABadPair) {
    Palette p = high_contrast_palette();
    ASSERT_TRUE(below(p, 7.0).empty());
    p.muted = IM_COL32(0x76, 0x76, 0x76, 0xFF);  // grey on black: 4.6:1
    const auto bad = below(p, 7.0);
    ASSERT_EQ(bad.size(), 2U) << joined(bad);
    EXPECT_EQ(bad[0].rfind("muted on bg", 0), 0U);
    EXPECT_EQ(bad[1].rfind("muted on surface", 0), 0U);
}

TEST(Theme, HighContrastKeepsEveryTextPairAtSevenToOne) {
    const Palette p = high_contrast_palette();
    EXPECT_TRUE(p.high_contrast);
    EXPECT_TRUE(below(p, 7.0).empty()) << joined(below(p, 7.0));
    // Outlines and the pressed ring are not text, but must stand out (WCAG 1.4.11: 3:1).
    EXPECT_GE(contrast_ratio(p.border, p.bg), 3.0);
    EXPECT_GE(contrast_ratio(p.outline, p.bg), 3.0);
    EXPECT_GE(contrast_ratio(p.focus, p.bg), 3.0);
    // The volume meter's steps: reached ones are drawn in the label's colour, the others must differ from it.
    EXPECT_GE(contrast_ratio(p.text, p.meter_off), 3.0);
    // The Closed screen's moon and the thanks screen's disc are graphics: 3:1 against what they sit on.
    EXPECT_GE(contrast_ratio(p.night_moon, p.night), 3.0);
    EXPECT_GE(contrast_ratio(p.success, p.bg), 3.0);
}

TEST(Theme, HighContrastChangesTheClosedScreenAndTheThanksTick) {
    const Palette s = standard_palette(), h = high_contrast_palette();
    EXPECT_NE(s.night_heading, h.night_heading);
    EXPECT_NE(s.night_text, h.night_text);
    EXPECT_NE(s.night_moon, h.night_moon);
    EXPECT_NE(s.success, h.success);
    EXPECT_NE(s.on_success, h.on_success);
}

TEST(Theme, StandardKeepsAAForEveryTextPairAndTheRatiosItsCommentsState) {
    const Palette p = standard_palette();
    EXPECT_FALSE(p.high_contrast);
    EXPECT_TRUE(below(p, 4.5).empty()) << joined(below(p, 4.5));
    // The ratios written beside the colours in theme.hpp, to one decimal.
    EXPECT_NEAR(contrast_ratio(p.text, p.bg), 17.2, 0.05);
    EXPECT_NEAR(contrast_ratio(p.muted, p.bg), 8.3, 0.05);
    EXPECT_NEAR(contrast_ratio(p.border, p.bg), 6.6, 0.05);
    EXPECT_NEAR(contrast_ratio(p.on_primary, p.primary), 8.1, 0.05);
    EXPECT_NEAR(contrast_ratio(p.text, p.secondary), 14.7, 0.05);
    EXPECT_NEAR(contrast_ratio(p.error, p.surface), 7.1, 0.05);
    EXPECT_NEAR(contrast_ratio(p.disabled_text, p.disabled_bg), 4.8, 0.05);
    EXPECT_NEAR(contrast_ratio(p.night_heading, p.night), 6.1, 0.05);
    EXPECT_NEAR(contrast_ratio(p.night_text, p.night), 4.9, 0.05);
    EXPECT_NEAR(contrast_ratio(p.on_success, p.success), 6.7, 0.05);
    EXPECT_GE(contrast_ratio(p.text, p.meter_off), 3.0);  // the volume meter's reached and unreached steps
    // Body text is AAA: on the background and on every surface a paragraph sits on.
    EXPECT_GE(contrast_ratio(p.text, p.bg), 7.0);
    EXPECT_GE(contrast_ratio(p.text, p.surface), 7.0);
    EXPECT_GE(contrast_ratio(p.muted, p.bg), 7.0);
}
