// Language: every language offered, each named in itself; the current one is marked. Answers are kept.
#include "kiosk/screens/screens.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk::ui {

void draw_language(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    Rect area = screen;
    top_bar(vm, area, vm.organisation, out, false);
    area = inset(area, t.pad);
    area.min.y -= t.pad * 0.4f;
    const float h = draw_text(dl, t.fonts.title, area, vm.t("language_heading"), t.text);
    cut_top(area, h + t.gap);
    if (vm.lang != "en") {  // also in English, for whoever helps the resident
        const float h2 = draw_text(dl, t.fonts.body, area, "Choose your language", t.muted);
        cut_top(area, h2 + t.gap);
    }
    Rect nav = cut_bottom(area, t.target * 1.4f);
    if (button("lang:close", {nav.min, {nav.min.x + std::max(nav.w() * 0.3f, t.target * 3), nav.max.y}}, vm.t("back"),
               Look::Secondary))
        out.push_back(act::CloseLanguage{});
    cut_bottom(area, t.gap);
    const auto& items = vm.languages.items;
    const int cols = portrait(screen) ? 1 : 2;
    const auto rows = static_cast<float>((items.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols));
    const float bh = std::clamp((area.h() - t.gap * (rows - 1)) / rows, t.target, t.target * 1.7f);
    const float bw = (area.w() - t.gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const float x = area.min.x + static_cast<float>(i % static_cast<std::size_t>(cols)) * (bw + t.gap);
        const float y = area.min.y + static_cast<float>(i / static_cast<std::size_t>(cols)) * (bh + t.gap);
        if (choice_button("lang:" + items[i].code, {{x, y}, {x + bw, y + bh}}, items[i].name, items[i].current, false))
            out.push_back(act::ChooseLanguage{items[i].code});
    }
}

}  // namespace fieldkiosk::kiosk::ui
