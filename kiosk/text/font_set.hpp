// fieldkiosk::kiosk::text font set — the fallback chain of Noto faces the kiosk draws with, opened through
// FreeType. No ImGui, no SDL: testable on the CPU.
//
// Chain, in order: Noto Sans (Latin, Greek, Cyrillic, the UI's own font), Noto Sans Bengali, Noto Sans Arabic,
// Noto Sans CJK SC (face 2 of Debian's NotoSansCJK-*.ttc). Only Noto Sans is opened at once; each other face
// is opened the first time a character the faces before it lack is asked about, and glyphs are loaded one by
// one when drawn (GlyphAtlas): an English kiosk never opens the CJK collection. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using FT_Face = struct FT_FaceRec_*;

namespace fieldkiosk::kiosk::text {

enum class Weight : std::uint8_t { Regular, Bold };

class FontSet {
public:
    // Opens every face of the chain found in `dirs` (searched in order; Debian keeps .ttf in
    // /usr/share/fonts/truetype/noto and the CJK .ttc in /usr/share/fonts/opentype/noto). A face that is
    // missing is left out of the chain; loaded() says whether the Latin face, which the kiosk needs, is there.
    explicit FontSet(const std::vector<std::filesystem::path>& dirs);
    ~FontSet();
    FontSet(const FontSet&) = delete;
    FontSet& operator=(const FontSet&) = delete;

    [[nodiscard]] bool loaded() const;
    [[nodiscard]] std::size_t size() const { return m_faces.size(); }  // faces found (both weights)
    [[nodiscard]] FT_Face face(std::uint16_t index) const;             // opens it on first use; null if it cannot
    [[nodiscard]] const std::string& name(std::uint16_t index) const;  // its family name (opens it)
    [[nodiscard]] bool is_open(std::uint16_t index) const { return m_faces[index].face != nullptr; }
    // The index of an opened face (the Latin face's if none matches); opens nothing.
    [[nodiscard]] std::uint16_t index_of(FT_Face face) const;
    // The first face of the chain, in this weight, that has a glyph for `cp`; the Latin face (index of its
    // .notdef) when none has.
    [[nodiscard]] std::uint16_t face_for(char32_t cp, Weight w) const;
    [[nodiscard]] bool has_glyph(std::uint16_t face, char32_t cp) const;
    // The default directories: the font_dir of the settings, then Debian's Noto folders.
    [[nodiscard]] static std::vector<std::filesystem::path> default_dirs(const std::string& font_dir);

private:
    struct Face {
        std::filesystem::path path;
        long index_in_file = 0;
        Weight weight = Weight::Regular;
        mutable FT_Face face = nullptr;  // opened lazily (face())
        mutable bool tried = false;
        mutable std::string name;
    };
    struct Library;
    std::unique_ptr<Library> m_lib;
    std::vector<Face> m_faces;
};

}  // namespace fieldkiosk::kiosk::text
