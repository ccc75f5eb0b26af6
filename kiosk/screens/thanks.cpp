// Thanks: the response is already on disk when this shows; what happens next; returns by itself.
// SaveFailed: the save did not succeed (disk full...): a clear message, the response kept, "Try again".
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/widgets/icons.hpp"

namespace fieldkiosk::kiosk::ui {

namespace {

// The top bar, then a centred column with one primary button at its foot; returns the room above the button.
// True in `tapped` when the button was tapped.
Rect column_with_button(const ViewModel& vm, Rect screen, const char* id, std::string_view label, bool& tapped,
                        ActionQueue& out) {
    const Theme& t = theme();
    Rect area = screen;
    top_bar(vm, area, vm.organisation, out);
    area = centered(inset(area, t.pad), 1300 * t.scale);
    Rect nav = cut_bottom(area, t.target * 1.5f);
    tapped = button(id, centered(nav, 700 * t.scale), label, Look::Primary);
    cut_bottom(area, t.gap);
    return area;
}

}  // namespace

void draw_thanks(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    bool done = false;
    Rect area = column_with_button(vm, screen, "thanks:done", vm.t("thanks_done"), done, out);
    if (done) out.push_back(act::ThanksDone{});
    (void)draw_text(dl, t.fonts.small, cut_bottom(area, font_px(t.fonts.small) * 1.4f),
                    vm.tn("thanks_return", vm.thanks_seconds_left), t.muted, Align::Center, true);
    // A big tick in a circle.
    const float r = std::min(area.h() * 0.14f, 110 * t.scale);
    cut_top(area, portrait(screen) ? area.h() * 0.08f : 0.0f);
    const Rect icon = cut_top(area, r * 2 + t.gap);
    const ImVec2 c{icon.center().x, icon.min.y + r};
    dl->AddCircleFilled(c, r, t.success, 48);
    draw_check(dl, {c.x - r * 0.75f, c.y - r * 0.75f}, {c.x + r * 0.75f, c.y + r * 0.75f}, t.on_success);
    cut_top(area, t.gap);
    const float h = draw_text(dl, t.fonts.huge, area, vm.t("thanks_heading"), t.text, Align::Center);
    cut_top(area, h + t.gap);
    const float b =
        draw_text(dl, t.fonts.body, area, fill(vm.t("thanks_body"), {{"org", vm.organisation}}), t.text, Align::Center);
    cut_top(area, b + t.gap * 1.5f);
    const float n1 = draw_text(dl, t.fonts.bold, area, vm.t("thanks_next_h"), t.text, Align::Center);
    cut_top(area, n1 + t.gap * 0.3f);
    draw_text(dl, t.fonts.body, area, fill(vm.t("thanks_next"), {{"org", vm.organisation}}), t.text, Align::Center);
}

void draw_save_failed(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    bool retry = false;
    Rect area = column_with_button(vm, screen, "save:retry", vm.t("save_retry"), retry, out);
    if (retry) out.push_back(act::RetrySave{});
    cut_top(area, area.h() * 0.1f);
    const Rect bar = cut_top(area, 10 * t.scale);
    dl->AddRectFilled(bar.min, bar.max, t.error);
    cut_top(area, t.gap);
    const float h = draw_text(dl, t.fonts.title, area, vm.t("save_failed_heading"), t.error);
    cut_top(area, h + t.gap);
    const float b = draw_text(dl, t.fonts.body, area, vm.t("save_failed_body"), t.text);
    cut_top(area, b + t.gap * 2);
    if (!vm.save_error.empty())
        draw_text(dl, t.fonts.small, area, fill(vm.t("save_failed_detail"), {{"error", vm.save_error}}), t.muted);
}

}  // namespace fieldkiosk::kiosk::ui
