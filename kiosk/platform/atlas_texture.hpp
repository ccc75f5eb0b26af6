// fieldkiosk::kiosk::platform::AtlasTexture — a GL texture kept equal to a CPU coverage bitmap (the text layer's
// glyph atlas, kiosk/text/glyph_atlas.hpp) by uploading only what changed. Knows nothing of fonts: it takes
// pixels and a rectangle. Needs the Window's GL context current; UI thread only.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

namespace fieldkiosk::kiosk::platform {

class AtlasTexture {
public:
    AtlasTexture();  // a GL context must be current (after Window::create)
    ~AtlasTexture();
    AtlasTexture(const AtlasTexture&) = delete;
    AtlasTexture& operator=(const AtlasTexture&) = delete;

    [[nodiscard]] ImTextureID id() const;  // what the draw list's quads name
    // Brings the texture up to date with the `w` x `h` coverage bitmap `alpha`: the whole of it when its size
    // changed since the last upload, else the rectangle [x0, x1) x [y0, y1) (nothing when empty). Texels are
    // white with the coverage as alpha, as ImGui's own font texture is.
    void upload(const std::uint8_t* alpha, int w, int h, int x0, int y0, int x1, int y1);

private:
    unsigned m_tex = 0;
    int m_w = 0, m_h = 0;
    std::vector<std::uint32_t> m_rgba;  // staging for the changed rectangle
};

}  // namespace fieldkiosk::kiosk::platform
