#include "core/utf8.hpp"

namespace fieldkiosk::core {

namespace {
bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u; }  // 10xxxxxx
}  // namespace

std::size_t utf8_length(std::string_view text) {
    std::size_t n = 0;
    for (const char c : text) n += continuation(c) ? 0u : 1u;
    return n;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (continuation(text[i])) continue;
        if (chars == max_chars) return text.substr(0, i);  // i starts code point max_chars + 1
        ++chars;
    }
    return text;
}

}  // namespace fieldkiosk::core
