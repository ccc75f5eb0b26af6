// Index: layout, HitRegistry, text, buttons, choices, scales and faces, long list.
// (keyboard.cpp has the keyboard, keypad and text field.)
#include "kiosk/widgets/widgets.hpp"

#include "kiosk/text/text_layer.hpp"
#include "kiosk/widgets/icons.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>

namespace fieldkiosk::kiosk::ui {

// ---------------------------------------------------------------- layout

Rect inset(Rect r, float by) { return {{r.min.x + by, r.min.y + by}, {r.max.x - by, r.max.y - by}}; }
Rect cut_top(Rect& r, float h) {
    h = std::min(h, r.h());
    Rect out{r.min, {r.max.x, r.min.y + h}};
    r.min.y += h;
    return out;
}
Rect cut_bottom(Rect& r, float h) {
    h = std::min(h, r.h());
    Rect out{{r.min.x, r.max.y - h}, r.max};
    r.max.y -= h;
    return out;
}
Rect cut_left(Rect& r, float w) {
    w = std::min(w, r.w());
    Rect out{r.min, {r.min.x + w, r.max.y}};
    r.min.x += w;
    return out;
}
Rect cut_right(Rect& r, float w) {
    w = std::min(w, r.w());
    Rect out{{r.max.x - w, r.min.y}, r.max};
    r.max.x -= w;
    return out;
}
Rect centered(Rect r, float max_w) {
    if (r.w() <= max_w) return r;
    const float x = r.min.x + (r.w() - max_w) * 0.5f;
    return {{x, r.min.y}, {x + max_w, r.max.y}};
}

// ---------------------------------------------------------------- hits

std::optional<Rect> HitRegistry::find(std::string_view id) const {
    for (auto it = m_rects.rbegin(); it != m_rects.rend(); ++it)
        if (it->first == id) return it->second;
    return std::nullopt;
}
HitRegistry& hits() {
    static HitRegistry h;
    return h;
}
namespace {
bool g_blocked = false;
bool g_guarded = false;
bool g_pressed_this_frame = false;
double g_repeat_guard = 0;
std::vector<DrawnLine> g_lines;
ImGuiID g_last_choice = 0;  // the choice last pressed, and when (ImGui's clock)
double g_last_choice_at = 0;
}  // namespace
void set_blocked(bool b) { g_blocked = b; }
bool blocked() { return g_blocked; }
void set_input_guard(bool guarded) { g_guarded = guarded; }
void set_repeat_guard(double seconds) { g_repeat_guard = seconds; }
void begin_frame_state() {
    // A new ImGui context (each headless test's UiDriver) remembers no earlier press: its clock starts at 0
    // again, and the same frames as before would make a first press look like a repeat of the last context's.
    if (ImGui::GetFrameCount() <= 1) g_last_choice = 0;
    hits().clear();
    g_lines.clear();
    g_pressed_this_frame = false;
}
void keep_drawing() { g_pressed_this_frame = true; }
const std::vector<DrawnLine>& drawn_lines() { return g_lines; }
bool needs_another_frame() {
    const ImGuiIO& io = ImGui::GetIO();
    return g_pressed_this_frame || io.MouseClicked[0] || io.MouseReleased[0];
}

// ---------------------------------------------------------------- text

float font_px(const ImFont* font) { return font->FontSize * ImGui::GetIO().FontGlobalScale; }

namespace {
text::TextLayer* g_text = nullptr;
ImTextureID g_text_texture = nullptr;
std::string g_lang = "en";
text::Direction g_dir = text::Direction::LeftToRight;
std::vector<text::Quad> g_quads;  // reused: no allocation per line
bool g_mirroring = false;         // between begin_mirror() and end_mirror() of a right-to-left frame
float g_mirror_w = 0;             // the width mirrored about
ImVec2 g_real_mouse;

text::Weight weight_of(const ImFont* font) {
    const Fonts& f = theme().fonts;
    return font == f.bold || font == f.title || font == f.huge ? text::Weight::Bold : text::Weight::Regular;
}
// ImGui's atlas draws `line` exactly as before (English and the other Latin languages stay pixel for pixel)
// when it has every character and the line reads left to right.
bool imgui_draws(const ImFont* font, std::string_view line) {
    if (g_text == nullptr) return true;
    if (g_dir == text::Direction::RightToLeft) return false;
    for (std::size_t i = 0; i < line.size();) {
        if (static_cast<unsigned char>(line[i]) < 0x80) {
            ++i;
            continue;
        }
        const char32_t cp = text::next_code_point(line, i);
        if (cp > 0xFFFF || font->FindGlyphNoFallback(static_cast<ImWchar>(cp)) == nullptr) return false;
    }
    return true;
}
float line_width(const ImFont* font, std::string_view line) {
    if (imgui_draws(font, line))
        return font->CalcTextSizeA(font_px(font), FLT_MAX, 0.0f, line.data(), line.data() + line.size()).x;
    return g_text->width(line, font_px(font), weight_of(font), g_lang, g_dir);
}
// Splits `text` into lines that fit `wrap_w` (honouring '\n'), by text::wrap's rules (see wrap_text()).
std::vector<std::string_view> wrap_lines(const ImFont* font, std::string_view text, float wrap_w) {
    return text::wrap(text, g_lang, wrap_w, [font](std::string_view l) { return line_width(font, l); });
}
void add_line(ImDrawList* dl, const ImFont* font, float px, ImVec2 at, ImU32 col, std::string_view l) {
    if (imgui_draws(font, l)) {
        dl->AddText(font, px, at, col, l.data(), l.data() + l.size());
        return;
    }
    g_quads.clear();
    // Mirrored frame: lay the line out where it will appear, then emit each glyph pre-mirrored, its image
    // flipped too, so that end_mirror()'s flip puts it back the right way round.
    const float w = g_mirroring ? line_width(font, l) : 0.0f;
    g_text->quads(l, px, weight_of(font), g_lang, g_dir, g_mirroring ? g_mirror_w - at.x - w : at.x, at.y, g_quads);
    if (g_quads.empty()) return;
    dl->PushTextureID(g_text_texture);
    const int n = static_cast<int>(g_quads.size());
    dl->PrimReserve(n * 6, n * 4);
    for (const text::Quad& q : g_quads) {
        if (g_mirroring)
            dl->PrimRectUV({g_mirror_w - q.x1, q.y0}, {g_mirror_w - q.x0, q.y1}, {q.u1, q.v0}, {q.u0, q.v1}, col);
        else
            dl->PrimRectUV({q.x0, q.y0}, {q.x1, q.y1}, {q.u0, q.v0}, {q.u1, q.v1}, col);
    }
    dl->PopTextureID();
}
}  // namespace

void set_text_layer(text::TextLayer* layer, ImTextureID atlas_texture) {
    g_text = layer;
    g_text_texture = atlas_texture;
}
void set_text_language(std::string_view lang) {
    if (lang == g_lang) return;
    g_lang = lang;
    g_dir = text::direction_of(lang);
}
bool right_to_left() { return g_dir == text::Direction::RightToLeft; }

void begin_mirror() {
    ImGuiIO& io = ImGui::GetIO();
    g_mirroring = right_to_left() && g_text != nullptr;  // without the text layer no text could be mirrored back
    g_mirror_w = io.DisplaySize.x;
    g_real_mouse = io.MousePos;
    if (g_mirroring && io.MousePos.x >= 0) io.MousePos.x = g_mirror_w - io.MousePos.x;
}
void end_mirror(ImDrawList* dl) {
    if (!g_mirroring) return;
    g_mirroring = false;
    ImGui::GetIO().MousePos = g_real_mouse;
    for (ImDrawVert& v : dl->VtxBuffer) v.pos.x = g_mirror_w - v.pos.x;
    for (ImDrawCmd& c : dl->CmdBuffer)
        c.ClipRect = {g_mirror_w - c.ClipRect.z, c.ClipRect.y, g_mirror_w - c.ClipRect.x, c.ClipRect.w};
}
Rect mirrored(Rect r) {
    if (!g_mirroring) return r;
    return {{g_mirror_w - r.max.x, r.min.y}, {g_mirror_w - r.min.x, r.max.y}};
}
Rect keep_order(Rect whole, Rect part) {
    if (!g_mirroring) return part;
    return {{whole.min.x + whole.max.x - part.max.x, part.min.y}, {whole.min.x + whole.max.x - part.min.x, part.max.y}};
}

std::vector<std::string> wrap_text(const ImFont* font, std::string_view text, float wrap_w) {
    std::vector<std::string> out;
    for (auto l : wrap_lines(font, text, wrap_w)) out.emplace_back(l);
    return out;
}

ImVec2 measure(const ImFont* font, std::string_view text, float wrap_w) {
    const auto lines = wrap_lines(font, text, wrap_w);
    float w = 0;
    for (auto l : lines) w = std::max(w, line_width(font, l));
    return {w, static_cast<float>(lines.size()) * font_px(font) * 1.18f};
}

float draw_text(ImDrawList* dl, const ImFont* font, Rect r, std::string_view text, ImU32 col, Align align, bool vcenter) {
    const auto lines = wrap_lines(font, text, r.w());
    const float px = font_px(font);
    const float line_h = px * 1.18f;
    const float total = static_cast<float>(lines.size()) * line_h;
    float y = vcenter ? r.min.y + std::max(0.0f, (r.h() - total) * 0.5f) : r.min.y;
    for (auto l : lines) {
        const float w = line_width(font, l);
        float x = r.min.x;
        if (align == Align::Center) x = r.min.x + (r.w() - w) * 0.5f;
        if (align == Align::Right) x = r.max.x - w;
        add_line(dl, font, px, {std::floor(x), std::floor(y + (line_h - px) * 0.5f)}, col, l);
        if (!l.empty()) g_lines.push_back({font, px, mirrored({{x, y}, {x + w, y + line_h}}), std::string(l)});
        y += line_h;
    }
    return total;
}

const ImFont* fit_font(std::initializer_list<const ImFont*> fonts, Rect r, std::string_view text) {
    const ImFont* last = nullptr;
    for (const ImFont* f : fonts) {
        last = f;
        const ImVec2 m = measure(f, text, r.w());
        if (m.y <= r.h() && m.x <= r.w() + 0.5f) return f;
    }
    return last;
}

// ---------------------------------------------------------------- buttons

bool hit_area(std::string_view id, Rect r, bool* held) {
    if (held) *held = false;
    if (g_blocked || r.w() < 1 || r.h() < 1) return false;
    hits().record(id, mirrored(r));
    // Guarded: the item is not submitted, so a press beginning now activates nothing, and its release
    // later (guard over) presses nothing either. A press that began before the page changed had its
    // release on the old page already.
    if (g_guarded) return false;
    ImGui::SetCursorScreenPos(r.min);
    const std::string sid(id);
    const bool pressed = ImGui::InvisibleButton(sid.c_str(), {r.w(), r.h()});
    if (held) *held = ImGui::IsItemActive() && ImGui::IsItemHovered();
    if (pressed) g_pressed_this_frame = true;
    return pressed;
}

bool choice_hit(std::string_view id, Rect r, bool* held) {
    if (!hit_area(id, r, held)) return false;
    const ImGuiID gid = ImGui::GetID(std::string(id).c_str());  // the id hit_area()'s button had
    const double now = ImGui::GetTime();
    // ImGui's clock starts again with each context (begin_frame_state()): an earlier time is no repeat.
    const bool repeat = gid == g_last_choice && now >= g_last_choice_at && now - g_last_choice_at < g_repeat_guard;
    g_last_choice = gid;
    g_last_choice_at = now;  // a run of quick taps stays one tap
    return !repeat;
}

bool button(std::string_view id, Rect r, std::string_view label, Look look, bool enabled, const ImFont* font, bool* held_out) {
    const Theme& t = theme();
    bool held = false;
    const bool pressed = enabled ? hit_area(id, r, &held) : false;
    if (held_out != nullptr) *held_out = held;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImU32 bg = t.secondary, fg = t.text;
    switch (look) {
        case Look::Primary:
            bg = held ? t.primary_down : t.primary;
            fg = t.on_primary;
            break;
        case Look::Secondary:
            bg = held ? t.secondary_down : t.secondary;
            break;
        case Look::Quiet:
            bg = held ? t.secondary : t.bg;
            break;
        case Look::Danger:
            bg = held ? t.danger_down : t.error;
            fg = t.on_primary;
            break;
        case Look::Link:
            bg = held ? t.secondary : t.bg;
            fg = t.primary;
            break;
    }
    if (!enabled) {
        bg = t.disabled_bg;
        fg = t.disabled_text;
    }
    dl->AddRectFilled(r.min, r.max, bg, t.radius);
    if (look == Look::Quiet || look == Look::Secondary)
        dl->AddRect(r.min, r.max,
                    !enabled              ? t.disabled_text
                    : look == Look::Quiet ? t.border
                                          : t.outline,
                    t.radius, 0, std::max(2.0f, 2.0f * t.scale));
    if (held) dl->AddRect(r.min, r.max, t.focus, t.radius, 0, 4.0f * t.scale);
    const Rect inner = inset(r, t.gap * 0.6f);
    if (look == Look::Link) {  // regular weight, underlined, like a link on GOV.UK
        const ImFont* f = font ? font : t.fonts.body;
        const ImVec2 m = measure(f, label, inner.w());
        draw_text(dl, f, inner, label, fg, Align::Center, true);
        const float y = inner.center().y + m.y * 0.5f;
        dl->AddLine({inner.center().x - m.x * 0.5f, y}, {inner.center().x + m.x * 0.5f, y}, fg, std::max(2.0f, 2.0f * t.scale));
        return pressed;
    }
    const ImFont* f = font ? font : fit_font({t.fonts.bold, t.fonts.small}, inner, label);
    draw_text(dl, f, inner, label, fg, Align::Center, true);
    return pressed;
}

Rect choice_text_rect(Rect r) {
    const Theme& t = theme();
    const float box = std::min(44.0f * t.scale, r.h() - 2 * t.gap);
    Rect text_r = r;
    text_r.min.x = r.min.x + t.gap * 1.2f + box + t.gap;
    text_r = inset(text_r, t.gap * 0.5f);
    text_r.min.x -= t.gap * 0.5f;
    return text_r;
}

bool choice_button(std::string_view id, Rect r, std::string_view label, bool selected, bool multi, const ImFont* font,
                   std::string_view badge) {
    const Theme& t = theme();
    bool held = false;
    const bool pressed = choice_hit(id, r, &held);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float bw = std::max(2.0f, 3.0f * t.scale);
    dl->AddRectFilled(r.min, r.max, selected ? t.primary : (held ? t.secondary : t.surface), t.radius);
    dl->AddRect(r.min, r.max, selected ? t.primary_down : t.border, t.radius, 0, bw);
    if (held) dl->AddRect(r.min, r.max, t.focus, t.radius, 0, 4.0f * t.scale);
    // Indicator: a circle (one answer) or a square (several answers), filled with a tick when chosen.
    const float box = std::min(44.0f * t.scale, r.h() - 2 * t.gap);
    const ImVec2 bmin{r.min.x + t.gap * 1.2f, r.center().y - box * 0.5f};
    const ImVec2 bmax{bmin.x + box, bmin.y + box};
    const ImU32 ind_line = selected ? t.on_primary : t.border;
    if (!badge.empty()) {  // a rank's place: the number on the square's own surface, read as body text
        dl->AddRectFilled(bmin, bmax, t.surface, 6.0f * t.scale);
        dl->AddRect(bmin, bmax, ind_line, 6.0f * t.scale, 0, bw);
        draw_text(dl, t.fonts.bold, {bmin, bmax}, badge, t.text, Align::Center, true);
    } else if (multi) {
        dl->AddRectFilled(bmin, bmax, selected ? t.on_primary : t.surface, 6.0f * t.scale);
        dl->AddRect(bmin, bmax, ind_line, 6.0f * t.scale, 0, bw);
        if (selected) draw_check(dl, bmin, bmax, t.primary);
    } else {
        const ImVec2 c{(bmin.x + bmax.x) * 0.5f, (bmin.y + bmax.y) * 0.5f};
        dl->AddCircleFilled(c, box * 0.5f, selected ? t.on_primary : t.surface, 32);
        dl->AddCircle(c, box * 0.5f, ind_line, 32, bw);
        if (selected) dl->AddCircleFilled(c, box * 0.26f, t.primary, 24);
    }
    const Rect text_r = choice_text_rect(r);
    const ImFont* f = font ? font : fit_font({t.fonts.body, t.fonts.small}, text_r, label);
    if (selected && f == t.fonts.body) f = t.fonts.bold;
    draw_text(dl, f, text_r, label, selected ? t.on_primary : t.text, Align::Left, true);
    return pressed;
}

int pager(std::string_view id, Rect r, int page, int pages, std::string_view label) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const int last = std::max(0, pages - 1);
    page = std::clamp(page, 0, last);
    const float ph = std::min((r.h() - t.gap * 2) * 0.4f, t.target * 3);
    const Rect up{r.min, {r.max.x, r.min.y + ph}};
    const Rect down{{r.min.x, r.max.y - ph}, r.max};
    const std::string sid(id);
    int out = page;
    if (button(sid + ":up", up, "", Look::Secondary, page > 0)) out = page - 1;
    if (button(sid + ":down", down, "", Look::Secondary, page < last)) out = page + 1;
    const ImU32 off = t.disabled_text;
    draw_arrow(dl, up.center(), 40 * t.scale, 2, page > 0 ? t.text : off);
    draw_arrow(dl, down.center(), 40 * t.scale, 3, page < last ? t.text : off);
    draw_text(dl, t.fonts.small, {{r.min.x, up.max.y + t.gap}, {r.max.x, down.min.y - t.gap}}, label, t.text, Align::Center,
              true);
    return out;
}

