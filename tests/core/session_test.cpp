#include "core/session.hpp"
#include "core/loader.hpp"
#include "tests/support/fake_clock.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::core {
namespace {

using namespace std::chrono_literals;
using Step = Session::Step;
using State = Session::State;

const std::filesystem::path k_example = std::filesystem::path(FIELDKIOSK_TEST_DATA_DIR) / "valid_example.json";

SurveyPtr example() {
    static SurveyPtr s = [] {
        auto r = load_survey_file(k_example);
        EXPECT_TRUE(r.ok());
        return r.survey;
    }();
    return s;
}

SurveyPtr from_text(std::string_view text) {
    auto r = load_survey_text(text, "inline.json");
    std::string errors;
    for (const auto& d : r.diagnostics) errors += d.to_string() + "\n";
    EXPECT_TRUE(r.ok()) << errors;
    return r.survey;
}

class SessionTest : public ::testing::Test {
protected:
    testing::FakeClock clock;
    SeededRng rng{42};
    Session start(SurveyPtr s = example(), Session::Options o = {}) { return Session(std::move(s), std::move(o), clock, rng); }
};

// example(): age_band, worries, safe (if food worries), people (1..20), life 0-10, comments, score (calc), thanks.

TEST_F(SessionTest, StartsAtTheFirstQuestionWithAnIdAndStartTime) {
    auto s = start();
    EXPECT_EQ(s.state(), State::Answering);
    EXPECT_EQ(s.current().name, "age_band");
    EXPECT_EQ(s.language(), "en");
    EXPECT_EQ(s.id().size(), 36u);
    EXPECT_EQ(s.id()[14], '4');
    EXPECT_FALSE(s.can_go_back());
}

TEST_F(SessionTest, SkipsIrrelevantQuestionsGoingForward) {
    auto s = start();
    ASSERT_TRUE(s.set_answer(Answer::choice("young")));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choices({"none"})));
    ASSERT_EQ(s.next(), Step::Moved);
    EXPECT_EQ(s.current().name, "people");  // "safe" is asked only when food worries were selected
}

TEST_F(SessionTest, AsksRoutedQuestionWhenItsConditionHolds) {
    auto s = start();
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choices({"food"})));
    ASSERT_EQ(s.next(), Step::Moved);
    EXPECT_EQ(s.current().name, "safe");
}

TEST_F(SessionTest, SkipsIrrelevantQuestionWhenGoingBack) {
    auto s = start();
    ASSERT_EQ(s.next(), Step::Moved);  // age_band -> worries (optional, skipped)
    ASSERT_TRUE(s.set_answer(Answer::choices({"none"})));
    ASSERT_EQ(s.next(), Step::Moved);  // -> people
    ASSERT_TRUE(s.back());
    EXPECT_EQ(s.current().name, "worries");  // not "safe"
    ASSERT_TRUE(s.back());
    EXPECT_EQ(s.current().name, "age_band");
    EXPECT_FALSE(s.back());
}

TEST_F(SessionTest, ChangingAnAnswerHidesAnswersOfQuestionsThatStopApplyingUntilUndone) {
    auto s = start();
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choices({"food"})));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choice("yes")));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_NE(s.answer("safe"), nullptr);
    ASSERT_TRUE(s.back());
    ASSERT_TRUE(s.back());
    ASSERT_EQ(s.current().name, "worries");
    ASSERT_TRUE(s.set_answer(Answer::choices({"none"})));
    EXPECT_EQ(s.answer("safe"), nullptr);
    EXPECT_FALSE(s.is_relevant(*s.survey().index_of("safe")));
    EXPECT_TRUE(s.value(*s.survey().index_of("safe")).is_empty());  // expressions see ''
    EXPECT_EQ(s.snapshot()["answers"].contains("safe"), false);
    // A mis-tap undone brings the answer back...
    ASSERT_TRUE(s.set_answer(Answer::choices({"food"})));
    ASSERT_NE(s.answer("safe"), nullptr);
    EXPECT_EQ(s.answer("safe")->to_display(), "yes");
    // ...and a completed response never contains a hidden one.
    ASSERT_TRUE(s.set_answer(Answer::choices({"none"})));
    while (s.state() == State::Answering) ASSERT_TRUE(s.next());
    auto r = s.complete();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->find("safe"), nullptr);
    EXPECT_EQ(r->calculated[0].second.to_number(), 0.0);  // score: if(${safe} = 'yes', 1, 0) sees ''
}

