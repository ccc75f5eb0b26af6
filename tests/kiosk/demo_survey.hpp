// The kiosk tests' small demonstration surveys (tests/kiosk/data/NAME.json): loading one, and opening it on the
// kiosk through the language and privacy screens to its first question.
#pragma once

#include "core/loader.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace fieldkiosk::testing {

inline core::SurveyPtr load_kiosk_demo(const std::string& name) {
    auto r = core::load_survey_file(std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR).parent_path() / "tests/kiosk/data" / (name + ".json"));
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics.front().to_string());
    return r.survey;
}

inline void open_kiosk_demo(KioskFixture& f, const std::string& survey, const std::string& lang, const std::string& first_question) {
    f.app.apply(kiosk::act::OpenSurvey{survey});
    f.app.apply(kiosk::act::ChooseLanguage{lang});
    f.app.apply(kiosk::act::ConsentStart{});
    ASSERT_EQ(f.app.view().question.name, first_question);
}

}  // namespace fieldkiosk::testing
