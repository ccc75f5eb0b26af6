// The staff side: the PIN pad with its lock-out (kept across restarts), the admin panel's actions, its
// figures (refresh_admin()), sync and opening-hours lines.
#include "kiosk/app/app.hpp"

#include "seal/sealed_box.hpp"

#include "kiosk/app/app_detail.hpp"
#include "kiosk/settings/pin.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace fieldkiosk::kiosk {

// ---------------------------------------------------------------- actions

void App::on(const act::CornerHeld&) {
    m_corner_this_frame = true;
    if (!m_corner_since) m_corner_since = m_clock->steady_now();
}

void App::on(const act::PinDigit& a) {
    if (m_screen != Screen::Admin || m_admin_unlocked || m_pin.size() >= 12) return;
    if (a.digit >= '0' && a.digit <= '9') m_pin.push_back(a.digit);
}

void App::on(const act::PinBackspace&) {
    if (m_screen == Screen::Admin && !m_pin.empty()) m_pin.pop_back();
}

void App::on(const act::PinSubmit&) {
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
}

void App::on(const act::AdminClose&) {
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
}

void App::on(const act::AdminToggleSurvey& a) {
    if (m_screen != Screen::Admin || !m_admin_unlocked || !find_survey(a.survey_id)) return;
    if (!m_enabled.erase(a.survey_id)) m_enabled.insert(a.survey_id);
    refresh_admin();  // the "Not ready" line follows
}

void App::on(const act::AdminSetMode& a) {
    if (m_screen != Screen::Admin || !m_admin_unlocked) return;
    // A kiosk resident's half-finished walk must never become a resumable draft.
    if (m_session && a.mode != m_config.mode) {
        m_admin_message = staff_words("admin_mode_busy");
        return;
    }
    m_config.mode = a.mode;
    refresh_admin();
}

void App::on(const act::AdminSyncNow&) {
    if (m_screen != Screen::Admin || !m_admin_unlocked || m_sync_port == nullptr) return;
    m_sync_port->sync_now();
}

void App::on(const act::AdminExit&) {
    if (m_screen != Screen::Admin || !m_admin_unlocked || m_confirm_exit) return;
    // Completed responses that are not on disk yet would be lost with the process: say so now.
    if (!m_unsaved.empty() && !try_save_unsaved()) {
        m_admin_message = staff_words("admin_not_saved", {{"n", std::to_string(m_unsaved.size())}, {"error", m_save_error}});
        return;
    }
    // One tap next to "Sync now" must not stop the kiosk: ask, and say what happens.
    m_confirm_exit = true;
}

void App::on(const act::AdminExitConfirm& a) {
    if (m_screen != Screen::Admin || !m_admin_unlocked || !m_confirm_exit) return;
    m_confirm_exit = false;
    if (!a.yes) return;
    if (!m_unsaved.empty() && !try_save_unsaved()) {  // a response completed meanwhile
        m_admin_message = staff_words("admin_not_saved", {{"n", std::to_string(m_unsaved.size())}, {"error", m_save_error}});
        return;
    }
    m_quit = true;
}

// ---------------------------------------------------------------- lock-out

