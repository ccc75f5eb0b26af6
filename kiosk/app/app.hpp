// fieldkiosk::kiosk::App — the kiosk's screen flow as a pure state machine (no ImGui, no SDL, no threads).
// Screens emit actions; apply() performs them after the frame; tick() performs what time does (idle
// prompt, wipe, return from the thank-you screen, admin corner hold, save retries); view() computes
// what the screens draw. docs/kiosk.md has the diagram, the transition table and the invariants.
//
//   Attract ──tile──▶ Language ──▶ Consent ──Start──▶ Question(Session) ──last Continue──▶ Thanks ──time──▶ Attract
//      ▲                 (skipped if ask_language = false)      │ complete() + save_completed() ─fail─▶ SaveFailed
//      │                                                        │                                       │ retry ok
//      └──── idle (prompt + countdown) / No thanks / Start again ┘                               Thanks ◀┘
//   any screen ──hold corner 3 s──▶ Admin (PIN, then panel) ──close──▶ where it was
//   Attract ──[hours] say closed──▶ Closed ──[hours] say open──▶ Attract   (only from Attract: a respondent
//      mid-survey at closing time finishes, or idles out, first; Closed ignores every touch but the corner)
//
// Index:
//   App            construction, apply(), tick(), view(), next_wakeup(), queries for tests
//   offer_surveys()  survey updates, applied between respondents (docs/kiosk.md, "Survey updates")
//   go_to()        --goto for screenshots: puts the app on a named screen by applying actions
//   on(act::…)     one handler per action, in the file of what it serves: app_respondent.cpp (the walk),
//                  app_admin.cpp (PIN with lock-out, staff panel), app_drafts.cpp (saved interviews),
//                  app_read_aloud.cpp (read aloud), app_display.cpp (text size and colours);
//                  view() in app_view.cpp, go_to() in app_screenshots.cpp, the rest in app.cpp
//
// Not thread-safe: the UI thread owns the App.
#pragma once

#include "core/clock.hpp"
#include "core/session.hpp"
#include "kiosk/app/actions.hpp"
#include "kiosk/app/log_sink.hpp"
#include "kiosk/app/speech_port.hpp"
#include "kiosk/app/store_port.hpp"
#include "kiosk/app/strings.hpp"
#include "kiosk/app/sync_port.hpp"
#include "kiosk/app/view_model.hpp"
#include "kiosk/settings/config.hpp"
#include "kiosk/settings/opening_hours.hpp"

#include <array>
#include <chrono>
#include <deque>
#include <expected>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace fieldkiosk::kiosk {

class App {
public:
    // `surveys` is every valid survey found; which are offered follows config.enabled_surveys (or each
    // survey's own flag). `store`, `strings`, `clock`, `rng` and `log` must outlive the App.
    App(KioskConfig config, std::vector<core::SurveyPtr> surveys, StorePort& store, const Strings& strings,
        const core::Clock& clock, core::Rng& rng, LogSink& log = stderr_log());

    // Background sync (optional; must outlive the App). Without a port the admin panel says why sync is
    // off: not set up (no sync.server_url) or not built into this kiosk.
    void set_sync(SyncPort* port);
    // The newest status from the sync engine; the main loop hands it over on the UI thread.
    void set_sync_status(SyncStatusVm status);
    [[nodiscard]] const SyncStatusVm& sync_status() const { return m_sync; }

    // Survey updates: a new catalog (shipped + downloaded surveys; several versions of one id allowed, the
    // newest by core::compare_versions is offered, older ones stay only to resume assisted-mode drafts).
    // It takes effect only when no respondent is mid-survey: at once if none is, else as soon as the
    // respondent finishes, times out or leaves (tick() applies it). A walk in progress keeps the version
    // it started with: its Session holds its own SurveyPtr. Survey ids already known keep the admin's
    // on/off choice; new ids follow config.enabled_surveys, else the survey's own flag. An offer with the
    // same ids and versions as now is ignored (returns false); otherwise returns true.
    bool offer_surveys(std::vector<core::SurveyPtr> surveys);
    [[nodiscard]] bool surveys_pending() const { return m_pending_surveys.has_value(); }
    [[nodiscard]] const std::vector<core::SurveyPtr>& surveys() const { return m_surveys; }  // offered: newest per id

