// Shared pieces of fieldkiosk-ctl's verbs: finding the survey folder and a survey, exit codes.
#pragma once

#include "core/loader.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iosfwd>
#include <string>

namespace fieldkiosk::tools {

// Exit codes shared by every verb (documented in `fieldkiosk-ctl --help`).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_invalid = 1;  // invalid survey, answers or data
inline constexpr int k_exit_usage = 2;    // bad command line, missing file

struct SurveyArgs {
    std::string survey;       // positional: an id, or a path to a survey file
    std::string survey_id;    // --survey ID
    std::string surveys_dir;  // --surveys DIR
};
void add_survey_options(CLI::App& cmd, SurveyArgs& args);

// Loads the survey the arguments name; prints every diagnostic to `err` and returns null on failure.
[[nodiscard]] core::SurveyPtr resolve_survey(const SurveyArgs& args, std::ostream& err);

}  // namespace fieldkiosk::tools
