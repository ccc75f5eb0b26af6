// go_to(): --goto for screenshots. Each screen is reached by applying the actions a person would apply
// (a tile, a language, Start, answers, Continue, the staff corner, the PIN typed digit by digit, the mode
// switch on the panel), so a screenshot shows what the state machine really produces. Three things no
// tap can do are staged, each in one place below and said so:
//   - time passing: the staff corner is held for admin_hold, the idle prompt is 14 s from its end, and
//     the page has been up longer than the tap guard (stage_settled());
//   - a full disk (save_failed): the completed response is left where a failed save leaves it;
//   - the opening hours (closed): a library's usual week when none is set, and the Closed period begun.
// The staff screens need a PIN: go_to() gives this App a throw-away one (stage_pin()). main() allows
// --goto only with --screenshot, so the kiosk proper never runs any of this.
#include "kiosk/app/app.hpp"

#include "kiosk/settings/pin.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fieldkiosk::kiosk {

namespace {

constexpr std::string_view k_staging_pin = "815047";

const std::string& staging_pin_hash() {  // Argon2id is slow on purpose: once per process
    static const std::string hash = hash_pin(k_staging_pin).value_or(std::string{});
    return hash;
}

constexpr int k_max_steps = 1000;  // no survey has as many questions: a loop that never ends is a bug

}  // namespace

std::expected<void, std::string> App::go_to(std::string_view spec) {
    std::expected<void, std::string> r;
    if (spec == "attract") {
        // Where the app starts.
    } else if (spec == "language") {
        if (const auto s = first_enabled()) {
            apply(act::OpenSurvey{s->id});
            if (m_screen != Screen::Language) apply(act::OpenLanguage{});  // ask_language = false: the button
        } else {
            apply(act::OpenLanguage{});
        }
    } else if (spec == "consent") {
        const auto s = first_enabled();
        if (!s) return std::unexpected("no enabled survey");
        apply(act::OpenSurvey{s->id});
        if (m_screen == Screen::Language) apply(act::ChooseLanguage{m_language});
    } else if (spec == "idle") {
        r = stage_question((first_enabled() ? first_enabled()->id : std::string()) + ":");
        if (r) {  // time: the prompt 14 s from its end (or just up, when the countdown is shorter)
            m_idle_since = m_clock->steady_now() - (m_config.idle_countdown - std::chrono::seconds{14});
            if (m_config.idle_countdown <= std::chrono::seconds{14}) m_idle_since = m_clock->steady_now();
        }
    } else if (spec == "thanks") {
        r = stage_open(first_enabled());
        for (int i = 0; r && m_screen == Screen::Question && i < k_max_steps; ++i) {
            if (m_session && !m_session->current_answer()) stage_answer();
            apply(act::Next{});
            if (!m_error.empty()) r = std::unexpected("cannot finish the survey: " + m_error);
        }
        if (r && m_screen != Screen::Thanks) r = std::unexpected("the survey did not end on the thank-you screen");
    } else if (spec == "save_failed") {
        r = stage_save_failed();
    } else if (spec == "admin" || spec == "admin:panel") {
        apply(act::CornerHeld{});
        if (m_corner_since) *m_corner_since -= m_config.admin_hold;  // time: the finger held long enough
        tick();
        if (m_screen != Screen::Admin) return std::unexpected("the staff corner did not open the PIN pad");
        if (spec == "admin") {
            apply(act::PinDigit{'1'});  // a PIN half typed
            apply(act::PinDigit{'2'});
        } else {
            r = stage_pin();
        }
    } else if (spec == "closed") {
        stage_closed();
    } else if (spec == "drafts") {
        r = stage_drafts();
    } else if (spec == "start_again") {
        // The first question answered, then "Start again": the question asked before the answers are cleared.
        const auto s = first_enabled();
        r = stage_open(s);
        if (r && m_session && !m_session->current_answer()) stage_answer();
        if (r) apply(act::StartAgain{});
        if (r && !m_confirm_start_again) r = std::unexpected("\"Start again\" did not ask first");
    } else if (spec.starts_with("question:")) {
        r = stage_question(spec.substr(9));
    } else {
        return std::unexpected("unknown screen '" + std::string(spec) +
                               "' (attract, language, consent, question:SURVEY:NAME[:CHOICE], thanks, start_again, idle, "
                               "admin, admin:panel, drafts, save_failed, closed)");
    }
    if (r) stage_settled();
    return r;
}