    void apply(const Action& action);      // one transition (docs/kiosk.md, "Transitions")
    void apply_all(ActionQueue& actions);  // in order, then clears the queue
    void tick();                           // time-driven transitions; call once per frame, after apply_all
    // The process is ending (SIGTERM from a restart, SDL_QUIT, Exit on the panel): a walk in progress is
    // recorded as the idle time-out would (drop-off, or a draft in assisted mode) and wiped, and unsaved
    // responses get one more try. Call once, after the main loop.
    void shutdown();
    [[nodiscard]] ViewModel view() const;  // what the screens draw now
    // How long the main loop may sleep before tick() has something to do (countdowns redraw every second).
    [[nodiscard]] std::chrono::milliseconds next_wakeup() const;
    // Read aloud (docs/read_aloud.md; app_read_aloud.cpp). `port` plays the audio (null, the default: no sound
    // output, so no speaker button); audio is looked up with core::find_audio: recorded files under
    // `assets`/audio first, then `generated_root` (what `fieldkiosk-ctl voice` wrote). `port` must outlive the App.
    void set_speech(SpeechPort* port, std::filesystem::path assets, std::filesystem::path generated_root);
    // The files the speaker button would play on this screen now, in order (empty: no button).
    [[nodiscard]] std::vector<std::filesystem::path> page_audio() const;
    [[nodiscard]] bool read_everything() const { return m_read_everything; }
    [[nodiscard]] int volume_level() const { return m_volume; }
    // Text size and colours (app_display.cpp): the resident's choice, standard again for the next one.
    [[nodiscard]] int text_size() const { return m_text_size; }
    [[nodiscard]] bool high_contrast() const { return m_high_contrast; }

    // The zone of the [hours] (default: the system's, TZ or /etc/localtime). `tz` must outlive the App.
    void set_time_zone(const TimeZone& tz) { m_tz = &tz; }

    // --- queries (tests, main loop) ---
    [[nodiscard]] Screen screen() const { return m_screen; }
    [[nodiscard]] bool idle_prompt() const { return m_idle_since.has_value(); }
    [[nodiscard]] bool quit_requested() const { return m_quit; }
    [[nodiscard]] const core::Session* session() const { return m_session ? &*m_session : nullptr; }
    [[nodiscard]] const std::string& language() const { return m_language; }
    [[nodiscard]] core::Mode mode() const { return m_config.mode; }
    [[nodiscard]] std::size_t unsaved_count() const { return m_unsaved.size(); }
    [[nodiscard]] std::vector<std::string> enabled_survey_ids() const;
    // (id, version) of each survey offered now: the sync heartbeat's "surveys" (kiosk/sync/sync_bridge.hpp).
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> offered_surveys() const;
    // Outside opening hours (the Closed screen, or the admin panel opened from it): "closed", else "open".
    [[nodiscard]] bool closed() const { return m_closed; }
    [[nodiscard]] std::string_view hours_state() const { return m_closed ? "closed" : "open"; }

    // Puts the app on `spec` (attract, language, consent, question:SURVEY:NAME[:CHOICE], thanks, idle,
    // admin, admin:panel, drafts, save_failed, closed) for screenshots, by applying the actions a person
    // would (taps, answers, the PIN). Earlier questions are answered with their first choice (or a middle
    // value) so that NAME becomes reachable; fails with a message if it does not. The staff screens need
    // a PIN: go_to sets a throw-away one for this App (only ever a screenshot's). What no tap can do is
    // staged and said so in app_screenshots.cpp: time passing (the idle prompt, the tap guard), a full
    // disk (save_failed) and the hours (closed).
    [[nodiscard]] std::expected<void, std::string> go_to(std::string_view spec);

    void debug_check_invariants() const;  // aborts with a message when an invariant is broken

private:
    using steady = std::chrono::steady_clock;

