// fieldkiosk-ctl validate PATH...: every problem in every survey and block, one per line.
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>

namespace fieldkiosk::tools {

Runner add_validate(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        std::vector<std::string> paths;
        bool json = false;
        bool quiet = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("validate", "Check survey and block files (or folders of them); print every problem");
    cmd->add_option("PATH", args->paths, "Survey or block files, or folders searched for *.json (default: the surveys folder)");
    cmd->add_flag("--json", args->json, "Print the problems as a JSON list of {file, question, field, message, line, column}");
    cmd->add_flag("-q,--quiet", args->quiet, "Print only the problems, not the summary");
    cmd->footer(
        "Each problem is printed as 'file: question.field: message'.\nExit status: 0 when everything is valid, 1 when anything "
        "is invalid.");
    return [args, &out, &err] {
        std::vector<std::filesystem::path> paths(args->paths.begin(), args->paths.end());
        if (paths.empty()) paths.push_back(default_surveys_dir());
        const auto catalog = core::load_paths(paths);
        if (args->json) {
            auto list = nlohmann::json::array();
            for (const auto& d : catalog.diagnostics)
                list.push_back({{"file", d.file},
                                {"question", d.question},
                                {"field", d.field},
                                {"message", d.message},
                                {"line", d.line},
                                {"column", d.column}});
            out << list.dump(2) << "\n";
        } else {
            for (const auto& d : catalog.diagnostics) out << d.to_string() << "\n";
            if (!args->quiet) {
                std::ostream& summary = catalog.diagnostics.empty() ? out : err;
                summary << catalog.files_checked << " file" << (catalog.files_checked == 1 ? "" : "s") << " checked, "
                        << catalog.surveys.size() << " valid survey" << (catalog.surveys.size() == 1 ? "" : "s") << ", "
                        << catalog.diagnostics.size() << " problem" << (catalog.diagnostics.size() == 1 ? "" : "s") << "\n";
            }
        }
        if (catalog.files_checked == 0 && catalog.diagnostics.empty()) {
            err << "error: no .json files found in the given paths\n";
            return k_exit_invalid;
        }
        return catalog.diagnostics.empty() ? k_exit_ok : k_exit_invalid;
    };
}

}  // namespace fieldkiosk::tools
