// The rank question (issue 12: XLSForm's `rank`, ODK's odk:rank), through core: the loader, the Session's
// taps giving each choice the next place or taking it out, answers from JSON and a terminal keeping their order.
#include "core/answer.hpp"
#include "core/loader.hpp"
#include "core/session.hpp"
#include "tests/support/fake_clock.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::core {
namespace {

std::string survey_with(const std::string& question) {
    return R"({"survey": "ranks", "version": "1", "default_language": "en",
  "languages": [{"code": "en", "name": "English", "status": "complete"}],
  "title": {"en": "Ranks"}, "description": {"en": "d"}, "estimated_minutes": 1,
  "questions": [)" + question + R"(]})";
}

const char* k_rank = R"({"type": "rank", "name": "priorities", "label": {"en": "What matters most?"}, "required": true,
  "choices": [{"value": "parks", "label": {"en": "Parks"}}, {"value": "buses", "label": {"en": "Buses"}},
              {"value": "housing", "label": {"en": "Housing"}}]})";

std::string problems(const LoadResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += d.to_string() + "\n";
    return out;
}

TEST(Rank, LoadsWithChoicesAndRefusesExclusiveOrWriteInChoicesAtTheirField) {
    auto r = load_survey_text(survey_with(k_rank), "ranks.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    const auto& q = r.survey->questions.front();
    EXPECT_EQ(q.type, QuestionType::Rank);
    EXPECT_EQ(to_string(q.type), "rank");
    EXPECT_TRUE(q.is_select());
    EXPECT_EQ(q.choices.size(), 3u);
    r = load_survey_text(survey_with(R"({"type": "rank", "name": "p", "label": {"en": "?"}})"), "ranks.json");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(problems(r).find("p.choices: is missing"), std::string::npos) << problems(r);
    r = load_survey_text(survey_with(R"({"type": "rank", "name": "p", "label": {"en": "?"},
        "choices": [{"value": "a", "label": {"en": "A"}}, {"value": "none", "label": {"en": "None"}, "exclusive": true},
                    {"value": "other", "label": {"en": "Other"}, "other": true}]})"), "ranks.json");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(problems(r).find("p.choices[1].exclusive: does not apply to a rank question"), std::string::npos) << problems(r);
    EXPECT_NE(problems(r).find("p.choices[2].other: does not apply to a rank question"), std::string::npos) << problems(r);
}

TEST(Rank, EachTapGivesTheNextPlaceAndASecondTapTakesItOut) {
    const auto r = load_survey_text(survey_with(k_rank), "ranks.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    testing::FakeClock clock;
    SeededRng rng{9};
    Session s(r.survey, {}, clock, rng);
    EXPECT_EQ(s.next().error().kind, ValidationError::Kind::Required);
    const auto order = [&] { return std::get<std::vector<std::string>>(s.current_answer()->data); };
    ASSERT_TRUE(s.toggle_choice("housing"));
    ASSERT_TRUE(s.toggle_choice("parks"));
    EXPECT_EQ(order(), (std::vector<std::string>{"housing", "parks"}));  // the tap order, not the survey's
    ASSERT_TRUE(s.toggle_choice("buses"));
    EXPECT_EQ(order(), (std::vector<std::string>{"housing", "parks", "buses"}));
    ASSERT_TRUE(s.toggle_choice("housing"));  // out: the others move up a place
    EXPECT_EQ(order(), (std::vector<std::string>{"parks", "buses"}));
    ASSERT_TRUE(s.toggle_choice("housing"));
    EXPECT_EQ(order(), (std::vector<std::string>{"parks", "buses", "housing"}));
    EXPECT_EQ(s.toggle_choice("trams").error().kind, ValidationError::Kind::NotAChoice);
    EXPECT_EQ(s.set_answer(Answer::choices({"parks", "parks"})).error().kind, ValidationError::Kind::NotAChoice);
    ASSERT_EQ(s.next(), Session::Step::ReachedEnd);
    const auto done = s.complete();
    ASSERT_TRUE(done);
    EXPECT_EQ(response_to_json(*done)["answers"]["priorities"], nlohmann::json({"parks", "buses", "housing"}));
    EXPECT_EQ(done->answers.front().second.to_value().text(), "parks buses housing");  // ODK's rank value
}

TEST(Rank, RankingOnlySomeIsAnAnswerAndUntappingAllClearsIt) {
    const auto r = load_survey_text(survey_with(k_rank), "ranks.json");
    ASSERT_TRUE(r.ok());
    testing::FakeClock clock;
    SeededRng rng{9};
    Session s(r.survey, {}, clock, rng);
    ASSERT_TRUE(s.toggle_choice("buses"));
    ASSERT_TRUE(s.toggle_choice("buses"));
    EXPECT_EQ(s.current_answer(), nullptr);
    ASSERT_TRUE(s.toggle_choice("buses"));
    EXPECT_EQ(s.next(), Session::Step::ReachedEnd);  // a top one is an answer
}

TEST(Rank, AnswersFromJsonAndATerminalKeepTheirOrder) {
    const auto r = load_survey_text(survey_with(k_rank), "ranks.json");
    ASSERT_TRUE(r.ok());
    const auto& q = r.survey->questions.front();
    EXPECT_EQ(std::get<std::vector<std::string>>(answer_from_json(q, {"buses", "parks"})->data),
              (std::vector<std::string>{"buses", "parks"}));
    EXPECT_EQ(std::get<std::vector<std::string>>(answer_from_text(q, "3,1,2")->data),
              (std::vector<std::string>{"housing", "parks", "buses"}));
    EXPECT_FALSE(answer_from_json(q, "parks"));
}

}  // namespace
}  // namespace fieldkiosk::core