    // --- one handler per action (apply() dispatches) ---
    // the respondent's walk (app_respondent.cpp)
    void on(const act::Activity&);
    void on(const act::OpenSurvey& a);
    void on(const act::OpenLanguage&);
    void on(const act::ChooseLanguage& a);
    void on(const act::CloseLanguage&);
    void on(const act::ShowFullPrivacy& a);
    void on(const act::ConsentStart&);
    void on(const act::ConsentDecline&);
    void on(const act::TapChoice& a);
    void on(const act::SetScale& a);
    void on(const act::StepDate& a);
    void on(const act::TypeText& a);
    void on(const act::Backspace&);
    void on(const act::ClearText&);
    void on(const act::ListScroll& a);
    void on(const act::Next&);
    void on(const act::Back&);
    void on(const act::StartAgain&);
    void on(const act::StartAgainConfirm& a);
    void on(const act::StillHere&);
    void on(const act::ThanksDone&);
    void on(const act::RetrySave&);
    // staff: the corner, the PIN pad, the panel (app_admin.cpp)
    void on(const act::CornerHeld&);
    void on(const act::PinDigit& a);
    void on(const act::PinBackspace&);
    void on(const act::PinSubmit&);
    void on(const act::AdminClose&);
    void on(const act::AdminToggleSurvey& a);
    void on(const act::AdminSetMode& a);
    void on(const act::AdminSyncNow&);
    void on(const act::AdminExit&);
    void on(const act::AdminExitConfirm& a);
    // assisted mode's saved interviews (app_drafts.cpp)
    void on(const act::OpenDrafts&);
    void on(const act::ResumeDraft& a);
    void on(const act::DiscardDraft& a);
    void on(const act::DiscardDraftConfirm& a);
    void on(const act::CloseDrafts&);
    // read aloud (app_read_aloud.cpp)
    void on(const act::ReadAloud&);
    void on(const act::StopReading&);
    void on(const act::SetVolume& a);
    void on(const act::ReadEverything& a);
    void on(const act::Touch&);
    // text size and colours (app_display.cpp)
    void on(const act::OpenDisplay&);
    void on(const act::CloseDisplay&);
    void on(const act::SetTextSize& a);
    void on(const act::SetHighContrast& a);

    // --- tick() in steps (app.cpp) ---
    void tick_admin_corner(steady::time_point now);
    void tick_timers(steady::time_point now);  // save retries, thanks, lock-out end, old drafts
    void tick_idle(steady::time_point now);
    void tick_hours();

    // --- go_to() in steps (app_screenshots.cpp) ---
    [[nodiscard]] core::SurveyPtr first_enabled() const;
    [[nodiscard]] std::expected<void, std::string> stage_open(const core::SurveyPtr& s);  // tile, language, Start
    void stage_answer();                                         // something valid for the current question
    [[nodiscard]] std::expected<void, std::string> stage_pin();  // the throw-away PIN, typed on the pad
    [[nodiscard]] std::expected<void, std::string> stage_question(std::string_view rest);
    [[nodiscard]] std::expected<void, std::string> stage_save_failed();
    [[nodiscard]] std::expected<void, std::string> stage_drafts();
    void stage_closed();
    void stage_settled();  // as if the page had been up a moment: no tap guard over the screenshot

    // --- view() in steps (app_view.cpp) ---
    void view_language(ViewModel& v) const;
    void view_admin(ViewModel& v, steady::time_point now) const;
    void view_drafts(ViewModel& v) const;
    void view_read_aloud(ViewModel& v) const;

    // --- read aloud (app_read_aloud.cpp) ---
    void read_page();         // plays page_audio() (nothing to play: stops)
    void stop_reading();      // silence
    void page_turned();       // the page changed: read it when "read everything" is on, else stop
    void reset_read_aloud();  // the next respondent: silence, the switch off, the volume back to its default
    // A file of the survey in `lang`, recorded or generated; nothing without a speech port.
    [[nodiscard]] std::optional<std::filesystem::path> audio_file(const core::Survey& s, std::string_view lang,
                                                                  std::string_view file) const;
    // A UI prompt (ui-<key>.wav) in the resident's language: from the respondent's survey, else any offered one.
    [[nodiscard]] std::optional<std::filesystem::path> ui_audio(std::string_view key) const;
    [[nodiscard]] bool survey_has_audio(const core::Survey& s) const;  // in some language
    // Survey updates wait for their audio: the versions to offer of `surveys`, the rest kept in m_held_surveys.
    [[nodiscard]] std::vector<core::SurveyPtr> audio_ready(std::vector<core::SurveyPtr> surveys);
    void recheck_audio_hold();  // no respondent: installs a held version whose audio now exists

