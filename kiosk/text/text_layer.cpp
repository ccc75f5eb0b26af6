#include "kiosk/text/text_layer.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <cmath>

namespace fieldkiosk::kiosk::text {

TextLayer::TextLayer(const std::vector<std::filesystem::path>& font_dirs)
    : m_fonts(font_dirs), m_shaper(m_fonts), m_atlas(m_fonts) {
    if (m_fonts.size() > 0) {
        // ImGui (stb_truetype) scales a font so that hhea ascender - descender spans its pixel size.
        FT_Face f = m_fonts.face(0);
        const float span = static_cast<float>(f->ascender - f->descender);
        if (span > 0) {
            m_ascent_ratio = static_cast<float>(f->ascender) / span;
            m_em_ratio = static_cast<float>(f->units_per_EM) / span;
        }
    }
}

int TextLayer::em_for(float px) const { return std::max(1, static_cast<int>(std::lround(px * m_em_ratio))); }
float TextLayer::ascent(float px) const { return px * m_ascent_ratio; }

const ShapedRun& TextLayer::shape(std::string_view utf8, float px, Weight w, std::string_view lang, Direction dir) {
    return m_shaper.shape(utf8, em_for(px), w, lang, dir);
}

float TextLayer::width(std::string_view utf8, float px, Weight w, std::string_view lang, Direction dir) {
    return shape(utf8, px, w, lang, dir).width;
}

std::vector<std::string_view> TextLayer::wrap(std::string_view text, float px, Weight w, std::string_view lang, float max_w) {
    const Direction dir = direction_of(lang);
    return text::wrap(text, lang, max_w, [&](std::string_view s) { return width(s, px, w, lang, dir); });
}

void TextLayer::quads(std::string_view utf8, float px, Weight w, std::string_view lang, Direction dir, float x, float y,
                      std::vector<Quad>& out) {
    const int em = em_for(px);
    const ShapedRun& run = m_shaper.shape(utf8, em, w, lang, dir);
    const float baseline = std::round(y + ascent(px));
    const std::uint32_t generation = m_atlas.generation();
    const std::size_t first = out.size();
    for (const Glyph& g : run.glyphs) {
        const AtlasGlyph& a = m_atlas.get(g.face, g.index, em);
        if (m_atlas.generation() != generation) {  // the atlas grew or started again: places given so far moved
            out.resize(first);
            quads(utf8, px, w, lang, dir, x, y, out);
            return;
        }
        if (a.w == 0 || a.h == 0) continue;
        const float gx = std::round(x + g.x) + static_cast<float>(a.left);
        const float gy = baseline + std::round(g.y) - static_cast<float>(a.top);
        const float iw = 1.0f / static_cast<float>(m_atlas.width());
        const float ih = 1.0f / static_cast<float>(m_atlas.height());
        out.push_back({gx, gy, gx + static_cast<float>(a.w), gy + static_cast<float>(a.h), static_cast<float>(a.x) * iw,
                       static_cast<float>(a.y) * ih, static_cast<float>(a.x + a.w) * iw, static_cast<float>(a.y + a.h) * ih});
    }
}

Direction direction_of(std::string_view lang) {
    const std::string_view base = lang.substr(0, lang.find('-'));
    for (std::string_view rtl : {"ar", "he", "fa", "ur", "ps", "yi"})
        if (base == rtl) return Direction::RightToLeft;
    return Direction::LeftToRight;
}

}  // namespace fieldkiosk::kiosk::text
