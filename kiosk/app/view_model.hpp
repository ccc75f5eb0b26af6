// fieldkiosk::kiosk view model — everything a screen draws, computed by App::view(). Screens read only
// this (never the Session), so what a resident can see is decided, and tested, in the app layer.
#pragma once

#include "core/survey.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::kiosk {

class Strings;

enum class Screen : std::uint8_t { Attract, Language, Consent, Question, Thanks, SaveFailed, Admin, Drafts, Closed };
[[nodiscard]] std::string_view to_string(Screen s);

struct TileVm {
    std::string survey_id, title, description;
    int minutes = 5;
};

struct LanguageVm {
    struct Item {
        std::string code, name;  // name: the language named in itself
        bool current = false;
        bool draft = false;  // translation awaiting review
    };
    std::vector<Item> items;
};

struct ChoiceVm {
    std::string value, label;
    bool selected = false, exclusive = false, other = false;
    int rank = 0;  // a rank question: this choice's place in the order (1 first), 0 when not placed yet
};

struct QuestionVm {
    std::string name, label, hint, survey_title;
    core::QuestionType type = core::QuestionType::Note;
    core::Appearance appearance = core::Appearance::None;
    std::vector<ChoiceVm> choices;  // a select: those its choice_filter offers now
    std::string no_choices;         // a select whose filter offers nothing: what to say instead of an empty list
    std::int64_t scale_min = 0, scale_max = 10;
    std::optional<std::int64_t> scale_value;
    std::string min_label, max_label;
    std::array<int, 3> date{};  // a date question: day, month, year as chosen so far (0: not yet)
    std::string date_month;     // that month's name in the resident's language, empty when not chosen
    std::string text;       // text answer, or the number being typed
    bool write_in = false;  // an "other" choice is selected: ask for its text
    std::string write_in_text;
    int max_length = 200;          // characters the text or write-in takes
    std::size_t typed_length = 0;  // characters typed so far (the counter in the field)
    bool limit_reached = false;    // the last key was refused: the field is full; the counter says so
    std::string error;             // validation message, in the respondent's language
    std::size_t position = 0, total = 0;
    bool can_back = false;
    std::size_t list_first = 0;  // long lists: first row shown
    bool finish = false;         // Continue here saves the response, or ends the closing notes: label it "Finish"
    bool closing = false;        // a closing note: the response is already saved (no Back, no Start again)
};

// What the sync engine last said, copied into plain fields (sync::client::SyncStatus is not included
// here: its header brings threads). kiosk/sync/sync_bridge.cpp converts one into the other.
struct SyncStatusVm {
    enum class State : std::uint8_t { Off, Starting, Idle, Syncing, UpToDate, Waiting, Failing };
    State state = State::Off;
    std::string off_reason;  // State::Off: why, in plain words ("Sync is not set up ...")
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::int64_t queued = 0;       // responses still to send
    std::int64_t quarantined = 0;  // kept aside by the server (rejected or conflicting), with its reasons
    std::string last_error;        // plain words; empty when the last attempt succeeded
    std::int64_t delivered_total = 0;
    std::string survey_error;          // survey updates: the last check's problem ("Survey updates: ..."), else empty
    std::int64_t surveys_updated = 0;  // survey files downloaded since the engine started (only grows)
};

struct AdminVm {
    bool unlocked = false;
    bool pin_configured = false;
    bool confirm_exit = false;  // "Exit the kiosk app?" over the panel
    bool for_drafts = false;    // the PIN opens the saved interviews (assisted mode), not the panel
    // The settings file could not be read: where, why, and what the kiosk uses instead (plain words).
    // Shown on the PIN pad too: staff may be locked out because of it.
    std::string settings_problem;
    std::size_t pin_length = 0;
    std::string message;                   // wrong PIN, lock-out, errors
    int locked_seconds = 0;                // > 0: keypad disabled for this long
    std::vector<std::string> stats_lines;  // per survey: today / total; queue; drop-offs
    struct SurveyToggle {
        std::string id, title;
        bool enabled = false;
        bool draft = false;                        // off in its file: not approved for residents yet
        std::vector<std::string> draft_languages;  // languages not yet reviewed ("Español", ...)
        std::string key_fingerprint;               // a sealed survey: its key's fingerprint (seal::fingerprint); empty when open
    };
    std::vector<SurveyToggle> surveys;  // made by admin_toggle()
    bool assisted = false;
    std::size_t unsaved = 0;  // completed responses waiting for a successful save
    SyncStatusVm sync;
    std::vector<std::string> sync_lines;  // the sync status in plain words, one line each
    bool sync_available = false;          // "Sync now" is live (sync configured and running)
    // "Opening hours: open now, closes 17:00" / "closed, opens Mon 09:00", then any problem with [hours].
    std::vector<std::string> hours_lines;
};

