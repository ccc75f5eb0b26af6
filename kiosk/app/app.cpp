// Index:
//   helpers          screen names, survey lookup, number parsing
//   App              construction, apply() per action, tick(), next_wakeup()
//   respondent       start_session(), abandon() (the wipe), finish() (complete + durable save)
//   editing          text, write-in and number buffers
//   admin, drafts    PIN with lock-out, stats, survey toggles, assisted-mode drafts
//   view             view() and question_view()
//   go_to            screenshot states
//   invariants
#include "kiosk/app/app.hpp"

#include "seal/sealed_box.hpp"

#include "kiosk/settings/pin.hpp"

#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
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

namespace {

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};

std::optional<std::int64_t> parse_int(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<double> parse_decimal(std::string_view s) {
    if (s.empty() || s == "-" || s == "." || s.back() == '.') return std::nullopt;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// Removes the last UTF-8 code point.
void pop_utf8(std::string& s) {
    while (!s.empty()) {
        const auto c = static_cast<unsigned char>(s.back());
        s.pop_back();
        if ((c & 0xC0u) != 0x80u) break;
    }
}

const SystemTimeZone k_system_zone;  // TZ, else /etc/localtime

std::string local_time_words(std::chrono::system_clock::time_point t, std::chrono::system_clock::time_point now);

// "2026-12-03T20:41:50.677Z" (core::format_utc, the store's timestamps) back to a time point.
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (std::sscanf(std::string(text).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{sec};
}

}  // namespace

namespace {

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
         const core::Clock& clock, core::Rng& rng)
    : m_config(std::move(config)),
      m_surveys(std::move(surveys)),
      m_store(&store),
      m_strings(&strings),
      m_clock(&clock),
      m_rng(&rng) {
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
    const bool dialog = m_confirm_start_again || !m_confirm_discard.empty() || m_confirm_exit;
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
    if (s != Screen::Consent) m_full_privacy = false;
}

// Restarts the idle timer. While the idle prompt is up, only its button counts as "I'm here" (act::Activity
// is ignored then), so a stray tap on the dimmed screen cannot hide the countdown.
// The PIN lock-out outlives a restart (pulling the plug must not buy three more guesses): the failure
// count and the lock's end, in wall time, are kept in the store. Best effort: a store error only logs.
void App::persist_lockout(std::optional<std::chrono::system_clock::time_point> locked_until) {
    const auto ms =
        locked_until ? std::chrono::duration_cast<std::chrono::milliseconds>(locked_until->time_since_epoch()).count() : 0;
    auto a = m_store->set_setting("admin.failed_pins", std::to_string(m_failed_pins));
    auto b = m_store->set_setting("admin.locked_until_ms", std::to_string(ms));
    if (!a || !b)
        std::fprintf(stderr, "fieldkiosk: could not record the admin PIN lock-out: %s\n", (!a ? a : b).error().message.c_str());
}

void App::restore_lockout() {
    auto failed = m_store->setting("admin.failed_pins");
    auto until = m_store->setting("admin.locked_until_ms");
    if (!failed || !until || !*failed || !*until) return;
    m_failed_pins = std::atoi((*failed)->c_str());
    const std::chrono::system_clock::time_point end{std::chrono::milliseconds{std::atoll((*until)->c_str())}};
    const auto left = end - m_clock->wall_now();
    if (left > std::chrono::system_clock::duration::zero())
        m_locked_until = m_clock->steady_now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
}

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
            m_error = e->message;
        else
            m_error.clear();
    }
}

void App::apply_all(ActionQueue& actions) {
    for (const auto& a : actions) apply(a);
    actions.clear();
}

