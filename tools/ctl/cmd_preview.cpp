// fieldkiosk-ctl preview SURVEY: walk a survey in the terminal, as a resident would on the kiosk.
// Nothing is saved: the response is printed at the end and then discarded.
#include "core/session.hpp"
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <istream>
#include <memory>
#include <ostream>

namespace fieldkiosk::tools {

namespace {

constexpr std::string_view k_help =
    "  Type a choice's number (or several, like 1,3) or a value, a number, or text, then Enter.\n"
    "  Enter alone: continue.   :b back   :c clear the answer   :l CODE language (e.g. :l es)\n"
    "  :o TEXT write-in for an 'other' choice   :? this help   :q quit without saving\n";

void print_question(const core::Session& s, std::ostream& out) {
    const auto& q = s.current();
    const auto& lang = s.language();
    const auto& def = s.survey().default_language;
    const auto p = s.progress();
    if (q.type == core::QuestionType::Note)  // notes are not questions and have no number
        out << "\n── Note ──  [" << q.name << "]\n";
    else
        out << "\n── Question " << p.position << " of about " << p.total << " ──  [" << q.name << "]\n";
    out << q.label.get(lang, def) << "\n";
    if (!q.hint.empty()) out << "  (" << q.hint.get(lang, def) << ")\n";
    const core::Answer* a = s.current_answer();
    if (q.is_select()) {
        // Only what a choice_filter offers, each with its number in the whole list (what answer_from_text reads).
        const auto offered = s.choices(s.current_index());
        if (offered.empty()) out << "  (No answer here fits the earlier answers: press Enter to continue.)\n";
        for (std::size_t i = 0; i < q.choices.size(); ++i) {
            const auto& c = q.choices[i];
            if (std::ranges::find(offered, &c) == offered.end()) continue;
            const bool on = a && core::list_contains(a->to_value().text(), c.value);
            out << "  " << (on ? "[x] " : "[ ] ") << (i + 1) << ") " << c.label.get(lang, def);
            if (c.other) out << "  (write-in: :o TEXT)";
            if (c.exclusive) out << "  (only this)";
            out << "\n";
        }
        if (q.type == core::QuestionType::SelectMultiple) out << "  Choose any that apply, e.g. 1,3\n";
        if (q.type == core::QuestionType::Rank) out << "  Put them in order, most preferred first, e.g. 3,1,2\n";
    } else if (q.type == core::QuestionType::Scale) {
        out << "  " << q.scale_min << " = " << q.min_label.get(lang, def) << " … " << q.scale_max << " = "
            << q.max_label.get(lang, def) << "\n";
    } else if (q.type == core::QuestionType::Note) {
        out << "  (Press Enter to continue)\n";
    } else if (q.type == core::QuestionType::Acknowledge) {
        out << "  Type OK to acknowledge\n";
    } else if (q.type == core::QuestionType::Date) {
        out << "  Type a date as YYYY-MM-DD, e.g. 2026-05-01\n";
    }
    if (a && (!q.is_select() || q.type == core::QuestionType::Rank)) out << "  Answer: " << a->to_display() << "\n";
    if (a && !a->write_in.empty()) out << "  Write-in: " << a->write_in << "\n";
    if (!q.required && q.takes_answer()) out << "  (optional)\n";
}

void print_intro(const core::Survey& survey, const core::Session& s, std::ostream& out) {
    const auto& def = survey.default_language;
    out << survey.title.get(s.language(), def) << " — about " << survey.estimated_minutes << " minutes\n"
        << survey.description.get(s.language(), def) << "\nLanguages:";
    for (const auto& l : survey.languages)
        out << " " << l.code << " (" << l.name << (l.status == core::LanguageStatus::Draft ? ", draft" : "") << ")";
    out << "\nPreview only: nothing you type is saved.\n" << k_help;
}

enum class Typed : std::uint8_t { Answer, Handled, Quit };

// The ":" commands (quit, help, back, clear, language, write-in); Typed::Answer when `line` is none of them.
Typed command(const std::string& line, core::Session& s, std::ostream& out) {
    if (line == ":q") {
        out << "Stopped: nothing saved.\n";
        return Typed::Quit;
    }
    if (line == ":?") {
        out << k_help;
    } else if (line == ":b") {
        if (!s.back()) out << "  (this is the first question)\n";
    } else if (line == ":c") {
        s.clear_answer();
    } else if (line.starts_with(":l ")) {
        if (!s.set_language(line.substr(3))) out << "  ! no language '" << line.substr(3) << "' in this survey\n";
    } else if (line.starts_with(":o ")) {
        const core::Answer* a = s.current_answer();
        if (!a) {
            out << "  ! choose the 'other' answer first\n";
            return Typed::Handled;
        }
        core::Answer with = *a;
        with.write_in = line.substr(3);
        if (auto r = s.set_answer(with); !r)
            out << "  ! " << r.error().message << "\n";
        else if (s.current_answer()->write_in.empty())
            out << "  ! a write-in goes with an 'other' answer\n";
    } else {
        return Typed::Answer;
    }
    return Typed::Handled;
}

// An answer typed to question q. True: move to the next question; false: stay (an error, an 'other' that
// waits for its write-in, or ticks of a select_multiple, where Enter continues).
bool answer(const std::string& line, const core::Question& q, core::Session& s, std::ostream& out) {
    auto a = core::answer_from_text(q, line);
    if (!a) {
        out << "  ! " << a.error() << "\n";
        return false;
    }
    if (const core::Answer* old = s.current_answer()) a->write_in = old->write_in;
    if (auto r = s.set_answer(*a); !r) {
        out << "  ! " << r.error().message << "\n";
        return false;
    }
    const core::Answer* now = s.current_answer();  // null if the input cleared the answer
    bool wants_write_in = false;
    if (now && q.is_select())
        for (const auto& c : q.choices)
            wants_write_in = wants_write_in || (c.other && core::list_contains(now->to_value().text(), c.value));
    if (wants_write_in && now->write_in.empty()) {
        out << "  Please describe (:o TEXT), or press Enter to continue.\n";
        return false;
    }
    return q.type != core::QuestionType::SelectMultiple;
}

// The walk, line by line from `in`, until the survey completes or input ends. The exit status.
int walk(core::Session& s, std::istream& in, std::ostream& out) {
    while (s.state() != core::Session::State::Completed) {
        if (s.state() == core::Session::State::Finished) {
            auto r = s.complete();
            if (!r) {
                out << "  ! " << r.error().message << "\n";
                (void)s.back();
                continue;
            }
            out << "\nThank you: the survey is complete. The response the kiosk would save:\n"
                << core::response_to_json(*r).dump(2) << "\n(preview: not saved)\n";
            return k_exit_ok;
        }
        print_question(s, out);
        out << "> " << std::flush;
        std::string line;
        if (!std::getline(in, line)) {
            out << "\nInput ended: preview stopped, nothing saved.\n";
            return k_exit_ok;
        }
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        const auto& q = s.current();
        const Typed typed = command(line, s, out);
        if (typed == Typed::Quit) return k_exit_ok;
        if (typed == Typed::Handled) continue;
        if (!line.empty() && q.takes_answer() && !answer(line, q, s, out)) continue;
        if (auto step = s.next(); !step) out << "  ! " << step.error().message << "\n";
    }
    return k_exit_ok;
}

}  // namespace

Runner add_preview(CLI::App& app, std::istream& in, std::ostream& out, std::ostream& err) {
    struct Args {
        SurveyArgs survey;
        std::string lang;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("preview", "Walk a survey interactively in the terminal (nothing is saved)");
    add_survey_options(*cmd, args->survey);
    cmd->add_option("--lang", args->lang, "Language code (default: the survey's default language)");
    cmd->footer(std::string("Keys during the walk:\n") + std::string(k_help));
    return [args, &in, &out, &err]() -> int {
        auto survey = resolve_survey(args->survey, err);
        if (!survey) return k_exit_usage;
        if (!args->lang.empty() && !survey->has_language(args->lang)) {
            err << "error: survey '" << survey->id << "' has no language '" << args->lang << "'\n";
            return k_exit_usage;
        }
        core::SystemClock clock;
        core::SystemRng rng;
        core::Session s(survey, {.language = args->lang}, clock, rng);
        print_intro(*survey, s, out);
        return walk(s, in, out);
    };
}

}  // namespace fieldkiosk::tools
