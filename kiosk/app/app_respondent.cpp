// The respondent's walk: attract tile, language, consent, questions, closing notes, thanks; the wipe
// (abandon()), the durable save (finish(), try_save_unsaved()) and the text, write-in and number buffers.
#include "kiosk/app/app.hpp"

#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace fieldkiosk::kiosk {

namespace {

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

}  // namespace

std::string App::say(const core::ValidationError& e) const {
    if (e.key.empty()) return e.message;
    const std::string lang = m_session ? m_session->language() : m_language;
    return fill(m_strings->get(lang, e.key), {{"n", std::to_string(e.n)}, {"m", std::to_string(e.m)}});
}

// ---------------------------------------------------------------- actions

void App::on(const act::Activity&) {
    const bool idle = m_idle_since.has_value();
    if (!idle) touch();
}

void App::on(const act::OpenSurvey& a) {
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
}

void App::on(const act::OpenLanguage&) {
    const bool idle = m_idle_since.has_value();
    if (idle || m_screen == Screen::Language || m_screen == Screen::Admin || m_screen == Screen::Closed) return;
    m_language_return = m_screen;
    m_language_back = m_screen;
    set_screen(Screen::Language);
}

void App::on(const act::ChooseLanguage& a) {
    if (m_screen != Screen::Language) return;
    if (m_language_return == Screen::Attract) m_language_chosen = true;  // asked once is enough
    apply_language(a.code);
    set_screen(m_language_return);
}

// "Back": to the screen before, never on to the next
void App::on(const act::CloseLanguage&) {
    if (m_screen != Screen::Language) return;
    if (m_language_back == Screen::Attract && (m_survey || m_session))
        leave_survey();  // reached from a tile (or back from its consent): the walk never began
    else
        set_screen(m_language_back);
}

void App::on(const act::ShowFullPrivacy& a) {
    if (m_screen == Screen::Consent) m_full_privacy = a.show;
}

void App::on(const act::ConsentStart&) {
    if (m_screen != Screen::Consent || !m_survey) return;
    // Back from the first question leads here with the walk still in memory: Start
    // resumes it rather than silently replacing it (which would lose the answers, or
    // in assisted mode leave a resumed draft behind to be finished twice).
    if (m_session && m_session->survey().id == m_survey->id && m_session->state() == core::Session::State::Answering) {
        set_screen(Screen::Question);
        touch();
        return;
    }
    start_session();
}

void App::on(const act::ConsentDecline&) {
    // Counted as a drop-off only if a walk had started (Back from the first question).
    if (m_screen == Screen::Consent) abandon(true);
}

void App::on(const act::TapChoice& a) {
    const bool idle = m_idle_since.has_value();
    if (m_screen != Screen::Question || idle || m_confirm_start_again || !m_session) return;
    if (m_session->state() != core::Session::State::Answering) return;
    if (auto r = m_session->toggle_choice(a.value); !r)
        m_error = say(r.error());
    else
        m_error.clear();
}

void App::on(const act::SetScale& a) {
    const bool idle = m_idle_since.has_value();
    if (m_screen != Screen::Question || idle || m_confirm_start_again || !m_session) return;
    if (m_session->state() != core::Session::State::Answering) return;
    if (auto r = m_session->set_answer(core::Answer::integer(a.value)); !r)
        m_error = say(r.error());
    else
        m_error.clear();
}

void App::on(const act::StepDate& a) {
    const bool idle = m_idle_since.has_value();
    if (m_screen != Screen::Question || idle || m_confirm_start_again || !m_session) return;
    if (m_session->state() != core::Session::State::Answering || m_session->current().type != core::QuestionType::Date) return;
    if (a.part < 0 || a.part > 2) return;
    const LocalDate today = m_tz->to_local(m_clock->wall_now()).date;  // the injected clock: tests choose the day
    int& v = m_date[static_cast<std::size_t>(a.part)];
    if (v == 0) {
        v = a.part == 0 ? today.day : a.part == 1 ? today.month : today.year;
    } else if (a.part == 2) {
        v = std::clamp(v + a.by, 1900, today.year + 50);
    } else {
        const int n = a.part == 1 ? 12 : (m_date[1] != 0 && m_date[2] != 0 ? core::days_in_month(m_date[2], m_date[1]) : 31);
        v = ((v - 1 + a.by) % n + n) % n + 1;  // round: after 31 comes 1, before January December
    }
    if (m_date[0] == 0 || m_date[1] == 0 || m_date[2] == 0) return;
    m_date[0] = std::min(m_date[0], core::days_in_month(m_date[2], m_date[1]));  // 31 June becomes 30 June
    char iso[48];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", m_date[2], m_date[1], m_date[0]);
    if (auto r = m_session->set_answer(core::Answer::text(iso)); !r)
        m_error = say(r.error());
    else
        m_error.clear();
}

void App::on(const act::TypeText& a) {
    const bool idle = m_idle_since.has_value();
    if (m_screen == Screen::Question && !idle && !m_confirm_start_again) edit_text(a.utf8, Edit::Type);
}

void App::on(const act::Backspace&) {
    const bool idle = m_idle_since.has_value();
    if (m_screen == Screen::Question && !idle && !m_confirm_start_again) edit_text({}, Edit::Backspace);
}

void App::on(const act::ClearText&) {  // in one step, by the same rules as typing (issue 16)
    if (m_screen != Screen::Question || m_idle_since.has_value() || m_confirm_start_again) return;
    edit_text({}, Edit::Clear);
}

void App::on(const act::ListScroll& a) {
    if (m_screen == Screen::Question) m_list_first = a.first;
}