void App::apply(const Action& action) {
    using namespace act;
    const bool idle = m_idle_since.has_value();
    const auto page_before = page();
    struct PageGuard {  // restarts the tap guard if this action changed the page, on every return path
        App& app;
        decltype(page_before)& before;
        ~PageGuard() {
            if (app.page() != before) app.m_page_changed_at = app.m_clock->steady_now();
        }
    } page_guard{*this, page_before};
    std::visit(Overloaded{
                   [&](const Activity&) {
                       if (!idle) touch();
                   },
                   [&](const CornerHeld&) {
                       m_corner_this_frame = true;
                       if (!m_corner_since) m_corner_since = m_clock->steady_now();
                   },
                   [&](const OpenSurvey& a) {
                       if (m_screen != Screen::Attract) return;
                       auto s = find_survey(a.survey_id);
                       if (!s || !is_enabled(*s)) return;
                       m_survey = s;
                       touch();
                       if (asks_language(*s)) {
                           m_language_return = Screen::Consent;
                           m_language_back = Screen::Attract;
                           set_screen(Screen::Language);
                       } else {
                           set_screen(Screen::Consent);
                       }
                   },
                   [&](const OpenLanguage&) {
                       if (idle || m_screen == Screen::Language || m_screen == Screen::Admin || m_screen == Screen::Closed)
                           return;
                       m_language_return = m_screen;
                       m_language_back = m_screen;
                       set_screen(Screen::Language);
                   },
                   [&](const ChooseLanguage& a) {
                       if (m_screen != Screen::Language) return;
                       if (m_language_return == Screen::Attract) m_language_chosen = true;  // asked once is enough
                       apply_language(a.code);
                       set_screen(m_language_return);
                   },
                   [&](const CloseLanguage&) {  // "Back": to the screen before, never on to the next
                       if (m_screen != Screen::Language) return;
                       if (m_language_back == Screen::Attract && (m_survey || m_session))
                           leave_survey();  // reached from a tile (or back from its consent): the walk never began
                       else
                           set_screen(m_language_back);
                   },
                   [&](const ShowFullPrivacy& a) {
                       if (m_screen == Screen::Consent) m_full_privacy = a.show;
                   },
                   [&](const ConsentStart&) {
                       if (m_screen != Screen::Consent || !m_survey) return;
                       // Back from the first question leads here with the walk still in memory: Start
                       // resumes it rather than silently replacing it (which would lose the answers, or
                       // in assisted mode leave a resumed draft behind to be finished twice).
                       if (m_session && m_session->survey().id == m_survey->id &&
                           m_session->state() == core::Session::State::Answering) {
                           set_screen(Screen::Question);
                           touch();
                           return;
                       }
                       start_session();
                   },
                   [&](const ConsentDecline&) {
                       // Counted as a drop-off only if a walk had started (Back from the first question).
                       if (m_screen == Screen::Consent) abandon(true);
                   },
                   [&](const TapChoice& a) {
                       if (m_screen != Screen::Question || idle || m_confirm_start_again || !m_session) return;
                       if (m_session->state() != core::Session::State::Answering) return;
                       if (auto r = m_session->toggle_choice(a.value); !r)
                           m_error = r.error().message;
                       else
                           m_error.clear();
                   },
                   [&](const SetScale& a) {
                       if (m_screen != Screen::Question || idle || m_confirm_start_again || !m_session) return;
                       if (m_session->state() != core::Session::State::Answering) return;
                       if (auto r = m_session->set_answer(core::Answer::integer(a.value)); !r)
                           m_error = r.error().message;
                       else
                           m_error.clear();
                   },
                   [&](const TypeText& a) {
                       if (m_screen == Screen::Question && !idle && !m_confirm_start_again) edit_text(a.utf8, false);
                   },
                   [&](const Backspace&) {
                       if (m_screen == Screen::Question && !idle && !m_confirm_start_again) edit_text({}, true);
                   },
                   [&](const ListScroll& a) {
                       if (m_screen == Screen::Question) m_list_first = a.first;
                   },
                   [&](const Next&) {
                       if (m_screen != Screen::Question || idle || m_confirm_start_again) return;
                       if (m_closing) {  // the response is saved: the next closing note, then Thanks
                           touch();
                           if (++m_closing->at < m_closing->notes.size()) return;
                           m_closing.reset();
                           set_screen(Screen::Thanks);
                           return;
                       }
                       if (!m_session) return;
                       if (m_session->state() == core::Session::State::Answering) {
                           const auto& q = m_session->current();
                           if ((q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) &&
                               !m_number_buffer.empty() && m_session->current_answer() == nullptr) {
                               m_error = m_strings->get(m_language, "number_invalid");
                               return;
                           }
                           auto r = m_session->next();
                           if (!r) {
                               m_error = r.error().message;
                               return;
                           }
                           m_error.clear();
                           m_list_first = 0;
                           sync_edit_buffers();
                           if (*r == core::Session::Step::Moved) {
                               if (m_session->only_notes_remain()) finish_before_notes();
                               return;
                           }
                       }
                       if (m_session->state() == core::Session::State::Finished) finish();
                   },
                   [&](const Back&) {
                       if (m_screen == Screen::Consent) return consent_back();
                       if (m_screen != Screen::Question || idle || m_confirm_start_again || !m_session) return;
                       if (m_session->back()) {
                           m_error.clear();
                           m_list_first = 0;
                           sync_edit_buffers();
                       } else {
                           set_screen(Screen::Consent);  // Back from the first question: the privacy notice again
                       }
                   },
                   [&](const StartAgain&) {
                       if (m_screen != Screen::Question || idle) return;
                       if (m_closing) {
                           abandon(false);  // the response is saved: nothing to lose, nothing to ask
                           return;
                       }
                       m_confirm_start_again = true;
                   },
                   [&](const StartAgainConfirm& a) {
                       if (!m_confirm_start_again) return;
                       m_confirm_start_again = false;
                       if (a.yes) abandon(true);
                   },
                   [&](const StillHere&) {
                       if (!idle) return;
                       m_idle_since.reset();
                       touch();
                   },
                   [&](const ThanksDone&) {
                       if (m_screen == Screen::Thanks) abandon(false);
                   },
                   [&](const RetrySave&) {
                       if (m_screen == Screen::SaveFailed && try_save_unsaved()) show_saved();
                   },
                   [&](const PinDigit& a) {
                       if (m_screen != Screen::Admin || m_admin_unlocked || m_pin.size() >= 12) return;
                       if (a.digit >= '0' && a.digit <= '9') m_pin.push_back(a.digit);
                   },
                   [&](const PinBackspace&) {
                       if (m_screen == Screen::Admin && !m_pin.empty()) m_pin.pop_back();
                   },
                   [&](const PinSubmit&) {
                       if (m_screen != Screen::Admin || m_admin_unlocked) return;
                       const auto now = m_clock->steady_now();
                       if (m_locked_until && now < *m_locked_until) return;
                       if (m_config.pin_hash.empty()) {
                           m_admin_message = m_strings->get("en", "admin_no_pin");
                           m_pin.clear();
                           return;
                       }
                       const bool ok = verify_pin(m_config.pin_hash, m_pin);
                       std::fill(m_pin.begin(), m_pin.end(), '\0');
                       m_pin.clear();
                       if (ok) {
                           m_failed_pins = 0;
                           m_locked_until.reset();
                           persist_lockout(std::nullopt);
                           m_admin_message.clear();
                           if (m_pin_for == PinFor::Drafts) {  // the saved interviews, not the panel
                               purge_old_drafts();
                               refresh_drafts();
                               set_screen(Screen::Drafts);
                               touch();
                               return;
                           }
                           m_admin_unlocked = true;
                           m_admin_message.clear();
                           refresh_admin();
                           return;
                       }
                       ++m_failed_pins;
                       // Say how many tries are left: staff who know they have one more stop and look the PIN up.
                       if (const int left = m_config.lockout_after_attempts - m_failed_pins; left > 0)
                           m_admin_message = m_strings->count("en", "admin_wrong_pin_left", left);
                       else
                           m_admin_message = m_strings->get("en", "admin_wrong_pin_locks");
                       if (m_failed_pins >= m_config.lockout_after_attempts) {
                           const int doublings = std::min(m_failed_pins - m_config.lockout_after_attempts, 7);
                           auto lock = m_config.lockout_base * (1 << doublings);
                           lock = std::min<std::chrono::seconds>(lock, std::chrono::hours{1});
                           m_locked_until = now + lock;
                           persist_lockout(m_clock->wall_now() + lock);
                       } else {
                           persist_lockout(std::nullopt);
                       }
                   },
                   [&](const AdminClose&) {
                       if (m_screen != Screen::Admin) return;
                       m_admin_unlocked = false;
                       m_pin.clear();
                       m_admin_message.clear();
                       m_admin_stats.clear();
                       const bool back_ok = m_admin_return != Screen::Admin &&
                                            (m_admin_return != Screen::Question || m_session || m_closing) &&
                                            (m_admin_return != Screen::Consent || m_survey);
                       set_screen(back_ok ? m_admin_return : Screen::Attract);
                       touch();
                   },
                   [&](const AdminToggleSurvey& a) {
                       if (m_screen != Screen::Admin || !m_admin_unlocked || !find_survey(a.survey_id)) return;
                       if (!m_enabled.erase(a.survey_id)) m_enabled.insert(a.survey_id);
                       refresh_admin();  // the "Not ready" line follows
                   },
                   [&](const AdminSetMode& a) {
                       if (m_screen != Screen::Admin || !m_admin_unlocked) return;
                       // A kiosk resident's half-finished walk must never become a resumable draft.
                       if (m_session && a.mode != m_config.mode) {
                           m_admin_message = "Finish or wipe the survey in progress before switching mode.";
                           return;
                       }
                       m_config.mode = a.mode;
                       refresh_admin();
                   },
                   [&](const AdminSyncNow&) {
                       if (m_screen != Screen::Admin || !m_admin_unlocked || m_sync_port == nullptr) return;
                       m_sync_port->sync_now();
                   },
                   [&](const AdminExit&) {
                       if (m_screen != Screen::Admin || !m_admin_unlocked || m_confirm_exit) return;
                       // Completed responses that are not on disk yet would be lost with the process: say so now.
                       if (!m_unsaved.empty() && !try_save_unsaved()) {
                           m_admin_message = std::to_string(m_unsaved.size()) + " completed response(s) are not saved yet (" +
                                             m_save_error + "). Free disk space, then exit again.";
                           return;
                       }
                       // One tap next to "Sync now" must not stop the kiosk: ask, and say what happens.
                       m_confirm_exit = true;
                   },
                   [&](const AdminExitConfirm& a) {
                       if (m_screen != Screen::Admin || !m_admin_unlocked || !m_confirm_exit) return;
                       m_confirm_exit = false;
                       if (!a.yes) return;
                       if (!m_unsaved.empty() && !try_save_unsaved()) {  // a response completed meanwhile
                           m_admin_message = std::to_string(m_unsaved.size()) + " completed response(s) are not saved yet (" +
                                             m_save_error + "). Free disk space, then exit again.";
                           return;
                       }
                       m_quit = true;
                   },
                   [&](const OpenDrafts&) {
                       // The list holds other residents' unfinished answers: the worker's PIN first.
                       if (m_screen != Screen::Attract || m_config.mode != core::Mode::Assisted) return;
                       m_admin_return = Screen::Attract;
                       m_pin.clear();
                       m_admin_unlocked = false;
                       m_admin_message.clear();
                       set_screen(Screen::Admin);
                       m_pin_for = PinFor::Drafts;
                       touch();
                   },
                   [&](const ResumeDraft& a) {
                       if (m_screen != Screen::Drafts || !m_confirm_discard.empty()) return;
                       auto d = m_store->load_draft(a.id);
                       if (!d || !*d) {
                           m_drafts_message = d ? std::string("That interview is no longer saved.") : d.error().message;
                           refresh_drafts();
                           return;
                       }
                       auto survey = find_survey((*d)->info.survey_id);
                       if (!survey) {
                           m_drafts_message = "The survey '" + (*d)->info.survey_id + "' is not installed on this device.";
                           return;
                       }
                       const auto snapshot = nlohmann::json::parse((*d)->state, nullptr, false);
                       // A draft started before a survey update resumes on the version it was started with.
                       if (snapshot.is_object() && snapshot.value("survey_version", std::string()) != survey->version)
                           for (const auto& old : m_older_surveys)
                               if (old->id == survey->id && old->version == snapshot.value("survey_version", std::string()))
                                   survey = old;
                       auto s = core::Session::restore(survey, snapshot, *m_clock);
                       if (!s) {
                           m_drafts_message = "Cannot resume: " + s.error();
                           return;
                       }
                       m_survey = survey;
                       m_session.emplace(std::move(*s));
                       m_resumed_draft = a.id;
                       m_language = m_session->language();
                       m_error.clear();
                       m_list_first = 0;
                       sync_edit_buffers();
                       if (m_session->state() == core::Session::State::Finished)
                           (void)m_session->back();  // show the last question
                       set_screen(Screen::Question);
                       touch();
                       // An interview kept on a closing note has nothing left to answer: save it now.
                       if (m_session->only_notes_remain()) finish_before_notes();
                   },
                   [&](const DiscardDraft& a) {
                       // A draft holds a resident's answers and "Discard" sits next to "Resume": ask first.
                       if (m_screen != Screen::Drafts || idle || !m_confirm_discard.empty()) return;
                       if (std::ranges::any_of(m_drafts, [&](const auto& d) { return d.id == a.id; })) m_confirm_discard = a.id;
                   },
                   [&](const DiscardDraftConfirm& a) {
                       if (m_screen != Screen::Drafts || idle || m_confirm_discard.empty()) return;
                       const std::string id = std::exchange(m_confirm_discard, {});
                       touch();
                       if (!a.yes) return;
                       if (auto r = m_store->discard_draft(id); !r) m_drafts_message = r.error().message;
                       refresh_drafts();
                   },
                   [&](const CloseDrafts&) {
                       if (m_screen == Screen::Drafts && m_confirm_discard.empty()) set_screen(Screen::Attract);
                   },
               },
               action);
    // The respondent left (declined, finished, was wiped): a waiting survey update takes effect now.
    if (m_pending_surveys && !m_session && !m_survey) install_surveys(std::move(*m_pending_surveys));
#ifndef NDEBUG
    debug_check_invariants();
#endif
}

