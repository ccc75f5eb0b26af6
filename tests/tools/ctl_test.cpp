// fieldkiosk-ctl verbs run in-process through run_ctl(), with their real argument parsing and output.
#include "core/loader.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/ctl_runner.hpp"
#include "tools/ctl/commands.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace fieldkiosk::tools {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_data = FIELDKIOSK_TEST_DATA_DIR;
const fs::path k_surveys = FIELDKIOSK_SURVEY_DEFS_DIR;

using fieldkiosk::testing::ctl;
using fieldkiosk::testing::Run;

TEST(Ctl, VersionAndHelp) {
    auto v = ctl({"--version"});
    EXPECT_EQ(v.code, 0);
    EXPECT_EQ(v.out, std::string("fieldkiosk-ctl ") + FIELDKIOSK_VERSION + "\n");
    auto h = ctl({"--help"});
    EXPECT_EQ(h.code, 0);
    for (const char* verb : {"validate", "walk", "preview"}) EXPECT_NE(h.out.find(verb), std::string::npos) << verb;
    auto wh = ctl({"walk", "--help"});
    EXPECT_EQ(wh.code, 0);
    EXPECT_NE(wh.out.find("--answers"), std::string::npos);
}

TEST(Ctl, UsageErrorsExitTwo) {
    EXPECT_EQ(ctl({}).code, 2);
    EXPECT_EQ(ctl({"frobnicate"}).code, 2);
    auto r = ctl({"walk", "food"});  // --answers is required
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--answers"), std::string::npos) << r.err;
}

