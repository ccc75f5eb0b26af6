// The App's frame: construction, survey catalog, apply() (one named handler per action: app_respondent.cpp,
// app_admin.cpp, app_drafts.cpp), tick() in named steps, next_wakeup(), opening hours, invariants.
// Index:
//   helpers          screen names, UTC text
//   App              construction, survey catalog, apply(), tick(), next_wakeup()
//   invariants
// Elsewhere: app_respondent.cpp (the walk, the wipe, saving, editing), app_admin.cpp (PIN with lock-out,
// staff panel), app_drafts.cpp (assisted-mode drafts), app_view.cpp (view()), app_screenshots.cpp (go_to()).
#include "kiosk/app/app.hpp"

#include "core/read_aloud.hpp"

#include "kiosk/app/app_detail.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace fieldkiosk::kiosk {

// ---------------------------------------------------------------- helpers

std::string_view to_string(Screen s) {
    switch (s) {
        case Screen::Attract:
            return "attract";
        case Screen::Language:
            return "language";
        case Screen::Consent:
            return "consent";
        case Screen::Question:
            return "question";
        case Screen::Thanks:
            return "thanks";
        case Screen::SaveFailed:
            return "save_failed";
        case Screen::Admin:
            return "admin";
        case Screen::Drafts:
            return "drafts";
        case Screen::Closed:
            return "closed";
    }
    return "?";
}

const std::string& ViewModel::t(std::string_view key) const {
    static const std::string empty;
    return strings != nullptr ? strings->get(lang, key) : empty;
}

std::string ViewModel::tn(std::string_view key, long long n) const {
    return strings != nullptr ? strings->count(lang, key, n) : std::string(key);
}