// ---------------------------------------------------------------- scales and faces

std::optional<std::int64_t> scale_buttons(std::string_view id, Rect r, std::int64_t min, std::int64_t max,
                                          std::optional<std::int64_t> selected, std::string_view min_label,
                                          std::string_view max_label, bool faces) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const auto n = static_cast<int>(max - min + 1);
    const float gap = std::max(6.0f * t.scale, 4.0f);
    const float bw = (r.w() - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
    const float label_h =
        std::max(measure(t.fonts.small, min_label, r.w() * 0.45f).y, measure(t.fonts.small, max_label, r.w() * 0.45f).y);
    const float bh = std::clamp(r.h() - label_h - t.gap, t.target, t.target * (faces ? 2.2f : 1.7f));
    std::optional<std::int64_t> out;
    for (int i = 0; i < n; ++i) {
        const std::int64_t v = min + i;
        const Rect b{{r.min.x + static_cast<float>(i) * (bw + gap), r.min.y},
                     {r.min.x + static_cast<float>(i) * (bw + gap) + bw, r.min.y + bh}};
        const bool sel = selected && *selected == v;
        bool held = false;
        const std::string bid = std::string(id) + ":" + std::to_string(v);
        if (choice_hit(bid, b, &held)) out = v;
        dl->AddRectFilled(b.min, b.max, sel ? t.primary : (held ? t.secondary : t.surface), t.radius * 0.7f);
        dl->AddRect(b.min, b.max, sel ? t.primary_down : t.border, t.radius * 0.7f, 0, std::max(2.0f, 3.0f * t.scale));
        const std::string num = std::to_string(v);
        Rect num_r = b;
        if (faces) {
            const float rad = std::min(bw, bh * 0.6f) * 0.36f;
            draw_face(dl, {b.center().x, b.min.y + bh * 0.36f}, rad, n - 1 - i, n, sel ? t.on_primary : t.text,
                      sel ? t.primary : t.surface);
            num_r.min.y = b.min.y + bh * 0.62f;
        }
        draw_text(dl, t.fonts.title, num_r, num, sel ? t.on_primary : t.text, Align::Center, true);
    }
    const Rect labels{{r.min.x, r.min.y + bh + t.gap * 0.6f}, {r.max.x, r.max.y}};
    draw_text(dl, t.fonts.small, {labels.min, {labels.min.x + labels.w() * 0.45f, labels.max.y}}, min_label, t.muted,
              Align::Left);
    draw_text(dl, t.fonts.small, {{labels.max.x - labels.w() * 0.45f, labels.min.y}, labels.max}, max_label, t.muted,
              Align::Right);
    // Arrows under the ends make the direction of the scale obvious.
    return out;
}

