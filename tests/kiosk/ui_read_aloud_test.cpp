// Read aloud on screen (kiosk/screens/frame.cpp, language.cpp; docs/read_aloud.md): the speaker and volume buttons
// are touch targets that take room only from the title, so no other control moves; the language screen's switch
// sits opposite Back; a touch elsewhere stops the speech, the speaker's own controls do not; mirrored in Arabic.
#include "kiosk/widgets/widgets.hpp"
#include "tests/kiosk/read_aloud_fixture.hpp"
#include "tests/kiosk/text_layer_on.hpp"
#include "tests/kiosk/ui_driver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

namespace fieldkiosk::testing {
namespace {

namespace act = kiosk::act;
using Hits = std::vector<std::pair<std::string, kiosk::ui::Rect>>;

const ImVec2 k_portrait{1080, 1920}, k_landscape{1920, 1080};

bool is_read_control(std::string_view id) { return id.starts_with("read:"); }

// The recorded rectangles but the read-aloud controls', in drawing order.
Hits others(const Hits& all) {
    Hits out;
    for (const auto& h : all)
        if (!is_read_control(h.first)) out.push_back(h);
    return out;
}

void expect_same_places(const Hits& a, const Hits& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].first, b[i].first);
        EXPECT_FLOAT_EQ(a[i].second.min.x, b[i].second.min.x) << a[i].first;
        EXPECT_FLOAT_EQ(a[i].second.min.y, b[i].second.min.y) << a[i].first;
        EXPECT_FLOAT_EQ(a[i].second.max.x, b[i].second.max.x) << a[i].first;
        EXPECT_FLOAT_EQ(a[i].second.max.y, b[i].second.max.y) << a[i].first;
    }
}

// The first question of food in `lang`, drawn; `audio`: the kiosk has audio for it (else no audio at all).
Hits question_hits(ImVec2 size, const std::string& lang, bool audio) {
    ReadAloudFixture f(audio ? std::vector<std::string>{"en", "ar"} : std::vector<std::string>{});
    UiDriver ui(f.app, f.clock, size);
    f.app.apply(act::OpenSurvey{"food"});
    f.app.apply(act::ChooseLanguage{lang});
    f.app.apply(act::ConsentStart{});
    ui.settle();
    ui.frame();
    EXPECT_EQ(ui.has("read:aloud"), audio);
    return kiosk::ui::hits().all();
}

TEST(UiReadAloud, TheSpeakerAndVolumeButtonsMoveNothingElseInEitherOrientationOrDirection) {
    const TextLayerOn text;  // Arabic is mirrored as in the kiosk
    for (const ImVec2 size : {k_portrait, k_landscape})
        for (const std::string lang : {"en", "ar"}) {
            SCOPED_TRACE(lang + (size.x < size.y ? " portrait" : " landscape"));
            const Hits with = question_hits(size, lang, true), without = question_hits(size, lang, false);
            expect_same_places(others(with), without);
            // In the top bar, clear of the admin corner and of each other.
            std::vector<kiosk::ui::Rect> controls;
            for (const auto& [id, r] : with)
                if (is_read_control(id)) controls.push_back(r);
            ASSERT_EQ(controls.size(), 3U);
            // Beside the language button, toward the title: before it in English, after it (to its left) in Arabic.
            const auto language = std::ranges::find(with, std::string("lang:open"), &Hits::value_type::first);
            ASSERT_NE(language, with.end());
            for (const auto& r : controls) EXPECT_EQ(r.center().x < language->second.center().x, lang == "en");
            for (const auto& r : controls) {
                EXPECT_GE(r.w(), kiosk::ui::theme().target - 0.5f);
                EXPECT_GE(r.h(), kiosk::ui::theme().target - 0.5f);
                EXPECT_GT(r.min.x, kiosk::ui::theme().target * 1.5f);  // the hidden admin corner
                EXPECT_LT(r.max.y, kiosk::ui::theme().target * 1.6f);
                for (const auto& o : controls)
                    if (&o != &r) { EXPECT_FALSE(r.max.x > o.min.x && o.max.x > r.min.x); }
            }
        }
}

