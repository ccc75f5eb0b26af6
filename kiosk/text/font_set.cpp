#include "kiosk/text/font_set.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <fcntl.h>
#include <unistd.h>

#include <array>

namespace fieldkiosk::kiosk::text {

struct FontSet::Library {
    FT_Library ft = nullptr;
    Library() { FT_Init_FreeType(&ft); }
    ~Library() { FT_Done_FreeType(ft); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

// A FreeType stream over a file descriptor: FreeType asks for byte ranges and gets them by pread(), into its own
// buffers, so nothing of the file is mapped (font_set.hpp, "Memory").
struct FontSet::Stream {
    FT_StreamRec rec{};
    int fd = -1;
    static unsigned long read(FT_Stream s, unsigned long offset, unsigned char* buffer, unsigned long count) {
        auto* self = static_cast<Stream*>(s->descriptor.pointer);
        if (count == 0) return offset <= s->size ? 0 : 1;  // a seek: 0 is success
        const ssize_t n = ::pread(self->fd, buffer, count, static_cast<off_t>(offset));
        return n < 0 ? 0 : static_cast<unsigned long>(n);
    }
    static void close(FT_Stream s) {  // FT_Done_Face, or FT_Open_Face failing
        auto* self = static_cast<Stream*>(s->descriptor.pointer);
        if (self->fd >= 0) ::close(self->fd);
        self->fd = -1;
    }
};

void FontSet::StreamDeleter::operator()(Stream* s) const {
    if (s->fd >= 0) ::close(s->fd);
    delete s;
}

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
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(f.path, ec);
        if (!ec && bytes > k_read_above_bytes) {
            f.stream.reset(new Stream);
            f.stream->fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
            FT_Open_Args args{};
            if (f.stream->fd >= 0) {
                FT_StreamRec& rec = f.stream->rec;
                rec.size = static_cast<unsigned long>(bytes);
                rec.descriptor.pointer = f.stream.get();
                rec.read = &Stream::read;  // non-null: FreeType copies what it reads (no `base` pointer)
                rec.close = &Stream::close;
                args.flags = FT_OPEN_STREAM;
                args.stream = &rec;
                if (FT_Open_Face(m_lib->ft, &args, f.index_in_file, &f.face) != 0) f.face = nullptr;
            }
        } else if (FT_New_Face(m_lib->ft, f.path.c_str(), f.index_in_file, &f.face) != 0) {
            f.face = nullptr;
        }
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

bool FontSet::is_read(std::uint16_t index) const { return face(index) != nullptr && m_faces[index].stream != nullptr; }

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
