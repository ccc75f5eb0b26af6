// Idle: "Are you still there?" over the current screen, with a visible countdown and "I need more time".
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/widgets/icons.hpp"

#include <algorithm>
#include <cmath>

namespace fieldkiosk::kiosk::ui {

void draw_idle(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const std::string secs = std::to_string(vm.idle_seconds_left);
    const std::string body = vm.tn(vm.assisted ? "idle_body_assisted" : "idle_body", vm.idle_seconds_left);
    const float w = std::min(1000 * t.scale, screen.w() - t.pad * 2);
    const float r = 110 * t.scale;
    const float inner_w = w - t.pad * 2;
    const float need = measure(t.fonts.title, vm.t("idle_heading"), inner_w).y + t.gap * 1.5f + r * 2 + t.gap * 2 +
                       measure(t.fonts.body, body, inner_w).y + t.gap * 2 + t.target * 1.6f + t.pad * 2;
    Rect card = dialog_card(screen, w, need);
    const float h = draw_text(dl, t.fonts.title, card, vm.t("idle_heading"), t.text, Align::Center);
    cut_top(card, h + t.gap * 1.5f);
    // The countdown: a ring that empties, with the seconds in the middle.
    const Rect ring = cut_top(card, r * 2 + t.gap);
    const ImVec2 c{ring.center().x, ring.min.y + r};
    dl->AddCircle(c, r, t.track, 64, 14 * t.scale);
    const float frac =
        std::clamp(static_cast<float>(vm.idle_seconds_left) / static_cast<float>(std::max(1, vm.idle_seconds_total)), 0.0f, 1.0f);
    dl->PathArcTo(c, r, -1.5707964f, -1.5707964f + 6.2831855f * frac, 64);
    dl->PathStroke(t.primary, 0, 14 * t.scale);
    draw_text(dl, t.fonts.huge, {{c.x - r, c.y - r}, {c.x + r, c.y + r}}, secs, t.text, Align::Center, true);
    cut_top(card, t.gap);
    const float b = draw_text(dl, t.fonts.body, card, body, t.text, Align::Center);
    cut_top(card, b + t.gap);
    Rect btn = cut_bottom(card, t.target * 1.6f);
    if (button("idle:more_time", btn, vm.t("idle_more_time"), Look::Primary, true, t.fonts.title))
        out.push_back(act::StillHere{});
}

}  // namespace fieldkiosk::kiosk::ui