void App::tick() {
    const auto now = m_clock->steady_now();
    const auto page_before = page();
    // The hidden admin gesture: a finger held on the corner for admin_hold.
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
    // A survey update offered while a respondent was mid-survey: now that nobody is, it takes effect.
    if (m_pending_surveys && !m_session && !m_survey) install_surveys(std::move(*m_pending_surveys));
    // Time changed the page (the idle prompt appeared under a finger, the thank-you screen went back).
    if (page() != page_before) m_page_changed_at = now;
#ifndef NDEBUG
    debug_check_invariants();
#endif
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
    const auto lines = hours_admin_lines();
    std::fprintf(stderr, "fieldkiosk: %s\n", lines.front().c_str());  // "Opening hours: closed, opens Mon 09:00"
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
    if (!m_unsaved.empty()) consider(m_last_retry + m_config.save_retry);
    if (m_thanks_since) {
        consider(*m_thanks_since + m_config.thanks_return);
        second_boundary(*m_thanks_since);
    }
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

// ---------------------------------------------------------------- respondent

void App::start_session() {
    ++m_respondent;
    core::Session::Options o;
    o.language = survey_language(*m_survey);
    o.mode = m_config.mode;
    o.site = m_config.site;
    if (m_config.mode == core::Mode::Assisted) o.worker = m_config.worker;
    m_session.emplace(m_survey, std::move(o), *m_clock, *m_rng);
    if (m_survey->encryption) m_store->prepare_seal(*m_survey->encryption);  // the save then seals in microseconds
    m_resumed_draft.reset();
    m_closing.reset();
    m_error.clear();
    m_list_first = 0;
    sync_edit_buffers();
    touch();
    if (m_session->state() == core::Session::State::Finished) {
        finish();  // a survey with nothing to ask (every question irrelevant) completes at once
        return;
    }
    set_screen(Screen::Question);
    if (m_session->only_notes_remain()) finish_before_notes();  // nothing to ask, only notes to show
}

// Back on the consent screen: to the language screen it came from, or to the attract screen when there was none.
void App::consent_back() {
    if (m_full_privacy || !m_survey) return;
    if (asks_language(*m_survey)) {
        m_language_return = Screen::Consent;
        m_language_back = Screen::Attract;
        set_screen(Screen::Language);
        touch();
    } else {
        leave_survey();
    }
}

bool App::asks_language(const core::Survey& s) const {
    return m_config.ask_language && s.languages.size() > 1 && !(m_language_chosen && s.has_language(m_language));
}

// Back to the attract screen before a walk really began. A Session exists only if the resident had
// started and came back (Back from the first question): that is a drop-off, as "No thanks" would be.
void App::leave_survey() {
    if (m_session) {
        abandon(true);
        return;
    }
    m_survey.reset();
    m_language_return = Screen::Attract;
    m_language_back = Screen::Attract;
    set_screen(Screen::Attract);
    touch();
}

void App::abandon(bool record) {
    ++m_respondent;  // nothing the last respondent left in widget state reaches the next
    if (m_session && m_session->state() != core::Session::State::Completed && record) {
        const std::string last = m_session->state() == core::Session::State::Answering ? m_session->current().name : "(end)";
        if (m_config.mode == core::Mode::Assisted) {
            storage::Draft d;
            d.info.id = m_session->id();
            d.info.survey_id = m_session->survey().id;
            d.info.worker = m_config.worker;
            d.info.site = m_config.site;
            d.state = m_session->snapshot().dump();
            if (auto r = m_store->save_draft(d); !r)
                std::fprintf(stderr, "fieldkiosk: could not keep the interview as a draft: %s\n", r.error().message.c_str());
        } else if (auto r = m_store->record_dropoff(m_session->survey().id, last); !r) {
            std::fprintf(stderr, "fieldkiosk: could not count a drop-off: %s\n", r.error().message.c_str());
        }
    }
    // The wipe: nothing of this respondent stays reachable from the App.
    m_session.reset();
    std::fill(m_number_buffer.begin(), m_number_buffer.end(), '\0');
    m_number_buffer.clear();
    m_error.clear();
    m_survey.reset();
    m_resumed_draft.reset();
    m_closing.reset();
    m_list_first = 0;
    m_language = m_config.default_language;
    m_language_chosen = false;
    m_language_return = Screen::Attract;
    m_language_back = Screen::Attract;
    set_screen(Screen::Attract);
    touch();
}

void App::finish() {
    auto r = m_session->complete();
    if (!r) {  // a relevant question is invalid: go back to it
        m_error = r.error().message;
        m_closing.reset();
        (void)m_session->back();
        return;
    }
    m_unsaved.push_back(std::move(*r));
    m_session.reset();        // the completed response lives only in m_unsaved until it is durable
    m_resumed_draft.reset();  // its draft is removed by try_save_unsaved() once the response is durable
    if (try_save_unsaved())
        show_saved();
    else
        set_screen(Screen::SaveFailed);  // the closing notes (if any) follow once a retry succeeds
}

// Notes after the last question ask nothing, so residents leave on them (safety's "Where to get help").
// The response is complete once only notes remain: it is saved now, and the notes are shown after it, so
// that walking away or "Start again" there loses nothing and counts no drop-off. Relevance cannot change
// any more (notes hold no answer), so the notes to show are known now.
void App::finish_before_notes() {
    ClosingNotes c{m_session->survey_ptr(), m_session->remaining_shown(), 0, m_session->progress()};
    while (m_session->state() == core::Session::State::Answering)
        if (!m_session->next()) break;  // notes are always valid; a failure leaves finish() to report it
    if (m_session->state() != core::Session::State::Finished) return;
    m_closing = std::move(c);
    finish();
}

void App::show_saved() {
    if (m_closing && m_closing->at < m_closing->notes.size()) {
        m_list_first = 0;
        set_screen(Screen::Question);
        touch();  // a resident has the usual time to read each closing note
        return;
    }
    m_closing.reset();
    set_screen(Screen::Thanks);
}

bool App::try_save_unsaved() {
    m_last_retry = m_clock->steady_now();
    // Each response is tried on its own, so one that keeps failing cannot hold back the others.
    std::deque<core::Response> still_unsaved;
    std::string error;
    for (auto& response : m_unsaved) {
        auto r = m_store->save_completed(response);
        if (!r) {
            error = r.error().message;
            std::fprintf(stderr, "fieldkiosk: saving response %s failed (kept in memory, will retry): %s\n", response.id.c_str(),
                         r.error().message.c_str());
            still_unsaved.push_back(std::move(response));
            continue;
        }
        // A resumed interview's draft has the response's id. It goes only now that the response is
        // durable: until then the draft is the only copy on disk. (No draft: nothing to remove.)
        if (auto d = m_store->discard_draft(response.id); !d)
            std::fprintf(stderr, "fieldkiosk: response %s saved, but its draft was not removed: %s\n", response.id.c_str(),
                         d.error().message.c_str());
        if (m_sync_port != nullptr) m_sync_port->notify_response_completed();  // durable now: send it soon
    }
    m_unsaved = std::move(still_unsaved);
    m_save_error = m_unsaved.empty() ? std::string{} : error;
    return m_unsaved.empty();
}

// ---------------------------------------------------------------- editing

void App::sync_edit_buffers() {
    m_number_buffer.clear();
    m_limit_reached = false;
    if (!m_session || m_session->state() != core::Session::State::Answering) return;
    const auto& q = m_session->current();
    if (const auto* a = m_session->current_answer()) {
        if (q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) m_number_buffer = a->to_display();
    }
}

void App::edit_text(const std::string& add, bool backspace) {
    if (!m_session || m_session->state() != core::Session::State::Answering) return;
    const auto& q = m_session->current();
    const core::Answer* current = m_session->current_answer();
    if (q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) {
        std::string next = m_number_buffer;
        if (backspace)
            pop_utf8(next);
        else {
            for (char ch : add) {
                const bool digit = ch >= '0' && ch <= '9';
                const bool minus = ch == '-' && next.empty();
                const bool point = ch == '.' && q.type == core::QuestionType::Decimal && next.find('.') == std::string::npos;
                if (digit || minus || point) next.push_back(ch);
            }
            if (next.size() > 15) return;
        }
        m_number_buffer = next;
        m_error.clear();
        if (next.empty()) {
            m_session->clear_answer();
            return;
        }
        std::optional<core::Answer> a;
        if (q.type == core::QuestionType::Integer) {
            if (auto v = parse_int(next)) a = core::Answer::integer(*v);
        } else if (auto v = parse_decimal(next)) {
            a = core::Answer::decimal(*v);
        }
        if (a) {
            if (auto r = m_session->set_answer(*a); !r) m_error = r.error().message;
        } else {
            m_session->clear_answer();  // "3." or "-": not a number yet
        }
        return;
    }
    if (q.type == core::QuestionType::Text) {
        std::string text = current ? std::get<std::string>(current->data) : std::string{};
        if (backspace)
            pop_utf8(text);
        else
            text += add;
        // At the limit the key is refused and the counter in the field says so (QuestionVm::limit_reached);
        // an error box above the question would push the keyboard down under the fingers.
        m_limit_reached = !backspace && core::utf8_length(text) > static_cast<std::size_t>(q.max_length);
        if (m_limit_reached) return;
        if (auto r = m_session->set_answer(core::Answer::text(text)); !r)
            m_error = r.error().message;
        else
            m_error.clear();
        return;
    }
    if (q.is_select() && current) {  // the write-in of a chosen "other" choice
        core::Answer a = *current;
        if (backspace)
            pop_utf8(a.write_in);
        else
            a.write_in += add;
        m_limit_reached = !backspace && core::utf8_length(a.write_in) > core::k_max_write_in;
        if (m_limit_reached) return;
        if (auto r = m_session->set_answer(a); !r)
            m_error = r.error().message;
        else
            m_error.clear();
    }
}

// ---------------------------------------------------------------- admin, drafts

void App::refresh_admin() {
    m_admin_stats.clear();
    // First, in plain words, when residents are shown "This kiosk is not ready yet".
    if (m_surveys.empty())
        m_admin_stats.emplace_back(
            "Not ready: no survey files were found, so residents see \"This kiosk is not ready yet\". "
            "Reinstall the fieldkiosk package or check where the kiosk looks for surveys.");
    else if (enabled_survey_ids().empty())
        m_admin_stats.emplace_back(
            "Not ready: no survey is switched on, so residents see \"This kiosk is not ready yet\". "
            "Switch one on under Surveys offered.");
    auto st = m_store->stats();
    if (!st) {
        m_admin_stats.push_back("Cannot read the store: " + st.error().message);
        return;
    }
    for (const auto& s : st->surveys)
        m_admin_stats.push_back(s.survey_id + ": " + std::to_string(s.completed_today) + " today, " +
                                std::to_string(s.completed_total) + " in total");
    if (st->surveys.empty()) m_admin_stats.push_back("No completed responses yet.");
    std::string q = "Waiting to send: " + std::to_string(st->outbox.queued);
    if (st->outbox.oldest_queued_completed_at) {
        const auto oldest = parse_utc(*st->outbox.oldest_queued_completed_at);
        q += " (oldest from " +
             (oldest ? local_time_words(*oldest, m_clock->wall_now()) : *st->outbox.oldest_queued_completed_at) + ")";
    }
    m_admin_stats.push_back(q);
    m_admin_stats.push_back("Sent: " + std::to_string(st->outbox.acknowledged) +
                            "; kept aside: " + std::to_string(st->outbox.rejected + st->outbox.conflict));
    std::int64_t dropped = 0;
    for (const auto& d : st->dropoffs) dropped += d.count;
    m_admin_stats.push_back("Left unfinished: " + std::to_string(dropped) + "; drafts: " + std::to_string(st->drafts));
    std::string surveys = "Surveys:";
    for (const auto& s : m_surveys) surveys += (surveys.size() > 8 ? ", " : " ") + s->id + " v" + s->version;
    if (m_surveys_updated_at) {
        const std::time_t t = std::chrono::system_clock::to_time_t(*m_surveys_updated_at);
        std::tm tm{};
        localtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%d %b %H:%M", &tm);
        surveys += std::string(" (updated ") + buf + ")";
    }
    if (m_pending_surveys) surveys += "; an update waits for the current respondent to finish";
    m_admin_stats.push_back(std::move(surveys));
}

void App::set_sync(SyncPort* port) {
    m_sync_port = port;
    if (port != nullptr && m_closed) port->set_closed(true);
    m_sync = {};
    if (port != nullptr) {
        m_sync.state = SyncStatusVm::State::Starting;
    } else {
#if FIELDKIOSK_KIOSK_WITH_SYNC
        m_sync.off_reason = m_config.sync.server_url.empty()
                                ? "Sync is not set up: this kiosk has no server address yet. Whoever installs it sets one with "
                                  "fieldkiosk-ctl provision."
                                : "Sync is off.";
#else
        m_sync.off_reason = "Sync is not built into this kiosk.";
#endif
    }
}

void App::set_sync_status(SyncStatusVm status) {
    const bool counts_changed = status.queued != m_sync.queued || status.quarantined != m_sync.quarantined ||
                                status.delivered_total != m_sync.delivered_total;
    m_sync = std::move(status);
    if (counts_changed && m_screen == Screen::Admin && m_admin_unlocked) refresh_admin();  // "Sent: N" follows
}

namespace {

std::string local_time_words(std::chrono::system_clock::time_point t, std::chrono::system_clock::time_point now) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t), nt = std::chrono::system_clock::to_time_t(now);
    std::tm tm{}, ntm{};
    localtime_r(&tt, &tm);
    localtime_r(&nt, &ntm);
    char buf[32];
    if (tm.tm_year == ntm.tm_year && tm.tm_yday == ntm.tm_yday)
        std::strftime(buf, sizeof buf, "%H:%M today", &tm);
    else
        std::strftime(buf, sizeof buf, "%H:%M on %d %b %Y", &tm);
    return buf;
}