TEST(CtlValidate, ShippedSurveysAreValid) {
    auto r = ctl({"validate", k_surveys.string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("0 problems"), std::string::npos) << r.out;
}

TEST(CtlValidate, ASurveyThatEndsOnANoteIsWarnedAboutButStaysValid) {
    // safety ends on its "Where to get help" note: the kiosk saves before showing it; authors are told.
    auto r = ctl({"validate", (k_surveys / "safety.json").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("safety.json: safety_signpost: warning: survey 'safety' ends on the note 'safety_signpost'"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("saves the answers when the last question is answered"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0 problems, 1 warning\n"), std::string::npos) << r.out;
    // A survey ending on a question: no warning.
    r = ctl({"validate", (k_surveys / "food.json").string()});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out.find("warning"), std::string::npos) << r.out;
    // --json keeps standard output one JSON list of problems; the warning goes to standard error.
    r = ctl({"validate", "--json", (k_surveys / "safety.json").string()});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(json::parse(r.out).size(), 0u);
    EXPECT_NE(r.err.find("warning"), std::string::npos);
}

TEST(CtlValidate, EveryBrokenDefinitionExitsOneNamingFileQuestionAndField) {
    const json expected = json::parse(std::ifstream(k_data / "broken" / "expected.json"));
    ASSERT_GE(expected.size(), 30u);
    for (const auto& [name, e] : expected.items()) {
        const fs::path file = k_data / "broken" / name;
        auto r = ctl({"validate", file.string()});
        EXPECT_EQ(r.code, 1) << name;
        std::string prefix = (k_data / "broken" / e.value("file", name)).string();
        const std::string q = e.at("question"), f = e.at("field");
        if (!q.empty() || !f.empty()) prefix += ": " + q + (q.empty() || f.empty() ? "" : ".") + f + ": ";
        EXPECT_NE(r.out.find(prefix), std::string::npos) << name << ": expected a line starting '" << prefix << "' in:\n"
                                                         << r.out;
    }
}

TEST(CtlValidate, JsonOutputListsEveryProblem) {
    auto r = ctl({"validate", "--json", (k_data / "broken" / "13_inverted_scale.json").string()});
    EXPECT_EQ(r.code, 1);
    const auto j = json::parse(r.out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["question"], "life");
    EXPECT_EQ(j[0]["field"], "max");
}

TEST(CtlValidate, MissingPathAndEmptyFolderAreInvalid) {
    EXPECT_EQ(ctl({"validate", "/nonexistent/fieldkiosk"}).code, 1);
    testing::TempDir empty;
    auto r = ctl({"validate", empty.path().string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("no .json files"), std::string::npos);
}

TEST(CtlValidate, AllVersionsAcceptsAServersFolderWithOldVersionsAndNamesTheCurrentOnes) {
    testing::TempDir dir;
    std::ifstream in(k_data / "valid_example.json");
    auto j = json::parse(in);
    dir.write("example.json", j.dump());
    j["version"] = "0.9";
    dir.write("archive/example-0.9.json", j.dump());
    // Without the flag: one survey id twice is a problem (a kiosk's folder).
    EXPECT_EQ(ctl({"validate", dir.path().string()}).code, 1);
    auto r = ctl({"validate", "--all-versions", dir.path().string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("2 valid surveys, 0 problems"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("current: broken_example 1\n"), std::string::npos) << r.out;
    // The same id and version twice stays a problem, naming both files.
    dir.write("copy.json", j.dump());
    r = ctl({"validate", "--all-versions", dir.path().string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("version '0.9' is also defined by"), std::string::npos) << r.out;
}

TEST(CtlExpand, FreezesAVersionAsOneSelfContainedFileAndNeverOverwritesIt) {
    auto r = ctl({"expand", (k_surveys / "food.json").string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, core::expand_survey_file(k_surveys / "food.json").value());
    EXPECT_EQ(r.out.find("\"include\""), std::string::npos);

    // The operator's steps: freeze the version in use, then raise the version of the file being edited.
    testing::TempDir dir;
    fs::copy(k_surveys, dir.path() / "surveys", fs::copy_options::recursive);
    const auto archived = dir.path() / "surveys" / "archive" / "food-2026.1.json";
    r = ctl({"expand", (dir.path() / "surveys" / "food.json").string(), "-o", archived.string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("wrote " + archived.string()), std::string::npos) << r.out;
    r = ctl({"expand", (dir.path() / "surveys" / "food.json").string(), "-o", archived.string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("never overwritten"), std::string::npos) << r.err;
    std::ifstream in(dir.path() / "surveys" / "food.json");
    auto food = json::parse(in);
    food["version"] = "2026.2";
    std::ofstream(dir.path() / "surveys" / "food.json", std::ios::trunc) << food.dump(2);
    r = ctl({"validate", "--all-versions", (dir.path() / "surveys").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("current: food 2026.2\n"), std::string::npos) << r.out;

    r = ctl({"expand", (k_data / "broken" / "05_unknown_reference.json").string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("is not a valid survey; nothing written"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(ctl({"expand"}).code, 2);
}

TEST(CtlWalk, PrintsShownQuestionsErrorsAndTheResponse) {
    testing::TempDir dir;
    const auto answers =
        dir.write("a.json", R"({"age_band": "young", "worries": ["food"], "safe": "yes", "people": 25, "life": 7})");
    auto r = ctl({"walk", (k_data / "valid_example.json").string(), "--answers", answers.string(), "--seed", "1"});
    EXPECT_EQ(r.code, 1);  // people = 25 breaks the constraint
    EXPECT_NE(r.out.find("shown   3/6  safe"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("error   people: 1 to 20"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("stopped"), std::string::npos);

    dir.write("a.json", R"({"age_band": "young", "worries": ["none"], "safe": "yes", "people": 2, "life": 7})");
    auto ok = ctl({"walk", (k_data / "valid_example.json").string(), "--answers", answers.string(), "--json", "--seed", "1"});
    EXPECT_EQ(ok.code, 0);  // "safe" was given but never asked on this path: listed, not an error
    const auto j = json::parse(ok.out);
    EXPECT_EQ(j["completed"], true);
    EXPECT_EQ(j["not_asked"], json::array({"safe"}));
    EXPECT_EQ(j["shown"], json::array({"age_band", "worries", "people", "life", "comments", "thanks"}));
    EXPECT_EQ(j["response"]["answers"]["people"], 2);
    EXPECT_FALSE(j["response"]["answers"].contains("safe"));
}

TEST(CtlWalk, CleanWalkExitsZero) {
    testing::TempDir dir;
    const auto answers = dir.write("a.json", R"({"age_band": "older", "worries": ["food"], "safe": "no"})");
    auto r = ctl({"walk", (k_data / "valid_example.json").string(), "--answers", answers.string(), "--json"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(json::parse(r.out)["response"]["calculated"]["score"], 0);
}

TEST(CtlWalk, EmptyAnswersClearAndUnknownNamesAreErrors) {
    testing::TempDir dir;
    const auto answers = dir.write("a.json", R"({"age_band": "", "worries": [], "comments": ""})");
    auto r = ctl({"walk", (k_data / "valid_example.json").string(), "--answers", answers.string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("age_band = (left empty)"), std::string::npos) << r.out;
    dir.write("a.json", R"({"age_bnad": "young", "score": 1})");
    auto typo = ctl({"walk", (k_data / "valid_example.json").string(), "--answers", answers.string(), "--json"});
    EXPECT_EQ(typo.code, 1);
    const auto j = json::parse(typo.out);
    ASSERT_EQ(j["errors"].size(), 2u);
    EXPECT_EQ(j["errors"][0]["question"], "age_bnad");
    EXPECT_EQ(j["errors"][1]["question"], "score");  // a calculate question takes no answer
}

TEST(CtlWalk, BadAnswersFileIsAUsageError) {
    testing::TempDir dir;
    const auto bad = dir.write("bad.json", "{not json");
    EXPECT_EQ(ctl({"walk", (k_data / "valid_example.json").string(), "--answers", bad.string()}).code, 2);
    EXPECT_EQ(ctl({"walk", (k_data / "valid_example.json").string(), "--answers", "/nonexistent.json"}).code, 2);
    const auto list = dir.write("list.json", "[1, 2]");
    EXPECT_EQ(ctl({"walk", (k_data / "valid_example.json").string(), "--answers", list.string()}).code, 2);
}

TEST(CtlWalk, FindsSurveysByIdInTheSurveysFolder) {
    testing::TempDir dir;
    const auto answers = dir.write("a.json", "{}");
    auto r = ctl({"walk", "--survey", "no_such_survey", "--surveys", k_surveys.string(), "--answers", answers.string()});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("available:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("food"), std::string::npos) << r.err;
}

TEST(CtlPreview, WalksBySteppingThroughInput) {
    // age 2 (older) -> worries "1" (food) + Enter -> safe "yes" -> people: letters refused, then 3
    // -> life 5 -> comments typed -> thanks: Enter -> complete.
    const std::string input = "2\n1\n\nyes\nabc\n3\n5\nAll good\n\n";
    auto r = ctl({"preview", (k_data / "valid_example.json").string()}, input);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("'abc' is not a whole number"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("survey is complete"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"comments\": \"All good\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("not saved"), std::string::npos);
}

TEST(CtlPreview, AnEmptySelectionClearsWithoutCrashing) {
    auto r = ctl({"preview", (k_data / "valid_example.json").string()}, "\n,\n:q\n");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("Stopped: nothing saved"), std::string::npos) << r.out;
}

// A choice_filter: only the wards of the borough chosen are listed, each with its number in the whole list; a
// borough with no wards says so and Enter passes the (required) question.
TEST(CtlPreview, AFilteredQuestionListsOnlyTheOfferedChoices) {
    const auto demo = (std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR).parent_path() / "tests/kiosk/data/filter_demo.json").string();
    auto r = ctl({"preview", demo}, "1\n2\n:q\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("2) Gospel Oak"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Highbury"), std::string::npos) << r.out;
    r = ctl({"preview", demo}, "3\n\n:q\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("No answer here fits the earlier answers"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("How satisfied are you"), std::string::npos) << r.out;
}

TEST(CtlPreview, LanguageSwitchBackAndEndOfInput) {
    auto r = ctl({"preview", (k_data / "valid_example.json").string()}, ":l es\n:b\n:l xx\n");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("¿Edad?"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("this is the first question"), std::string::npos);
    EXPECT_NE(r.out.find("no language 'xx'"), std::string::npos);
    EXPECT_NE(r.out.find("Input ended"), std::string::npos);
}

}  // namespace
}  // namespace fieldkiosk::tools
