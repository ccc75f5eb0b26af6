#include "core/loader.hpp"
#include "core/base64.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace fieldkiosk::core {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_data = FIELDKIOSK_TEST_DATA_DIR;

std::string all(const std::vector<Diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) out += d.to_string() + "\n";
    return out;
}

TEST(Loader, LoadsAValidSurveyWithEverything) {
    auto r = load_survey_file(k_data / "valid_example.json");
    ASSERT_TRUE(r.ok()) << all(r.diagnostics);
    const Survey& s = *r.survey;
    EXPECT_EQ(s.id, "broken_example");
    EXPECT_EQ(s.default_language, "en");  // the first declared language when not given
    ASSERT_EQ(s.languages.size(), 2u);
    EXPECT_EQ(s.languages[1].status, LanguageStatus::Draft);
    EXPECT_EQ(s.questions.size(), 8u);
    EXPECT_EQ(s.shown_question_count(), 7u);  // the calculate question is never shown
    const Question* safe = s.find("safe");
    ASSERT_NE(safe, nullptr);
    ASSERT_EQ(safe->choices.size(), 2u);  // resolved from choice_lists
    EXPECT_EQ(safe->choices[0].label.get("es"), "Sí");
    EXPECT_TRUE(safe->relevant.has_value());
    EXPECT_EQ(s.find("worries")->choices[1].exclusive, true);
    EXPECT_EQ(s.find("life")->scale_max, 10);
    EXPECT_EQ(s.find("comments")->max_length, 300);
    EXPECT_EQ(s.sources.at(0).licence, "OGL v3");
}

// Each file in tests/data/broken is one deliberate mistake; expected.json says which file, question
// and field the loader must name, and a phrase its message must contain.
class BrokenDefinitions : public ::testing::TestWithParam<std::string> {};

TEST_P(BrokenDefinitions, NameTheFileQuestionAndField) {
    const fs::path dir = k_data / "broken";
    const json expected = json::parse(std::ifstream(dir / "expected.json"));
    const json& e = expected.at(GetParam());
    auto r = load_survey_file(dir / GetParam());
    ASSERT_FALSE(r.ok()) << GetParam() << " loaded without complaint";
    ASSERT_EQ(r.survey, nullptr);
    const fs::path expected_file = dir / e.value("file", GetParam());
    bool found = false;
    for (const auto& d : r.diagnostics) {
        found = found || (fs::path(d.file) == expected_file && d.question == e.at("question").get<std::string>() &&
                          d.field == e.at("field").get<std::string>() &&
                          d.message.find(e.at("contains").get<std::string>()) != std::string::npos);
    }
    EXPECT_TRUE(found) << "expected " << expected_file.filename() << ": " << e.at("question") << "." << e.at("field")
                       << " containing " << e.at("contains") << "\ngot:\n"
                       << all(r.diagnostics);
}

std::vector<std::string> broken_files() {
    std::vector<std::string> out;
    const json expected = json::parse(std::ifstream(k_data / "broken" / "expected.json"));
    for (const auto& [name, _] : expected.items()) out.push_back(name);
    return out;
}

INSTANTIATE_TEST_SUITE_P(Loader, BrokenDefinitions, ::testing::ValuesIn(broken_files()), [](const auto& param_info) {
    std::string n = param_info.param.substr(0, param_info.param.find('.'));
    for (char& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return "f" + n;
});

TEST(Loader, ReadsTheEncryptionSettingWithLocatedErrors) {
    json s = json::parse(std::ifstream(k_data / "valid_example.json"));
    EXPECT_EQ(load_survey_text(s.dump(), "open.json").survey->encryption, std::nullopt);
    const std::string key = base64_encode(std::vector<std::uint8_t>(32, 7));
    s["encryption"] = {{"key_id", "food-2027.v2"}, {"public_key", key}};
    auto r = load_survey_text(s.dump(), "sealed.json");
    ASSERT_TRUE(r.ok()) << all(r.diagnostics);
    ASSERT_TRUE(r.survey->encryption);
    EXPECT_EQ(r.survey->encryption->key_id, "food-2027.v2");
    EXPECT_EQ(r.survey->encryption->public_key, key);
    s["encryption"] = "food-2027";
    auto bad = load_survey_text(s.dump(), "bad.json");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.diagnostics.at(0).field, "encryption");
}