TEST(UiReadAloud, TheSpeakerReadsTheVolumeKeepsItGoingAndAChoiceStopsIt) {
    ReadAloudFixture f;
    UiDriver ui(f.app, f.clock, k_portrait);
    f.app.apply(act::OpenSurvey{"food"});
    f.app.apply(act::ChooseLanguage{"en"});
    f.app.apply(act::ConsentStart{});
    for (int i = 0; i < 5 && f.app.view().question.choices.empty(); ++i) f.app.apply(act::Next{});  // past the notes
    ASSERT_FALSE(f.app.view().question.choices.empty());
    ASSERT_TRUE(ui.tap("read:aloud"));
    ASSERT_EQ(f.speech.plays.size(), 1U);
    EXPECT_TRUE(f.speech.playing());
    ASSERT_TRUE(ui.tap("read:louder"));
    EXPECT_EQ(f.app.volume_level(), kiosk::ReadAloudVm::k_default_volume + 1);
    EXPECT_TRUE(f.speech.playing());  // louder, not silenced
    ASSERT_TRUE(ui.tap("read:quieter"));
    EXPECT_EQ(f.app.volume_level(), kiosk::ReadAloudVm::k_default_volume);
    EXPECT_TRUE(f.speech.playing());
    ASSERT_TRUE(ui.tap("read:aloud"));  // "Stop" while reading
    EXPECT_FALSE(f.speech.playing());
    ASSERT_TRUE(ui.tap("read:aloud"));
    EXPECT_TRUE(f.speech.playing());
    ASSERT_TRUE(ui.tap("choice:" + f.app.view().question.choices.front().value));
    EXPECT_FALSE(f.speech.playing());
    EXPECT_EQ(f.speech.plays.size(), 2U);
}

TEST(UiReadAloud, TheLanguageScreensSwitchSitsOppositeBackAndReadsEachNewScreen) {
    const TextLayerOn text;
    for (const std::string lang : {"en", "ar"}) {
        SCOPED_TRACE(lang);
        kiosk::KioskConfig config;
        config.default_language = lang;
        ReadAloudFixture plain(std::vector<std::string>{}, config);
        ReadAloudFixture f({"en", "ar"}, config);
        Hits without;
        {
            UiDriver ui(plain.app, plain.clock, k_portrait);
            plain.app.apply(act::OpenSurvey{"food"});
            ui.settle();
            ui.frame();
            EXPECT_FALSE(ui.has("read:everything"));
            without = kiosk::ui::hits().all();
        }
        UiDriver ui(f.app, f.clock, k_portrait);
        f.app.apply(act::OpenSurvey{"food"});
        ui.settle();
        ui.frame();
        expect_same_places(others(kiosk::ui::hits().all()), without);
        const auto sw = kiosk::ui::hits().find("read:everything"), back = kiosk::ui::hits().find("lang:close");
        ASSERT_TRUE(sw && back);
        EXPECT_FLOAT_EQ(sw->min.y, back->min.y);  // in Back's row
        EXPECT_GT(sw->w(), back->w());            // and larger: easy to find
        ASSERT_TRUE(ui.tap("read:everything"));
        EXPECT_TRUE(f.app.view().read_aloud.everything);
        ASSERT_EQ(f.speech.plays.size(), 1U);  // the spoken prompt after the touch
        ASSERT_TRUE(ui.tap("lang:" + lang));   // a different id each time: choice_hit() keeps the last one across contexts
        EXPECT_EQ(f.app.screen(), kiosk::Screen::Consent);
        ASSERT_EQ(f.speech.plays.size(), 2U);  // the consent screen, by itself
        EXPECT_EQ(f.speech.plays.back().front().filename(), "ui-consent_heading.wav");
    }
}

}  // namespace
}  // namespace fieldkiosk::testing
