// fieldkiosk::kiosk PIN hashing — the admin PIN is kept only as a slow, salted Argon2id hash
// (libsodium crypto_pwhash_str). Pure functions; no UI.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace fieldkiosk::kiosk {

// A crypto_pwhash_str() text for `pin` (Argon2id, 3 passes, 16 MiB: slow to guess, yet quick enough on a
// tablet and small enough for the kiosk's memory budget). Fails only if libsodium cannot start or allocate.
[[nodiscard]] std::expected<std::string, std::string> hash_pin(std::string_view pin);
// True when `pin` matches `hash`; false for a wrong PIN or a malformed hash.
[[nodiscard]] bool verify_pin(std::string_view hash, std::string_view pin);

}  // namespace fieldkiosk::kiosk