TEST(Base64, RoundTripsAndRefusesNonCanonicalText) {
    for (std::size_t n = 0; n < 40; ++n) {
        std::vector<std::uint8_t> bytes(n);
        for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37 + 11);
        EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << n;
    }
    EXPECT_EQ(base64_encode(std::vector<std::uint8_t>{'M', 'a'}), "TWE=");
    for (const char* bad : {"TWE", "TW==x", "TWF=", "T@E=", "=TWE", "TQ=Q"}) EXPECT_EQ(base64_decode(bad), std::nullopt) << bad;
}

TEST(Loader, AtLeastThirtyBrokenDefinitionsAreCovered) { EXPECT_GE(broken_files().size(), 30u); }

TEST(Loader, ReportsJsonSyntaxErrorsWithLineAndColumn) {
    auto r = load_survey_text("{\n  \"survey\": \"x\",\n  \"version\": 1,,\n}", "mem.json");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].line, 3);
    EXPECT_EQ(r.diagnostics[0].column, 16);
    EXPECT_EQ(r.diagnostics[0].to_string().rfind("mem.json:3:16: invalid JSON", 0), 0u) << r.diagnostics[0].to_string();
}

TEST(Loader, CollectsEveryErrorNotOnlyTheFirst) {
    json s = json::parse(std::ifstream(k_data / "valid_example.json"));
    s["questions"][0]["type"] = "select_won";
    s["questions"][3]["appearance"] = "faces";
    s["questions"][4]["min"] = 20;
    s["estimated_minutes"] = 0;
    auto r = load_survey_text(s.dump(), "many.json");
    EXPECT_GE(r.diagnostics.size(), 4u) << all(r.diagnostics);
    std::string text = all(r.diagnostics);
    EXPECT_NE(text.find("age_band.type"), std::string::npos);
    EXPECT_NE(text.find("people.appearance"), std::string::npos);
    EXPECT_NE(text.find("life.max"), std::string::npos);
    EXPECT_NE(text.find("estimated_minutes"), std::string::npos);
}

TEST(Loader, UnknownTypeIsReportedOnceWithoutCascadingIntoReferenceErrors) {
    json s = json::parse(std::ifstream(k_data / "valid_example.json"));
    s["questions"][2]["type"] = "select_on";  // "safe", which the calculation "score" refers to
    auto r = load_survey_text(s.dump(), "typo.json");
    ASSERT_EQ(r.diagnostics.size(), 1u) << all(r.diagnostics);
    EXPECT_EQ(r.diagnostics[0].to_string().rfind(
                  "typo.json: safe.type: 'select_on' is not a question type (did you mean 'select_one'?)", 0),
              0u);
}

TEST(Loader, IncludesBlocksAndMergesTheirChoiceListsAndSources) {
    testing::TempDir dir;
    dir.write("blocks/about.json", R"({"block": "about", "languages": ["en"],
        "sources": [{"id": "gss", "instrument": "GSS", "source": "ONS", "licence": "OGL"}],
        "choice_lists": {"yn": [{"value": "yes", "label": {"en": "Yes"}}, {"value": "no", "label": {"en": "No"}}]},
        "questions": [{"type": "select_one", "name": "disabled", "label": {"en": "Condition?"}, "choices": "yn", "source": "gss"},
                      {"type": "select_one", "name": "impact", "label": {"en": "Impact?"}, "choices": "yn",
                       "relevant": "${disabled} = 'yes'"}]})");
    const auto file = dir.write("s.json", R"({"survey": "s", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}],
        "title": {"en": "T"}, "description": {"en": "D"},
        "choice_lists": {"yn": [{"value": "yes", "label": {"en": "Yes"}}, {"value": "no", "label": {"en": "No"}}]},
        "questions": [{"type": "select_one", "name": "topic", "label": {"en": "Topic?"}, "choices": "yn"},
                      {"include": "blocks/about.json"}]})");
    auto r = load_survey_file(file);
    ASSERT_TRUE(r.ok()) << all(r.diagnostics);
    ASSERT_EQ(r.survey->questions.size(), 3u);
    EXPECT_EQ(r.survey->questions[1].name, "disabled");
    EXPECT_EQ(r.survey->questions[1].defined_in.filename(), "about.json");
    EXPECT_EQ(r.survey->sources.size(), 1u);
}

