// fieldkiosk-ctl validate on indicator files (issue 10): the shipped set, and broken files with located problems.
#include "tests/support/temp_dir.hpp"
#include "tests/tools/ctl_runner.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fieldkiosk::tools {
namespace {

namespace fs = std::filesystem;
const fs::path k_surveys = FIELDKIOSK_SURVEY_DEFS_DIR;
using fieldkiosk::testing::ctl;

TEST(CtlValidateIndicators, ShippedFolderChecksItsIndicatorFilesToo) {
    auto r = ctl({"validate", k_surveys.string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    auto alone = ctl({"validate", (k_surveys / "indicators").string()});  // surveys found in the folder above
    EXPECT_EQ(alone.code, 0) << alone.out << alone.err;
    EXPECT_NE(alone.out.find("3 files checked"), std::string::npos) << alone.out;
}

TEST(CtlValidateIndicators, BrokenIndicatorFileIsLocatedAndFails) {
    fieldkiosk::testing::TempDir dir;
    const fs::path bad = dir.path() / "bad.json";
    std::ofstream(bad) << R"j({"survey": "food", "indicators": [
        {"id": "F9", "mission": "food", "kind": "proportion", "base": "${fies_helthy} = 'yes'",
         "numerator": "${fresh_produce_nearby} = 'Yes'", "label": {"en": "x"}, "caption": {"en": "y"}}]})j";
    auto r = ctl({"validate", k_surveys.string(), bad.string()});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find(bad.string() + ": F9.base: names ${fies_helthy}, which is not a question or calculated value of "
                                        "survey 'food' (did you mean ${fies_healthy}?)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find(bad.string() + ": F9.numerator: compares ${fresh_produce_nearby} with 'Yes'"), std::string::npos)
        << r.out;
}

}  // namespace
}  // namespace fieldkiosk::tools
