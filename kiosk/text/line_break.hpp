// fieldkiosk::kiosk::text line breaking — where a line may end, by ICU's line break iterator (UAX #14, with the
// language's tailoring), narrowed by the kiosk's own rules, and greedy wrapping to a width.
// UI thread only (the iterators and the breaks found are kept in function-local caches).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace fieldkiosk::kiosk::text {

// Byte offsets where a new line may start inside `paragraph` (no '\n' in it), ascending, excluding 0 and the end.
// ICU proposes; the kiosk keeps a break only:
//  - after a space, unless the space sits between two digits ("0303 123 1113", "020 7974 4444" stay whole), or
//  - between characters of scripts written without spaces (CJK: either side at or above U+2E80),
// so an e-mail or web address ("dpo@camden.gov.uk", "camden.gov.uk/food-help"), which has no space, is never
// split, and Latin, Bengali and Arabic lines break only between words, as before.
[[nodiscard]] std::vector<std::size_t> line_breaks(std::string_view paragraph, std::string_view lang);

// Splits `text` into lines no wider than `max_w` as `width` measures them, honouring '\n' (an empty paragraph
// gives an empty line). Lines lose their trailing spaces. A piece wider than a line is cut between code
// points where it must be. The views point into `text`.
[[nodiscard]] std::vector<std::string_view> wrap(std::string_view text, std::string_view lang, float max_w,
                                                 const std::function<float(std::string_view)>& width);

}  // namespace fieldkiosk::kiosk::text