core::SurveyPtr App::first_enabled() const {
    for (const auto& s : m_surveys)
        if (is_enabled(*s)) return s;
    return nullptr;
}

// The tile, the language (the one the kiosk speaks), Start: on the first question.
std::expected<void, std::string> App::stage_open(const core::SurveyPtr& s) {
    if (!s) return std::unexpected("no enabled survey");
    if (!is_enabled(*s))
        return std::unexpected("survey '" + s->id + "' is switched off on this kiosk (enabled_surveys in the settings)");
    // Back to the attract screen first, as a person would leave a walk in progress.
    for (int i = 0; i < 4 && m_screen != Screen::Attract; ++i) {
        if (m_screen == Screen::Question) {
            apply(act::StartAgain{});
            apply(act::StartAgainConfirm{true});
        }
        if (m_screen == Screen::Consent) apply(act::ConsentDecline{});
        if (m_screen == Screen::Language) apply(act::CloseLanguage{});
        if (m_screen == Screen::Thanks) apply(act::ThanksDone{});
    }
    if (m_screen != Screen::Attract) return std::unexpected("a survey is opened from the attract screen");
    apply(act::OpenSurvey{s->id});
    if (m_screen == Screen::Language) apply(act::ChooseLanguage{m_language});
    apply(act::ConsentStart{});
    if (m_screen != Screen::Question && m_screen != Screen::Thanks)
        return std::unexpected("Start did not open survey '" + s->id + "'");
    return {};
}

// Answers the current question with something valid (first plain choice, a middle value), as taps would.
void App::stage_answer() {
    const auto& q = m_session->current();
    if (q.is_select()) {
        for (const auto& c : q.choices)
            if (!c.exclusive && !c.other) {
                apply(act::TapChoice{c.value});
                return;
            }
    } else if (q.type == core::QuestionType::Scale) {
        apply(act::SetScale{(q.scale_min + q.scale_max) / 2});
    } else if (q.type == core::QuestionType::Integer || q.type == core::QuestionType::Decimal) {
        apply(act::TypeText{"1"});
    } else if (q.type == core::QuestionType::Text) {
        apply(act::TypeText{"-"});
    } else if (q.type == core::QuestionType::Acknowledge) {
        apply(act::TapChoice{std::string(core::k_acknowledged)});
    } else if (q.type == core::QuestionType::Date) {
        for (int part = 0; part < 3; ++part) apply(act::StepDate{part, 1});
    }
}

// The staff PIN, typed on the pad. This App's PIN becomes a throw-away one: a screenshot cannot know the
// real one, and the settings file's hash must never be needed to take a picture.
std::expected<void, std::string> App::stage_pin() {
    if (staging_pin_hash().empty()) return std::unexpected("cannot hash the screenshot's PIN");
    m_config.pin_hash = staging_pin_hash();
    for (char d : k_staging_pin) apply(act::PinDigit{d});
    apply(act::PinSubmit{});
    if (m_screen == Screen::Admin && !m_admin_unlocked)
        return std::unexpected("the PIN pad did not open: " +
                               (m_admin_message.empty() ? std::string("it is locked after wrong PINs") : m_admin_message));
    return {};
}