TEST_F(SessionTest, ToggleChoiceMakesExclusiveChoicesStandAlone) {
    auto s = start();
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.toggle_choice("food"));
    EXPECT_EQ(s.current_answer()->to_display(), "food");
    ASSERT_TRUE(s.toggle_choice("none"));  // "None" clears the others
    EXPECT_EQ(s.current_answer()->to_display(), "none");
    ASSERT_TRUE(s.toggle_choice("food"));  // any other choice clears "None"
    EXPECT_EQ(s.current_answer()->to_display(), "food");
    ASSERT_TRUE(s.toggle_choice("food"));  // a second tap unselects
    EXPECT_EQ(s.current_answer(), nullptr);
    EXPECT_FALSE(s.toggle_choice("pizza"));
}

TEST_F(SessionTest, WhitespaceOnlyTextIsNoAnswer) {
    auto s = start(from_text(R"({"survey": "t", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}], "title": {"en": "T"}, "description": {"en": "D"},
        "questions": [{"type": "text", "name": "a", "label": {"en": "A"}, "required": true, "max_length": 3}]})"));
    ASSERT_TRUE(s.set_answer(Answer::text("  \t ")));
    EXPECT_EQ(s.current_answer(), nullptr);
    EXPECT_EQ(s.next().error().kind, ValidationError::Kind::Required);
    EXPECT_TRUE(s.set_answer(Answer::text("Zoë")));  // 3 characters, 4 bytes
    EXPECT_FALSE(s.set_answer(Answer::text("Zoëy")));
}

TEST_F(SessionTest, SnapshotRestoresAnUnfinishedWalk) {
    auto s = start(example(), {.language = "es", .mode = Mode::Assisted, .site = "Outreach van", .worker = "Sam"});
    ASSERT_TRUE(s.set_answer(Answer::choice("young")));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choices({"food"})));
    ASSERT_EQ(s.next(), Step::Moved);
    const auto snap = s.snapshot();
    clock.advance(std::chrono::hours(3));
    auto r = Session::restore(example(), nlohmann::json::parse(snap.dump()), clock);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->id(), s.id());
    EXPECT_EQ(r->language(), "es");
    EXPECT_EQ(r->current().name, "safe");
    EXPECT_EQ(r->answer("worries")->to_display(), "food");
    ASSERT_TRUE(r->set_answer(Answer::choice("no")));
    while (r->state() == State::Answering) ASSERT_TRUE(r->next());
    auto done = r->complete();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->worker, "Sam");
    EXPECT_EQ(done->completed_at - done->started_at, std::chrono::hours(3));
}

TEST_F(SessionTest, RestoreRefusesAnotherSurveyVersionAndDamagedSnapshots) {
    auto s = start();
    auto snap = s.snapshot();
    snap["survey_version"] = "0";
    EXPECT_FALSE(Session::restore(example(), snap, clock));
    EXPECT_FALSE(Session::restore(example(), nlohmann::json::object(), clock));
    auto broken = s.snapshot();
    broken.erase("answers");
    EXPECT_FALSE(Session::restore(example(), broken, clock));
}

TEST_F(SessionTest, RequiredQuestionBlocksContinueWithTranslatedMessage) {
    auto s = start(from_text(R"({"survey": "r", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}, {"code": "fr", "name": "Français", "status": "draft"}],
        "title": {"en": "T", "fr": "T"}, "description": {"en": "D", "fr": "D"},
        "questions": [{"type": "text", "name": "a", "label": {"en": "A", "fr": "A"}, "required": true},
                      {"type": "text", "name": "b", "label": {"en": "B", "fr": "B"}, "required": true,
                       "required_message": {"en": "B please", "fr": "B s'il vous plaît"}}]})"));
    auto step = s.next();
    ASSERT_FALSE(step);
    EXPECT_EQ(step.error().kind, ValidationError::Kind::Required);
    EXPECT_EQ(step.error().message, "Please answer this question to continue.");
    EXPECT_EQ(step.error().key, "validation_required");
    ASSERT_TRUE(s.set_language("fr"));
    // The engine's default stays English here; the kiosk says it in French from assets/strings/fr.json.
    EXPECT_EQ(s.next().error().key, "validation_required");
    ASSERT_TRUE(s.set_answer(Answer::text("x")));
    ASSERT_EQ(s.next(), Step::Moved);
    EXPECT_EQ(s.next().error().message, "B s'il vous plaît");
    EXPECT_EQ(s.next().error().key, "");  // the survey's own message: nothing to look up
}

