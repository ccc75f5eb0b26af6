// The shaper against its references: for a single-direction run libraqm must give the glyphs HarfBuzz alone
// gives (hb_shape with the same font, script, direction and language), and for mixed text the visual order
// FriBidi gives.
#include "kiosk/text/shaper.hpp"
#include "tests/kiosk/text/text_fixture.hpp"

#include <fribidi.h>
#include <gtest/gtest.h>
#include <hb-ft.h>
#include <hb.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace fieldkiosk::kiosk::text;
using fieldkiosk::testing::text_layer;

namespace {

constexpr int k_em = 28;

// HarfBuzz alone, on the face the shaper chose for the string's first letter.
std::vector<std::uint32_t> hb_glyphs(std::uint16_t face_index, const std::string& s, hb_script_t script, hb_direction_t dir,
                                     const char* lang) {
    FT_Face face = text_layer().fonts().face(face_index);
    FT_Set_Pixel_Sizes(face, 0, k_em);
    hb_font_t* font = hb_ft_font_create_referenced(face);
    hb_ft_font_set_load_flags(font, FT_LOAD_TARGET_LIGHT);
    hb_buffer_t* buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, s.data(), static_cast<int>(s.size()), 0, static_cast<int>(s.size()));
    hb_buffer_set_script(buf, script);
    hb_buffer_set_direction(buf, dir);
    hb_buffer_set_language(buf, hb_language_from_string(lang, -1));
    hb_shape(font, buf, nullptr, 0);
    unsigned n = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
    std::vector<std::uint32_t> out;
    for (unsigned i = 0; i < n; ++i) out.push_back(info[i].codepoint);
    hb_buffer_destroy(buf);
    hb_font_destroy(font);
    return out;
}

std::vector<std::uint32_t> shaped_glyphs(const std::string& s, const char* lang, Direction dir) {
    Shaper shaper(text_layer().fonts());
    std::vector<std::uint32_t> out;
    for (const auto& g : shaper.shape(s, k_em, Weight::Regular, lang, dir).glyphs) out.push_back(g.index);
    return out;
}

std::uint16_t face_of(const std::string& s) {
    Shaper shaper(text_layer().fonts());
    return shaper.face_runs(s, Weight::Regular).front().second;
}

// Single-direction runs of one script, with conjuncts, vowel signs, joining forms and a ligature.
const std::vector<std::string> k_bengali = {
    "আপনার বয়স কত?",
    "স্বাস্থ্য ও খাদ্য নিরাপত্তা",
    "আপনি কি গত ১২ মাসে খাবার নিয়ে চিন্তিত ছিলেন",
    "ক্ষুধা",
};
const std::vector<std::string> k_arabic = {
    "كم عمرك؟",
    "هل كنت قلقًا بشأن الطعام",
    "لا أعرف",
    "السلامة في الحي",
};

}  // namespace

TEST(Shaper, BengaliGlyphsEqualHarfBuzzAlone) {
    ASSERT_TRUE(text_layer().loaded());
    for (const auto& s : k_bengali) {
        const std::uint16_t face = face_of(s);
        EXPECT_EQ(text_layer().fonts().name(face), "Noto Sans Bengali") << s;
        const auto ours = shaped_glyphs(s, "bn", Direction::LeftToRight);
        EXPECT_EQ(ours, hb_glyphs(face, s, HB_SCRIPT_BENGALI, HB_DIRECTION_LTR, "bn")) << s;
        // Shaping really happened: a conjunct or vowel sign gives fewer glyphs than code points, or others.
        EXPECT_FALSE(ours.empty());
    }
}

TEST(Shaper, ArabicGlyphsEqualHarfBuzzAloneInVisualOrder) {
    for (const auto& s : k_arabic) {
        const std::uint16_t face = face_of(s);
        EXPECT_EQ(text_layer().fonts().name(face), "Noto Sans Arabic") << s;
        EXPECT_EQ(shaped_glyphs(s, "ar", Direction::RightToLeft), hb_glyphs(face, s, HB_SCRIPT_ARABIC, HB_DIRECTION_RTL, "ar"))
            << s;
    }
}

