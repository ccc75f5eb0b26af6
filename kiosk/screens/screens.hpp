// fieldkiosk::kiosk::ui screens — one file per screen. Each draws from the ViewModel and pushes actions;
// none changes any state itself. draw_frame() is the whole frame (call between ImGui::NewFrame and
// ImGui::Render); the app applies the returned actions after the frame.
#pragma once

#include "kiosk/app/actions.hpp"
#include "kiosk/app/view_model.hpp"
#include "kiosk/widgets/widgets.hpp"

#include <optional>

namespace fieldkiosk::kiosk::ui {

[[nodiscard]] ActionQueue draw_frame(const ViewModel& vm);
// Call after draw_frame(): must the main loop draw another frame at once? Yes when an action will change
// the app (the next frame shows it), and when a widget changed its own state this frame or the finger went
// down or up: a key of the keyboard fires on release, after the keys above it were drawn, so Shift or the
// accent layer would otherwise show only at the next touch. Holding a finger still asks for nothing.
[[nodiscard]] bool frame_needs_redraw(const ActionQueue& actions);

// --- shared chrome (frame.cpp) ---
// The top bar: `left` text (the hidden admin corner is under it, so it is never a button) and the language
// button on the right. Returns the area below it.
// On a resident's screen (vm.display.available) it holds the "Aa" button (hit id "display:open") beside them.
// With audio for the screen (vm.read_aloud.available) it also holds the speaker button and the volume buttons
// (hit ids "read:aloud", "read:quieter", "read:louder"), taken from the title's room so nothing else moves.
void top_bar(const ViewModel& vm, Rect& area, std::string_view left, ActionQueue& out, bool language_button = true);
// The read-aloud controls alone, from the right of `inner` (top_bar() uses them).
void read_aloud_controls(const ViewModel& vm, Rect& inner, ActionQueue& out);
// A centred card over a dimmed screen (dialogs). Returns the card's inner rectangle.
[[nodiscard]] Rect dialog_card(Rect screen, float w, float h);
// A question before something that cannot be undone: a heading, a sentence, then the easy choice (`no`, hit id
// ID:no) above the other (`yes`, ID:yes). The card is as tall as what it holds, so the buttons follow the text
// with no gap, whatever the language and text size. Returns the choice tapped this frame, if any.
struct ConfirmDialog {
    std::string_view id, heading, body, no, yes;
    Look yes_look = Look::Secondary;
};
[[nodiscard]] std::optional<bool> confirm_dialog(Rect screen, const ConfirmDialog& d);
[[nodiscard]] bool portrait(Rect screen);
[[nodiscard]] ImU32 survey_colour(std::string_view survey_id);

// --- question layout (question.cpp), for the tests ---
[[nodiscard]] float progress_bar_height();  // the progress bar under the top bar: never a hairline
[[nodiscard]] float nav_clearance();        // the space between the last answer and Back / Continue

// --- screens ---
void draw_attract(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_language(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_consent(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_question(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_note_body(const ViewModel& vm, Rect body);  // note.cpp: a note's text, as a list, paged if long
void draw_start_again(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_thanks(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_save_failed(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_idle(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_admin(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_drafts(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_discard_draft(const ViewModel& vm, Rect screen, ActionQueue& out);  // "Delete this saved interview?"
void draw_exit_confirm(const ViewModel& vm, Rect screen, ActionQueue& out);   // "Exit the kiosk app?"
// Text size and colours (display.cpp): "display:size:0" .. "display:size:2", "display:contrast", "display:close".
void draw_display_panel(const ViewModel& vm, Rect screen, ActionQueue& out);
void draw_closed(const ViewModel& vm, Rect screen, ActionQueue& out);  // no buttons: only the admin corner works

}  // namespace fieldkiosk::kiosk::ui
