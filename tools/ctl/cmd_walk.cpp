// fieldkiosk-ctl walk SURVEY --answers FILE: replay answers through Session to test skip logic.
#include "core/session.hpp"
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <ostream>
#include <set>

namespace fieldkiosk::tools {

using nlohmann::json;

namespace {

struct WalkArgs {
    SurveyArgs survey;
    std::string answers;
    std::string lang;
    bool json = false;
    std::optional<std::uint64_t> seed;
};

// The answers file: a JSON object from question name to answer. nullopt (after saying why on `err`) otherwise.
std::optional<json> read_answers(const std::string& path, std::ostream& err) {
    std::ifstream in(path);
    if (!in) {
        err << "error: cannot open answers file '" << path << "'\n";
        return std::nullopt;
    }
    json answers;
    try {
        answers = json::parse(in);
    } catch (const json::exception& e) {
        err << path << ": invalid JSON: " << e.what() << "\n";
        return std::nullopt;
    }
    if (!answers.is_object()) {
        err << path << ": must be a JSON object from question name to answer\n";
        return std::nullopt;
    }
    return answers;
}

// One walk through Session: what was shown, the errors, the answers used, and the response if it completed.
class Walk {
public:
    Walk(const core::SurveyPtr& survey, const json& answers, const WalkArgs& args, std::ostream& out)
        : m_survey(survey), m_answers(answers), m_args(args), m_out(out) {}

    // Replays the answers; prints as it goes unless --json. The process's exit status.
    int run() {
        core::SystemClock clock;
        std::unique_ptr<core::Rng> rng;
        if (m_args.seed)
            rng = std::make_unique<core::SeededRng>(*m_args.seed);
        else
            rng = std::make_unique<core::SystemRng>();
        core::Session session(m_survey, {.language = m_args.lang}, clock, *rng);
        if (!m_args.json) m_out << m_survey->id << " " << m_survey->version << " (" << session.language() << ")\n";
        check_names();
        const bool stopped = !answer_all(session);
        std::optional<core::Response> response;
        if (!stopped) {
            if (auto r = session.complete())
                response = std::move(*r);
            else
                report(r.error().question, r.error().message);
        }
        print(response);
        return response && m_errors.empty() ? k_exit_ok : k_exit_invalid;
    }

private:
    void report(const std::string& q, const std::string& msg) {
        m_errors.push_back({{"question", q}, {"message", msg}});
        if (!m_args.json) m_out << "  error   " << q << ": " << msg << "\n";
    }

    // A name that is not a question of this survey is a mistake in the answers file (a typo would otherwise
    // pass silently as "left unanswered").
    void check_names() {
        for (const auto& [name, _] : m_answers.items()) {
            const core::Question* q = m_survey->find(name);
            if (!q)
                report(name, "no question with this name in " + m_survey->id);
            else if (!q->takes_answer())
                report(name, "is a " + std::string(core::to_string(q->type)) + " question, which takes no answer");
        }
    }

    // Each question shown in order, answered from the file where it has an entry. False: a step was refused.
    bool answer_all(core::Session& session) {
        while (session.state() == core::Session::State::Answering) {
            const auto& q = session.current();
            const auto p = session.progress();
            m_shown.push_back(q.name);
            if (!m_args.json) m_out << "  shown   " << p.position << "/" << p.total << "  " << q.name << "\n";
            if (auto it = m_answers.find(q.name); it != m_answers.end()) answer(session, q, *it);
            if (auto step = session.next(); !step) {
                report(q.name, step.error().message);
                return false;
            }
        }
        return true;
    }

    void answer(core::Session& session, const core::Question& q, const json& given) {
        m_used.insert(q.name);
        auto a = core::answer_from_json(q, given);
        if (!a) {
            report(q.name, "answer " + given.dump() + " does not fit a " + std::string(core::to_string(q.type)) +
                               " question: " + a.error());
        } else if (auto set = session.set_answer(*a); !set) {
            report(q.name, "answer " + given.dump() + " refused: " + set.error().message);
        } else if (!m_args.json) {
            const core::Answer* now = session.current_answer();
            m_out << "  answer           " << q.name << " = " << (now ? now->to_display() : std::string("(left empty)"))
                  << "\n";
        }
    }

    void print(const std::optional<core::Response>& response) {
        json not_asked = json::array();
        for (const auto& [name, _] : m_answers.items())
            if (const auto* q = m_survey->find(name); q && q->takes_answer() && !m_used.contains(name))
                not_asked.push_back(name);
        if (m_args.json) {
            json result = {{"survey", m_survey->id}, {"shown", m_shown}, {"errors", m_errors}, {"not_asked", not_asked}};
            result["completed"] = response.has_value();
            if (response) result["response"] = core::response_to_json(*response);
            m_out << result.dump(2) << "\n";
            return;
        }
        for (const auto& n : not_asked) m_out << "  not asked (not relevant on this path): " << n.get<std::string>() << "\n";
        if (response)
            m_out << "response:\n" << core::response_to_json(*response).dump(2) << "\n";
        else
            m_out << "stopped: the walk did not reach the end\n";
    }

    const core::SurveyPtr& m_survey;
    const json& m_answers;
    const WalkArgs& m_args;
    std::ostream& m_out;
    json m_shown = json::array();
    json m_errors = json::array();
    std::set<std::string> m_used;
};

}  // namespace

Runner add_walk(CLI::App& app, std::ostream& out, std::ostream& err) {
    auto args = std::make_shared<WalkArgs>();
    auto* cmd = app.add_subcommand("walk", "Replay a set of answers through the survey, as a resident would give them");
    add_survey_options(*cmd, args->survey);
    cmd->add_option("--answers", args->answers,
                    "JSON file: {\"question\": answer, ...}; answer is \"value\", [\"v1\",\"v2\"], a number, "
                    "or {\"value\": ..., \"other\": \"write-in\"}")
        ->required();
    cmd->add_option("--lang", args->lang, "Language code (default: the survey's default language)");
    cmd->add_flag("--json", args->json, "Print one JSON object: shown, errors, not_asked, completed, response");
    cmd->add_option("--seed", args->seed, "Seed for the response id, for repeatable output");
    cmd->footer(
        "Questions are shown in order, honouring relevance. A question with no entry in the answers file keeps\n"
        "its default (if any) or is left unanswered; a required one stops the walk. Answers for questions\n"
        "that were not relevant on this path are listed; a name that is not a question is an error.\n"
        "Exit status: 0 when the walk completes with no error, 1 otherwise, 2 for a bad command line or file.");
    return [args, &out, &err]() -> int {
        auto survey = resolve_survey(args->survey, err);
        if (!survey) return k_exit_usage;
        const auto answers = read_answers(args->answers, err);
        if (!answers) return k_exit_usage;
        if (!args->lang.empty() && !survey->has_language(args->lang)) {
            err << "error: survey '" << survey->id << "' has no language '" << args->lang << "'\n";
            return k_exit_usage;
        }
        return Walk(survey, *answers, *args, out).run();
    };
}

}  // namespace fieldkiosk::tools
