// Drafts (assisted mode): unfinished interviews kept on this device, to resume or discard.
#include "kiosk/app/strings.hpp"
#include "kiosk/screens/screens.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk::ui {

void draw_drafts(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    Rect area = screen;
    top_bar(vm, area, vm.t("drafts_heading"), out);
    area = inset(area, t.pad);
    area.min.y -= t.pad * 0.4f;
    Rect nav = cut_bottom(area, t.target * 1.4f);
    if (button("drafts:close", {nav.min, {nav.min.x + std::max(nav.w() * 0.3f, t.target * 3), nav.max.y}}, vm.t("back"),
               Look::Secondary))
        out.push_back(act::CloseDrafts{});
    cut_bottom(area, t.gap);
    if (!vm.drafts.message.empty()) {
        const float h = draw_text(dl, t.fonts.bold, area, vm.drafts.message, t.error);
        cut_top(area, h + t.gap);
    }
    if (vm.drafts.items.empty()) {
        draw_text(dl, t.fonts.body, area, vm.t("drafts_none"), t.muted);
        return;
    }
    const float row_h = t.target * 2.2f;  // title, when it was saved (and by whom), where it stopped
    for (const auto& d : vm.drafts.items) {
        if (area.h() < row_h) break;
        Rect row = cut_top(area, row_h);
        cut_top(area, t.gap * 0.6f);
        dl->AddRectFilled(row.min, row.max, t.surface, t.radius);
        dl->AddRect(row.min, row.max, t.divider, t.radius, 0, 2 * t.scale);
        Rect inner = inset(row, t.gap * 0.6f);
        Rect discard = cut_right(inner, t.target * 3.2f);
        cut_right(inner, t.gap);
        Rect resume = cut_right(inner, t.target * 3.2f);
        cut_right(inner, t.gap);
        if (button("drafts:resume:" + d.id, resume, vm.t("drafts_resume"), Look::Primary)) out.push_back(act::ResumeDraft{d.id});
        if (button("drafts:discard:" + d.id, discard, vm.t("drafts_discard"), Look::Secondary))
            out.push_back(act::DiscardDraft{d.id});
        const float third = inner.h() / 3;
        draw_text(dl, t.fonts.bold, {inner.min, {inner.max.x, inner.min.y + third}}, d.survey_title, t.text, Align::Left, true);
        draw_text(dl, t.fonts.small, {{inner.min.x, inner.min.y + third}, {inner.max.x, inner.min.y + third * 2}},
                  d.saved_at + (d.worker.empty() ? "" : "  ·  " + d.worker), t.muted, Align::Left, true);
        if (!d.stopped_at.empty()) {
            // One line: a long question is cut with "..." rather than spilling out of the row.
            std::string stop = d.stopped_at;
            while (stop.size() > 4 && measure(t.fonts.small, stop, 100000).x > inner.w()) {
                stop.resize(stop.size() - 4);
                while (!stop.empty() && (static_cast<unsigned char>(stop.back()) & 0xC0u) == 0x80u) stop.pop_back();
                if (!stop.empty()) stop.pop_back();
                stop += "...";
            }
            draw_text(dl, t.fonts.small, {{inner.min.x, inner.min.y + third * 2}, inner.max}, stop, t.text, Align::Left, true);
        }
    }
}

// Deleting a draft deletes a resident's answers for good: a question first, with "keep" as the easy choice.
void draw_discard_draft(const ViewModel& vm, Rect screen, ActionQueue& out) {
    const std::string body = fill(vm.t("drafts_discard_body"), {{"survey", vm.drafts.confirm_discard_title}});
    if (const auto yes = confirm_dialog(screen, {"discard", vm.t("drafts_discard_heading"), body, vm.t("drafts_discard_no"),
                                                 vm.t("drafts_discard_yes"), Look::Danger}))
        out.push_back(act::DiscardDraftConfirm{*yes});
}

}  // namespace fieldkiosk::kiosk::ui
