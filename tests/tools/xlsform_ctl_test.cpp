// fieldkiosk-ctl import / export-xlsform (tools/ctl/cmd_xlsform.cpp), run in-process.
#include "core/loader.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/ctl_runner.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace fieldkiosk {
namespace {

using testing::ctl;
namespace fs = std::filesystem;

TEST(CtlXlsform, ExportThenImportWritesASurveyThatValidates) {
    testing::TempDir dir;
    const auto xlsx = (dir.path() / "food.xlsx").string();
    const auto json = (dir.path() / "survey_defs" / "food.json").string();
    auto r = ctl({"export-xlsform", "food", "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "-o", xlsx});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("wrote " + xlsx), std::string::npos);
    r = ctl({"import", xlsx, "-o", json});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(core::load_survey_file(json).ok());
    r = ctl({"validate", json});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST(CtlXlsform, NeverReplacesAFileWithoutForce) {
    testing::TempDir dir;
    const auto xlsx = (dir.path() / "food.xlsx").string();
    const auto json = (dir.path() / "food.json").string();
    ASSERT_EQ(ctl({"export-xlsform", "food", "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "-o", xlsx}).code, 0);
    std::ofstream(json) << "keep me";
    auto r = ctl({"import", xlsx, "-o", json});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("exists; nothing written (use --force"), std::string::npos) << r.err;
    std::ifstream in(json);
    std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(kept, "keep me");
    EXPECT_EQ(ctl({"export-xlsform", "food", "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "-o", xlsx}).code, 1);
    EXPECT_EQ(ctl({"import", xlsx, "-o", json, "--force"}).code, 0);
}

TEST(CtlXlsform, RefusalsNameTheFileAndNothingIsWritten) {
    testing::TempDir dir;
    const auto xls = (dir.path() / "old.xls").string();
    std::ofstream(xls, std::ios::binary) << std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) << std::string(64, '\0');
    const auto out = (dir.path() / "old.json").string();
    auto r = ctl({"import", xls, "-o", out});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(xls + ": this is an old Excel .xls file: open it in Excel or LibreOffice and save it as .xlsx"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(ctl({"import"}).code, 2);
    EXPECT_EQ(ctl({"export-xlsform", "nosuch", "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "-o", out}).code, 1);
}

TEST(CtlXlsform, ExportXformWritesTheFormToStandardOutputOrAFile) {
    auto r = ctl({"export-xform", "youth", "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("<data id=\"youth\" version=\""), std::string::npos);
    EXPECT_NE(r.out.find("jr:preload=\"uid\""), std::string::npos);
    testing::TempDir dir;
    const auto xml = (dir.path() / "youth.xml").string();
    EXPECT_EQ(ctl({"export-xform", "youth", "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "-o", xml}).code, 0);
    EXPECT_TRUE(fs::file_size(xml) > 1000);
    r = ctl({"export-xform", "youth", "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "-o", xml});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("exists"), std::string::npos);
}

}  // namespace
}  // namespace fieldkiosk
