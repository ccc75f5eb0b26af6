// Attract: the enabled surveys as large tiles (icon, title, description, minutes) and the language button.
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/widgets/icons.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk::ui {
namespace {

// The bottom line (minutes and "Start"): as tall as a touch target, taller when the resident chose larger text.
float foot_height() {
    const Theme& t = theme();
    return std::max(t.target * 0.95f, font_px(t.fonts.bold) * 1.3f);
}

// The height a tile's text needs at width `w` (title, gap, description), the title in the title font.
float text_height(const TileVm& tv, float w) {
    const Theme& t = theme();
    return measure(t.fonts.title, tv.title, w).y + t.gap * 0.5f + measure(t.fonts.small, tv.description, w).y;
}

// What a tile needs round its text, the icon band aside: margins and the bottom line.
float chrome_height() {
    const Theme& t = theme();
    return t.gap * 1.4f * 2 + foot_height() + t.gap * 0.5f;
}

// The text's height at width `w` with the title in the bold body font (what tile() falls back to).
float text_height_bold(const TileVm& tv, float w) {
    const Theme& t = theme();
    return measure(t.fonts.bold, tv.title, w).y + t.gap * 0.5f + measure(t.fonts.small, tv.description, w).y;
}

// The smallest icon band: a strip of the survey's colour, the icon left out (text before decoration).
float least_band() { return theme().gap; }

// The height a tile needs so that its description is drawn (the largest text size makes it grow).
float needed_height(const TileVm& tv, float w, bool vertical) {
    const Theme& t = theme();
    if (vertical) return least_band() + chrome_height() + text_height(tv, w - t.gap * 2.8f);
    return chrome_height() + text_height(tv, w - w * 0.2f - t.gap * 2.8f);
}

// Landscape: the icon band on top of a tile of size `w` x `h`, as tall as the text leaves room for (between the
// least band and a third of the tile). Every tile takes the least of them, so the tiles stay alike.
float landscape_band(const TileVm& tv, float w, float h) {
    const Theme& t = theme();
    const float room = h - chrome_height();
    const float band = std::min(h * 0.36f, w * 0.6f);
    const float need = text_height(tv, w - t.gap * 2.8f);
    if (room - band >= need) return band;
    if (room - least_band() >= need) return room - need;
    return std::max(least_band(), std::min(band, room - text_height_bold(tv, w - t.gap * 2.8f)));
}

void tile(const ViewModel& vm, const TileVm& tv, Rect r, bool vertical, float band_h, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    bool held = false;
    if (hit_area("tile:" + tv.survey_id, r, &held)) out.push_back(act::OpenSurvey{tv.survey_id});
    const ImU32 accent = survey_colour(tv.survey_id);
    dl->AddRectFilled({r.min.x + 4, r.min.y + 6}, {r.max.x + 4, r.max.y + 6}, IM_COL32(0, 0, 0, 0x22), t.radius * 1.5f);
    dl->AddRectFilled(r.min, r.max, held ? t.selected_bg : t.surface, t.radius * 1.5f);
    dl->AddRect(r.min, r.max, held ? t.focus : t.divider, t.radius * 1.5f, 0, (held ? 5.0f : 2.0f) * t.scale);
    Rect body = r;
    Rect icon_r;
    // The icon band gives way to the text (the largest text size): the description is never dropped for it.
    const float room = r.h() - chrome_height();
    if (vertical) {  // landscape: icon band on top (landscape_band)
        icon_r = cut_top(body, band_h);
        dl->AddRectFilled(icon_r.min, icon_r.max, accent, t.radius * 1.5f, ImDrawFlags_RoundCornersTop);
    } else {  // portrait: icon band on the left
        float band = std::min(r.h(), r.w() * 0.3f);
        if (text_height(tv, r.w() - band - t.gap * 2.8f) > room) band = std::min(band, r.w() * 0.2f);
        icon_r = cut_left(body, band);
        dl->AddRectFilled(icon_r.min, icon_r.max, accent, t.radius * 1.5f, ImDrawFlags_RoundCornersLeft);
    }
    const float s = std::min(icon_r.w(), icon_r.h()) * 0.62f;
    const ImVec2 c = icon_r.center();
    if (s >= t.target * 0.5f)  // too small to read as a picture: the strip of colour is enough
        draw_survey_icon(dl, {c.x - s * 0.5f, c.y - s * 0.5f}, {c.x + s * 0.5f, c.y + s * 0.5f}, tv.survey_id, t.on_primary);
    body = inset(body, t.gap * 1.4f);
    // Bottom line: minutes, and a "Start" call to action in the survey's colour.
    Rect foot = cut_bottom(body, foot_height());
    const float cr = font_px(t.fonts.small) * 0.45f;
    draw_clock(dl, {foot.min.x + cr, foot.center().y}, cr, t.muted);
    draw_text(dl, t.fonts.small, {{foot.min.x + cr * 2 + t.gap * 0.6f, foot.min.y}, foot.max}, vm.tn("minutes", tv.minutes),
              t.muted, Align::Left, true);
    const std::string& start = vm.t("attract_start");
    const float sw = measure(t.fonts.bold, start, 10000).x + t.target * 1.4f;
    const Rect sb{{foot.max.x - sw, foot.min.y}, foot.max};
    dl->AddRectFilled(sb.min, sb.max, accent, sb.h() * 0.5f);
    draw_text(dl, t.fonts.bold, {sb.min, {sb.max.x - t.target * 0.45f, sb.max.y}}, start, t.on_primary, Align::Center, true);
    draw_arrow(dl, {sb.max.x - t.target * 0.5f, sb.center().y}, font_px(t.fonts.small) * 0.7f, 1, t.on_primary);
    cut_bottom(body, t.gap * 0.5f);
    // The title in the title font when the description still fits under it, else in the body's bold.
    const float desc_h = measure(t.fonts.small, tv.description, body.w()).y;
    auto fits = [&](const ImFont* f) { return measure(f, tv.title, body.w()).y + t.gap * 0.5f + desc_h <= body.h(); };
    const ImFont* title_font = fits(t.fonts.title)  ? t.fonts.title
                               : fits(t.fonts.bold) ? t.fonts.bold
                                                    : fit_font({t.fonts.title, t.fonts.bold}, body, tv.title);
    const float title_h = draw_text(dl, title_font, body, tv.title, t.text);
    Rect desc = body;
    desc.min.y += title_h + t.gap * 0.5f;
    // Whole or not at all (a half sentence misleads); the tiles grow and the icon gives way first so that it fits.
    if (desc_h <= desc.h() + 0.5f) draw_text(dl, t.fonts.small, desc, tv.description, t.muted);
}

}  // namespace

void draw_attract(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    Rect area = screen;
    // No survey to offer: say plainly that the kiosk is not ready, not "Have your say / Choose a survey"
    // above an empty space, and no language button leading to an empty language page.
    top_bar(vm, area, vm.organisation, out, !vm.tiles.empty());
    area = inset(area, t.pad);
    area.min.y -= t.pad * 0.4f;
    const bool tall = portrait(screen);
    if (vm.tiles.empty() && !vm.assisted) {
        const float h = draw_text(dl, t.fonts.huge, area, vm.t("attract_not_ready"), t.text, Align::Center);
        cut_top(area, h + t.gap);
        draw_text(dl, t.fonts.body, area, vm.t("attract_none"), t.muted, Align::Center);
        return;
    }
    const float h1 = draw_text(dl, t.fonts.huge, area, vm.t("attract_heading"), t.text, tall ? Align::Left : Align::Center);
    cut_top(area, h1 + t.gap * 0.5f);
    const float h2 = draw_text(dl, t.fonts.body, area, vm.t("attract_sub"), t.muted, tall ? Align::Left : Align::Center);
    cut_top(area, h2 + t.gap * 1.5f);
    if (vm.assisted) {
        Rect b = cut_bottom(area, t.target * 1.3f);
        if (button("drafts:open", centered(b, 900 * t.scale),
                   fill(vm.t("drafts_button"), {{"n", std::to_string(vm.drafts_count)}}), Look::Secondary))
            out.push_back(act::OpenDrafts{});
        cut_bottom(area, t.gap);
    }
    // The footer takes the lines it needs (one in landscape), not two always: the room is the tiles'.
    const std::string footer = fill(vm.t("attract_footer"), {{"org", vm.organisation}});
    Rect foot = cut_bottom(area, std::min(font_px(t.fonts.small) * 2.6f, measure(t.fonts.small, footer, area.w()).y + t.gap));
    draw_text(dl, t.fonts.small, foot, footer, t.muted, Align::Center, true);
    if (vm.tiles.empty()) {
        draw_text(dl, t.fonts.title, area, vm.t("attract_none"), t.text, Align::Center, true);
        return;
    }
    const auto n = static_cast<float>(vm.tiles.size());
    if (tall) {
        float need = 420.0f * t.scale;  // the tiles grow with the text, as far as the screen allows
        for (const auto& tv : vm.tiles) need = std::max(need, needed_height(tv, area.w(), false));
        const float th = std::min((area.h() - t.gap * 1.5f * (n - 1)) / n, need);
        for (std::size_t i = 0; i < vm.tiles.size(); ++i) {
            const float y = area.min.y + static_cast<float>(i) * (th + t.gap * 1.5f);
            tile(vm, vm.tiles[i], {{area.min.x, y}, {area.max.x, y + th}}, false, 0, out);
        }
    } else {
        const float tw = std::min((area.w() - t.gap * 1.5f * (n - 1)) / n, 640.0f * t.scale);
        const float total = tw * n + t.gap * 1.5f * (n - 1);
        const float x0 = area.min.x + (area.w() - total) * 0.5f;
        float need = 640.0f * t.scale;
        for (const auto& tv : vm.tiles) need = std::max(need, needed_height(tv, tw, true));
        const float th = std::min(area.h(), need);
        float band = th;
        for (const auto& tv : vm.tiles) band = std::min(band, landscape_band(tv, tw, th));
        for (std::size_t i = 0; i < vm.tiles.size(); ++i) {
            const float x = x0 + static_cast<float>(i) * (tw + t.gap * 1.5f);
            tile(vm, vm.tiles[i], {{x, area.min.y}, {x + tw, area.min.y + th}}, true, band, out);
        }
    }
}

}  // namespace fieldkiosk::kiosk::ui