std::optional<std::size_t> face_row(Rect r, const std::vector<std::string>& labels, const std::vector<std::string>& ids,
                                    std::optional<std::size_t> selected) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const auto n = labels.size();
    if (n == 0) return std::nullopt;
    const float gap = t.gap * 0.6f;
    const float bw = (r.w() - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
    std::optional<std::size_t> out;
    for (std::size_t i = 0; i < n; ++i) {
        const float x = r.min.x + static_cast<float>(i) * (bw + gap);
        const Rect b{{x, r.min.y}, {x + bw, r.max.y}};
        const bool sel = selected && *selected == i;
        bool held = false;
        if (choice_hit(ids[i], b, &held)) out = i;
        dl->AddRectFilled(b.min, b.max, sel ? t.primary : (held ? t.secondary : t.surface), t.radius);
        dl->AddRect(b.min, b.max, sel ? t.primary_down : t.border, t.radius, 0, std::max(2.0f, 3.0f * t.scale));
        const float rad = std::min(bw * 0.34f, b.h() * 0.2f);
        draw_face(dl, {b.center().x, b.min.y + t.gap + rad}, rad, static_cast<int>(i), static_cast<int>(n),
                  sel ? t.on_primary : t.text, sel ? t.primary : t.surface);
        Rect tr{{b.min.x + gap, b.min.y + t.gap * 2 + rad * 2}, {b.max.x - gap, b.max.y - gap}};
        const ImFont* f = fit_font({t.fonts.body, t.fonts.small}, tr, labels[i]);
        draw_text(dl, f, tr, labels[i], sel ? t.on_primary : t.text, Align::Center, true);
    }
    return out;
}

