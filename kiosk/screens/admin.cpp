// Admin (staff only, English): PIN keypad with lock-out, then counts, queue depth, sync status, survey
// toggles, mode, exit. Reached by holding the top-left corner; the app decides when it unlocks.
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/widgets/icons.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk::ui {
namespace {

// A broken settings file, in a red-edged box across the top: staff must see it before anything else.
void problem_box(const std::string& text, Rect& area) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    Rect box = centered(area, std::min(area.w(), 1500 * t.scale));
    const float th = measure(t.fonts.small, text, box.w() - t.gap * 3).y;
    box.max.y = box.min.y + th + t.gap * 1.2f;
    dl->AddRectFilled(box.min, box.max, t.error_bg, t.radius * 0.5f);
    dl->AddRectFilled(box.min, {box.min.x + 8 * t.scale, box.max.y}, t.error);
    draw_text(dl, t.fonts.small, {{box.min.x + t.gap * 1.6f, box.min.y + t.gap * 0.6f}, {box.max.x - t.gap, box.max.y}}, text,
              t.error);
    cut_top(area, box.h() + t.gap);
}

void pin_pad(const ViewModel& vm, Rect area, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const AdminVm& a = vm.admin;
    if (!a.settings_problem.empty()) problem_box(a.settings_problem, area);
    area = centered(area, 640 * t.scale);
    const float h = draw_text(dl, t.fonts.title, area, vm.t(a.for_drafts ? "admin_pin_drafts_heading" : "admin_pin_heading"),
                              t.text, Align::Center);
    cut_top(area, h + t.gap);
    // One dot per digit typed: the PIN itself is never drawn.
    Rect dots = cut_top(area, t.target);
    const float dr = 14 * t.scale;
    const auto n = std::max<std::size_t>(a.pin_length, 4);
    const float total = static_cast<float>(n) * dr * 3;
    for (std::size_t i = 0; i < n; ++i) {
        const ImVec2 c{dots.center().x - total * 0.5f + dr * 1.5f + static_cast<float>(i) * dr * 3, dots.center().y};
        if (i < a.pin_length)
            dl->AddCircleFilled(c, dr, t.text, 24);
        else
            dl->AddCircle(c, dr, t.border, 24, 3 * t.scale);
    }
    std::string msg = a.message;
    if (a.locked_seconds > 0)
        msg = vm.tn("admin_locked", a.locked_seconds);
    else if (!a.pin_configured && a.settings_problem.empty())  // else the box above says why there is no PIN
        msg = vm.t("admin_no_pin");
    Rect msg_r = cut_top(area, font_px(t.fonts.small) * 2.6f);
    if (!msg.empty()) draw_text(dl, t.fonts.small, msg_r, msg, t.error, Align::Center, true);
    cut_top(area, t.gap * 0.5f);
    Rect close = cut_bottom(area, t.target * 1.3f);
    if (button("admin:close", close, vm.t("admin_close"), Look::Secondary)) out.push_back(act::AdminClose{});
    cut_bottom(area, t.gap);
    const bool live = a.locked_seconds == 0;
    const float g = t.gap * 0.6f;
    const float kw = (area.w() - g * 2) / 3;
    const float kh = std::clamp((area.h() - g * 3) / 4, t.target, t.target * 2.0f);
    static constexpr const char* k_keys[4][3] = {{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"<", "0", "OK"}};
    for (int row = 0; row < 4; ++row)
        for (int col = 0; col < 3; ++col) {
            const float x = area.min.x + static_cast<float>(col) * (kw + g);
            const float y = area.min.y + static_cast<float>(row) * (kh + g);
            const Rect k{{x, y}, {x + kw, y + kh}};
            const std::string key = k_keys[row][col];
            if (key == "<") {
                if (button("pin:backspace", k, "", Look::Secondary, live)) out.push_back(act::PinBackspace{});
                draw_backspace(dl, k.center(), std::min(k.w(), k.h()) * 0.5f, t.text);
            } else if (key == "OK") {
                if (button("pin:ok", k, vm.t("admin_ok"), Look::Primary, live)) out.push_back(act::PinSubmit{});
            } else if (button("pin:" + key, k, key, Look::Quiet, live, t.fonts.title)) {
                out.push_back(act::PinDigit{key[0]});
            }
        }
}

// Close, Sync now and Exit along the bottom of `area`.
void admin_nav(const ViewModel& vm, Rect& area, ActionQueue& out) {
    const Theme& t = theme();
    const AdminVm& a = vm.admin;
    Rect nav = cut_bottom(area, t.target * 1.4f);
    const float third = (nav.w() - t.gap * 2) / 3;
    if (button("admin:close", {nav.min, {nav.min.x + third, nav.max.y}}, vm.t("admin_close"), Look::Primary))
        out.push_back(act::AdminClose{});
    // Live only when sync is configured and running; otherwise the sync lines say why not.
    if (button("admin:sync", {{nav.min.x + third + t.gap, nav.min.y}, {nav.min.x + third * 2 + t.gap, nav.max.y}},
               a.sync_available ? std::string("Sync now") : vm.t("admin_sync_now"), Look::Secondary, a.sync_available))
        out.push_back(act::AdminSyncNow{});
    if (button("admin:exit", {{nav.max.x - third, nav.min.y}, nav.max}, vm.t("admin_exit"), Look::Danger))
        out.push_back(act::AdminExit{});
}

// Counts, sync and opening hours, down `left` (staff-only lines: English, like the counts).
void status_column(const ViewModel& vm, Rect left, const std::vector<std::string>& lines) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const AdminVm& a = vm.admin;
    // Counts.
    float h = draw_text(dl, t.fonts.bold, left, vm.t("admin_counts"), t.text);
    cut_top(left, h + t.gap * 0.5f);
    for (const auto& l : lines) {
        h = draw_text(dl, t.fonts.small, left, l, t.text);
        cut_top(left, h + t.gap * 0.4f);
    }
    // Sync (staff-only screen: English, like the counts).
    cut_top(left, t.gap);
    h = draw_text(dl, t.fonts.bold, left, "Sync", t.text);
    cut_top(left, h + t.gap * 0.5f);
    for (const auto& l : a.sync_lines) {
        const bool problem = l.starts_with("Problem:") || l.starts_with("Sync: not working");
        h = draw_text(dl, t.fonts.small, left, l, problem ? t.error : t.text);
        cut_top(left, h + t.gap * 0.4f);
    }
    // Opening hours: "Opening hours: open now, closes 17:00", then any problem with the [hours] setting.
    cut_top(left, t.gap);
    for (const auto& l : a.hours_lines) {
        h = draw_text(dl, t.fonts.small, left, l, l.starts_with("Problem:") ? t.error : t.text);
        cut_top(left, h + t.gap * 0.4f);
    }
}

