// The frame: one borderless full-screen window, the current screen, dialogs on top, and the two inputs
// every screen shares (any touch = activity; a finger held on the top-left corner = admin gesture).
#include "kiosk/screens/screens.hpp"
#include "kiosk/widgets/icons.hpp"

#include <algorithm>
#include <string>

namespace fieldkiosk::kiosk::ui {

bool portrait(Rect screen) { return screen.h() > screen.w(); }

namespace {
constexpr std::string_view k_read_prefix = "read:";  // the read-aloud controls' hit ids
}  // namespace

namespace {
std::string utf8_of(unsigned c) {  // ImWchar is 16-bit in Debian's build: at most three bytes
    std::string s;
    if (c < 0x80) {
        s += static_cast<char>(c);
    } else if (c < 0x800) {
        s += static_cast<char>(0xC0u | (c >> 6));
        s += static_cast<char>(0x80u | (c & 0x3Fu));
    } else {
        s += static_cast<char>(0xE0u | (c >> 12));
        s += static_cast<char>(0x80u | ((c >> 6) & 0x3Fu));
        s += static_cast<char>(0x80u | (c & 0x3Fu));
    }
    return s;
}
}  // namespace

ImU32 survey_colour(std::string_view id) {
    if (theme().high_contrast) return theme().primary;            // black on yellow: the survey colours are too dark for it
    if (id == "food") return IM_COL32(0x00, 0x6A, 0x39, 0xFF);    // white on it: 6.7:1
    if (id == "safety") return IM_COL32(0x1D, 0x4F, 0x91, 0xFF);  // 8.1:1
    if (id == "youth") return IM_COL32(0x6F, 0x2C, 0x91, 0xFF);   // 8.6:1
    return IM_COL32(0x3A, 0x47, 0x50, 0xFF);
}

// The speaker ("Listen", "Stop" while reading) between a quieter and a louder button, taken from the right of
// `inner`. Their ids start with k_read_prefix: a touch on them does not stop the speech (draw_frame()).
void read_aloud_controls(const ViewModel& vm, Rect& inner, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const auto& r = vm.read_aloud;
    const float icon = inner.h() * 0.62f;
    // Room for the longer label, so that "Stop" replacing "Listen" moves nothing; a fifth more, because a
    // shaped label with vowel marks (Arabic) draws wider than measure() says.
    const float lw =
        1.2f * std::max(measure(t.fonts.bold, vm.t("read_aloud"), 10000).x, measure(t.fonts.bold, vm.t("read_stop"), 10000).x);
    const float vol_w = std::max(t.target * 1.1f, inner.h());
    const Rect louder = cut_right(inner, vol_w);
    cut_right(inner, t.gap * 0.4f);
    const Rect speaker = cut_right(inner, icon + lw + t.gap * 2.2f);
    cut_right(inner, t.gap * 0.4f);
    const Rect quieter = cut_right(inner, vol_w);
    cut_right(inner, t.gap);
    if (button("read:aloud", speaker, "", r.reading ? Look::Primary : Look::Secondary))
        out.push_back(r.reading ? Action{act::StopReading{}} : Action{act::ReadAloud{}});
    const ImU32 fg = r.reading ? t.on_primary : t.text;
    draw_speaker(dl, {speaker.min.x + t.gap * 0.8f + icon * 0.5f, speaker.center().y}, icon, r.reading ? 3 : 2, fg);
    // The label sits above the level bars (marks below Arabic letters must not touch them).
    draw_text(
        dl, t.fonts.bold,
        {{speaker.min.x + t.gap * 1.4f + icon, speaker.min.y}, {speaker.max.x - t.gap * 0.4f, speaker.max.y - t.gap * 0.5f}},
        vm.t(r.reading ? "read_stop" : "read_aloud"), fg, Align::Center, true);
    const int levels = ReadAloudVm::k_volume_levels;
    if (button("read:quieter", quieter, "", Look::Secondary, r.volume > 1)) out.push_back(act::SetVolume{r.volume - 1});
    if (button("read:louder", louder, "", Look::Secondary, r.volume < levels)) out.push_back(act::SetVolume{r.volume + 1});
    const ImU32 off = t.disabled_text;  // as a disabled button's label
    draw_plus_minus(dl, quieter.center(), quieter.h() * 0.34f, false, r.volume > 1 ? t.text : off);
    draw_plus_minus(dl, louder.center(), louder.h() * 0.34f, true, r.volume < levels ? t.text : off);
    // The level: one bar per step under the speaker's label, filled up to the volume.
    const float bw = lw / static_cast<float>(levels * 2 - 1), by = speaker.max.y - t.gap * 0.3f;
    const float bx = speaker.min.x + t.gap * 1.4f + icon + (speaker.w() - t.gap * 1.8f - icon - lw) * 0.5f;
    for (int i = 0; i < levels; ++i) {
        const float x = bx + static_cast<float>(i * 2) * bw;
        dl->AddRectFilled({x, by - t.gap * 0.25f}, {x + bw, by}, i < r.volume ? fg : t.meter_off);
    }
}

namespace {
// "Aa": opens the text size and colours panel (display.cpp). Two letters, as on phones and e-readers; the
// panel itself speaks in words.
void display_button(Rect& inner, ActionQueue& out) {
    const Theme& t = theme();
    const float w = std::max(t.target * 1.4f, measure(t.fonts.bold, "Aa", 10000).x + t.gap * 1.6f);
    const Rect b = cut_right(inner, w);
    if (button("display:open", b, "Aa", Look::Secondary, true, t.fonts.bold)) out.push_back(act::OpenDisplay{});
    cut_right(inner, t.gap * 0.6f);
}
}  // namespace

void top_bar(const ViewModel& vm, Rect& area, std::string_view left, ActionQueue& out, bool language_button) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Larger text makes the bar taller: a line of button labels, or two lines of the title, with room round them
    // (at the standard size the touch target decides).
    const float line = 1.18f;
    const float bar_h = std::max(
        {t.target * 1.55f, font_px(t.fonts.bold) * line + t.gap * 1.2f, font_px(t.fonts.small) * line * 2 + t.gap * 1.2f});
    Rect bar = cut_top(area, bar_h);
    dl->AddRectFilled(bar.min, bar.max, t.surface);
    dl->AddLine({bar.min.x, bar.max.y}, {bar.max.x, bar.max.y}, t.divider, 2.0f * t.scale);
    Rect inner = inset(bar, t.gap * 0.6f);
    inner.min.x = bar.min.x + t.pad;
    inner.max.x = bar.max.x - t.pad * 0.6f;
    if (language_button) {
        const std::string label = vm.language_name;
        // The globe grows with the bar (larger text): the label keeps its room beside it.
        const float r = inner.h() * 0.24f;
        const float lw = measure(t.fonts.bold, label, 10000).x;
        const float w = std::max({lw + t.target * 1.3f, lw + t.gap * 2.6f + r * 2, t.target * 3.2f});
        const Rect b = cut_right(inner, w);
        if (button("lang:open", b, "", Look::Secondary)) out.push_back(act::OpenLanguage{});
        draw_globe(dl, {b.min.x + t.gap + r, b.center().y}, r, t.text);
        draw_text(dl, t.fonts.bold, {{b.min.x + t.gap * 1.6f + r * 2, b.min.y}, {b.max.x - t.gap * 0.5f, b.max.y}}, label, t.text,
                  Align::Center, true);
        cut_right(inner, t.gap);
    }
    if (vm.display.available) display_button(inner, out);
    if (vm.read_aloud.available) read_aloud_controls(vm, inner, out);
    const ImFont* f = fit_font({t.fonts.bold, t.fonts.small}, inner, left);
    // At a large text size in a narrow bar the controls can leave too little room: a title that cannot be shown
    // whole gives way to them rather than spill under the progress bar (the question says what it is about).
    const ImVec2 m = measure(f, left, inner.w());
    if (m.x <= inner.w() + 0.5f && m.y <= inner.h() + 0.5f) draw_text(dl, f, inner, left, t.text, Align::Left, true);
    cut_top(area, t.gap);
}

