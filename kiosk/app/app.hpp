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
//
// Index:
//   App            construction, apply(), tick(), view(), next_wakeup(), queries for tests
//   go_to()        --goto for screenshots: puts the app on a named screen with a realistic state
//
// Not thread-safe: the UI thread owns the App.
#pragma once

#include "core/clock.hpp"
#include "core/session.hpp"
#include "kiosk/app/actions.hpp"
#include "kiosk/app/config.hpp"
#include "kiosk/app/store_port.hpp"
#include "kiosk/app/strings.hpp"
#include "kiosk/app/sync_port.hpp"
#include "kiosk/app/view_model.hpp"

#include <chrono>
#include <deque>
#include <expected>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fieldkiosk::kiosk {

class App {
public:
    // `surveys` is every valid survey found; which are offered follows config.enabled_surveys (or each
    // survey's own flag). `store`, `strings`, `clock` and `rng` must outlive the App.
    App(KioskConfig config, std::vector<core::SurveyPtr> surveys, StorePort& store, const Strings& strings,
        const core::Clock& clock, core::Rng& rng);

    // Background sync (optional; must outlive the App). Without a port the admin panel says why sync is
    // off: not set up (no sync.server_url) or not built into this kiosk.
    void set_sync(SyncPort* port);
    // The newest status from the sync engine; the main loop hands it over on the UI thread.
    void set_sync_status(SyncStatusVm status);
    [[nodiscard]] const SyncStatusVm& sync_status() const { return m_sync; }

    void apply(const Action& action);      // one transition (docs/kiosk.md, "Transitions")
    void apply_all(ActionQueue& actions);  // in order, then clears the queue
    void tick();                           // time-driven transitions; call once per frame, after apply_all
    [[nodiscard]] ViewModel view() const;  // what the screens draw now
    // How long the main loop may sleep before tick() has something to do (countdowns redraw every second).
    [[nodiscard]] std::chrono::milliseconds next_wakeup() const;

    // --- queries (tests, main loop) ---
    [[nodiscard]] Screen screen() const { return m_screen; }
    [[nodiscard]] bool idle_prompt() const { return m_idle_since.has_value(); }
    [[nodiscard]] bool quit_requested() const { return m_quit; }
    [[nodiscard]] const core::Session* session() const { return m_session ? &*m_session : nullptr; }
    [[nodiscard]] const std::string& language() const { return m_language; }
    [[nodiscard]] core::Mode mode() const { return m_config.mode; }
    [[nodiscard]] std::size_t unsaved_count() const { return m_unsaved.size(); }
    [[nodiscard]] std::vector<std::string> enabled_survey_ids() const;

    // Puts the app on `spec` (attract, language, consent, question:SURVEY:NAME[:CHOICE], thanks, idle,
    // admin, admin:panel, drafts, save_failed) for screenshots. Earlier questions are answered with their
    // first choice (or a middle value) so that NAME becomes reachable; fails with a message if it does not.
    [[nodiscard]] std::expected<void, std::string> go_to(std::string_view spec);

    void debug_check_invariants() const;  // aborts with a message when an invariant is broken

private:
    using steady = std::chrono::steady_clock;

    [[nodiscard]] core::SurveyPtr find_survey(std::string_view id) const;
    [[nodiscard]] bool is_enabled(const core::Survey& s) const;
    [[nodiscard]] bool respondent_screen() const;
    void set_screen(Screen s);
    void touch();
    void start_session();
    void abandon(bool record);  // wipes the respondent: Session, typed text, chosen survey, language
    void finish();              // complete() + save_completed(); Thanks or SaveFailed
    bool try_save_unsaved();
    void sync_edit_buffers();
    void edit_text(const std::string& add, bool backspace);
    void refresh_admin();
    void refresh_drafts();
    void apply_language(const std::string& code);
    [[nodiscard]] std::string survey_language(const core::Survey& s) const;
    [[nodiscard]] QuestionVm question_view() const;

    KioskConfig m_config;
    std::vector<core::SurveyPtr> m_surveys;
    std::set<std::string, std::less<>> m_enabled;
    StorePort* m_store;
    const Strings* m_strings;
    const core::Clock* m_clock;
    core::Rng* m_rng;

    Screen m_screen = Screen::Attract;
    Screen m_language_return = Screen::Attract;
    Screen m_admin_return = Screen::Attract;
    std::string m_language;
    core::SurveyPtr m_survey;  // chosen on the attract screen
    std::optional<core::Session> m_session;
    std::string m_number_buffer;  // integer/decimal being typed ("3." is not a number yet)
    std::string m_error;          // validation message for the current question
    std::size_t m_list_first = 0;
    bool m_full_privacy = false;
    bool m_confirm_start_again = false;
    std::optional<std::string> m_resumed_draft;  // assisted: the draft this walk came from

    steady::time_point m_last_activity;
    std::optional<steady::time_point> m_idle_since;
    std::optional<steady::time_point> m_thanks_since;
    std::optional<steady::time_point> m_corner_since;
    bool m_corner_this_frame = false;

    std::uint64_t m_respondent = 0;          // bumped per respondent: see ViewModel::respondent
    std::deque<core::Response> m_unsaved;  // completed, not yet durable: never dropped
    std::string m_save_error;
    steady::time_point m_last_retry;

    std::string m_pin;
    int m_failed_pins = 0;
    std::optional<steady::time_point> m_locked_until;
    void persist_lockout(std::optional<std::chrono::system_clock::time_point> locked_until);
    void restore_lockout();
    bool m_admin_unlocked = false;
    std::string m_admin_message;
    std::vector<std::string> m_admin_stats;
    std::vector<storage::DraftInfo> m_drafts;
    std::size_t m_drafts_count = 0;  // for the attract screen's "Saved interviews (N)"
    std::string m_drafts_message;
    bool m_quit = false;

    SyncPort* m_sync_port = nullptr;
    SyncStatusVm m_sync;
};

}  // namespace fieldkiosk::kiosk