TEST(Shaper, ArabicLettersTakeTheirJoiningForms) {
    // "بب": two beh joined (initial + final) differ from two isolated ones ("ب ب").
    Shaper shaper(text_layer().fonts());
    const auto joined = shaper.shape("بب", k_em, Weight::Regular, "ar", Direction::RightToLeft).glyphs;
    const auto apart = shaper.shape("ب ب", k_em, Weight::Regular, "ar", Direction::RightToLeft).glyphs;
    ASSERT_EQ(joined.size(), 2u);
    ASSERT_EQ(apart.size(), 3u);
    EXPECT_NE(joined[0].index, apart[0].index);
    EXPECT_NE(joined[1].index, apart[2].index);
}

TEST(Shaper, MixedArabicDigitsAndLatinFollowFriBidisVisualOrder) {
    const std::string s = "عمري 16 سنة في Camden منذ 2019.";
    // FriBidi: logical index of the character shown at each visual position, paragraph right to left.
    std::vector<FriBidiChar> u32(s.size());
    const FriBidiStrIndex n =
        fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, s.c_str(), static_cast<FriBidiStrIndex>(s.size()), u32.data());
    u32.resize(static_cast<std::size_t>(n));
    std::vector<FriBidiChar> visual(u32.size());
    std::vector<FriBidiStrIndex> v2l(u32.size());
    FriBidiParType base = FRIBIDI_PAR_RTL;
    ASSERT_TRUE(fribidi_log2vis(u32.data(), n, &base, visual.data(), nullptr, v2l.data(), nullptr));

    // Ours: the character (code point index) each glyph draws, left to right.
    std::vector<int> cp_at_byte(s.size() + 1, -1);
    for (std::size_t i = 0, k = 0; i < s.size(); ++k) {
        cp_at_byte[i] = static_cast<int>(k);
        next_code_point(s, i);
    }
    Shaper shaper(text_layer().fonts());
    const auto& run = shaper.shape(s, k_em, Weight::Regular, "ar", Direction::RightToLeft);
    EXPECT_FALSE(run.has_notdef());
    std::vector<int> ours;
    for (const auto& g : run.glyphs) ours.push_back(cp_at_byte[g.cluster]);
    const std::vector<int> fribidi(v2l.begin(), v2l.end());
    // One glyph per character in this sentence (no ligature, no mark): the sequences compare whole.
    EXPECT_EQ(ours, fribidi);
    // And what that means: "Camden", "16" and "2019" read left to right inside the right-to-left line.
    const auto pos = [&](char c) { return std::find(ours.begin(), ours.end(), cp_at_byte[s.find(c)]) - ours.begin(); };
    EXPECT_LT(pos('C'), pos('n'));
    EXPECT_LT(pos('1'), pos('6'));
    EXPECT_LT(pos('2'), pos('9'));
    EXPECT_LT(pos('9'), pos('C'));  // "2019" comes after "Camden" in reading order, so to its left
}

TEST(Shaper, FallsBackThroughTheChainAndNeverDrawsNotdefForCoveredScripts) {
    Shaper shaper(text_layer().fonts());
    for (const char* s :
         {"Have your say", "আপনার মতামত দিন", "شارك برأيك", "说出你的看法", "Thuaj mendimin tënd", "Café – 5 €"}) {
        const auto& run = shaper.shape(s, k_em, Weight::Regular, "", Direction::Auto);
        EXPECT_FALSE(run.has_notdef()) << s;
        EXPECT_GT(run.width, 0) << s;
    }
    const auto& chinese = shaper.shape("说出你的看法", k_em, Weight::Bold, "zh-Hans", Direction::Auto);
    EXPECT_EQ(text_layer().fonts().name(chinese.glyphs.front().face), "Noto Sans CJK SC");
    // A character no face has is a .notdef: the check the shipped-strings test relies on can fail.
    EXPECT_TRUE(shaper.shape("\xF0\x9F\x9B\xB8", k_em, Weight::Regular, "", Direction::Auto).has_notdef());  // U+1F6F8
}

TEST(Shaper, CachesRunsPerStringSizeAndLanguage) {
    Shaper shaper(text_layer().fonts());
    const ShapedRun* a = &shaper.shape("كم عمرك؟", k_em, Weight::Regular, "ar");
    EXPECT_EQ(a, &shaper.shape("كم عمرك؟", k_em, Weight::Regular, "ar"));
    EXPECT_EQ(shaper.cached(), 1u);
    (void)shaper.shape("كم عمرك؟", k_em + 2, Weight::Regular, "ar");
    (void)shaper.shape("كم عمرك؟", k_em, Weight::Regular, "fa");
    EXPECT_EQ(shaper.cached(), 3u);
    EXPECT_GT(shaper.shape("كم عمرك؟", k_em + 2, Weight::Regular, "ar").width, a->width);
}

