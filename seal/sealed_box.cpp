// Index:
//   helpers        libsodium start-up, hex, the key id rule
//   keys           generate_key_pair, fingerprint, survey_setting, key files
//   seal and open  seal_response, check_envelope, open_payload, the CSV cell
#include "seal/sealed_box.hpp"

#include "core/base64.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace fieldkiosk::seal {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------
bool sodium_ready() {
    static const bool ok = sodium_init() >= 0;  // thread-safe (a function-local static), idempotent
    return ok;
}

SealError error(SealError::Kind k, std::string message) { return SealError{k, std::move(message)}; }

bool valid_key_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::ranges::all_of(id, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

std::optional<Key> key_from_base64(std::string_view text) {
    auto bytes = core::base64_decode(text);
    if (!bytes || bytes->size() != Key{}.size()) return std::nullopt;
    Key k{};
    std::ranges::copy(*bytes, k.begin());
    return k;
}

std::string b64(std::span<const std::uint8_t> bytes) { return core::base64_encode(bytes); }

// The members an envelope carries in clear; everything else of the response is only inside the box.
constexpr std::array<std::string_view, 9> k_clear_keys = {"id",   "survey",     "survey_version", "language", "mode",
                                                          "site", "started_at", "completed_at",   "worker"};

}  // namespace

// ---------------------------------------------------------------------------------------------
// keys
// ---------------------------------------------------------------------------------------------
std::string fingerprint(const Key& public_key) {
    std::array<std::uint8_t, 8> h{};
    crypto_generichash(h.data(), h.size(), public_key.data(), public_key.size(), nullptr, 0);
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < h.size(); ++i) {
        if (i > 0 && i % 2 == 0) out += ' ';
        out += k_hex[h[i] >> 4];
        out += k_hex[h[i] & 15];
    }
    return out;
}

std::optional<std::string> fingerprint_of(std::string_view public_key_base64) {
    if (!sodium_ready()) return std::nullopt;
    auto k = key_from_base64(public_key_base64);
    if (!k) return std::nullopt;
    return fingerprint(*k);
}

SealResult<KeyPair> generate_key_pair(std::string key_id) {
    if (!sodium_ready()) return std::unexpected(error(SealError::Kind::Crypto, "libsodium could not start"));
    KeyPair k;
    crypto_box_keypair(k.public_key.data(), k.secret_key.data());
    if (key_id.empty()) {
        std::string fp = fingerprint(k.public_key);
        std::erase(fp, ' ');
        key_id = "key-" + fp.substr(0, 8);
    }
    if (!valid_key_id(key_id))
        return std::unexpected(error(SealError::Kind::File, "'" + key_id +
                                                                "' is not a valid key id: 1 to 64 letters, digits, "
                                                                "'_', '-' or '.'"));
    k.key_id = std::move(key_id);
    return k;
}

core::Encryption survey_setting(const KeyPair& key) { return {key.key_id, b64(key.public_key)}; }

SealResult<void> write_key_file(const fs::path& path, const KeyPair& key) {
    const json j = {{"format", k_key_file_format},
                    {"key_id", key.key_id},
                    {"public_key", b64(key.public_key)},
                    {"secret_key", b64(key.secret_key)},
                    {"fingerprint", fingerprint(key.public_key)}};
    const std::string text = j.dump(2) + "\n";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return std::unexpected(error(SealError::Kind::File, path.string() +
                                                                ": cannot create the key file: " + std::strerror(errno) +
                                                                (errno == EEXIST ? " (a key file is never overwritten)" : "")));
    bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
    for (std::size_t done = 0; ok && done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        return std::unexpected(
            error(SealError::Kind::File, path.string() + ": cannot write the key file: " + std::strerror(saved)));
    }
    return {};
}

