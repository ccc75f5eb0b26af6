#include "sync/protocol/gzip.hpp"

#include <zlib.h>

#include <stdexcept>

namespace fieldkiosk::sync::protocol {

namespace {
constexpr int k_gzip_window = 15 + 16;  // 15-bit window, gzip wrapper
constexpr std::size_t k_chunk = 64 * 1024;
}  // namespace

std::string gzip_compress(std::string_view data, int level) {
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, k_gzip_window, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("gzip: deflateInit2 failed");
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const auto written = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
    out.resize(written);
    return out;
}

std::expected<std::string, GzipError> gzip_decompress(std::string_view data, std::size_t max_output) {
    z_stream zs{};
    if (inflateInit2(&zs, k_gzip_window) != Z_OK)
        return std::unexpected(GzipError{GzipError::Kind::Corrupt, "inflateInit2 failed"});
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buf[k_chunk];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&zs);
            return std::unexpected(GzipError{GzipError::Kind::Corrupt, "the gzip body is damaged or truncated"});
        }
        const std::size_t got = sizeof buf - zs.avail_out;
        if (out.size() + got > max_output) {
            inflateEnd(&zs);
            return std::unexpected(
                GzipError{GzipError::Kind::TooLarge, "the body inflates to more than " + std::to_string(max_output) + " bytes"});
        }
        out.append(buf, got);
        if (rc == Z_OK && got == 0 && zs.avail_in == 0) {  // input ended before the stream did
            inflateEnd(&zs);
            return std::unexpected(GzipError{GzipError::Kind::Corrupt, "the gzip body is truncated"});
        }
    }
    inflateEnd(&zs);
    return out;
}

}  // namespace fieldkiosk::sync::protocol