void App::on(const act::Next&) {
    const bool idle = m_idle_since.has_value();
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
        if ((q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) && !m_number_buffer.empty() &&
            m_session->current_answer() == nullptr) {
            m_error = m_strings->get(m_language, "number_invalid");
            return;
        }
        auto r = m_session->next();
        if (!r) {
            m_error = say(r.error());
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
}

void App::on(const act::Back&) {
    const bool idle = m_idle_since.has_value();
    if (m_screen == Screen::Consent) return consent_back();
    if (m_screen != Screen::Question || idle || m_confirm_start_again || !m_session) return;
    if (m_session->back()) {
        m_error.clear();
        m_list_first = 0;
        sync_edit_buffers();
    } else {
        set_screen(Screen::Consent);  // Back from the first question: the privacy notice again
    }
}

void App::on(const act::StartAgain&) {
    const bool idle = m_idle_since.has_value();
    if (m_screen != Screen::Question || idle) return;
    if (m_closing) {
        abandon(false);  // the response is saved: nothing to lose, nothing to ask
        return;
    }
    m_confirm_start_again = true;
}

void App::on(const act::StartAgainConfirm& a) {
    if (!m_confirm_start_again) return;
    m_confirm_start_again = false;
    if (a.yes) abandon(true);
}

void App::on(const act::StillHere&) {
    const bool idle = m_idle_since.has_value();
    if (!idle) return;
    m_idle_since.reset();
    touch();
}

void App::on(const act::ThanksDone&) {
    if (m_screen == Screen::Thanks) abandon(false);
}

void App::on(const act::RetrySave&) {
    if (m_screen == Screen::SaveFailed && try_save_unsaved()) show_saved();
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
            if (auto r = m_store->save_draft(d); !r) log("could not keep the interview as a draft: " + r.error().message);
        } else if (auto r = m_store->record_dropoff({m_session->survey().id, m_session->survey().version, last, m_config.site}); !r) {
            log("could not count a drop-off: " + r.error().message);
        }
    }
    // The wipe: nothing of this respondent stays reachable from the App.
    m_session.reset();
    std::fill(m_number_buffer.begin(), m_number_buffer.end(), '\0');
    m_number_buffer.clear();
    m_date = {};
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
        m_error = say(r.error());
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
            log("saving response " + response.id + " failed (kept in memory, will retry): " + r.error().message);
            still_unsaved.push_back(std::move(response));
            continue;
        }
        // A resumed interview's draft has the response's id. It goes only now that the response is
        // durable: until then the draft is the only copy on disk. (No draft: nothing to remove.)
        if (auto d = m_store->discard_draft(response.id); !d)
            log("response " + response.id + " saved, but its draft was not removed: " + d.error().message);
        if (m_sync_port != nullptr) m_sync_port->notify_response_completed();  // durable now: send it soon
    }
    m_unsaved = std::move(still_unsaved);
    m_save_error = m_unsaved.empty() ? std::string{} : error;
    return m_unsaved.empty();
}

// ---------------------------------------------------------------- editing

void App::sync_edit_buffers() {
    m_number_buffer.clear();
    m_date = {};
    m_limit_reached = false;
    if (!m_session || m_session->state() != core::Session::State::Answering) return;
    const auto& q = m_session->current();
    if (const auto* a = m_session->current_answer()) {
        if (q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) m_number_buffer = a->to_display();
        if (const auto* d = std::get_if<std::string>(&a->data); q.type == core::QuestionType::Date && d && core::is_iso_date(*d))
            m_date = {std::stoi(d->substr(8, 2)), std::stoi(d->substr(5, 2)), std::stoi(d->substr(0, 4))};
    }
}

void App::edit_text(const std::string& add, Edit how) {
    // The text after this key: the last character gone, all of it gone, or `add` appended.
    auto edited = [&](std::string text) {
        if (how == Edit::Clear)
            text.clear();
        else if (how == Edit::Backspace)
            pop_utf8(text);
        else
            text += add;
        return text;
    };
    if (!m_session || m_session->state() != core::Session::State::Answering) return;
    const auto& q = m_session->current();
    const core::Answer* current = m_session->current_answer();
    if (q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) {
        std::string next = m_number_buffer;
        if (how != Edit::Type)
            next = edited(next);
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
            if (auto r = m_session->set_answer(*a); !r) m_error = say(r.error());
        } else {
            m_session->clear_answer();  // "3." or "-": not a number yet
        }
        return;
    }
    if (q.type == core::QuestionType::Text) {
        const std::string text = edited(current ? std::get<std::string>(current->data) : std::string{});
        // At the limit the key is refused and the counter in the field says so (QuestionVm::limit_reached);
        // an error box above the question would push the keyboard down under the fingers.
        m_limit_reached = how == Edit::Type && core::utf8_length(text) > static_cast<std::size_t>(q.max_length);
        if (m_limit_reached) return;
        if (auto r = m_session->set_answer(core::Answer::text(text)); !r)
            m_error = say(r.error());
        else
            m_error.clear();
        return;
    }
    if (q.is_select() && current) {  // the write-in of a chosen "other" choice
        core::Answer a = *current;
        a.write_in = edited(std::move(a.write_in));
        m_limit_reached = how == Edit::Type && core::utf8_length(a.write_in) > core::k_max_write_in;
        if (m_limit_reached) return;
        if (auto r = m_session->set_answer(a); !r)
            m_error = say(r.error());
        else
            m_error.clear();
    }
}

}  // namespace fieldkiosk::kiosk
