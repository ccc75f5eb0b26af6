// The date question on the kiosk (issue 12): day, month and year steppers, no keyboard, targets of 9 mm in
// both orientations, the month in words through the text layer, mirrored in Arabic. The first touch of a part
// takes today's from the injected clock (FakeClock: 2027-01-15 08:00 UTC) in a fixed UTC zone, never the real
// date; the saved answer is ISO `YYYY-MM-DD`.
#include "kiosk/widgets/widgets.hpp"
#include "tests/kiosk/demo_survey.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/kiosk/text_layer_on.hpp"
#include "tests/kiosk/ui_driver.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::TextLayerOn;
using fieldkiosk::testing::UiDriver;

namespace {

core::SurveyPtr date_demo() { return fieldkiosk::testing::load_kiosk_demo("date_demo"); }

const FixedOffsetZone k_utc;

void open(KioskFixture& f, const std::string& lang) {
    f.app.set_time_zone(k_utc);
    fieldkiosk::testing::open_kiosk_demo(f, "date_demo", lang, "moved_in");
}

const ui::DrawnLine* line_with(std::string_view text) {
    for (const auto& l : ui::drawn_lines())
        if (l.text == text) return &l;
    return nullptr;
}

std::string date_shown(KioskFixture& f) {
    const auto v = f.app.view().question.date;
    if (v[0] == 0 || v[1] == 0 || v[2] == 0) return {};
    char iso[48];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", v[2], v[1], v[0]);
    return iso;
}

}  // namespace

TEST(UiDate, StepsFromTodayByTouchAndSavesAnIsoDate) {
    TextLayerOn on;
    for (ImVec2 size : {ImVec2{1080, 1920}, ImVec2{1920, 1080}}) {
        SCOPED_TRACE(size.x);
        KioskFixture f({}, {date_demo()});
        UiDriver ui(f.app, f.clock, size);
        open(f, "en");
        ui.frame();
        for (const char* id : {"date:day:+1", "date:day:-1", "date:month:+1", "date:month:-1", "date:year:+1", "date:year:-1",
                               "date:year:+10", "date:year:-10"})
            EXPECT_TRUE(ui.has(id)) << id;
        EXPECT_NE(line_with("Day"), nullptr);
        EXPECT_NE(line_with("Month"), nullptr);
        EXPECT_NE(line_with("Year"), nullptr);
        // Required: nothing chosen, Continue stays.
        ASSERT_TRUE(ui.tap("nav:next"));
        EXPECT_EQ(f.app.view().question.name, "moved_in");
        // The first touch of each part takes today's (the fake clock's), whichever way it points.
        ASSERT_TRUE(ui.tap("date:day:-1"));
        EXPECT_EQ(f.app.view().question.date[0], 15);
        ASSERT_TRUE(ui.tap("date:month:+1"));
        EXPECT_EQ(date_shown(f), "");  // no year yet: no answer
        ASSERT_TRUE(ui.tap("date:year:+1"));
        EXPECT_EQ(date_shown(f), "2027-01-15");
        EXPECT_NE(line_with("January"), nullptr) << "the month in words";
        // Ten years back twice, a month back (round to December), a day back.
        ASSERT_TRUE(ui.tap("date:year:-10"));
        ASSERT_TRUE(ui.tap("date:year:-10"));
        ASSERT_TRUE(ui.tap("date:month:-1"));
        ASSERT_TRUE(ui.tap("date:day:-1"));
        EXPECT_EQ(date_shown(f), "2007-12-14");
        ui.frame();
        EXPECT_NE(line_with("December"), nullptr);
        ASSERT_TRUE(ui.tap("nav:next"));
        EXPECT_EQ(f.app.view().question.name, "life");
        // Back: the chosen date is shown again.
        ASSERT_TRUE(ui.tap("nav:back"));
        EXPECT_EQ(date_shown(f), "2007-12-14");
        ASSERT_TRUE(ui.tap("nav:next"));
        f.app.apply(act::SetScale{6});
        f.app.apply(act::Next{});
        const auto saved = f.saved();
        ASSERT_EQ(saved.size(), 1u);
        EXPECT_EQ(saved[0]["answers"]["moved_in"], "2007-12-14");
    }
}

