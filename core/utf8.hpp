// fieldkiosk::core UTF-8 text measures — the one home of "how long is this text" for every part of the
// project (the Session's length limits, the expression language's string-length(), the kiosk's keyboard,
// the receiver's report tables).
//
// Index:
//   utf8_length   code points, not bytes
//   utf8_prefix   the first N code points, never cut inside one
//
// A code point is what a resident thinks of as a character (close enough for length limits: a flag or an
// accented letter typed as two code points counts two). Malformed input never throws: a byte that is not
// a continuation byte (10xxxxxx) starts a new code point, so stray continuation bytes belong to the one
// before them.
#pragma once

#include <cstddef>
#include <string_view>

namespace fieldkiosk::core {

// Length of UTF-8 text in code points, not bytes.
[[nodiscard]] std::size_t utf8_length(std::string_view text);

// The longest prefix of `text` with at most `max_chars` code points (a view into `text`).
[[nodiscard]] std::string_view utf8_prefix(std::string_view text, std::size_t max_chars);

}  // namespace fieldkiosk::core
