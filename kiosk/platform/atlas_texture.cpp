#include "kiosk/platform/atlas_texture.hpp"

#include <SDL_opengl.h>

#include <cstdint>

namespace fieldkiosk::kiosk::platform {

AtlasTexture::AtlasTexture() {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    m_tex = tex;
    glBindTexture(GL_TEXTURE_2D, tex);
    // Glyphs are drawn at the size they were rasterised at, on whole pixels: nearest is exact, linear is safe
    // for the half-pixel offsets of centred text; the atlas pads each glyph so neighbours never bleed in.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

AtlasTexture::~AtlasTexture() {
    const GLuint tex = m_tex;
    if (tex != 0) glDeleteTextures(1, &tex);
}

ImTextureID AtlasTexture::id() const {
    return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(m_tex));  // ImGui's GL3 backend's convention
}

void AtlasTexture::upload(const std::uint8_t* alpha, int w, int h, int x0, int y0, int x1, int y1) {
    if (w != m_w || h != m_h) {  // new or grown: all of it
        x0 = 0, y0 = 0, x1 = w, y1 = h;
    }
    if (x1 <= x0 || y1 <= y0) return;
    m_rgba.resize(static_cast<std::size_t>(x1 - x0) * static_cast<std::size_t>(y1 - y0));
    std::size_t k = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            m_rgba[k++] =
                0x00FFFFFFu | (static_cast<std::uint32_t>(
                                   alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)])
                               << 24);
    GLint last = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
    glBindTexture(GL_TEXTURE_2D, m_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    if (w != m_w || h != m_h) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, m_rgba.data());
        m_w = w;
        m_h = h;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, x0, y0, x1 - x0, y1 - y0, GL_RGBA, GL_UNSIGNED_BYTE, m_rgba.data());
    }
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last));
    m_rgba.clear();
    m_rgba.shrink_to_fit();  // a full upload's staging is 2 MB or more: not kept
}

}  // namespace fieldkiosk::kiosk::platform
