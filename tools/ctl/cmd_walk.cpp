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

Runner add_walk(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        SurveyArgs survey;
        std::string answers;
        std::string lang;
        bool json = false;
        std::optional<std::uint64_t> seed;
    };
    auto args = std::make_shared<Args>();
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
        std::ifstream in(args->answers);
        if (!in) {
            err << "error: cannot open answers file '" << args->answers << "'\n";
            return k_exit_usage;
        }
        json answers;
        try {
            answers = json::parse(in);
        } catch (const json::exception& e) {
            err << args->answers << ": invalid JSON: " << e.what() << "\n";
            return k_exit_usage;
        }
        if (!answers.is_object()) {
            err << args->answers << ": must be a JSON object from question name to answer\n";
            return k_exit_usage;
        }
        if (!args->lang.empty() && !survey->has_language(args->lang)) {
            err << "error: survey '" << survey->id << "' has no language '" << args->lang << "'\n";
            return k_exit_usage;
        }

        core::SystemClock clock;
        std::unique_ptr<core::Rng> rng;
        if (args->seed)
            rng = std::make_unique<core::SeededRng>(*args->seed);
        else
            rng = std::make_unique<core::SystemRng>();
        core::Session session(survey, {.language = args->lang}, clock, *rng);

        json shown = json::array();
        json errors = json::array();
        std::set<std::string> used;
        auto report = [&](const std::string& q, const std::string& msg) {
            errors.push_back({{"question", q}, {"message", msg}});
            if (!args->json) out << "  error   " << q << ": " << msg << "\n";
        };
        if (!args->json) out << survey->id << " " << survey->version << " (" << session.language() << ")\n";
        // A name that is not a question of this survey is a mistake in the answers file (a typo would
        // otherwise pass silently as "left unanswered").
        for (const auto& [name, _] : answers.items()) {
            const core::Question* q = survey->find(name);
            if (!q)
                report(name, "no question with this name in " + survey->id);
            else if (!q->takes_answer())
                report(name, "is a " + std::string(core::to_string(q->type)) + " question, which takes no answer");
        }
        bool stopped = false;
        while (session.state() == core::Session::State::Answering) {
            const auto& q = session.current();
            const auto p = session.progress();
            shown.push_back(q.name);
            if (!args->json) out << "  shown   " << p.position << "/" << p.total << "  " << q.name << "\n";
            if (auto it = answers.find(q.name); it != answers.end()) {
                used.insert(q.name);
                auto a = core::answer_from_json(q, *it);
                if (!a) {
                    report(q.name, "answer " + it->dump() + " does not fit a " + std::string(core::to_string(q.type)) +
                                       " question: " + a.error());
                } else if (auto set = session.set_answer(*a); !set) {
                    report(q.name, "answer " + it->dump() + " refused: " + set.error().message);
                } else if (!args->json) {
                    const core::Answer* now = session.current_answer();
                    out << "  answer           " << q.name << " = " << (now ? now->to_display() : std::string("(left empty)"))
                        << "\n";
                }
            }
            if (auto step = session.next(); !step) {
                report(q.name, step.error().message);
                stopped = true;
                break;
            }
        }
        json not_asked = json::array();
        for (const auto& [name, _] : answers.items())
            if (const auto* q = survey->find(name); q && q->takes_answer() && !used.contains(name)) not_asked.push_back(name);
        json result = {{"survey", survey->id}, {"shown", shown}, {"errors", errors}, {"not_asked", not_asked}};
        std::optional<core::Response> response;
        if (!stopped) {
            if (auto r = session.complete())
                response = std::move(*r);
            else
                report(r.error().question, r.error().message);
        }
        result["completed"] = response.has_value();
        if (response) result["response"] = core::response_to_json(*response);
        if (args->json) {
            out << result.dump(2) << "\n";
        } else {
            for (const auto& n : not_asked) out << "  not asked (not relevant on this path): " << n.get<std::string>() << "\n";
            if (response)
                out << "response:\n" << core::response_to_json(*response).dump(2) << "\n";
            else
                out << "stopped: the walk did not reach the end\n";
        }
        return response && errors.empty() ? k_exit_ok : k_exit_invalid;
    };
}

}  // namespace fieldkiosk::tools