std::vector<std::string> sync_words(const SyncStatusVm& s, std::chrono::system_clock::time_point now) {
    using S = SyncStatusVm::State;
    std::vector<std::string> out;
    if (s.state == S::Off) {
        out.push_back(s.off_reason.empty() ? "Sync is not set up." : s.off_reason);
        return out;
    }
    switch (s.state) {
        case S::Off:
        case S::Starting:
            out.push_back("Sync: starting");
            break;
        case S::Idle:
            out.push_back("Sync: waiting for the next send");
            break;
        case S::Syncing:
            out.push_back("Sync: sending now");
            break;
        case S::UpToDate:
            out.push_back("Sync: up to date");
            break;
        case S::Waiting:
            out.push_back("Sync: the server asked us to wait; it will try again by itself");
            break;
        case S::Failing:
            out.push_back("Sync: not working; it will try again by itself");
            break;
    }
    out.push_back("Waiting to send: " + std::to_string(s.queued));
    out.push_back("Last successful sync: " +
                  (s.last_success ? local_time_words(*s.last_success, now) : std::string("none since the kiosk started")));
    if (!s.last_error.empty()) out.push_back("Problem: " + s.last_error);
    if (!s.survey_error.empty()) out.push_back(s.survey_error);
    out.push_back("Kept aside by the server: " + std::to_string(s.quarantined));
    return out;
}

