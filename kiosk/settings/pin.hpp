// fieldkiosk::kiosk admin PIN — which PINs may be used, and how one is kept: only as a slow, salted
// Argon2id hash (libsodium crypto_pwhash_str). Pure functions; no UI.
//
// Index:
//   pin_weakness   the one strength rule: `fieldkiosk --hash-pin` and `fieldkiosk-ctl provision` both ask it
//   hash_pin       the text for admin.pin_hash
//   verify_pin     a PIN against that text
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace fieldkiosk::kiosk {

inline constexpr std::size_t k_pin_min_digits = 4, k_pin_max_digits = 12;

// The rule `pin` breaks, in words for the operator ("is one digit repeated (like 0000) ..."), or nullopt.
// Rules: 4-12 digits only; not one digit repeated; not a run of consecutive digits up or down (1234,
// 9876, 7890); not a short group repeated (1212, 123123); not a year 1900-2099; not one of a few very
// common PINs (2580, the keypad's middle column, and its kind). One rule for every way a PIN is set, so a
// PIN one tool refuses cannot be slipped in through the other.
[[nodiscard]] std::optional<std::string> pin_weakness(std::string_view pin);

// A crypto_pwhash_str() text for `pin` (Argon2id, 3 passes, 16 MiB: slow to guess, yet quick enough on a
// tablet and small enough for the kiosk's memory budget). Fails only if libsodium cannot start or allocate.
[[nodiscard]] std::expected<std::string, std::string> hash_pin(std::string_view pin);
// True when `pin` matches `hash`; false for a wrong PIN or a malformed hash.
[[nodiscard]] bool verify_pin(std::string_view hash, std::string_view pin);

}  // namespace fieldkiosk::kiosk
