// The staff side: the PIN pad with its lock-out (kept across restarts), the admin panel's actions, its
// figures (refresh_admin()), sync and opening-hours lines.
#include "kiosk/app/app.hpp"

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
        m_admin_message = "Finish or wipe the survey in progress before switching mode.";
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
        m_admin_message = std::to_string(m_unsaved.size()) + " completed response(s) are not saved yet (" +
                          m_save_error + "). Free disk space, then exit again.";
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
        m_admin_message = std::to_string(m_unsaved.size()) + " completed response(s) are not saved yet (" +
                          m_save_error + "). Free disk space, then exit again.";
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

// ---------------------------------------------------------------- panel

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
        const auto oldest = detail::parse_utc(*st->outbox.oldest_queued_completed_at);
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
    for (const auto& s : m_surveys) a.surveys.push_back({s->id, s->title.get("en"), is_enabled(*s)});
    a.assisted = m_config.mode == core::Mode::Assisted;
    a.unsaved = m_unsaved.size();
    a.sync = m_sync;
    a.sync_lines = sync_words(m_sync, m_clock->wall_now());
    a.sync_available = m_sync_port != nullptr;
    a.hours_lines = hours_admin_lines();
}

}  // namespace fieldkiosk::kiosk
