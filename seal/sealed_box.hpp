// fieldkiosk::seal — sealed answers (docs/sealed_answers.md): a survey names an X25519 public key, the kiosk
// seals each completed response to it with libsodium's sealed box before anything reaches its disk, and only
// the holder of the private key can open it again.
//
// Index:
//   k_encoding, KeyPair, SealError   the payload's encoding name; a key pair; what went wrong
//   generate_key_pair, fingerprint   `fieldkiosk-server keygen`; the short form operators compare by eye
//   write_key_file, read_key_file    the private key file (0600, refused when others may read it)
//   seal_response                    a Response -> its sealed envelope (metadata in clear, everything sealed)
//   check_envelope, open_payload     the receiver's shape check; opening with the private key(s)
//   sealed_cell, parse_sealed_cell   how a sealed payload travels in the export CSV's answers column
//
// The envelope is the response's JSON (core::response_to_json) without "answers", "write_ins" and
// "calculated", plus {"sealed": {"key_id", "box"}}; the box holds the WHOLE response JSON, so opening also
// proves that the metadata in clear was not changed (open_payload compares them).
// Thread-safety: free functions on values; safe from any thread (libsodium is initialised once, thread-safely).
#pragma once

#include "core/answer.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace fieldkiosk::seal {

inline constexpr std::string_view k_encoding = "sealed-box-v1";  // the storage and wire `encoding`
inline constexpr std::string_view k_key_file_format = "fieldkiosk-sealed-key-1";
inline constexpr std::string_view k_cell_prefix = "sealed:v1:";  // export CSV: "sealed:v1:KEY_ID:BOX"

using Key = std::array<std::uint8_t, 32>;

struct KeyPair {
    std::string key_id;
    Key public_key{};
    Key secret_key{};  // all zero when only the public half is known
};

struct SealError {
    enum class Kind : std::uint8_t {
        Crypto,     // libsodium could not start or failed
        NotSealed,  // the payload is not a sealed envelope
        Damaged,    // truncated, altered, or not valid base64/JSON: refused, never half-read
        NoKey,      // sealed to a key id none of the given keys has
        WrongKey,   // a key with that id was given but does not open it (another key, or the box was altered)
        File,       // a key file could not be written or read
    };
    Kind kind = Kind::Crypto;
    std::string message;  // plain words naming the key id, the file or the part at fault
};
template <class T>
using SealResult = std::expected<T, SealError>;

// A new key pair from the OS's randomness. An empty `key_id` becomes "key-" + the first 8 hex digits of the
// fingerprint. The id must be what the survey loader accepts (1..64 of [A-Za-z0-9_.-]).
[[nodiscard]] SealResult<KeyPair> generate_key_pair(std::string key_id);
// BLAKE2b-64 of the public key as four groups of four hex digits: "1a2b 3c4d 5e6f 7a8b".
[[nodiscard]] std::string fingerprint(const Key& public_key);
// The same from the base64 text of a survey file; nullopt when it is not a 32-byte key.
[[nodiscard]] std::optional<std::string> fingerprint_of(std::string_view public_key_base64);
// What to put in the survey file: {"key_id": ..., "public_key": base64}.
[[nodiscard]] core::Encryption survey_setting(const KeyPair& key);

// Creates `path` with mode 0600 (never overwriting a file that exists) holding the key pair as JSON.
[[nodiscard]] SealResult<void> write_key_file(const std::filesystem::path& path, const KeyPair& key);
// Reads a key file; refuses one that group or others may read, a malformed one, and one whose halves differ.
[[nodiscard]] SealResult<KeyPair> read_key_file(const std::filesystem::path& path);

// The slow half of a sealed box, done ahead of time: a fresh ephemeral X25519 key pair and its shared key with
// the survey's key (about 70 µs). Sealing with it then costs only the symmetric part (a few µs), and the box
// is exactly what crypto_box_seal() makes (ephemeral public key, then crypto_box_easy with the nonce
// BLAKE2b(epk || pk)). Use each one once: seal_json() wipes it.
class PreparedSeal {
public:
    [[nodiscard]] const core::Encryption& to() const { return m_to; }

private:
    friend SealResult<PreparedSeal> prepare_seal(const core::Encryption& to);
    friend SealResult<nlohmann::json> seal_json(const nlohmann::json& open, const core::Encryption& to, PreparedSeal* prepared);
    core::Encryption m_to;
    Key m_ephemeral_public{};
    std::array<std::uint8_t, 32> m_shared{};
    std::array<std::uint8_t, 24> m_nonce{};
};
[[nodiscard]] SealResult<PreparedSeal> prepare_seal(const core::Encryption& to);

// The sealed envelope of `r` (see above). Fails only if libsodium does, or the key is not 32 bytes of base64.
[[nodiscard]] SealResult<nlohmann::json> seal_response(const core::Response& r, const core::Encryption& to);
// The same from a response's JSON (core::response_to_json's form): tools and benchmarks that hold only that.
// With `prepared` for the same key, only the fast symmetric part runs; it is then used up (reset).
[[nodiscard]] SealResult<nlohmann::json> seal_json(const nlohmann::json& open, const core::Encryption& to,
                                                   PreparedSeal* prepared = nullptr);
[[nodiscard]] bool is_sealed(const nlohmann::json& payload);  // has a "sealed" object
// The receiver's check, without any key: the envelope's shape, no answers in clear, a box of a possible size.
[[nodiscard]] std::optional<std::string> check_envelope(const nlohmann::json& payload);
// The response's JSON (the open payload, exactly as an unsealed response stores it), opened with the key of
// the envelope's key id among `keys`. Refuses (Damaged) a box that does not open to the envelope's own response.
[[nodiscard]] SealResult<nlohmann::json> open_payload(const nlohmann::json& envelope, std::span<const KeyPair> keys);

// "sealed:v1:KEY_ID:BOX" for the export CSV's answers column; parse_sealed_cell gives {key_id, box} back.
[[nodiscard]] std::string sealed_cell(const nlohmann::json& envelope);
[[nodiscard]] std::optional<std::pair<std::string, std::string>> parse_sealed_cell(std::string_view cell);

}  // namespace fieldkiosk::seal