TEST(Loader, ABlockMayCoverMoreLanguagesThanTheSurvey) {
    testing::TempDir dir;
    dir.write("b.json", R"({"block": "b", "languages": ["en", "so"],
        "questions": [{"type": "note", "name": "n", "label": {"en": "Hello", "so": "Salaan"}}]})");
    const auto file = dir.write("s.json", R"({"survey": "s", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}], "title": {"en": "T"}, "description": {"en": "D"},
        "questions": [{"include": "b.json"}]})");
    auto r = load_survey_file(file);
    ASSERT_TRUE(r.ok()) << all(r.diagnostics);
    EXPECT_FALSE(r.survey->questions[0].label.has("so"));  // unused texts are dropped
}

// Issue 11: BCP 47 codes with a script and/or region subtag ("zh-Hans", "zh-Hans-CN") are language codes;
// a language may say it is written right to left, and anything but "ltr"/"rtl" there is named.
std::string survey_with_languages(const std::string& languages) {
    return R"({"survey": "s", "version": "1", "estimated_minutes": 1, "languages": [)" + languages +
           R"(], "title": {"en": "T", "x": "T"}, "description": {"en": "D", "x": "D"},
        "questions": [{"type": "note", "name": "n", "label": {"en": "Hello", "x": "Hi"}}]})";
}

TEST(Loader, AcceptsScriptSubtagsAndReadsARightToLeftDirection) {
    auto with = [](const std::string& code, const std::string& extra) {
        std::string text = survey_with_languages(R"({"code": "en", "name": "English", "status": "complete"},
            {"code": ")" + code + R"(", "name": "Other", "status": "draft")" +
                                                 extra + "}");
        for (std::size_t at = text.find("\"x\""); at != std::string::npos; at = text.find("\"x\"", at))
            text.replace(at, 3, "\"" + code + "\"");
        return load_survey_text(text, "s.json");
    };
    for (const std::string code : {"zh-Hans", "zh-Hans-CN", "pt-BR", "sr-Latn"}) {
        auto r = with(code, "");
        ASSERT_TRUE(r.ok()) << code << ": " << all(r.diagnostics);
        EXPECT_EQ(r.survey->languages[1].direction, TextDirection::LeftToRight);
    }
    for (const std::string code : {"zh-", "zh--Hans", "zh-H", "zh-Hansxxxxx", "ZH", "zh_Hans"}) {
        auto r = with(code, "");
        EXPECT_FALSE(r.ok()) << code << " was accepted";
        EXPECT_NE(all(r.diagnostics).find("languages[1].code"), std::string::npos) << all(r.diagnostics);
    }
    auto rtl = with("ar", R"(, "direction": "rtl")");
    ASSERT_TRUE(rtl.ok()) << all(rtl.diagnostics);
    EXPECT_EQ(rtl.survey->languages[1].direction, TextDirection::RightToLeft);
    auto bad = with("ar", R"(, "direction": "right")");
    ASSERT_FALSE(bad.ok());
    const std::string msg = all(bad.diagnostics);
    EXPECT_NE(msg.find("s.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("languages[1].direction"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"rtl\""), std::string::npos) << msg;
}

TEST(Loader, RejectsTwoDifferentChoiceListsWithOneName) {
    testing::TempDir dir;
    dir.write("b.json", R"({"block": "b", "languages": ["en"],
        "choice_lists": {"yn": [{"value": "y", "label": {"en": "Y"}}]},
        "questions": [{"type": "note", "name": "n", "label": {"en": "N"}}]})");
    const auto file = dir.write("s.json", R"({"survey": "s", "version": "1", "estimated_minutes": 1,
        "languages": [{"code": "en", "name": "English", "status": "complete"}], "title": {"en": "T"}, "description": {"en": "D"},
        "choice_lists": {"yn": [{"value": "yes", "label": {"en": "Yes"}}]},
        "questions": [{"include": "b.json"}]})");
    auto r = load_survey_file(file);
    EXPECT_NE(all(r.diagnostics).find("choice_lists.yn: a different list named 'yn' already exists"), std::string::npos)
        << all(r.diagnostics);
}

