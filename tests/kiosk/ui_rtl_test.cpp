// Right-to-left screens (issue 11): with the text layer drawing, an Arabic question screen is the mirror of the
// English one (recorded widget rectangles), text starts at the right, and the Latin keyboard keeps its order.
#include "kiosk/widgets/widgets.hpp"
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

// A key of the on-screen keyboard ("kb:q", "kb:abc:1:2"); "kb:toggle" (show or hide it) is a screen button.
bool keyboard_key(std::string_view id) { return id.starts_with("kb:") && id != "kb:toggle"; }

core::SurveyPtr scripts_demo() {
    auto r = core::load_survey_file(std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR).parent_path() /
                                    "tests/kiosk/data/scripts_demo.json");
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics.front().to_string());
    return r.survey;
}

// The rectangles of the question `name` in `lang`, as the widgets recorded them.
std::map<std::string, ui::Rect> rects_of(ImVec2 size, const std::string& lang, const std::string& name,
                                         std::vector<ui::DrawnLine>* lines = nullptr) {
    KioskFixture f({}, {scripts_demo()});
    UiDriver ui(f.app, f.clock, size);
    f.app.apply(act::OpenSurvey{"scripts_demo"});
    f.app.apply(act::ChooseLanguage{lang});
    f.app.apply(act::ConsentStart{});
    if (name != "safe") {
        f.app.apply(act::TapChoice{"very"});
        f.app.apply(act::Next{});
    }
    if (name == "name") {
        f.app.apply(act::SetScale{5});
        f.app.apply(act::Next{});
    }
    EXPECT_EQ(f.app.view().question.name, name);
    EXPECT_EQ(f.app.language(), lang);
    ui.frame();
    ui.settle();
    ui.frame();
    std::map<std::string, ui::Rect> out;
    for (const auto& [id, r] : ui::hits().all()) out[id] = r;
    if (lines) *lines = ui::drawn_lines();
    return out;
}

}  // namespace

TEST(UiRightToLeft, ArabicQuestionScreensAreTheMirrorOfEnglish) {
    TextLayerOn on;
    ASSERT_TRUE(fieldkiosk::testing::test_text_layer().loaded());
    for (ImVec2 size : {ImVec2{1080, 1920}, ImVec2{1920, 1080}}) {
        for (const char* q : {"safe", "life", "name"}) {
            const auto en = rects_of(size, "en", q);
            const auto ar = rects_of(size, "ar", q);
            std::size_t compared = 0;
            for (const auto& [id, e] : en) {
                if (keyboard_key(id)) continue;  // the Latin keyboard keeps its order (below)
                const auto it = ar.find(id);
                ASSERT_NE(it, ar.end()) << id << " is missing in Arabic (" << q << ")";
                const ui::Rect& a = it->second;
                EXPECT_NEAR(a.min.x, size.x - e.max.x, 1.0f) << id << " (" << q << ", " << size.x << " wide)";
                // "Hide keyboard" and "Clear" are as wide as their label in each language: their outer edge
                // mirrors, their width is the Arabic label's.
                if (id == "kb:toggle" || id == "text:clear") continue;
                EXPECT_NEAR(a.max.x, size.x - e.min.x, 1.0f) << id << " (" << q << ")";
                ++compared;
            }
            EXPECT_GE(compared, 3u) << q;
            // Back on the right, Continue on the left; same height on the screen.
            EXPECT_GT(ar.at("nav:back").center().x, size.x * 0.5f);
            EXPECT_LT(ar.at("nav:next").center().x, size.x * 0.5f);
            EXPECT_NEAR(ar.at("nav:back").min.y, en.at("nav:back").min.y, 1.0f);
        }
    }
}

TEST(UiRightToLeft, ChoicesAndScaleRunRightToLeft) {
    TextLayerOn on;
    const ImVec2 size{1920, 1080};
    const auto ar = rects_of(size, "ar", "life");
    // The 0-10 scale: 0 at the right, 10 at the left.
    std::vector<std::pair<std::string, ui::Rect>> points;
    for (const auto& [id, r] : ar)
        if (id.find("scale") != std::string::npos || id.starts_with("choice:")) points.emplace_back(id, r);
    ASSERT_GE(points.size(), 11u);
    const auto x_of = [&](const std::string& suffix) {
        for (const auto& [id, r] : points)
            if (id.ends_with(":" + suffix)) return r.center().x;
        ADD_FAILURE() << "no scale point " << suffix;
        return 0.0f;
    };
    EXPECT_GT(x_of("0"), x_of("1"));
    EXPECT_GT(x_of("1"), x_of("10"));
}

TEST(UiRightToLeft, ArabicTextStartsAtTheRightAndEnglishAtTheLeft) {
    TextLayerOn on;
    const ImVec2 size{1080, 1920};
    std::vector<ui::DrawnLine> en_lines, ar_lines;
    (void)rects_of(size, "en", "safe", &en_lines);
    (void)rects_of(size, "ar", "safe", &ar_lines);
    const auto find = [](const std::vector<ui::DrawnLine>& lines, std::string_view start) -> const ui::DrawnLine* {
        for (const auto& l : lines)
            if (l.text.starts_with(start)) return &l;
        return nullptr;
    };
    const ui::DrawnLine* en = find(en_lines, "How safe");
    const ui::DrawnLine* ar = find(ar_lines, "ما مدى");
    ASSERT_NE(en, nullptr);
    ASSERT_NE(ar, nullptr);
    // The English question starts at the left margin; the Arabic one at the right margin, the mirror of it.
    EXPECT_NEAR(ar->rect.max.x, size.x - en->rect.min.x, 1.0f);
    EXPECT_LT(en->rect.min.x, size.x * 0.1f);
}

TEST(UiRightToLeft, TheLatinKeyboardKeepsItsOrderInArabic) {
    TextLayerOn on;
    const ImVec2 size{1080, 1920};
    const auto en = rects_of(size, "en", "name");
    const auto ar = rects_of(size, "ar", "name");
    std::size_t keys = 0;
    for (const auto& [id, e] : en) {
        if (!keyboard_key(id)) continue;
        ASSERT_TRUE(ar.contains(id)) << id;
        EXPECT_NEAR(ar.at(id).min.x, e.min.x, 1.0f) << id;
        ++keys;
    }
    EXPECT_GE(keys, 30u);
}
