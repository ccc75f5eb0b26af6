// fieldkiosk::core WAV — reads the 16-bit PCM WAV files that read-aloud audio comes in (espeak-ng's output,
// and recorded audio saved as WAV), for the kiosk's player and for the checks of `fieldkiosk-ctl voice`.
//   Pcm16        samples, interleaved, with their rate and channel count
//   parse_wav    bytes -> Pcm16, or a message naming what is wrong
//   read_wav     a file -> Pcm16, or a message naming the file
// Thread-safety: free functions over their arguments; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace fieldkiosk::core {

struct Pcm16 {
    int rate = 0;                          // samples per second per channel
    int channels = 0;                      // 1 or 2
    std::vector<std::int16_t> samples;     // interleaved
    [[nodiscard]] double seconds() const;  // duration
    [[nodiscard]] double rms() const;      // root mean square over all samples, 0..1 of full scale
};

// Accepts RIFF/WAVE with a PCM "fmt " chunk of 16-bit samples, 1 or 2 channels, 8000..192000 Hz, and a
// "data" chunk (other chunks are skipped; a data size past the end, as a streaming writer leaves it, is cut
// to what is there). Anything else is an error saying what was found.
[[nodiscard]] std::expected<Pcm16, std::string> parse_wav(std::span<const std::byte> bytes);
[[nodiscard]] std::expected<Pcm16, std::string> read_wav(const std::filesystem::path& file);

}  // namespace fieldkiosk::core