// "17:00" today, "Mon 09:00" within the week, "Fri 2 Jan 09:00" further on (staff: English).
std::string short_when(const TimeZone& tz, std::chrono::system_clock::time_point t, std::chrono::system_clock::time_point now) {
    static constexpr const char* k_days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const LocalTime at = tz.to_local(t);
    const int days = tz.to_local(now).date.days_until(at.date);
    const std::string hhmm = format_hhmm(at.seconds / 60);
    if (days == 0) return hhmm;
    std::string out = k_days[at.date.weekday()];
    if (days >= 7) out += " " + std::to_string(at.date.day) + " " + k_months[at.date.month - 1];
    return out + " " + hhmm;
}

}  // namespace

std::vector<std::string> App::hours_admin_lines() const {
    std::vector<std::string> out;
    const auto& h = m_config.hours;
    if (!h.configured) {
        out.emplace_back("Opening hours: not set, always open");
    } else {
        const auto now = m_clock->wall_now();
        const auto next = next_hours_change();
        if (h.is_open(now, *m_tz))
            out.push_back("Opening hours: open now" +
                          (next ? ", closes " + short_when(*m_tz, *next, now) : std::string(", all the time")));
        else
            out.push_back("Opening hours: closed" +
                          (next ? ", opens " + short_when(*m_tz, *next, now) : std::string("; no opening in the coming year")));
    }
    for (const auto& p : h.problems) out.push_back("Problem: " + p);
    return out;
}

