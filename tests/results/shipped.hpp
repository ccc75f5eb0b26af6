// The shipped surveys and indicator files, loaded once per test program (tests/results/*).
#pragma once

#include "core/loader.hpp"
#include "results/indicator.hpp"

#include <filesystem>
#include <vector>

namespace fieldkiosk::results::testing {

inline const core::Catalog& shipped_surveys() {
    static const core::Catalog c = [] {
        const std::vector<std::filesystem::path> paths{FIELDKIOSK_SURVEY_DEFS_DIR};
        return core::load_paths(paths);
    }();
    return c;
}

inline SurveyLookup shipped_lookup() {
    return [](std::string_view id) { return shipped_surveys().find(id); };
}

inline const std::filesystem::path& shipped_indicators_dir() {
    static const std::filesystem::path p = std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "indicators";
    return p;
}

}  // namespace fieldkiosk::results::testing
