// Assisted mode's saved interviews: opening the list (behind the staff PIN), resuming, discarding, and
// deleting drafts older than [assisted] draft_max_age_hours.
#include "kiosk/app/app.hpp"

#include "kiosk/app/app_detail.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fieldkiosk::kiosk {

void App::on(const act::OpenDrafts&) {
    // The list holds other residents' unfinished answers: the worker's PIN first.
    if (m_screen != Screen::Attract || m_config.mode != core::Mode::Assisted) return;
    m_admin_return = Screen::Attract;
    m_pin.clear();
    m_admin_unlocked = false;
    m_admin_message.clear();
    set_screen(Screen::Admin);
    m_pin_for = PinFor::Drafts;
    touch();
}

void App::on(const act::ResumeDraft& a) {
    if (m_screen != Screen::Drafts || !m_confirm_discard.empty()) return;
    auto d = m_store->load_draft(a.id);
    if (!d || !*d) {
        m_drafts_message = d ? staff_words("admin_draft_gone") : d.error().message;
        refresh_drafts();
        return;
    }
    auto survey = find_survey((*d)->info.survey_id);
    if (!survey) {
        m_drafts_message = staff_words("admin_draft_survey_missing", {{"survey", (*d)->info.survey_id}});
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
        m_drafts_message = staff_words("admin_draft_cannot_resume", {{"error", s.error()}});
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
}

void App::on(const act::DiscardDraft& a) {
    const bool idle = m_idle_since.has_value();
    // A draft holds a resident's answers and "Discard" sits next to "Resume": ask first.
    if (m_screen != Screen::Drafts || idle || !m_confirm_discard.empty()) return;
    if (std::ranges::any_of(m_drafts, [&](const auto& d) { return d.id == a.id; })) m_confirm_discard = a.id;
}

void App::on(const act::DiscardDraftConfirm& a) {
    const bool idle = m_idle_since.has_value();
    if (m_screen != Screen::Drafts || idle || m_confirm_discard.empty()) return;
    const std::string id = std::exchange(m_confirm_discard, {});
    touch();
    if (!a.yes) return;
    if (auto r = m_store->discard_draft(id); !r) m_drafts_message = r.error().message;
    refresh_drafts();
}

void App::on(const act::CloseDrafts&) {
    if (m_screen == Screen::Drafts && m_confirm_discard.empty()) set_screen(Screen::Attract);
}

void App::purge_old_drafts() {
    auto list = m_store->list_drafts();
    if (!list) {
        log("could not check for old saved interviews: " + list.error().message);
        return;
    }
    // saved_at is core::format_utc() text, whose order is time order: compare as text.
    const std::string cutoff = core::format_utc(m_clock->wall_now() - m_config.draft_max_age);
    int purged = 0;
    for (const auto& d : *list) {
        if (d.saved_at >= cutoff) continue;
        if (auto r = m_store->discard_draft(d.id); !r)
            log("could not delete an old saved interview: " + r.error().message);
        else
            ++purged;
    }
    if (purged == 0) return;
    log("deleted " + std::to_string(purged) + " saved interview(s) not resumed within " +
        std::to_string(m_config.draft_max_age.count()) + " hours ([assisted] draft_max_age_hours)");
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
    const auto t = detail::parse_utc(saved_at);
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

}  // namespace fieldkiosk::kiosk