SealResult<KeyPair> read_key_file(const fs::path& path) {
    const auto bad = [&](const std::string& why) {
        return std::unexpected(error(SealError::Kind::File, path.string() + ": " + why));
    };
    if (!sodium_ready()) return std::unexpected(error(SealError::Kind::Crypto, "libsodium could not start"));
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return bad(std::string("cannot read the key file: ") + std::strerror(errno));
    if ((st.st_mode & 077) != 0) return bad("the private key file may be read by other users; run: chmod 600 " + path.string());
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const json j = json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != k_key_file_format)
        return bad("is not a fieldkiosk key file (made by `fieldkiosk-server keygen`)");
    KeyPair k;
    k.key_id = j.value("key_id", "");
    if (!valid_key_id(k.key_id)) return bad("its key_id is missing or not valid");
    auto pk = key_from_base64(j.value("public_key", ""));
    auto sk = key_from_base64(j.value("secret_key", ""));
    if (!pk || !sk) return bad("its public_key or secret_key is not 32 bytes of base64");
    k.public_key = *pk;
    k.secret_key = *sk;
    Key derived{};
    crypto_scalarmult_base(derived.data(), k.secret_key.data());
    if (sodium_memcmp(derived.data(), k.public_key.data(), derived.size()) != 0)
        return bad("its secret_key does not belong to its public_key (the file was edited or damaged)");
    return k;
}

// ---------------------------------------------------------------------------------------------
// seal and open
// ---------------------------------------------------------------------------------------------
SealResult<json> seal_response(const core::Response& r, const core::Encryption& to) {
    return seal_json(core::response_to_json(r), to);
}

SealResult<PreparedSeal> prepare_seal(const core::Encryption& to) {
    if (!sodium_ready()) return std::unexpected(error(SealError::Kind::Crypto, "libsodium could not start"));
    const auto pk = key_from_base64(to.public_key);
    if (!pk) return std::unexpected(error(SealError::Kind::Crypto, "key '" + to.key_id + "' is not 32 bytes of base64"));
    PreparedSeal p;
    p.m_to = to;
    Key ephemeral_secret{};
    crypto_box_keypair(p.m_ephemeral_public.data(), ephemeral_secret.data());
    const int shared = crypto_box_beforenm(p.m_shared.data(), pk->data(), ephemeral_secret.data());
    sodium_memzero(ephemeral_secret.data(), ephemeral_secret.size());
    if (shared != 0) return std::unexpected(error(SealError::Kind::Crypto, "key '" + to.key_id + "' is not a usable X25519 key"));
    // The nonce crypto_box_seal() uses: BLAKE2b-192 of the ephemeral public key, then the recipient's.
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, p.m_nonce.size());
    crypto_generichash_update(&st, p.m_ephemeral_public.data(), p.m_ephemeral_public.size());
    crypto_generichash_update(&st, pk->data(), pk->size());
    crypto_generichash_final(&st, p.m_nonce.data(), p.m_nonce.size());
    return p;
}

SealResult<json> seal_json(const json& open, const core::Encryption& to, PreparedSeal* prepared) {
    if (!open.is_object()) return std::unexpected(error(SealError::Kind::NotSealed, "only a response's JSON can be sealed"));
    std::optional<PreparedSeal> fresh;
    if (prepared == nullptr || !(prepared->to() == to)) {
        auto p = prepare_seal(to);
        if (!p) return std::unexpected(p.error());
        fresh = std::move(*p);
        prepared = &*fresh;
    }
    const std::string plain = open.dump();
    std::vector<std::uint8_t> box(plain.size() + crypto_box_SEALBYTES);
    std::ranges::copy(prepared->m_ephemeral_public, box.begin());
    const int sealed =
        crypto_box_easy_afternm(box.data() + crypto_box_PUBLICKEYBYTES, reinterpret_cast<const unsigned char*>(plain.data()),
                                plain.size(), prepared->m_nonce.data(), prepared->m_shared.data());
    sodium_memzero(prepared->m_shared.data(), prepared->m_shared.size());  // used once, never again
    prepared->m_to = {};
    if (sealed != 0) return std::unexpected(error(SealError::Kind::Crypto, "libsodium could not seal the response"));
    sodium_memzero(const_cast<char*>(plain.data()), plain.size());
    json envelope = json::object();
    for (auto key : k_clear_keys)
        if (auto it = open.find(key); it != open.end()) envelope[std::string(key)] = *it;
    envelope["sealed"] = {{"key_id", to.key_id}, {"box", b64(box)}};
    return envelope;
}

