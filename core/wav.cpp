#include "core/wav.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

namespace fieldkiosk::core {

namespace {

std::uint32_t le32(std::span<const std::byte> b, std::size_t at) {
    return std::to_integer<std::uint32_t>(b[at]) | (std::to_integer<std::uint32_t>(b[at + 1]) << 8) |
           (std::to_integer<std::uint32_t>(b[at + 2]) << 16) | (std::to_integer<std::uint32_t>(b[at + 3]) << 24);
}

std::uint16_t le16(std::span<const std::byte> b, std::size_t at) {
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(b[at]) | (std::to_integer<unsigned>(b[at + 1]) << 8));
}

bool tag(std::span<const std::byte> b, std::size_t at, const char* t) { return std::memcmp(b.data() + at, t, 4) == 0; }

}  // namespace

double Pcm16::seconds() const {
    if (rate <= 0 || channels <= 0) return 0.0;
    return static_cast<double>(samples.size()) / static_cast<double>(channels) / static_cast<double>(rate);
}

double Pcm16::rms() const {
    if (samples.empty()) return 0.0;
    double sum = 0.0;
    for (const std::int16_t s : samples) sum += static_cast<double>(s) * static_cast<double>(s);
    return std::sqrt(sum / static_cast<double>(samples.size())) / 32768.0;
}

std::expected<Pcm16, std::string> parse_wav(std::span<const std::byte> b) {
    if (b.size() < 12 || !tag(b, 0, "RIFF") || !tag(b, 8, "WAVE"))
        return std::unexpected("not a WAV file: it does not start with RIFF....WAVE");
    Pcm16 out;
    bool have_fmt = false;
    std::size_t at = 12;
    while (at + 8 <= b.size()) {
        const std::uint32_t size = le32(b, at + 4);
        const std::size_t body = at + 8;
        if (tag(b, at, "fmt ")) {
            if (size < 16 || body + 16 > b.size()) return std::unexpected("the fmt chunk is shorter than 16 bytes");
            const std::uint16_t format = le16(b, body);
            out.channels = le16(b, body + 2);
            out.rate = static_cast<int>(le32(b, body + 4));
            const std::uint16_t bits = le16(b, body + 14);
            if (format != 1 && format != 0xFFFE)
                return std::unexpected("the audio is not plain PCM (format " + std::to_string(format) +
                                       "); save it as 16-bit PCM WAV");
            if (bits != 16) return std::unexpected(std::to_string(bits) + "-bit samples; save it as 16-bit PCM WAV");
            if (out.channels < 1 || out.channels > 2)
                return std::unexpected(std::to_string(out.channels) + " channels; use mono or stereo");
            if (out.rate < 8000 || out.rate > 192000)
                return std::unexpected("a sample rate of " + std::to_string(out.rate) + " Hz; use 8000 to 192000 Hz");
            have_fmt = true;
        } else if (tag(b, at, "data")) {
            if (!have_fmt) return std::unexpected("the data chunk comes before the fmt chunk");
            const std::size_t n = std::min<std::size_t>(size, b.size() - body) / 2;
            out.samples.resize(n);
            for (std::size_t i = 0; i < n; ++i) out.samples[i] = static_cast<std::int16_t>(le16(b, body + 2 * i));
            return out;
        }
        if (size > b.size() - body) break;
        at = body + size + (size & 1u);  // chunks are padded to an even size
    }
    return std::unexpected(have_fmt ? "no data chunk" : "no fmt chunk");
}

std::expected<Pcm16, std::string> read_wav(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(file.string() + ": cannot be opened");
    const std::vector<char> raw{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto r = parse_wav(std::as_bytes(std::span(raw)));
    if (!r) return std::unexpected(file.string() + ": " + r.error());
    return r;
}

}  // namespace fieldkiosk::core
