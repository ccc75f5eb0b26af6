#include "kiosk/settings/pin.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace fieldkiosk::kiosk {
namespace {
constexpr unsigned long long k_ops = 3;
constexpr std::size_t k_mem = 16u * 1024u * 1024u;
}  // namespace

std::optional<std::string> pin_weakness(std::string_view pin) {
    const auto digits_only = std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits_only || pin.size() < k_pin_min_digits || pin.size() > k_pin_max_digits)
        return "must be " + std::to_string(k_pin_min_digits) + " to " + std::to_string(k_pin_max_digits) +
               " digits, nothing else (the kiosk's PIN pad has only digits)";
    if (std::all_of(pin.begin(), pin.end(), [&](char c) { return c == pin[0]; }))
        return std::string("is one digit repeated (like 0000): it is among the first PINs anyone tries");
    for (const int step : {1, 9}) {  // +1 and -1, modulo 10 (7890 and 2109 count)
        bool run = true;
        for (std::size_t i = 1; i < pin.size() && run; ++i) run = (pin[i] - '0') == ((pin[i - 1] - '0') + step) % 10;
        if (run)
            return std::string("is a run of consecutive digits (like 1234 or 9876): it is among the first PINs anyone tries");
    }
    for (std::size_t len = 2; len <= pin.size() / 2; ++len) {
        if (pin.size() % len != 0) continue;
        bool repeated = true;
        for (std::size_t i = len; i < pin.size() && repeated; ++i) repeated = pin[i] == pin[i - len];
        if (repeated) return std::string("is a short group of digits repeated (like 1212 or 123123): easy to guess");
    }
    if (pin.size() == 4 && (pin.starts_with("19") || pin.starts_with("20")))
        return std::string("looks like a year (1900-2099), such as a birth year: easy to guess");
    constexpr std::array<std::string_view, 8> k_common = {"2580", "0852", "1470", "0741", "3690", "0963", "1122", "5683"};
    if (std::find(k_common.begin(), k_common.end(), pin) != k_common.end())
        return std::string("is one of the most common PINs (a line down the keypad, like 2580): easy to guess");
    return std::nullopt;
}

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
