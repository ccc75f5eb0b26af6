// The kiosk's App on the resident's walk (kiosk/app/app_respondent.cpp): tiles to consent, answers, typing,
// Back, saving, closing notes, start again. A fake clock; no ImGui, no SDL.
#include "tests/kiosk/app_steps.hpp"

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using namespace fieldkiosk::testing;  // KioskFixture (kiosk_fixture.hpp), start, idle_out (app_steps.hpp)
using std::chrono::seconds;

TEST(KioskApp, TileGoesToLanguageThenConsentInTheChosenLanguage) {
    KioskFixture f;
    f.app.apply(act::OpenSurvey{"safety"});
    EXPECT_EQ(f.app.screen(), Screen::Language);
    const auto v = f.app.view();
    ASSERT_EQ(v.languages.items.size(), 9u);  // en es pt fr so, and the drafts bn ar zh-Hans sq
    EXPECT_EQ(v.languages.items[1].name, "Español");
    EXPECT_TRUE(v.languages.items[0].current);
    f.app.apply(act::ChooseLanguage{"es"});
    EXPECT_EQ(f.app.screen(), Screen::Consent);
    EXPECT_EQ(f.app.language(), "es");
    EXPECT_EQ(f.app.view().survey_title, "Sentirse seguro/a en Camden");
    f.app.apply(act::ConsentStart{});
    EXPECT_EQ(f.app.session()->language(), "es");
}

TEST(KioskApp, AskLanguageOffGoesStraightToConsent) {
    KioskConfig c;
    c.ask_language = false;
    KioskFixture f(c);
    f.app.apply(act::OpenSurvey{"food"});
    EXPECT_EQ(f.app.screen(), Screen::Consent);
}

TEST(KioskApp, LanguageButtonOnAttractReturnsToAttract) {
    KioskFixture f;
    f.app.apply(act::OpenLanguage{});
    EXPECT_EQ(f.app.screen(), Screen::Language);
    f.app.apply(act::ChooseLanguage{"fr"});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.app.view().tiles[0].title, "L'alimentation à Camden");
    f.app.apply(act::OpenLanguage{});
    f.app.apply(act::CloseLanguage{});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.app.language(), "fr");
}

TEST(KioskApp, NoThanksReturnsToAttractWithNothingStartedOrCounted) {
    KioskFixture f;
    f.app.apply(act::OpenSurvey{"food"});
    f.app.apply(act::ChooseLanguage{"pt"});
    f.app.apply(act::ShowFullPrivacy{true});
    EXPECT_TRUE(f.app.view().full_privacy);
    f.app.apply(act::ShowFullPrivacy{false});
    EXPECT_FALSE(f.app.view().full_privacy);
    f.app.apply(act::ConsentDecline{});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.app.session(), nullptr);
    EXPECT_EQ(f.app.language(), "en");  // the next person starts in the default language
    auto st = f.store_opened->stats();
    EXPECT_TRUE(st->dropoffs.empty());
}

TEST(KioskApp, ChoicesNextAndBackMoveThroughTheSession) {
    KioskFixture f;
    start(f);
    EXPECT_EQ(f.app.view().question.name, "food_intro");
    f.app.apply(act::Back{});  // from the first question: back to the notice
    EXPECT_EQ(f.app.screen(), Screen::Consent);
    f.app.apply(act::ConsentStart{});
    f.app.apply(act::Next{});
    EXPECT_EQ(f.app.view().question.name, "fies_worried");
    f.app.apply(act::TapChoice{"no"});
    auto v = f.app.view();
    EXPECT_TRUE(v.question.choices[1].selected);
    EXPECT_EQ(v.question.position, 1u);  // the intro note is not a question
    f.app.apply(act::Next{});
    EXPECT_EQ(f.app.view().question.name, "fies_healthy");
    f.app.apply(act::Back{});
    EXPECT_EQ(f.app.view().question.name, "fies_worried");
    EXPECT_TRUE(f.app.view().question.choices[1].selected);  // kept
}