// SURVEY:NAME[:CHOICE]: earlier questions answered and passed with Continue; CHOICE tapped ("a+b": several)
// or, for text and numbers, typed.
std::expected<void, std::string> App::stage_question(std::string_view rest_view) {
    const std::string rest(rest_view);
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
    if (!name.empty() && !s->find(name)) return std::unexpected("survey '" + survey_id + "' has no question '" + name + "'");
    if (auto r = stage_open(s); !r) return r;
    // The screen's question: the Session's current one, or a closing note shown after the save (issue 16).
    const auto shown = [this]() -> std::string {
        if (m_closing && m_closing->at < m_closing->notes.size())
            return m_survey->questions[m_closing->notes[m_closing->at]].name;
        if (m_session && m_session->state() == core::Session::State::Answering) return m_session->current().name;
        return {};
    };
    for (int i = 0; i < k_max_steps && !name.empty() && m_screen == Screen::Question && shown() != name; ++i) {
        const std::string at = shown();
        if (at.empty()) break;
        if (!m_closing && !m_session->current_answer()) stage_answer();
        apply(act::Next{});
        if (!m_error.empty()) return std::unexpected("cannot pass " + at + ": " + m_error);
    }
    if (m_screen != Screen::Question || (!name.empty() && shown() != name) || (!m_closing && !m_session))
        return std::unexpected("question '" + name + "' is not reachable with the first choices");
    if (m_closing && !choice.empty()) return std::unexpected("'" + name + "' is a note: it has no choices");
    if (!choice.empty() && m_session->current().type == core::QuestionType::Date) {
        for (int part = 0; part < 3; ++part) apply(act::StepDate{part, 1});  // any VALUE: today's, on the kiosk's clock
    } else if (!choice.empty() && !m_session->current().is_select() &&
               m_session->current().type != core::QuestionType::Acknowledge) {
        apply(act::TypeText{choice});  // text and numbers: VALUE is typed
    } else if (!choice.empty()) {
        for (std::size_t pos = 0; pos <= choice.size();) {  // "a+b": several choices
            const auto plus = choice.find('+', pos);
            const auto one = choice.substr(pos, plus == std::string::npos ? std::string::npos : plus - pos);
            const auto& q = m_session->current();
            const auto it = std::ranges::find_if(q.choices, [&](const auto& c) { return c.value == one; });
            if (it != q.choices.end() && q.appearance != core::Appearance::LongList)  // paged options: its page first
                apply(act::ListScroll{static_cast<std::size_t>(it - q.choices.begin())});
            apply(act::TapChoice{one});
            if (!m_error.empty()) return std::unexpected("choice '" + one + "': " + m_error);
            if (plus == std::string::npos) break;
            pos = plus + 1;
        }
    }
    apply(act::Activity{});
    return {};
}

// A completed response whose save failed, as on a full disk. The walk is the Session's own (Continue
// would save it); a full disk cannot be tapped, so the response is left where a failed save leaves it.
std::expected<void, std::string> App::stage_save_failed() {
    if (auto r = stage_open(first_enabled()); !r) return r;
    for (int i = 0; i < k_max_steps && m_session->state() == core::Session::State::Answering; ++i) {
        if (!m_session->current_answer()) stage_answer();
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

// Assisted mode, switched on the panel; with none saved (the screenshot's throw-away database), one
// interview stopped three questions in and kept by "Start again"; then "Saved interviews" and the PIN.
std::expected<void, std::string> App::stage_drafts() {
    if (m_config.mode != core::Mode::Assisted) {
        if (auto r = go_to("admin:panel"); !r) return r;
        apply(act::AdminSetMode{core::Mode::Assisted});
        apply(act::AdminClose{});
    }
    if (auto list = m_store->list_drafts(); list && list->empty() && first_enabled()) {
        if (m_config.worker.empty()) m_config.worker = "Amina";
        if (auto r = stage_open(first_enabled()); !r) return r;
        for (int i = 0; i < 3 && m_session && m_session->state() == core::Session::State::Answering; ++i) {
            if (!m_session->current_answer()) stage_answer();
            apply(act::Next{});
        }
        apply(act::StartAgain{});
        apply(act::StartAgainConfirm{true});
    }
    apply(act::OpenDrafts{});
    if (auto r = stage_pin(); !r) return r;
    if (m_screen != Screen::Drafts) return std::unexpected("the saved interviews did not open");
    return {};
}

// The hours are settings, not taps: a library's usual week when none is set, so that the sentence is real,
// and the Closed period begun (no sync runs while taking a screenshot).
void App::stage_closed() {
    if (!m_config.hours.configured) {
        m_config.hours.configured = true;
        for (int d = 0; d < 5; ++d) m_config.hours.week[static_cast<std::size_t>(d)] = {{9 * 60, 17 * 60}};
        m_config.hours.week[5] = {{10 * 60, 16 * 60}};
        m_hours_cache = {};
    }
    set_screen(Screen::Closed);
    m_closed = true;
}

// Time: the page has been up longer than the tap guard, so the screenshot shows its buttons as a resident
// who reads them first sees them.
void App::stage_settled() { m_page_changed_at = m_clock->steady_now() - m_config.tap_guard; }

}  // namespace fieldkiosk::kiosk
