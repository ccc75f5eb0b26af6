// Language: every language offered, each named in itself; the current one is marked. Answers are kept.
#include "kiosk/screens/screens.hpp"
#include "kiosk/widgets/icons.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk::ui {
namespace {

// "Read everything to me": a wide button in the row of Back, opposite it, with a large loudspeaker that someone
// who cannot read can find, and a tick box that shows it is on. Touching it says what the screen is for.
void read_everything_switch(const ViewModel& vm, Rect r, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const bool on = vm.read_aloud.everything;
    if (button("read:everything", r, "", on ? Look::Primary : Look::Secondary)) out.push_back(act::ReadEverything{!on});
    const ImU32 fg = on ? t.on_primary : t.text;
    const float icon = r.h() * 0.7f;
    draw_speaker(dl, {r.min.x + t.gap + icon * 0.5f, r.center().y}, icon, 3, fg);
    const float box = r.h() * 0.42f;
    const Rect tick{{r.max.x - t.gap - box, r.center().y - box * 0.5f}, {r.max.x - t.gap, r.center().y + box * 0.5f}};
    dl->AddRect(tick.min, tick.max, fg, t.radius * 0.4f, 0, std::max(2.0f, 3.0f * t.scale));
    if (on) draw_check(dl, inset(tick, box * 0.15f).min, inset(tick, box * 0.15f).max, fg);
    const Rect label{{r.min.x + t.gap * 1.8f + icon, r.min.y}, {tick.min.x - t.gap, r.max.y}};
    draw_text(dl, fit_font({t.fonts.bold, t.fonts.small}, label, vm.t("read_everything")), label, vm.t("read_everything"), fg,
              Align::Left, true);
}

}  // namespace

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
    const Rect back{nav.min, {nav.min.x + std::max(nav.w() * 0.3f, t.target * 3), nav.max.y}};
    if (button("lang:close", back, vm.t("back"), Look::Secondary)) out.push_back(act::CloseLanguage{});
    if (vm.read_aloud.can_switch) read_everything_switch(vm, {{back.max.x + t.gap * 2, nav.min.y}, nav.max}, out);
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