namespace detail {

// "2026-12-03T20:41:50.677Z" (core::format_utc, the store's timestamps) back to a time point.
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (std::sscanf(std::string(text).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{sec};
}

}  // namespace detail

namespace {

const SystemTimeZone k_system_zone;  // TZ, else /etc/localtime

// Splits `all` into the newest version of each survey id (returned, sorted by id) and the others (`older`).
std::vector<core::SurveyPtr> newest_per_id(std::vector<core::SurveyPtr> all, std::vector<core::SurveyPtr>& older) {
    std::map<std::string, core::SurveyPtr, std::less<>> newest;
    for (auto& s : all) {
        if (!s) continue;
        auto& slot = newest[s->id];
        if (!slot)
            slot = std::move(s);
        else if (core::compare_versions(s->version, slot->version) > 0)
            older.push_back(std::exchange(slot, std::move(s)));
        else
            older.push_back(std::move(s));
    }
    std::vector<core::SurveyPtr> out;
    for (auto& [id, s] : newest) out.push_back(std::move(s));
    return out;
}

// "food\n2" for each survey: what an offer of surveys is compared by.
std::set<std::string> survey_versions(const std::vector<core::SurveyPtr>& a, const std::vector<core::SurveyPtr>& b = {}) {
    std::set<std::string> out;
    for (const auto* v : {&a, &b})
        for (const auto& s : *v)
            if (s) out.insert(s->id + "\n" + s->version);
    return out;
}

}  // namespace

// ---------------------------------------------------------------- App

App::App(KioskConfig config, std::vector<core::SurveyPtr> surveys, StorePort& store, const Strings& strings,
         const core::Clock& clock, core::Rng& rng, LogSink& log)
    : m_config(std::move(config)),
      m_surveys(std::move(surveys)),
      m_store(&store),
      m_strings(&strings),
      m_clock(&clock),
      m_rng(&rng),
      m_log(&log) {
    m_surveys = newest_per_id(std::move(m_surveys), m_older_surveys);
    for (const auto& s : m_surveys) {
        const bool on = m_config.enabled_surveys.empty()
                            ? s->enabled
                            : std::ranges::find(m_config.enabled_surveys, s->id) != m_config.enabled_surveys.end();
        if (on) m_enabled.insert(s->id);
    }
    m_language = m_config.default_language;
    m_tz = &k_system_zone;
    set_sync(nullptr);
    set_screen(Screen::Attract);
    m_last_activity = m_clock->steady_now();
    m_last_retry = m_last_activity;
    m_page_changed_at = m_last_activity - m_config.tap_guard;  // nobody's finger is on a screen yet
    restore_lockout();
    m_last_draft_purge = m_last_activity;
    purge_old_drafts();
}

std::tuple<Screen, std::size_t, std::size_t, bool, bool, bool, bool> App::page() const {
    constexpr auto k_none = static_cast<std::size_t>(-1);
    const std::size_t question =
        m_session && m_session->state() == core::Session::State::Answering ? m_session->current_index() : k_none;
    const std::size_t closing = m_closing ? m_closing->at : k_none;
    const bool dialog = m_confirm_start_again || !m_confirm_discard.empty() || m_confirm_exit || m_display_panel;
    return {m_screen, question, closing, m_idle_since.has_value(), dialog, m_full_privacy, m_admin_unlocked};
}

core::SurveyPtr App::find_survey(std::string_view id) const {
    for (const auto& s : m_surveys)
        if (s->id == id) return s;
    return nullptr;
}

bool App::is_enabled(const core::Survey& s) const { return m_enabled.contains(s.id); }

bool App::offer_surveys(std::vector<core::SurveyPtr> surveys) {
    const auto offered = survey_versions(surveys);
    if (offered == (m_pending_surveys ? survey_versions(*m_pending_surveys) : survey_versions(m_surveys, m_older_surveys)))
        return false;
    m_pending_surveys = std::move(surveys);
    if (!m_session && !m_survey) install_surveys(std::move(*m_pending_surveys));
    return true;
}

// Only when no respondent is mid-survey (offer_surveys(), tick()).
void App::install_surveys(std::vector<core::SurveyPtr> surveys) {
    m_pending_surveys.reset();
    surveys = audio_ready(std::move(surveys));
    std::set<std::string, std::less<>> known;
    for (const auto& s : m_surveys) known.insert(s->id);
    m_older_surveys.clear();
    m_surveys = newest_per_id(std::move(surveys), m_older_surveys);
    for (const auto& s : m_surveys) {
        if (known.contains(s->id)) continue;  // the admin's on/off choice stays
        const bool on = m_config.enabled_surveys.empty()
                            ? s->enabled
                            : std::ranges::find(m_config.enabled_surveys, s->id) != m_config.enabled_surveys.end();
        if (on) m_enabled.insert(s->id);
    }
    m_surveys_updated_at = m_clock->wall_now();
    if (m_screen == Screen::Admin && m_admin_unlocked) refresh_admin();
}

std::vector<core::SurveyPtr> App::audio_ready(std::vector<core::SurveyPtr> surveys) {
    if (m_speech == nullptr) {  // no sound output: nobody can listen, so nothing waits for audio
        m_held_surveys.clear();
        m_held_words.clear();
        return surveys;
    }
    auto hold = core::hold_until_audio(std::move(surveys), m_audio_assets, m_audio_root);
    if (hold.held != m_held_words)
        for (const auto& line : hold.held) m_log->write(line);
    m_held_words = std::move(hold.held);
    m_held_surveys = std::move(hold.held_surveys);
    m_hold_checked_at = m_clock->steady_now();
    return std::move(hold.offered);
}

// When the audio folders are set, and every few minutes while an update waits (`fieldkiosk-ctl voice` may
// have made its audio since): everything the kiosk holds is looked at again, and installed if that changes
// what is offered.
void App::recheck_audio_hold() {
    m_hold_checked_at = m_clock->steady_now();
    if (m_session || m_survey || m_pending_surveys) return;
    std::vector<core::SurveyPtr> all = m_surveys;
    all.insert(all.end(), m_older_surveys.begin(), m_older_surveys.end());
    all.insert(all.end(), m_held_surveys.begin(), m_held_surveys.end());
    const auto offered = m_speech == nullptr ? all : core::hold_until_audio(all, m_audio_assets, m_audio_root).offered;
    if (survey_versions(offered) != survey_versions(m_surveys, m_older_surveys)) install_surveys(std::move(all));
}

std::vector<std::string> App::enabled_survey_ids() const {
    std::vector<std::string> out;
    for (const auto& s : m_surveys)
        if (is_enabled(*s)) out.push_back(s->id);
    return out;
}

std::vector<std::pair<std::string, std::string>> App::offered_surveys() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : m_surveys)
        if (is_enabled(*s)) out.emplace_back(s->id, s->version);
    return out;
}

bool App::respondent_screen() const {
    return m_screen == Screen::Language || m_screen == Screen::Consent || m_screen == Screen::Question ||
           m_screen == Screen::SaveFailed || m_screen == Screen::Admin || m_screen == Screen::Drafts;
}

