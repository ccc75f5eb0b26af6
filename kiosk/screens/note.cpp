// Note bodies (an introduction, a signpost, where to get help): paragraphs at the body size; lines that
// begin "- " drawn as a bulleted list with a hanging indent; on a signpost the first paragraph ("If you are
// in danger now, call 999.") comes first, on its own, bold, in a box. Text never shrinks to fit: a body too
// long for the screen is paged, with page buttons and "Page 1 of 2".
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk::ui {
namespace {

enum class Kind : std::uint8_t { Lead, Para, Bullet };
struct Block {
    Kind kind;
    std::string text;
};

std::vector<Block> note_blocks(std::string_view text, bool signpost) {
    std::vector<Block> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t nl = text.find('\n', at);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(at, nl - at);
        if (line.starts_with("- "))
            out.push_back({Kind::Bullet, std::string(line.substr(2))});
        else if (!line.empty())
            out.push_back({signpost && out.empty() ? Kind::Lead : Kind::Para, std::string(line)});
        at = nl + 1;
    }
    return out;
}

struct Metrics {
    float indent, box_pad, gap;
};
Metrics metrics() {
    const Theme& t = theme();
    return {font_px(t.fonts.body) * 1.3f, t.gap * 1.2f, t.gap * 0.8f};
}

float block_height(const Block& b, float w) {
    const Theme& t = theme();
    const Metrics m = metrics();
    switch (b.kind) {
        case Kind::Lead: return measure(t.fonts.title, b.text, w - m.box_pad * 2 - 8 * t.scale).y + m.box_pad * 2;
        case Kind::Bullet: return measure(t.fonts.body, b.text, w - m.indent).y;
        case Kind::Para: break;
    }
    return measure(t.fonts.body, b.text, w).y;
}

float draw_block(ImDrawList* dl, const Block& b, Rect r) {
    const Theme& t = theme();
    const Metrics m = metrics();
    switch (b.kind) {
        case Kind::Lead: {  // the emergency line: first, bold, large, in a box with a bar on its left
            const float h = block_height(b, r.w());
            dl->AddRectFilled(r.min, {r.max.x, r.min.y + h}, t.error_bg, t.radius * 0.5f);
            dl->AddRectFilled(r.min, {r.min.x + 8 * t.scale, r.min.y + h}, t.error);
            draw_text(dl, t.fonts.title, {{r.min.x + 8 * t.scale + m.box_pad, r.min.y + m.box_pad}, {r.max.x - m.box_pad, r.max.y}},
                      b.text, t.text);
            return h;
        }
        case Kind::Bullet: {
            const float px = font_px(t.fonts.body);
            dl->AddCircleFilled({r.min.x + m.indent * 0.35f, r.min.y + px * 1.18f * 0.5f}, px * 0.16f, t.text, 12);
            return draw_text(dl, t.fonts.body, {{r.min.x + m.indent, r.min.y}, r.max}, b.text, t.text);
        }
        case Kind::Para: break;
    }
    return draw_text(dl, t.fonts.body, r, b.text, t.text);
}

}  // namespace

void draw_note_body(const ViewModel& vm, Rect body) {
    const Theme& t = theme();
    const QuestionVm& q = vm.question;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const auto blocks = note_blocks(q.hint, q.appearance == core::Appearance::Signpost);
    const Metrics m = metrics();
    auto pages_for = [&](float w, float h) {
        std::vector<std::size_t> starts{0};
        float y = 0;
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            const float bh = block_height(blocks[i], w);
            if (y > 0 && y + bh > h) {
                starts.push_back(i);
                y = 0;
            }
            y += bh + m.gap;
        }
        return starts;
    };
    auto pages = pages_for(body.w(), body.h());
    Rect text = body;
    if (pages.size() > 1) {  // does not fit at the body size: page it, the page buttons on the right
        Rect pg = cut_right(text, std::max(t.target * 1.6f, 120 * t.scale));
        cut_right(text, t.gap);
        pages = pages_for(text.w(), text.h());
        ImGuiStorage* st = ImGui::GetStateStorage();
        const ImGuiID key = ImGui::GetID("note#page");
        int page = std::clamp(st->GetInt(key, 0), 0, static_cast<int>(pages.size()) - 1);
        page = pager("note", pg, page, static_cast<int>(pages.size()),
                     fill(vm.t("page_of"), {{"n", std::to_string(page + 1)}, {"total", std::to_string(pages.size())}}));
        st->SetInt(key, page);
        const std::size_t from = pages[static_cast<std::size_t>(page)];
        const std::size_t to = static_cast<std::size_t>(page) + 1 < pages.size() ? pages[static_cast<std::size_t>(page) + 1] : blocks.size();
        float y = text.min.y;
        for (std::size_t i = from; i < to; ++i) y += draw_block(dl, blocks[i], {{text.min.x, y}, text.max}) + m.gap;
        return;
    }
    float y = text.min.y;
    for (const auto& b : blocks) y += draw_block(dl, b, {{text.min.x, y}, text.max}) + m.gap;
}

}  // namespace fieldkiosk::kiosk::ui
