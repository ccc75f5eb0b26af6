// Survey updates in the kiosk's app state machine (App::offer_surveys): a new version takes effect only
// when no respondent is mid-survey; a walk in progress finishes on the version it started with.
#include "kiosk/app/app.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::answer_and_next;
using fieldkiosk::testing::enter_pin;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::open_drafts;
using fieldkiosk::testing::start_walk;
using fieldkiosk::testing::test_pin_hash;
using std::chrono::seconds;

namespace {

const std::filesystem::path k_defs = FIELDKIOSK_SURVEY_DEFS_DIR;

// The shipped food survey as version `version`, with its title changed so a screen shows which one it is.
core::SurveyPtr food_version(const std::string& version, const std::string& title) {
    std::ifstream in(k_defs / "food.json");
    auto j = nlohmann::json::parse(in);
    j["version"] = version;
    j["title"]["en"] = title;
    auto r = core::load_survey_text(j.dump(), k_defs / "food.json");  // includes resolve from survey_defs/
    EXPECT_TRUE(r.ok());
    return r.survey;
}

std::vector<core::SurveyPtr> shipped_plus(core::SurveyPtr extra) {
    auto all = fieldkiosk::testing::shipped_surveys();
    all.push_back(std::move(extra));
    return all;
}

void finish_walk(KioskFixture& f) {
    for (int i = 0; i < 300 && f.app.screen() == Screen::Question; ++i) answer_and_next(f);
    ASSERT_EQ(f.app.screen(), Screen::Thanks);
}

std::string tile_title(const ViewModel& v, const std::string& id) {
    for (const auto& t : v.tiles)
        if (t.survey_id == id) return t.title;
    return "(no tile)";
}

}  // namespace

TEST(KioskSurveyUpdate, OnTheAttractScreenANewVersionTakesEffectAtOnce) {
    KioskFixture f;
    ASSERT_TRUE(f.app.offer_surveys(shipped_plus(food_version("2026.2", "Food v2"))));
    EXPECT_FALSE(f.app.surveys_pending());
    EXPECT_EQ(tile_title(f.app.view(), "food"), "Food v2");
    ASSERT_EQ(f.app.surveys().size(), 5u);  // one per id: the newest
    start_walk(f, "food");
    EXPECT_EQ(f.app.session()->survey().version, "2026.2");
    // The same ids and versions again: nothing to do.
    EXPECT_FALSE(f.app.offer_surveys(shipped_plus(food_version("2026.2", "Food v2"))));
}

TEST(KioskSurveyUpdate, ARespondentMidSurveyFinishesOnTheOldVersionAndTheNextRespondentGetsTheNew) {
    KioskFixture f;
    start_walk(f, "food");
    answer_and_next(f);
    answer_and_next(f);
    const core::Survey* walking = &f.app.session()->survey();
    ASSERT_TRUE(f.app.offer_surveys(shipped_plus(food_version("2026.2", "Food v2"))));
    EXPECT_TRUE(f.app.surveys_pending());  // a respondent is mid-survey: it waits
    f.app.tick();
    EXPECT_TRUE(f.app.surveys_pending());
    EXPECT_EQ(&f.app.session()->survey(), walking);  // the Session holds its own SurveyPtr: nothing dangles
    EXPECT_EQ(f.app.session()->survey().version, "2026.1");
    finish_walk(f);
    if (HasFatalFailure()) return;
    auto saved = f.saved();
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0]["survey_version"], "2026.1");
    EXPECT_TRUE(f.app.surveys_pending());  // still this respondent's thank-you screen
    f.clock.advance(seconds{16});
    f.app.tick();
    ASSERT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_FALSE(f.app.surveys_pending());
    EXPECT_EQ(tile_title(f.app.view(), "food"), "Food v2");
    start_walk(f, "food");
    EXPECT_EQ(f.app.session()->survey().version, "2026.2");
    finish_walk(f);
    if (HasFatalFailure()) return;
    saved = f.saved();
    ASSERT_EQ(saved.size(), 2u);
    int v2 = 0;
    for (const auto& s : saved) v2 += s["survey_version"] == "2026.2" ? 1 : 0;
    EXPECT_EQ(v2, 1);
}

TEST(KioskSurveyUpdate, AnUpdateWaitingForARespondentWhoWalksAwayTakesEffectWhenTheWalkIsWiped) {
    KioskFixture f;
    start_walk(f, "food");
    answer_and_next(f);
    ASSERT_TRUE(f.app.offer_surveys(shipped_plus(food_version("2026.2", "Food v2"))));
    EXPECT_TRUE(f.app.surveys_pending());
    f.clock.advance(seconds{60});
    f.app.tick();
    ASSERT_TRUE(f.app.idle_prompt());
    EXPECT_TRUE(f.app.surveys_pending());
    f.clock.advance(seconds{20});
    f.app.tick();
    ASSERT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_FALSE(f.app.surveys_pending());
    EXPECT_EQ(tile_title(f.app.view(), "food"), "Food v2");
}

