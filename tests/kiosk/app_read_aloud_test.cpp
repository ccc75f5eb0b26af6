// Read aloud in the App (kiosk/app/app_read_aloud.cpp; docs/read_aloud.md): what the speaker button queues, the
// read-everything switch, stop on touch, the volume, the reset for the next respondent, and no button where no
// audio is. The SpeechPort is a recorder: what would be played is checked without SDL.
#include "tests/kiosk/app_steps.hpp"
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

}  // namespace
}  // namespace fieldkiosk::testing