Rect dialog_card(Rect screen, float w, float h) {
    const Theme& t = theme();
    ImDrawList* wdl = ImGui::GetWindowDrawList();
    wdl->AddRectFilled(screen.min, screen.max, t.dim);
    w = std::min(w, screen.w() - t.pad * 2);
    h = std::min(h, screen.h() - t.pad * 2);
    const ImVec2 c = screen.center();
    const Rect card{{c.x - w * 0.5f, c.y - h * 0.5f}, {c.x + w * 0.5f, c.y + h * 0.5f}};
    wdl->AddRectFilled(card.min, card.max, t.surface, t.radius * 1.5f);
    return inset(card, t.pad);
}

std::optional<bool> confirm_dialog(Rect screen, const ConfirmDialog& d) {
    const Theme& t = theme();
    const float w = std::min(980 * t.scale, screen.w() - t.pad * 2);
    const float inner_w = w - t.pad * 2;
    const float button_h = t.target * 1.4f;
    const float heading_h = measure(t.fonts.title, d.heading, inner_w).y;
    const float body_h = measure(t.fonts.body, d.body, inner_w).y;
    Rect card = dialog_card(screen, w, t.pad * 2 + heading_h + t.gap + body_h + t.gap * 2 + button_h * 2 + t.gap);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    cut_top(card, draw_text(dl, t.fonts.title, card, d.heading, t.text) + t.gap);
    cut_top(card, draw_text(dl, t.fonts.body, card, d.body, t.text) + t.gap * 2);
    const Rect yes = cut_bottom(card, button_h);
    cut_bottom(card, t.gap);
    const Rect no = cut_bottom(card, button_h);
    const std::string id(d.id);
    std::optional<bool> chosen;
    if (button(id + ":no", no, d.no, Look::Primary)) chosen = false;
    if (button(id + ":yes", yes, d.yes, d.yes_look)) chosen = true;
    return chosen;
}