TEST(UiDate, ADayTheMonthLacksBecomesItsLastAndTheConstraintSeesTheDate) {
    KioskFixture f({}, {date_demo()});
    open(f, "en");
    f.app.apply(act::StepDate{0, 1});  // 15
    for (int i = 0; i < 16; ++i) f.app.apply(act::StepDate{0, 1});
    EXPECT_EQ(f.app.view().question.date[0], 31);
    f.app.apply(act::StepDate{0, 1});  // after 31 comes 1
    EXPECT_EQ(f.app.view().question.date[0], 1);
    f.app.apply(act::StepDate{0, -1});
    EXPECT_EQ(f.app.view().question.date[0], 31);
    f.app.apply(act::StepDate{1, 1});   // January
    f.app.apply(act::StepDate{1, 1});   // February
    f.app.apply(act::StepDate{2, 1});   // 2027
    f.app.apply(act::StepDate{2, -1});  // 2026: not a leap year
    EXPECT_EQ(date_shown(f), "2026-02-28");
    f.app.apply(act::StepDate{2, -1});  // 2025
    f.app.apply(act::StepDate{2, -1});  // 2024: a leap year, but the day was made 28 already
    EXPECT_EQ(date_shown(f), "2024-02-28");
    f.app.apply(act::StepDate{0, 1});
    EXPECT_EQ(date_shown(f), "2024-02-29");
    f.app.apply(act::StepDate{0, 1});  // round within February 2024
    EXPECT_EQ(date_shown(f), "2024-02-01");
    // The survey's constraint (". >= '1950-01-01' and . <= '2030-12-31'") compares dates.
    for (int i = 0; i < 8; ++i) f.app.apply(act::StepDate{2, -10});  // 1944
    EXPECT_EQ(date_shown(f), "1944-02-01");
    f.app.apply(act::Next{});
    EXPECT_EQ(f.app.view().question.name, "moved_in");
    EXPECT_EQ(f.app.view().question.error, "Choose a date between 1950 and 2030.");
    f.app.apply(act::StepDate{2, 10});
    f.app.apply(act::Next{});
    EXPECT_EQ(f.app.view().question.name, "life");
}

TEST(UiDate, InArabicTheStepsAreTheMirrorOfEnglishWithTheMonthInArabic) {
    TextLayerOn on;
    ASSERT_TRUE(fieldkiosk::testing::test_text_layer().loaded());
    for (ImVec2 size : {ImVec2{1080, 1920}, ImVec2{1920, 1080}}) {
        SCOPED_TRACE(size.x);
        std::map<std::string, ui::Rect> en, ar;
        for (const char* lang : {"en", "ar"}) {
            KioskFixture f({}, {date_demo()});
            UiDriver ui(f.app, f.clock, size);
            open(f, lang);
            f.app.apply(act::StepDate{1, 1});
            ui.frame();
            ui.settle();
            ui.frame();
            auto& out = std::string_view(lang) == "en" ? en : ar;
            for (const auto& [id, r] : ui::hits().all())
                if (id.starts_with("date:")) out[id] = r;
            if (std::string_view(lang) == "ar") {
                EXPECT_NE(line_with("يناير"), nullptr) << "January in Arabic";
                EXPECT_NE(line_with("اليوم"), nullptr) << "Day in Arabic";
            }
        }
        ASSERT_EQ(en.size(), 8u);
        for (const auto& [id, e] : en) {
            ASSERT_TRUE(ar.contains(id)) << id;
            EXPECT_NEAR(ar.at(id).min.x, size.x - e.max.x, 1.0f) << id;
            EXPECT_NEAR(ar.at(id).min.y, e.min.y, 1.0f) << id;
        }
        EXPECT_GT(ar.at("date:day:+1").center().x, ar.at("date:year:+1").center().x) << "the day at the right";
    }
}