TEST(FontSet, OpensAScriptsFaceOnlyWhenItsTextIsShown) {
    const FontSet fonts(FontSet::default_dirs(""));
    ASSERT_TRUE(fonts.loaded());
    const auto cjk = [&] {
        for (std::uint16_t i = 0; i < fonts.size(); ++i)
            if (fonts.is_open(i) && fonts.name(i) == "Noto Sans CJK SC") return true;
        return false;
    };
    Shaper shaper(fonts);
    (void)shaper.shape("Have your say: 0303 123 1113, café – 5 €", 28, Weight::Regular, "en");
    (void)shaper.shape("كم عمرك؟", 28, Weight::Regular, "ar");
    EXPECT_FALSE(cjk()) << "English and Arabic opened the CJK collection";
    EXPECT_FALSE(shaper.shape("说出你的看法", 28, Weight::Regular, "zh-Hans").has_notdef());
    EXPECT_TRUE(cjk());
}

// The CJK collections (19-20 MB) are read with pread(), not mapped: a mapping made ~10 MB of the file resident
// for one screen of Chinese (font_set.hpp, "Memory"). What is drawn must not change: the same glyph indices and
// the same bitmaps as from the mapped file.
TEST(FontSet, ReadsTheCjkCollectionInsteadOfMappingItAndDrawsTheSame) {
    const FontSet fonts(FontSet::default_dirs(""));
    ASSERT_TRUE(fonts.loaded());
    Shaper shaper(fonts);
    const std::string text = "说出你的看法您的回答是匿名的谢谢";
    const std::uint16_t cjk = shaper.face_runs(text, Weight::Regular).front().second;
    ASSERT_EQ(fonts.name(cjk), "Noto Sans CJK SC");
    EXPECT_TRUE(fonts.is_read(cjk));
    EXPECT_FALSE(fonts.is_read(0)) << "the small Latin face is mapped, as before";
    const ShapedRun run = shaper.shape(text, 40, Weight::Regular, "zh-Hans");
    ASSERT_FALSE(run.has_notdef());
    FT_Face read_face = fonts.face(cjk);
    FT_Set_Pixel_Sizes(read_face, 0, 40);
    for (const auto& g : run.glyphs) ASSERT_EQ(FT_Load_Glyph(read_face, g.index, FT_LOAD_TARGET_LIGHT), 0);
    {
        std::ifstream maps("/proc/self/maps");
        const std::string all((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
        EXPECT_EQ(all.find("NotoSansCJK"), std::string::npos) << "the CJK collection is mapped into memory";
    }

    FT_Library lib = nullptr;
    ASSERT_EQ(FT_Init_FreeType(&lib), 0);
    FT_Face mapped = nullptr;
    ASSERT_EQ(FT_New_Face(lib, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, &mapped), 0);
    FT_Set_Pixel_Sizes(mapped, 0, 40);
    for (const char32_t cp : {U'说', U'出', U'你', U'的', U'看', U'法', U'谢'}) {
        SCOPED_TRACE(static_cast<unsigned>(cp));
        const FT_UInt gi = FT_Get_Char_Index(read_face, cp);
        ASSERT_NE(gi, 0u);
        EXPECT_EQ(gi, FT_Get_Char_Index(mapped, cp));
        std::vector<std::vector<unsigned char>> bitmaps;
        for (FT_Face f : {read_face, mapped}) {
            ASSERT_EQ(FT_Load_Glyph(f, gi, FT_LOAD_TARGET_LIGHT), 0);
            ASSERT_EQ(FT_Render_Glyph(f->glyph, FT_RENDER_MODE_LIGHT), 0);
            const FT_Bitmap& bm = f->glyph->bitmap;
            std::vector<unsigned char> px;
            for (unsigned r = 0; r < bm.rows; ++r)
                px.insert(px.end(), bm.buffer + static_cast<std::ptrdiff_t>(r) * bm.pitch,
                          bm.buffer + static_cast<std::ptrdiff_t>(r) * bm.pitch + bm.width);
            px.push_back(static_cast<unsigned char>(bm.width));
            bitmaps.push_back(std::move(px));
        }
        EXPECT_EQ(bitmaps[0], bitmaps[1]);
    }
    FT_Done_Face(mapped);
    FT_Done_FreeType(lib);
}
