// The acknowledge question (issue 12: XLSForm's and ODK's `acknowledge`), through core: the loader, the
// Session's tick and untick, `required`, answers from JSON and a terminal, and the response's value "OK".
#include "core/answer.hpp"
#include "core/loader.hpp"
#include "core/session.hpp"
#include "tests/support/fake_clock.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::core {
namespace {

std::string survey_with(const std::string& question) {
    return R"({"survey": "ack", "version": "1", "default_language": "en",
  "languages": [{"code": "en", "name": "English", "status": "complete"}],
  "title": {"en": "Ack"}, "description": {"en": "d"}, "estimated_minutes": 1,
  "questions": [)" + question + R"(,
    {"type": "text", "name": "after", "label": {"en": "Anything else?"}}]})";
}

const char* k_required = R"({"type": "acknowledge", "name": "agree", "label": {"en": "I have read the notice."},
                              "required": true})";

std::string problems(const LoadResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += d.to_string() + "\n";
    return out;
}

TEST(Acknowledge, LoadsAsItsOwnTypeWithNoChoices) {
    const auto r = load_survey_text(survey_with(k_required), "ack.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    const auto& q = r.survey->questions.front();
    EXPECT_EQ(q.type, QuestionType::Acknowledge);
    EXPECT_EQ(to_string(q.type), "acknowledge");
    EXPECT_TRUE(q.takes_answer());
    EXPECT_TRUE(q.choices.empty());
}

TEST(Acknowledge, ChoicesAnAppearanceOrADefaultOtherThanOkAreRefusedAtTheirField) {
    auto r = load_survey_text(survey_with(R"({"type": "acknowledge", "name": "agree", "label": {"en": "Read?"},
        "choices": [{"value": "yes", "label": {"en": "Yes"}}]})"), "ack.json");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(problems(r).find("agree.choices"), std::string::npos) << problems(r);
    r = load_survey_text(survey_with(R"({"type": "acknowledge", "name": "agree", "label": {"en": "Read?"}, "appearance": "likert"})"),
                         "ack.json");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(problems(r).find("agree.appearance"), std::string::npos) << problems(r);
    r = load_survey_text(survey_with(R"({"type": "acknowledge", "name": "agree", "label": {"en": "Read?"}, "default": "yes"})"),
                         "ack.json");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(problems(r).find("agree.default"), std::string::npos) << problems(r);
    r = load_survey_text(survey_with(R"({"type": "acknowledge", "name": "agree", "label": {"en": "Read?"}, "default": "OK"})"),
                         "ack.json");
    EXPECT_TRUE(r.ok()) << problems(r);
}

TEST(Acknowledge, ATapTicksItASecondTapUnticksItAndRequiredWaitsForTheTick) {
    const auto r = load_survey_text(survey_with(k_required), "ack.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    testing::FakeClock clock;
    SeededRng rng{3};
    Session s(r.survey, {}, clock, rng);
    const auto refused = s.next();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ValidationError::Kind::Required);
    ASSERT_TRUE(s.toggle_choice("OK"));
    ASSERT_NE(s.current_answer(), nullptr);
    EXPECT_EQ(std::get<std::string>(s.current_answer()->data), "OK");
    ASSERT_TRUE(s.toggle_choice("OK"));
    EXPECT_EQ(s.current_answer(), nullptr);
    EXPECT_EQ(s.toggle_choice("yes").error().kind, ValidationError::Kind::NotAChoice);
    EXPECT_EQ(s.set_answer(Answer::text("Yes")).error().kind, ValidationError::Kind::NotAChoice);
    ASSERT_TRUE(s.toggle_choice("OK"));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    EXPECT_EQ(s.current().name, "after");
    ASSERT_EQ(s.next(), Session::Step::ReachedEnd);
    const auto done = s.complete();
    ASSERT_TRUE(done);
    EXPECT_EQ(response_to_json(*done)["answers"]["agree"], "OK");  // ODK's acknowledge value
}

TEST(Acknowledge, AnswersFromJsonAndFromATerminal) {
    const auto r = load_survey_text(survey_with(k_required), "ack.json");
    ASSERT_TRUE(r.ok());
    const auto& q = r.survey->questions.front();
    EXPECT_EQ(std::get<std::string>(answer_from_json(q, "OK")->data), "OK");
    EXPECT_FALSE(answer_from_json(q, true));
    EXPECT_EQ(std::get<std::string>(answer_from_text(q, " ok ")->data), "OK");
    EXPECT_EQ(answer_from_text(q, "yes").error(), "'yes': an acknowledge question takes only OK");
}

}  // namespace
}  // namespace fieldkiosk::core
