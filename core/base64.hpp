// fieldkiosk::core base64 — RFC 4648 standard alphabet with '=' padding: the text form of the keys in
// survey files ("encryption") and of sealed payloads. Strict decoding: no whitespace, no missing padding.
//
// Thread-safety: free functions on values; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::core {

[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes);
// nullopt when `text` is not canonical padded base64 (wrong length, a foreign character, bad padding).
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace fieldkiosk::core