TEST_F(SessionTest, ConstraintUsesTheQuestionsMessageInTheCurrentLanguage) {
    auto s = start(example(), {.language = "es"});
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_EQ(s.current().name, "people");
    ASSERT_TRUE(s.set_answer(Answer::integer(25)));  // stored; checked on Continue
    auto step = s.next();
    ASSERT_FALSE(step);
    EXPECT_EQ(step.error().kind, ValidationError::Kind::Constraint);
    EXPECT_EQ(step.error().message, "1 a 20");
    ASSERT_TRUE(s.set_answer(Answer::integer(3)));
    EXPECT_EQ(s.next(), Step::Moved);
}

TEST_F(SessionTest, RejectsAnswersThatDoNotFitTheQuestion) {
    auto s = start();
    using K = ValidationError::Kind;
    EXPECT_EQ(s.set_answer(Answer::choice("ancient")).error().kind, K::NotAChoice);
    EXPECT_EQ(s.set_answer(Answer::integer(3)).error().kind, K::WrongType);
    EXPECT_EQ(s.current_answer(), nullptr);
    ASSERT_EQ(s.next(), Step::Moved);
    EXPECT_EQ(s.set_answer(Answer::choices({"food", "none"})).error().kind, K::Exclusive);
    EXPECT_EQ(s.set_answer(Answer::choices({"food", "zzz"})).error().kind, K::NotAChoice);
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_EQ(s.current().name, "life");
    auto range = s.set_answer(Answer::integer(11));
    EXPECT_EQ(range.error().kind, K::OutOfRange);
    EXPECT_EQ(range.error().message, "Please choose a number from 0 to 10.");
    EXPECT_EQ(range.error().key, "validation_out_of_range");
    EXPECT_EQ(range.error().n, 0);
    EXPECT_EQ(range.error().m, 10);
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_EQ(s.current().name, "comments");
    auto too_long = s.set_answer(Answer::text(std::string(301, 'x')));
    EXPECT_EQ(too_long.error().kind, K::TooLong);
    EXPECT_EQ(too_long.error().message, "Please use at most 300 characters.");
    EXPECT_TRUE(s.set_answer(Answer::text(std::string(300, 'x'))));
}

TEST_F(SessionTest, MultiSelectIsStoredInChoiceOrderWithoutRepeatsAndEmptyClears) {
    auto s = start();
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choices({"food", "food"})));
    EXPECT_EQ(std::get<std::vector<std::string>>(s.current_answer()->data), std::vector<std::string>{"food"});
    ASSERT_TRUE(s.set_answer(Answer::choices({})));
    EXPECT_EQ(s.current_answer(), nullptr);
}

TEST_F(SessionTest, ProgressCountsOnlyRelevantShownQuestions) {
    auto s = start();
    EXPECT_EQ(s.progress().position, 1u);
    EXPECT_EQ(s.progress().total, 5u);  // 7 shown, "safe" not (yet) relevant, "thanks" a note
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choices({"food"})));
    EXPECT_EQ(s.progress().position, 2u);
    EXPECT_EQ(s.progress().total, 6u);
}

TEST_F(SessionTest, SwitchingLanguageMidSurveyKeepsEveryAnswer) {
    auto s = start();
    ASSERT_TRUE(s.set_answer(Answer::choice("older")));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choices({"food"})));
    ASSERT_TRUE(s.set_language("es"));
    EXPECT_EQ(s.language(), "es");
    EXPECT_EQ(s.current().name, "worries");
    EXPECT_EQ(s.answer("age_band")->to_display(), "older");
    EXPECT_EQ(s.answer("worries")->to_display(), "food");
    EXPECT_FALSE(s.set_language("de"));
    EXPECT_EQ(s.language(), "es");
}

