// Question: one question per screen with the widget for its type, hint, validation message, progress,
// Back / Start again / Continue. Reads only the QuestionVm; every tap becomes an action.
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/widgets/icons.hpp"

#include <algorithm>
#include <cstdlib>

namespace fieldkiosk::kiosk::ui {
namespace {

using core::Appearance;
using core::QuestionType;

void push_key(const std::optional<KeyInput>& k, ActionQueue& out) {
    if (!k) return;
    if (k->backspace)
        out.push_back(act::Backspace{});
    else
        out.push_back(act::TypeText{k->text});
}

// A grid of choice buttons, every label at the body size, never smaller (issue 16): as many columns (up to
// four) as keep each button comfortably tall; a label that needs more lines makes its row taller; options
// that do not fit that way take fewer columns; when even one column does not fit, they are paged, the page
// buttons on the right ("Page 1 of 2"), the first option shown kept by the App (list_first, act::ListScroll).
struct GridLayout {
    int cols = 1;
    float col_w = 0;
    std::vector<float> row_h;  // one per row
    [[nodiscard]] float total(float gap) const {
        float s = 0;
        for (const float h : row_h) s += h;
        return s + gap * static_cast<float>(row_h.empty() ? 0 : row_h.size() - 1);
    }
};

// The height a choice button needs to show `label` whole at the body size (bold: the size a selected one
// takes, so ticking never reflows), and at least `least`.
float choice_height(std::string_view label, float w, float least) {
    const Theme& t = theme();
    const Rect sample = choice_text_rect({{0, 0}, {w, least}});
    return std::max(least, measure(t.fonts.bold, label, sample.w()).y + (least - sample.h()));
}

// Options [from, to) in `cols` columns of `area`'s width (filled down each column first).
GridLayout grid_layout(const QuestionVm& q, std::size_t from, std::size_t to, int cols, float width, float least) {
    const Theme& t = theme();
    GridLayout g;
    g.cols = cols;
    g.col_w = (width - t.gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    const std::size_t rows = (to - from + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols);
    g.row_h.assign(rows, least);
    for (std::size_t i = from; i < to; ++i) {
        float& h = g.row_h[(i - from) % rows];
        h = std::max(h, choice_height(q.choices[i].label, g.col_w, least));
    }
    return g;
}

void draw_grid(const QuestionVm& q, Rect area, const GridLayout& g, std::size_t from, std::size_t to, bool multi,
               ActionQueue& out) {
    const Theme& t = theme();
    const std::size_t rows = g.row_h.size();
    for (std::size_t i = from; i < to; ++i) {
        const std::size_t col = (i - from) / rows, row = (i - from) % rows;
        const float x = area.min.x + static_cast<float>(col) * (g.col_w + t.gap);
        float y = area.min.y;
        for (std::size_t r = 0; r < row; ++r) y += g.row_h[r] + t.gap * 0.75f;
        const auto& c = q.choices[i];
        if (choice_button("choice:" + c.value, {{x, y}, {x + g.col_w, y + g.row_h[row]}}, c.label, c.selected, multi,
                          c.selected ? t.fonts.bold : t.fonts.body, c.rank > 0 ? std::to_string(c.rank) : std::string{}))
            out.push_back(act::TapChoice{c.value});
    }
}

void choice_grid(const ViewModel& vm, Rect area, bool multi, bool wide, ActionQueue& out) {
    const Theme& t = theme();
    const QuestionVm& q = vm.question;
    const auto n = q.choices.size();
    if (n == 0) return;
    const float row_gap = t.gap * 0.75f;
    int cols = 1;
    float h = t.target;
    for (int c = 1; c <= 4; ++c) {
        const auto rows = static_cast<float>((n + static_cast<std::size_t>(c) - 1) / static_cast<std::size_t>(c));
        const float col_w = (area.w() - t.gap * static_cast<float>(c - 1)) / static_cast<float>(c);
        h = (area.h() - row_gap * (rows - 1)) / rows;
        cols = c;
        if (h >= t.target * 1.25f || col_w < 320 * t.scale) break;
    }
    if (cols == 1 && wide) area.max.x = std::min(area.max.x, area.min.x + 1300 * t.scale);  // under the question
    for (int c = cols; c >= 1; --c) {
        const auto rows = static_cast<float>((n + static_cast<std::size_t>(c) - 1) / static_cast<std::size_t>(c));
        const float least = std::clamp((area.h() - row_gap * (rows - 1)) / rows, t.target, t.target * 1.6f);
        const GridLayout g = grid_layout(q, 0, n, c, area.w(), least);
        if (g.total(row_gap) <= area.h() + 0.5f) return draw_grid(q, area, g, 0, n, multi, out);
    }
    // One column does not fit: pages of whole options, as many as fit each page.
    Rect pg = cut_right(area, std::max(t.target * 1.6f, 120.0f * t.scale));
    cut_right(area, t.gap);
    const float least = t.target * 1.15f;
    std::vector<std::size_t> starts{0};
    float y = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float ch = choice_height(q.choices[i].label, area.w(), least);
        if (i > starts.back() && y + ch > area.h()) {
            starts.push_back(i);
            y = 0;
        }
        y += ch + row_gap;
    }
    int page = 0;
    while (page + 1 < static_cast<int>(starts.size()) && starts[static_cast<std::size_t>(page) + 1] <= q.list_first) ++page;
    const int to_page = pager("choices", pg, page, static_cast<int>(starts.size()),
                              fill(vm.t("page_of"), {{"n", std::to_string(page + 1)}, {"total", std::to_string(starts.size())}}));
    if (to_page != page) out.push_back(act::ListScroll{starts[static_cast<std::size_t>(to_page)]});
    const std::size_t from = starts[static_cast<std::size_t>(page)];
    const std::size_t to = static_cast<std::size_t>(page) + 1 < starts.size() ? starts[static_cast<std::size_t>(page) + 1] : n;
    draw_grid(q, area, grid_layout(q, from, to, 1, area.w(), least), from, to, multi, out);
}

// Likert in landscape: the ordered options side by side, each a tall cell with its radio on top.
float likert_cell_w(const QuestionVm& q, Rect area) {
    const auto n = static_cast<float>(q.choices.size());
    return (area.w() - theme().gap * 0.6f * (n - 1)) / n;
}
float likert_cell_h(Rect area) { return std::min(area.h(), theme().target * 3.4f); }
// The label's place in a cell: under the radio.
Rect likert_text_rect(Rect r) {
    const Theme& t = theme();
    const float rad = 22 * t.scale;
    return {{r.min.x + t.gap * 0.5f, r.min.y + t.gap + rad * 2 + t.gap * 0.5f}, {r.max.x - t.gap * 0.5f, r.max.y - t.gap * 0.5f}};
}
// Every label fits its cell at the body size (bold, as when chosen); otherwise the options go in a grid.
bool likert_fits(const QuestionVm& q, Rect area) {
    const Rect tr = likert_text_rect({{0, 0}, {likert_cell_w(q, area), likert_cell_h(area)}});
    return std::all_of(q.choices.begin(), q.choices.end(), [&](const auto& c) {
        const ImVec2 m = measure(theme().fonts.bold, c.label, tr.w());
        return m.y <= tr.h() && m.x <= tr.w() + 0.5f;
    });
}
void likert_row(const QuestionVm& q, Rect area, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float w = likert_cell_w(q, area);
    const float h = likert_cell_h(area);
    for (std::size_t i = 0; i < q.choices.size(); ++i) {
        const auto& c = q.choices[i];
        const float x = area.min.x + static_cast<float>(i) * (w + t.gap * 0.6f);
        const Rect r{{x, area.min.y}, {x + w, area.min.y + h}};
        bool held = false;
        if (choice_hit("choice:" + c.value, r, &held)) out.push_back(act::TapChoice{c.value});
        dl->AddRectFilled(r.min, r.max, c.selected ? t.primary : (held ? t.secondary : t.surface), t.radius);
        dl->AddRect(r.min, r.max, c.selected ? t.primary_down : t.border, t.radius, 0, std::max(2.0f, 3.0f * t.scale));
        const float rad = 22 * t.scale;
        const ImVec2 rc{r.center().x, r.min.y + t.gap + rad};
        dl->AddCircleFilled(rc, rad, t.surface, 32);
        dl->AddCircle(rc, rad, c.selected ? t.on_primary : t.border, 32, std::max(2.0f, 3.0f * t.scale));
        if (c.selected) dl->AddCircleFilled(rc, rad * 0.52f, t.primary, 24);
        const Rect tr = likert_text_rect(r);
        const ImFont* f = c.selected ? t.fonts.bold : t.fonts.body;  // likert_fits() checked it fits
        draw_text(dl, f, tr, c.label, c.selected ? t.on_primary : t.text, Align::Center, true);
    }
}

// The write-in or text answer: label and counter, field, keyboard. `open` false draws only the label and an
// empty field, greyed, in the place the write-in will take (a question with an "other" choice reserves it).
void text_entry(const ViewModel& vm, Rect area, std::string_view text, std::string_view label, ActionQueue& out,
                bool open = true) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const QuestionVm& q = vm.question;
    // A counter ("142 of 200 characters") at the right of the label's line, or, with no label (a text
    // question, whose screen has no height to spare), in the field's bottom corner. It says when the field
    // is full, instead of keys silently doing nothing at the limit.
    Rect line = label.empty() ? Rect{area.min, area.min} : cut_top(area, font_px(t.fonts.bold) * 1.25f);
    if (!label.empty()) cut_top(area, t.gap * 0.4f);
    std::string counter;
    if (open && (q.limit_reached || q.typed_length > 0))
        counter = fill(vm.t(q.limit_reached ? "chars_full" : "chars_count"),
                       {{"n", std::to_string(q.typed_length)}, {"max", std::to_string(q.max_length)}});
    const float cw = counter.empty() ? 0.0f : measure(t.fonts.small, counter, 100000).x;
    if (!label.empty())
        draw_text(dl, t.fonts.bold, {line.min, {line.max.x - cw - t.gap, line.max.y}}, label, open ? t.text : t.disabled_text,
                  Align::Left, true);
    if (!counter.empty() && !label.empty())
        draw_text(dl, t.fonts.small, {{line.max.x - cw, line.min.y}, line.max}, counter, q.limit_reached ? t.error : t.muted,
                  Align::Left, true);
    // The field, then the keyboard right under it. The field's height never depends on the text: one that
    // grew when the answer reached a second line pushed the keyboard ~65 px down under the fingers, and the
    // next taps hit the row above (issue 16 item 4). A long answer scrolls inside it (text_field shows the end).
    // "Clear" and "Hide keyboard" / "Show keyboard" (issue 16): beside the field when the area is wide, else in
    // a row under it. Their place is fixed, so neither the text nor hiding the keyboard moves anything.
    const float toggle_w = std::max(t.target * 3.2f, measure(t.fonts.bold, vm.t("keyboard_show"), 10000).x + t.gap * 3);
    const float clear_w = std::max(t.target * 2.4f, measure(t.fonts.bold, vm.t("clear_text"), 10000).x + t.gap * 3);
    const bool beside = area.w() > (toggle_w + clear_w) * 2.5f;
    const float row_h = beside ? 0.0f : t.target;
    const float kh = std::min(keyboard_height(area.w()), area.h() - t.target * 1.3f - row_h - t.gap * (beside ? 1 : 2));
    const float fh = std::clamp(area.h() - kh - row_h - t.gap * (beside ? 1 : 2), t.target * 1.3f, t.target * 2.6f);
    Rect field = cut_top(area, fh);
    Rect row = field;
    if (beside) {
        row = cut_right(field, toggle_w + clear_w + t.gap);
        cut_right(field, t.gap);
        row = {{row.min.x, row.max.y - t.target}, row.max};
        cut_top(area, t.gap);
    } else {
        cut_top(area, t.gap * 0.5f);
        row = cut_top(area, row_h);
        cut_top(area, t.gap * 0.5f);
    }
    Rect kb = cut_top(area, kh);
    if (!open) {  // drawn as a control that is off (as a disabled button), not as an empty field waiting for a tap
        dl->AddRectFilled(field.min, field.max, t.disabled_bg, t.radius * 0.6f);
        dl->AddRect(field.min, field.max, t.disabled_text, t.radius * 0.6f, 0, std::max(1.0f, 1.5f * t.scale));
        return;
    }
    // The keyboard has Latin letters only: in a language written in another script (the strings file's
    // "script" is not "Latn"), the empty field says so in the resident's language instead of "Type here".
    text_field(field, text, vm.t(vm.t("script") == "Latn" ? "type_here" : "write_in_latin_only"), true);
    ImGuiStorage* st = ImGui::GetStateStorage();
    const ImGuiID hidden_key = ImGui::GetID("kb#hidden");
    bool hidden = st->GetBool(hidden_key, false);
    const Rect toggle = cut_right(row, std::min(row.w() * 0.55f, toggle_w));
    cut_right(row, t.gap);
    const Rect clear = cut_right(row, std::min(row.w(), clear_w));
    if (button("text:clear", clear, vm.t("clear_text"), Look::Secondary, !text.empty())) out.push_back(act::ClearText{});
    if (button("kb:toggle", toggle, vm.t(hidden ? "keyboard_show" : "keyboard_hide"), Look::Secondary)) {
        hidden = !hidden;
        st->SetBool(hidden_key, hidden);
    }
    if (hidden) return;  // the keyboard's place stays empty: nothing else moves into it
    if (!counter.empty() && label.empty()) {
        const float ch = font_px(t.fonts.small) * 1.3f;
        const Rect c{{field.max.x - cw - t.gap * 1.5f, field.max.y - ch - 4 * t.scale},
                     {field.max.x - 4 * t.scale, field.max.y - 4 * t.scale}};
        dl->AddRectFilled(c.min, c.max, t.surface);
        draw_text(dl, t.fonts.small, {{c.min.x + t.gap * 0.5f, c.min.y}, c.max}, counter, q.limit_reached ? t.error : t.muted,
                  Align::Left, true);
    }
    push_key(keyboard("kb", kb, vm.t("keyboard_accents"), vm.t("keyboard_letters"), vm.t("keyboard_space")), out);
}

// Back, Start again and Continue (or Finish) along the bottom of `area`, with a clear space above them.
void question_nav(const ViewModel& vm, Rect& area, ActionQueue& out) {
    const Theme& t = theme();
    const QuestionVm& q = vm.question;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    Rect nav = cut_bottom(area, t.target * 1.5f);
    // A clear space above the navigation: "Prefer not to say" 16 px above Back was one mis-tap away (issue 16).
    cut_bottom(area, nav_clearance());
    const float nav_w = nav.w();
    const Rect back{nav.min, {nav.min.x + nav_w * 0.24f, nav.max.y}};
    const Rect again{{back.max.x + t.gap, nav.min.y}, {back.max.x + t.gap + nav_w * 0.3f, nav.max.y}};
    const Rect next{{nav.max.x - nav_w * 0.4f, nav.min.y}, nav.max};
    if (button("nav:back", back, vm.t("back"), Look::Secondary, q.can_back)) out.push_back(act::Back{});
    // Start again weighs less than Back (issue 16): a link, not a button that looks like Back.
    // Not on a closing note: the response is saved, and "Start again" there would read as "throw it away".
    if (!q.closing && button("nav:start_again", again, vm.t("start_again"), Look::Link)) out.push_back(act::StartAgain{});
    const bool last = q.finish;
    if (button("nav:next", next, "", Look::Primary)) out.push_back(act::Next{});
    {
        const std::string& label = last ? vm.t("finish") : vm.t("continue");
        const float lw = measure(t.fonts.bold, label, 10000).x;
        const float aw = font_px(t.fonts.bold) * 0.7f;
        const float x0 = next.center().x - (lw + aw + t.gap) * 0.5f;
        draw_text(dl, t.fonts.bold, {{x0, next.min.y}, {x0 + lw + 2, next.max.y}}, label, t.on_primary, Align::Left, true);
        draw_arrow(dl, {x0 + lw + t.gap + aw * 0.5f, next.center().y}, aw, 1, t.on_primary);
    }

}

// "Question 3 of about 12", the question, its hint (or how to answer), and the error if any, from the top of
// `area`. A question that opens the keyboard keeps its label to a smaller share of the height.
void question_heading(const ViewModel& vm, Rect& area, const std::string& progress, bool keyboard_kind) {
    const Theme& t = theme();
    const QuestionVm& q = vm.question;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const bool is_note = q.type == QuestionType::Note;
    if (!progress.empty()) {
        const float ph = draw_text(dl, t.fonts.small, area, progress, t.muted);
        cut_top(area, ph + t.gap * 0.3f);
    }
    const ImFont* label_font = fit_font(
        {t.fonts.title, t.fonts.bold}, {area.min, {area.max.x, area.min.y + area.h() * (keyboard_kind ? 0.22f : 0.3f)}}, q.label);
    const float lh = draw_text(dl, label_font, area, q.label, t.text);
    cut_top(area, lh + t.gap * 0.5f);
    if (!q.hint.empty() && !is_note) {
        const float hh = draw_text(dl, t.fonts.small, area, q.hint, t.muted);
        cut_top(area, hh + t.gap * 0.5f);
    } else if (!is_note && q.no_choices.empty()) {  // a filter that left nothing: "No answer here fits" says it all
        std::string_view how;
        if (q.type == QuestionType::SelectMultiple)
            how = vm.t("choose_many");
        else if (q.type == QuestionType::SelectOne)
            how = vm.t("choose_one");
        if (!how.empty()) {
            const float hh = draw_text(dl, t.fonts.small, area, how, t.muted);
            cut_top(area, hh + t.gap * 0.5f);
        }
    }
    if (!q.error.empty()) {
        const float eh = measure(t.fonts.bold, q.error, area.w() - t.gap * 3).y + t.gap * 1.2f;
        Rect box = cut_top(area, eh);
        dl->AddRectFilled(box.min, box.max, t.error_bg, t.radius * 0.5f);
        dl->AddRectFilled(box.min, {box.min.x + 8 * t.scale, box.max.y}, t.error);
        draw_text(dl, t.fonts.bold, {{box.min.x + t.gap * 1.6f, box.min.y}, {box.max.x - t.gap, box.max.y}}, q.error, t.error,
                  Align::Left, true);
        cut_top(area, t.gap * 0.6f);
    }
    cut_top(area, t.gap * 0.4f);

}

// The choices of a select question: a long list, a row of faces, a likert row or a grid; the write-in's
// place kept beside or under them when the question has an "other" choice.
void select_body(const ViewModel& vm, Rect area, bool tall, bool has_other, ActionQueue& out) {
    const Theme& t = theme();
    const QuestionVm& q = vm.question;
    if (!q.no_choices.empty()) {  // a choice_filter left nothing to choose: say so, and Continue passes the question
        draw_text(ImGui::GetWindowDrawList(), t.fonts.body, area, q.no_choices, t.text, Align::Left);
        return;
    }
    const bool multi = q.type == QuestionType::SelectMultiple || q.type == QuestionType::Rank;  // rank: squares, numbered
    Rect choices = area;
    if (has_other) {  // the write-in's place is kept whether "other" is ticked or not
        Rect entry;
        if (tall) {
            entry = cut_bottom(choices, std::min(choices.h() * 0.62f, keyboard_height(choices.w()) + t.target * 3.2f));
            cut_bottom(choices, t.gap);
        } else {
            entry = cut_right(choices, choices.w() * 0.5f);
            cut_right(choices, t.gap * 2);
        }
        text_entry(vm, entry, q.write_in_text, vm.t("write_in_label"), out, q.write_in);
    }
    if (q.appearance == Appearance::LongList) {
        std::vector<std::string> labels, ids;
        std::vector<bool> sel;
        for (const auto& c : q.choices) {
            labels.push_back(c.label);
            ids.push_back("choice:" + c.value);
            sel.push_back(c.selected);
        }
        const auto r =
            long_list("list", choices, labels, ids, sel, q.list_first, multi, vm.t("list_up"), vm.t("list_down"));
        if (r.tapped) out.push_back(act::TapChoice{q.choices[*r.tapped].value});
        if (r.scroll_to) out.push_back(act::ListScroll{*r.scroll_to});
    } else if (q.appearance == Appearance::Faces && !multi) {
        std::vector<std::string> labels, ids;
        std::optional<std::size_t> sel;
        for (std::size_t i = 0; i < q.choices.size(); ++i) {
            labels.push_back(q.choices[i].label);
            ids.push_back("choice:" + q.choices[i].value);
            if (q.choices[i].selected) sel = i;
        }
        Rect row = cut_top(choices, std::min(choices.h(), t.target * 4));
        if (auto i = face_row(row, labels, ids, sel)) out.push_back(act::TapChoice{q.choices[*i].value});
    } else if (q.appearance == Appearance::Likert && !multi && !tall && !has_other && q.choices.size() <= 7 &&
               likert_fits(q, choices)) {
        likert_row(q, choices, out);
    } else {
        choice_grid(vm, choices, multi, !tall && !has_other, out);
    }
}

// A number: the field and the keypad under it, centred.
void number_body(const ViewModel& vm, Rect area, bool tall, ActionQueue& out) {
    const Theme& t = theme();
    const QuestionVm& q = vm.question;
    Rect col = centered(area, (tall ? 760 : 640) * t.scale);
    Rect field = cut_top(col, t.target * 1.5f);
    text_field(field, q.text, vm.t("number_placeholder"), true);
    cut_top(col, t.gap);
    col.max.y = std::min(col.max.y, col.min.y + t.target * (tall ? 2.0f : 1.5f) * 4 + t.gap * 3);
    push_key(keypad("keypad", col, q.type == QuestionType::Decimal), out);
}

// A date: day, month and year side by side, each a column with its name ("Day"), a button up, the chosen
// value large in a box (the month in words), a button down. The year's column has two buttons each way, one
// year and ten years ("+10"), so that a birth year is a few taps away. Nothing is typed. Each part shows
// empty until touched; the first touch of a part sets it to today's (App::on(StepDate)), the answer is set
// once all three are. Right to left, the frame's mirror puts the day at the right, as Arabic reads a date.
void date_body(const ViewModel& vm, Rect area, bool tall, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const QuestionVm& q = vm.question;
    Rect row = centered(area, std::min(area.w(), (tall ? 1000.0f : 1200.0f) * t.scale));
    const float label_h = font_px(t.fonts.bold) * 1.4f;
    const float button_h = t.target * 1.25f, value_h = t.target * 1.6f;
    row.max.y = std::min(row.max.y, row.min.y + label_h + button_h * 2 + value_h + t.gap * 3);
    const float col_w = (row.w() - t.gap * 2) / 3;
    static constexpr const char* k_parts[] = {"day", "month", "year"};
    for (int part = 0; part < 3; ++part) {
        Rect col{{row.min.x + static_cast<float>(part) * (col_w + t.gap), row.min.y},
                 {row.min.x + static_cast<float>(part) * (col_w + t.gap) + col_w, row.max.y}};
        const std::string name = k_parts[part];
        draw_text(dl, t.fonts.bold, cut_top(col, label_h), vm.t("date_" + name), t.text, Align::Center, true);
        Rect up = cut_top(col, button_h);
        cut_top(col, t.gap);
        Rect value = cut_top(col, value_h);
        cut_top(col, t.gap);
        Rect down = cut_top(col, button_h);
        const int v = q.date[static_cast<std::size_t>(part)];
        const auto stepper = [&](Rect r, int by, const char* text) {
            const std::string id = "date:" + name + ":" + (by > 0 ? "+" : "-") + std::to_string(std::abs(by));
            const bool pressed = button(id, r, text, Look::Secondary);
            if (text[0] == '\0') draw_plus_minus(dl, r.center(), r.h() * 0.3f, by > 0, t.text);
            if (pressed) out.push_back(act::StepDate{part, by});
        };
        if (part == 2) {  // the year: one year and ten years each way
            Rect up10 = cut_right(up, (up.w() - t.gap) * 0.5f);
            cut_right(up, t.gap);
            Rect down10 = cut_right(down, (down.w() - t.gap) * 0.5f);
            cut_right(down, t.gap);
            stepper(up10, 10, "+10");
            stepper(down10, -10, "-10");
        }
        stepper(up, 1, "");
        stepper(down, -1, "");
        dl->AddRectFilled(value.min, value.max, t.surface, t.radius);
        dl->AddRect(value.min, value.max, v != 0 ? t.primary : t.border, t.radius, 0, std::max(2.0f, 3.0f * t.scale));
        const std::string shown = v == 0 ? std::string{} : part == 1 ? q.date_month : std::to_string(v);
        const ImFont* f = fit_font({t.fonts.title, t.fonts.bold, t.fonts.body}, inset(value, t.gap * 0.5f), shown);
        draw_text(dl, f, inset(value, t.gap * 0.5f), shown, t.text, Align::Center, true);
    }
}

}  // namespace

