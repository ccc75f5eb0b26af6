// fieldkiosk-ctl validate PATH...: every problem in every survey and block, one per line.
// fieldkiosk-ctl expand FILE [-o OUT]: one survey as a single self-contained file (blocks inlined), as the
// server serves it to kiosks; used to freeze a version before changing the survey or its blocks.
#include "core/default_paths.hpp"
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"
#include "tools/ctl/indicator_check.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <ostream>

namespace fieldkiosk::tools {

Runner add_validate(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        std::vector<std::string> paths;
        bool json = false;
        bool quiet = false;
        bool all_versions = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("validate", "Check survey and block files (or folders of them); print every problem");
    cmd->add_option("PATH", args->paths,
                    "Survey, block or indicator files, or folders searched for *.json (default: the surveys folder; its "
                    "indicators/ folder is checked against its surveys)");
    cmd->add_flag("--json", args->json, "Print the problems as a JSON list of {file, question, field, message, line, column}");
    cmd->add_flag("-q,--quiet", args->quiet, "Print only the problems, not the summary");
    cmd->add_flag("--all-versions", args->all_versions,
                  "Allow several versions of one survey id, as a server's --surveys folder keeps them (the same id and "
                  "version twice is still a problem); the newest version of each is named in the summary");
    cmd->footer(
        "Each problem is printed as 'file: question.field: message'; a warning (how the kiosk will behave, e.g. a survey that "
        "ends on a note, shown after the answers are saved) as 'file: question: warning: message'.\nExit status: 0 when "
        "everything is valid (warnings or not), 1 when anything is invalid.");
    return [args, &out, &err] {
        std::vector<std::filesystem::path> paths(args->paths.begin(), args->paths.end());
        if (paths.empty()) paths.push_back(core::default_surveys_dir());
        const auto indicator_paths = take_indicator_paths(paths);  // survey_defs/indicators/ (docs/results.md)
        auto catalog = core::load_paths(paths, core::LoadOptions{.all_versions = args->all_versions});
        check_indicator_files(indicator_paths, catalog);
        // Warnings do not make a survey invalid (the exit status ignores them): they say how the kiosk will
        // behave where an author may expect otherwise. A survey that ends on notes: the kiosk saves the
        // response when the last question is answered and shows those notes after it (docs/kiosk.md).
        std::vector<std::string> warnings;
        for (const auto& s : catalog.surveys) {
            const auto notes = s->trailing_notes();
            if (notes.empty()) continue;
            std::string names;
            for (const auto i : notes) names += (names.empty() ? "'" : ", '") + s->questions[i].name + "'";
            warnings.push_back(s->file.string() + ": " + s->questions[notes.front()].name + ": warning: survey '" + s->id +
                               "' ends on the note" + (notes.size() == 1 ? " " : "s ") + names +
                               ". The kiosk saves the answers when the last question is answered and shows " +
                               (notes.size() == 1 ? "this note" : "these notes") +
                               " after that, with no way back to the answers. Move a note that must be read before the "
                               "answers are saved above the last question.");
        }
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
            for (const auto& w : warnings) err << w << "\n";  // standard output stays one JSON document
        } else {
            for (const auto& d : catalog.diagnostics) out << d.to_string() << "\n";
            if (!args->quiet)
                for (const auto& w : warnings) out << w << "\n";
            if (!args->quiet) {
                std::ostream& summary = catalog.diagnostics.empty() ? out : err;
                summary << catalog.files_checked << " file" << (catalog.files_checked == 1 ? "" : "s") << " checked, "
                        << catalog.surveys.size() << " valid survey" << (catalog.surveys.size() == 1 ? "" : "s") << ", "
                        << catalog.diagnostics.size() << " problem" << (catalog.diagnostics.size() == 1 ? "" : "s");
                if (!warnings.empty()) summary << ", " << warnings.size() << " warning" << (warnings.size() == 1 ? "" : "s");
                summary << "\n";
                if (args->all_versions)
                    for (const auto& s : catalog.current())
                        summary << "current: " << s->id << " " << s->version
                                << (s->enabled ? "" : " (disabled: not offered to kiosks)") << "\n";
            }
        }
        if (catalog.files_checked == 0 && catalog.diagnostics.empty()) {
            err << "error: no .json files found in the given paths\n";
            return k_exit_invalid;
        }
        return catalog.diagnostics.empty() ? k_exit_ok : k_exit_invalid;
    };
}

Runner add_expand(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        std::string file, output;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "expand", "Write one survey as a single self-contained file: includes inlined, exactly as the server serves it");
    cmd->add_option("FILE", args->file, "The survey file (its blocks are found relative to it)")->required();
    cmd->add_option("-o,--output", args->output,
                    "Write here instead of standard output; an existing file is never overwritten (an archived "
                    "version must not change)");
    cmd->footer(
        "Use it to freeze the version in use before you change a survey or a block it includes, e.g.\n"
        "  fieldkiosk-ctl expand surveys/food.json -o surveys/archive/food-2026.1.json\n"
        "then raise \"version\" in food.json: the server keeps accepting responses made with the old version.\n"
        "Exit status: 0 written, 1 the survey is invalid (every problem printed) or OUT exists or cannot be written, 2 "
        "bad command line.");
    return [args, &out, &err] {
        auto text = core::expand_survey_file(args->file);
        if (!text) {
            for (const auto& d : text.error()) err << d.to_string() << "\n";
            err << "error: " << args->file << " is not a valid survey; nothing written\n";
            return k_exit_invalid;
        }
        if (args->output.empty()) {
            out << *text;
            return k_exit_ok;
        }
        std::error_code ec;
        if (const auto parent = std::filesystem::path(args->output).parent_path(); !parent.empty())
            std::filesystem::create_directories(parent, ec);  // e.g. archive/; a failure shows in open() below
        // O_EXCL: an archived version is never overwritten by mistake.
        const int fd = ::open(args->output.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            err << "error: cannot create " << args->output << ": " << std::strerror(errno)
                << (errno == EEXIST ? " (an archived version is never overwritten; choose another name)" : "") << "\n";
            return k_exit_invalid;
        }
        std::size_t done = 0;
        while (done < text->size()) {
            const ssize_t n = ::write(fd, text->data() + done, text->size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        const bool ok = done == text->size() && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok) {
            err << "error: could not write all of " << args->output << ": " << std::strerror(errno) << "\n";
            ::unlink(args->output.c_str());
            return k_exit_invalid;
        }
        out << "wrote " << args->output << " (" << text->size() << " bytes, self-contained)\n";
        return k_exit_ok;
    };
}

}  // namespace fieldkiosk::tools