TEST(KioskApp, InvalidChoiceShowsTheEnginesMessage) {
    KioskFixture f;
    start(f);
    f.app.apply(act::Next{});
    f.app.apply(act::TapChoice{"not_a_choice"});
    EXPECT_FALSE(f.app.view().question.error.empty());
    f.app.apply(act::TapChoice{"yes"});
    EXPECT_TRUE(f.app.view().question.error.empty());
}

TEST(KioskApp, LanguageSwitchMidSurveyKeepsEveryAnswer) {
    KioskFixture f;
    start(f, "youth");
    for (int i = 0; i < 4; ++i) answer_and_next(f);
    const auto before = f.app.session()->snapshot()["answers"];
    const std::string id = f.app.session()->id();
    const std::string label_en = f.app.view().question.label;
    f.app.apply(act::OpenLanguage{});
    EXPECT_EQ(f.app.screen(), Screen::Language);
    f.app.apply(act::ChooseLanguage{"so"});
    EXPECT_EQ(f.app.screen(), Screen::Question);
    EXPECT_EQ(f.app.session()->id(), id);
    EXPECT_EQ(f.app.session()->language(), "so");
    EXPECT_NE(f.app.view().question.label, label_en);
    EXPECT_EQ(f.app.session()->snapshot()["answers"], before);
    f.app.apply(act::Back{});
    EXPECT_EQ(f.app.session()->snapshot()["answers"], before);
}

TEST(KioskApp, WriteInIsTypedIntoTheChosenOtherChoice) {
    KioskFixture f;
    ASSERT_TRUE(f.app.go_to("question:food:food_sources"));
    f.app.apply(act::TapChoice{"other"});
    EXPECT_TRUE(f.app.view().question.write_in);
    f.app.apply(act::TypeText{"M"});
    f.app.apply(act::TypeText{"é"});
    f.app.apply(act::TypeText{"x"});
    f.app.apply(act::Backspace{});
    EXPECT_EQ(f.app.view().question.write_in_text, "Mé");
    const auto* a = f.app.session()->current_answer();
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->write_in, "Mé");
}

// Clear (the review of issue 16): one action empties what is being typed — a full write-in, a text answer,
// a number — by the same rules as typing; it does nothing under the start-again question or the idle prompt.
TEST(KioskApp, ClearEmptiesAWriteInATextAnswerAndANumberInOneAction) {
    KioskFixture f;
    ASSERT_TRUE(f.app.go_to("question:food:food_sources:other"));
    std::string full;
    for (int i = 0; i < 200; ++i) full += "é";
    f.app.apply(act::TypeText{full});
    f.app.apply(act::TypeText{"x"});  // one too many: refused, and the counter says it is full
    EXPECT_TRUE(f.app.view().question.limit_reached);
    f.app.apply(act::StartAgain{});
    f.app.apply(act::ClearText{});  // the dialog is open: nothing changes under it
    EXPECT_EQ(f.app.view().question.write_in_text, full);
    f.app.apply(act::StartAgainConfirm{false});
    f.app.apply(act::ClearText{});
    EXPECT_EQ(f.app.view().question.write_in_text, "");
    EXPECT_FALSE(f.app.view().question.limit_reached);
    const auto* a = f.app.session()->current_answer();
    ASSERT_NE(a, nullptr);  // "other" stays chosen; only its words are gone
    EXPECT_EQ(a->write_in, "");
    f.app.apply(act::TypeText{"ok"});
    EXPECT_EQ(f.app.view().question.write_in_text, "ok");

    KioskFixture w({}, {fieldkiosk::testing::widgets_demo()});
    ASSERT_TRUE(w.app.go_to("question:widgets_demo:nickname"));
    w.app.apply(act::TypeText{"Zoë's place"});
    w.app.apply(act::ClearText{});
    EXPECT_EQ(w.app.view().question.text, "");
    w.app.apply(act::Next{});  // required: an empty answer is refused as if nothing had been typed
    EXPECT_FALSE(w.app.view().question.error.empty());
    EXPECT_EQ(w.app.view().question.name, "nickname");
    w.app.apply(act::TypeText{"Zoë"});
    w.app.apply(act::Next{});
    ASSERT_EQ(w.app.view().question.name, "people");
    w.app.apply(act::TypeText{"42"});
    w.clock.advance(seconds{60});  // the idle prompt is up: Clear does nothing under it
    w.app.tick();
    ASSERT_TRUE(w.app.idle_prompt());
    w.app.apply(act::ClearText{});
    ASSERT_NE(w.app.session()->current_answer(), nullptr);  // (the prompt hides it from the view)
    EXPECT_EQ(w.app.session()->current_answer()->to_display(), "42");
    w.app.apply(act::StillHere{});
    EXPECT_EQ(w.app.view().question.text, "42");
    w.app.apply(act::ClearText{});
    EXPECT_EQ(w.app.view().question.text, "");
    EXPECT_EQ(w.app.session()->current_answer(), nullptr);
}

