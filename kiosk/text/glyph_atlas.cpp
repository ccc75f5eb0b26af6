#include "kiosk/text/glyph_atlas.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cstring>

namespace fieldkiosk::kiosk::text {

namespace {
constexpr int k_pad = 1;  // empty pixels around each glyph, so linear filtering never bleeds a neighbour in
constexpr int k_max_height = 4096;
}  // namespace

GlyphAtlas::GlyphAtlas(const FontSet& fonts, int width, int height) : m_fonts(fonts), m_w(width), m_h(height) { reset(height); }

void GlyphAtlas::reset(int height) {
    m_h = height;
    m_pixels.assign(static_cast<std::size_t>(m_w) * static_cast<std::size_t>(m_h), 0);
    m_glyphs.clear();
    m_shelf_x = m_shelf_y = m_shelf_h = 0;
    ++m_generation;
    m_dirty = {0, 0, m_w, m_h};
}

bool GlyphAtlas::place(int w, int h, int& x, int& y) {
    if (w + 2 * k_pad > m_w) return false;
    if (m_shelf_x + w + 2 * k_pad > m_w) {  // next shelf
        m_shelf_y += m_shelf_h;
        m_shelf_x = 0;
        m_shelf_h = 0;
    }
    if (m_shelf_y + h + 2 * k_pad > m_h) {
        if (m_h * 2 > k_max_height) return false;
        // Grow: the pixels already placed keep their coordinates.
        m_pixels.resize(static_cast<std::size_t>(m_w) * static_cast<std::size_t>(m_h) * 2, 0);
        m_dirty = {0, 0, m_w, m_h * 2};
        m_h *= 2;
        ++m_generation;
        return place(w, h, x, y);
    }
    x = m_shelf_x + k_pad;
    y = m_shelf_y + k_pad;
    m_shelf_x += w + 2 * k_pad;
    m_shelf_h = std::max(m_shelf_h, h + 2 * k_pad);
    return true;
}

const AtlasGlyph& GlyphAtlas::get(std::uint16_t face, std::uint32_t glyph, int em_px) {
    const std::uint64_t key =
        (static_cast<std::uint64_t>(face) << 48) | (static_cast<std::uint64_t>(em_px & 0xFFFF) << 32) | glyph;
    if (auto it = m_glyphs.find(key); it != m_glyphs.end()) return it->second;
    AtlasGlyph out;
    FT_Face f = m_fonts.face(face);
    FT_Set_Pixel_Sizes(f, 0, static_cast<FT_UInt>(em_px));
    if (FT_Load_Glyph(f, glyph, FT_LOAD_TARGET_LIGHT) == 0 && FT_Render_Glyph(f->glyph, FT_RENDER_MODE_LIGHT) == 0) {
        const FT_Bitmap& bm = f->glyph->bitmap;
        out.w = static_cast<int>(bm.width);
        out.h = static_cast<int>(bm.rows);
        out.left = f->glyph->bitmap_left;
        out.top = f->glyph->bitmap_top;
        if (out.w > 0 && out.h > 0) {
            if (!place(out.w, out.h, out.x, out.y)) {
                reset(m_h);  // full at the largest size: start again; this frame's earlier places are void
                if (!place(out.w, out.h, out.x, out.y)) return m_glyphs.emplace(key, AtlasGlyph{}).first->second;
            }
            for (int row = 0; row < out.h; ++row)
                std::memcpy(&m_pixels[static_cast<std::size_t>(out.y + row) * static_cast<std::size_t>(m_w) +
                                      static_cast<std::size_t>(out.x)],
                            bm.buffer + static_cast<std::ptrdiff_t>(row) * bm.pitch, static_cast<std::size_t>(out.w));
            const DirtyRect r{out.x, out.y, out.x + out.w, out.y + out.h};
            m_dirty = m_dirty.empty() ? r
                                      : DirtyRect{std::min(m_dirty.x0, r.x0), std::min(m_dirty.y0, r.y0),
                                                  std::max(m_dirty.x1, r.x1), std::max(m_dirty.y1, r.y1)};
        }
    }
    return m_glyphs.emplace(key, out).first->second;
}

}  // namespace fieldkiosk::kiosk::text
