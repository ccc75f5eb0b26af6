// A select with a choice_filter on the kiosk (issue 12): only the wards of the borough chosen before are
// buttons; changing the borough clears a ward that is no longer offered; a borough with no wards says so in
// words instead of an empty list (and not "Choose one answer" above it), and Continue passes the required question.
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

std::vector<std::string> shown(KioskFixture& f) {
    std::vector<std::string> out;
    for (const auto& c : f.app.view().question.choices) out.push_back(c.value);
    return out;
}

bool drawn(std::string_view text) {
    for (const auto& l : ui::drawn_lines())
        if (l.text.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(UiChoiceFilter, OnlyTheFilteredChoicesAreShownAStaleOneIsClearedAndNoneSaysSo) {
    TextLayerOn on;
    KioskFixture f({}, {fieldkiosk::testing::load_kiosk_demo("filter_demo")});
    UiDriver ui(f.app, f.clock, ImVec2{1080, 1920});
    fieldkiosk::testing::open_kiosk_demo(f, "filter_demo", "en", "borough");
    ASSERT_TRUE(ui.tap("choice:camden"));
    ASSERT_TRUE(ui.tap("nav:next"));
    ASSERT_EQ(f.app.view().question.name, "ward");
    EXPECT_EQ(shown(f), (std::vector<std::string>{"kentish_town", "gospel_oak"}));
    ui.frame();
    EXPECT_TRUE(ui::hits().find("choice:gospel_oak"));
    EXPECT_FALSE(ui::hits().find("choice:highbury"));
    EXPECT_TRUE(drawn("Choose one answer"));  // how to answer, while there is something to choose
    EXPECT_TRUE(f.app.view().question.no_choices.empty());
    ASSERT_TRUE(ui.tap("choice:gospel_oak"));

    ASSERT_TRUE(ui.tap("nav:back"));  // another borough: Gospel Oak is not in Islington
    ASSERT_TRUE(ui.tap("choice:islington"));
    ASSERT_TRUE(ui.tap("nav:next"));
    ASSERT_EQ(f.app.view().question.name, "ward");
    EXPECT_EQ(shown(f), (std::vector<std::string>{"highbury"}));
    EXPECT_FALSE(f.app.view().question.choices.front().selected);
    ASSERT_TRUE(ui.tap("nav:next"));  // required, and nothing is chosen any more
    EXPECT_EQ(f.app.view().question.name, "ward");

    ASSERT_TRUE(ui.tap("nav:back"));  // a borough with no wards in the list
    ASSERT_TRUE(ui.tap("choice:hackney"));
    ASSERT_TRUE(ui.tap("nav:next"));
    ASSERT_EQ(f.app.view().question.name, "ward");
    EXPECT_TRUE(shown(f).empty());
    EXPECT_EQ(f.app.view().question.no_choices, "No answer here fits what you said before. Tap Continue to go on.");
    ui.frame();
    EXPECT_TRUE(drawn("No answer here fits"));
    EXPECT_FALSE(drawn("Choose one answer")) << "nothing to choose: only \"No answer here fits\" is said";
    ASSERT_TRUE(ui.tap("nav:next"));  // passes, unanswered
    ASSERT_EQ(f.app.view().question.name, "life");
    f.app.apply(act::SetScale{7});
    f.app.apply(act::Next{});
    const auto saved = f.saved();
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0]["answers"]["borough"], "hackney");
    EXPECT_FALSE(saved[0]["answers"].contains("ward"));
}
