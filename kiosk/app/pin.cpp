#include "kiosk/app/pin.hpp"

#include <sodium.h>

namespace fieldkiosk::kiosk {
namespace {
constexpr unsigned long long k_ops = 3;
constexpr std::size_t k_mem = 16u * 1024u * 1024u;
}  // namespace

std::expected<std::string, std::string> hash_pin(std::string_view pin) {
    if (sodium_init() < 0) return std::unexpected("libsodium could not start");
    std::string out(crypto_pwhash_STRBYTES, '\0');
    if (crypto_pwhash_str(out.data(), pin.data(), pin.size(), k_ops, k_mem) != 0)
        return std::unexpected("out of memory while hashing the PIN");
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

bool verify_pin(std::string_view hash, std::string_view pin) {
    if (sodium_init() < 0) return false;
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
    const std::string h(hash);  // NUL-terminated, as libsodium wants
    return crypto_pwhash_str_verify(h.c_str(), pin.data(), pin.size()) == 0;
}

}  // namespace fieldkiosk::kiosk
