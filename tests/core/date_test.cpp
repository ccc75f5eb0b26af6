// The date question (issue 12: XLSForm's and ODK's `date`), through core: ISO dates, the loader, the
// Session's checks, answers from JSON and a terminal, and expressions comparing dates.
#include "core/answer.hpp"
#include "core/loader.hpp"
#include "core/session.hpp"
#include "tests/support/fake_clock.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::core {
namespace {

std::string survey_with(const std::string& question) {
    return R"({"survey": "dates", "version": "1", "default_language": "en",
  "languages": [{"code": "en", "name": "English", "status": "complete"}],
  "title": {"en": "Dates"}, "description": {"en": "d"}, "estimated_minutes": 1,
  "questions": [{"type": "date", "name": "born", "label": {"en": "When were you born?"}},)" +
           question + R"(]})";
}

std::string problems(const LoadResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += d.to_string() + "\n";
    return out;
}

TEST(Date, IsoDatesAreRealCalendarDays) {
    EXPECT_TRUE(is_iso_date("2026-05-01"));
    EXPECT_TRUE(is_iso_date("2024-02-29"));
    EXPECT_TRUE(is_iso_date("2000-02-29"));
    EXPECT_FALSE(is_iso_date("1900-02-29"));
    EXPECT_FALSE(is_iso_date("2026-02-29"));
    EXPECT_FALSE(is_iso_date("2026-04-31"));
    EXPECT_FALSE(is_iso_date("2026-13-01"));
    EXPECT_FALSE(is_iso_date("2026-00-10"));
    EXPECT_FALSE(is_iso_date("2026-5-1"));
    EXPECT_FALSE(is_iso_date("01/05/2026"));
    EXPECT_FALSE(is_iso_date("0000-01-01"));
    EXPECT_FALSE(is_iso_date(""));
    EXPECT_EQ(days_in_month(2026, 2), 28);
    EXPECT_EQ(days_in_month(2024, 2), 29);
    EXPECT_EQ(days_in_month(2026, 6), 30);
    EXPECT_EQ(days_in_month(2026, 12), 31);
}

TEST(Date, LoadsWithAConstraintComparingDatesAndRefusesABadDefaultAtItsField) {
    auto r = load_survey_text(survey_with(R"({"type": "date", "name": "moved", "label": {"en": "Moved in?"},
        "constraint": ". >= ${born}", "default": "2020-01-31"})"), "dates.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    EXPECT_EQ(r.survey->questions.front().type, QuestionType::Date);
    EXPECT_EQ(to_string(QuestionType::Date), "date");
    r = load_survey_text(survey_with(R"({"type": "date", "name": "moved", "label": {"en": "Moved in?"}, "default": "2020-02-30"})"),
                         "dates.json");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(problems(r).find("moved.default"), std::string::npos) << problems(r);
    r = load_survey_text(survey_with(R"({"type": "date", "name": "moved", "label": {"en": "Moved in?"}, "choices": "x"})"),
                         "dates.json");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(problems(r).find("moved.choices"), std::string::npos) << problems(r);
}

TEST(Date, TheSessionTakesOnlyRealDatesAndTheConstraintOrdersThem) {
    const auto r = load_survey_text(survey_with(R"({"type": "date", "name": "moved", "label": {"en": "Moved in?"},
        "constraint": ". >= ${born} and . <= '2030-12-31'", "constraint_message": {"en": "Not before you were born."}})"),
                                    "dates.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    testing::FakeClock clock;
    SeededRng rng{5};
    Session s(r.survey, {}, clock, rng);
    EXPECT_EQ(s.set_answer(Answer::text("2026-02-30")).error().kind, ValidationError::Kind::WrongType);
    EXPECT_EQ(s.set_answer(Answer::integer(20260101)).error().kind, ValidationError::Kind::WrongType);
    ASSERT_TRUE(s.set_answer(Answer::text("1990-06-15")));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::text("1990-06-14")));  // the day before: refused by the constraint
    const auto early = s.next();
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().kind, ValidationError::Kind::Constraint);
    ASSERT_TRUE(s.set_answer(Answer::text("2031-01-01")));  // after the literal
    EXPECT_FALSE(s.next());
    ASSERT_TRUE(s.set_answer(Answer::text("2010-09-01")));
    ASSERT_EQ(s.next(), Session::Step::ReachedEnd);
    const auto done = s.complete();
    ASSERT_TRUE(done);
    const auto j = response_to_json(*done);
    EXPECT_EQ(j["answers"]["born"], "1990-06-15");
    EXPECT_EQ(j["answers"]["moved"], "2010-09-01");
}

TEST(Date, AnswersFromJsonAndFromATerminal) {
    const auto r = load_survey_text(survey_with(R"({"type": "note", "name": "bye", "label": {"en": "Thanks"}})"), "dates.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    const auto& q = r.survey->questions.front();
    EXPECT_EQ(std::get<std::string>(answer_from_json(q, "1990-06-15")->data), "1990-06-15");
    EXPECT_EQ(answer_from_json(q, "15/06/1990").error(), "expected a date written YYYY-MM-DD, like \"2026-05-01\"");
    EXPECT_FALSE(answer_from_json(q, 19900615));
    EXPECT_EQ(std::get<std::string>(answer_from_text(q, " 1990-06-15 ")->data), "1990-06-15");
    EXPECT_EQ(answer_from_text(q, "1990-02-30").error(), "'1990-02-30' is not a date: write it YYYY-MM-DD, like 2026-05-01");
}

TEST(Date, ExpressionsCompareTwoIsoDatesAsDatesAndAnythingElseAsBefore) {
    struct None final : EvalContext {
        Value empty;
        [[nodiscard]] const Value& value_of(std::uint32_t) const override { return empty; }
        [[nodiscard]] const Value& self() const override { return empty; }
    } ctx;
    const auto eval = [&](std::string_view text) {
        auto e = Expression::parse(text);
        EXPECT_TRUE(e) << text;
        return e->evaluate(ctx).to_bool();
    };
    EXPECT_TRUE(eval("'2026-05-01' < '2026-12-01'"));
    EXPECT_TRUE(eval("'1999-12-31' <= '2000-01-01'"));
    EXPECT_FALSE(eval("'2026-05-01' > '2026-05-01'"));
    EXPECT_TRUE(eval("'2026-05-01' >= '2026-05-01'"));
    EXPECT_FALSE(eval("'2026-05-01' < ''"));          // unanswered: NaN, as XPath
    EXPECT_FALSE(eval("'abc' < 'abd'"));              // other text: numbers (NaN), as XPath
    EXPECT_TRUE(eval("'10' > '9'"));                  // numbers in text stay numbers
    EXPECT_FALSE(eval("'2026-02-30' < '2026-03-01'"));  // not a date: NaN
}

}  // namespace
}  // namespace fieldkiosk::core
