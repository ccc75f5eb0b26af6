// The rank question on the kiosk (issue 12): the choices as large buttons, each tap giving the next place,
// shown as a number in the choice's square through the text layer; a second tap takes it out; targets of
// 9 mm in both orientations; mirrored in Arabic. The saved answer is the values in the resident's order.
#include "kiosk/widgets/widgets.hpp"
#include "tests/kiosk/demo_survey.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/kiosk/text_layer_on.hpp"
#include "tests/kiosk/ui_driver.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::TextLayerOn;
using fieldkiosk::testing::UiDriver;

namespace {

core::SurveyPtr rank_demo() { return fieldkiosk::testing::load_kiosk_demo("rank_demo"); }

void open(KioskFixture& f, const std::string& lang) { fieldkiosk::testing::open_kiosk_demo(f, "rank_demo", lang, "priorities"); }

// The places shown, by choice value (0: none).
std::map<std::string, int> places(KioskFixture& f) {
    std::map<std::string, int> out;
    for (const auto& c : f.app.view().question.choices) out[c.value] = c.rank;
    return out;
}

// A number drawn inside the rectangle of `id`.
bool number_in(const std::string& id, const std::string& number) {
    const auto r = ui::hits().find(id);
    if (!r) return false;
    for (const auto& l : ui::drawn_lines())
        if (l.text == number && r->contains(l.rect.center())) return true;
    return false;
}

}  // namespace

TEST(UiRank, TapsGivePlacesInOrderASecondTapTakesOneOutAndTheOrderIsSaved) {
    TextLayerOn on;
    for (ImVec2 size : {ImVec2{1080, 1920}, ImVec2{1920, 1080}}) {
        SCOPED_TRACE(size.x);
        KioskFixture f({}, {rank_demo()});
        UiDriver ui(f.app, f.clock, size);
        open(f, "en");
        ui.frame();
        EXPECT_EQ(f.app.view().question.hint, "Tap the options in order, the most important first. Tap one again to take it out.");
        ASSERT_TRUE(ui.tap("nav:next"));  // required: nothing placed yet
        EXPECT_EQ(f.app.view().question.name, "priorities");
        ASSERT_TRUE(ui.tap("choice:housing"));
        ASSERT_TRUE(ui.tap("choice:buses"));
        ASSERT_TRUE(ui.tap("choice:parks"));
        EXPECT_EQ(places(f), (std::map<std::string, int>{{"housing", 1}, {"buses", 2}, {"parks", 3}, {"youth", 0}}));
        ui.frame();
        EXPECT_TRUE(number_in("choice:housing", "1"));
        EXPECT_TRUE(number_in("choice:parks", "3"));
        for (int i = 0; i < 30; ++i) ui.frame();  // past the double-tap guard (300 ms) of the same choice
        ASSERT_TRUE(ui.tap("choice:buses"));      // out: parks moves up to 2
        EXPECT_EQ(places(f), (std::map<std::string, int>{{"housing", 1}, {"buses", 0}, {"parks", 2}, {"youth", 0}}));
        ASSERT_TRUE(ui.tap("choice:youth"));
        for (int i = 0; i < 30; ++i) ui.frame();
        ASSERT_TRUE(ui.tap("choice:buses"));
        ui.frame();
        EXPECT_TRUE(number_in("choice:buses", "4"));
        ASSERT_TRUE(ui.tap("nav:next"));
        EXPECT_EQ(f.app.view().question.name, "life");
        f.app.apply(act::SetScale{4});
        f.app.apply(act::Next{});
        const auto saved = f.saved();
        ASSERT_EQ(saved.size(), 1u);
        EXPECT_EQ(saved[0]["answers"]["priorities"], nlohmann::json({"housing", "parks", "youth", "buses"}));
    }
}

TEST(UiRank, InArabicTheChoicesAreTheMirrorOfEnglishWithTheirPlaces) {
    TextLayerOn on;
    ASSERT_TRUE(fieldkiosk::testing::test_text_layer().loaded());
    for (ImVec2 size : {ImVec2{1080, 1920}, ImVec2{1920, 1080}}) {
        SCOPED_TRACE(size.x);
        std::map<std::string, ui::Rect> en, ar;
        for (const char* lang : {"en", "ar"}) {
            KioskFixture f({}, {rank_demo()});
            UiDriver ui(f.app, f.clock, size);
            open(f, lang);
            f.app.apply(act::TapChoice{"youth"});
            ui.frame();
            ui.settle();
            ui.frame();
            auto& out = std::string_view(lang) == "en" ? en : ar;
            for (const auto& [id, r] : ui::hits().all())
                if (id.starts_with("choice:")) out[id] = r;
            EXPECT_TRUE(number_in("choice:youth", "1")) << lang;
        }
        ASSERT_EQ(en.size(), 4u);
        for (const auto& [id, e] : en) {
            ASSERT_TRUE(ar.contains(id)) << id;
            EXPECT_NEAR(ar.at(id).min.x, size.x - e.max.x, 1.0f) << id;
            EXPECT_NEAR(ar.at(id).max.x, size.x - e.min.x, 1.0f) << id;
        }
    }
}
