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

// The full notice laid out as whole lines: each block's first line ("Who we are") is a bold heading when the
// block has a body under it. Pages hold whole lines only, and a heading never ends a page.
struct NoticeLine {
    const ImFont* font;
    std::string text;
    bool heading;
};
std::vector<NoticeLine> notice_lines(std::string_view text, float width) {
    const Theme& t = theme();
    std::vector<NoticeLine> out;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find("\n\n", at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view block = text.substr(at, end - at);
        const std::size_t nl = block.find('\n');
        if (!out.empty()) out.push_back({t.fonts.body, "", false});  // the blank between blocks
        if (nl != std::string_view::npos) {
            for (const auto& l : wrap_text(t.fonts.bold, block.substr(0, nl), width)) out.push_back({t.fonts.bold, l, true});
            block.remove_prefix(nl + 1);
        }
        for (const auto& l : wrap_text(t.fonts.body, block, width)) out.push_back({t.fonts.body, l, false});
        at = end + 2;
    }
    return out;
}
// The first line of each page, for pages `page_h` tall.
std::vector<std::size_t> notice_pages(const std::vector<NoticeLine>& lines, float page_h) {
    std::vector<std::size_t> starts{0};
    float y = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const float h = font_px(lines[i].font) * 1.18f;
        const bool heading_last = lines[i].heading && i + 1 < lines.size() && !lines[i + 1].heading &&
                                  y + h + font_px(lines[i + 1].font) * 1.18f > page_h;
        if ((y + h > page_h || heading_last) && i > starts.back()) {
            starts.push_back(i);
            y = 0;
        }
        if (y == 0 && lines[i].text.empty() && i == starts.back() && i > 0) continue;  // no blank at a page's top
        y += h;
    }
    return starts;
}

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
    // Page buttons on the right, "Page 1 of 3" between them; the page is UI-only state.
    Rect pager = cut_right(area, std::max(t.target * 1.6f, 120 * t.scale));
    cut_right(area, t.gap);
    const auto lines = notice_lines(text, area.w());
    const auto pages = notice_pages(lines, area.h());
    ImGuiStorage* st = ImGui::GetStateStorage();
    const ImGuiID key = ImGui::GetID("privacy#page");
    int page = std::clamp(st->GetInt(key, 0), 0, static_cast<int>(pages.size()) - 1);
    const int last = static_cast<int>(pages.size()) - 1;
    page = ui::pager("privacy", pager, page, last + 1,
                     fill(vm.t("page_of"), {{"n", std::to_string(page + 1)}, {"total", std::to_string(pages.size())}}));
    st->SetInt(key, page);
    const std::size_t from = pages[static_cast<std::size_t>(page)];
    const std::size_t to = page < last ? pages[static_cast<std::size_t>(page) + 1] : lines.size();
    float y = area.min.y;
    for (std::size_t i = from; i < to; ++i) {
        if (i == from && lines[i].text.empty()) continue;
        y += draw_text(dl, lines[i].font, {{area.min.x, y}, {area.max.x, area.max.y}}, lines[i].text, t.text);
        if (lines[i].text.empty()) y += font_px(lines[i].font) * 1.18f;
    }
    if (button("privacy:close", centered(nav, 800 * t.scale), vm.t("privacy_close"), Look::Primary))
        out.push_back(act::ShowFullPrivacy{false});
}

// Start / No thanks at the bottom of `area`, Back and the full notice just above them.
void consent_nav(const ViewModel& vm, Rect& area, ActionQueue& out) {
    const Theme& t = theme();
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

    consent_nav(vm, area, out);

    // The points, in one column (portrait) or two (landscape), each a bold lead and a short sentence, at the
    // body size: when they do not fit (longer languages, a small tablet), they are paged, never shrunk. In
    // landscape a third column comes before a second page, while a column stays wide enough to read (about 30
    // characters): a point left alone on page 2 ("It is your choice": the age limit, skip or stop) was easy to
    // miss before Start.
    int cols = portrait(screen) ? 1 : 2;
    std::vector<std::pair<std::string, std::string>> points;
    for (const char* k : k_points) points.emplace_back(vm.t(std::string(k) + "_h"), fill(vm.t(k), {{"org", vm.organisation}}));
    auto layout = [&](Rect a) {  // the first point of each column, columns filled in order
        const float cw = (a.w() - t.pad * static_cast<float>(cols - 1)) / static_cast<float>(cols);
        std::vector<std::size_t> col_starts{0};
        float y = 0;
        for (std::size_t i = 0; i < points.size(); ++i) {
            const float ph = measure(t.fonts.bold, points[i].first, cw - t.gap * 1.5f).y +
                             measure(t.fonts.body, points[i].second, cw - t.gap * 1.5f).y + t.gap;
            if (y > 0 && y + ph > a.h()) {
                col_starts.push_back(i);
                y = 0;
            }
            y += ph;
        }
        return col_starts;
    };
    auto col_starts = layout(area);
    if (cols == 2 && col_starts.size() > 2 && (area.w() - t.pad * 2) / 3 >= font_px(t.fonts.body) * 15) {
        cols = 3;
        col_starts = layout(area);
    }
    int pages = static_cast<int>((col_starts.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols));
    int page = 0;
    if (pages > 1) {
        Rect pg = cut_right(area, std::max(t.target * 1.6f, 120 * t.scale));
        cut_right(area, t.gap);
        col_starts = layout(area);
        pages = static_cast<int>((col_starts.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols));
        ImGuiStorage* st = ImGui::GetStateStorage();
        const ImGuiID key = ImGui::GetID("consent#page");
        page = std::clamp(st->GetInt(key, 0), 0, pages - 1);
        page = ui::pager("consent", pg, page, pages,
                         fill(vm.t("page_of"), {{"n", std::to_string(page + 1)}, {"total", std::to_string(pages)}}));
        st->SetInt(key, page);
    }
    const float cw = (area.w() - t.pad * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    for (int c = 0; c < cols; ++c) {
        const std::size_t col = static_cast<std::size_t>(page * cols + c);
        if (col >= col_starts.size()) break;
        const std::size_t to = col + 1 < col_starts.size() ? col_starts[col + 1] : points.size();
        const float x = area.min.x + static_cast<float>(c) * (cw + t.pad);
        float y = area.min.y;
        for (std::size_t i = col_starts[col]; i < to; ++i) {
            dl->AddRectFilled({x, y + 6 * t.scale}, {x + 6 * t.scale, y + font_px(t.fonts.bold) * 1.1f}, t.primary);
            const Rect tr{{x + t.gap * 1.5f, y}, {x + cw, area.max.y}};
            const float h1 = draw_text(dl, t.fonts.bold, tr, points[i].first, t.text);
            const float h2 = draw_text(dl, t.fonts.body, {{tr.min.x, y + h1}, tr.max}, points[i].second, t.text);
            y += h1 + h2 + t.gap;
        }
    }
}

}  // namespace fieldkiosk::kiosk::ui