bool frame_needs_redraw(const ActionQueue& actions) {
    const bool acted = std::any_of(actions.begin(), actions.end(), [](const Action& a) {
        return !std::holds_alternative<act::Activity>(a) && !std::holds_alternative<act::CornerHeld>(a);
    });
    return acted || needs_another_frame();
}

namespace {

// The screen the view model is on. Under the idle prompt only the plain background: the view model holds no
// answers then (App::view()).
void draw_screen(const ViewModel& vm, Rect screen, ActionQueue& out) {
    if (vm.idle_prompt) return;
    switch (vm.screen) {
        case Screen::Attract:
            draw_attract(vm, screen, out);
            break;
        case Screen::Language:
            draw_language(vm, screen, out);
            break;
        case Screen::Consent:
            draw_consent(vm, screen, out);
            break;
        case Screen::Question:
            draw_question(vm, screen, out);
            break;
        case Screen::Thanks:
            draw_thanks(vm, screen, out);
            break;
        case Screen::SaveFailed:
            draw_save_failed(vm, screen, out);
            break;
        case Screen::Admin:
            draw_admin(vm, screen, out);
            break;
        case Screen::Drafts:
            draw_drafts(vm, screen, out);
            break;
        case Screen::Closed:
            draw_closed(vm, screen, out);
            break;
    }
}

// The dialog over the screen, if one is open: the idle prompt, start again, discard a draft, exit, text size.
void draw_dialog(const ViewModel& vm, Rect screen, ActionQueue& out) {
    if (vm.idle_prompt)
        draw_idle(vm, screen, out);
    else if (vm.confirm_start_again)
        draw_start_again(vm, screen, out);
    else if (!vm.drafts.confirm_discard.empty())
        draw_discard_draft(vm, screen, out);
    else if (vm.admin.confirm_exit)
        draw_exit_confirm(vm, screen, out);
    else if (vm.display.panel)
        draw_display_panel(vm, screen, out);
}

// What the widgets do not see: a physical keyboard, a touch that stops the speech, activity for the idle
// timer, and the hidden admin corner held down.
void read_other_input(const ViewModel& vm, ActionQueue& out) {
    const ImGuiIO& io = ImGui::GetIO();
    const Theme& t = theme();
    // A physical keyboard (an outreach worker's tablet cover) types into the question too. The queue holds
    // code points; the app takes UTF-8.
    if (vm.screen == Screen::Question && !vm.idle_prompt && !vm.confirm_start_again) {
        for (const ImWchar c : io.InputQueueCharacters) {
            if (c < 0x20) continue;
            out.emplace_back(act::TypeText{utf8_of(c)});
        }
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace))) out.emplace_back(act::Backspace{});
    }
    // Speech stops on any touch but one on the read-aloud controls (docs/read_aloud.md). First in the queue:
    // the finger went down before any button it lands on fires, so Continue's new page is still read.
    if (vm.read_aloud.reading && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        const ImVec2 p = io.MousePos;
        const bool on_controls = std::ranges::any_of(
            hits().all(), [&](const auto& h) { return h.first.starts_with(k_read_prefix) && h.second.contains(p); });
        if (!on_controls) out.insert(out.begin(), act::Touch{});
    }
    const bool key_down = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace));
    if (io.MouseDown[0] || ImGui::IsMouseReleased(ImGuiMouseButton_Left) || io.InputQueueCharacters.Size > 0 || key_down)
        out.emplace_back(act::Activity{});
    const float corner = t.target * 1.5f;
    if (io.MouseDown[0] && io.MousePos.x >= 0 && io.MousePos.x < corner && io.MousePos.y >= 0 && io.MousePos.y < corner)
        out.emplace_back(act::CornerHeld{});
}

}  // namespace

ActionQueue draw_frame(const ViewModel& vm) {
    ActionQueue out;
    begin_frame_state();
    set_text_language(vm.lang);
    use_palette(vm.display.high_contrast ? high_contrast_palette() : standard_palette());
    const ImGuiIO& io = ImGui::GetIO();
    const Theme& t = theme();
    ImGui::SetNextWindowPos({0, 0});
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {0, 0});
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(t.bg));
    constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse |
                                       ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav;
    ImGui::Begin("##kiosk", nullptr, flags);
    ImGui::PushID(static_cast<int>(vm.respondent & 0x7fffffffu));
    const Rect screen{{0, 0}, io.DisplaySize};
    set_blocked(vm.idle_prompt || vm.confirm_start_again || !vm.drafts.confirm_discard.empty() || vm.admin.confirm_exit ||
                vm.display.panel);
    set_input_guard(vm.input_guard);
    set_repeat_guard(vm.tap_guard_ms / 1000.0);
    begin_mirror();  // right to left: the frame is drawn left to right and mirrored at the end
    draw_screen(vm, screen, out);
    set_blocked(false);
    draw_dialog(vm, screen, out);
    end_mirror(ImGui::GetWindowDrawList());

    read_other_input(vm, out);
    ImGui::PopID();
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(3);
    return out;
}

}  // namespace fieldkiosk::kiosk::ui