std::string App::closed_words() const {
    const auto now = m_clock->wall_now();
    const auto& h = m_config.hours;
    // The next opening (--goto closed may show Closed during opening hours: then the one after closing).
    std::optional<std::chrono::system_clock::time_point> opens = next_hours_change();
    if (opens && h.is_open(now, *m_tz)) opens = h.next_change(*opens, *m_tz);
    if (!opens) return m_strings->get(m_language, "closed_no_opening");
    const LocalTime at = m_tz->to_local(*opens);
    const int days = m_tz->to_local(now).date.days_until(at.date);
    const std::string time = std::to_string(at.seconds / 3600) + format_hhmm(at.seconds / 60).substr(2);  // "9:00"
    if (days <= 0) return fill(m_strings->get(m_language, "closed_opens_today"), {{"time", time}});
    if (days == 1) return fill(m_strings->get(m_language, "closed_opens_tomorrow"), {{"time", time}});
    std::string day = m_strings->get(m_language, "day_" + std::string(weekday_key(at.date.weekday())));
    if (days >= 7)
        day = fill(m_strings->get(m_language, "closed_date"),
                   {{"weekday", day},
                    {"d", std::to_string(at.date.day)},
                    {"month", m_strings->get(m_language, "month_" + std::to_string(at.date.month))}});
    return fill(m_strings->get(m_language, "closed_opens"), {{"time", time}, {"day", day}});
}

void App::purge_old_drafts() {
    auto list = m_store->list_drafts();
    if (!list) {
        std::fprintf(stderr, "fieldkiosk: could not check for old saved interviews: %s\n", list.error().message.c_str());
        return;
    }
    // saved_at is core::format_utc() text, whose order is time order: compare as text.
    const std::string cutoff = core::format_utc(m_clock->wall_now() - m_config.draft_max_age);
    int purged = 0;
    for (const auto& d : *list) {
        if (d.saved_at >= cutoff) continue;
        if (auto r = m_store->discard_draft(d.id); !r)
            std::fprintf(stderr, "fieldkiosk: could not delete an old saved interview: %s\n", r.error().message.c_str());
        else
            ++purged;
    }
    if (purged == 0) return;
    std::fprintf(stderr,
                 "fieldkiosk: deleted %d saved interview(s) not resumed within %lld hours ([assisted] draft_max_age_hours)\n",
                 purged, static_cast<long long>(m_config.draft_max_age.count()));
    if (m_screen == Screen::Drafts) refresh_drafts();
    if (auto left = m_store->list_drafts()) m_drafts_count = left->size();  // the attract screen's "Saved interviews (N)"
}

void App::refresh_drafts() {
    auto list = m_store->list_drafts();
    if (!list) {
        m_drafts.clear();
        m_drafts_message = list.error().message;
        return;
    }
    m_drafts = std::move(*list);
    // Where each interview stopped (its current question, in the kiosk's language), so that the worker
    // resumes the right one: the list only knows survey and time. Drafts are few; one read each.
    m_draft_stops.clear();
    for (const auto& d : m_drafts) {
        std::string label;
        auto full = m_store->load_draft(d.id);
        auto survey = find_survey(d.survey_id);
        if (full && *full && survey) {
            const auto snapshot = nlohmann::json::parse((*full)->state, nullptr, false);
            const std::string current = snapshot.is_object() ? snapshot.value("current", std::string()) : std::string();
            if (const auto* q = current.empty() ? nullptr : survey->find(current)) label = q->label.get(survey_language(*survey));
        }
        m_draft_stops.push_back(std::move(label));
    }
}

// "Saved today at 20:41", "yesterday", "on Tuesday 1 December": local time in words, not the stored ISO text.
std::string App::saved_words(std::string_view saved_at) const {
    const auto t = parse_utc(saved_at);
    if (!t) return std::string(saved_at);
    const LocalTime at = m_tz->to_local(*t);
    const int days = at.date.days_until(m_tz->to_local(m_clock->wall_now()).date);
    const std::string time = format_hhmm(at.seconds / 60);
    if (days == 0) return fill(m_strings->get(m_language, "drafts_saved_today"), {{"time", time}});
    if (days == 1) return fill(m_strings->get(m_language, "drafts_saved_yesterday"), {{"time", time}});
    const std::string date = fill(m_strings->get(m_language, "closed_date"),
                                  {{"weekday", m_strings->get(m_language, "day_" + std::string(weekday_key(at.date.weekday())))},
                                   {"d", std::to_string(at.date.day)},
                                   {"month", m_strings->get(m_language, "month_" + std::to_string(at.date.month))}});
    return fill(m_strings->get(m_language, "drafts_saved_on"), {{"date", date}, {"time", time}});
}

// ---------------------------------------------------------------- view

