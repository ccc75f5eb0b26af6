// Closed (outside opening hours): a near-black screen with "Closed" and when the kiosk opens again, in
// the kiosk's default language. Nothing here is a button: touches do nothing, only the hidden admin corner
// (frame.cpp) still works. The dark screen is the dimming (docs/kiosk.md, "Opening hours"): there is no
// portable backlight control under cage/Wayland. Colours still meet WCAG AA against the background
// (ratios below), so a passer-by can read it at arm's length.
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk::ui {

namespace {
constexpr ImU32 k_night = IM_COL32(0x0A, 0x0B, 0x0C, 0xFF);    // background
constexpr ImU32 k_heading = IM_COL32(0x8A, 0x90, 0x96, 0xFF);  // 6.1:1 on k_night
constexpr ImU32 k_body = IM_COL32(0x7A, 0x80, 0x86, 0xFF);     // 4.9:1
constexpr ImU32 k_footer = IM_COL32(0x77, 0x7D, 0x83, 0xFF);   // 4.7:1
constexpr ImU32 k_moon = IM_COL32(0x3A, 0x3F, 0x44, 0xFF);     // decoration only
}  // namespace

void draw_closed(const ViewModel& vm, Rect screen, ActionQueue& /*out*/) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(screen.min, screen.max, k_night);
    Rect area = centered(inset(screen, t.pad * 1.5f), 1100 * t.scale);
    const Rect footer = cut_bottom(area, font_px(t.fonts.small) * 2.5f);
    draw_text(dl, t.fonts.small, footer, vm.organisation, k_footer, Align::Center, true);

    // A crescent moon, the heading and the sentence, as one block a little above the middle.
    const float r = std::min(56 * t.scale, area.h() * 0.06f);
    const float heading_h = measure(t.fonts.huge, vm.t("closed_heading"), area.w()).y;
    const float body_h = measure(t.fonts.title, vm.closed_message, area.w()).y;
    const float block = r * 2 + t.gap * 2.5f + heading_h + t.gap * 1.5f + body_h;
    cut_top(area, std::max(0.0f, (area.h() - block) * 0.42f));
    const Rect moon = cut_top(area, r * 2);
    const ImVec2 c = moon.center();
    dl->AddCircleFilled(c, r, k_moon, 48);
    dl->AddCircleFilled({c.x + r * 0.45f, c.y - r * 0.3f}, r * 0.86f, k_night, 48);
    cut_top(area, t.gap * 2.5f);
    const float h = draw_text(dl, t.fonts.huge, area, vm.t("closed_heading"), k_heading, Align::Center);
    cut_top(area, h + t.gap * 1.5f);
    draw_text(dl, t.fonts.title, area, vm.closed_message, k_body, Align::Center);
}

}  // namespace fieldkiosk::kiosk::ui
