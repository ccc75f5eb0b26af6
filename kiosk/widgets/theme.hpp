// fieldkiosk::kiosk::ui theme — colours (WCAG AA everywhere, AAA for body text; a high-contrast palette), sizes that keep touch
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

// The colours every screen draws with. Text is drawn only on the pairs that tests/kiosk/theme_test.cpp lists
// with their WCAG contrast ratios (docs/kiosk.md, "Accessibility"): the standard palette keeps AA everywhere
// and AAA for body text; the high-contrast one keeps AAA (>= 7:1, WCAG 1.4.6) for every pair.
struct Palette {
    bool high_contrast = false;
    ImU32 bg = IM_COL32(0xF7, 0xF7, 0xF5, 0xFF);
    ImU32 surface = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    ImU32 text = IM_COL32(0x14, 0x14, 0x14, 0xFF);     // 17.2:1 on bg (AAA)
    ImU32 muted = IM_COL32(0x45, 0x4A, 0x4F, 0xFF);    // 8.3:1 on bg (AAA)
    ImU32 border = IM_COL32(0x50, 0x5A, 0x5F, 0xFF);   // 6.6:1: outlines of controls (>= 3:1)
    ImU32 primary = IM_COL32(0x1D, 0x4F, 0x91, 0xFF);  // white text on it: 8.1:1
    ImU32 primary_down = IM_COL32(0x12, 0x35, 0x63, 0xFF);
    ImU32 on_primary = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    ImU32 secondary = IM_COL32(0xE1, 0xE6, 0xEC, 0xFF);  // dark text on it: 14.7:1
    ImU32 secondary_down = IM_COL32(0xC3, 0xCC, 0xD6, 0xFF);
    ImU32 selected_bg = IM_COL32(0xE3, 0xEE, 0xFA, 0xFF);
    ImU32 error = IM_COL32(0xB1, 0x0E, 0x1E, 0xFF);  // 7.1:1 on white
    ImU32 error_bg = IM_COL32(0xFD, 0xEC, 0xEE, 0xFF);
    ImU32 danger_down = IM_COL32(0x7A, 0x0A, 0x14, 0xFF);    // a Danger button held
    ImU32 disabled_bg = IM_COL32(0xE6, 0xE6, 0xE6, 0xFF);    // a button that is off
    ImU32 disabled_text = IM_COL32(0x5F, 0x63, 0x68, 0xFF);  // 4.8:1 on disabled_bg: readable, clearly off
    ImU32 outline = IM_COL32(0x9A, 0xA4, 0xAE, 0xFF);        // a secondary button's edge
    ImU32 divider = IM_COL32(0xB1, 0xB4, 0xB6, 0xFF);        // the top bar's lower edge, a tile's edge
    ImU32 track = IM_COL32(0xDD, 0xE1, 0xE4, 0xFF);          // the empty part of the progress bar and idle ring
    ImU32 meter_off = IM_COL32(0x9A, 0xA4, 0xAE, 0xFF);      // a volume step not reached (filled ones: the label's colour)
    ImU32 dim = IM_COL32(0x0B, 0x0C, 0x0C, 0xC8);            // behind dialogs
    ImU32 focus = IM_COL32(0xFF, 0xBF, 0x47, 0xFF);          // pressed outline
    // The Closed screen (opening hours): dark, as the dimming, yet AA at arm's length (ratios on night).
    ImU32 night = IM_COL32(0x0A, 0x0B, 0x0C, 0xFF);          // its background
    ImU32 night_heading = IM_COL32(0x8A, 0x90, 0x96, 0xFF);  // 6.1:1 on night
    ImU32 night_text = IM_COL32(0x7A, 0x80, 0x86, 0xFF);     // 4.9:1 on night: the sentence and the footer
    ImU32 night_moon = IM_COL32(0x3A, 0x3F, 0x44, 0xFF);     // decoration only
    // The thanks screen's tick: a disc and the tick drawn on it (a graphic: >= 3:1, WCAG 1.4.11).
    ImU32 success = IM_COL32(0x00, 0x6A, 0x39, 0xFF);
    ImU32 on_success = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);  // 6.7:1 on success
};

[[nodiscard]] Palette standard_palette();       // the default above
[[nodiscard]] Palette high_contrast_palette();  // black, white and yellow: every text pair >= 7:1
// The WCAG 2.x contrast ratio of two opaque colours, from 1 (the same) to 21 (black on white).
[[nodiscard]] double contrast_ratio(ImU32 a, ImU32 b);

// The text sizes a resident can choose (act::SetTextSize): every font is this many times its standard size.
inline constexpr float k_text_scales[] = {1.0f, 1.25f, 1.5f};

struct Theme : Palette {
    float scale = 1.0f;       // 1.0 when the short side is 1080 px
    float text_scale = 1.0f;  // the resident's text size (k_text_scales); touch targets do not change with it
    float target = 64;        // minimum touch target in px (9 mm)
    float pad = 48;           // screen margin
    float gap = 16;           // between widgets
    float radius = 14;
    Fonts fonts;
};

[[nodiscard]] Theme& theme();

// The UI scale for a display of `size` px whose 9 mm are `px_per_9mm` px (0: unknown; resolution only),
// times the operator's `user_scale`.
[[nodiscard]] float ui_scale_for(ImVec2 size, float px_per_9mm, float user_scale);

// The palette the next frame draws with (draw_frame() sets it from the view model each frame).
void use_palette(const Palette& p);

// Loads Noto Sans Regular and Bold from `font_dir` at the sizes for `scale` times `text_scale` into io.Fonts (Latin-1,
// Latin Extended-A and general punctuation: enough for en, es, pt, fr, so). Returns false, and falls
// back to ImGui's built-in font scaled up, when the files are missing. Call before the atlas is built.
bool setup_theme(ImGuiIO& io, float scale, const std::string& font_dir, float text_scale = 1.0f);

}  // namespace fieldkiosk::kiosk::ui
