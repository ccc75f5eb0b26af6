// Choice filters (issue 12, XLSForm's choice_filter): choices with properties and a select whose filter reads
// them as bare names and earlier answers as ${q}. The loader's located errors, the Session offering only the
// filtered choices, dropping an answer the filter no longer offers (as ODK does), and a filter that leaves nothing.
#include "core/answer.hpp"
#include "core/loader.hpp"
#include "core/session.hpp"
#include "tests/support/fake_clock.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::core {
namespace {

std::string survey_with(const std::string& questions) {
    return R"({"survey": "wards", "version": "1", "default_language": "en",
  "languages": [{"code": "en", "name": "English", "status": "complete"}],
  "title": {"en": "Wards"}, "description": {"en": "d"}, "estimated_minutes": 1,
  "choice_lists": {"wards": [
    {"value": "kentish_town", "label": {"en": "Kentish Town"}, "properties": {"borough": "camden"}},
    {"value": "gospel_oak", "label": {"en": "Gospel Oak"}, "properties": {"borough": "camden"}},
    {"value": "highbury", "label": {"en": "Highbury"}, "properties": {"borough": "islington"}}]},
  "questions": [)" +
           questions + R"(]})";
}

const std::string k_borough = R"({"type": "select_one", "name": "borough", "label": {"en": "Borough?"}, "required": true,
  "choices": [{"value": "camden", "label": {"en": "Camden"}}, {"value": "islington", "label": {"en": "Islington"}},
              {"value": "hackney", "label": {"en": "Hackney"}}]})";
const std::string k_ward = R"({"type": "select_one", "name": "ward", "label": {"en": "Ward?"}, "required": true,
  "choices": "wards", "choice_filter": "borough = ${borough}"})";
// Choices without the property are offered everywhere (borough = '').
const std::string k_help = R"({"type": "select_multiple", "name": "help", "label": {"en": "Help?"},
  "choices": [{"value": "food", "label": {"en": "Food"}, "properties": {"borough": "camden"}},
              {"value": "housing", "label": {"en": "Housing"}},
              {"value": "advice", "label": {"en": "Advice"}, "properties": {"borough": "islington"}}],
  "choice_filter": "borough = ${borough} or borough = ''"})";

std::string problems(const LoadResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += d.to_string() + "\n";
    return out;
}

std::vector<std::string> offered(const Session& s, std::string_view name) {
    std::vector<std::string> out;
    for (const Choice* c : s.choices(*s.survey().index_of(name))) out.push_back(c->value);
    return out;
}

TEST(ChoiceFilter, BareNamesParseOnlyInAFilterAndReadTheChoice) {
    EXPECT_FALSE(Expression::parse("county = ${county}"));  // a relevant or constraint still wants ${county} or 'county'
    auto e = Expression::parse("county = ${county} and name != 'x'", Expression::Syntax::ChoiceFilter);
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->properties(), (std::vector<std::string>{"county", "name"}));
    EXPECT_EQ(e->references(), (std::vector<std::string>{"county"}));
    EXPECT_FALSE(Expression::parse("county and", Expression::Syntax::ChoiceFilter));
}

TEST(ChoiceFilter, LoadsPropertiesAndTheFilter) {
    const auto r = load_survey_text(survey_with(k_borough + "," + k_ward + "," + k_help), "wards.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    const auto& ward = *r.survey->find("ward");
    ASSERT_TRUE(ward.choice_filter);
    EXPECT_EQ(ward.choice_filter->text(), "borough = ${borough}");
    ASSERT_NE(ward.choices[2].property("borough"), nullptr);
    EXPECT_EQ(*ward.choices[2].property("borough"), "islington");
    EXPECT_EQ(r.survey->find("help")->choices[1].property("borough"), nullptr);
}

TEST(ChoiceFilter, LoaderErrorsNameTheQuestionAndField) {
    const auto expect_problem = [](const std::string& questions, const std::string& wanted) {
        const auto r = load_survey_text(survey_with(questions), "wards.json");
        EXPECT_FALSE(r.ok()) << wanted;
        EXPECT_NE(problems(r).find(wanted), std::string::npos) << problems(r);
    };
    // A bare name that no choice has, with the known ones.
    expect_problem(k_borough + R"(,{"type": "select_one", "name": "ward", "label": {"en": "?"}, "choices": "wards",
        "choice_filter": "county = ${borough}"})",
                   "ward.choice_filter: refers to 'county', which is not a property of any of this question's choices; "
                   "known: name, borough");
    expect_problem(k_borough + R"(,{"type": "select_one", "name": "ward", "label": {"en": "?"}, "choices": "wards",
        "choice_filter": "borough = ${boro}"})",
                   "ward.choice_filter: refers to ${boro}, but there is no question named 'boro'");
    expect_problem(R"({"type": "select_one", "name": "ward", "label": {"en": "?"}, "choices": "wards",
        "choice_filter": "borough = ${borough}"},)" +
                       k_borough,
                   "ward.choice_filter: refers to ${borough}, which comes later");
    expect_problem(k_borough + R"(,{"type": "select_one", "name": "ward", "label": {"en": "?"}, "choices": "wards",
        "choice_filter": "borough = = ${borough}"})",
                   "ward.choice_filter: does not parse at column 11");
    expect_problem(k_borough + R"(,{"type": "text", "name": "street", "label": {"en": "?"}, "choice_filter": "borough = 'x'"})",
                   "street.choice_filter: does not apply to a text question");
    expect_problem(R"({"type": "select_one", "name": "a", "label": {"en": "?"},
        "choices": [{"value": "x", "label": {"en": "X"}, "properties": {"borough": 3, "other": "y", "Bad Name": "z"}}]})",
                   "a.choices[0].properties.borough: must be text in quotes, not a number");
    expect_problem(R"({"type": "select_one", "name": "a", "label": {"en": "?"},
        "choices": [{"value": "x", "label": {"en": "X"}, "properties": {"other": "y"}}]})",
                   "a.choices[0].properties.other: 'other' is not a valid property name");
    expect_problem(R"({"type": "select_one", "name": "a", "label": {"en": "?"},
        "choices": [{"value": "x", "label": {"en": "X"}, "properties": ["camden"]}]})",
                   "a.choices[0].properties: must be an object from property name to text");
}

