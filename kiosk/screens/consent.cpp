// Consent: a short, layered privacy notice (who, why, lawful basis, special category data, what is kept
// and for how long, contact and the right to complain, voluntary), the full text one tap away, Start /
// No thanks. The full text scrolls by page buttons, never by dragging.
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/widgets/icons.hpp"

#include <algorithm>
#include <array>

namespace fieldkiosk::kiosk::ui {
namespace {

constexpr std::array<const char*, 7> k_points = {"consent_who",  "consent_why",     "consent_basis",    "consent_special",
                                                 "consent_kept", "consent_contact", "consent_voluntary"};

void draw_full_privacy(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(screen.min, screen.max, t.bg);
    Rect area = screen;
    top_bar(vm, area, vm.t("privacy_full_heading"), out, false);
    area = inset(area, t.pad);
    area.min.y -= t.pad * 0.4f;
    Rect nav = cut_bottom(area, t.target * 1.4f);
    cut_bottom(area, t.gap);
    if (vm.privacy_full_english_only) {  // the resident learns why the text below is in English
        const float h = draw_text(dl, t.fonts.bold, area, vm.t("privacy_full_english_only"), t.text);
        cut_top(area, h + t.gap);
    }
    const std::string text = fill(vm.t("privacy_full_text"), {{"org", vm.organisation}});
    // Page buttons on the right; the offset is UI-only state.
    Rect pager = cut_right(area, std::max(t.target * 1.6f, 120 * t.scale));
    cut_right(area, t.gap);
    const float total = measure(t.fonts.body, text, area.w()).y;
    ImGuiStorage* st = ImGui::GetStateStorage();
    const ImGuiID key = ImGui::GetID("privacy#offset");
    float offset = st->GetFloat(key, 0);
    const float page = area.h() * 0.85f;
    const float max_off = std::max(0.0f, total - area.h());
    offset = std::clamp(offset, 0.0f, max_off);
    const float ph = (pager.h() - t.gap) * 0.5f;
    const Rect up{pager.min, {pager.max.x, pager.min.y + ph}};
    const Rect down{{pager.min.x, pager.max.y - ph}, pager.max};
    if (button("privacy:up", up, "", Look::Secondary, offset > 0)) offset = std::max(0.0f, offset - page);
    if (button("privacy:down", down, "", Look::Secondary, offset < max_off)) offset = std::min(max_off, offset + page);
    draw_arrow(dl, up.center(), 40 * t.scale, 2, offset > 0 ? t.text : IM_COL32(0x5F, 0x63, 0x68, 0xFF));
    draw_arrow(dl, down.center(), 40 * t.scale, 3, offset < max_off ? t.text : IM_COL32(0x5F, 0x63, 0x68, 0xFF));
    st->SetFloat(key, offset);
    dl->PushClipRect(area.min, area.max, true);
    draw_text(dl, t.fonts.body, {{area.min.x, area.min.y - offset}, {area.max.x, area.max.y + total}}, text, t.text);
    dl->PopClipRect();
    if (button("privacy:close", centered(nav, 800 * t.scale), vm.t("privacy_close"), Look::Primary))
        out.push_back(act::ShowFullPrivacy{false});
}

}  // namespace

void draw_consent(const ViewModel& vm, Rect screen, ActionQueue& out) {
    if (vm.full_privacy) {
        draw_full_privacy(vm, screen, out);
        return;
    }
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    Rect area = screen;
    top_bar(vm, area, vm.survey_title, out);
    area = inset(area, t.pad);
    area.min.y -= t.pad * 0.4f;
    const float h = draw_text(dl, t.fonts.title, area, vm.t("consent_heading"), t.text);
    cut_top(area, h + t.gap);

    // Start / No thanks at the bottom, the full notice just above them.
    Rect nav = cut_bottom(area, t.target * 1.5f);
    const float half = (nav.w() - t.gap) * 0.5f;
    if (button("consent:decline", {nav.min, {nav.min.x + half, nav.max.y}}, vm.t("consent_decline"), Look::Secondary))
        out.push_back(act::ConsentDecline{});
    if (button("consent:start", {{nav.max.x - half, nav.min.y}, nav.max}, vm.t("consent_start"), Look::Primary))
        out.push_back(act::ConsentStart{});
    cut_bottom(area, t.gap);
    Rect full = cut_bottom(area, t.target * 1.2f);
    // Back to the language screen (or the attract screen): the way the resident came, never on.
    const Rect back = cut_left(full, std::max(full.w() * 0.28f, t.target * 3));
    cut_left(full, t.gap);
    if (button("consent:back", back, vm.t("back"), Look::Secondary)) out.push_back(act::Back{});
    if (button("consent:full", full, vm.t("consent_full_button"), Look::Quiet)) out.push_back(act::ShowFullPrivacy{true});
    cut_bottom(area, t.gap);

    // The points, in one column (portrait) or two (landscape), each a bold lead and a short sentence.
    const int cols = portrait(screen) ? 1 : 2;
    const float cw = (area.w() - t.pad * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    std::vector<std::pair<std::string, std::string>> points;
    for (const char* k : k_points) points.emplace_back(vm.t(std::string(k) + "_h"), fill(vm.t(k), {{"org", vm.organisation}}));
    // Choose the body font that makes everything fit.
    const ImFont* body = t.fonts.body;
    for (const ImFont* f : {t.fonts.body, t.fonts.small}) {
        body = f;
        float need = 0, col_need = 0;
        const std::size_t per_col = (points.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols);
        for (std::size_t i = 0; i < points.size(); ++i) {
            col_need += measure(t.fonts.bold, points[i].first, cw - t.gap * 1.5f).y +
                        measure(f, points[i].second, cw - t.gap * 1.5f).y + t.gap;
            if ((i + 1) % per_col == 0 || i + 1 == points.size()) {
                need = std::max(need, col_need);
                col_need = 0;
            }
        }
        if (need <= area.h()) break;
    }
    const std::size_t per_col = (points.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols);
    float y = area.min.y;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto col = static_cast<float>(i / per_col);
        if (i % per_col == 0) y = area.min.y;
        const float x = area.min.x + col * (cw + t.pad);
        dl->AddRectFilled({x, y + 6 * t.scale}, {x + 6 * t.scale, y + font_px(t.fonts.bold) * 1.1f}, t.primary);
        const Rect tr{{x + t.gap * 1.5f, y}, {x + cw, area.max.y}};
        const float h1 = draw_text(dl, t.fonts.bold, tr, points[i].first, t.text);
        const float h2 = draw_text(dl, body, {{tr.min.x, y + h1}, tr.max}, points[i].second, t.text);
        y += h1 + h2 + t.gap;
    }
}

}  // namespace fieldkiosk::kiosk::ui
