// fieldkiosk::kiosk::text — the kiosk's text layer: shaping (libraqm: HarfBuzz + FriBidi), the glyph atlas
// (FreeType), line breaking (ICU) and the fallback chain of Noto fonts, behind one object. It knows nothing of
// ImGui, SDL or GL: it returns positioned quads in pixels and a CPU bitmap; kiosk/widgets draws the quads and
// kiosk/platform uploads the bitmap. docs/text.md explains the choices.
//
// Index: Quad, TextLayer (sizes, shaping, measuring, quads), direction_of().
#pragma once

#include "kiosk/text/font_set.hpp"
#include "kiosk/text/glyph_atlas.hpp"
#include "kiosk/text/line_break.hpp"
#include "kiosk/text/shaper.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::kiosk::text {

struct Quad {
    float x0, y0, x1, y1;  // screen px
    float u0, v0, u1, v1;  // atlas texture coordinates (0..1)
};

class TextLayer {
public:
    explicit TextLayer(const std::vector<std::filesystem::path>& font_dirs);
    [[nodiscard]] bool loaded() const { return m_fonts.loaded(); }

    // Sizes are given as the kiosk's line size `px` (ascent + descent of Noto Sans, what ImGui calls a font's
    // size); the em FreeType and HarfBuzz use is derived from it, so shaped text matches ImGui's Latin in size.
    [[nodiscard]] int em_for(float px) const;
    [[nodiscard]] float ascent(float px) const;  // from the top of the line to the baseline

    const ShapedRun& shape(std::string_view utf8, float px, Weight w, std::string_view lang, Direction dir = Direction::Auto);
    [[nodiscard]] float width(std::string_view utf8, float px, Weight w, std::string_view lang, Direction dir = Direction::Auto);
    [[nodiscard]] std::vector<std::string_view> wrap(std::string_view text, float px, Weight w, std::string_view lang,
                                                     float max_w);
    // The quads that draw `utf8` with its line's top-left at (x, y), rasterising glyphs not yet in the atlas.
    void quads(std::string_view utf8, float px, Weight w, std::string_view lang, Direction dir, float x, float y,
               std::vector<Quad>& out);

    [[nodiscard]] const FontSet& fonts() const { return m_fonts; }
    [[nodiscard]] Shaper& shaper() { return m_shaper; }
    [[nodiscard]] GlyphAtlas& atlas() { return m_atlas; }

private:
    FontSet m_fonts;
    Shaper m_shaper;
    GlyphAtlas m_atlas;
    float m_ascent_ratio = 0.785f;  // Noto Sans: ascender / (ascender - descender)
    float m_em_ratio = 0.734f;      // units per em / (ascender - descender)
};

// The base direction of a language's text: right to left for Arabic (and Hebrew, Persian, Urdu), else left to right.
[[nodiscard]] Direction direction_of(std::string_view lang);

}  // namespace fieldkiosk::kiosk::text
