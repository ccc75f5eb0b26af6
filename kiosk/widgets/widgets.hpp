// fieldkiosk::kiosk::ui widgets — big touch widgets drawn with ImDrawList. Each returns true (or a value)
// when pressed, and records its rectangle under a stable id in hits(), so headless tests can tap it.
//
// Index:
//   Rect, cut_*        layout arithmetic (no ImGui layout: screens place everything explicitly)
//   HitRegistry        id -> rectangle of every live widget this frame
//   blocked()          while a dialog is open, widgets underneath draw but neither react nor record
//   text               wrapped, centred text; measuring; the text layer it draws through (kiosk/text)
//   button, choice_button, scale_buttons, keyboard, keypad, long_list
#pragma once

#include "kiosk/widgets/theme.hpp"

#include <imgui.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldkiosk::kiosk::text {
class TextLayer;
}

namespace fieldkiosk::kiosk::ui {

struct Rect {
    ImVec2 min, max;
    [[nodiscard]] float w() const { return max.x - min.x; }
    [[nodiscard]] float h() const { return max.y - min.y; }
    [[nodiscard]] ImVec2 center() const { return {(min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f}; }
    [[nodiscard]] bool contains(ImVec2 p) const { return p.x >= min.x && p.y >= min.y && p.x < max.x && p.y < max.y; }
};
[[nodiscard]] Rect inset(Rect r, float by);
Rect cut_top(Rect& r, float h);  // removes and returns the top h px of r
Rect cut_bottom(Rect& r, float h);
Rect cut_left(Rect& r, float w);
Rect cut_right(Rect& r, float w);
[[nodiscard]] Rect centered(Rect r, float max_w);  // at most max_w wide, centred horizontally

class HitRegistry {
public:
    void clear() { m_rects.clear(); }
    void record(std::string_view id, Rect r) { m_rects.emplace_back(std::string(id), r); }
    [[nodiscard]] std::optional<Rect> find(std::string_view id) const;  // the last one recorded with that id
    [[nodiscard]] const std::vector<std::pair<std::string, Rect>>& all() const { return m_rects; }

private:
    std::vector<std::pair<std::string, Rect>> m_rects;
};
[[nodiscard]] HitRegistry& hits();

void set_blocked(bool blocked);  // true while a dialog covers the screen
[[nodiscard]] bool blocked();
// Double taps (docs/kiosk.md, "Double taps"). While guarded (the page changed a moment ago) widgets draw and
// record their rectangles, but a press that begins then activates nothing, so neither it nor its release
// does anything. Presses act on release inside the control they began on (ImGui's default).
void set_input_guard(bool guarded);
// The least time between two accepted presses of one choice (choice_button, choice_hit): a second press
// sooner is a double tap, not a second decision. 0: off.
void set_repeat_guard(double seconds);
// A widget was pressed this frame, or the finger went down or up: what it changed (a keyboard layer, a
// highlight) shows only on the next frame, so the main loop must draw one more (kiosk/main.cpp).
[[nodiscard]] bool needs_another_frame();
void keep_drawing();       // a widget animates while held (a repeating key): the main loop draws the next frame too
void begin_frame_state();  // draw_frame() calls it first: clears the hits and the frame's flags

// --- text ---
enum class Align : std::uint8_t { Left, Center, Right };
// Every line of text drawn this frame, as drawn (after wrapping): headless tests check sizes and breaks.
struct DrawnLine {
    const ImFont* font = nullptr;
    float px = 0;  // size drawn at
    Rect rect;     // where the line sits
    std::string text;
};
[[nodiscard]] const std::vector<DrawnLine>& drawn_lines();
// The text layer every function below measures, wraps and draws through (docs/text.md). A line ImGui's atlas can
// draw as it is (every character in it, left to right) goes through ImGui's atlas, as before; any other line is
// shaped (libraqm) and drawn as quads of `atlas_texture`, the layer's glyph atlas uploaded by kiosk/platform.
// Null (headless tests that set none): ImGui's atlas draws everything. Lines always break by the layer's rules.
void set_text_layer(text::TextLayer* layer, ImTextureID atlas_texture);
// The language text is shaped in, and its direction (draw_frame() sets it from the view model).
void set_text_language(std::string_view lang);
[[nodiscard]] bool right_to_left();
// Right-to-left screens (Arabic; docs/text.md). Screens and widgets lay out in left-to-right coordinates as
// always; draw_frame() mirrors the finished frame (x -> width - x), so Back lands on the right, Continue on the
// left and rows of choices and scales run right to left. Text is emitted pre-mirrored, so it reads correctly
// and Align::Left is the start of the line, the right; touches are mirrored back while widgets test them;
// hits() and drawn_lines() hold rectangles as they appear on the screen.
void begin_mirror();                  // draw_frame(), before the screen: mirrors the pointer when right to left
void end_mirror(ImDrawList* dl);      // after it: restores the pointer, mirrors the frame's vertices and clips
[[nodiscard]] Rect mirrored(Rect r);  // where r appears on the screen (itself when left to right)
// `part` of `whole`, placed so that on a mirrored screen it keeps its left-to-right place inside `whole`:
// the Latin keyboard and the digit keypad keep their order in Arabic.
[[nodiscard]] Rect keep_order(Rect whole, Rect part);
[[nodiscard]] float font_px(const ImFont* font);
[[nodiscard]] ImVec2 measure(const ImFont* font, std::string_view text, float wrap_w);
// The lines `text` wraps into at `wrap_w`: breaks where ICU's line break rules allow, but between words only in
// scripts that use spaces, never inside an e-mail or web address, nor between the digit groups of a phone
// number ("0303 123 1113") (text::line_breaks).
[[nodiscard]] std::vector<std::string> wrap_text(const ImFont* font, std::string_view text, float wrap_w);
// Draws `text` wrapped to r.w(), lines aligned; vertically centred in r if `vcenter`. Returns the height used.
float draw_text(ImDrawList* dl, const ImFont* font, Rect r, std::string_view text, ImU32 col, Align align = Align::Left,
                bool vcenter = false);
// The largest of `fonts` (in order, largest first) whose wrapped text fits in r; the last one otherwise.
[[nodiscard]] const ImFont* fit_font(std::initializer_list<const ImFont*> fonts, Rect r, std::string_view text);

// --- buttons ---
// Link: the least weight (a secondary way out such as "Start again"): no fill or border, regular underlined text.
enum class Look : std::uint8_t { Primary, Secondary, Quiet, Danger, Link };
// A rounded button with a centred label; `enabled` false draws it greyed and never fires.
bool button(std::string_view id, Rect r, std::string_view label, Look look = Look::Secondary, bool enabled = true,
            const ImFont* font = nullptr, bool* held = nullptr);  // *held: the finger is down on it now
// An invisible hit area (tiles and custom drawings): returns pressed; *held tells if it is down.
bool hit_area(std::string_view id, Rect r, bool* held = nullptr);
// hit_area() for an answer option: also ignores a repeat press within the repeat guard (set_repeat_guard).
bool choice_hit(std::string_view id, Rect r, bool* held = nullptr);
// A choice: radio (select one) or check box (multi), label left-aligned, selected = filled.
// `font`: use this font (a grid passes one font for all its buttons); null: the largest that fits.
bool choice_button(std::string_view id, Rect r, std::string_view label, bool selected, bool multi, const ImFont* font = nullptr,
                   std::string_view badge = {});  // badge: a rank's place ("2"), drawn in the square instead of a tick
// The inner text rectangle choice_button() uses for a button of rectangle r (to choose one font for a grid).
[[nodiscard]] Rect choice_text_rect(Rect r);
// 0–10 scales (or any min..max <= 11 points) as a row of numbered buttons with end labels below.
[[nodiscard]] std::optional<std::int64_t> scale_buttons(std::string_view id, Rect r, std::int64_t min, std::int64_t max,
                                                        std::optional<std::int64_t> selected, std::string_view min_label,
                                                        std::string_view max_label, bool faces);
// Ordered options with faces (first = happiest, last = saddest), one button each; button i records ids[i].
[[nodiscard]] std::optional<std::size_t> face_row(Rect r, const std::vector<std::string>& labels,
                                                  const std::vector<std::string>& ids, std::optional<std::size_t> selected);

// Page buttons (up above, down below, `label` such as "Page 1 of 3" between them) in r; they record
// "<id>:up" and "<id>:down". Returns the page to show: `page`, or the one a button moved to.
[[nodiscard]] int pager(std::string_view id, Rect r, int page, int pages, std::string_view label);

// --- text entry ---
struct KeyInput {
    std::string text;  // UTF-8 to append
    bool backspace = false;
};
// On-screen keyboard: letters, digits, punctuation, a layer of accented letters (es, pt, fr, so) and Shift.
[[nodiscard]] std::optional<KeyInput> keyboard(std::string_view id, Rect r, std::string_view accents_label,
                                               std::string_view letters_label, std::string_view space_label);
// Numeric keypad: 0–9, backspace, and '.' (decimal) or '-' (integer).
[[nodiscard]] std::optional<KeyInput> keypad(std::string_view id, Rect r, bool decimal);
// The field that shows what is being typed, with a caret; `placeholder` when empty.
void text_field(Rect r, std::string_view text, std::string_view placeholder, bool focused);
[[nodiscard]] float keyboard_height(float width);  // height the keyboard wants at this width

// --- long lists (wards): big rows, page buttons and a jump-to-letter strip; no dragging ---
struct LongListResult {
    std::optional<std::size_t> tapped;     // row index chosen
    std::optional<std::size_t> scroll_to;  // new first row
};
// Row i records its rectangle as row_ids[i] (e.g. "choice:kentish_town").
[[nodiscard]] LongListResult long_list(std::string_view id, Rect r, const std::vector<std::string>& labels,
                                       const std::vector<std::string>& row_ids, const std::vector<bool>& selected,
                                       std::size_t first, bool multi, std::string_view up_label, std::string_view down_label);

}  // namespace fieldkiosk::kiosk::ui