TEST_F(SessionTest, CompletesIntoAResponseWithOnlyRelevantAnswersAndCalculations) {
    auto s = start(example(), {.language = "en", .mode = Mode::Assisted, .site = "Kentish Town Library", .worker = "Amina"});
    const auto id = s.id();
    ASSERT_TRUE(s.set_answer(Answer::choice("young")));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choices({"food"})));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_TRUE(s.set_answer(Answer::choice("yes")));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_EQ(s.next(), Step::Moved);  // people: optional, left empty
    ASSERT_TRUE(s.set_answer(Answer::integer(7)));
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_EQ(s.next(), Step::Moved);  // comments -> thanks (score is never shown)
    EXPECT_EQ(s.current().name, "thanks");
    EXPECT_FALSE(s.complete());  // not finished yet
    clock.advance(90s);
    ASSERT_EQ(s.next(), Step::ReachedEnd);
    EXPECT_EQ(s.state(), State::Finished);
    auto r = s.complete();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(s.state(), State::Completed);
    EXPECT_EQ(r->id, id);
    EXPECT_EQ(r->survey_id, "broken_example");
    EXPECT_EQ(r->survey_version, "1");
    EXPECT_EQ(r->mode, Mode::Assisted);
    EXPECT_EQ(r->site, "Kentish Town Library");
    EXPECT_EQ(r->worker, "Amina");
    EXPECT_EQ(r->completed_at - r->started_at, 90s);
    ASSERT_EQ(r->answers.size(), 4u);
    EXPECT_EQ(r->answers[0].first, "age_band");
    EXPECT_EQ(r->answers[3].first, "life");
    EXPECT_EQ(r->find("people"), nullptr);
    ASSERT_EQ(r->calculated.size(), 1u);
    EXPECT_EQ(r->calculated[0].second.to_number(), 1.0);
    // Completed is final: nothing changes it.
    EXPECT_FALSE(s.next());
    EXPECT_FALSE(s.back());
    EXPECT_FALSE(s.set_answer(Answer::choice("older")));
    EXPECT_FALSE(s.set_language("es"));
    const auto j = response_to_json(*r);
    EXPECT_EQ(j["answers"]["worries"], nlohmann::json::array({"food"}));
    EXPECT_EQ(j["calculated"]["score"], 1);
    EXPECT_EQ(j["worker"], "Amina");
    EXPECT_EQ(j["started_at"], "2027-01-15T08:00:00.000Z");
}

TEST_F(SessionTest, BackFromFinishedReturnsToTheLastQuestion) {
    auto s = start();
    while (s.state() == State::Answering) ASSERT_TRUE(s.next());
    EXPECT_EQ(s.state(), State::Finished);
    ASSERT_TRUE(s.back());
    EXPECT_EQ(s.current().name, "thanks");
}

TEST_F(SessionTest, WriteInIsKeptOnlyWithAnOtherChoice) {
    auto s = start(from_text(R"({"survey": "w", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}],
        "title": {"en": "T"}, "description": {"en": "D"},
        "questions": [{"type": "select_one", "name": "eth", "label": {"en": "E"},
                       "choices": [{"value": "irish", "label": {"en": "Irish"}},
                                   {"value": "white_other", "label": {"en": "Any other"}, "other": true}]}]})"));
    ASSERT_TRUE(s.set_answer(Answer::choice("white_other", "Polish")));
    EXPECT_EQ(s.current_answer()->write_in, "Polish");
    ASSERT_TRUE(s.set_answer(Answer::choice("irish", "Polish")));
    EXPECT_EQ(s.current_answer()->write_in, "");
    EXPECT_FALSE(s.set_answer(Answer::choice("white_other", std::string(201, 'x'))));
}

// k_max_write_in is the one limit (the kiosk's keyboard stops there too), counted in characters: 200 "é"
// are 400 bytes and still fit.
TEST_F(SessionTest, WriteInLimitIsKMaxWriteInCharactersNotBytes) {
    auto s = start(from_text(R"({"survey": "w", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}],
        "title": {"en": "T"}, "description": {"en": "D"},
        "questions": [{"type": "select_one", "name": "eth", "label": {"en": "E"},
                       "choices": [{"value": "white_other", "label": {"en": "Any other"}, "other": true}]}]})"));
    std::string at_limit;
    for (std::size_t i = 0; i < k_max_write_in; ++i) at_limit += "\u00e9";
    ASSERT_TRUE(s.set_answer(Answer::choice("white_other", at_limit)));
    const auto over = s.set_answer(Answer::choice("white_other", at_limit + "x"));
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().kind, ValidationError::Kind::TooLong);
}