TEST(Loader, NeverThrowsOnWrongJsonShapes) {
    // Every field given the wrong JSON type: the loader must report, not throw or crash.
    json s = json::parse(std::ifstream(k_data / "valid_example.json"));
    for (const auto& v : {json(nullptr), json(1), json("x"), json::array(), json::object(), json(true)}) {
        for (const auto& key : {"survey", "version", "languages", "title", "questions", "choice_lists", "sources", "enabled"}) {
            json copy = s;
            copy[key] = v;
            EXPECT_NO_THROW((void)load_survey_text(copy.dump(), "shape.json")) << key << "=" << v.dump();
        }
        for (const auto& key : {"type", "name", "label", "choices", "relevant", "min", "default", "appearance", "required"}) {
            json copy = s;
            copy["questions"][1][key] = v;
            EXPECT_NO_THROW((void)load_survey_text(copy.dump(), "shape.json")) << key << "=" << v.dump();
            copy["questions"][1] = v;
            EXPECT_NO_THROW((void)load_survey_text(copy.dump(), "shape.json"));
        }
    }
}

TEST(Loader, NumbersTooLargeForJsonAreADiagnosticNotAnException) {
    // Found by loader_fuzz: "2e6244" is valid JSON syntax, but nlohmann throws out_of_range for it.
    auto r = load_survey_file(k_data / "fuzz_regressions" / "loader_number_overflow.json");
    ASSERT_EQ(r.diagnostics.size(), 1u) << all(r.diagnostics);
    EXPECT_NE(r.diagnostics[0].message.find("number overflow"), std::string::npos) << r.diagnostics[0].message;
    auto big = load_survey_text(R"({"survey": "s", "estimated_minutes": 1e999})", "big.json");
    EXPECT_FALSE(big.diagnostics.empty());
}

TEST(Loader, MissingFileIsADiagnosticNotAnException) {
    auto r = load_survey_file("/nonexistent/fieldkiosk/survey.json");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_NE(r.diagnostics[0].message.find("cannot be read"), std::string::npos);
}

