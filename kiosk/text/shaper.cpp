#include "kiosk/text/shaper.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <raqm.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <memory>

namespace fieldkiosk::kiosk::text {

char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    int n = 0;
    char32_t cp = 0;
    if (c < 0x80) return (++i, c);
    if ((c & 0xE0) == 0xC0)
        n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        n = 3, cp = c & 0x07;
    else
        return (++i, U'\uFFFD');
    if (i + static_cast<std::size_t>(n) >= s.size()) return (i = s.size(), U'\uFFFD');  // cut short
    for (int k = 1; k <= n; ++k) {
        if ((b(i + static_cast<std::size_t>(k)) & 0xC0) != 0x80) return (++i, U'\uFFFD');
        cp = (cp << 6) | (b(i + static_cast<std::size_t>(k)) & 0x3F);
    }
    i += static_cast<std::size_t>(n) + 1;
    return cp;
}

bool ShapedRun::has_notdef() const {
    return std::any_of(glyphs.begin(), glyphs.end(), [](const Glyph& g) { return g.index == 0; });
}

namespace {
// Characters that belong with what comes before them: marks, joiners, variation selectors, and characters of
// no script of their own (digits, spaces, punctuation).
bool follows_neighbour(char32_t cp) {
    UErrorCode st = U_ZERO_ERROR;
    const UScriptCode sc = uscript_getScript(static_cast<UChar32>(cp), &st);
    if (sc == USCRIPT_INHERITED || sc == USCRIPT_COMMON) return true;
    const auto type = u_charType(static_cast<UChar32>(cp));
    return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK;
}
struct RaqmDeleter {
    void operator()(raqm_t* r) const { raqm_destroy(r); }
};
}  // namespace

std::vector<std::pair<std::size_t, std::uint16_t>> Shaper::face_runs(std::string_view utf8, Weight w) const {
    std::vector<std::pair<std::size_t, std::uint16_t>> out;
    std::size_t i = 0;
    int current = -1;
    while (i < utf8.size()) {
        const std::size_t at = i;
        const char32_t cp = next_code_point(utf8, i);
        if (current >= 0 && follows_neighbour(cp) && m_fonts.has_glyph(static_cast<std::uint16_t>(current), cp)) {
            out.emplace_back(at, static_cast<std::uint16_t>(current));
            continue;
        }
        // Zero-width joiners and controls may exist in no face: they follow their neighbour regardless.
        if (current >= 0 && (cp == 0x200C || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F))) {
            out.emplace_back(at, static_cast<std::uint16_t>(current));
            continue;
        }
        const std::uint16_t f = m_fonts.face_for(cp, w);
        // A common character at the start takes the face of the first letter after it, if that face has it
        // ("(١)" in Arabic, a quotation mark before Bengali).
        if (current < 0 && follows_neighbour(cp)) {
            std::size_t j = i;
            while (j < utf8.size()) {
                const char32_t next = next_code_point(utf8, j);
                if (follows_neighbour(next)) continue;
                const std::uint16_t nf = m_fonts.face_for(next, w);
                if (m_fonts.has_glyph(nf, cp)) current = nf;
                break;
            }
            if (current >= 0) {
                out.emplace_back(at, static_cast<std::uint16_t>(current));
                continue;
            }
        }
        current = f;
        out.emplace_back(at, f);
    }
    return out;
}

ShapedRun Shaper::shape_uncached(std::string_view utf8, int em_px, Weight w, std::string_view lang, Direction dir) const {
    ShapedRun run;
    if (utf8.empty() || m_fonts.size() == 0) return run;
    std::unique_ptr<raqm_t, RaqmDeleter> rq(raqm_create());
    raqm_set_text_utf8(rq.get(), utf8.data(), utf8.size());
    raqm_set_par_direction(rq.get(), dir == Direction::RightToLeft   ? RAQM_DIRECTION_RTL
                                     : dir == Direction::LeftToRight ? RAQM_DIRECTION_LTR
                                                                     : RAQM_DIRECTION_DEFAULT);
    if (!lang.empty()) raqm_set_language(rq.get(), std::string(lang).c_str(), 0, utf8.size());
    const auto runs = face_runs(utf8, w);
    for (std::size_t k = 0; k < runs.size();) {
        std::size_t e = k;
        while (e < runs.size() && runs[e].second == runs[k].second) ++e;
        const std::size_t start = runs[k].first;
        const std::size_t end = e < runs.size() ? runs[e].first : utf8.size();
        FT_Face face = m_fonts.face(runs[k].second);
        FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(em_px));
        raqm_set_freetype_face_range(rq.get(), face, start, end - start);
        k = e;
    }
    raqm_set_freetype_load_flags(rq.get(), FT_LOAD_TARGET_LIGHT);
    if (!raqm_layout(rq.get())) return run;
    std::size_t n = 0;
    const raqm_glyph_t* gs = raqm_get_glyphs(rq.get(), &n);
    run.glyphs.reserve(n);
    float pen = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const auto& g = gs[k];
        Glyph out;
        out.face = m_fonts.index_of(g.ftface);
        out.index = g.index;
        out.x = pen + static_cast<float>(g.x_offset) / 64.0f;
        out.y = -static_cast<float>(g.y_offset) / 64.0f;
        out.advance = static_cast<float>(g.x_advance) / 64.0f;
        out.cluster = g.cluster;
        pen += out.advance;
        run.glyphs.push_back(out);
    }
    run.width = pen;
    return run;
}

const ShapedRun& Shaper::shape(std::string_view utf8, int em_px, Weight w, std::string_view lang, Direction dir) {
    std::string key;
    key.reserve(utf8.size() + lang.size() + 8);
    key.append(utf8).push_back('\0');
    key.append(lang).push_back('\0');
    key.append(std::to_string(em_px));
    key.push_back(static_cast<char>('0' + static_cast<int>(w)));
    key.push_back(static_cast<char>('0' + static_cast<int>(dir)));
    if (auto it = m_cache.find(key); it != m_cache.end()) return it->second;
    // Strings come from the survey and UI files, so the set is bounded; a bound keeps a long day bounded too.
    if (m_cache.size() > 20000) m_cache.clear();
    return m_cache.emplace(std::move(key), shape_uncached(utf8, em_px, w, lang, dir)).first->second;
}

}  // namespace fieldkiosk::kiosk::text