TEST_F(SessionTest, DefaultIsAppliedWhenTheQuestionIsFirstShown) {
    auto s = start(from_text(R"({"survey": "d", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}],
        "title": {"en": "T"}, "description": {"en": "D"},
        "questions": [{"type": "note", "name": "intro", "label": {"en": "Hi"}},
                      {"type": "integer", "name": "n", "label": {"en": "N"}, "default": 3}]})"));
    EXPECT_EQ(s.answer("n"), nullptr);
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_NE(s.current_answer(), nullptr);
    EXPECT_EQ(std::get<std::int64_t>(s.current_answer()->data), 3);
    s.clear_answer();  // a cleared default stays cleared when the resident comes back
    ASSERT_TRUE(s.back());
    ASSERT_EQ(s.next(), Step::Moved);
    EXPECT_EQ(s.current_answer(), nullptr);
}

// Issue 16: "Question 1 of about 2" on an introduction note: notes are read, not answered.
TEST_F(SessionTest, NotesCountNeitherAsAPositionNorInTheTotal) {
    auto s = start(from_text(R"({"survey": "n", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}],
        "title": {"en": "T"}, "description": {"en": "D"},
        "questions": [{"type": "note", "name": "intro", "label": {"en": "Hi"}},
                      {"type": "integer", "name": "a", "label": {"en": "A"}},
                      {"type": "integer", "name": "b", "label": {"en": "B"}},
                      {"type": "note", "name": "bye", "label": {"en": "Bye"}}]})"));
    EXPECT_EQ(s.progress().position, 0u);  // on the note: no question yet
    EXPECT_EQ(s.progress().total, 2u);
    ASSERT_EQ(s.next(), Step::Moved);
    EXPECT_EQ(s.progress().position, 1u);
    ASSERT_EQ(s.next(), Step::Moved);
    ASSERT_EQ(s.next(), Step::Moved);
    EXPECT_EQ(s.current().name, "bye");
    EXPECT_EQ(s.progress().position, 2u);
    EXPECT_EQ(s.progress().total, 2u);
}

TEST_F(SessionTest, SurveyWhoseQuestionsAreAllIrrelevantFinishesAtOnce) {
    auto s = start(from_text(R"({"survey": "e", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}],
        "title": {"en": "T"}, "description": {"en": "D"},
        "questions": [{"type": "calculate", "name": "c", "calculation": "1"},
                      {"type": "note", "name": "n", "label": {"en": "N"}, "relevant": "${c} = 2"}]})"));
    EXPECT_EQ(s.state(), State::Finished);
    EXPECT_FALSE(s.can_go_back());
    EXPECT_TRUE(s.complete());
}

TEST_F(SessionTest, SeededIdsRepeatAndDifferentSeedsDiffer) {
    SeededRng a{7}, b{7}, c{8};
    Session s1(example(), {}, clock, a), s2(example(), {}, clock, b), s3(example(), {}, clock, c);
    EXPECT_EQ(s1.id(), s2.id());
    EXPECT_NE(s1.id(), s3.id());
}

TEST_F(SessionTest, UnknownStartLanguageThrowsInvalidArgument) {
    EXPECT_THROW((void)start(example(), {.language = "de"}), std::invalid_argument);
}

TEST(Uuid, IsVersionFourWithRfcVariant) {
    SystemRng rng;
    for (int i = 0; i < 100; ++i) {
        const auto id = make_uuid_v4(rng);
        ASSERT_EQ(id.size(), 36u);
        EXPECT_EQ(id[8], '-');
        EXPECT_EQ(id[14], '4');
        EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    }
}

// The translations moved to assets/strings/ (tests/kiosk/strings_test.cpp checks every language has them):
// the engine says English and names the key the kiosk looks up.
TEST(DefaultMessage, IsEnglishAndNamesItsKeyInTheUiStrings) {
    EXPECT_EQ(default_message(ValidationError::Kind::Required), "Please answer this question to continue.");
    EXPECT_EQ(message_key(ValidationError::Kind::Required), "validation_required");
    EXPECT_EQ(message_key(ValidationError::Kind::WrongType), "validation_wrong_type");
}

}  // namespace
}  // namespace fieldkiosk::core