TEST(Catalog, LoadsFoldersValidatesBlocksAndSkipsSchemas) {
    testing::TempDir dir;
    std::ifstream in(k_data / "valid_example.json");
    std::string valid((std::istreambuf_iterator<char>(in)), {});
    dir.write("a.json", valid);
    dir.write("schema/survey.schema.json", R"({"$schema": "https://json-schema.org/draft/2020-12/schema"})");
    dir.write("blocks/ok.json",
              R"({"block": "ok", "languages": ["en"], "questions": [{"type": "note", "name": "n", "label": {"en": "N"}}]})");
    const fs::path paths[] = {dir.path()};
    auto c = load_paths(paths);
    EXPECT_TRUE(c.diagnostics.empty()) << all(c.diagnostics);
    EXPECT_EQ(c.files_checked, 2u);
    ASSERT_EQ(c.surveys.size(), 1u);
    EXPECT_NE(c.find("broken_example"), nullptr);
    EXPECT_EQ(c.find("nope"), nullptr);
}

TEST(Catalog, TwoSurveysWithOneIdIsAnError) {
    testing::TempDir dir;
    std::ifstream in(k_data / "valid_example.json");
    std::string valid((std::istreambuf_iterator<char>(in)), {});
    dir.write("a.json", valid);
    dir.write("b.json", valid);
    const fs::path paths[] = {dir.path()};
    auto c = load_paths(paths);
    ASSERT_EQ(c.diagnostics.size(), 1u) << all(c.diagnostics);
    EXPECT_NE(c.diagnostics[0].message.find("also used by"), std::string::npos);
    EXPECT_EQ(c.surveys.size(), 1u);
}

// `valid_example.json` with another version.
std::string valid_with_version(const std::string& version) {
    std::ifstream in(k_data / "valid_example.json");
    json j = json::parse(in);
    j["version"] = version;
    return j.dump(1);
}

TEST(Catalog, AllVersionsKeepsEveryVersionOfOneIdAndFindsTheNewest) {
    testing::TempDir dir;
    dir.write("example.json", valid_with_version("1.10"));
    dir.write("archive/example-1.2.json", valid_with_version("1.2"));
    dir.write("archive/example-1.9.json", valid_with_version("1.9"));
    const fs::path paths[] = {dir.path()};
    auto c = load_paths(paths, LoadOptions{.all_versions = true});
    EXPECT_TRUE(c.diagnostics.empty()) << all(c.diagnostics);
    ASSERT_EQ(c.surveys.size(), 3u);
    EXPECT_EQ(c.surveys[0]->version, "1.2");  // oldest first
    EXPECT_EQ(c.surveys[2]->version, "1.10");
    ASSERT_NE(c.find("broken_example"), nullptr);
    EXPECT_EQ(c.find("broken_example")->version, "1.10");  // "current": compare_versions, not text order
    ASSERT_NE(c.find("broken_example", "1.9"), nullptr);
    EXPECT_EQ(c.find("broken_example", "1.9")->version, "1.9");
    EXPECT_EQ(c.find("broken_example", "2"), nullptr);
    ASSERT_EQ(c.current().size(), 1u);
    EXPECT_EQ(c.current()[0]->version, "1.10");

    // Without the option, the same folder is an error (a kiosk's folder offers one version per survey).
    auto strict = load_paths(paths);
    EXPECT_EQ(strict.surveys.size(), 1u);
    EXPECT_EQ(strict.diagnostics.size(), 2u) << all(strict.diagnostics);
}

TEST(Catalog, AllVersionsStillRefusesTheSameIdAndVersionTwiceNamingBothFiles) {
    testing::TempDir dir;
    const auto a = dir.write("a.json", valid_with_version("2"));
    const auto b = dir.write("b.json", valid_with_version("2"));
    const fs::path paths[] = {dir.path()};
    auto c = load_paths(paths, LoadOptions{.all_versions = true});
    ASSERT_EQ(c.diagnostics.size(), 1u) << all(c.diagnostics);
    EXPECT_EQ(c.diagnostics[0].file, b.string());
    EXPECT_EQ(c.diagnostics[0].field, "version");
    EXPECT_NE(c.diagnostics[0].message.find(a.string()), std::string::npos) << c.diagnostics[0].message;
    EXPECT_NE(c.diagnostics[0].message.find("version '2'"), std::string::npos);
    EXPECT_EQ(c.surveys.size(), 1u);
}

// Two surveys' worth of questions, field by field, as far as a kiosk and a server use them.
void expect_same_survey(const Survey& a, const Survey& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.version, b.version);
    EXPECT_EQ(a.enabled, b.enabled);
    EXPECT_EQ(a.default_language, b.default_language);
    ASSERT_EQ(a.languages.size(), b.languages.size());
    EXPECT_EQ(a.title.texts(), b.title.texts());
    EXPECT_EQ(a.sources.size(), b.sources.size());
    ASSERT_EQ(a.questions.size(), b.questions.size());
    for (std::size_t i = 0; i < a.questions.size(); ++i) {
        const auto &p = a.questions[i], &q = b.questions[i];
        SCOPED_TRACE(p.name);
        EXPECT_EQ(p.name, q.name);
        EXPECT_EQ(p.type, q.type);
        EXPECT_EQ(p.label.texts(), q.label.texts());
        EXPECT_EQ(p.hint.texts(), q.hint.texts());
        EXPECT_EQ(p.required, q.required);
        EXPECT_EQ(p.relevant.has_value(), q.relevant.has_value());
        EXPECT_EQ(p.constraint.has_value(), q.constraint.has_value());
        EXPECT_EQ(p.appearance, q.appearance);
        EXPECT_EQ(p.default_value, q.default_value);
        EXPECT_EQ(p.source, q.source);
        ASSERT_EQ(p.choices.size(), q.choices.size());
        for (std::size_t c = 0; c < p.choices.size(); ++c) {
            EXPECT_EQ(p.choices[c].value, q.choices[c].value);
            EXPECT_EQ(p.choices[c].label.texts(), q.choices[c].label.texts());
            EXPECT_EQ(p.choices[c].exclusive, q.choices[c].exclusive);
        }
    }
}

