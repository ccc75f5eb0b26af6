#include "sync/server/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace fieldkiosk::sync::server {

namespace {
std::string to_hex(const unsigned char* p, std::size_t n) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += k_digits[p[i] >> 4];
        out += k_digits[p[i] & 0x0f];
    }
    return out;
}
}  // namespace

std::expected<std::string, std::string> admin_role(std::string_view scopes) {
    bool read = false, manage = false;
    std::size_t start = 0;
    while (start <= scopes.size()) {
        const std::size_t comma = std::min(scopes.find(',', start), scopes.size());
        std::string_view one = scopes.substr(start, comma - start);
        while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
        while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
        if (one == "read")
            read = true;
        else if (one == "manage")
            manage = true;
        else
            return std::unexpected("'" + std::string(one) + "' is not a scope: give read, manage or read,manage");
        start = comma + 1;
    }
    return std::string("admin:") + (read && manage ? "read,manage" : read ? "read" : "manage");
}

bool is_admin_role(std::string_view role) { return role == "admin" || role.starts_with("admin:"); }

bool role_allows(std::string_view role, std::string_view need) {
    if (!need.starts_with("admin:")) return role == need;
    const std::string_view scope = need.substr(6);
    if (role == "admin") return scope == "read";  // a token made before scopes existed
    if (!role.starts_with("admin:")) return false;
    std::string_view list = role.substr(6);
    while (!list.empty()) {
        const std::size_t comma = std::min(list.find(','), list.size());
        if (list.substr(0, comma) == scope) return true;
        list.remove_prefix(std::min(comma + 1, list.size()));
    }
    return false;
}

std::string make_token() {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("no randomness for a token");
    return "fk_" + to_hex(bytes.data(), bytes.size());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string bearer_token(std::string_view h) {
    constexpr std::string_view k_prefix = "Bearer ";
    if (h.size() <= k_prefix.size()) return {};
    for (std::size_t i = 0; i < k_prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(h[i])) != std::tolower(static_cast<unsigned char>(k_prefix[i]))) return {};
    h.remove_prefix(k_prefix.size());
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
    return std::string(h);
}

}  // namespace fieldkiosk::sync::server
