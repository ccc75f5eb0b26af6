// fieldkiosk::kiosk::text glyph atlas — the kiosk's own glyph texture, on the CPU: FreeType rasterises a glyph
// by (face, glyph index, size) the first time it is drawn, with light hinting, into an 8-bit coverage bitmap
// packed in shelves. The platform uploads what changed (dirty()) to a GL texture. Not thread-safe.
#pragma once

#include "kiosk/text/font_set.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace fieldkiosk::kiosk::text {

struct AtlasGlyph {
    int x = 0, y = 0, w = 0, h = 0;  // in the atlas, px (w or h 0: nothing to draw, a space)
    int left = 0, top = 0;           // bitmap offset from the pen position: x right, top above the baseline
};

struct DirtyRect {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // half-open
    [[nodiscard]] bool empty() const { return x1 <= x0 || y1 <= y0; }
};

class GlyphAtlas {
public:
    explicit GlyphAtlas(const FontSet& fonts, int width = 1024, int height = 512);
    // The glyph's place, rasterising it on first use. When the atlas is full it grows (height doubles, up to
    // 4096) and, past that, starts again empty: generation() changes and every place given before is void.
    const AtlasGlyph& get(std::uint16_t face, std::uint32_t glyph, int em_px);

    [[nodiscard]] int width() const { return m_w; }
    [[nodiscard]] int height() const { return m_h; }
    [[nodiscard]] const std::uint8_t* pixels() const { return m_pixels.data(); }  // coverage, row-major
    [[nodiscard]] std::uint32_t generation() const { return m_generation; }       // bumps on grow or reset
    [[nodiscard]] DirtyRect dirty() const { return m_dirty; }                     // changed since mark_clean()
    void mark_clean() { m_dirty = {}; }
    [[nodiscard]] std::size_t glyph_count() const { return m_glyphs.size(); }

private:
    bool place(int w, int h, int& x, int& y);
    void reset(int height);
    const FontSet& m_fonts;
    int m_w, m_h;
    std::vector<std::uint8_t> m_pixels;
    std::unordered_map<std::uint64_t, AtlasGlyph> m_glyphs;
    int m_shelf_x = 0, m_shelf_y = 0, m_shelf_h = 0;
    std::uint32_t m_generation = 0;
    DirtyRect m_dirty;
};

}  // namespace fieldkiosk::kiosk::text