void App::set_screen(Screen s) {
    m_screen = s;
    if (s != Screen::Admin) m_pin_for = PinFor::Admin;
    if (s == Screen::Attract && m_config.mode == core::Mode::Assisted) {  // once per visit, not per frame
        auto list = m_store->list_drafts();
        m_drafts_count = list ? list->size() : 0;
    }
    m_idle_since.reset();
    m_confirm_start_again = false;
    m_confirm_discard.clear();
    m_confirm_exit = false;
    m_thanks_since = (s == Screen::Thanks) ? std::optional(m_clock->steady_now()) : std::nullopt;
    if (s == Screen::Attract || s == Screen::Closed) {  // between respondents
        reset_read_aloud();
        reset_display();
    }
    m_display_panel = false;
    if (s != Screen::Consent) m_full_privacy = false;
}

// Restarts the idle timer. While the idle prompt is up, only its button counts as "I'm here" (act::Activity
// is ignored then), so a stray tap on the dimmed screen cannot hide the countdown.
void App::touch() { m_last_activity = m_clock->steady_now(); }

std::string App::survey_language(const core::Survey& s) const {
    return s.has_language(m_language) ? m_language : s.default_language;
}

void App::apply_language(const std::string& code) {
    m_language = code;
    if (m_session) (void)m_session->set_language(survey_language(m_session->survey()));
    if (m_session && m_session->state() == core::Session::State::Answering && !m_error.empty()) {
        // Re-say the validation message in the new language.
        if (auto e = m_session->check_current())
            m_error = say(*e);
        else
            m_error.clear();
    }
}

void App::apply_all(ActionQueue& actions) {
    for (const auto& a : actions) apply(a);
    actions.clear();
}

// One named handler per action (app_respondent.cpp, app_admin.cpp, app_drafts.cpp).
void App::apply(const Action& action) {
    const auto page_before = page();
    std::visit([this](const auto& a) { on(a); }, action);
    if (page() != page_before) {
        m_page_changed_at = m_clock->steady_now();  // restarts the tap guard
        page_turned();
    }
    // The respondent left (declined, finished, was wiped): a waiting survey update takes effect now.
    if (m_pending_surveys && !m_session && !m_survey) install_surveys(std::move(*m_pending_surveys));
#ifndef NDEBUG
    debug_check_invariants();
#endif
}

void App::tick() {
    const auto now = m_clock->steady_now();
    const auto page_before = page();
    tick_admin_corner(now);
    tick_timers(now);
    tick_idle(now);
    tick_hours();
    // A survey update offered while a respondent was mid-survey: now that nobody is, it takes effect.
    if (m_pending_surveys && !m_session && !m_survey) install_surveys(std::move(*m_pending_surveys));
    if (!m_held_surveys.empty() && now - m_hold_checked_at >= std::chrono::minutes(5)) recheck_audio_hold();
    // Time changed the page (the idle prompt appeared under a finger, the thank-you screen went back).
    if (page() != page_before) {
        m_page_changed_at = now;
        page_turned();
    }
#ifndef NDEBUG
    debug_check_invariants();
#endif
}

// The hidden admin gesture: a finger held on the corner for admin_hold.
void App::tick_admin_corner(steady::time_point now) {
    if (!m_corner_this_frame) m_corner_since.reset();
    m_corner_this_frame = false;
    if (m_corner_since && now - *m_corner_since >= m_config.admin_hold && m_screen != Screen::Admin) {
        m_corner_since.reset();
        m_admin_return = m_screen;
        m_pin.clear();
        m_admin_unlocked = false;
        m_admin_message.clear();
        set_screen(Screen::Admin);
        touch();
    }
}

void App::tick_timers(steady::time_point now) {
    // Background retries of a save that failed: a completed response is never dropped.
    if (!m_unsaved.empty() && now - m_last_retry >= m_config.save_retry) {
        m_last_retry = now;
        if (try_save_unsaved() && m_screen == Screen::SaveFailed) show_saved();
    }
    if (m_screen == Screen::Thanks && m_thanks_since && now - *m_thanks_since >= m_config.thanks_return) abandon(false);
    if (m_locked_until && now >= *m_locked_until) {
        m_locked_until.reset();
        if (m_screen == Screen::Admin) touch();  // staff who waited out the lock-out get the usual time to type
    }
    // Old drafts go while the kiosk runs too (a tablet may stay on for days). The age is wall time: a
    // draft's saved_at is; once a minute is plenty for an age counted in hours.
    if (now - m_last_draft_purge >= std::chrono::minutes{1}) {
        m_last_draft_purge = now;
        purge_old_drafts();
    }
}