TEST(ChoiceFilter, OffersOnlyTheChoicesTheFilterKeepsAndRefusesTheOthers) {
    const auto r = load_survey_text(survey_with(k_borough + "," + k_ward + "," + k_help), "wards.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    testing::FakeClock clock;
    SeededRng rng{3};
    Session s(r.survey, {}, clock, rng);
    EXPECT_TRUE(offered(s, "ward").empty());  // nothing chosen yet: borough is ''
    ASSERT_TRUE(s.toggle_choice("camden"));
    EXPECT_EQ(offered(s, "ward"), (std::vector<std::string>{"kentish_town", "gospel_oak"}));
    EXPECT_EQ(offered(s, "help"), (std::vector<std::string>{"food", "housing"}));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    EXPECT_EQ(s.toggle_choice("highbury").error().kind, ValidationError::Kind::NotAChoice);
    EXPECT_EQ(s.set_answer(Answer::choice("highbury")).error().kind, ValidationError::Kind::NotAChoice);
    EXPECT_EQ(s.current_answer(), nullptr);
    ASSERT_TRUE(s.toggle_choice("gospel_oak"));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    EXPECT_EQ(s.toggle_choice("advice").error().kind, ValidationError::Kind::NotAChoice);
    ASSERT_TRUE(s.toggle_choice("food"));
    ASSERT_TRUE(s.toggle_choice("housing"));
    ASSERT_EQ(s.next(), Session::Step::ReachedEnd);
    const auto done = s.complete();
    ASSERT_TRUE(done);
    EXPECT_EQ(response_to_json(*done)["answers"]["ward"], "gospel_oak");
    EXPECT_EQ(response_to_json(*done)["answers"]["help"], nlohmann::json({"food", "housing"}));
}

// ODK Collect removes a selection its filter no longer offers when an earlier answer changes: a select_one is
// cleared, a select_multiple keeps its other values. It does not come back if the earlier answer is undone.
TEST(ChoiceFilter, ChangingAnEarlierAnswerDropsAChoiceTheFilterNoLongerOffers) {
    const auto r = load_survey_text(survey_with(k_borough + "," + k_ward + "," + k_help), "wards.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    testing::FakeClock clock;
    SeededRng rng{3};
    Session s(r.survey, {}, clock, rng);
    ASSERT_TRUE(s.toggle_choice("camden"));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    ASSERT_TRUE(s.toggle_choice("kentish_town"));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    ASSERT_TRUE(s.toggle_choice("food"));
    ASSERT_TRUE(s.toggle_choice("housing"));
    ASSERT_TRUE(s.back());
    ASSERT_TRUE(s.back());
    ASSERT_TRUE(s.toggle_choice("islington"));
    EXPECT_EQ(s.answer("ward"), nullptr);  // Kentish Town is not in Islington
    ASSERT_NE(s.answer("help"), nullptr);
    EXPECT_EQ(std::get<std::vector<std::string>>(s.answer("help")->data), (std::vector<std::string>{"housing"}));
    s.debug_check_invariants();
    ASSERT_TRUE(s.toggle_choice("camden"));  // undone: the dropped choices stay dropped
    EXPECT_EQ(s.answer("ward"), nullptr);
    ASSERT_EQ(s.next(), Session::Step::Moved);
    EXPECT_EQ(s.next().error().kind, ValidationError::Kind::Required);  // the ward must be chosen again
}

TEST(ChoiceFilter, AFilterThatLeavesNothingLetsARequiredQuestionPassUnanswered) {
    const auto r = load_survey_text(survey_with(k_borough + "," + k_ward), "wards.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    testing::FakeClock clock;
    SeededRng rng{3};
    Session s(r.survey, {}, clock, rng);
    ASSERT_TRUE(s.toggle_choice("hackney"));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    EXPECT_EQ(s.current().name, "ward");
    EXPECT_TRUE(s.choices(s.current_index()).empty());
    EXPECT_FALSE(s.check_current());
    ASSERT_EQ(s.next(), Session::Step::ReachedEnd);
    const auto done = s.complete();
    ASSERT_TRUE(done);
    EXPECT_FALSE(response_to_json(*done)["answers"].contains("ward"));
}

TEST(ChoiceFilter, ARestoredDraftDropsAnAnswerItsFilterNoLongerOffers) {
    const auto r = load_survey_text(survey_with(k_borough + "," + k_ward), "wards.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    testing::FakeClock clock;
    SeededRng rng{3};
    Session s(r.survey, {}, clock, rng);
    ASSERT_TRUE(s.toggle_choice("camden"));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    ASSERT_TRUE(s.toggle_choice("gospel_oak"));
    auto snap = s.snapshot();
    snap["answers"]["borough"] = "islington";  // a tampered or stale draft
    auto back = Session::restore(r.survey, snap, clock);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->answer("ward"), nullptr);
    EXPECT_EQ(back->next().error().kind, ValidationError::Kind::Required);
}

// Cascading lists repeat a value under two parents ('king' county in Washington and in Texas: pyxform's
// choice_filter_test). A single-choice question with a filter may use such a list: it offers the value once,
// the answer is the value, and whichever parent was chosen offers it. Anywhere else a repeat is refused.
const std::string k_state = R"({"type": "select_one", "name": "state", "label": {"en": "State?"},
  "choices": [{"value": "texas", "label": {"en": "Texas"}}, {"value": "washington", "label": {"en": "Washington"}}]})";
std::string counties(const std::string& type, const std::string& filter) {
    return R"({"type": ")" + type + R"(", "name": "county", "label": {"en": "County?"}, "choices": [
    {"value": "king", "label": {"en": "King"}, "properties": {"state": "washington"}},
    {"value": "pierce", "label": {"en": "Pierce"}, "properties": {"state": "washington"}},
    {"value": "king", "label": {"en": "King"}, "properties": {"state": "texas"}},
    {"value": "cameron", "label": {"en": "Cameron"}, "properties": {"state": "texas"}}])" +
           (filter.empty() ? std::string() : R"(, "choice_filter": ")" + filter + R"(")") + "}";
}