bool is_sealed(const json& payload) { return payload.is_object() && payload.contains("sealed") && payload["sealed"].is_object(); }

std::optional<std::string> check_envelope(const json& p) {
    if (!is_sealed(p)) return "a sealed payload must have a \"sealed\" object";
    for (const auto& [key, _] : p.items())
        if (key != "sealed" && std::ranges::find(k_clear_keys, key) == k_clear_keys.end())
            return "a sealed payload may not carry '" + key + "' in clear";
    const json& s = p["sealed"];
    if (!s.contains("key_id") || !s["key_id"].is_string() || !valid_key_id(s["key_id"].get<std::string>()))
        return "the sealed payload's key_id is missing or not valid";
    if (!s.contains("box") || !s["box"].is_string()) return "the sealed payload has no box";
    const auto& box = s["box"].get_ref<const std::string&>();
    const auto bytes = core::base64_decode(box);
    if (!bytes) return "the sealed payload's box is not base64";
    if (bytes->size() <= crypto_box_SEALBYTES) return "the sealed payload's box is too short to hold a response";
    if (s.size() != 2) return "the sealed object has members other than key_id and box";
    return std::nullopt;
}

SealResult<json> open_payload(const json& envelope, std::span<const KeyPair> keys) {
    if (!sodium_ready()) return std::unexpected(error(SealError::Kind::Crypto, "libsodium could not start"));
    if (!is_sealed(envelope)) return std::unexpected(error(SealError::Kind::NotSealed, "the payload is not sealed"));
    if (auto why = check_envelope(envelope)) return std::unexpected(error(SealError::Kind::Damaged, *why));
    const std::string key_id = envelope["sealed"]["key_id"];
    const auto found = std::ranges::find(keys, key_id, &KeyPair::key_id);
    if (found == keys.end()) {
        std::string given;
        for (const auto& k : keys) given += (given.empty() ? "'" : ", '") + k.key_id + "'";
        return std::unexpected(error(SealError::Kind::NoKey, "sealed to key '" + key_id + "', but the key file(s) given hold " +
                                                                 (given.empty() ? std::string("no key") : given) +
                                                                 ": give --key with the private key of '" + key_id + "'"));
    }
    const auto box = *core::base64_decode(envelope["sealed"]["box"].get_ref<const std::string&>());
    std::string plain(box.size() - crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), box.data(), box.size(), found->public_key.data(),
                             found->secret_key.data()) != 0)
        return std::unexpected(
            error(SealError::Kind::WrongKey, "the key '" + key_id +
                                                 "' given does not open this response: it was sealed to another "
                                                 "key with the same id, or it was altered or cut short"));
    json open = json::parse(plain, nullptr, false);
    sodium_memzero(plain.data(), plain.size());
    if (open.is_discarded() || !open.is_object())
        return std::unexpected(error(SealError::Kind::Damaged, "the opened box is not a response"));
    for (const auto& [key, value] : envelope.items()) {
        if (key == "sealed") continue;
        if (!open.contains(key) || open[key] != value)
            return std::unexpected(error(SealError::Kind::Damaged,
                                         "the envelope's '" + key + "' differs from the sealed response's: it was altered"));
    }
    return open;
}

std::string sealed_cell(const json& envelope) {
    if (!is_sealed(envelope)) return {};
    const json& s = envelope["sealed"];
    return std::string(k_cell_prefix) + s.value("key_id", "") + ":" + s.value("box", "");
}

std::optional<std::pair<std::string, std::string>> parse_sealed_cell(std::string_view cell) {
    if (!cell.starts_with(k_cell_prefix)) return std::nullopt;
    cell.remove_prefix(k_cell_prefix.size());
    const auto colon = cell.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    return std::pair{std::string(cell.substr(0, colon)), std::string(cell.substr(colon + 1))};
}

}  // namespace fieldkiosk::seal