void App::tick_idle(steady::time_point now) {
    // A text size or colours chosen on the attract screen by someone who then walked away: standard again for
    // the next person (no prompt: nothing of theirs is held). next_wakeup() wakes the loop for it.
    if (m_screen == Screen::Attract && display_changed() && now - m_last_activity >= m_config.idle_timeout) reset_display();
    // A closing note: the response is saved, so no prompt; after as long as any screen gives a resident
    // (the time-out and the countdown), back to the attract screen. No drop-off: nothing was left undone.
    if (m_screen == Screen::Question && m_closing && now - m_last_activity >= m_config.idle_timeout + m_config.idle_countdown)
        abandon(false);
    // A PIN lock-out can outlast the idle time. Staff waiting it out must stay on the pad: back on the attract
    // screen their next taps would start a survey. With nobody's answers in memory the pad simply waits;
    // a resident's walk left under it is still wiped on time, and the pad stays.
    const bool locked_pad = m_screen == Screen::Admin && !m_admin_unlocked && m_locked_until && now < *m_locked_until;
    const bool respondent_held = m_session || m_survey || m_closing;
    if (respondent_screen() && !(m_screen == Screen::Question && m_closing) && !(locked_pad && !respondent_held)) {
        if (!m_idle_since && now - m_last_activity >= m_config.idle_timeout) m_idle_since = now;
        if (m_idle_since && now - *m_idle_since >= m_config.idle_countdown && locked_pad) {
            abandon(true);
            m_admin_return = Screen::Attract;
            set_screen(Screen::Admin);
        } else if (m_idle_since && now - *m_idle_since >= m_config.idle_countdown) {
            if (m_screen == Screen::Admin) {
                m_admin_unlocked = false;
                m_pin.clear();
            }
            if (m_screen == Screen::SaveFailed) {
                set_screen(Screen::Attract);  // the response stays in m_unsaved and is retried
                m_survey.reset();
                m_closing.reset();
                m_language = m_config.default_language;
                m_language_chosen = false;
            } else {
                abandon(true);
            }
        }
    }
}

void App::tick_hours() {
    // Opening hours. Closing happens only from the attract screen, so a respondent mid-survey at closing
    // time finishes (or idles out) first; the admin panel opened while closed returns to Closed.
    if (m_config.hours.configured || m_closed) {
        const bool open = m_config.hours.is_open(m_clock->wall_now(), *m_tz);
        if (open && m_closed) {
            set_closed(false);
            if (m_screen == Screen::Closed) set_screen(Screen::Attract);
            if (m_admin_return == Screen::Closed) m_admin_return = Screen::Attract;
        } else if (!open && m_screen == Screen::Attract) {
            m_survey.reset();
            m_language = m_config.default_language;  // the Closed screen speaks the kiosk's default language
            m_language_chosen = false;
            set_closed(true);
            set_screen(Screen::Closed);
        }
    }
}

void App::shutdown() {
    // A restart (systemd's SIGTERM, which SDL turns into SDL_QUIT) used to leave no trace of the walk it cut.
    if (m_session && m_session->state() != core::Session::State::Completed) abandon(true);
    if (!m_unsaved.empty()) (void)try_save_unsaved();
}

void App::set_closed(bool closed) {
    if (closed == m_closed) return;
    m_closed = closed;
    if (m_sync_port != nullptr) m_sync_port->set_closed(closed);
    log(hours_admin_lines().front());  // "Opening hours: closed, opens Mon 09:00"
}

std::optional<std::chrono::system_clock::time_point> App::next_hours_change() const {
    const auto now = m_clock->wall_now();
    auto& c = m_hours_cache;
    if (!c.valid || now < c.computed_at || (c.next && now >= *c.next)) {
        c.computed_at = now;
        c.next = m_config.hours.next_change(now, *m_tz);
        c.valid = true;
    }
    return c.next;
}

