// fieldkiosk::sync::server tokens: made from OS randomness, stored only as SHA-256 (protocol::sha256_hex),
// compared in constant time.
//
// A token is "fk_" + 64 hex digits (256 random bits). The server keeps only its SHA-256 (hex). A lookup
// by hash finds the candidate; the hashes are then compared with CRYPTO_memcmp, so that the time taken
// says nothing about how much of a guess was right.
// Thread-safety: free functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace fieldkiosk::sync::server {

[[nodiscard]] std::string make_token();  // throws std::runtime_error if the OS has no entropy
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);  // false on different lengths
// The token in "Authorization: Bearer TOKEN", or empty.
[[nodiscard]] std::string bearer_token(std::string_view authorization_header);

}  // namespace fieldkiosk::sync::server
