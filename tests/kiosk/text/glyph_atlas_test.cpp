// The glyph atlas: glyphs rasterised on first use only, packed without overlap, dirty rectangles for upload.
#include "kiosk/text/glyph_atlas.hpp"
#include "tests/kiosk/text/text_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace fieldkiosk::kiosk::text;
using fieldkiosk::testing::text_layer;

namespace {
long coverage(const GlyphAtlas& a, const AtlasGlyph& g) {
    long sum = 0;
    for (int y = g.y; y < g.y + g.h; ++y)
        for (int x = g.x; x < g.x + g.w; ++x) sum += a.pixels()[static_cast<std::size_t>(y * a.width() + x)];
    return sum;
}
}  // namespace

TEST(GlyphAtlas, RasterisesOnFirstUseAndReportsWhatChanged) {
    GlyphAtlas atlas(text_layer().fonts(), 256, 128);
    Shaper shaper(text_layer().fonts());
    const auto& run = shaper.shape("ক্ষুধা", 28, Weight::Regular, "bn");
    atlas.mark_clean();
    EXPECT_EQ(atlas.glyph_count(), 0u);  // nothing loaded until drawn
    for (const auto& g : run.glyphs) {
        const AtlasGlyph& a = atlas.get(g.face, g.index, 28);
        EXPECT_GT(a.w * a.h, 0);
        EXPECT_GT(coverage(atlas, a), 0) << "glyph " << g.index << " is blank";
        EXPECT_LE(atlas.dirty().x0, a.x);
        EXPECT_GE(atlas.dirty().x1, a.x + a.w);
        EXPECT_GE(atlas.dirty().y1, a.y + a.h);
    }
    const std::size_t n = atlas.glyph_count();
    atlas.mark_clean();
    for (const auto& g : run.glyphs) (void)atlas.get(g.face, g.index, 28);
    EXPECT_EQ(atlas.glyph_count(), n);
    EXPECT_TRUE(atlas.dirty().empty()) << "drawing the same glyphs again changed the atlas";
}

TEST(GlyphAtlas, PacksWithoutOverlapAndGrowsWhenFull) {
    GlyphAtlas atlas(text_layer().fonts(), 256, 64);
    Shaper shaper(text_layer().fonts());
    const std::uint32_t gen = atlas.generation();
    std::vector<AtlasGlyph> placed;
    std::set<std::uint32_t> seen;  // a glyph drawn twice ("的") has one place
    for (const auto& g : shaper.shape("说出你的看法您的回答是匿名的谢谢", 40, Weight::Regular, "zh-Hans").glyphs)
        if (seen.insert(g.index).second) placed.push_back(atlas.get(g.face, g.index, 40));
    EXPECT_EQ(placed.size(), 13u);
    EXPECT_GT(atlas.height(), 64);  // 16 glyphs of ~40 px do not fit in 256 x 64
    EXPECT_NE(atlas.generation(), gen);
    for (std::size_t i = 0; i < placed.size(); ++i)
        for (std::size_t j = i + 1; j < placed.size(); ++j) {
            const auto& a = placed[i];
            const auto& b = placed[j];
            const bool apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            EXPECT_TRUE(apart) << i << " overlaps " << j;
        }
}

TEST(TextLayer, QuadsSitOnOneBaselineAndMatchTheAtlas) {
    auto& layer = text_layer();
    std::vector<Quad> quads;
    layer.quads("Have your say", 38, Weight::Regular, "en", Direction::LeftToRight, 100, 200, quads);
    ASSERT_EQ(quads.size(), 11u);  // 13 characters, two spaces draw nothing
    for (const auto& q : quads) {
        EXPECT_GE(q.x0, 100);
        EXPECT_GE(q.y0, 200 - 1);
        EXPECT_LE(q.y1, 200 + 38 + 1);
        EXPECT_LT(q.u0, q.u1);
        EXPECT_LT(q.v0, q.v1);
    }
    EXPECT_LT(quads.front().x0, quads.back().x0);
    // The line size follows ImGui's (ascent + descent = px): a capital H at 38 px is about 20 px tall.
    const float h = quads.front().y1 - quads.front().y0;
    EXPECT_NEAR(h, 38 * 0.734f * 0.714f, 2.0f);  // em = px * 1000 / 1362; cap height 714 units
}

TEST(TextLayer, DirectionComesFromTheLanguage) {
    EXPECT_EQ(direction_of("ar"), Direction::RightToLeft);
    EXPECT_EQ(direction_of("ar-EG"), Direction::RightToLeft);
    EXPECT_EQ(direction_of("bn"), Direction::LeftToRight);
    EXPECT_EQ(direction_of("zh-Hans"), Direction::LeftToRight);
    EXPECT_EQ(direction_of("en"), Direction::LeftToRight);
}
