// fieldkiosk::kiosk actions — what a screen asks for. Screens push them into a queue during the frame;
// App::apply() performs them after the frame (never while ImGui is drawing), in order.
#pragma once

#include "core/answer.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace fieldkiosk::kiosk {

namespace act {
struct Activity {};    // any touch or key: restarts the idle timer
struct CornerHeld {};  // a finger is down on the hidden admin corner this frame
struct OpenSurvey {
    std::string survey_id;
};                       // an attract tile
struct OpenLanguage {};  // the language button (every screen)
struct ChooseLanguage {
    std::string code;
};
struct CloseLanguage {};
struct ConsentStart {};    // "Start": makes the Session
struct ConsentDecline {};  // "No thanks"
struct ShowFullPrivacy {
    bool show = true;
};
struct TapChoice {
    std::string value;
};  // select_one chooses; select_multiple toggles
struct SetScale {
    std::int64_t value = 0;
};
struct StepDate {  // a date question's stepper: `part` 0 day, 1 month, 2 year, moved by `by` (the first tap on
    int part = 0;  // a part not yet chosen sets it to today's, whatever `by` says)
    int by = 1;
};
struct TypeText {
    std::string utf8;
};  // keyboard / keypad: appends to the text being edited
struct Backspace {};
struct ClearText {};  // "Clear": empties the text being edited (a write-in, a text answer, a number)
struct ListScroll {
    std::size_t first = 0;
};               // long lists: first row shown (letter strip, page buttons)
struct Next {};  // Continue (validates; at the end, completes and saves)
struct Back {};
struct StartAgain {};  // asks for confirmation
struct StartAgainConfirm {
    bool yes = false;
};
struct StillHere {};  // "I need more time"
struct ThanksDone {};
struct RetrySave {};
struct PinDigit {
    char digit = '0';
};
struct PinBackspace {};
struct PinSubmit {};
struct AdminClose {};
struct AdminToggleSurvey {
    std::string survey_id;
};
struct AdminSetMode {
    core::Mode mode = core::Mode::Kiosk;
};
struct AdminExit {};  // asks "Exit the kiosk app?" first
struct AdminExitConfirm {
    bool yes = false;
};
struct AdminSyncNow {};  // "Sync now" on the admin panel
struct OpenDrafts {};    // assisted mode: unfinished interviews
struct ResumeDraft {
    std::string id;
};
struct DiscardDraft {
    std::string id;
};  // asks for confirmation first
struct DiscardDraftConfirm {
    bool yes = false;
};
struct CloseDrafts {};
// Read aloud (docs/read_aloud.md): the speaker button, the volume, the language screen's switch.
struct ReadAloud {};    // reads this screen: the question, then each choice with its number (again if pressed again)
struct StopReading {};  // speech stops at once
struct SetVolume {
    int level = 0;  // 1 .. ReadAloudVm::k_volume_levels
};
struct ReadEverything {
    bool on = true;  // "Read everything to me": each new screen is read by itself
};
struct Touch {};  // a finger went down anywhere but on the read-aloud controls: speech stops
// Text size and colours (docs/kiosk.md, "Accessibility"): the "Aa" button in the top bar opens a panel.
struct OpenDisplay {};
struct CloseDisplay {};  // "Done"
struct SetTextSize {
    int step = 0;  // 0 standard, 1 larger, 2 largest (DisplayVm::k_text_sizes): a size, not a step up, so a
};                 // double tap chooses it once
struct SetHighContrast {
    bool on = true;
};
}  // namespace act

using Action =
    std::variant<act::Activity, act::CornerHeld, act::OpenSurvey, act::OpenLanguage, act::ChooseLanguage, act::CloseLanguage,
                 act::ConsentStart, act::ConsentDecline, act::ShowFullPrivacy, act::TapChoice, act::SetScale, act::TypeText,
                 act::Backspace, act::ClearText, act::ListScroll, act::Next, act::Back, act::StartAgain, act::StartAgainConfirm,
                 act::StillHere, act::ThanksDone, act::RetrySave, act::PinDigit, act::PinBackspace, act::PinSubmit,
                 act::AdminClose, act::AdminToggleSurvey, act::AdminSetMode, act::AdminExit, act::AdminExitConfirm,
                 act::AdminSyncNow, act::OpenDrafts, act::ResumeDraft, act::DiscardDraft, act::DiscardDraftConfirm,
                 act::CloseDrafts, act::ReadAloud, act::StopReading, act::SetVolume, act::ReadEverything, act::Touch,
                 act::OpenDisplay, act::CloseDisplay, act::SetTextSize, act::SetHighContrast, act::StepDate>;

using ActionQueue = std::vector<Action>;

}  // namespace fieldkiosk::kiosk
