// fieldkiosk::kiosk::SpeechPort — what the app needs to read aloud, as an interface, so that the app stays pure
// (no SDL) and its tests can see what would be played (docs/read_aloud.md). kiosk/platform/audio.* implements it
// with SDL2 audio (AudioSpeech in kiosk/main.cpp); screenshots use a port that plays nothing.
// Called on the UI thread only; every call returns at once (playback runs on SDL's audio thread).
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace fieldkiosk::kiosk {

class SpeechPort {
public:
    virtual ~SpeechPort() = default;
    // Replaces whatever plays by `files`, in order. An error names the file that could not be read.
    [[nodiscard]] virtual std::expected<void, std::string> play(const std::vector<std::filesystem::path>& files) = 0;
    virtual void stop() = 0;                    // silence at once; the queue is emptied
    virtual void set_volume(float volume) = 0;  // 0 (silent) .. 1 (as recorded)
    [[nodiscard]] virtual bool playing() const = 0;
};

}  // namespace fieldkiosk::kiosk
