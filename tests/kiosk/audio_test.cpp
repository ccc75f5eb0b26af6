// Read-aloud playback (kiosk/platform/audio.cpp), headless with SDL's dummy audio driver, which runs the
// callback in real time without a sound card: playing advances, stop() stops at once, the volume scales.
#include "kiosk/platform/audio.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/support/wav_fixture.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <thread>

namespace fieldkiosk::kiosk::platform {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using fieldkiosk::testing::write_tone;

TEST(AudioMix, VolumeScalesSamplesAndSaturatesAtTheEnds) {
    const std::vector<std::int16_t> in{1000, -1000, 32767, -32768, 3};
    std::vector<std::int16_t> out(6, 77);
    mix_scaled(in, out, 0.5f);
    EXPECT_EQ(out, (std::vector<std::int16_t>{500, -500, 16384, -16384, 2, 77}));  // the 6th is left alone
    mix_scaled(in, out, 0.0f);
    EXPECT_EQ(std::vector<std::int16_t>(out.begin(), out.begin() + 5), std::vector<std::int16_t>(5, 0));
    mix_scaled(in, out, 1.0f);
    EXPECT_EQ(std::vector<std::int16_t>(out.begin(), out.begin() + 5), in);
    mix_scaled(in, out, 7.0f);  // clamped to 1: never louder than recorded, never wrapped round
    EXPECT_EQ(std::vector<std::int16_t>(out.begin(), out.begin() + 5), in);
    mix_scaled(in, out, -1.0f);
    EXPECT_EQ(out[2], 0);
}

class Audio : public ::testing::Test {
protected:
    void SetUp() override {
        auto p = AudioPlayer::open();
        ASSERT_TRUE(p.has_value()) << p.error();
        player = std::move(*p);
    }
    fieldkiosk::testing::ScopedEnv driver{"SDL_AUDIODRIVER", "dummy"};
    fieldkiosk::testing::TempDir dir;
    std::unique_ptr<AudioPlayer> player;
};

TEST_F(Audio, PlayingAdvancesThroughTheQueueAndStopStopsAtOnce) {
    EXPECT_FALSE(player->playing());
    const auto question = write_tone(dir.path() / "q.wav", 1.0), choice = write_tone(dir.path() / "c1.wav", 1.0);
    ASSERT_TRUE(player->play({question, choice}).has_value());
    EXPECT_EQ(player->clips_left(), 2u);
    ASSERT_TRUE(fieldkiosk::testing::wait_until([&] { return player->samples_played() > 2000; }, 3s));
    EXPECT_TRUE(player->playing());
    player->stop();
    EXPECT_FALSE(player->playing());  // at once, not after the clip
    EXPECT_EQ(player->clips_left(), 0u);
    const auto at_stop = player->samples_played();
    std::this_thread::sleep_for(150ms);  // three buffers
    EXPECT_EQ(player->samples_played(), at_stop);
}

TEST_F(Audio, AQueueOfShortClipsPlaysToTheEndInTheDevicesFormat) {
    const auto a = write_tone(dir.path() / "a.wav", 0.1), b = write_tone(dir.path() / "b.wav", 0.1, 44100);
    ASSERT_TRUE(player->play({a, b}).has_value());
    ASSERT_TRUE(fieldkiosk::testing::wait_until([&] { return !player->playing(); }, 3s));
    // 0.2 s in all, at the device's rate and channel count (the 44.1 kHz clip converted).
    const double expected = 0.2 * player->device_rate() * player->device_channels();
    EXPECT_NEAR(static_cast<double>(player->samples_played()), expected, expected * 0.02);
}

TEST_F(Audio, AFileThatCannotBePlayedIsNamedAndNothingPlays) {
    const auto good = write_tone(dir.path() / "good.wav", 1.0);
    std::ofstream(dir.path() / "bad.wav") << "not a wav";
    auto r = player->play({good, dir.path() / "bad.wav"});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().find("bad.wav"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("not a WAV file"), std::string::npos) << r.error();
    EXPECT_FALSE(player->playing());
    auto missing = player->play({dir.path() / "missing.wav"});
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().find("missing.wav"), std::string::npos) << missing.error();
}

TEST_F(Audio, VolumeIsClampedAndKeptAcrossQueues) {
    EXPECT_FLOAT_EQ(player->volume(), 1.0f);
    player->set_volume(0.25f);
    EXPECT_FLOAT_EQ(player->volume(), 0.25f);
    player->set_volume(3.0f);
    EXPECT_FLOAT_EQ(player->volume(), 1.0f);
    player->set_volume(-1.0f);
    EXPECT_FLOAT_EQ(player->volume(), 0.0f);
    ASSERT_TRUE(player->play({write_tone(dir.path() / "t.wav", 0.05)}).has_value());
    EXPECT_FLOAT_EQ(player->volume(), 0.0f);
}

}  // namespace
}  // namespace fieldkiosk::kiosk::platform
