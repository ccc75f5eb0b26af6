// fieldkiosk::kiosk::platform::AudioPlayer — read-aloud playback through SDL2 audio (docs/read_aloud.md).
// Files are loaded and converted to the device's format on the caller's thread, before playing; the SDL audio
// callback only copies samples, so no frame ever waits for audio. One queue: "the question, then each choice".
//   mix_scaled     the callback's one step: samples times the volume, saturating (tested on plain buffers)
//   AudioPlayer    open the device, play a queue of WAV files, stop at once, volume 0..1
// Thread-safety: AudioPlayer's methods are for one thread (the main loop); they take SDL's device lock to
// change what the callback reads, and the callback runs on SDL's audio thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace fieldkiosk::kiosk::platform {

// out[i] = in[i] * volume, rounded, clamped to the 16-bit range; volume is clamped to 0..1. `out` must be at
// least as long as `in`; the rest of `out` is left alone.
void mix_scaled(std::span<const std::int16_t> in, std::span<std::int16_t> out, float volume);

class AudioPlayer {
public:
    // Opens the default output device (16-bit; its own rate and channel count). Fails with SDL's reason,
    // e.g. when there is no sound card: the kiosk then shows no speaker button rather than a silent one.
    [[nodiscard]] static std::expected<std::unique_ptr<AudioPlayer>, std::string> open();
    ~AudioPlayer();
    AudioPlayer(const AudioPlayer&) = delete;
    AudioPlayer& operator=(const AudioPlayer&) = delete;

    // Replaces whatever plays by `files`, in order. Every file is read and converted first: one that cannot be
    // (missing, not 16-bit PCM WAV) is an error naming it, and then nothing new plays (the old queue is stopped).
    [[nodiscard]] std::expected<void, std::string> play(const std::vector<std::filesystem::path>& files);
    void stop();                    // silence from the next audio buffer on; the queue is emptied
    void set_volume(float volume);  // 0 (silent) .. 1 (as recorded); clamped
    [[nodiscard]] float volume() const;
    [[nodiscard]] bool playing() const;                  // something is queued and not yet played
    [[nodiscard]] std::size_t clips_left() const;        // files not yet finished, the current one included
    [[nodiscard]] std::uint64_t samples_played() const;  // device samples taken from files since open()
    [[nodiscard]] int device_rate() const;
    [[nodiscard]] int device_channels() const;

    struct State;  // what the callback reads; public only so that the callback (a free function) can name it

private:
    AudioPlayer() = default;
    std::unique_ptr<State> m_state;
};

}  // namespace fieldkiosk::kiosk::platform