std::chrono::milliseconds App::next_wakeup() const {
    using std::chrono::milliseconds;
    const auto now = m_clock->steady_now();
    auto soonest = milliseconds{60'000};
    auto consider = [&](steady::time_point when) {
        soonest = std::min(soonest, std::max(milliseconds{0}, std::chrono::ceil<milliseconds>(when - now)));
    };
    auto second_boundary = [&](steady::time_point since) {  // countdowns redraw when their number changes
        const auto elapsed = std::chrono::duration_cast<milliseconds>(now - since).count();
        soonest = std::min(soonest, milliseconds{1000 - elapsed % 1000});
    };
    if (m_corner_since) consider(*m_corner_since + m_config.admin_hold);
    if (m_screen == Screen::Attract && display_changed()) consider(m_last_activity + m_config.idle_timeout);
    if (!m_unsaved.empty()) consider(m_last_retry + m_config.save_retry);
    if (m_thanks_since) {
        consider(*m_thanks_since + m_config.thanks_return);
        second_boundary(*m_thanks_since);
    }
    if (m_speech != nullptr && m_speech->playing()) soonest = std::min(soonest, milliseconds{250});  // "reading" ends
    if (m_locked_until) {
        consider(*m_locked_until);
        soonest = std::min(soonest, milliseconds{1000});
    }
    if (m_screen == Screen::Question && m_closing) {
        consider(m_last_activity + m_config.idle_timeout + m_config.idle_countdown);
    } else if (respondent_screen()) {
        if (m_idle_since) {
            consider(*m_idle_since + m_config.idle_countdown);
            second_boundary(*m_idle_since);
        } else {
            consider(m_last_activity + m_config.idle_timeout);
        }
    }
    // Opening or closing time. Still at most a minute: the hours are wall-clock times, the sleep is
    // monotonic, and a wall clock set right (NTP after boot) must be followed soon.
    if (m_config.hours.configured)
        if (const auto next = next_hours_change())
            soonest = std::min(soonest, std::max(milliseconds{0}, std::chrono::ceil<milliseconds>(*next - m_clock->wall_now())));
    return soonest;
}

// ---------------------------------------------------------------- invariants

void App::debug_check_invariants() const {
    auto fail = [](const char* what) {
        std::fprintf(stderr, "fieldkiosk: App invariant broken: %s\n", what);
        std::abort();
    };
    if (m_screen == Screen::Question && !m_session && !m_closing) fail("the question screen needs a Session or closing notes");
    if (m_session && m_closing) fail("closing notes follow a saved response: no Session beside them");
    if (m_closing && (m_screen == Screen::Attract || m_screen == Screen::Thanks || m_screen == Screen::Closed))
        fail("closing notes are dropped when the walk ends");
    if (m_closing && m_closing->at >= m_closing->notes.size()) fail("closing notes past the last one");
    if (m_screen == Screen::Attract && m_session) fail("the attract screen must hold no Session (respondent wiped)");
    if (m_screen == Screen::Attract && !m_number_buffer.empty()) fail("the attract screen must hold no typed text");
    if (m_session && m_session->state() == core::Session::State::Completed) fail("a completed Session is never kept");
    if (m_screen == Screen::SaveFailed && m_unsaved.empty()) fail("SaveFailed without a response to retry");
    if (m_admin_unlocked && m_screen != Screen::Admin) fail("admin unlocked outside the admin screen");
    if (m_confirm_exit && !m_admin_unlocked) fail("the exit question only over the unlocked panel");
    if (m_pin_for == PinFor::Drafts && (m_screen != Screen::Admin || m_admin_unlocked))
        fail("the saved interviews' PIN pad is on the admin screen, never unlocking the panel");
    if (!m_confirm_discard.empty() && m_screen != Screen::Drafts) fail("the discard question outside the drafts screen");
    if (m_screen == Screen::Consent && !m_survey) fail("consent without a chosen survey");
    if (m_screen == Screen::Closed && (m_session || m_survey || !m_number_buffer.empty()))
        fail("the Closed screen must hold no respondent (Session, chosen survey, typed text)");
    if (m_screen == Screen::Closed && !m_closed) fail("the Closed screen outside a closed period");
    if (m_pending_surveys && !m_session && !m_survey) fail("a survey update waits though no respondent is mid-survey");
    if (m_read_everything && (m_screen == Screen::Attract || m_screen == Screen::Closed))
        fail("\"read everything\" is the respondent's: off between respondents (reset_read_aloud)");
    if (m_volume < 1 || m_volume > ReadAloudVm::k_volume_levels) fail("the volume level is out of range (act::SetVolume clamps)");
    if (m_text_size < 0 || m_text_size >= DisplayVm::k_text_sizes)
        fail("the text size is out of range (act::SetTextSize clamps)");
    if (m_display_panel && !display_screen()) fail("the text size panel is only over a resident's screen (set_screen shuts it)");
    if (m_screen == Screen::Closed && display_changed())
        fail("text size and colours are the respondent's: the kiosk's default between respondents (reset_display)");
}

}  // namespace fieldkiosk::kiosk