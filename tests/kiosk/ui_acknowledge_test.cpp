// The acknowledge question on the kiosk (issue 12): one large tick under the question, labelled in the
// resident's language through the text layer, a touch target in both orientations, mirrored in Arabic;
// Continue waits for the tick when it is required, and the saved answer is "OK" (ODK's value).
#include "kiosk/widgets/widgets.hpp"
#include "tests/kiosk/demo_survey.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/kiosk/text_layer_on.hpp"
#include "tests/kiosk/ui_driver.hpp"

#include <gtest/gtest.h>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::TextLayerOn;
using fieldkiosk::testing::UiDriver;

namespace {

core::SurveyPtr acknowledge_demo() { return fieldkiosk::testing::load_kiosk_demo("acknowledge_demo"); }

void open(KioskFixture& f, const std::string& lang) { fieldkiosk::testing::open_kiosk_demo(f, "acknowledge_demo", lang, "agree"); }

const ui::DrawnLine* line_with(std::string_view text) {
    for (const auto& l : ui::drawn_lines())
        if (l.text == text) return &l;
    return nullptr;
}

}  // namespace

TEST(UiAcknowledge, TheTickIsATargetContinueWaitsForItAndTheAnswerIsOk) {
    TextLayerOn on;
    for (ImVec2 size : {ImVec2{1080, 1920}, ImVec2{1920, 1080}}) {
        SCOPED_TRACE(size.x);
        KioskFixture f({}, {acknowledge_demo()});
        UiDriver ui(f.app, f.clock, size);
        open(f, "en");
        ui.frame();
        ASSERT_TRUE(ui.has("choice:OK"));
        EXPECT_NE(line_with("OK"), nullptr) << "the tick's label is drawn";
        // Required: Continue without the tick stays on the question and says why.
        ASSERT_TRUE(ui.tap("nav:next"));
        EXPECT_EQ(f.app.view().question.name, "agree");
        EXPECT_FALSE(f.app.view().question.error.empty());
        ASSERT_TRUE(ui.tap("choice:OK"));  // tap() checks the 9 mm target
        ASSERT_EQ(f.app.view().question.choices.size(), 1u);
        EXPECT_TRUE(f.app.view().question.choices[0].selected);
        EXPECT_TRUE(f.app.view().question.error.empty());
        // A second tap takes the tick back, once the double-tap guard (300 ms, tap_guard) is over: a tap
        // sooner is a double tap and does nothing.
        ASSERT_TRUE(ui.tap("choice:OK"));
        EXPECT_TRUE(f.app.view().question.choices[0].selected);
        for (int i = 0; i < 30; ++i) ui.frame();
        ASSERT_TRUE(ui.tap("choice:OK"));
        EXPECT_FALSE(f.app.view().question.choices[0].selected);
        for (int i = 0; i < 30; ++i) ui.frame();
        ASSERT_TRUE(ui.tap("choice:OK"));
        ASSERT_TRUE(ui.tap("nav:next"));
        EXPECT_EQ(f.app.view().question.name, "life");
        f.app.apply(act::SetScale{7});
        f.app.apply(act::Next{});
        const auto saved = f.saved();
        ASSERT_EQ(saved.size(), 1u);
        EXPECT_EQ(saved[0]["answers"]["agree"], "OK");
    }
}

TEST(UiAcknowledge, InArabicTheTickIsTheMirrorOfEnglishAndSaysItInArabic) {
    TextLayerOn on;
    ASSERT_TRUE(fieldkiosk::testing::test_text_layer().loaded());
    for (ImVec2 size : {ImVec2{1080, 1920}, ImVec2{1920, 1080}}) {
        SCOPED_TRACE(size.x);
        ui::Rect en_rect, ar_rect;
        for (const char* lang : {"en", "ar"}) {
            KioskFixture f({}, {acknowledge_demo()});
            UiDriver ui(f.app, f.clock, size);
            open(f, lang);
            ui.frame();
            ui.settle();
            ui.frame();
            const auto r = ui::hits().find("choice:OK");
            ASSERT_TRUE(r.has_value()) << lang;
            (std::string_view(lang) == "en" ? en_rect : ar_rect) = *r;
            if (std::string_view(lang) == "ar") {
                const ui::DrawnLine* label = line_with("موافق");
                ASSERT_NE(label, nullptr) << "the tick's Arabic label is drawn";
                EXPECT_GT(label->rect.center().x, size.x * 0.5f) << "Arabic starts at the right";
            }
        }
        EXPECT_NEAR(ar_rect.min.x, size.x - en_rect.max.x, 1.0f);
        EXPECT_NEAR(ar_rect.max.x, size.x - en_rect.min.x, 1.0f);
        EXPECT_NEAR(ar_rect.min.y, en_rect.min.y, 1.0f);
    }
}