TEST(ChoiceFilter, ACascadingListMayRepeatAValueUnderTwoParents) {
    const auto r = load_survey_text(survey_with(k_state + "," + counties("select_one", "state = ${state}")), "states.json");
    ASSERT_TRUE(r.ok()) << problems(r);
    testing::FakeClock clock;
    SeededRng rng{3};
    Session s(r.survey, {}, clock, rng);
    ASSERT_TRUE(s.toggle_choice("texas"));
    ASSERT_EQ(s.next(), Session::Step::Moved);
    EXPECT_EQ(offered(s, "county"), (std::vector<std::string>{"king", "cameron"}));
    ASSERT_TRUE(s.toggle_choice("king"));  // the Texas one: the first of the two that the filter offers
    ASSERT_EQ(s.back(), true);
    ASSERT_TRUE(s.toggle_choice("washington"));  // Washington has a King too: the answer stays
    ASSERT_EQ(s.next(), Session::Step::Moved);
    ASSERT_NE(s.current_answer(), nullptr);
    EXPECT_EQ(offered(s, "county"), (std::vector<std::string>{"king", "pierce"}));
    ASSERT_TRUE(s.toggle_choice("pierce"));
    ASSERT_EQ(s.back(), true);
    ASSERT_TRUE(s.toggle_choice("texas"));  // no Pierce in Texas: dropped
    ASSERT_EQ(s.next(), Session::Step::Moved);
    EXPECT_EQ(s.current_answer(), nullptr);
}

TEST(ChoiceFilter, ARepeatedValueIsRefusedWithoutAFilterAndForSeveralAnswers) {
    for (const auto& [type, filter] : {std::pair<std::string, std::string>{"select_one", ""}, {"select_multiple", "state = ${state}"},
                                       {"rank", "state = ${state}"}}) {
        const auto r = load_survey_text(survey_with(k_state + "," + counties(type, filter)), "states.json");
        ASSERT_FALSE(r.ok()) << type << " " << filter;
        EXPECT_NE(problems(r).find("choices[2].value: 'king' is used by two choices"), std::string::npos) << problems(r);
    }
}

}  // namespace
}  // namespace fieldkiosk::core