// Issue 16, minor: write-ins stopped silently at 200 characters. The view counts the characters and says
// when a key was refused because the box is full; no error box (it would move the keyboard).
TEST(KioskApp, AFullWriteInSaysSoAndCountsCharacters) {
    KioskFixture f;
    ASSERT_TRUE(f.app.go_to("question:food:food_sources:other"));
    for (int i = 0; i < 199; ++i) f.app.apply(act::TypeText{"a"});
    f.app.apply(act::TypeText{"é"});
    auto q = f.app.view().question;
    EXPECT_EQ(q.typed_length, 200u);  // characters, not bytes
    EXPECT_EQ(q.max_length, 200);
    EXPECT_FALSE(q.limit_reached);
    f.app.apply(act::TypeText{"b"});
    q = f.app.view().question;
    EXPECT_TRUE(q.limit_reached);
    EXPECT_EQ(q.typed_length, 200u);
    EXPECT_TRUE(q.error.empty());
    EXPECT_EQ(q.write_in_text.back(), '\xA9');  // still ends with the é
    f.app.apply(act::Backspace{});
    q = f.app.view().question;
    EXPECT_FALSE(q.limit_reached);
    EXPECT_EQ(q.typed_length, 199u);
}

// Issue 16, minor: a language chosen on the attract screen was asked again after the tile. Asked once is
// enough (when the survey has it); Back from consent then leads to the attract screen, the screen before.
TEST(KioskApp, ALanguageChosenOnTheAttractScreenIsNotAskedAgain) {
    KioskFixture f;
    f.app.apply(act::OpenLanguage{});
    ASSERT_EQ(f.app.screen(), Screen::Language);
    f.app.apply(act::ChooseLanguage{"es"});
    ASSERT_EQ(f.app.screen(), Screen::Attract);
    f.app.apply(act::OpenSurvey{"food"});
    EXPECT_EQ(f.app.screen(), Screen::Consent) << "the language was asked twice";
    EXPECT_EQ(f.app.language(), "es");
    f.app.apply(act::Back{});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.app.language(), "es");
    // The next resident (after the wipe) is asked again.
    f.app.apply(act::OpenSurvey{"food"});
    f.app.apply(act::ConsentStart{});
    f.app.apply(act::StartAgain{});
    f.app.apply(act::StartAgainConfirm{true});
    ASSERT_EQ(f.app.screen(), Screen::Attract);
    f.app.apply(act::OpenSurvey{"food"});
    EXPECT_EQ(f.app.screen(), Screen::Language);
}

TEST(KioskApp, CompletingSavesDurablyBeforeTheThankYouScreen) {
    KioskFixture f;
    start(f, "youth");
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    EXPECT_EQ(f.app.screen(), Screen::Thanks);
    EXPECT_EQ(f.app.session(), nullptr);  // the Session is gone; the response is on disk
    const auto saved = f.saved();
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0]["survey"], "youth");
    EXPECT_EQ(saved[0]["mode"], "kiosk");
    EXPECT_EQ(saved[0]["answers"]["ons4_life_satisfaction"], 5);
}