// The kiosk's mode and the surveys it offers, each with its warning, down `right`.
void settings_column(const ViewModel& vm, Rect right, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const AdminVm& a = vm.admin;
    // Mode.
    float h = draw_text(dl, t.fonts.bold, right, vm.t("admin_mode"), t.text);
    cut_top(right, h + t.gap * 0.5f);
    Rect modes = cut_top(right, t.target * 1.2f);
    const float half = (modes.w() - t.gap) * 0.5f;
    if (choice_button("admin:mode:kiosk", {modes.min, {modes.min.x + half, modes.max.y}}, vm.t("admin_mode_kiosk"), !a.assisted,
                      false))
        out.push_back(act::AdminSetMode{core::Mode::Kiosk});
    if (choice_button("admin:mode:assisted", {{modes.max.x - half, modes.min.y}, modes.max}, vm.t("admin_mode_assisted"),
                      a.assisted, false))
        out.push_back(act::AdminSetMode{core::Mode::Assisted});
    cut_top(right, t.gap * 1.5f);
    // Surveys offered.
    h = draw_text(dl, t.fonts.bold, right, vm.t("admin_surveys"), t.text);
    cut_top(right, h + t.gap * 0.5f);
    // Each survey's warning under its switch (issue 16): a draft survey and unreviewed translations could be
    // switched on for residents with nothing said. Switched on, the warning turns red.
    const auto n = static_cast<float>(std::max<std::size_t>(a.surveys.size(), 1));
    const float warn_h = font_px(t.fonts.small) * 1.2f;
    const float bh = std::clamp((right.h() - (t.gap * 0.5f + warn_h) * n) / n, t.target, t.target * 1.3f);
    for (const auto& s : a.surveys) {
        Rect r = cut_top(right, bh);
        std::string label = s.title + "  (" + s.id + ")";
        if (!s.key_fingerprint.empty()) label += "  " + vm.t("admin_sealed_key") + " " + s.key_fingerprint;
        if (choice_button("admin:survey:" + s.id, r, label, s.enabled, true))
            out.push_back(act::AdminToggleSurvey{s.id});
        std::string warn;
        if (s.draft) warn = vm.t("admin_survey_draft");
        if (!s.draft_languages.empty()) {
            std::string names;
            for (const auto& l : s.draft_languages) names += (names.empty() ? "" : ", ") + l;
            warn += (warn.empty() ? "" : " ") + fill(vm.t("admin_languages_unreviewed"), {{"languages", names}});
        }
        if (!warn.empty()) {
            const Rect w = cut_top(right, warn_h);
            draw_text(dl, t.fonts.small, w, warn, s.enabled ? t.error : t.muted, Align::Left, true);
        }
        cut_top(right, t.gap * 0.5f);
    }
}

