// fieldkiosk-ctl voice (tools/ctl/cmd_voice.cpp) with the real espeak-ng program, and the WAV reader it and the
// kiosk's player share (core/wav.cpp). Audio is made once per language for the suite (about 130 files each).
#include "core/loader.hpp"
#include "core/read_aloud.hpp"
#include "core/wav.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/ctl_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>

namespace fieldkiosk::tools {
namespace {

namespace fs = std::filesystem;
using fieldkiosk::testing::ctl;
using nlohmann::json;
using namespace std::string_literals;

const fs::path k_surveys = FIELDKIOSK_SURVEY_DEFS_DIR;
const fs::path k_strings = fs::path(FIELDKIOSK_SOURCE_ASSETS_DIR) / "strings";

class Voice : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = std::make_unique<fieldkiosk::testing::TempDir>();
        for (const char* lang : {"en", "bn"}) {
            auto r = ctl({"voice", "--surveys", k_surveys.string(), "--survey", "food", "--lang", lang, "--out",
                          s_dir->path().string(), "--strings", k_strings.string()});
            s_runs[lang] = {r.code, r.out + r.err};
        }
    }
    static void TearDownTestSuite() { s_dir.reset(); }
    static inline std::unique_ptr<fieldkiosk::testing::TempDir> s_dir;
    static inline std::map<std::string, std::pair<int, std::string>> s_runs;
};

core::SurveyPtr food() {
    auto r = core::load_survey_file(k_surveys / "food.json");
    return r.survey;
}

TEST_F(Voice, EveryQuestionChoiceNoteAndPromptHasANonSilentFileOfPlausibleLength) {
    auto survey = food();
    ASSERT_NE(survey, nullptr);
    for (const char* lang : {"en", "bn"}) {
        SCOPED_TRACE(lang);
        ASSERT_EQ(s_runs[lang].first, 0) << s_runs[lang].second;
        const fs::path dir = s_dir->path() / "food" / survey->version / lang;
        const json manifest = json::parse(std::ifstream(dir / "manifest.json"));
        EXPECT_EQ(manifest["survey"], "food");
        EXPECT_EQ(manifest["version"], survey->version);
        EXPECT_EQ(manifest["language"], lang);
        // Every shown question and each of its choices, by the names the kiosk looks up.
        std::vector<std::string> wanted{"survey-title.wav", core::ui_audio_file("language_heading")};
        for (const auto& q : survey->questions) {
            if (!q.is_shown()) continue;
            wanted.push_back(core::question_audio_file(q));
            for (std::size_t i = 1; i <= q.choices.size(); ++i) wanted.push_back(core::choice_audio_file(q, i));
        }
        EXPECT_GT(wanted.size(), 100u);
        for (const auto& f : wanted) EXPECT_TRUE(manifest["files"].contains(f)) << f;
        EXPECT_EQ(manifest["files"]["q-fies_worried-c1.wav"]["text"],
                  std::string("1. ") + (lang == std::string("en") ? "Yes" : "হ্যাঁ"));
        for (const auto& [file, entry] : manifest["files"].items()) {
            const std::string text = entry["text"];
            EXPECT_EQ(entry["hash"], core::text_hash(text)) << file;
            auto pcm = core::read_wav(dir / file);
            ASSERT_TRUE(pcm.has_value()) << pcm.error();
            EXPECT_GT(pcm->rms(), 0.02) << file << " is (nearly) silent: " << text;
            // Speech runs at 5 to 25 characters a second (UTF-8 bytes are not characters: count code points);
            // a digit is said as a word ("34": "thirty-four"), so it counts as 4 at the slow end.
            std::size_t chars = 0, digits = 0;
            for (unsigned char c : text) {
                chars += (c & 0xC0) != 0x80;
                digits += c >= '0' && c <= '9';
            }
            const double s = pcm->seconds();
            EXPECT_GE(s, 0.3) << file;
            EXPECT_GE(s, static_cast<double>(chars) / 25.0) << file << " is too short for: " << text;
            EXPECT_LE(s, 1.0 + static_cast<double>(chars + 3 * digits) / 5.0) << file << " is too long for: " << text;
        }
    }
}

TEST_F(Voice, ASecondRunKeepsUnchangedFilesAndVoicesAChangedLabelAgain) {
    ASSERT_EQ(s_runs["en"].first, 0) << s_runs["en"].second;
    // A copy of the surveys in which one English label changed.
    fieldkiosk::testing::TempDir copy;
    fs::copy(k_surveys, copy.path() / "survey_defs", fs::copy_options::recursive);
    const fs::path food_file = copy.path() / "survey_defs" / "food.json";
    json doc = json::parse(std::ifstream(food_file));
    for (auto& q : doc["questions"])
        if (q.value("name", "") == "fresh_produce_nearby")
            q["label"]["en"] = "Can you buy fresh fruit and vegetables near your home?";
    std::ofstream(food_file) << doc.dump(2);
    const fs::path out = copy.path() / "audio";
    fs::copy(s_dir->path(), out, fs::copy_options::recursive);
    auto again = ctl({"voice", "--surveys", (copy.path() / "survey_defs").string(), "--survey", "food", "--lang", "en", "--out",
                      out.string(), "--strings", k_strings.string()});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("(1 voiced,"), std::string::npos) << again.out;
    auto same = ctl({"voice", "--surveys", (copy.path() / "survey_defs").string(), "--survey", "food", "--lang", "en", "--out",
                     out.string(), "--strings", k_strings.string()});
    EXPECT_NE(same.out.find("(0 voiced,"), std::string::npos) << same.out;
}

