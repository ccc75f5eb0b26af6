#include "kiosk/widgets/theme.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace fieldkiosk::kiosk::ui {

Theme& theme() {
    static Theme t;
    return t;
}

float ui_scale_for(ImVec2 size, float px_per_9mm, float user_scale) {
    const float by_resolution = std::min(size.x, size.y) / 1080.0f;
    const float by_physical = px_per_9mm > 0 ? px_per_9mm / 64.0f : 0.0f;
    return std::max({by_resolution, by_physical, 0.4f}) * user_scale;
}

bool setup_theme(ImGuiIO& io, float scale, const std::string& font_dir) {
    Theme& t = theme();
    t = Theme{};
    t.scale = scale;
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
    if (std::filesystem::is_regular_file(regular, ec) && std::filesystem::is_regular_file(bold, ec)) {
        t.fonts.body = io.Fonts->AddFontFromFileTTF(regular.c_str(), std::round(38.0f * scale), &cfg, ranges);
        t.fonts.bold = io.Fonts->AddFontFromFileTTF(bold.c_str(), std::round(38.0f * scale), &cfg, ranges);
        t.fonts.title = io.Fonts->AddFontFromFileTTF(bold.c_str(), std::round(52.0f * scale), &cfg, ranges);
        t.fonts.small = io.Fonts->AddFontFromFileTTF(regular.c_str(), std::round(30.0f * scale), &cfg, ranges);
        t.fonts.huge = io.Fonts->AddFontFromFileTTF(bold.c_str(), std::round(76.0f * scale), &cfg, ranges);
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
    io.FontGlobalScale = 2.5f * scale;
    io.FontDefault = f;
    return false;
}

}  // namespace fieldkiosk::kiosk::ui