TEST(KioskApp, ThankYouReturnsToAttractByItselfOrOnDone) {
    KioskFixture f;
    start(f, "safety");
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    ASSERT_EQ(f.app.screen(), Screen::Thanks);
    EXPECT_EQ(f.app.view().thanks_seconds_left, 15);
    f.clock.advance(seconds{14});
    f.app.tick();
    EXPECT_EQ(f.app.screen(), Screen::Thanks);
    EXPECT_EQ(f.app.view().thanks_seconds_left, 1);
    f.clock.advance(seconds{1});
    f.app.tick();
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    start(f, "safety");
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    f.app.apply(act::ThanksDone{});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.saved().size(), 2u);
}

// safety ends on the note "Thank you. Where to get help" (safety_signpost). It asks nothing, so residents
// leave there: the response must already be saved when it shows.
void answer_until_signpost(KioskFixture& f) {
    for (int i = 0; i < 80 && f.app.view().question.name != "safety_signpost"; ++i) {
        ASSERT_EQ(f.app.screen(), Screen::Question);
        answer_and_next(f);
    }
    ASSERT_EQ(f.app.view().question.name, "safety_signpost");
}

TEST(KioskApp, WalkingAwayFromAClosingNoteLosesNothingAndCountsNoDropoff) {
    KioskFixture f;
    start(f, "safety");
    answer_until_signpost(f);
    EXPECT_EQ(f.saved().size(), 1u);  // saved before the note is shown
    EXPECT_EQ(f.app.session(), nullptr);
    EXPECT_TRUE(f.app.view().question.closing);
    EXPECT_FALSE(f.app.view().question.can_back);
    f.clock.advance(seconds{60});
    f.app.tick();
    EXPECT_FALSE(f.app.idle_prompt());  // nothing to lose: no "Are you still there?"
    EXPECT_EQ(f.app.screen(), Screen::Question);
    f.clock.advance(seconds{20});
    f.app.tick();
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    const auto saved = f.saved();
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0]["survey"], "safety");
    EXPECT_EQ(f.app.unsaved_count(), 0u);
    EXPECT_EQ(f.dropoffs("safety", "safety_signpost"), 0);
    EXPECT_EQ(f.store_opened->stats()->dropoffs.size(), 0u);
}

TEST(KioskApp, StartAgainOnAClosingNoteLeavesWithTheResponseSaved) {
    KioskFixture f;
    start(f, "safety");
    answer_until_signpost(f);
    f.app.apply(act::StartAgain{});
    if (f.app.view().confirm_start_again) f.app.apply(act::StartAgainConfirm{true});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.saved().size(), 1u);
    EXPECT_EQ(f.dropoffs("safety", "safety_signpost"), 0);
    EXPECT_EQ(f.store_opened->stats()->dropoffs.size(), 0u);
}

TEST(KioskApp, TheLastQuestionSaysFinishAndClosingNotesFollowInTheResidentsLanguage) {
    KioskFixture f;
    start(f, "safety");
    // The label follows the answers so far (answering "yes" to disability makes one more question relevant).
    for (int i = 0; i < 80; ++i) {
        fieldkiosk::testing::answer(f);
        if (f.app.view().question.finish) break;
        EXPECT_FALSE(f.app.session()->on_last_question()) << f.app.view().question.name;
        f.app.apply(act::Next{});
    }
    ASSERT_TRUE(f.app.session()->on_last_question());  // this Continue saves the answers: "Finish"
    EXPECT_EQ(f.saved().size(), 0u);
    f.app.apply(act::Next{});
    ASSERT_EQ(f.app.view().question.name, "safety_signpost");
    EXPECT_EQ(f.saved().size(), 1u);
    EXPECT_TRUE(f.app.view().question.finish);  // the last closing note
    f.app.apply(act::Back{});                   // nothing to go back to
    EXPECT_EQ(f.app.view().question.name, "safety_signpost");
    f.app.apply(act::OpenLanguage{});
    f.app.apply(act::ChooseLanguage{"fr"});
    ASSERT_EQ(f.app.screen(), Screen::Question);
    EXPECT_EQ(f.app.view().question.label, "Merci. Où trouver de l'aide");
    f.app.apply(act::Next{});
    EXPECT_EQ(f.app.screen(), Screen::Thanks);
    EXPECT_EQ(f.saved().size(), 1u);
}

