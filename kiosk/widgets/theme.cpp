#include "kiosk/widgets/theme.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace fieldkiosk::kiosk::ui {

Theme& theme() {
    static Theme t;
    return t;
}

Palette standard_palette() { return Palette{}; }

// Black, white and yellow, as the high-contrast modes of phones and the RNIB's guidance: white text on black,
// black text on yellow for what is chosen or pressed, white outlines round every control.
Palette high_contrast_palette() {
    Palette p;
    p.high_contrast = true;
    p.bg = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    p.surface = IM_COL32(0x14, 0x14, 0x14, 0xFF);
    p.text = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    p.muted = IM_COL32(0xE0, 0xE0, 0xE0, 0xFF);
    p.border = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    p.primary = IM_COL32(0xFF, 0xD5, 0x00, 0xFF);
    p.primary_down = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    p.on_primary = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    p.secondary = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    p.secondary_down = IM_COL32(0x38, 0x38, 0x38, 0xFF);
    p.selected_bg = IM_COL32(0x00, 0x3A, 0x70, 0xFF);
    p.error = IM_COL32(0xFF, 0x9E, 0x9E, 0xFF);
    p.error_bg = IM_COL32(0x2A, 0x00, 0x00, 0xFF);
    p.danger_down = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    p.disabled_bg = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    p.disabled_text = IM_COL32(0xA0, 0xA0, 0xA0, 0xFF);
    p.outline = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    p.divider = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    p.track = IM_COL32(0x5A, 0x5A, 0x5A, 0xFF);
    p.meter_off = IM_COL32(0x5A, 0x5A, 0x5A, 0xFF);  // the filled steps are white: the level must show
    p.dim = IM_COL32(0x00, 0x00, 0x00, 0xE6);
    p.focus = IM_COL32(0x00, 0xE5, 0xFF, 0xFF);
    // Closed stays dark, but its words are white and the moon yellow like everything else here.
    p.night = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    p.night_heading = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    p.night_text = IM_COL32(0xE0, 0xE0, 0xE0, 0xFF);
    p.night_moon = IM_COL32(0xFF, 0xD5, 0x00, 0xFF);
    p.success = IM_COL32(0xFF, 0xD5, 0x00, 0xFF);  // black tick on yellow, as a chosen answer
    p.on_success = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    return p;
}

namespace {
// WCAG 2.x relative luminance of an sRGB colour (alpha ignored).
double luminance(ImU32 c) {
    auto channel = [](unsigned v) {
        const double s = static_cast<double>(v & 0xFFu) / 255.0;
        return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c >> IM_COL32_R_SHIFT) + 0.7152 * channel(c >> IM_COL32_G_SHIFT) +
           0.0722 * channel(c >> IM_COL32_B_SHIFT);
}
}  // namespace

double contrast_ratio(ImU32 a, ImU32 b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

void use_palette(const Palette& p) { static_cast<Palette&>(theme()) = p; }

float ui_scale_for(ImVec2 size, float px_per_9mm, float user_scale) {
    const float by_resolution = std::min(size.x, size.y) / 1080.0f;
    const float by_physical = px_per_9mm > 0 ? px_per_9mm / 64.0f : 0.0f;
    return std::max({by_resolution, by_physical, 0.4f}) * user_scale;
}

bool setup_theme(ImGuiIO& io, float scale, const std::string& font_dir, float text_scale) {
    Theme& t = theme();
    t = Theme{};
    t.scale = scale;
    t.text_scale = text_scale;
    t.target = std::max(64.0f * scale, 40.0f);
    t.pad = 44.0f * scale;
    t.gap = 18.0f * scale;
    t.radius = 14.0f * scale;

    static const ImWchar ranges[] = {
        0x0020, 0x00FF,  // Basic Latin + Latin-1 Supplement
        0x0100, 0x017F,  // Latin Extended-A
        0x2010, 0x2027,  // dashes, quotes, bullet, ellipsis
        0x20AC, 0x20AC,  // euro
        0,
    };
    const std::filesystem::path dir(font_dir);
    const auto regular = (dir / "NotoSans-Regular.ttf").string();
    const auto bold = (dir / "NotoSans-Bold.ttf").string();
    std::error_code ec;
    io.Fonts->Clear();
    ImFontConfig cfg;
    cfg.OversampleH = 1;  // large sizes need no oversampling; it keeps the atlas (and RSS) small
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    const float ts = scale * text_scale;  // the fonts grow with the resident's text size; the layout's sizes do not
    if (std::filesystem::is_regular_file(regular, ec) && std::filesystem::is_regular_file(bold, ec)) {
        t.fonts.body = io.Fonts->AddFontFromFileTTF(regular.c_str(), std::round(38.0f * ts), &cfg, ranges);
        t.fonts.bold = io.Fonts->AddFontFromFileTTF(bold.c_str(), std::round(38.0f * ts), &cfg, ranges);
        t.fonts.title = io.Fonts->AddFontFromFileTTF(bold.c_str(), std::round(52.0f * ts), &cfg, ranges);
        t.fonts.small = io.Fonts->AddFontFromFileTTF(regular.c_str(), std::round(30.0f * ts), &cfg, ranges);
        t.fonts.huge = io.Fonts->AddFontFromFileTTF(bold.c_str(), std::round(76.0f * ts), &cfg, ranges);
        if (t.fonts.body && t.fonts.bold && t.fonts.title && t.fonts.small && t.fonts.huge) {
            io.FontDefault = t.fonts.body;
            return true;
        }
        io.Fonts->Clear();
    }
    // Fallback: ImGui's embedded font, scaled. Ugly but readable; the operator sees a message.
    ImFontConfig fb;
    fb.SizePixels = 13.0f;
    ImFont* f = io.Fonts->AddFontDefault(&fb);
    t.fonts = {f, f, f, f, f};
    io.FontGlobalScale = 2.5f * ts;
    io.FontDefault = f;
    return false;
}

}  // namespace fieldkiosk::kiosk::ui
