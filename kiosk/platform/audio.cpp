// Index: mix_scaled · the callback · open/close · loading and converting a file · play/stop/volume
#include "kiosk/platform/audio.hpp"

#include "core/wav.hpp"

#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>

namespace fieldkiosk::kiosk::platform {

void mix_scaled(std::span<const std::int16_t> in, std::span<std::int16_t> out, float volume) {
    const float v = std::clamp(volume, 0.0f, 1.0f);
    const std::size_t n = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < n; ++i) {
        const float s = std::round(static_cast<float>(in[i]) * v);
        out[i] = static_cast<std::int16_t>(std::clamp(s, -32768.0f, 32767.0f));
    }
}

struct AudioPlayer::State {
    SDL_AudioDeviceID device = 0;
    SDL_AudioSpec spec{};
    // Read and written by the callback; changed by the main thread only under SDL_LockAudioDevice.
    std::deque<std::vector<std::int16_t>> queue;  // device-format samples, one entry per file
    std::size_t offset = 0;                       // samples of queue.front() already played
    float volume = 1.0f;
    std::uint64_t played = 0;
};

namespace {

// SDL's audio thread: copies from the queue, scaled by the volume, and fills the rest with silence.
void callback(void* user, Uint8* stream, int len) {
    auto* st = static_cast<AudioPlayer::State*>(user);
    std::span<std::int16_t> out(reinterpret_cast<std::int16_t*>(stream), static_cast<std::size_t>(len) / 2);
    while (!out.empty() && !st->queue.empty()) {
        const auto& clip = st->queue.front();
        const std::size_t n = std::min(out.size(), clip.size() - st->offset);
        mix_scaled(std::span(clip).subspan(st->offset, n), out, st->volume);
        out = out.subspan(n);
        st->offset += n;
        st->played += n;
        if (st->offset >= clip.size()) {
            st->queue.pop_front();
            st->offset = 0;
        }
    }
    std::fill(out.begin(), out.end(), std::int16_t{0});
}

// The samples of `file` in the device's rate and channel count.
std::expected<std::vector<std::int16_t>, std::string> load(const std::filesystem::path& file, const SDL_AudioSpec& spec) {
    auto pcm = core::read_wav(file);
    if (!pcm) return std::unexpected(pcm.error());
    SDL_AudioCVT cvt;
    const int rc = SDL_BuildAudioCVT(&cvt, AUDIO_S16SYS, static_cast<Uint8>(pcm->channels), pcm->rate, AUDIO_S16SYS,
                                     spec.channels, spec.freq);
    if (rc < 0) return std::unexpected(file.string() + ": cannot be converted for the sound card: " + SDL_GetError());
    const std::size_t bytes = pcm->samples.size() * 2;
    if (rc == 0) return std::move(pcm->samples);
    std::vector<std::int16_t> buf((bytes * static_cast<std::size_t>(cvt.len_mult) + 1) / 2 + 1);
    std::memcpy(buf.data(), pcm->samples.data(), bytes);
    cvt.buf = reinterpret_cast<Uint8*>(buf.data());
    cvt.len = static_cast<int>(bytes);
    if (SDL_ConvertAudio(&cvt) != 0) return std::unexpected(file.string() + ": conversion failed: " + SDL_GetError());
    buf.resize(static_cast<std::size_t>(cvt.len_cvt) / 2);
    return buf;
}

class DeviceLock {
public:
    explicit DeviceLock(SDL_AudioDeviceID d) : m_d(d) { SDL_LockAudioDevice(m_d); }
    ~DeviceLock() { SDL_UnlockAudioDevice(m_d); }
    DeviceLock(const DeviceLock&) = delete;
    DeviceLock& operator=(const DeviceLock&) = delete;

private:
    SDL_AudioDeviceID m_d;
};

}  // namespace

std::expected<std::unique_ptr<AudioPlayer>, std::string> AudioPlayer::open() {
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) return std::unexpected(std::string("no audio: ") + SDL_GetError());
    std::unique_ptr<AudioPlayer> p(new AudioPlayer());
    p->m_state = std::make_unique<State>();
    SDL_AudioSpec want{};
    want.freq = 22050;  // espeak-ng's rate: no conversion for generated audio where the card allows it
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;  // ~46 ms at 22050 Hz: stop() is heard within one buffer
    want.callback = callback;
    want.userdata = p->m_state.get();
    p->m_state->device = SDL_OpenAudioDevice(nullptr, 0, &want, &p->m_state->spec,
                                             SDL_AUDIO_ALLOW_FREQUENCY_CHANGE | SDL_AUDIO_ALLOW_CHANNELS_CHANGE);
    if (p->m_state->device == 0) {
        std::string why = SDL_GetError();
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return std::unexpected("no audio device: " + why);
    }
    SDL_PauseAudioDevice(p->m_state->device, 0);  // runs always; plays silence while the queue is empty
    return p;
}

AudioPlayer::~AudioPlayer() {
    if (!m_state || m_state->device == 0) return;
    SDL_CloseAudioDevice(m_state->device);  // waits for the callback to return
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

std::expected<void, std::string> AudioPlayer::play(const std::vector<std::filesystem::path>& files) {
    std::deque<std::vector<std::int16_t>> clips;
    for (const auto& f : files) {
        auto c = load(f, m_state->spec);
        if (!c) {
            stop();
            return std::unexpected(c.error());
        }
        clips.push_back(std::move(*c));
    }
    DeviceLock lock(m_state->device);
    m_state->queue.swap(clips);  // the old clips are freed below, outside the callback
    m_state->offset = 0;
    return {};
}

void AudioPlayer::stop() {
    std::deque<std::vector<std::int16_t>> old;
    {
        DeviceLock lock(m_state->device);
        old.swap(m_state->queue);
        m_state->offset = 0;
    }
}

void AudioPlayer::set_volume(float volume) {
    DeviceLock lock(m_state->device);
    m_state->volume = std::clamp(volume, 0.0f, 1.0f);
}

float AudioPlayer::volume() const {
    DeviceLock lock(m_state->device);
    return m_state->volume;
}

bool AudioPlayer::playing() const { return clips_left() > 0; }

std::size_t AudioPlayer::clips_left() const {
    DeviceLock lock(m_state->device);
    return m_state->queue.size();
}

std::uint64_t AudioPlayer::samples_played() const {
    DeviceLock lock(m_state->device);
    return m_state->played;
}

int AudioPlayer::device_rate() const { return m_state->spec.freq; }
int AudioPlayer::device_channels() const { return m_state->spec.channels; }

}  // namespace fieldkiosk::kiosk::platform
