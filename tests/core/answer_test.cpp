#include "core/answer.hpp"
#include "core/loader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::core {
namespace {

using nlohmann::json;

Question make(QuestionType t) {
    Question q;
    q.name = "q";
    q.type = t;
    for (const char* v : {"yes", "no", "other"}) q.choices.push_back(Choice{v, {}, false, std::string(v) == "other"});
    return q;
}

TEST(Answer, ReadsEachTypeFromJson) {
    EXPECT_EQ(answer_from_json(make(QuestionType::SelectOne), json("yes")).value(), Answer::choice("yes"));
    EXPECT_EQ(answer_from_json(make(QuestionType::SelectMultiple), json::array({"yes", "no"})).value(),
              Answer::choices({"yes", "no"}));
    EXPECT_EQ(answer_from_json(make(QuestionType::Integer), json(12)).value(), Answer::integer(12));
    EXPECT_EQ(answer_from_json(make(QuestionType::Integer), json(12.0)).value(), Answer::integer(12));
    EXPECT_EQ(answer_from_json(make(QuestionType::Decimal), json(2.5)).value(), Answer::decimal(2.5));
    EXPECT_EQ(answer_from_json(make(QuestionType::Scale), json(7)).value(), Answer::integer(7));
    EXPECT_EQ(answer_from_json(make(QuestionType::Text), json("hi")).value(), Answer::text("hi"));
    EXPECT_EQ(answer_from_json(make(QuestionType::SelectOne), json{{"value", "other"}, {"other", "x"}}).value(),
              Answer::choice("other", "x"));
}

TEST(Answer, RefusesShapesThatDoNotFit) {
    EXPECT_FALSE(answer_from_json(make(QuestionType::SelectOne), json(1)));
    EXPECT_FALSE(answer_from_json(make(QuestionType::SelectMultiple), json("yes")));
    EXPECT_FALSE(answer_from_json(make(QuestionType::SelectMultiple), json::array({1})));
    EXPECT_FALSE(answer_from_json(make(QuestionType::Integer), json(1.5)));
    EXPECT_FALSE(answer_from_json(make(QuestionType::Integer), json("12")));
    EXPECT_FALSE(answer_from_json(make(QuestionType::Note), json("x")));
    EXPECT_FALSE(answer_from_json(make(QuestionType::SelectOne), json{{"other", "x"}}));
    EXPECT_FALSE(answer_from_json(make(QuestionType::SelectOne), json{{"value", "other"}, {"other", 3}}));
}

TEST(Answer, JsonRoundTrip) {
    for (const auto& a : {Answer::choice("yes"), Answer::choices({"yes", "no"}), Answer::integer(-4), Answer::text("Zoë"),
                          Answer::choice("other", "Polish")}) {
        const auto t = std::holds_alternative<std::vector<std::string>>(a.data) ? QuestionType::SelectMultiple
                       : std::holds_alternative<std::int64_t>(a.data)           ? QuestionType::Integer
                                                                                : QuestionType::SelectOne;
        EXPECT_EQ(answer_from_json(make(t), answer_to_json(a)).value(), a);
    }
}

TEST(Answer, ReadsTerminalInput) {
    EXPECT_EQ(answer_from_text(make(QuestionType::SelectOne), "2").value(), Answer::choice("no"));
    EXPECT_EQ(answer_from_text(make(QuestionType::SelectOne), " yes ").value(), Answer::choice("yes"));
    EXPECT_FALSE(answer_from_text(make(QuestionType::SelectOne), "4"));
    EXPECT_EQ(answer_from_text(make(QuestionType::SelectMultiple), "1,3").value(), Answer::choices({"yes", "other"}));
    EXPECT_EQ(answer_from_text(make(QuestionType::Integer), "42").value(), Answer::integer(42));
    EXPECT_FALSE(answer_from_text(make(QuestionType::Integer), "4x"));
    EXPECT_FALSE(answer_from_text(make(QuestionType::Integer), ""));
    EXPECT_EQ(answer_from_text(make(QuestionType::Decimal), "2.5").value(), Answer::decimal(2.5));
    EXPECT_FALSE(answer_from_text(make(QuestionType::Decimal), "two"));
}

TEST(Answer, ValueAndDisplay) {
    EXPECT_EQ(Answer::choices({"a", "b"}).to_value().to_string(), "a b");
    EXPECT_EQ(Answer::integer(3).to_value().to_number(), 3.0);
    EXPECT_EQ(Answer::decimal(2.5).to_display(), "2.5");
}

TEST(Mode, RoundTripsThroughText) {
    EXPECT_EQ(mode_from_string(to_string(Mode::Kiosk)), Mode::Kiosk);
    EXPECT_EQ(mode_from_string(to_string(Mode::Assisted)), Mode::Assisted);
    EXPECT_FALSE(mode_from_string("tablet"));
}

}  // namespace
}  // namespace fieldkiosk::core
