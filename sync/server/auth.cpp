#include "sync/server/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace fieldkiosk::sync::server {

namespace {
std::string to_hex(const unsigned char* p, std::size_t n) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += k_digits[p[i] >> 4];
        out += k_digits[p[i] & 0x0f];
    }
    return out;
}
}  // namespace

std::string make_token() {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("no randomness for a token");
    return "fk_" + to_hex(bytes.data(), bytes.size());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string bearer_token(std::string_view h) {
    constexpr std::string_view k_prefix = "Bearer ";
    if (h.size() <= k_prefix.size()) return {};
    for (std::size_t i = 0; i < k_prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(h[i])) != std::tolower(static_cast<unsigned char>(k_prefix[i]))) return {};
    h.remove_prefix(k_prefix.size());
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
    return std::string(h);
}

}  // namespace fieldkiosk::sync::server
