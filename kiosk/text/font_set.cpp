#include "kiosk/text/font_set.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <array>

namespace fieldkiosk::kiosk::text {

struct FontSet::Library {
    FT_Library ft = nullptr;
    Library() { FT_Init_FreeType(&ft); }
    ~Library() { FT_Done_FreeType(ft); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

namespace {
struct ChainEntry {
    const char* regular;
    const char* bold;
    FT_Long face_index;  // inside a collection (.ttc)
};
// The fallback chain (font_set.hpp). Noto Sans CJK SC is face 2 of the collection (JP, KR, SC, TC, HK, ...).
constexpr std::array k_chain{
    ChainEntry{"NotoSans-Regular.ttf", "NotoSans-Bold.ttf", 0},
    ChainEntry{"NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", 0},
    ChainEntry{"NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", 0},
    ChainEntry{"NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", 2},
};
}  // namespace

std::vector<std::filesystem::path> FontSet::default_dirs(const std::string& font_dir) {
    std::vector<std::filesystem::path> dirs;
    if (!font_dir.empty()) dirs.emplace_back(font_dir);
    dirs.emplace_back("/usr/share/fonts/truetype/noto");
    dirs.emplace_back("/usr/share/fonts/opentype/noto");
    return dirs;
}

FontSet::FontSet(const std::vector<std::filesystem::path>& dirs) : m_lib(std::make_unique<Library>()) {
    for (const auto& entry : k_chain) {
        for (const auto weight : {Weight::Regular, Weight::Bold}) {
            const char* file = weight == Weight::Regular ? entry.regular : entry.bold;
            for (const auto& dir : dirs) {
                std::error_code ec;
                const auto path = dir / file;
                if (!std::filesystem::is_regular_file(path, ec)) continue;
                m_faces.push_back({path, entry.face_index, weight});
                break;
            }
        }
    }
}

FontSet::~FontSet() {
    for (auto& f : m_faces)
        if (f.face) FT_Done_Face(f.face);
}

FT_Face FontSet::face(std::uint16_t index) const {
    const Face& f = m_faces[index];
    if (!f.tried) {
        f.tried = true;
        if (FT_New_Face(m_lib->ft, f.path.c_str(), f.index_in_file, &f.face) != 0) f.face = nullptr;
        f.name = f.face && f.face->family_name ? f.face->family_name : f.path.filename().string();
    }
    return f.face;
}

const std::string& FontSet::name(std::uint16_t index) const {
    (void)face(index);
    return m_faces[index].name;
}

std::uint16_t FontSet::index_of(FT_Face face) const {
    for (std::uint16_t i = 0; i < m_faces.size(); ++i)
        if (m_faces[i].face == face) return i;
    return 0;
}

bool FontSet::loaded() const { return !m_faces.empty() && name(0) == "Noto Sans"; }

bool FontSet::has_glyph(std::uint16_t index, char32_t cp) const {
    FT_Face f = face(index);
    return f != nullptr && FT_Get_Char_Index(f, cp) != 0;
}

std::uint16_t FontSet::face_for(char32_t cp, Weight w) const {
    for (std::uint16_t i = 0; i < m_faces.size(); ++i)
        if (m_faces[i].weight == w && has_glyph(i, cp)) return i;
    for (std::uint16_t i = 0; i < m_faces.size(); ++i)
        if (m_faces[i].weight == w && face(i) != nullptr) return i;
    return 0;
}

}  // namespace fieldkiosk::kiosk::text