TEST(ExpandSurvey, EveryShippedSurveyExpandsToOneSelfContainedFileThatLoadsToTheSameSurvey) {
    const fs::path defs = FIELDKIOSK_SURVEY_DEFS_DIR;
    for (const char* name : {"food.json", "safety.json", "youth.json", "estates.json", "leadership.json"}) {
        SCOPED_TRACE(name);
        auto text = expand_survey_file(defs / name);
        ASSERT_TRUE(text.has_value()) << all(text.error());
        EXPECT_EQ(text->find("\"include\""), std::string::npos);
        EXPECT_EQ(text->find("$schema"), std::string::npos);
        // Loaded from a folder with no blocks in it: nothing outside the text is needed.
        testing::TempDir alone;
        const auto copy = alone.write(name, *text);
        auto again = load_survey_file(copy);
        ASSERT_TRUE(again.ok()) << all(again.diagnostics);
        auto original = load_survey_file(defs / name);
        ASSERT_TRUE(original.ok());
        expect_same_survey(*original.survey, *again.survey);
        // The same input gives the same bytes (the server publishes their SHA-256).
        EXPECT_EQ(*text, expand_survey_file(defs / name).value());
    }
}

TEST(ExpandSurvey, InlinesABlocksSourcesAndChoiceListsAndDropsItsExtraLanguages) {
    testing::TempDir dir;
    dir.write("blocks/extra.json", R"({
      "block": "extra", "languages": ["en", "de"],
      "sources": [{"id": "blk", "instrument": "I", "source": "S", "licence": "L"}],
      "choice_lists": {"yn": [{"value": "yes", "label": {"en": "Yes", "de": "Ja"}},
                              {"value": "no", "label": {"en": "No", "de": "Nein"}}]},
      "questions": [
        {"type": "select_one", "name": "likes", "label": {"en": "Like it?", "de": "Gefällt es?"}, "choices": "yn",
         "source": "blk"},
        {"type": "select_one", "name": "why", "label": {"en": "Why?", "de": "Warum?"},
         "relevant": "${likes} = 'yes'",
         "choices": [{"value": "a", "label": {"en": "A", "de": "A"}}]}
      ]})");
    const auto survey = dir.write("s.json", R"({
      "survey": "small", "version": "3", "languages": [{"code": "en", "name": "English", "status": "complete"}],
      "title": {"en": "T"}, "description": {"en": "D"}, "estimated_minutes": 2,
      "questions": [{"type": "note", "name": "hello", "label": {"en": "Hello"}}, {"include": "blocks/extra.json"}]})");
    auto text = expand_survey_file(survey);
    ASSERT_TRUE(text.has_value()) << all(text.error());
    const json j = json::parse(*text);
    ASSERT_EQ(j["questions"].size(), 3u);
    EXPECT_EQ(j["questions"][1]["label"], json({{"en", "Like it?"}}));  // "de" is not a language of this survey
    EXPECT_EQ(j["questions"][2]["choices"][0]["label"], json({{"en", "A"}}));
    EXPECT_EQ(j["choice_lists"]["yn"][0]["label"], json({{"en", "Yes"}}));
    EXPECT_EQ(j["sources"][0]["id"], "blk");
    testing::TempDir alone;
    auto again = load_survey_file(alone.write("s.json", *text));
    ASSERT_TRUE(again.ok()) << all(again.diagnostics);
    expect_same_survey(*load_survey_file(survey).survey, *again.survey);
}

TEST(ExpandSurvey, AnInvalidSurveyIsNotExpandedAndSaysWhy) {
    auto text = expand_survey_file(k_data / "broken" / "14_include_missing.json");
    ASSERT_FALSE(text.has_value());
    EXPECT_NE(all(text.error()).find("cannot find"), std::string::npos) << all(text.error());
}

TEST(Catalog, ReportsPathsThatDoNotExist) {
    const fs::path paths[] = {"/nonexistent/fieldkiosk"};
    auto c = load_paths(paths);
    ASSERT_EQ(c.diagnostics.size(), 1u);
    EXPECT_EQ(c.diagnostics[0].message, "does not exist");
}

TEST(Diagnostic, FormatsFileQuestionField) {
    EXPECT_EQ((Diagnostic{"f.json", "q", "label", "msg"}.to_string()), "f.json: q.label: msg");
    EXPECT_EQ((Diagnostic{"f.json", "", "version", "msg"}.to_string()), "f.json: version: msg");
    EXPECT_EQ((Diagnostic{"f.json", "", "", "msg"}.to_string()), "f.json: msg");
    EXPECT_EQ((Diagnostic{"f.json", "", "", "msg", 2, 5}.to_string()), "f.json:2:5: msg");
}

}  // namespace
}  // namespace fieldkiosk::core
