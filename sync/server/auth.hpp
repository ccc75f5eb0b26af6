// fieldkiosk::sync::server tokens: made from OS randomness, stored only as SHA-256 (protocol::sha256_hex),
// compared in constant time.
//
// A token is "fk_" + 64 hex digits (256 random bits). The server keeps only its SHA-256 (hex). A lookup
// by hash finds the candidate; the hashes are then compared with CRYPTO_memcmp, so that the time taken
// says nothing about how much of a guess was right.
// Thread-safety: free functions; safe from any thread.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace fieldkiosk::sync::server {

// Token roles (the tokens table's `role`): "kiosk" sends batches and fetches surveys; "metrics" reads
// GET /metrics and nothing else; "admin:SCOPES", SCOPES a comma-separated list of "read" (exports, and the
// reports and dashboard to come) and "manage" (kiosks and surveys over HTTP, when that comes). A plain
// "admin" token, made before scopes existed, has "read" only. docs/operations.md, "Tokens and scopes".
inline constexpr std::string_view k_role_kiosk = "kiosk", k_role_metrics = "metrics";
inline constexpr std::string_view k_need_read = "admin:read", k_need_manage = "admin:manage";
// The role text for `scopes` ("read", "manage", "read,manage"; any order, spaces ignored), or what is wrong.
[[nodiscard]] std::expected<std::string, std::string> admin_role(std::string_view scopes);
// Whether a token of `role` may do what `need` names: a role ("kiosk", "metrics") or "admin:SCOPE".
[[nodiscard]] bool role_allows(std::string_view role, std::string_view need);
[[nodiscard]] bool is_admin_role(std::string_view role);  // "admin" or "admin:..."

[[nodiscard]] std::string make_token();  // throws std::runtime_error if the OS has no entropy
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);  // false on different lengths
// The token in "Authorization: Bearer TOKEN", or empty.
[[nodiscard]] std::string bearer_token(std::string_view authorization_header);

}  // namespace fieldkiosk::sync::server
