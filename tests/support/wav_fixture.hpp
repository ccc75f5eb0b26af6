// Tiny WAV files made at test time (no binary fixtures in the repository): the audio player's tests and the
// App's read-aloud tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numbers>

namespace fieldkiosk::testing {

// A mono 16-bit WAV of a 440 Hz tone lasting `seconds`; the folders are made. Returns `file`.
inline std::filesystem::path write_tone(const std::filesystem::path& file, double seconds, int rate = 22050) {
    std::filesystem::create_directories(file.parent_path());
    const auto n = static_cast<std::uint32_t>(seconds * rate);
    std::ofstream out(file, std::ios::binary);
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    auto u16 = [&](std::uint16_t v) {
        out.put(static_cast<char>(v & 0xFF));
        out.put(static_cast<char>(v >> 8));
    };
    out << "RIFF";
    u32(36 + n * 2);
    out << "WAVEfmt ";
    u32(16);
    u16(1);
    u16(1);
    u32(static_cast<std::uint32_t>(rate));
    u32(static_cast<std::uint32_t>(rate) * 2);
    u16(2);
    u16(16);
    out << "data";
    u32(n * 2);
    for (std::uint32_t i = 0; i < n; ++i)
        u16(static_cast<std::uint16_t>(static_cast<std::int16_t>(8000 * std::sin(2 * std::numbers::pi * 440 * i / rate))));
    return file;
}

}  // namespace fieldkiosk::testing