TEST(VoiceErrors, WithoutEspeakNgItSaysHowToInstallIt) {
    fieldkiosk::testing::TempDir empty;
    std::optional<fieldkiosk::testing::ScopedEnv> path(std::in_place, "PATH", empty.path().string());
    auto r = ctl({"voice", "--surveys", k_surveys.string(), "--survey", "food", "--lang", "en", "--out", empty.path().string(),
                  "--strings", k_strings.string()});
    path.reset();
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("espeak-ng program was not found"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("apt-get install espeak-ng"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(empty.path() / "food"));
}

TEST(VoiceErrors, AnUnknownLanguageOrOneWithoutAVoiceIsRefusedByName) {
    fieldkiosk::testing::TempDir out;
    auto unknown = ctl({"voice", "--surveys", k_surveys.string(), "--survey", "food", "--lang", "xx", "--out",
                        out.path().string(), "--strings", k_strings.string()});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_NE(unknown.err.find("has no language 'xx'"), std::string::npos) << unknown.err;
    EXPECT_NE(unknown.err.find("en, es, pt, fr, so, bn, ar, zh-Hans, sq"), std::string::npos) << unknown.err;
    auto somali = ctl({"voice", "--surveys", k_surveys.string(), "--survey", "food", "--lang", "so", "--out", out.path().string(),
                       "--strings", k_strings.string()});
    EXPECT_EQ(somali.code, 1);
    EXPECT_NE(somali.err.find("no voice for 'so' (Soomaali)"), std::string::npos) << somali.err;
    EXPECT_NE(somali.err.find("assets/audio/food/so/"), std::string::npos) << somali.err;
    EXPECT_TRUE(fs::is_empty(out.path()));
    auto no_survey = ctl({"voice", "--lang", "en"});
    EXPECT_EQ(no_survey.code, 2);
    EXPECT_NE(no_survey.err.find("--survey ID"), std::string::npos) << no_survey.err;
    auto help = ctl({"voice", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("assets/audio/<survey>/<lang>/"), std::string::npos) << help.out;
}

TEST(ReadAloud, RecordedAudioTakesPrecedenceOverGeneratedAudio) {
    auto survey = food();
    ASSERT_NE(survey, nullptr);
    fieldkiosk::testing::TempDir t;
    const fs::path assets = t.path() / "assets", generated = t.path() / "audio";
    EXPECT_FALSE(core::find_audio(assets, generated, *survey, "bn", "q-fies_worried.wav"));
    fs::create_directories(core::generated_audio_dir(generated, *survey, "bn"));
    std::ofstream(core::generated_audio_dir(generated, *survey, "bn") / "q-fies_worried.wav") << "g";
    EXPECT_EQ(core::find_audio(assets, generated, *survey, "bn", "q-fies_worried.wav"),
              generated / "food" / survey->version / "bn" / "q-fies_worried.wav");
    fs::create_directories(assets / "audio" / "food" / "bn");
    std::ofstream(assets / "audio" / "food" / "bn" / "q-fies_worried.wav") << "r";
    EXPECT_EQ(core::find_audio(assets, generated, *survey, "bn", "q-fies_worried.wav"),
              assets / "audio" / "food" / "bn" / "q-fies_worried.wav");
    EXPECT_EQ(core::speakable("Help:\n\n- Call 101.\n- Crimestoppers, 0800 555 111."),
              "Help:\nCall 101.\nCrimestoppers, 0800 555 111.");
    EXPECT_NE(core::text_hash("Yes"), core::text_hash("Yes."));
    EXPECT_EQ(core::espeak_voice("zh-Hans"), "cmn");
    EXPECT_EQ(core::espeak_voice("so"), std::nullopt);
}

TEST(Wav, RefusesWhatIsNotSixteenBitPcmAndSaysWhat) {
    auto bytes = [](std::string s) {
        return std::vector<std::byte>(reinterpret_cast<const std::byte*>(s.data()),
                                      reinterpret_cast<const std::byte*>(s.data() + s.size()));
    };
    auto header = [](std::uint16_t bits, std::uint32_t rate) {
        std::string h = "RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0"s;
        for (int i = 0; i < 4; ++i) h += static_cast<char>((rate >> (8 * i)) & 0xFF);
        h += "\0\0\0\0\x02\0"s;
        h += static_cast<char>(bits);
        h += '\0';
        return h;
    };
    EXPECT_NE(core::parse_wav(bytes("hello")).error().find("not a WAV file"), std::string::npos);
    EXPECT_NE(core::parse_wav(bytes(header(8, 22050) + "data\x02\0\0\0\x01\x02"s)).error().find("8-bit"), std::string::npos);
    EXPECT_NE(core::parse_wav(bytes(header(16, 4000) + "data\x02\0\0\0\x01\x02"s)).error().find("4000 Hz"), std::string::npos);
    EXPECT_NE(core::parse_wav(bytes(header(16, 22050))).error().find("no data chunk"), std::string::npos);
    auto ok = core::parse_wav(bytes(header(16, 22050) + "data\x04\0\0\0\x00\x40\x00\xC0"s));
    ASSERT_TRUE(ok.has_value()) << ok.error();
    EXPECT_EQ(ok->samples, (std::vector<std::int16_t>{16384, -16384}));
    EXPECT_NEAR(ok->rms(), 0.5, 1e-9);
    EXPECT_NEAR(ok->seconds(), 2.0 / 22050.0, 1e-12);
    EXPECT_FALSE(core::read_wav("/no/such/file.wav").has_value());
}

}  // namespace
}  // namespace fieldkiosk::tools