    // --- text size and colours (app_display.cpp) ---
    [[nodiscard]] bool display_screen() const;   // a resident's screen: the "Aa" button is on it
    [[nodiscard]] bool display_changed() const;  // not the kiosk default (reset_display), or the panel open
    void reset_display();                        // the next respondent: standard size, the kiosk's colours, panel shut
    void view_display(ViewModel& v) const;

    void log(const std::string& line) const { m_log->write(line); }
    // A refused answer or Continue, for the resident: the survey's own message, else the engine's default
    // from assets/strings/ in the walk's language (app_respondent.cpp).
    [[nodiscard]] std::string say(const core::ValidationError& e) const;
    // Staff wording: assets/strings/en.json's "admin_*" keys (English by design, english_only_key()).
    [[nodiscard]] std::string staff_words(std::string_view key,
                                          std::initializer_list<std::pair<std::string_view, std::string>> values = {}) const {
        return fill(m_strings->get("en", key), values);
    }

    [[nodiscard]] core::SurveyPtr find_survey(std::string_view id) const;
    [[nodiscard]] bool is_enabled(const core::Survey& s) const;
    [[nodiscard]] bool respondent_screen() const;
    void set_screen(Screen s);
    // What the resident sees as "a new page": screen, question or closing note, dialog, privacy notice,
    // PIN pad or panel. apply() and tick() restart the tap guard when it changes.
    [[nodiscard]] std::tuple<Screen, std::size_t, std::size_t, bool, bool, bool, bool> page() const;
    void touch();
    void start_session();
    void abandon(bool record);  // wipes the respondent: Session, typed text, chosen survey, language
    void leave_survey();        // Back to the attract screen before the walk began (a drop-off if it had)
    void consent_back();        // Back on the consent screen: the language screen, or attract
    [[nodiscard]] bool asks_language(const core::Survey& s) const;  // the language screen follows its tile
    // The resident chose a language on the attract screen, before the tile (reset by the wipe): the tile
    // does not ask again when the survey has it.
    bool m_language_chosen = false;
    void finish();               // complete() + save_completed(); closing notes, Thanks or SaveFailed
    void finish_before_notes();  // only notes remain: complete and save now, show the notes after (closing notes)
    void show_saved();           // a save succeeded: the closing notes if any, else Thanks
    bool try_save_unsaved();
    void sync_edit_buffers();
    enum class Edit : std::uint8_t { Type, Backspace, Clear };  // what a key does to the text being typed
    void edit_text(const std::string& add, Edit how);
    void refresh_admin();
    void refresh_drafts();
    void purge_old_drafts();
    [[nodiscard]] std::string saved_words(std::string_view saved_at)
        const;  // "Saved today at 20:41"  // deletes drafts older than config.draft_max_age (wall clock), logs how many
    void apply_language(const std::string& code);
    [[nodiscard]] std::string survey_language(const core::Survey& s) const;
    [[nodiscard]] QuestionVm question_view() const;
    void set_closed(bool closed);  // the Closed period begins or ends: tells sync
    [[nodiscard]] std::optional<std::chrono::system_clock::time_point> next_hours_change() const;
    [[nodiscard]] std::string closed_words() const;                    // the Closed screen's sentence
    [[nodiscard]] std::vector<std::string> hours_admin_lines() const;  // the admin panel's

    KioskConfig m_config;
    std::vector<core::SurveyPtr> m_surveys;                         // the newest version of each id, sorted by id
    std::vector<core::SurveyPtr> m_older_surveys;                   // older versions (resuming drafts made with them)
    std::optional<std::vector<core::SurveyPtr>> m_pending_surveys;  // offer_surveys() waiting for no respondent
    std::optional<std::chrono::system_clock::time_point> m_surveys_updated_at;
    void install_surveys(std::vector<core::SurveyPtr> surveys);
    std::set<std::string, std::less<>> m_enabled;
    StorePort* m_store;
    const Strings* m_strings;
    const core::Clock* m_clock;
    core::Rng* m_rng;
    LogSink* m_log;

