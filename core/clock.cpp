#include "core/clock.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace fieldkiosk::core {

std::string make_uuid_v4(Rng& rng) {
    std::array<std::uint8_t, 16> b{};
    const std::uint64_t hi = rng.next_u64();
    const std::uint64_t lo = rng.next_u64();
    for (int i = 0; i < 8; ++i) {
        b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
        b[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
    }
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0Fu) | 0x40u);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3Fu) | 0x80u);  // RFC variant
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += k_hex[b[i] >> 4];
        out += k_hex[b[i] & 0x0Fu];
    }
    return out;
}

std::string format_utc(std::chrono::system_clock::time_point t) {
    // GCC 12 has no std::format; gmtime_r is thread-safe.
    const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
    const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
    const std::time_t tt = std::chrono::system_clock::to_time_t(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((ms - secs).count()));
    return buf;
}

}  // namespace fieldkiosk::core
