// Read aloud in the App (kiosk/app/app_read_aloud.cpp; docs/read_aloud.md): what the speaker button queues, the
// read-everything switch, stop on touch, the volume, the reset for the next respondent, and no button where no
// audio is. The SpeechPort is a recorder: what would be played is checked without SDL.
#include "tests/kiosk/app_steps.hpp"
#include "tests/kiosk/demo_survey.hpp"
#include "tests/kiosk/read_aloud_fixture.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::testing {
namespace {

namespace fs = std::filesystem;
using kiosk::Screen;
namespace act = kiosk::act;

// The first question with at least two choices (the food survey opens with one).
void to_question_with_choices(ReadAloudFixture& f) {
    for (int i = 0; i < 10 && f.app.session()->current().choices.size() < 2; ++i) answer_and_next(f);
    ASSERT_GE(f.app.session()->current().choices.size(), 2U);
}

TEST(AppReadAloud, SpeakerQueuesTheQuestionThenEachChoiceInOrder) {
    ReadAloudFixture f;
    start(f);
    to_question_with_choices(f);
    const auto& q = f.app.session()->current();
    EXPECT_TRUE(f.app.view().read_aloud.available);
    f.app.apply(act::ReadAloud{});
    ASSERT_EQ(f.speech.plays.size(), 1U);
    std::vector<fs::path> expected{f.file("en", core::question_audio_file(q))};
    for (std::size_t n = 1; n <= q.choices.size(); ++n) expected.push_back(f.file("en", core::choice_audio_file(q, n)));
    EXPECT_EQ(f.speech.plays[0], expected);
    EXPECT_EQ(f.speech.plays[0][1].filename(), "q-" + q.name + "-c1.wav");  // the file says "1. <label>"
    EXPECT_TRUE(f.app.view().read_aloud.reading);
    f.app.apply(act::ReadAloud{});  // can be repeated: from the start again
    ASSERT_EQ(f.speech.plays.size(), 2U);
    EXPECT_EQ(f.speech.plays[1], expected);
}

// A kiosk demo survey (tests/kiosk/data) with English audio for every text and prompt, opened at `question`.
struct DemoWithAudio {
    DemoWithAudio(const std::string& demo, const std::string& question)
        : f({}, {load_kiosk_demo(demo)}), s(*f.app.surveys().front()),
          d(core::generated_audio_dir(f.dir.path() / "audio", s, "en")) {
        for (const auto& t : core::spoken_texts(s, "en")) write_tone(d / t.file, 0.01);
        for (const auto& k : core::spoken_ui_keys()) write_tone(d / core::ui_audio_file(k), 0.01);
        f.app.set_speech(&speech, f.dir.path() / "assets", f.dir.path() / "audio");
        open_kiosk_demo(f, demo, "en", question);
    }
    KioskFixture f;
    const core::Survey& s;
    fs::path d;
    RecordingSpeech speech;
};

// Each choice's file says its number in the whole list: when a choice_filter hides some choices those numbers are
// not the ones on screen, so only the question is read (docs/read_aloud.md).
TEST(AppReadAloud, AFilteredQuestionThatHidesChoicesIsReadWithoutTheNumberedChoices) {
    DemoWithAudio demo("filter_demo", "borough");
    auto& [f, s, d, speech] = demo;
    f.app.apply(act::ReadAloud{});  // no filter: the question and its three choices
    ASSERT_EQ(speech.plays.size(), 1U);
    EXPECT_EQ(speech.plays.back().size(), 4U);
    f.app.apply(act::TapChoice{"camden"});
    f.app.apply(act::Next{});
    ASSERT_EQ(f.app.view().question.name, "ward");
    f.app.apply(act::ReadAloud{});
    ASSERT_EQ(speech.plays.size(), 2U);
    EXPECT_EQ(speech.plays.back(), std::vector<fs::path>{d / core::question_audio_file(*s.find("ward"))});
}

// A rank question is read with how to answer it (the screen's hint: tap in order, most important first), between
// the question and its numbered choices.
TEST(AppReadAloud, ARankQuestionIsReadWithHowToRank) {
    DemoWithAudio demo("rank_demo", "priorities");
    auto& [f, s, d, speech] = demo;
    f.app.apply(act::ReadAloud{});
    ASSERT_EQ(speech.plays.size(), 1U);
    const auto& q = *s.find("priorities");
    ASSERT_GE(speech.plays[0].size(), 3U);
    EXPECT_EQ(speech.plays[0][0], d / core::question_audio_file(q));
    EXPECT_EQ(speech.plays[0][1], d / core::ui_audio_file("rank_hint"));
    EXPECT_EQ(speech.plays[0][2], d / core::choice_audio_file(q, 1));
    EXPECT_EQ(speech.plays[0].size(), q.choices.size() + 2);
}

TEST(AppReadAloud, TheRespondentsLanguageIsRead) {
    ReadAloudFixture f({"en", "fr"});
    start(f, "food", "fr");
    f.app.apply(act::ReadAloud{});
    ASSERT_EQ(f.speech.plays.size(), 1U);
    EXPECT_EQ(f.speech.plays[0].front(), f.file("fr", core::question_audio_file(f.app.session()->current())));
}

TEST(AppReadAloud, RecordedAudioIsPlayedBeforeGenerated) {
    ReadAloudFixture f;
    start(f);
    const auto& q = f.app.session()->current();
    const fs::path recorded =
        write_tone(core::recorded_audio_dir(f.dir.path() / "assets", "food", "en") / core::question_audio_file(q), 0.01);
    f.app.apply(act::ReadAloud{});
    ASSERT_EQ(f.speech.plays.size(), 1U);
    EXPECT_EQ(f.speech.plays[0].front(), recorded);
}

TEST(AppReadAloud, AnyOtherTouchStopsTheSpeech) {
    ReadAloudFixture f;
    start(f);
    to_question_with_choices(f);
    f.app.apply(act::ReadAloud{});
    ASSERT_TRUE(f.speech.playing());
    f.app.apply(act::Touch{});
    EXPECT_FALSE(f.speech.playing());
    EXPECT_FALSE(f.app.view().read_aloud.reading);
    f.app.apply(act::ReadAloud{});
    f.app.apply(act::StopReading{});
    EXPECT_FALSE(f.speech.playing());
    // A new page stops what the old one said (the switch is off).
    f.app.apply(act::ReadAloud{});
    answer_and_next(f);
    EXPECT_FALSE(f.speech.playing());
    EXPECT_EQ(f.speech.plays.size(), 3U);
}

TEST(AppReadAloud, VolumeStepsAreClampedAndHandedToThePlayer) {
    ReadAloudFixture f;
    start(f);
    EXPECT_EQ(f.app.view().read_aloud.volume, kiosk::ReadAloudVm::k_default_volume);
    f.app.apply(act::SetVolume{kiosk::ReadAloudVm::k_volume_levels});
    EXPECT_FLOAT_EQ(f.speech.volume, 1.0f);
    f.app.apply(act::SetVolume{99});
    EXPECT_EQ(f.app.volume_level(), kiosk::ReadAloudVm::k_volume_levels);
    f.app.apply(act::SetVolume{0});
    EXPECT_EQ(f.app.volume_level(), 1);
    EXPECT_FLOAT_EQ(f.speech.volume, 1.0f / kiosk::ReadAloudVm::k_volume_levels);
}

TEST(AppReadAloud, ReadEverythingReadsEachNewScreenByItself) {
    ReadAloudFixture f;
    f.app.apply(act::OpenSurvey{"food"});
    ASSERT_EQ(f.app.screen(), Screen::Language);
    EXPECT_TRUE(f.app.view().read_aloud.can_switch);
    f.app.apply(act::ReadEverything{true});  // the spoken prompt after the touch
    ASSERT_EQ(f.speech.plays.size(), 1U);
    EXPECT_EQ(f.speech.plays[0], std::vector<fs::path>{f.file("en", "ui-language_heading.wav")});
    EXPECT_TRUE(f.app.view().read_aloud.everything);
    f.app.apply(act::ChooseLanguage{"en"});
    ASSERT_EQ(f.speech.plays.size(), 2U);
    EXPECT_EQ(f.speech.plays[1], std::vector<fs::path>{f.file("en", "ui-consent_heading.wav")});
    f.app.apply(act::ConsentStart{});
    ASSERT_EQ(f.speech.plays.size(), 3U);
    EXPECT_EQ(f.speech.plays[2].front(), f.file("en", core::question_audio_file(f.app.session()->current())));
    // A touch stops it; the next page is read again.
    f.app.apply(act::Touch{});
    answer_and_next(f);
    ASSERT_EQ(f.speech.plays.size(), 4U);
    EXPECT_EQ(f.speech.plays[3].front(), f.file("en", core::question_audio_file(f.app.session()->current())));
    f.app.apply(act::ReadEverything{false});
    EXPECT_FALSE(f.speech.playing());
    answer_and_next(f);
    EXPECT_EQ(f.speech.plays.size(), 4U);
}

TEST(AppReadAloud, TheTextSizePanelSaysWhatItIsForAndClosingItReadsThePageAgain) {
    ReadAloudFixture f;
    f.app.apply(act::OpenSurvey{"food"});
    f.app.apply(act::ChooseLanguage{"en"});
    ASSERT_EQ(f.app.screen(), Screen::Consent);
    f.app.apply(act::OpenDisplay{});
    EXPECT_TRUE(f.app.view().read_aloud.available) << "the Aa panel has a spoken prompt like every other screen";
    f.app.apply(act::ReadAloud{});
    ASSERT_FALSE(f.speech.plays.empty());
    EXPECT_EQ(f.speech.plays.back(), std::vector<fs::path>{f.file("en", "ui-display_heading.wav")});
    f.app.apply(act::CloseDisplay{});
    f.app.apply(act::ReadEverything{true});  // with everything read, opening the panel says it by itself
    const std::size_t before = f.speech.plays.size();
    f.app.apply(act::OpenDisplay{});
    ASSERT_EQ(f.speech.plays.size(), before + 1);
    EXPECT_EQ(f.speech.plays.back(), std::vector<fs::path>{f.file("en", "ui-display_heading.wav")});
    f.app.apply(act::CloseDisplay{});
    ASSERT_EQ(f.speech.plays.size(), before + 2);
    EXPECT_EQ(f.speech.plays.back(), std::vector<fs::path>{f.file("en", "ui-consent_heading.wav")});
}

TEST(AppReadAloud, ResetsForTheNextRespondent) {
    auto to_reading = [](ReadAloudFixture& f) {
        f.app.apply(act::OpenSurvey{"food"});
        f.app.apply(act::ReadEverything{true});
        f.app.apply(act::SetVolume{5});
        f.app.apply(act::ChooseLanguage{"en"});
        f.app.apply(act::ConsentStart{});
        ASSERT_TRUE(f.speech.playing());
    };
    auto expect_reset = [](ReadAloudFixture& f) {
        EXPECT_EQ(f.app.screen(), Screen::Attract);
        EXPECT_FALSE(f.speech.playing());
        EXPECT_FALSE(f.app.read_everything());
        EXPECT_EQ(f.app.volume_level(), kiosk::ReadAloudVm::k_default_volume);
        EXPECT_FLOAT_EQ(f.speech.volume, static_cast<float>(kiosk::ReadAloudVm::k_default_volume) /
                                             static_cast<float>(kiosk::ReadAloudVm::k_volume_levels));
    };
    {  // walked away: the idle wipe
        ReadAloudFixture f;
        to_reading(f);
        idle_out(f);
        expect_reset(f);
    }
    {  // Start again
        ReadAloudFixture f;
        to_reading(f);
        f.app.apply(act::StartAgain{});
        f.app.apply(act::StartAgainConfirm{true});
        expect_reset(f);
    }
    {  // finished: thanks, then back by itself
        ReadAloudFixture f;
        to_reading(f);
        for (int i = 0; i < 80 && f.app.screen() == Screen::Question; ++i) answer_and_next(f);
        ASSERT_EQ(f.app.screen(), Screen::Thanks);
        EXPECT_EQ(f.speech.plays.back(),
                  (std::vector<fs::path>{f.file("en", "ui-thanks_heading.wav"), f.file("en", "ui-thanks_body.wav")}));
        f.app.apply(act::ThanksDone{});
        expect_reset(f);
    }
}

TEST(AppReadAloud, NoSpeakerWithoutAudioForTheLanguageOrWithoutSoundOutput) {
    {
        ReadAloudFixture f({"en"});
        start(f, "food", "so");  // Somali: no voice, nothing recorded
        EXPECT_TRUE(f.app.page_audio().empty());
        EXPECT_FALSE(f.app.view().read_aloud.available);
        f.app.apply(act::ReadAloud{});
        EXPECT_TRUE(f.speech.plays.empty());
    }
    {
        ReadAloudFixture f(std::vector<std::string>{});  // no audio at all: not even the switch
        f.app.apply(act::OpenSurvey{"food"});
        EXPECT_FALSE(f.app.view().read_aloud.can_switch);
        EXPECT_FALSE(f.app.view().read_aloud.available);
    }
    {
        ReadAloudFixture f;
        f.app.set_speech(nullptr, {}, {});  // no sound card
        start(f);
        EXPECT_FALSE(f.app.view().read_aloud.available);
        f.app.apply(act::OpenLanguage{});
        EXPECT_FALSE(f.app.view().read_aloud.can_switch);
    }
}

TEST(AppReadAloud, TheLanguagePromptIsSaidInEveryLanguageThatHasIt) {
    ReadAloudFixture f({"ar", "en", "bn"});
    f.app.apply(act::OpenSurvey{"food"});
    ASSERT_EQ(f.app.screen(), Screen::Language);
    f.app.apply(act::ReadEverything{true});
    ASSERT_EQ(f.speech.plays.size(), 1U);
    // The screen's language first (the kiosk's default, English), then the others in the survey's order.
    std::vector<fs::path> expected{f.file("en", "ui-language_heading.wav")};
    const auto food = std::ranges::find_if(f.app.surveys(), [](const auto& s) { return s->id == "food"; });
    ASSERT_NE(food, f.app.surveys().end());
    for (const auto& l : (*food)->languages)
        if (l.code == "bn" || l.code == "ar") expected.push_back(f.file(l.code, "ui-language_heading.wav"));
    EXPECT_EQ(f.speech.plays[0], expected);
    // Chosen: from the next page on, only the resident's language is spoken.
    f.app.apply(act::ChooseLanguage{"bn"});
    ASSERT_EQ(f.speech.plays.size(), 2U);
    EXPECT_EQ(f.speech.plays[1], std::vector<fs::path>{f.file("bn", "ui-consent_heading.wav")});
}

// A new version of shipped survey `id`, as a survey update would bring it: the same survey, another version.
core::SurveyPtr new_version_of(const kiosk::App& app, const std::string& id, const std::string& version) {
    for (const auto& s : app.surveys())
        if (s->id == id) {
            auto copy = std::make_shared<core::Survey>(*s);
            copy->version = version;
            return copy;
        }
    ADD_FAILURE() << "no shipped survey " << id;
    return nullptr;
}

std::string offered_version(const kiosk::App& app, std::string_view id) {
    for (const auto& s : app.surveys())
        if (s->id == id) return s->version;
    return {};
}

// Issue 11: a resident who listens to the food survey in English must not find it silent after an update.
TEST(AppReadAloud, ASurveyUpdateWaitsUntilItsAudioExistsThenTakesEffect) {
    ReadAloudFixture f({"en"});  // food has English audio; the other surveys have none
    const std::string food_before = offered_version(f.app, "food");
    auto offer = f.app.surveys();
    const auto food_next = new_version_of(f.app, "food", "9999.1");
    const auto safety_next = new_version_of(f.app, "safety", "9999.1");
    offer.push_back(food_next);
    offer.push_back(safety_next);
    EXPECT_TRUE(f.app.offer_surveys(offer));
    EXPECT_EQ(offered_version(f.app, "food"), food_before);  // held back: no English audio yet
    EXPECT_EQ(offered_version(f.app, "safety"), "9999.1");   // never had audio: nothing to wait for
    EXPECT_TRUE(f.log.contains("food 9999.1 waits for its read-aloud audio in en")) << f.log.lines().size();

    // `fieldkiosk-ctl voice` makes the audio; within a few minutes the kiosk offers the new version.
    const fs::path d = core::generated_audio_dir(f.root(), *food_next, "en");
    for (const auto& t : core::spoken_texts(*food_next, "en")) write_tone(d / t.file, 0.01);
    f.clock.advance(std::chrono::minutes(2));
    f.app.tick();
    EXPECT_EQ(offered_version(f.app, "food"), food_before);  // not looked at again yet
    f.clock.advance(std::chrono::minutes(4));
    f.app.tick();
    EXPECT_EQ(offered_version(f.app, "food"), "9999.1");
}

TEST(AppReadAloud, WithoutSoundOutputNoUpdateWaitsForAudio) {
    ReadAloudFixture f({"en"});
    f.app.set_speech(nullptr, {}, {});  // no sound card: nobody can listen here
    auto offer = f.app.surveys();
    offer.push_back(new_version_of(f.app, "food", "9999.1"));
    EXPECT_TRUE(f.app.offer_surveys(offer));
    EXPECT_EQ(offered_version(f.app, "food"), "9999.1");
}

}  // namespace
}  // namespace fieldkiosk::testing