TEST(KioskSurveyUpdate, ChoosingASurveyOnTheAttractScreenAlreadyHoldsTheUpdateBack) {
    KioskFixture f;
    f.app.apply(act::OpenSurvey{"food"});
    ASSERT_NE(f.app.screen(), Screen::Attract);
    ASSERT_TRUE(f.app.offer_surveys(shipped_plus(food_version("2026.2", "Food v2"))));
    EXPECT_TRUE(f.app.surveys_pending());  // the consent screen shows v1's title: the walk starts on v1
    if (f.app.screen() == Screen::Language) f.app.apply(act::ChooseLanguage{"en"});
    f.app.apply(act::ConsentStart{});
    ASSERT_EQ(f.app.screen(), Screen::Question);
    EXPECT_EQ(f.app.session()->survey().version, "2026.1");
}

TEST(KioskSurveyUpdate, KnownSurveysKeepTheirOnOffStateAndNewOnesFollowTheirOwnFlag) {
    KioskFixture f;
    EXPECT_EQ(f.app.enabled_survey_ids(), (std::vector<std::string>{"food", "safety", "youth"}));
    std::ifstream in(k_defs / "estates.json");
    auto estates = nlohmann::json::parse(in);
    estates["version"] = "2026.2";
    estates["enabled"] = true;  // off on this kiosk (its shipped flag): stays off until staff switch it on
    auto extra = estates;
    extra["survey"] = "estates_extra";  // an id the kiosk has never seen: its own flag decides
    auto all = fieldkiosk::testing::shipped_surveys();
    for (const auto& j : {estates, extra}) {
        auto r = core::load_survey_text(j.dump(), k_defs / "estates.json");
        ASSERT_TRUE(r.ok());
        all.push_back(r.survey);
    }
    ASSERT_TRUE(f.app.offer_surveys(all));
    EXPECT_EQ(f.app.enabled_survey_ids(), (std::vector<std::string>{"estates_extra", "food", "safety", "youth"}));
}

TEST(KioskSurveyUpdate, AnAssistedDraftStartedOnTheOldVersionResumesOnIt) {
    KioskConfig c;
    c.mode = core::Mode::Assisted;
    c.pin_hash = test_pin_hash();
    c.worker = "Amina";
    KioskFixture f(c);
    start_walk(f, "food");
    answer_and_next(f);
    const std::string id = f.app.session()->id();
    f.clock.advance(seconds{60});
    f.app.tick();
    f.clock.advance(seconds{20});
    f.app.tick();
    ASSERT_EQ(f.app.screen(), Screen::Attract);  // kept as a draft
    ASSERT_TRUE(f.app.offer_surveys(shipped_plus(food_version("2026.2", "Food v2"))));
    EXPECT_FALSE(f.app.surveys_pending());
    open_drafts(f);
    f.app.apply(act::ResumeDraft{id});
    ASSERT_EQ(f.app.screen(), Screen::Question) << f.app.view().drafts.message;
    EXPECT_EQ(f.app.session()->survey().version, "2026.1");
}

TEST(KioskSurveyUpdate, TheAdminPanelSaysWhichVersionsRunAndWhenTheyCame) {
    KioskFixture f;
    const auto surveys_line = [&] {
        for (const auto& l : f.app.view().admin.stats_lines)
            if (l.starts_with("Surveys:")) return l;
        return std::string("(none)");
    };
    ASSERT_TRUE(f.app.go_to("admin:panel"));
    EXPECT_EQ(surveys_line().find("(updated"), std::string::npos) << surveys_line();  // nothing downloaded yet
    EXPECT_NE(surveys_line().find("food v2026.1"), std::string::npos) << surveys_line();
    ASSERT_TRUE(f.app.offer_surveys(shipped_plus(food_version("2026.2", "Food v2"))));
    EXPECT_NE(surveys_line().find("food v2026.2"), std::string::npos) << surveys_line();
    EXPECT_NE(surveys_line().find("(updated "), std::string::npos) << surveys_line();
}

TEST(KioskSurveyUpdate, AFailedSurveyUpdateShowsOnTheAdminPanelUnderSync) {
    KioskFixture f;
    SyncStatusVm s;
    s.state = SyncStatusVm::State::UpToDate;
    s.survey_error = "Survey updates: 'food' version '2026.2' was refused: its SHA-256 is 00, the list said 11";
    f.app.set_sync_status(s);
    ASSERT_TRUE(f.app.go_to("admin:panel"));
    const auto lines = f.app.view().admin.sync_lines;
    EXPECT_NE(std::find(lines.begin(), lines.end(), s.survey_error), lines.end());
    EXPECT_EQ(lines.front(), "Sync: up to date");  // responses are unaffected
}
