// fieldkiosk::kiosk::text shaper — shapes a UTF-8 string with libraqm (HarfBuzz for the glyphs, FriBidi for
// the order) over the FontSet's fallback chain, and keeps the result per (string, size, weight, language).
// Not thread-safe: the UI thread owns it.
#pragma once

#include "kiosk/text/font_set.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fieldkiosk::kiosk::text {

enum class Direction : std::uint8_t { Auto, LeftToRight, RightToLeft };  // the paragraph's base direction

struct Glyph {
    std::uint16_t face = 0;     // FontSet index
    std::uint32_t index = 0;    // glyph index in that face (0: .notdef, the face has no glyph)
    float x = 0, y = 0;         // pen position of the glyph's origin from the run's start, px (y down)
    float advance = 0;          // px
    std::uint32_t cluster = 0;  // byte offset in the string of the characters it draws
};

struct ShapedRun {
    std::vector<Glyph> glyphs;  // in visual order, left to right
    float width = 0;            // px, the sum of advances
    [[nodiscard]] bool has_notdef() const;
};

class Shaper {
public:
    explicit Shaper(const FontSet& fonts) : m_fonts(fonts) {}
    // `em_px`: the em size in pixels (FreeType's pixel size). `lang`: a BCP 47 code ("bn", "ar", "zh-Hans");
    // it picks language-specific forms and nothing else. The reference stays valid until clear_cache().
    const ShapedRun& shape(std::string_view utf8, int em_px, Weight w, std::string_view lang, Direction dir = Direction::Auto);
    [[nodiscard]] std::size_t cached() const { return m_cache.size(); }
    void clear_cache() { m_cache.clear(); }
    // The face chosen for each byte of `utf8` (one entry per code point: {byte offset, face}): the first face of
    // the chain with a glyph, except that marks, joiners and common characters (digits, spaces, punctuation)
    // stay with the face before them when it has them, so a Bengali vowel sign is shaped with its consonant.
    [[nodiscard]] std::vector<std::pair<std::size_t, std::uint16_t>> face_runs(std::string_view utf8, Weight w) const;

private:
    ShapedRun shape_uncached(std::string_view utf8, int em_px, Weight w, std::string_view lang, Direction dir) const;
    const FontSet& m_fonts;
    std::unordered_map<std::string, ShapedRun> m_cache;
};

// Decodes one code point at `i` (advancing it); invalid bytes read as U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t& i);

}  // namespace fieldkiosk::kiosk::text