// The PIN lock-out outlives a restart (pulling the plug must not buy three more guesses): the failure
// count and the lock's end, in wall time, are kept in the store. Best effort: a store error only logs.
void App::persist_lockout(std::optional<std::chrono::system_clock::time_point> locked_until) {
    const auto ms =
        locked_until ? std::chrono::duration_cast<std::chrono::milliseconds>(locked_until->time_since_epoch()).count() : 0;
    auto a = m_store->set_setting("admin.failed_pins", std::to_string(m_failed_pins));
    auto b = m_store->set_setting("admin.locked_until_ms", std::to_string(ms));
    if (!a || !b)
        log("could not record the admin PIN lock-out: " + (!a ? a : b).error().message);
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

const char* sync_state_key(SyncStatusVm::State state) {
    using S = SyncStatusVm::State;
    switch (state) {
        case S::Off:
        case S::Starting:
            return "admin_sync_starting";
        case S::Idle:
            return "admin_sync_idle";
        case S::Syncing:
            return "admin_sync_syncing";
        case S::UpToDate:
            return "admin_sync_up_to_date";
        case S::Waiting:
            return "admin_sync_waiting";
        case S::Failing:
            return "admin_sync_failing";
    }
    return "admin_sync_starting";
}

std::vector<std::string> sync_words(const Strings& st, const SyncStatusVm& s, std::chrono::system_clock::time_point now) {
    auto say = [&](std::string_view key, std::initializer_list<std::pair<std::string_view, std::string>> values = {}) {
        return fill(st.get("en", key), values);
    };
    std::vector<std::string> out;
    if (s.state == SyncStatusVm::State::Off) {
        out.push_back(s.off_reason.empty() ? say("admin_sync_not_set_up") : s.off_reason);
        return out;
    }
    out.push_back(say(sync_state_key(s.state)));
    out.push_back(say("admin_waiting", {{"n", std::to_string(s.queued)}}));
    out.push_back(say("admin_sync_last_success",
                      {{"when", s.last_success ? local_time_words(*s.last_success, now) : say("admin_sync_never")}}));
    if (!s.last_error.empty()) out.push_back(say("admin_problem", {{"problem", s.last_error}}));
    if (!s.survey_error.empty()) out.push_back(s.survey_error);
    out.push_back(say("admin_sync_kept_aside", {{"n", std::to_string(s.quarantined)}}));
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

// ---------------------------------------------------------------- panel

void App::refresh_admin() {
    m_admin_stats.clear();
    // First, in plain words, when residents are shown "This kiosk is not ready yet".
    if (m_surveys.empty())
        m_admin_stats.push_back(staff_words("admin_not_ready_no_surveys"));
    else if (enabled_survey_ids().empty())
        m_admin_stats.push_back(staff_words("admin_not_ready_none_on"));
    auto st = m_store->stats();
    if (!st) {
        m_admin_stats.push_back(staff_words("admin_store_unreadable", {{"error", st.error().message}}));
        return;
    }
    for (const auto& s : st->surveys)
        m_admin_stats.push_back(staff_words("admin_survey_counts", {{"survey", s.survey_id},
                                                                    {"today", std::to_string(s.completed_today)},
                                                                    {"total", std::to_string(s.completed_total)}}));
    if (st->surveys.empty()) m_admin_stats.push_back(staff_words("admin_no_responses"));
    const std::string queued = std::to_string(st->outbox.queued);
    if (st->outbox.oldest_queued_completed_at) {
        const auto oldest = detail::parse_utc(*st->outbox.oldest_queued_completed_at);
        const std::string when =
            oldest ? local_time_words(*oldest, m_clock->wall_now()) : *st->outbox.oldest_queued_completed_at;
        m_admin_stats.push_back(staff_words("admin_waiting_oldest", {{"n", queued}, {"when", when}}));
    } else {
        m_admin_stats.push_back(staff_words("admin_waiting", {{"n", queued}}));
    }
    m_admin_stats.push_back(staff_words("admin_sent", {{"sent", std::to_string(st->outbox.acknowledged)},
                                                       {"aside", std::to_string(st->outbox.rejected + st->outbox.conflict)}}));
    std::int64_t dropped = 0;
    for (const auto& d : st->dropoffs) dropped += d.count;
    m_admin_stats.push_back(
        staff_words("admin_unfinished", {{"dropped", std::to_string(dropped)}, {"drafts", std::to_string(st->drafts)}}));
    std::string list;
    for (const auto& s : m_surveys) list += (list.empty() ? " " : ", ") + s->id + " v" + s->version;
    std::string surveys = staff_words("admin_surveys_list", {{"list", list}});
    if (m_surveys_updated_at) {
        const std::time_t t = std::chrono::system_clock::to_time_t(*m_surveys_updated_at);
        std::tm tm{};
        localtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%d %b %H:%M", &tm);
        surveys = staff_words("admin_surveys_updated", {{"line", surveys}, {"when", buf}});
    }
    if (m_pending_surveys) surveys = staff_words("admin_surveys_pending", {{"line", surveys}});
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
        m_sync.off_reason = staff_words(!m_config.sync.enabled() ? "admin_sync_no_server" : "admin_sync_off");
#else
        m_sync.off_reason = staff_words("admin_sync_not_built");
#endif
    }
}

void App::set_sync_status(SyncStatusVm status) {
    const bool counts_changed = status.queued != m_sync.queued || status.quarantined != m_sync.quarantined ||
                                status.delivered_total != m_sync.delivered_total;
    m_sync = std::move(status);
    if (counts_changed && m_screen == Screen::Admin && m_admin_unlocked) refresh_admin();  // "Sent: N" follows
}


std::vector<std::string> App::hours_admin_lines() const {
    std::vector<std::string> out;
    const auto& h = m_config.hours;
    if (!h.configured) {
        out.push_back(staff_words("admin_hours_not_set"));
    } else {
        const auto now = m_clock->wall_now();
        const auto next = next_hours_change();
        if (h.is_open(now, *m_tz))
            out.push_back(next ? staff_words("admin_hours_open_closes", {{"when", short_when(*m_tz, *next, now)}})
                               : staff_words("admin_hours_open_always"));
        else
            out.push_back(next ? staff_words("admin_hours_closed_opens", {{"when", short_when(*m_tz, *next, now)}})
                               : staff_words("admin_hours_closed_never"));
    }
    for (const auto& p : h.problems) out.push_back(staff_words("admin_problem", {{"problem", p}}));
    return out;
}

// The admin screen's part of view() (app_view.cpp).
void App::view_admin(ViewModel& v, steady::time_point now) const {
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
    for (const auto& s : m_surveys) {
        a.surveys.push_back(admin_toggle(*s, is_enabled(*s)));
        if (s->encryption) a.surveys.back().key_fingerprint = seal::fingerprint_of(s->encryption->public_key).value_or("?");
    }
    a.assisted = m_config.mode == core::Mode::Assisted;
    a.unsaved = m_unsaved.size();
    a.sync = m_sync;
    a.sync_lines = sync_words(*m_strings, m_sync, m_clock->wall_now());
    a.sync_lines.insert(a.sync_lines.end(), m_held_words.begin(), m_held_words.end());
    a.sync_available = m_sync_port != nullptr;
    a.hours_lines = hours_admin_lines();
}

}  // namespace fieldkiosk::kiosk
