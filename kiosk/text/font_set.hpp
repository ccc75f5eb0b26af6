// fieldkiosk::kiosk::text font set — the fallback chain of Noto faces the kiosk draws with, opened through
// FreeType. No ImGui, no SDL: testable on the CPU.
//
// Chain, in order: Noto Sans (Latin, Greek, Cyrillic, the UI's own font), Noto Sans Bengali, Noto Sans Arabic,
// Noto Sans CJK SC (face 2 of Debian's NotoSansCJK-*.ttc). Only Noto Sans is opened at once; each other face
// is opened the first time a character the faces before it lack is asked about, and glyphs are loaded one by
// one when drawn (GlyphAtlas): an English kiosk never opens the CJK collection. Not thread-safe.
//
// Memory: a face in a small file is mapped (FT_New_Face). A large one — the CJK collections, 19-20 MB — is read
// with pread() instead (FT_Open_Face on a stream, k_read_above_bytes): the kernel maps 64 KB around each page a
// mapping touches, so a screen of Chinese glyphs scattered through the collection made ~10 MB of it resident;
// read, it costs what FreeType keeps (the CFF subroutines, cmap and hmtx: ~2.5 MB for 400 glyphs).
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
    // Whether face `index` is read from its file with pread() rather than mapped (opens it).
    [[nodiscard]] bool is_read(std::uint16_t index) const;
    static constexpr std::uintmax_t k_read_above_bytes = 4u << 20;  // files larger than this are read, not mapped

private:
    struct Stream;  // the file a large face is read from (font_set.cpp)
    struct StreamDeleter {
        void operator()(Stream* s) const;
    };
    struct Face {
        std::filesystem::path path;
        long index_in_file = 0;
        Weight weight = Weight::Regular;
        mutable FT_Face face = nullptr;  // opened lazily (face())
        mutable bool tried = false;
        mutable std::string name;
        mutable std::unique_ptr<Stream, StreamDeleter> stream;  // read, not mapped (large files only)
    };
    struct Library;
    std::unique_ptr<Library> m_lib;
    std::vector<Face> m_faces;
};

}  // namespace fieldkiosk::kiosk::text
