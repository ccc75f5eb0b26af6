// Read aloud (issue 11 item 4, EN 301 549 5.1.3; docs/read_aloud.md): what a screen says, the speaker button,
// the volume, "Read everything to me", stop on touch and the reset for the next respondent. The App only
// decides which files to play; the SpeechPort plays them (SDL2 audio in the real kiosk).
//
//   silent ──ReadAloud / page turned with "everything" on──▶ reading ──ends by itself──▶ silent
//      ▲                                                       │
//      └──── Touch, StopReading, page turned (switch off), next respondent (reset_read_aloud) ┘
#include "kiosk/app/app.hpp"

#include "core/read_aloud.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk {

void App::set_speech(SpeechPort* port, std::filesystem::path assets, std::filesystem::path generated_root) {
    m_speech = port;
    m_audio_assets = std::move(assets);
    m_audio_root = std::move(generated_root);
    if (m_speech != nullptr) m_speech->set_volume(static_cast<float>(m_volume) / ReadAloudVm::k_volume_levels);
    if (m_speech != nullptr) recheck_audio_hold();  // now that the kiosk knows where audio is, an update without it waits
}

std::optional<std::filesystem::path> App::audio_file(const core::Survey& s, std::string_view lang, std::string_view file) const {
    if (m_speech == nullptr) return std::nullopt;
    return core::find_audio(m_audio_assets, m_audio_root, s, lang, file);
}

std::optional<std::filesystem::path> App::ui_audio(std::string_view key) const {
    const std::string file = core::ui_audio_file(key);
    core::SurveyPtr own = m_session ? m_session->survey_ptr() : m_closing ? m_closing->survey : m_survey;
    if (own) return audio_file(*own, survey_language(*own), file);
    for (const auto& s : m_surveys)
        if (is_enabled(*s) && s->has_language(m_language))
            if (auto p = audio_file(*s, m_language, file)) return p;
    return std::nullopt;
}

bool App::survey_has_audio(const core::Survey& s) const {
    return std::ranges::any_of(s.languages, [&](const auto& l) { return audio_file(s, l.code, "survey-title.wav").has_value(); });
}

std::vector<std::filesystem::path> App::page_audio() const {
    std::vector<std::filesystem::path> out;
    if (m_speech == nullptr || m_confirm_start_again) return out;  // "start again?" has no audio of its own
    auto add_ui = [&](std::string_view key) {
        if (auto p = ui_audio(key)) out.push_back(std::move(*p));
    };
    if (m_idle_since) {
        add_ui("idle_heading");
        return out;
    }
    if (m_display_panel) {  // the "Aa" panel says what it is for; closing it reads the page under it again
        add_ui("display_heading");
        return out;
    }
    switch (m_screen) {
        case Screen::Language:
            // In the screen's language, then in each other language of the survey that has it: a resident who
            // reads none of the names on screen still hears "Choose your language" in their own.
            add_ui("language_heading");
            if (m_survey)
                for (const auto& l : m_survey->languages)
                    if (l.code != survey_language(*m_survey))
                        if (auto p = audio_file(*m_survey, l.code, core::ui_audio_file("language_heading")))
                            out.push_back(std::move(*p));
            break;
        case Screen::Consent:
            add_ui("consent_heading");
            break;
        case Screen::Thanks:
            add_ui("thanks_heading");
            add_ui("thanks_body");
            break;
        case Screen::Question:
            if (m_closing) {
                const auto& s = *m_closing->survey;
                const auto& q = s.questions[m_closing->notes[m_closing->at]];
                if (auto p = audio_file(s, survey_language(s), core::question_audio_file(q))) out.push_back(std::move(*p));
            } else if (m_session && m_session->state() == core::Session::State::Answering) {
                const auto& s = m_session->survey();
                const auto& q = m_session->current();
                const std::string& lang = m_session->language();
                // The question first: without it the choices alone would make no sense, so nothing is read.
                auto label = audio_file(s, lang, core::question_audio_file(q));
                if (!label) break;
                out.push_back(std::move(*label));
                // How to answer a rank question, as the screen shows it when the survey gives no hint of its own.
                if (q.type == core::QuestionType::Rank && !q.hint.has(lang)) add_ui("rank_hint");
                // Each file says its number in the full list ("2. No"): when a choice_filter hides some choices
                // those numbers are not the ones on screen, so only the question is read (docs/read_aloud.md).
                if (q.choice_filter && m_session->choices(m_session->current_index()).size() != q.choices.size()) break;
                for (std::size_t i = 0; i < q.choices.size(); ++i)
                    if (auto p = audio_file(s, lang, core::choice_audio_file(q, i + 1))) out.push_back(std::move(*p));
            }
            break;
        default:
            break;  // the attract screen belongs to nobody yet; the staff screens are not read
    }
    return out;
}

void App::read_page() {
    if (m_speech == nullptr) return;
    const auto files = page_audio();
    if (files.empty()) {
        m_speech->stop();
        return;
    }
    if (auto r = m_speech->play(files); !r) log("read aloud: " + r.error());
}

void App::stop_reading() {
    if (m_speech != nullptr) m_speech->stop();
}

void App::page_turned() {
    if (m_read_everything)
        read_page();
    else
        stop_reading();  // what was said belonged to the page that went
}

void App::reset_read_aloud() {
    m_read_everything = false;
    m_volume = ReadAloudVm::k_default_volume;
    if (m_speech == nullptr) return;
    m_speech->stop();
    m_speech->set_volume(static_cast<float>(m_volume) / ReadAloudVm::k_volume_levels);
}

void App::view_read_aloud(ViewModel& v) const {
    if (m_speech == nullptr) return;
    auto& r = v.read_aloud;
    r.available = !page_audio().empty();
    r.everything = m_read_everything;
    r.reading = m_speech->playing();
    r.volume = m_volume;
    if (m_screen == Screen::Language && !m_idle_since) {
        if (m_survey)
            r.can_switch = survey_has_audio(*m_survey);
        else
            r.can_switch = std::ranges::any_of(m_surveys, [&](const auto& s) { return is_enabled(*s) && survey_has_audio(*s); });
    }
}

// ---------------------------------------------------------------- actions

void App::on(const act::ReadAloud&) {
    if (m_idle_since) return;  // under the idle prompt only "I need more time" counts
    touch();
    read_page();  // pressed again: from the start again
}

void App::on(const act::StopReading&) { stop_reading(); }

void App::on(const act::SetVolume& a) {
    m_volume = std::clamp(a.level, 1, ReadAloudVm::k_volume_levels);
    if (m_speech != nullptr) m_speech->set_volume(static_cast<float>(m_volume) / ReadAloudVm::k_volume_levels);
    touch();
}

void App::on(const act::ReadEverything& a) {
    if (m_screen == Screen::Attract || m_screen == Screen::Closed || m_speech == nullptr) return;
    m_read_everything = a.on;
    touch();
    if (a.on)
        read_page();  // the spoken prompt after the touch: what this screen is for
    else
        stop_reading();
}

void App::on(const act::Touch&) { stop_reading(); }

}  // namespace fieldkiosk::kiosk