QuestionVm App::question_view() const {
    QuestionVm v;
    if (m_closing) {
        const auto& survey = *m_closing->survey;
        const auto& q = survey.questions[m_closing->notes[m_closing->at]];
        const std::string lang = survey_language(survey);
        v.survey_title = survey.title.get(lang);
        v.name = q.name;
        v.label = q.label.get(lang);
        v.hint = q.hint.get(lang);
        v.type = q.type;
        v.appearance = q.appearance;
        v.position = m_closing->progress.position + m_closing->at;
        v.total = m_closing->progress.total;
        v.can_back = false;  // the answers are saved: nothing to go back to
        v.closing = true;
        v.finish = m_closing->at + 1 == m_closing->notes.size();
        return v;
    }
    if (!m_session) return v;
    const auto& s = *m_session;
    const std::string& lang = s.language();
    v.survey_title = s.survey().title.get(lang);
    const auto p = s.progress();
    v.position = p.position;
    v.total = p.total;
    v.can_back = true;  // from the first question, Back returns to the notice
    v.error = m_error;
    v.list_first = m_list_first;
    if (s.state() != core::Session::State::Answering) return v;
    v.finish = s.on_last_question();
    const auto& q = s.current();
    v.name = q.name;
    v.label = q.label.get(lang);
    v.hint = q.hint.get(lang);
    v.type = q.type;
    v.appearance = q.appearance;
    v.max_length = q.type == core::QuestionType::Text ? q.max_length : static_cast<int>(core::k_max_write_in);
    v.limit_reached = m_limit_reached;
    const core::Answer* a = s.current_answer();
    for (const auto& c : q.choices) {
        ChoiceVm cv{c.value, c.label.get(lang), false, c.exclusive, c.other};
        if (a) {
            if (const auto* one = std::get_if<std::string>(&a->data)) cv.selected = *one == c.value;
            if (const auto* many = std::get_if<std::vector<std::string>>(&a->data))
                cv.selected = std::ranges::find(*many, c.value) != many->end();
        }
        if (cv.selected && c.other) {
            v.write_in = true;
            v.write_in_text = a->write_in;
            v.typed_length = core::utf8_length(a->write_in);
        }
        v.choices.push_back(std::move(cv));
    }
    v.scale_min = q.scale_min;
    v.scale_max = q.scale_max;
    v.min_label = q.min_label.get(lang);
    v.max_label = q.max_label.get(lang);
    if (a && q.type == core::QuestionType::Scale)
        if (const auto* i = std::get_if<std::int64_t>(&a->data)) v.scale_value = *i;
    if (q.type == core::QuestionType::Text && a)
        if (const auto* t = std::get_if<std::string>(&a->data)) {
            v.text = *t;
            v.typed_length = core::utf8_length(*t);
        }
    if (q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) v.text = m_number_buffer;
    return v;
}

ViewModel App::view() const {
    ViewModel v;
    v.screen = m_screen;
    v.respondent = m_respondent;
    v.lang = m_language;
    v.strings = m_strings;
    v.assisted = m_config.mode == core::Mode::Assisted;
    v.organisation = m_config.organisation;
    const auto now = m_clock->steady_now();
    if (m_idle_since) {
        v.idle_prompt = true;
        v.idle_seconds_total = static_cast<int>(m_config.idle_countdown.count());
        const auto left = m_config.idle_countdown - (now - *m_idle_since);
        v.idle_seconds_left = static_cast<int>(std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::seconds>(left).count()));
    }
    v.confirm_start_again = m_confirm_start_again;
    v.input_guard = now - m_page_changed_at < m_config.tap_guard;
    v.tap_guard_ms = static_cast<int>(m_config.tap_guard.count());
    // The language named in itself, from any survey that declares it.
    v.language_name = m_language;
    for (const auto& s : m_surveys)
        if (const auto* l = s->language(m_language)) {
            v.language_name = l->name;
            break;
        }
    switch (m_screen) {
        case Screen::Attract:
            for (const auto& s : m_surveys)
                if (is_enabled(*s))
                    v.tiles.push_back({s->id, s->title.get(survey_language(*s)), s->description.get(survey_language(*s)),
                                       s->estimated_minutes});
            v.drafts_count = m_drafts_count;
            break;
        case Screen::Language: {
            std::vector<const core::Survey*> sources;
            if (m_survey)
                sources.push_back(m_survey.get());
            else
                for (const auto& s : m_surveys)
                    if (is_enabled(*s)) sources.push_back(s.get());
            for (const auto* s : sources)
                for (const auto& l : s->languages) {
                    if (std::ranges::any_of(v.languages.items, [&](const auto& i) { return i.code == l.code; })) continue;
                    v.languages.items.push_back({l.code, l.name, l.code == m_language, l.status == core::LanguageStatus::Draft});
                }
            break;
        }
        case Screen::Consent:
            v.survey_title = m_survey ? m_survey->title.get(survey_language(*m_survey)) : std::string{};
            v.full_privacy = m_full_privacy;
            v.privacy_full_english_only = m_language != "en" && !m_strings->has(m_language, "privacy_full_text");
            break;
        case Screen::Question:
            v.question = question_view();
            break;
        case Screen::Thanks:
            if (m_thanks_since) {
                const auto left = m_config.thanks_return - (now - *m_thanks_since);
                v.thanks_seconds_left =
                    static_cast<int>(std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::seconds>(left).count()));
            }
            break;
        case Screen::SaveFailed:
            v.save_error = m_save_error;
            break;
        case Screen::Admin: {
            v.lang = "en";  // staff screens are English by design, like the figures on them (english_only_key)
            auto& a = v.admin;
            a.unlocked = m_admin_unlocked;
            a.pin_configured = !m_config.pin_hash.empty();
            a.for_drafts = m_pin_for == PinFor::Drafts;
            a.confirm_exit = m_confirm_exit;
            a.settings_problem = m_config.settings_problem;
            a.pin_length = m_pin.size();
            a.message = m_admin_message;
            if (m_locked_until && now < *m_locked_until)
                a.locked_seconds = static_cast<int>(std::chrono::ceil<std::chrono::seconds>(*m_locked_until - now).count());
            a.stats_lines = m_admin_stats;
            for (const auto& s : m_surveys)
                a.surveys.push_back({s->id, s->title.get("en"), is_enabled(*s),
                                     s->encryption ? seal::fingerprint_of(s->encryption->public_key).value_or("?") : ""});
            a.assisted = m_config.mode == core::Mode::Assisted;
            a.unsaved = m_unsaved.size();
            a.sync = m_sync;
            a.sync_lines = sync_words(m_sync, m_clock->wall_now());
            a.sync_available = m_sync_port != nullptr;
            a.hours_lines = hours_admin_lines();
            break;
        }
        case Screen::Closed:
            v.closed_message = closed_words();
            break;
        case Screen::Drafts:
            for (std::size_t i = 0; i < m_drafts.size(); ++i) {
                const auto& d = m_drafts[i];
                auto s = find_survey(d.survey_id);
                DraftsVm::Item item{d.id, s ? s->title.get(m_language) : d.survey_id, saved_words(d.saved_at), d.worker, {}};
                if (i < m_draft_stops.size() && !m_draft_stops[i].empty())
                    item.stopped_at = fill(m_strings->get(m_language, "drafts_stopped_at"), {{"question", m_draft_stops[i]}});
                v.drafts.items.push_back(std::move(item));
            }
            v.drafts.message = m_drafts_message;
            v.drafts.confirm_discard = m_confirm_discard;
            for (const auto& d : v.drafts.items)
                if (d.id == m_confirm_discard) v.drafts.confirm_discard_title = d.survey_title;
            break;
    }
    // "Are you still there?" is up because nobody touched the screen for a minute: whoever stands there
    // now may not be the resident. For its 20 s nothing of the answers (or the saved interviews, or the
    // staff figures) is drawn behind it; "I need more time" brings them back.
    if (v.idle_prompt) {
        v.question = QuestionVm{};
        v.drafts = DraftsVm{};
        v.admin.stats_lines.clear();
        v.admin.sync_lines.clear();
    }
    return v;
}

