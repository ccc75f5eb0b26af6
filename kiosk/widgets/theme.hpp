// fieldkiosk::kiosk::ui theme — colours (WCAG AA everywhere, AAA for body text), sizes that keep touch
// targets >= 9 mm at arm's length, and the Noto Sans fonts. Only Dear ImGui; no SDL, no GL.
#pragma once

#include <imgui.h>

#include <string>

namespace fieldkiosk::kiosk::ui {

struct Fonts {
    ImFont* body = nullptr;   // answers, buttons
    ImFont* bold = nullptr;   // button labels, emphasis
    ImFont* title = nullptr;  // question text, headings
    ImFont* small = nullptr;  // hints, end labels, footers (still >= 26 px at 1080p)
    ImFont* huge = nullptr;   // attract heading, countdown
};

struct Theme {
    float scale = 1.0f;  // 1.0 when the short side is 1080 px
    float target = 64;   // minimum touch target in px (9 mm)
    float pad = 48;      // screen margin
    float gap = 16;      // between widgets
    float radius = 14;
    // Colours; contrast ratios against their background are in docs/kiosk.md.
    ImU32 bg = IM_COL32(0xF7, 0xF7, 0xF5, 0xFF);
    ImU32 surface = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    ImU32 text = IM_COL32(0x14, 0x14, 0x14, 0xFF);     // 17.9:1 on bg (AAA)
    ImU32 muted = IM_COL32(0x45, 0x4A, 0x4F, 0xFF);    // 8.6:1 on bg (AAA)
    ImU32 border = IM_COL32(0x50, 0x5A, 0x5F, 0xFF);   // 6.9:1: outlines of controls (>= 3:1)
    ImU32 primary = IM_COL32(0x1D, 0x4F, 0x91, 0xFF);  // white text on it: 8.3:1
    ImU32 primary_down = IM_COL32(0x12, 0x35, 0x63, 0xFF);
    ImU32 on_primary = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    ImU32 secondary = IM_COL32(0xE1, 0xE6, 0xEC, 0xFF);  // dark text on it: 15.0:1
    ImU32 secondary_down = IM_COL32(0xC3, 0xCC, 0xD6, 0xFF);
    ImU32 selected_bg = IM_COL32(0xE3, 0xEE, 0xFA, 0xFF);
    ImU32 error = IM_COL32(0xB1, 0x0E, 0x1E, 0xFF);  // 7.4:1 on white
    ImU32 error_bg = IM_COL32(0xFD, 0xEC, 0xEE, 0xFF);
    ImU32 dim = IM_COL32(0x0B, 0x0C, 0x0C, 0xC8);    // behind dialogs
    ImU32 focus = IM_COL32(0xFF, 0xBF, 0x47, 0xFF);  // pressed outline
    Fonts fonts;
};

[[nodiscard]] Theme& theme();

// The UI scale for a display of `size` px whose 9 mm are `px_per_9mm` px (0: unknown; resolution only),
// times the operator's `user_scale`.
[[nodiscard]] float ui_scale_for(ImVec2 size, float px_per_9mm, float user_scale);

// Loads Noto Sans Regular and Bold from `font_dir` at the sizes for `scale` into io.Fonts (Latin-1,
// Latin Extended-A and general punctuation: enough for en, es, pt, fr, so). Returns false, and falls
// back to ImGui's built-in font scaled up, when the files are missing. Call before the atlas is built.
bool setup_theme(ImGuiIO& io, float scale, const std::string& font_dir);

}  // namespace fieldkiosk::kiosk::ui
