// fieldkiosk::sync::protocol SHA-256 — the one digest of the project: token hashes and response content on
// the receiver, survey files on both sides of a survey update (the list's "sha256" and X-Fieldkiosk-Sha256).
// Here, in the library client and server share, so both compute the same text the same way.
// Thread-safety: a free function; safe from any thread.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace fieldkiosk::sync::protocol {

// SHA-256 of `data` as 64 lower-case hex digits. Fails (a message) only when OpenSSL cannot compute it
// (out of memory); callers must then refuse what depends on it, never compare against an empty digest.
[[nodiscard]] std::expected<std::string, std::string> sha256_hex(std::string_view data);

}  // namespace fieldkiosk::sync::protocol
