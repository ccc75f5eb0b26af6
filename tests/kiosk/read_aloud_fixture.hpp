// Read aloud in the kiosk tests (app_read_aloud_test.cpp, ui_read_aloud_test.cpp): a SpeechPort that records what
// would be played, and a kiosk with tiny generated audio (made at test time) for the food survey.
#pragma once

#include "core/read_aloud.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/support/wav_fixture.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace fieldkiosk::testing {

class RecordingSpeech final : public kiosk::SpeechPort {
public:
    std::expected<void, std::string> play(const std::vector<std::filesystem::path>& files) override {
        plays.push_back(files);
        queue = files;
        return {};
    }
    void stop() override {
        ++stops;
        queue.clear();
    }
    void set_volume(float v) override { volume = v; }
    [[nodiscard]] bool playing() const override { return !queue.empty(); }

    std::vector<std::vector<std::filesystem::path>> plays;
    std::vector<std::filesystem::path> queue;  // what plays now
    int stops = 0;
    float volume = -1;
};

// A kiosk with the shipped surveys and tiny generated audio for food in `langs` (every text and UI prompt).
struct ReadAloudFixture : KioskFixture {
    explicit ReadAloudFixture(const std::vector<std::string>& langs = {"en"}, kiosk::KioskConfig config = {})
        : KioskFixture(std::move(config)) {
        for (const auto& s : app.surveys())
            if (s->id == "food")
                for (const auto& lang : langs) {
                    const std::filesystem::path d = core::generated_audio_dir(root(), *s, lang);
                    for (const auto& t : core::spoken_texts(*s, lang)) write_tone(d / t.file, 0.01);
                    for (const auto& k : core::spoken_ui_keys()) write_tone(d / core::ui_audio_file(k), 0.01);
                }
        app.set_speech(&speech, dir.path() / "assets", root());
    }
    [[nodiscard]] std::filesystem::path root() const { return dir.path() / "audio"; }
    [[nodiscard]] std::filesystem::path file(std::string_view lang, std::string_view name) const {
        for (const auto& s : app.surveys())
            if (s->id == "food") return core::generated_audio_dir(root(), *s, lang) / std::string(name);
        return {};
    }
    RecordingSpeech speech;
};

}  // namespace fieldkiosk::testing
