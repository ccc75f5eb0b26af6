// What the screens draw: view() and question_view(), and the Closed screen's sentence.
#include "kiosk/app/app.hpp"

#include "core/utf8.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk {

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
        v.position = m_closing->progress.position;  // notes are not questions: the count stays
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
    if (q.type == core::QuestionType::Rank && v.hint.empty()) v.hint = m_strings->get(lang, "rank_hint");  // how to rank
    v.type = q.type;
    v.appearance = q.appearance;
    v.max_length = q.type == core::QuestionType::Text ? q.max_length : static_cast<int>(core::k_max_write_in);
    v.limit_reached = m_limit_reached;
    const core::Answer* a = s.current_answer();
    for (const core::Choice* offered : s.choices(s.current_index())) {  // the choice_filter's choices, in order
        const core::Choice& c = *offered;
        ChoiceVm cv{c.value, c.label.get(lang), false, c.exclusive, c.other};
        if (a) {
            if (const auto* one = std::get_if<std::string>(&a->data)) cv.selected = *one == c.value;
            if (const auto* many = std::get_if<std::vector<std::string>>(&a->data)) {
                const auto it = std::ranges::find(*many, c.value);
                cv.selected = it != many->end();
                if (cv.selected && q.type == core::QuestionType::Rank) cv.rank = static_cast<int>(it - many->begin()) + 1;
            }
        }
        if (cv.selected && c.other) {
            v.write_in = true;
            v.write_in_text = a->write_in;
            v.typed_length = core::utf8_length(a->write_in);
        }
        v.choices.push_back(std::move(cv));
    }
    if (q.is_select() && v.choices.empty()) v.no_choices = m_strings->get(lang, "no_choices");
    if (q.type == core::QuestionType::Acknowledge)  // its one tick, labelled in the resident's language; the value is "OK"
        v.choices.push_back(ChoiceVm{std::string(core::k_acknowledged), m_strings->get(lang, "acknowledge_ok"), a != nullptr});
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
    if (q.type == core::QuestionType::Date) {
        v.date = m_date;
        if (m_date[1] != 0) v.date_month = m_strings->get(lang, "month_" + std::to_string(m_date[1]));
    }
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
    view_display(v);
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
        case Screen::Language:
            view_language(v);
            break;
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
        case Screen::Admin:
            view_admin(v, now);
            break;
        case Screen::Closed:
            v.closed_message = closed_words();
            break;
        case Screen::Drafts:
            view_drafts(v);
            break;
    }
    view_read_aloud(v);
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

void App::view_language(ViewModel& v) const {
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
}

void App::view_drafts(ViewModel& v) const {
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
}

}  // namespace fieldkiosk::kiosk
