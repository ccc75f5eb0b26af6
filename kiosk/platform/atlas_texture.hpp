// fieldkiosk::kiosk::platform::AtlasTexture — a GL texture kept equal to a CPU coverage bitmap (the text layer's
// glyph atlas, kiosk/text/glyph_atlas.hpp, and Dear ImGui's font atlas) by uploading only what changed. Knows
// nothing of fonts: it takes pixels and a rectangle. Needs the Window's GL context current; UI thread only.
//
// The texture holds one byte a texel (GL_R8) and the driver's swizzle reads it as white with the coverage as
// alpha (ARB_texture_swizzle, core in GL 3.3): what ImGui's shader samples is the same as from ImGui's own
// RGBA texture, at a quarter of the memory and upload, and with no RGBA copy on the CPU. Drivers without the
// swizzle get the RGBA texture as before (single_channel() says which).
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

namespace fieldkiosk::kiosk::platform {

class AtlasTexture {
public:
    enum class Edges : std::uint8_t {
        Clamp,   // the glyph atlas: quads at the atlas's border never sample the other side
        Repeat,  // ImGui's font atlas, as ImGui's OpenGL3 backend samples it (GL's default wrap)
    };
    explicit AtlasTexture(Edges edges = Edges::Clamp);  // a GL context must be current (after Window::create)
    ~AtlasTexture();
    AtlasTexture(const AtlasTexture&) = delete;
    AtlasTexture& operator=(const AtlasTexture&) = delete;

    [[nodiscard]] ImTextureID id() const;                           // what the draw list's quads name
    [[nodiscard]] bool single_channel() const { return m_single; }  // GL_R8 + swizzle (else RGBA)
    // Brings the texture up to date with the `w` x `h` coverage bitmap `alpha`: the whole of it when its size
    // changed since the last upload, else the rectangle [x0, x1) x [y0, y1) (nothing when empty). Texels read as
    // white with the coverage as alpha, as ImGui's own font texture is.
    void upload(const std::uint8_t* alpha, int w, int h, int x0, int y0, int x1, int y1);

private:
    unsigned m_tex = 0;
    int m_w = 0, m_h = 0;
    bool m_single = false;
    std::vector<std::uint32_t> m_rgba;  // RGBA fallback only: staging for the changed rectangle
};

}  // namespace fieldkiosk::kiosk::platform