struct DraftsVm {
    struct Item {
        std::string id, survey_title;
        std::string saved_at;  // in words and local time: "Saved today at 20:41"
        std::string worker;
        std::string stopped_at;  // "Stopped at: <question>", or empty
    };
    std::vector<Item> items;
    std::string message;
    // "Delete this saved interview?" over the list: the draft asked about (empty: no question).
    std::string confirm_discard;
    std::string confirm_discard_title;  // its survey's title
};

// Read aloud (docs/read_aloud.md). Nothing here is shown when the kiosk has no sound output, or the screen
// no audio in the resident's language: never a speaker button that says nothing.
struct ReadAloudVm {
    static constexpr int k_volume_levels = 5;
    static constexpr int k_default_volume = 3;
    bool available = false;         // this screen has audio: the speaker button and the volume buttons are shown
    bool can_switch = false;        // the language screen: "Read everything to me" is shown (some language has audio)
    bool everything = false;        // the switch is on: each new screen is read by itself
    bool reading = false;           // speech is playing now
    int volume = k_default_volume;  // 1 .. k_volume_levels
};

// Text size and colours, the resident's own (docs/kiosk.md, "Accessibility"): back to standard for the next one.
struct DisplayVm {
    static constexpr int k_text_sizes = 3;  // standard, larger, largest (ui::k_text_scales)
    bool available = false;                 // the "Aa" button is in the top bar (the resident's screens)
    bool panel = false;                     // the text size and colours panel is open
    int text_size = 0;                      // 0 .. k_text_sizes - 1
    bool high_contrast = false;
};

struct ViewModel {
    Screen screen = Screen::Attract;
    // Changes with every respondent: the screens put it at the root of ImGui's ID stack, so widget
    // state that ImGui keeps by ID (keyboard shift and accent layer, scroll positions) starts afresh.
    std::uint64_t respondent = 0;
    std::string lang = "en";
    const Strings* strings = nullptr;
    bool assisted = false;
    bool idle_prompt = false;  // "Are you still there?" over the current screen
    // The screen changed less than tap_guard ago: widgets draw, but a touch that begins now does nothing
    // (the second tap of a double tap). docs/kiosk.md, "Double taps".
    bool input_guard = false;
    int tap_guard_ms = 300;  // also the least time between two presses of one choice
    int idle_seconds_left = 0;
    int idle_seconds_total = 20;       // the configured countdown (the ring empties over it)
    bool confirm_start_again = false;  // "Start again?" over the question screen
    std::string language_name;         // the current language, named in itself (language button)

    std::vector<TileVm> tiles;  // attract
    std::size_t drafts_count = 0;
    LanguageVm languages;
    std::string survey_title;  // consent
    std::string organisation;  // consent: who collects
    bool full_privacy = false;
    bool privacy_full_english_only = false;  // the full notice is in English: say so in the resident's language
    QuestionVm question;
    int thanks_seconds_left = 0;
    std::string save_error;  // SaveFailed: the store's words, for staff
    AdminVm admin;
    DraftsVm drafts;
    ReadAloudVm read_aloud;
    DisplayVm display;
    std::string closed_message;  // Closed: "This kiosk opens again at 9:00 on Monday." (current language)

    // The UI text for `key` in the current language (English fallback).
    [[nodiscard]] const std::string& t(std::string_view key) const;
    // The text for a count, {n} filled, singular or plural as the language says (Strings::count).
    [[nodiscard]] std::string tn(std::string_view key, long long n) const;
};

// The admin panel's line for one survey: whether its file marks it a draft, and which languages are unreviewed.
[[nodiscard]] inline AdminVm::SurveyToggle admin_toggle(const core::Survey& s, bool enabled) {
    AdminVm::SurveyToggle t{s.id, s.title.get("en"), enabled, !s.enabled, {}};
    for (const auto& l : s.languages)
        if (l.status == core::LanguageStatus::Draft) t.draft_languages.push_back(l.name);
    return t;
}

}  // namespace fieldkiosk::kiosk
