#include "tools/ctl/common.hpp"

#include "core/default_paths.hpp"
#include "tools/ctl/commands.hpp"

#include <cstdlib>
#include <exception>
#include <map>
#include <ostream>

namespace fieldkiosk::tools {

namespace fs = std::filesystem;

void add_survey_options(CLI::App& cmd, SurveyArgs& args) {
    cmd.add_option("SURVEY", args.survey, "Survey id (e.g. food) or path to a survey file");
    cmd.add_option("--survey", args.survey_id, "Survey id, looked up in the surveys folder");
    cmd.add_option("--surveys", args.surveys_dir,
                   "Folder of survey definitions (default: " + core::default_surveys_dir().string() + ")");
}

core::SurveyPtr resolve_survey(const SurveyArgs& args, std::ostream& err) {
    std::string wanted = !args.survey_id.empty() ? args.survey_id : args.survey;
    if (wanted.empty()) {
        err << "error: name a survey, by id (food) or by file (survey_defs/food.json)\n";
        return nullptr;
    }
    std::error_code ec;
    const bool looks_like_file = wanted.ends_with(".json") || wanted.find('/') != std::string::npos;
    if (looks_like_file || (fs::is_regular_file(wanted, ec) && args.survey_id.empty())) {
        auto result = core::load_survey_file(wanted);
        for (const auto& d : result.diagnostics) err << d.to_string() << "\n";
        return result.survey;
    }
    const fs::path dir = args.surveys_dir.empty() ? core::default_surveys_dir() : fs::path(args.surveys_dir);
    if (!fs::is_directory(dir, ec)) {
        err << "error: survey folder " << dir.string() << " does not exist (use --surveys DIR)\n";
        return nullptr;
    }
    const fs::path paths[] = {dir};
    auto catalog = core::load_paths(paths);
    if (auto s = catalog.find(wanted)) return s;
    for (const auto& d : catalog.diagnostics) err << d.to_string() << "\n";
    err << "error: no valid survey with id '" << wanted << "' in " << dir.string();
    if (!catalog.surveys.empty()) {
        err << " (available:";
        for (const auto& s : catalog.surveys) err << " " << s->id;
        err << ")";
    }
    err << "\n";
    return nullptr;
}

int run_ctl(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err) {
    CLI::App app{"fieldkiosk-ctl: check, try and operate fieldkiosk surveys without the touch screen.", "fieldkiosk-ctl"};
    app.set_version_flag("--version", std::string("fieldkiosk-ctl ") + FIELDKIOSK_VERSION);
    app.require_subcommand(1);
    app.footer(
        "Exit status: 0 success, 1 invalid survey/answers/data, 2 bad command line.\n"
        "Survey definitions: docs/survey_format.md. Run 'fieldkiosk-ctl VERB --help' for a verb's options.");
    std::map<CLI::App*, Runner> runners;
    // Each add_* registers one subcommand; remember its runner under that subcommand.
    auto reg = [&](Runner r) {
        auto all = app.get_subcommands([](CLI::App*) { return true; });
        runners.emplace(all.back(), std::move(r));
    };
    reg(add_validate(app, out, err));
    reg(add_expand(app, out, err));
    reg(add_walk(app, out, err));
    reg(add_preview(app, in, out, err));
    reg(add_stats(app, out, err));
    reg(add_export(app, out, err));
    reg(add_simulate(app, out, err));
    reg(add_check(app, out, err));
    reg(add_import(app, out, err));
    reg(add_export_xlsform(app, out, err));
    reg(add_export_xform(app, out, err));
    reg(add_voice(app, out, err));
#ifdef FIELDKIOSK_WITH_SYNC
    reg(add_sync(app, out, err));
#endif
#ifdef FIELDKIOSK_WITH_PROVISION
    reg(add_provision(app, in, out, err));
#endif
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << app.help();  // CLI11 prints the selected subcommand's help when there is one
        return k_exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return k_exit_ok;
    } catch (const CLI::CallForVersion&) {
        out << app.version() << "\n";
        return k_exit_ok;
    } catch (const CLI::ParseError& e) {
        err << "error: " << e.what() << "\n";
        for (auto* sub : app.get_subcommands())
            if (sub->parsed()) {
                err << "Run 'fieldkiosk-ctl " << sub->get_name() << " --help' for its options.\n";
                return k_exit_usage;
            }
        err << "Run 'fieldkiosk-ctl --help' for the verbs.\n";
        return k_exit_usage;
    }
    for (auto* sub : app.get_subcommands()) {
        if (!sub->parsed()) continue;
        try {
            return runners.at(sub)();
        } catch (const std::exception& e) {
            err << "fieldkiosk-ctl " << sub->get_name() << ": internal error: " << e.what() << "\n";
            return k_exit_invalid;
        }
    }
    return k_exit_usage;
}

}  // namespace fieldkiosk::tools
