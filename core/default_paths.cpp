#include "core/default_paths.hpp"

#include <cstdlib>

namespace fieldkiosk::core {

namespace fs = std::filesystem;

fs::path default_surveys_dir() {
    if (const char* env = std::getenv("FIELDKIOSK_SURVEYS"); env && *env) return env;
    std::error_code ec;
    // Both paths come from cmake/ProjectOptions.cmake (fieldkiosk::options).
    if (fs::is_directory(FIELDKIOSK_INSTALLED_SURVEYS_DIR, ec)) return FIELDKIOSK_INSTALLED_SURVEYS_DIR;
    if (fs::is_directory(FIELDKIOSK_SOURCE_SURVEYS_DIR, ec)) return FIELDKIOSK_SOURCE_SURVEYS_DIR;
    return "survey_defs";
}

}  // namespace fieldkiosk::core
