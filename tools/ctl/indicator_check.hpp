// fieldkiosk-ctl validate, indicator files (issue 10): which paths are indicator files, and their check against
// the surveys they read (results/indicator.hpp). Problems are core::Diagnostic, printed like any survey problem.
#pragma once

#include "core/loader.hpp"

#include <filesystem>
#include <vector>

namespace fieldkiosk::tools {

// Moves out of `paths` every indicator file (a .json whose top level has "indicators") and every folder named
// `indicators`, and returns them. A surveys folder's own `indicators/` folder is added too (the survey loader
// skips it). Paths that do not exist are left for the survey loader to report.
[[nodiscard]] std::vector<std::filesystem::path> take_indicator_paths(std::vector<std::filesystem::path>& paths);

// Checks the indicator files found in `indicator_paths` against the surveys of `catalog` (or, for a survey it
// lacks, the surveys folder above the indicator file); adds problems to catalog.diagnostics and counts the files.
void check_indicator_files(const std::vector<std::filesystem::path>& indicator_paths, core::Catalog& catalog);

}  // namespace fieldkiosk::tools
