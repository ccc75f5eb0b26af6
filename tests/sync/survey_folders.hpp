// Survey folders for the survey-update tests: a server's --surveys folder with a new version of the
// shipped food survey (and the shipped one kept as an old version), and a way to point a running
// Receiver at it.
#pragma once

#include "core/loader.hpp"
#include "sync/server/survey_library.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace fieldkiosk::testing {

inline constexpr const char* k_food_v1 = "2026.1";  // the shipped version
inline constexpr const char* k_food_v2 = "2026.2";

// `root`/surveys: a copy of survey_defs/ (blocks included). With `food_v2`, food.json becomes version
// 2026.2 titled "Food v2"; with `keep_v1`, the shipped food (2026.1) stays as archive/food-2026.1.json
// in its expanded, self-contained form (so it needs no blocks/ next to it).
inline std::filesystem::path server_surveys(const TempDir& root, bool food_v2, bool keep_v1) {
    namespace fs = std::filesystem;
    const fs::path dir = root.path() / "surveys";
    fs::create_directories(dir);
    fs::copy(FIELDKIOSK_SURVEY_DEFS_DIR, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    const fs::path shipped_food = fs::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "food.json";
    if (food_v2) {
        std::ifstream in(shipped_food);
        auto j = nlohmann::json::parse(in);
        j["version"] = k_food_v2;
        j["title"]["en"] = "Food v2";
        std::ofstream(dir / "food.json", std::ios::binary | std::ios::trunc) << j.dump(2);
    }
    if (keep_v1) {
        auto expanded = core::expand_survey_file(shipped_food);
        EXPECT_TRUE(expanded.has_value());
        fs::create_directories(dir / "archive");
        std::ofstream(dir / "archive" / "food-2026.1.json", std::ios::binary) << expanded.value_or("");
    }
    return dir;
}

// Restarts `server` (same port) validating against, and serving, every version in `folder`.
inline void serve_folder(Receiver& server, const std::filesystem::path& folder) {
    const std::filesystem::path paths[] = {folder};
    auto loaded = sync::server::SurveyLibrary::load(paths, /*strict=*/true);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().front();
    server.stop();
    server.validator = loaded->library->validator_ptr();
    server.start();
}

}  // namespace fieldkiosk::testing
