// Headless UI of the Closed screen (outside opening hours): it draws in both orientations with no touch
// target at all, a finger anywhere on it changes nothing, and the hidden admin corner still opens the PIN
// pad. The fake clock starts on Friday 15 January 2027, 08:00 UTC: before the 09:00 opening.
#include "kiosk/settings/pin.hpp"
#include "kiosk/widgets/theme.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/kiosk/ui_driver.hpp"

#include <gtest/gtest.h>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::UiDriver;
using fieldkiosk::testing::drawn_in;

namespace {

const FixedOffsetZone k_utc;

KioskConfig weekdays_nine_to_five() {
    KioskConfig c;
    c.hours.configured = true;
    for (int d = 0; d < 5; ++d) c.hours.week[static_cast<std::size_t>(d)] = {{9 * 60, 17 * 60}};
    c.pin_hash = *hash_pin("1357");
    return c;
}

}  // namespace

TEST(UiClosed, TheClosedScreenHasNoTargetsAndOnlyTheCornerReactsToAFinger) {
    for (const ImVec2 size : {ImVec2{1080, 1920}, ImVec2{1920, 1080}, ImVec2{800, 1280}}) {
        KioskFixture f(weekdays_nine_to_five());
        f.app.set_time_zone(k_utc);
        UiDriver ui(f.app, f.clock, size);  // its first frame ticks: 08:00 is before opening
        ui.frame();
        ASSERT_EQ(f.app.screen(), Screen::Closed);
        EXPECT_TRUE(kiosk::ui::hits().all().empty()) << "the Closed screen must have no touch targets";
        EXPECT_EQ(f.app.view().closed_message, "This kiosk opens again today at 9:00.");
        // Fingers on the middle, the top right (where the language button is elsewhere) and the bottom.
        for (const ImVec2 p :
             {ImVec2{size.x * 0.5f, size.y * 0.5f}, ImVec2{size.x - 40, 40}, ImVec2{size.x * 0.5f, size.y - 40}}) {
            ui.hold(p, std::chrono::milliseconds{5000});
            ASSERT_EQ(f.app.screen(), Screen::Closed) << p.x << "," << p.y;
        }
        ui.hold({10, 10}, std::chrono::milliseconds{3100});
        ASSERT_EQ(f.app.screen(), Screen::Admin);
        for (const char* k : {"pin:1", "pin:3", "pin:5", "pin:7", "pin:ok"}) ASSERT_TRUE(ui.tap(k));
        ASSERT_TRUE(f.app.view().admin.unlocked);
        EXPECT_EQ(f.app.view().admin.hours_lines.at(0), "Opening hours: closed, opens 09:00");
        ASSERT_TRUE(ui.tap("admin:close"));
        EXPECT_EQ(f.app.screen(), Screen::Closed);
    }
}

TEST(UiClosed, AtOpeningTimeTheAttractScreenAndItsTilesReturn) {
    KioskFixture f(weekdays_nine_to_five());
    f.app.set_time_zone(k_utc);
    UiDriver ui(f.app, f.clock, {1080, 1920});
    ui.frame();
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_FALSE(ui.has("tile:food"));
    f.clock.advance(std::chrono::hours{1});
    ui.frame();  // time acts after this frame is drawn ...
    ui.frame();  // ... and the attract screen is on the next one
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_TRUE(ui.has("tile:food"));
}

// [display] high_contrast = true: the Closed screen, which no resident can change, is drawn in the kiosk's
// high-contrast colours (white words, a yellow moon on black); by default in the standard dark ones.
TEST(UiClosed, AKioskWideHighContrastDrawsTheClosedScreenInHighContrast) {
    const kiosk::ui::Palette standard = kiosk::ui::standard_palette(), high = kiosk::ui::high_contrast_palette();
    for (const bool kiosk_high_contrast : {false, true}) {
        KioskConfig config = weekdays_nine_to_five();
        config.high_contrast = kiosk_high_contrast;
        KioskFixture f(config);
        f.app.set_time_zone(k_utc);
        UiDriver ui(f.app, f.clock, {1080, 1920});
        ui.frame();
        ASSERT_EQ(f.app.screen(), Screen::Closed);
        EXPECT_EQ(drawn_in(high.night_moon), kiosk_high_contrast) << "the moon";
        EXPECT_EQ(drawn_in(high.night_heading), kiosk_high_contrast) << "the heading";
        EXPECT_EQ(drawn_in(standard.night_text), !kiosk_high_contrast) << "the sentence";
    }
}
