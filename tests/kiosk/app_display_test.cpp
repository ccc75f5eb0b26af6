// Text size and colours in the App (kiosk/app/app_display.cpp; docs/kiosk.md, "Accessibility"): the resident's
// choice holds for their walk and is standard again for the next respondent, however the walk ends.
#include "tests/kiosk/app_steps.hpp"

#include <gtest/gtest.h>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::KioskFixture;

namespace {

void choose_largest_high_contrast(KioskFixture& f) {
    f.app.apply(act::OpenDisplay{});
    f.app.apply(act::SetTextSize{2});
    f.app.apply(act::SetHighContrast{true});
    f.app.apply(act::CloseDisplay{});
    ASSERT_EQ(f.app.view().display.text_size, 2);
    ASSERT_TRUE(f.app.view().display.high_contrast);
}

void expect_standard(const KioskFixture& f) {
    EXPECT_EQ(f.app.text_size(), 0);
    EXPECT_FALSE(f.app.high_contrast());
    EXPECT_FALSE(f.app.view().display.panel);
}

}  // namespace

TEST(AppDisplay, TheChoiceHoldsForTheWholeWalkAndEndsWithIt) {
    KioskFixture f;
    choose_largest_high_contrast(f);     // on the attract screen, before the tile
    ASSERT_TRUE(f.app.go_to("thanks"));  // the tile, the language, consent, every question answered
    ASSERT_EQ(f.app.screen(), Screen::Thanks);
    EXPECT_EQ(f.app.view().display.text_size, 2) << "lost on the way";
    EXPECT_TRUE(f.app.view().display.high_contrast);
    f.app.apply(act::ThanksDone{});
    ASSERT_EQ(f.app.screen(), Screen::Attract);
    expect_standard(f);
}

TEST(AppDisplay, ATimedOutWalkLeavesStandardTextForTheNextRespondent) {
    KioskFixture f;
    fieldkiosk::testing::start(f);
    choose_largest_high_contrast(f);
    fieldkiosk::testing::idle_out(f);
    ASSERT_EQ(f.app.screen(), Screen::Attract);
    expect_standard(f);
}

TEST(AppDisplay, AChoiceOnTheAttractScreenIsUndoneWhenNobodyTouchesItForTheIdleTime) {
    kiosk::KioskConfig config;
    config.idle_timeout = std::chrono::seconds{20};
    KioskFixture f(config);
    EXPECT_EQ(f.app.next_wakeup(), std::chrono::seconds{60}) << "an untouched attract screen sleeps a minute";
    choose_largest_high_contrast(f);
    EXPECT_EQ(f.app.next_wakeup(), std::chrono::seconds{20}) << "the loop would sleep through the reset";
    f.clock.advance(std::chrono::seconds{19});
    f.app.tick();
    EXPECT_EQ(f.app.text_size(), 2) << "undone while the resident may still be reading";
    f.clock.advance(std::chrono::seconds{2});
    f.app.tick();
    expect_standard(f);
}

TEST(AppDisplay, UnderTheIdlePromptOnlyINeedMoreTimeCounts) {
    KioskFixture f;
    fieldkiosk::testing::start(f);
    f.clock.advance(std::chrono::seconds{60});
    f.app.tick();
    ASSERT_TRUE(f.app.idle_prompt());
    f.app.apply(act::OpenDisplay{});
    f.app.apply(act::SetTextSize{1});
    f.app.apply(act::SetHighContrast{true});
    EXPECT_TRUE(f.app.idle_prompt());
    EXPECT_FALSE(f.app.view().display.available);
    expect_standard(f);
}

TEST(AppDisplay, TheStaffScreensAreDrawnStandardAndTheWalkGetsItsChoiceBack) {
    KioskFixture f;
    fieldkiosk::testing::start(f);
    choose_largest_high_contrast(f);
    f.app.apply(act::OpenDisplay{});
    for (int i = 0; i < 200 && f.app.screen() != Screen::Admin; ++i) {  // the hidden corner, held
        f.app.apply(act::CornerHeld{});
        f.clock.advance(std::chrono::milliseconds{50});
        f.app.tick();
    }
    ASSERT_EQ(f.app.screen(), Screen::Admin);
    EXPECT_EQ(f.app.view().display.text_size, 0);
    EXPECT_FALSE(f.app.view().display.high_contrast);
    EXPECT_FALSE(f.app.view().display.available);
    f.app.apply(act::AdminClose{});
    ASSERT_EQ(f.app.screen(), Screen::Question);
    EXPECT_EQ(f.app.view().display.text_size, 2);
    EXPECT_FALSE(f.app.view().display.panel) << "the panel was shut when the admin screen came";
}

TEST(AppDisplay, ATextSizeOutOfRangeIsClamped) {
    KioskFixture f;
    f.app.apply(act::SetTextSize{7});
    EXPECT_EQ(f.app.text_size(), DisplayVm::k_text_sizes - 1);
    f.app.apply(act::SetTextSize{-3});
    EXPECT_EQ(f.app.text_size(), 0);
}

// [display] high_contrast = true: the kiosk's own colours. Every respondent starts in high contrast and may turn
// it off for their walk; the next respondent, and the Closed screen, have it again. Text size still starts standard.
TEST(AppDisplay, AKioskWideHighContrastStartsEveryRespondentAndDrawsTheClosedScreen) {
    kiosk::KioskConfig config;
    config.high_contrast = true;
    KioskFixture f(config);
    EXPECT_TRUE(f.app.view().display.high_contrast) << "the first respondent";
    EXPECT_EQ(f.app.view().display.text_size, 0);
    fieldkiosk::testing::start(f);
    f.app.apply(act::SetHighContrast{false});  // this resident prefers the standard colours
    EXPECT_FALSE(f.app.view().display.high_contrast);
    fieldkiosk::testing::idle_out(f);
    ASSERT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_TRUE(f.app.view().display.high_contrast) << "the next respondent gets the kiosk's colours back";
    f.clock.advance(std::chrono::minutes{5});
    f.app.tick();
    EXPECT_TRUE(f.app.high_contrast()) << "the attract screen's idle reset is to the kiosk's colours, not standard";
    ASSERT_TRUE(f.app.go_to("thanks"));
    EXPECT_TRUE(f.app.view().display.high_contrast);
    ASSERT_TRUE(f.app.go_to("closed"));
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_TRUE(f.app.view().display.high_contrast) << "the Closed screen is drawn in the kiosk's colours";
    EXPECT_FALSE(f.app.view().display.available) << "and has no Aa button";

    KioskFixture standard;  // the default: standard colours, the Closed screen too
    ASSERT_TRUE(standard.app.go_to("closed"));
    EXPECT_FALSE(standard.app.view().display.high_contrast);
}