// ---------------------------------------------------------------- go_to

std::expected<void, std::string> App::go_to(std::string_view spec) {
    auto first_enabled = [&]() -> core::SurveyPtr {
        for (const auto& s : m_surveys)
            if (is_enabled(*s)) return s;
        return nullptr;
    };
    auto open = [&](core::SurveyPtr s) -> std::expected<void, std::string> {
        if (!s) return std::unexpected("no enabled survey");
        m_survey = std::move(s);
        set_screen(Screen::Consent);
        start_session();
        return {};
    };
    // Answers the current question with something valid (first non-exclusive choice, a middle value).
    auto answer_something = [&]() {
        const auto& q = m_session->current();
        if (q.is_select()) {
            for (const auto& c : q.choices)
                if (!c.exclusive && !c.other) {
                    (void)m_session->toggle_choice(c.value);
                    return;
                }
        } else if (q.type == core::QuestionType::Scale) {
            (void)m_session->set_answer(core::Answer::integer((q.scale_min + q.scale_max) / 2));
        } else if (q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) {
            edit_text("1", false);
        } else if (q.type == core::QuestionType::Text) {
            edit_text("-", false);
        }
    };
    if (spec == "attract") {
        set_screen(Screen::Attract);
        return {};
    }
    if (spec == "language") {
        m_survey = first_enabled();
        m_language_return = Screen::Consent;
        set_screen(Screen::Language);
        return {};
    }
    if (spec == "consent") {
        m_survey = first_enabled();
        if (!m_survey) return std::unexpected("no enabled survey");
        set_screen(Screen::Consent);
        return {};
    }
    if (spec == "idle") {
        auto r = go_to("question:" + (first_enabled() ? first_enabled()->id : std::string()) + ":");
        if (!r) return r;
        m_idle_since = m_clock->steady_now() - (m_config.idle_countdown - std::chrono::seconds{14});
        if (m_config.idle_countdown <= std::chrono::seconds{14}) m_idle_since = m_clock->steady_now();
        return {};
    }
    if (spec == "thanks") {
        m_survey = first_enabled();
        set_screen(Screen::Thanks);
        return {};
    }
    if (spec == "save_failed") {  // a completed response whose save failed (as on a full disk)
        if (auto r = open(first_enabled()); !r) return r;
        while (m_session->state() == core::Session::State::Answering) {
            if (!m_session->current_answer()) answer_something();
            if (!m_session->next()) return std::unexpected("cannot finish " + m_session->survey().id);
        }
        auto done = m_session->complete();
        if (!done) return std::unexpected(done.error().message);
        m_unsaved.push_back(std::move(*done));
        m_session.reset();
        m_save_error = "database or disk is full";
        set_screen(Screen::SaveFailed);
        return {};
    }
    if (spec == "admin" || spec == "admin:panel") {
        m_admin_return = Screen::Attract;
        set_screen(Screen::Admin);
        if (spec == "admin") {
            m_pin = "12";
        } else {
            m_admin_unlocked = true;
            refresh_admin();
        }
        return {};
    }
    if (spec == "closed") {
        if (!m_config.hours.configured) {  // no [hours]: a library's usual week, so that the sentence is real
            m_config.hours.configured = true;
            for (int d = 0; d < 5; ++d) m_config.hours.week[static_cast<std::size_t>(d)] = {{9 * 60, 17 * 60}};
            m_config.hours.week[5] = {{10 * 60, 16 * 60}};
            m_hours_cache = {};
        }
        set_screen(Screen::Closed);
        m_closed = true;  // no sync runs while taking a screenshot
        return {};
    }
    if (spec == "drafts") {
        m_config.mode = core::Mode::Assisted;
        // A realistic list: with none saved (the screenshot's throw-away database), one interview stopped
        // three questions in.
        if (auto list = m_store->list_drafts(); list && list->empty() && first_enabled()) {
            if (auto r = open(first_enabled()); !r) return r;
            for (int i = 0; i < 3 && m_session->state() == core::Session::State::Answering; ++i) {
                if (!m_session->current_answer()) answer_something();
                if (!m_session->next()) break;
            }
            storage::Draft d;
            d.info.id = m_session->id();
            d.info.survey_id = m_session->survey().id;
            d.info.worker = m_config.worker.empty() ? "Amina" : m_config.worker;
            d.state = m_session->snapshot().dump();
            if (auto r = m_store->save_draft(d); !r) return std::unexpected(r.error().message);
            m_session.reset();
            m_survey.reset();
        }
        refresh_drafts();
        set_screen(Screen::Drafts);
        return {};
    }
    if (spec.starts_with("question:")) {
        std::string rest(spec.substr(9));
        const auto c1 = rest.find(':');
        const std::string survey_id = rest.substr(0, c1);
        std::string name = c1 == std::string::npos ? std::string{} : rest.substr(c1 + 1);
        std::string choice;
        if (const auto c2 = name.find(':'); c2 != std::string::npos) {
            choice = name.substr(c2 + 1);
            name = name.substr(0, c2);
        }
        auto s = find_survey(survey_id);
        if (!s) return std::unexpected("no survey '" + survey_id + "'");
        if (auto r = open(s); !r) return r;
        if (!name.empty() && !s->find(name)) return std::unexpected("survey '" + survey_id + "' has no question '" + name + "'");
        while (!name.empty() && m_session->state() == core::Session::State::Answering && m_session->current().name != name) {
            if (!m_session->current_answer()) answer_something();
            auto r = m_session->next();
            if (!r) return std::unexpected("cannot pass " + m_session->current().name + ": " + r.error().message);
            sync_edit_buffers();
        }
        if (m_session->state() != core::Session::State::Answering)
            return std::unexpected("question '" + name + "' is not reachable with the first choices");
        if (!choice.empty() && !m_session->current().is_select()) {
            edit_text(choice, false);  // text and numbers: VALUE is typed
        } else if (!choice.empty()) {
            for (std::size_t pos = 0; pos <= choice.size();) {  // "a+b": several choices
                const auto plus = choice.find('+', pos);
                const auto one = choice.substr(pos, plus == std::string::npos ? std::string::npos : plus - pos);
                if (auto r = m_session->toggle_choice(one); !r)
                    return std::unexpected("choice '" + one + "': " + r.error().message);
                if (plus == std::string::npos) break;
                pos = plus + 1;
            }
        }
        m_last_activity = m_clock->steady_now();
        return {};
    }
    return std::unexpected("unknown screen '" + std::string(spec) +
                           "' (attract, language, consent, question:SURVEY:NAME[:CHOICE], thanks, idle, admin, admin:panel, "
                           "drafts, save_failed, closed)");
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
}

}  // namespace fieldkiosk::kiosk