// ---------------------------------------------------------------- long list

namespace {
// The first code point of `s`, folded to an upper-case ASCII letter when it is a Latin letter.
char initial(std::string_view s) {
    if (s.empty()) return '?';
    const auto c = static_cast<unsigned char>(s[0]);
    if (c < 0x80) return static_cast<char>(std::toupper(c));
    return '#';
}
}  // namespace

LongListResult long_list(std::string_view id, Rect r, const std::vector<std::string>& labels,
                         const std::vector<std::string>& row_ids, const std::vector<bool>& selected, std::size_t first,
                         bool multi, std::string_view up_label, std::string_view down_label) {
    const Theme& t = theme();
    LongListResult out;
    const std::string sid(id);
    // The letter strip: one button per initial that has rows.
    std::vector<std::pair<char, std::size_t>> letters;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const char c = initial(labels[i]);
        if (std::none_of(letters.begin(), letters.end(), [&](const auto& l) { return l.first == c; })) letters.emplace_back(c, i);
    }
    std::sort(letters.begin(), letters.end());
    const float key = std::max(t.target, 70.0f * t.scale);
    const auto per_row = std::max<std::size_t>(1, static_cast<std::size_t>((r.w() + t.gap * 0.5f) / (key + t.gap * 0.5f)));
    const std::size_t strip_rows = (letters.size() + per_row - 1) / per_row;
    Rect strip = cut_top(r, static_cast<float>(strip_rows) * (key + t.gap * 0.5f));
    for (std::size_t i = 0; i < letters.size(); ++i) {
        const float x = strip.min.x + static_cast<float>(i % per_row) * (key + t.gap * 0.5f);
        const float y = strip.min.y + static_cast<float>(i / per_row) * (key + t.gap * 0.5f);
        const std::string label(1, letters[i].first);
        if (button(sid + ":letter:" + label, {{x, y}, {x + key, y + key}}, label, Look::Secondary, true, t.fonts.bold))
            out.scroll_to = letters[i].second;
    }
    cut_top(r, t.gap * 0.5f);
    // Rows, a page at a time, with page buttons beside them.
    const float row_h = std::max(t.target * 1.15f, 80.0f * t.scale);
    Rect pager = cut_right(r, std::max(t.target * 1.6f, 120.0f * t.scale));
    cut_right(r, t.gap);
    const auto page = std::max<std::size_t>(1, static_cast<std::size_t>((r.h() + t.gap * 0.5f) / (row_h + t.gap * 0.5f)));
    first = std::min(first, labels.size() > page ? labels.size() - page : 0);
    for (std::size_t i = first; i < labels.size() && i < first + page; ++i) {
        const float y = r.min.y + static_cast<float>(i - first) * (row_h + t.gap * 0.5f);
        if (choice_button(row_ids[i], {{r.min.x, y}, {r.max.x, y + row_h}}, labels[i], selected[i], multi)) out.tapped = i;
    }
    const float ph = (pager.h() - t.gap) * 0.5f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const bool can_up = first > 0, can_down = first + page < labels.size();
    const Rect up{pager.min, {pager.max.x, pager.min.y + ph}};
    const Rect down{{pager.min.x, pager.max.y - ph}, pager.max};
    if (button(sid + ":up", up, "", Look::Secondary, can_up)) out.scroll_to = first > page ? first - page : 0;
    if (button(sid + ":down", down, "", Look::Secondary, can_down)) out.scroll_to = first + page;
    const ImU32 on = t.text, off = t.disabled_text;
    draw_arrow(dl, {up.center().x, up.center().y - t.gap}, 36.0f * t.scale, 2, can_up ? on : off);
    draw_text(dl, t.fonts.small, {{up.min.x, up.center().y + t.gap * 0.5f}, up.max}, up_label, can_up ? on : off, Align::Center);
    draw_arrow(dl, {down.center().x, down.center().y - t.gap}, 36.0f * t.scale, 3, can_down ? on : off);
    draw_text(dl, t.fonts.small, {{down.min.x, down.center().y + t.gap * 0.5f}, down.max}, down_label, can_down ? on : off,
              Align::Center);
    return out;
}

}  // namespace fieldkiosk::kiosk::ui
