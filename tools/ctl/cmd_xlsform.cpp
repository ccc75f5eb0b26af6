// fieldkiosk-ctl import FORM.xlsx [-o FILE.json]: an XLSForm workbook as a survey definition.
// fieldkiosk-ctl export-xlsform SURVEY -o FILE.xlsx: a survey as an XLSForm workbook that imports back to it.
// fieldkiosk-ctl export-xform SURVEY [-o FILE.xml]: the survey as an ODK XForm (pyxform's shape).
// (docs/xlsform.md; the mappings live in core/xlsform/.)
#include "core/atomic_file.hpp"
#include "core/xlsform/export.hpp"
#include "core/xlsform/import.hpp"
#include "core/xlsform/xform.hpp"
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"

#include <filesystem>
#include <memory>
#include <ostream>

namespace fieldkiosk::tools {

namespace fs = std::filesystem;

namespace {

// Writes `text` to `output` (atomically), or to `out` when output is empty. Refuses to replace a file
// unless `force`. Returns an exit code.
int write_output(const std::string& text, const std::string& output, bool force, std::ostream& out, std::ostream& err) {
    if (output.empty()) {
        out << text;
        return k_exit_ok;
    }
    std::error_code ec;
    if (fs::exists(output, ec) && !force) {
        err << "error: " << output << " exists; nothing written (use --force to replace it)\n";
        return k_exit_invalid;
    }
    if (auto w = core::write_file_atomically(output, text); !w) {
        err << "error: " << w.error().message << "\n";
        return k_exit_invalid;
    }
    return k_exit_ok;
}

}  // namespace

Runner add_import(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        std::string workbook, output;
        bool force = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("import", "Turn an XLSForm workbook (.xlsx) into a survey definition");
    cmd->add_option("FORM", args->workbook, "The XLSForm workbook (.xlsx)")->required();
    cmd->add_option("-o,--output", args->output, "Write the survey here, e.g. survey_defs/food.json (default: standard output)");
    cmd->add_flag("--force", args->force, "Replace OUTPUT if it exists");
    cmd->footer(
        "Every problem is printed as 'form.xlsx: sheet!CELL (column): message'; warnings (what is dropped or assumed) as "
        "'... warning: message'. The survey is written only when there is no problem, and it passes 'validate'.\n"
        "Exit status: 0 written, 1 the workbook cannot be imported (every problem printed) or OUTPUT cannot be written, "
        "2 bad command line. docs/xlsform.md");
    return [args, &out, &err] {
        const auto result = xlsform::import_file(args->workbook);
        for (const auto& p : result.problems) err << p.to_string() << "\n";
        if (!result.ok()) {
            err << "error: " << args->workbook << " was not imported; nothing written\n";
            return k_exit_invalid;
        }
        const int rc = write_output(result.survey.dump(2) + "\n", args->output, args->force, out, err);
        if (rc == k_exit_ok && !args->output.empty())
            out << "wrote " << args->output << " (survey '" << result.survey["survey"].get<std::string>() << "', "
                << result.survey["questions"].size() << " questions)\n";
        return rc;
    };
}

Runner add_export_xlsform(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        SurveyArgs survey;
        std::string output;
        bool force = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("export-xlsform", "Write a survey as an XLSForm workbook (.xlsx) to edit in a spreadsheet");
    add_survey_options(*cmd, args->survey);
    cmd->add_option("-o,--output", args->output, "The workbook to write, e.g. food.xlsx")->required();
    cmd->add_flag("--force", args->force, "Replace OUTPUT if it exists");
    cmd->footer(
        "The workbook imports back to the same survey ('fieldkiosk-ctl import'); blocks are inlined. What XLSForm has no "
        "column for is kept in extra columns that pyxform ignores (docs/xlsform.md).\n"
        "Exit status: 0 written, 1 the survey is invalid or OUTPUT cannot be written, 2 bad command line.");
    return [args, &out, &err] {
        const auto survey = resolve_survey(args->survey, err);
        if (!survey) return k_exit_invalid;
        std::error_code ec;
        if (fs::exists(args->output, ec) && !args->force) {
            err << "error: " << args->output << " exists; nothing written (use --force to replace it)\n";
            return k_exit_invalid;
        }
        if (auto w = xlsform::export_xlsform(*survey, args->output); !w) {
            err << "error: " << w.error() << "\n";
            return k_exit_invalid;
        }
        out << "wrote " << args->output << " (survey '" << survey->id << "' version " << survey->version << ", "
            << survey->questions.size() << " questions)\n";
        return k_exit_ok;
    };
}

Runner add_export_xform(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        SurveyArgs survey;
        std::string output;
        bool force = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("export-xform", "Write a survey as an ODK XForm, to publish on ODK Central or KoboToolbox");
    add_survey_options(*cmd, args->survey);
    cmd->add_option("-o,--output", args->output, "The XForm file to write (default: standard output)");
    cmd->add_flag("--force", args->force, "Replace OUTPUT if it exists");
    cmd->footer(
        "The XForm has pyxform's shape: itext per language, choices as secondary instances, one bind per question, "
        "meta/instanceID (docs/xlsform.md).\nExit status: 0 written, 1 the survey is invalid or OUTPUT cannot be written, "
        "2 bad command line.");
    return [args, &out, &err] {
        const auto survey = resolve_survey(args->survey, err);
        if (!survey) return k_exit_invalid;
        return write_output(xlsform::to_xform(*survey), args->output, args->force, out, err);
    };
}

}  // namespace fieldkiosk::tools
