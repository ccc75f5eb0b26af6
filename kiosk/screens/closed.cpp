// Closed (outside opening hours): a near-black screen with "Closed" and when the kiosk opens again, in
// the kiosk's default language. Nothing here is a button: touches do nothing, only the hidden admin corner
// (frame.cpp) still works. The dark screen is the dimming (docs/kiosk.md, "Opening hours"): there is no
// portable backlight control under cage/Wayland. Colours still meet WCAG AA against the background
// (the night_* colours of theme.hpp; the high-contrast palette makes them white on black), so a passer-by can read it at arm's
// length.
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk::ui {

void draw_closed(const ViewModel& vm, Rect screen, ActionQueue& /*out*/) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(screen.min, screen.max, t.night);
    Rect area = centered(inset(screen, t.pad * 1.5f), 1100 * t.scale);
    const Rect footer = cut_bottom(area, font_px(t.fonts.small) * 2.5f);
    draw_text(dl, t.fonts.small, footer, vm.organisation, t.night_text, Align::Center, true);

    // A crescent moon, the heading and the sentence, as one block a little above the middle.
    const float r = std::min(56 * t.scale, area.h() * 0.06f);
    const float heading_h = measure(t.fonts.huge, vm.t("closed_heading"), area.w()).y;
    const float body_h = measure(t.fonts.title, vm.closed_message, area.w()).y;
    const float block = r * 2 + t.gap * 2.5f + heading_h + t.gap * 1.5f + body_h;
    cut_top(area, std::max(0.0f, (area.h() - block) * 0.42f));
    const Rect moon = cut_top(area, r * 2);
    const ImVec2 c = moon.center();
    dl->AddCircleFilled(c, r, t.night_moon, 48);
    dl->AddCircleFilled({c.x + r * 0.45f, c.y - r * 0.3f}, r * 0.86f, t.night, 48);
    cut_top(area, t.gap * 2.5f);
    const float h = draw_text(dl, t.fonts.huge, area, vm.t("closed_heading"), t.night_heading, Align::Center);
    cut_top(area, h + t.gap * 1.5f);
    draw_text(dl, t.fonts.title, area, vm.closed_message, t.night_text, Align::Center);
}

}  // namespace fieldkiosk::kiosk::ui
