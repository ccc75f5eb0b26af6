#include "kiosk/platform/atlas_texture.hpp"

#include <SDL.h>
#include <SDL_opengl.h>

#include <cstdint>
#include <cstdio>

namespace fieldkiosk::kiosk::platform {

namespace {
// Whether the driver can read a one-channel texture as (1, 1, 1, r): GL 3.3 or the swizzle extension.
bool has_swizzle() {
    int major = 0, minor = 0;
    if (const auto* v = reinterpret_cast<const char*>(glGetString(GL_VERSION)); v != nullptr)
        (void)std::sscanf(v, "%d.%d", &major, &minor);  // "4.5 (Compatibility Profile) Mesa 22.3.6"
    if (major > 3 || (major == 3 && minor >= 3)) return true;
    return SDL_GL_ExtensionSupported("GL_ARB_texture_swizzle") == SDL_TRUE ||
           SDL_GL_ExtensionSupported("GL_EXT_texture_swizzle") == SDL_TRUE;
}
}  // namespace

AtlasTexture::AtlasTexture(Edges edges) : m_single(has_swizzle()) {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    m_tex = tex;
    GLint last = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
    glBindTexture(GL_TEXTURE_2D, tex);
    // Glyphs are drawn at the size they were rasterised at, on whole pixels: nearest is exact, linear is safe
    // for the half-pixel offsets of centred text; the atlas pads each glyph so neighbours never bleed in.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    if (edges == Edges::Clamp) {
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    }
    if (m_single) {
        const GLint white_with_alpha[] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
        glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, white_with_alpha);
    }
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last));
}

AtlasTexture::~AtlasTexture() {
    const GLuint tex = m_tex;
    if (tex != 0) glDeleteTextures(1, &tex);
}

ImTextureID AtlasTexture::id() const {
    return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(m_tex));  // ImGui's GL3 backend's convention
}

void AtlasTexture::upload(const std::uint8_t* alpha, int w, int h, int x0, int y0, int x1, int y1) {
    const bool resized = w != m_w || h != m_h;
    if (resized) {  // new or grown: all of it
        x0 = 0, y0 = 0, x1 = w, y1 = h;
    }
    if (x1 <= x0 || y1 <= y0) return;
    GLint last = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
    glBindTexture(GL_TEXTURE_2D, m_tex);
    if (m_single) {
        // Straight from the bitmap: the rows of the rectangle are read in place (no copy on the CPU).
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, w);
        glPixelStorei(GL_UNPACK_SKIP_PIXELS, x0);
        glPixelStorei(GL_UNPACK_SKIP_ROWS, y0);
        if (resized)
            glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, alpha);
        else
            glTexSubImage2D(GL_TEXTURE_2D, 0, x0, y0, x1 - x0, y1 - y0, GL_RED, GL_UNSIGNED_BYTE, alpha);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
        glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
        glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    } else {
        m_rgba.resize(static_cast<std::size_t>(x1 - x0) * static_cast<std::size_t>(y1 - y0));
        std::size_t k = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x)
                m_rgba[k++] = 0x00FFFFFFu |
                              (static_cast<std::uint32_t>(
                                   alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)])
                               << 24);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
        if (resized)
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, m_rgba.data());
        else
            glTexSubImage2D(GL_TEXTURE_2D, 0, x0, y0, x1 - x0, y1 - y0, GL_RGBA, GL_UNSIGNED_BYTE, m_rgba.data());
        m_rgba.clear();
        m_rgba.shrink_to_fit();  // a full upload's staging is 2 MB or more: not kept
    }
    if (resized) {
        m_w = w;
        m_h = h;
    }
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last));
}

}  // namespace fieldkiosk::kiosk::platform