float progress_bar_height() { return std::max(14.0f, 16.0f * theme().scale); }
float nav_clearance() { return std::max(theme().gap * 2.5f, theme().target * 0.6f); }

void draw_question(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    const QuestionVm& q = vm.question;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const bool tall = portrait(screen);
    Rect area = screen;
    // Per-question ImGui ids: UI-only state (keyboard layer, Shift) starts afresh on every question.
    ImGui::PushID(q.name.c_str());
    struct PopId {
        ~PopId() { ImGui::PopID(); }
    } pop_id;
    // Notes (an introduction, a signpost) are not questions: no "Question 1 of about 16" on them.
    const std::string progress =
        q.total > 0 && q.type != QuestionType::Note
            ? fill(vm.t("progress"), {{"n", std::to_string(q.position)}, {"total", std::to_string(q.total)}})
            : std::string{};
    top_bar(vm, area, q.survey_title, out);
    // Progress: a bar under the top bar, thick enough to read at arm's length, plus "Question 3 of about 12".
    if (q.total > 0) {
        const float frac = std::clamp(static_cast<float>(q.position) / static_cast<float>(q.total), 0.0f, 1.0f);
        const float y = area.min.y - t.gap;
        const float bh = progress_bar_height();
        dl->AddRectFilled({area.min.x, y}, {area.max.x, y + bh}, t.track);
        dl->AddRectFilled({area.min.x, y}, {area.min.x + area.w() * frac, y + bh}, t.primary);
    }
    area = inset(area, t.pad);
    area.min.y -= t.pad * 0.5f;

    question_nav(vm, area, out);

    // A question with an "other" choice lays out as if its write-in were open, ticked or not: ticking
    // "other" must not move the option just tapped from under the finger (issue 16 item 6).
    const bool has_other = std::ranges::any_of(q.choices, [](const ChoiceVm& c) { return c.other; });
    question_heading(vm, area, progress, q.type == QuestionType::Text || has_other);

    switch (q.type) {
        case QuestionType::Note: {
            // Intro and signpost screens: the hint is the body text, at reading size.
            Rect body = area;  // left-aligned under the heading, at a readable line length
            body.max.x = std::min(area.max.x, area.min.x + 1500 * t.scale);
            draw_note_body(vm, body);  // never shrunk: paged when long
            break;
        }
        case QuestionType::SelectOne:
        case QuestionType::SelectMultiple:
        case QuestionType::Rank: {  // rank: the grid, each placed choice showing its place (draw_grid)
            select_body(vm, area, tall, has_other, out);
            break;
        }
        case QuestionType::Scale: {
            Rect r = cut_top(area, std::min(area.h(), t.target * (q.appearance == Appearance::Faces ? 3.6f : 2.8f)));
            if (auto v = scale_buttons("scale", r, q.scale_min, q.scale_max, q.scale_value, q.min_label, q.max_label,
                                       q.appearance == Appearance::Faces))
                out.push_back(act::SetScale{*v});
            break;
        }
        case QuestionType::Text:
            text_entry(vm, area, q.text, {}, out);
            break;
        case QuestionType::Integer:
        case QuestionType::Decimal: {
            number_body(vm, area, tall, out);
            break;
        }
        case QuestionType::Date:
            date_body(vm, area, tall, out);
            break;
        case QuestionType::Acknowledge: {
            // One large tick under the question, drawn as a select_multiple's option (a square that fills with a
            // tick), wide enough for the label in any language and twice the height of a touch target.
            if (q.choices.empty()) break;
            const ChoiceVm& ok = q.choices.front();
            const float least_w = std::min(area.w(), 760 * t.scale);
            const float w = std::clamp(measure(t.fonts.bold, ok.label, area.w()).x + t.target * 2.4f, least_w, area.w());
            Rect row = cut_top(area, std::min(area.h(), t.target * 2.0f));
            row.max.x = row.min.x + w;
            if (choice_button("choice:" + ok.value, row, ok.label, ok.selected, true, ok.selected ? t.fonts.bold : t.fonts.body))
                out.push_back(act::TapChoice{ok.value});
            break;
        }
        case QuestionType::Calculate:
            break;
    }
}

void draw_start_again(const ViewModel& vm, Rect screen, ActionQueue& out) {
    // Assisted mode keeps the interview as a draft instead of clearing it: say so.
    const std::string suffix = vm.assisted ? "_assisted" : "";
    if (const auto yes = confirm_dialog(screen, {"again", vm.t("start_again_heading" + suffix), vm.t("start_again_body" + suffix),
                                                 vm.t("start_again_no"), vm.t("start_again_yes" + suffix), Look::Secondary}))
        out.push_back(act::StartAgainConfirm{*yes});
}

}  // namespace fieldkiosk::kiosk::ui
