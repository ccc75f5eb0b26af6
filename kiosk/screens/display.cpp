// Text size and colours: the panel the "Aa" button opens (docs/kiosk.md, "Accessibility"). Three text sizes
// as a choice of one, high contrast as a tick box, and Done. The panel is laid out at the size it offers, so
// it grows with the text and still fits the screen at the largest size.
#include "kiosk/screens/screens.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace fieldkiosk::kiosk::ui {

void draw_display_panel(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const DisplayVm& d = vm.display;
    const float w = std::min(980 * t.scale, screen.w() - t.pad * 2);
    // A row holds one line of bold text with room round it, and is never below a touch target.
    const float row = std::max(t.target * 1.3f, font_px(t.fonts.bold) * 1.18f + t.gap * 1.6f);
    const float heading_h = measure(t.fonts.title, vm.t("display_heading"), w - t.pad * 2).y;
    const float h =
        t.pad * 2 + heading_h + t.gap * 1.5f + row * 5 + t.gap * 0.6f * 2 + t.gap * 1.5f * 2;  // 3 sizes, contrast, Done
    Rect card = dialog_card(screen, w, h);
    cut_top(card, draw_text(dl, t.fonts.title, card, vm.t("display_heading"), t.text) + t.gap * 1.5f);
    static constexpr std::array<std::string_view, DisplayVm::k_text_sizes> k_labels = {"text_standard", "text_larger",
                                                                                       "text_largest"};
    for (int i = 0; i < DisplayVm::k_text_sizes; ++i) {
        const Rect r = cut_top(card, row);
        if (choice_button("display:size:" + std::to_string(i), r, vm.t(k_labels[static_cast<std::size_t>(i)]), d.text_size == i,
                          false, t.fonts.body))
            out.push_back(act::SetTextSize{i});
        cut_top(card, t.gap * (i + 1 < DisplayVm::k_text_sizes ? 0.6f : 1.5f));
    }
    if (choice_button("display:contrast", cut_top(card, row), vm.t("high_contrast"), d.high_contrast, true, t.fonts.body))
        out.push_back(act::SetHighContrast{!d.high_contrast});
    cut_top(card, t.gap * 1.5f);
    if (button("display:close", cut_top(card, row), vm.t("display_done"), Look::Primary)) out.push_back(act::CloseDisplay{});
}

}  // namespace fieldkiosk::kiosk::ui
