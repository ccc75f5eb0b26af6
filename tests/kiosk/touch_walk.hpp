// Answering a question by touch, as a resident would: shared by the headless walks (ui_walk_test.cpp)
// and the end-to-end sync test (sync_e2e_test.cpp).
#pragma once

#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/kiosk/ui_driver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>

namespace fieldkiosk::testing {

// What the walk answered, in the stored JSON form, to compare with the saved response.
using Expected = std::map<std::string, nlohmann::json>;

// Answers the question on screen by touch and returns true if it answered something.
inline void answer_by_touch(UiDriver& ui, KioskFixture& f, Expected& expected, std::map<std::string, std::string>& write_ins) {
    const auto v = f.app.view();
    const auto& q = v.question;
    using core::QuestionType;
    switch (q.type) {
        case QuestionType::SelectOne: {
            // The last ordinary choice (exercises scrolling in long lists via the letter strip).
            std::size_t pick = 0;
            for (std::size_t i = 0; i < q.choices.size(); ++i)
                if (!q.choices[i].other && !q.choices[i].exclusive && q.choices[i].value.find("prefer") == std::string::npos)
                    pick = i;
            if (q.name == "age_band") pick = 1;  // 18-24: walks the young people's branch of youth
            const std::string id = "choice:" + q.choices[pick].value;
            if (!ui.has(id) && q.appearance == core::Appearance::LongList) {
                // The strip's initial (kiosk/widgets long_list): an ASCII letter upper-cased, '#' for any other script.
                const auto first = static_cast<unsigned char>(q.choices[pick].label[0]);
                const char letter = first < 0x80 ? static_cast<char>(std::toupper(first)) : '#';
                ASSERT_TRUE(ui.tap(std::string("list:letter:") + letter));
            }
            ASSERT_TRUE(ui.show(id));
            ASSERT_TRUE(ui.tap(id));
            expected[q.name] = q.choices[pick].value;
            break;
        }
        case QuestionType::SelectMultiple: {
            std::vector<std::string> chosen;
            for (const auto& c : q.choices)
                if (!c.exclusive && !c.other && chosen.size() < 2) {
                    ASSERT_TRUE(ui.show("choice:" + c.value));
                    ASSERT_TRUE(ui.tap("choice:" + c.value));
                    chosen.push_back(c.value);
                }
            for (const auto& c : q.choices)
                if (c.other) {  // choose "other" and type a write-in on the on-screen keyboard
                    ASSERT_TRUE(ui.show("choice:" + c.value));
                    ASSERT_TRUE(ui.tap("choice:" + c.value));
                    chosen.push_back(c.value);
                    for (const char* k : {"kb:shift", "kb:v", "kb:a", "kb:n", "kb:space", "kb:layer", "kb:acc:0:1"})
                        ASSERT_TRUE(ui.tap(k));
                    write_ins[q.name] = "Van é";
                    break;
                }
            // The stored order is the survey's order.
            std::vector<std::string> in_order;
            for (const auto& c : q.choices)
                if (std::find(chosen.begin(), chosen.end(), c.value) != chosen.end()) in_order.push_back(c.value);
            expected[q.name] = in_order;
            break;
        }
        case QuestionType::Scale:
            ASSERT_TRUE(ui.tap("scale:7"));
            expected[q.name] = 7;
            break;
        case QuestionType::Text:
            for (const char* k : {"kb:h", "kb:i"}) ASSERT_TRUE(ui.tap(k));
            expected[q.name] = "hi";
            break;
        case QuestionType::Integer:
        case QuestionType::Decimal:
            for (const char* k : {"keypad:4", "keypad:2"}) ASSERT_TRUE(ui.tap(k));
            expected[q.name] = 42;
            break;
        case QuestionType::Acknowledge:
            ASSERT_TRUE(ui.tap("choice:OK"));
            expected[q.name] = "OK";
            break;
        case QuestionType::Date:  // the first touch of each part: today's, on the fixture's clock
            for (const char* k : {"date:day:+1", "date:month:+1", "date:year:+1"}) ASSERT_TRUE(ui.tap(k));
            {
                const auto d = f.app.view().question.date;
                char iso[48];
                std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", d[2], d[1], d[0]);
                expected[q.name] = iso;
            }
            break;
        case QuestionType::Rank: {  // every choice, last first
            std::vector<std::string> order;
            for (auto c = q.choices.rbegin(); c != q.choices.rend(); ++c) {
                ASSERT_TRUE(ui.show("choice:" + c->value));
                ASSERT_TRUE(ui.tap("choice:" + c->value));
                order.push_back(c->value);
            }
            expected[q.name] = order;
            break;
        }
        case QuestionType::Note:
        case QuestionType::Calculate:
            break;
    }
}

}  // namespace fieldkiosk::testing
