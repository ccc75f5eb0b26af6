// fieldkiosk::sync::protocol gzip helpers (zlib): compress a body, and inflate one with a hard cap on the
// decompressed size, so that a small "gzip bomb" cannot make the reader allocate gigabytes.
//
// Thread-safety: free functions; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace fieldkiosk::sync::protocol {

struct GzipError {
    enum class Kind : std::uint8_t { TooLarge, Corrupt };
    Kind kind = Kind::Corrupt;
    std::string message;
};

// RFC 1952 gzip of `data` (level 1..9; 6 is zlib's default trade-off).
[[nodiscard]] std::string gzip_compress(std::string_view data, int level = 6);
// Inflates a whole gzip stream. Fails with TooLarge as soon as the output would exceed `max_output`
// (having written at most that much), with Corrupt on bad or truncated input.
[[nodiscard]] std::expected<std::string, GzipError> gzip_decompress(std::string_view data, std::size_t max_output);

}  // namespace fieldkiosk::sync::protocol
