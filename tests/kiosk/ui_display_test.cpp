// Text size and colours on screen (kiosk/screens/frame.cpp, display.cpp; docs/kiosk.md, "Accessibility"), by
// headless frames: the "Aa" button, the panel, the body text the next frame draws, what stays on the screen,
// the colours drawn, double taps, and standard again for the next respondent.
#include "kiosk/widgets/widgets.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/kiosk/read_aloud_fixture.hpp"
#include "tests/kiosk/text_layer_on.hpp"
#include "tests/kiosk/ui_driver.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

namespace fieldkiosk::testing {
namespace {

namespace act = kiosk::act;
namespace ui = kiosk::ui;

const ImVec2 k_portrait{1080, 1920}, k_landscape{1920, 1080};

std::string where(ImVec2 size) { return size.x < size.y ? "portrait" : "landscape"; }

// The size the answers' labels are drawn at (the body font), or 0 when none is drawn.
float body_px() {
    for (const auto& l : ui::drawn_lines())
        if (l.font == ui::theme().fonts.body) return l.px;
    return 0;
}

// Every line of text and every control of the last frame lies inside the screen.
void expect_on_screen(ImVec2 size, const std::string& what) {
    const ui::Rect screen{{0, 0}, size};
    auto inside = [&](const ui::Rect& r) {
        return r.min.x >= screen.min.x - 0.5f && r.min.y >= screen.min.y - 0.5f && r.max.x <= screen.max.x + 0.5f &&
               r.max.y <= screen.max.y + 0.5f;
    };
    for (const auto& l : ui::drawn_lines()) EXPECT_TRUE(inside(l.rect)) << what << ": '" << l.text << "' leaves the screen";
    for (const auto& [id, r] : ui::hits().all()) EXPECT_TRUE(inside(r)) << what << ": " << id << " leaves the screen";
}

}  // namespace

TEST(UiDisplay, LargestTextEnlargesTheBodyOnTheNextFrameAndNothingLeavesTheScreen) {
    for (const ImVec2 size : {k_portrait, k_landscape}) {
        SCOPED_TRACE(where(size));
        KioskFixture f;
        UiDriver ui(f.app, f.clock, size);
        ASSERT_TRUE(f.app.go_to("question:food:fies_worried"));
        ui.frame();
        const float standard = body_px();
        ASSERT_GT(standard, 0);
        ASSERT_TRUE(ui.tap("display:open"));
        expect_on_screen(size, "the panel at the standard size");
        // tap(): finger down, up (the action), then one frame: the one that must show the new size.
        ASSERT_TRUE(ui.tap("display:size:2"));
        EXPECT_EQ(f.app.text_size(), 2);
        EXPECT_LE(std::abs(body_px() - standard * 1.5f), 1.0f) << body_px();
        expect_on_screen(size, "the panel at the largest size");
        ASSERT_TRUE(ui.tap("display:close"));
        EXPECT_LE(std::abs(body_px() - standard * 1.5f), 1.0f) << body_px();
        expect_on_screen(size, "the question at the largest size");
        for (const char* id : {"nav:next", "nav:back", "display:open", "lang:open"}) EXPECT_TRUE(ui.has(id)) << id;
    }
}

// The attract screen at the largest size: every tile still shows its whole description (the tiles grow and the
// icon band gives way), each line of it inside its tile, and nothing leaves the screen.
TEST(UiDisplay, TheAttractTilesKeepTheirDescriptionsAtTheLargestSize) {
    for (const ImVec2 size : {k_portrait, k_landscape}) {
        SCOPED_TRACE(where(size));
        KioskFixture f;
        UiDriver ui(f.app, f.clock, size);
        f.app.apply(act::SetTextSize{2});
        ui.settle();
        ui.frame();
        ASSERT_EQ(f.app.screen(), kiosk::Screen::Attract);
        const auto vm = f.app.view();
        const auto& tiles = vm.tiles;
        ASSERT_FALSE(tiles.empty());
        for (const auto& tv : tiles) {
            SCOPED_TRACE(tv.survey_id);
            const auto tile = ui::hits().find("tile:" + tv.survey_id);
            ASSERT_TRUE(tile);
            // The description's lines, in order, inside the tile: joined by spaces they give it back whole.
            std::string drawn;
            for (const auto& l : ui::drawn_lines()) {
                const bool in_tile = l.rect.min.x >= tile->min.x && l.rect.max.x <= tile->max.x + 0.5f &&
                                     l.rect.min.y >= tile->min.y && l.rect.max.y <= tile->max.y + 0.5f;
                const bool minutes = l.text == vm.tn("minutes", tv.minutes);  // the bottom line, drawn first
                if (in_tile && !minutes && l.font == ui::theme().fonts.small && tv.description.find(l.text) != std::string::npos)
                    drawn += (drawn.empty() ? "" : " ") + l.text;
            }
            EXPECT_EQ(drawn, tv.description);
        }
        expect_on_screen(size, "the attract screen at the largest size");
    }
}

// The fullest top bar (speaker, volume, Aa, language) at the largest size: it grows with the text, every label
// stays whole in its control, and the survey title fits inside the bar or gives way; nothing spills below it.
TEST(UiDisplay, TheFullestTopBarKeepsEveryLabelWholeAtTheLargestSize) {
    for (const ImVec2 size : {k_portrait, ImVec2{800, 1280}, k_landscape}) {
        SCOPED_TRACE(std::to_string(static_cast<int>(size.x)) + "x" + std::to_string(static_cast<int>(size.y)));
        ReadAloudFixture f;
        UiDriver ui(f.app, f.clock, size);
        f.app.apply(act::OpenSurvey{"food"});
        f.app.apply(act::ChooseLanguage{"en"});
        f.app.apply(act::ConsentStart{});
        f.app.apply(act::SetTextSize{2});
        ui.settle();
        ui.frame();
        ASSERT_TRUE(ui.has("read:aloud"));
        const auto aa = ui::hits().find("display:open");
        ASSERT_TRUE(aa);
        const float bar_bottom = aa->max.y + ui::theme().gap * 0.6f;  // the controls sit inset in the bar
        bool english_whole = false;
        for (const auto& l : ui::drawn_lines()) {
            if (l.rect.min.y < bar_bottom) {
                EXPECT_LE(l.rect.max.y, bar_bottom + 0.5f) << "'" << l.text << "' spills below the bar";
            }
            english_whole = english_whole || l.text == "English";
        }
        EXPECT_TRUE(english_whole) << "the language button's label was broken";
        expect_on_screen(size, "the question with the speaker at the largest size");
    }
}

// Arabic is shaped by the text layer (kiosk/text/), not drawn by ImGui's atlas: it grows with the fonts it takes
// its sizes from, as the Latin text does.
TEST(UiDisplay, ShapedTextGrowsWithTheLatinText) {
    const TextLayerOn text;
    KioskFixture f;
    UiDriver ui(f.app, f.clock, k_portrait);
    ASSERT_TRUE(f.app.go_to("question:food:fies_worried"));
    f.app.apply(act::OpenLanguage{});  // the language button, then Arabic: what a resident taps
    f.app.apply(act::ChooseLanguage{"ar"});
    ui.settle();
    ui.frame();
    const std::string label = f.app.view().question.choices.at(0).label;
    auto width = [&] {
        for (const auto& l : ui::drawn_lines())
            if (l.text == label) return l.rect.w();
        return 0.0f;
    };
    const float standard = width();
    ASSERT_GT(standard, 0) << label;
    f.app.apply(act::SetTextSize{2});
    ui.frame();
    EXPECT_LE(std::abs(width() / standard - 1.5f), 0.08f) << standard << " -> " << width();
    expect_on_screen(k_portrait, "Arabic at the largest size");
}

TEST(UiDisplay, HighContrastDrawsBlackAndYellowAndTheTickBoxTurnsItOff) {
    KioskFixture f;
    UiDriver ui(f.app, f.clock, k_landscape);
    ASSERT_TRUE(f.app.go_to("question:food:fies_worried"));
    ui.frame();
    const ui::Palette standard = ui::standard_palette(), high = ui::high_contrast_palette();
    EXPECT_TRUE(drawn_in(standard.bg));
    EXPECT_FALSE(drawn_in(high.primary));
    ASSERT_TRUE(ui.tap("display:open"));
    ASSERT_TRUE(ui.tap("display:contrast"));
    ASSERT_TRUE(ui.tap("display:close"));
    EXPECT_TRUE(f.app.high_contrast());
    EXPECT_TRUE(drawn_in(high.bg));
    EXPECT_TRUE(drawn_in(high.primary)) << "Continue is yellow";
    EXPECT_FALSE(drawn_in(standard.bg));
    ASSERT_TRUE(ui.tap("display:open"));
    ASSERT_TRUE(ui.tap("display:contrast"));
    ASSERT_TRUE(ui.tap("display:close"));
    EXPECT_TRUE(drawn_in(standard.bg));
    EXPECT_FALSE(drawn_in(high.primary));
}

// A size is chosen, not stepped to: a double tap on "Larger text" chooses it once, and since everything moves as
// the text grows, the second tap (under the tap guard) does nothing, wherever it lands. A double tap on "Aa" opens
// the panel and the second tap does not reach the panel's buttons. The tick box takes one press per repeat guard.
TEST(UiDisplay, DoubleTapsChooseOnceAndNeverStepTwice) {
    for (const ImVec2 size : {k_portrait, k_landscape}) {
        SCOPED_TRACE(where(size));
        KioskFixture f;
        UiDriver ui(f.app, f.clock, size);
        ASSERT_TRUE(f.app.go_to("question:food:fies_worried"));
        ui.frame();
        ASSERT_TRUE(ui.double_tap("display:open", std::chrono::milliseconds{120}));
        EXPECT_TRUE(f.app.view().display.panel);
        EXPECT_EQ(f.app.text_size(), 0);
        EXPECT_FALSE(f.app.high_contrast());
        for (const int step : {1, 2}) {
            ASSERT_TRUE(ui.double_tap("display:size:" + std::to_string(step), std::chrono::milliseconds{120}));
            EXPECT_EQ(f.app.text_size(), step);
            EXPECT_TRUE(f.app.view().display.panel);
        }
        ASSERT_TRUE(ui.double_tap("display:contrast", std::chrono::milliseconds{120}));
        EXPECT_TRUE(f.app.high_contrast()) << "a double tap on the tick box ticked it and took it off again";
        ui.frame();
        expect_on_screen(size, "after the double taps");
    }
}

TEST(UiDisplay, TheNextRespondentGetsStandardTextAfterATimeOutOrTheThankYouScreen) {
    for (const bool finish : {false, true}) {
        SCOPED_TRACE(finish ? "finished" : "timed out");
        KioskFixture f;
        UiDriver ui(f.app, f.clock, k_portrait);
        ui.frame();
        const float standard = body_px();
        ASSERT_TRUE(ui.tap("display:open"));  // on the attract screen, before the tile
        ASSERT_TRUE(ui.tap("display:size:2"));
        ASSERT_TRUE(ui.tap("display:contrast"));
        ASSERT_TRUE(ui.tap("display:close"));
        if (finish) {
            ASSERT_TRUE(f.app.go_to("thanks"));
            ui.frame();
            EXPECT_LE(std::abs(body_px() - standard * 1.5f), 1.0f) << body_px() << "the thank-you screen is still the resident's";
            f.clock.advance(std::chrono::seconds{16});
        } else {
            ASSERT_TRUE(f.app.go_to("question:food:fies_worried"));
            ui.frame();
            f.clock.advance(std::chrono::seconds{61});
            ui.frame();
            ASSERT_TRUE(f.app.idle_prompt());
            f.clock.advance(std::chrono::seconds{21});
        }
        ui.frame();
        ui.frame();
        ASSERT_EQ(f.app.screen(), kiosk::Screen::Attract);
        EXPECT_LE(std::abs(body_px() - standard), 0.5f) << body_px();
        EXPECT_TRUE(drawn_in(ui::standard_palette().bg));
        EXPECT_FALSE(drawn_in(ui::high_contrast_palette().bg));
    }
}

}  // namespace fieldkiosk::testing