void panel(const ViewModel& vm, Rect area, bool tall, ActionQueue& out) {
    const Theme& t = theme();
    const AdminVm& a = vm.admin;
    if (!a.settings_problem.empty()) problem_box(a.settings_problem, area);
    admin_nav(vm, area, out);
    cut_bottom(area, t.gap);
    std::vector<std::string> lines = a.stats_lines;
    if (a.unsaved > 0)
        lines.insert(lines.begin(), std::to_string(a.unsaved) + " completed response(s) NOT yet saved: check the disk.");
    Rect left = area, right = area;
    if (tall) {  // counts on top, as tall as they need
        float need = measure(t.fonts.bold, vm.t("admin_counts"), area.w()).y + t.gap * 0.5f;
        for (const auto& l : lines) need += measure(t.fonts.small, l, area.w()).y + t.gap * 0.4f;
        need += t.gap + measure(t.fonts.bold, "Sync", area.w()).y + t.gap * 0.5f;
        for (const auto& l : a.sync_lines) need += measure(t.fonts.small, l, area.w()).y + t.gap * 0.4f;
        need += t.gap;
        for (const auto& l : a.hours_lines) need += measure(t.fonts.small, l, area.w()).y + t.gap * 0.4f;
        left = cut_top(right, std::min(need, area.h() * 0.45f));
        cut_top(right, t.gap * 2);
    } else {
        right = cut_right(left, area.w() * 0.48f);
        cut_right(left, t.pad);
    }
    status_column(vm, left, lines);
    settings_column(vm, right, out);
}

}  // namespace

void draw_admin(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    Rect area = screen;
    top_bar(vm, area, vm.t("admin_heading"), out, false);
    area = inset(area, t.pad);
    area.min.y -= t.pad * 0.4f;
    if (vm.admin.unlocked)
        panel(vm, area, portrait(screen), out);
    else
        pin_pad(vm, area, out);
}

// "Exit the app" sits next to "Sync now": a question first, saying what happens, with staying the easy choice.
void draw_exit_confirm(const ViewModel& vm, Rect screen, ActionQueue& out) {
    if (const auto yes = confirm_dialog(screen, {"exit", vm.t("admin_exit_heading"), vm.t("admin_exit_body"), vm.t("admin_exit_no"),
                                                 vm.t("admin_exit_yes"), Look::Danger}))
        out.push_back(act::AdminExitConfirm{*yes});
}

}  // namespace fieldkiosk::kiosk::ui
