// Steps the App tests share (tests/kiosk/app_*_test.cpp): a walk started as a resident starts it, an idle
// time-out, and everything a screen could draw from a view model.
#pragma once

#include "kiosk/app/app.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace fieldkiosk::testing {

// Attract -> tile -> language (en) -> consent -> Start.
inline void start(KioskFixture& f, const std::string& survey = "food", const std::string& lang = "en") {
    f.app.apply(kiosk::act::OpenSurvey{survey});
    ASSERT_EQ(f.app.screen(), kiosk::Screen::Language);
    f.app.apply(kiosk::act::ChooseLanguage{lang});
    ASSERT_EQ(f.app.screen(), kiosk::Screen::Consent);
    f.app.apply(kiosk::act::ConsentStart{});
    ASSERT_EQ(f.app.screen(), kiosk::Screen::Question);
}

inline void idle_out(KioskFixture& f) {
    f.clock.advance(std::chrono::seconds{60});
    f.app.tick();
    ASSERT_TRUE(f.app.idle_prompt());
    f.clock.advance(std::chrono::seconds{20});
    f.app.tick();
}

inline std::string everything_visible(const kiosk::ViewModel& v) {  // all text a screen could draw from this view
    std::string s = v.survey_title + "|" + v.question.label + "|" + v.question.hint + "|" + v.question.text + "|" +
                    v.question.write_in_text + "|" + v.question.error + "|" + v.save_error;
    for (const auto& c : v.question.choices) s += "|" + c.label + (c.selected ? "*" : "");
    for (const auto& t : v.tiles) s += "|" + t.title;
    for (const auto& l : v.admin.stats_lines) s += "|" + l;
    return s;
}

}  // namespace fieldkiosk::testing