    Screen m_screen = Screen::Attract;
    Screen m_language_return = Screen::Attract;  // where choosing a language leads
    Screen m_language_back = Screen::Attract;    // where Back on the language screen leads (the screen before it)
    Screen m_admin_return = Screen::Attract;
    std::string m_language;
    core::SurveyPtr m_survey;  // chosen on the attract screen
    std::optional<core::Session> m_session;
    std::string m_number_buffer;   // integer/decimal being typed ("3." is not a number yet)
    std::array<int, 3> m_date{};   // a date question: day, month, year chosen so far (0: not yet); the answer once all are
    std::string m_error;           // validation message for the current question
    bool m_limit_reached = false;  // the last key was refused: the text or write-in is at its longest
    std::size_t m_list_first = 0;
    bool m_full_privacy = false;
    bool m_confirm_start_again = false;
    std::string m_confirm_discard;               // the draft "Discard" was tapped for, until Yes or No
    std::optional<std::string> m_resumed_draft;  // assisted: the draft this walk came from
    // Closing notes: the notes that were all that was left when the response was completed and saved
    // (docs/kiosk.md, "Closing notes"). Shown on the question screen in place of a Session. Survey texts
    // only: nothing of the respondent's answers.
    struct ClosingNotes {
        core::SurveyPtr survey;
        std::vector<std::size_t> notes;  // question indices, in order
        std::size_t at = 0;              // the one on screen
        core::Progress progress;         // at the first note
    };
    std::optional<ClosingNotes> m_closing;

    steady::time_point m_last_activity;
    steady::time_point m_page_changed_at;  // the tap guard runs from here (config.tap_guard)
    std::optional<steady::time_point> m_idle_since;
    std::optional<steady::time_point> m_thanks_since;
    std::optional<steady::time_point> m_corner_since;
    bool m_corner_this_frame = false;

    std::uint64_t m_respondent = 0;        // bumped per respondent: see ViewModel::respondent
    std::deque<core::Response> m_unsaved;  // completed, not yet durable: never dropped
    std::string m_save_error;
    steady::time_point m_last_retry;

    std::string m_pin;
    // What the PIN pad opens: the admin panel, or (assisted mode) the saved interviews, which hold other
    // residents' answers. Same PIN, same lock-out. Only ever Drafts on the admin screen.
    enum class PinFor : std::uint8_t { Admin, Drafts };
    PinFor m_pin_for = PinFor::Admin;
    int m_failed_pins = 0;
    std::optional<steady::time_point> m_locked_until;
    void persist_lockout(std::optional<std::chrono::system_clock::time_point> locked_until);
    void restore_lockout();
    bool m_admin_unlocked = false;
    bool m_confirm_exit = false;  // "Exit the kiosk app?" over the panel
    std::string m_admin_message;
    std::vector<std::string> m_admin_stats;
    std::vector<storage::DraftInfo> m_drafts;
    std::vector<std::string> m_draft_stops;  // per draft: the label of the question it stopped at
    std::size_t m_drafts_count = 0;          // for the attract screen's "Saved interviews (N)"
    std::string m_drafts_message;
    steady::time_point m_last_draft_purge;
    bool m_quit = false;

    SyncPort* m_sync_port = nullptr;
    SyncStatusVm m_sync;

    SpeechPort* m_speech = nullptr;
    std::filesystem::path m_audio_assets, m_audio_root;
    // Survey updates waiting for their read-aloud audio (core::hold_until_audio; app.cpp recheck_audio_hold()).
    std::vector<core::SurveyPtr> m_held_surveys;
    std::vector<std::string> m_held_words;  // one line per held version, for the admin panel and the log
    std::chrono::steady_clock::time_point m_hold_checked_at{};
    bool m_read_everything = false;
    int m_volume = ReadAloudVm::k_default_volume;

    int m_text_size = 0;  // 0 .. DisplayVm::k_text_sizes - 1
    bool m_high_contrast = false;
    bool m_display_panel = false;

    const TimeZone* m_tz;
    bool m_closed = false;
    struct HoursCache {  // next_change() looks ahead day by day: kept until it passes or the clock goes back
        std::chrono::system_clock::time_point computed_at;
        std::optional<std::chrono::system_clock::time_point> next;
        bool valid = false;
    };
    mutable HoursCache m_hours_cache;
};

}  // namespace fieldkiosk::kiosk
