#include "sync/protocol/digest.hpp"

#include <openssl/evp.h>

#include <array>

namespace fieldkiosk::sync::protocol {

std::expected<std::string, std::string> sha256_hex(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
        return std::unexpected(std::string("SHA-256 could not be computed (OpenSSL: out of memory?)"));
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * len);
    for (unsigned int i = 0; i < len; ++i) {
        out += k_hex[md[i] >> 4];
        out += k_hex[md[i] & 0x0f];
    }
    return out;
}

}  // namespace fieldkiosk::sync::protocol