TEST(KioskApp, AFailedSaveShowsAMessageKeepsTheResponseAndRetries) {
    KioskFixture f;
    start(f, "safety");
    f.store.fail_saves = 2;
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    ASSERT_EQ(f.app.screen(), Screen::SaveFailed);
    EXPECT_EQ(f.app.unsaved_count(), 1u);
    EXPECT_NE(f.app.view().save_error.find("full"), std::string::npos);
    f.app.apply(act::RetrySave{});  // still failing
    EXPECT_EQ(f.app.screen(), Screen::SaveFailed);
    f.app.apply(act::RetrySave{});
    EXPECT_EQ(f.app.screen(), Screen::Question);  // saved: safety's closing note comes next
    EXPECT_EQ(f.app.view().question.name, "safety_signpost");
    EXPECT_EQ(f.app.unsaved_count(), 0u);
    EXPECT_EQ(f.saved().size(), 1u);
    f.app.apply(act::Next{});
    EXPECT_EQ(f.app.screen(), Screen::Thanks);
}

TEST(KioskApp, StartAgainAsksFirstThenWipes) {
    KioskFixture f;
    start(f);
    answer_and_next(f);
    f.app.apply(act::StartAgain{});
    EXPECT_TRUE(f.app.view().confirm_start_again);
    f.app.apply(act::Next{});  // blocked while the question is asked
    f.app.apply(act::StartAgainConfirm{false});
    EXPECT_FALSE(f.app.view().confirm_start_again);
    EXPECT_EQ(f.app.screen(), Screen::Question);
    const std::string at = f.app.session()->current().name;
    f.app.apply(act::StartAgain{});
    f.app.apply(act::StartAgainConfirm{true});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.app.session(), nullptr);
    EXPECT_EQ(f.dropoffs("food", at), 1);
}

TEST(KioskApp, NoThanksAfterGoingBackFromTheFirstQuestionWipesAndCountsADropoff) {
    KioskFixture f;
    start(f);
    f.app.apply(act::Back{});
    ASSERT_EQ(f.app.screen(), Screen::Consent);
    ASSERT_NE(f.app.session(), nullptr);
    f.app.apply(act::ConsentDecline{});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.app.session(), nullptr);
    EXPECT_EQ(f.dropoffs("food", "food_intro"), 1);
}

TEST(KioskApp, StartAfterGoingBackFromTheFirstQuestionResumesTheSameWalk) {
    KioskFixture f;
    start(f, "safety");
    answer_and_next(f);
    const std::string id = f.app.session()->id();
    const auto answers = f.app.session()->snapshot()["answers"];
    f.app.apply(act::Back{});
    f.app.apply(act::Back{});
    ASSERT_EQ(f.app.screen(), Screen::Consent);
    f.app.apply(act::ConsentStart{});
    ASSERT_EQ(f.app.screen(), Screen::Question);
    EXPECT_EQ(f.app.session()->id(), id);  // not a second walk with the answers silently gone
    EXPECT_EQ(f.app.session()->snapshot()["answers"], answers);
}

TEST(KioskApp, OneResponseThatCannotBeSavedDoesNotHoldBackTheOthers) {
    KioskFixture f;
    // Resident 1's save fails; resident 2's save is then tried on its own and succeeds.
    start(f, "safety");
    f.store.fail_saves = 1000;
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    ASSERT_EQ(f.app.screen(), Screen::SaveFailed);
    idle_out(f);
    ASSERT_EQ(f.app.unsaved_count(), 1u);
    f.store.fail_saves = 1;  // the next save of resident 1 fails once more (it is tried first)...
    start(f, "food");
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    // ...but resident 2's response was saved in the same pass, and resident 1's stays queued in memory.
    EXPECT_EQ(f.saved().size(), 1u);
    EXPECT_EQ(f.app.unsaved_count(), 1u);
    f.app.apply(act::RetrySave{});
    EXPECT_EQ(f.app.unsaved_count(), 0u);
    EXPECT_EQ(f.saved().size(), 2u);
}
