// core/xlsform/export.cpp: every shipped survey, exported as a real .xlsx and imported back, is the same survey.
#include "core/loader.hpp"
#include "core/xlsform/export.hpp"
#include "core/xlsform/import.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::xlsform {
namespace {

namespace fs = std::filesystem;

std::string expr(const std::optional<core::Expression>& e) { return e ? e->text() : std::string("<none>"); }

// Every field a Survey has (but the files it came from), compared with a message naming the difference.
void expect_same(const core::Survey& a, const core::Survey& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.version, b.version);
    EXPECT_EQ(a.enabled, b.enabled);
    EXPECT_EQ(a.default_language, b.default_language);
    ASSERT_EQ(a.languages.size(), b.languages.size());
    for (std::size_t i = 0; i < a.languages.size(); ++i) {
        EXPECT_EQ(a.languages[i].code, b.languages[i].code);
        EXPECT_EQ(a.languages[i].name, b.languages[i].name);
        EXPECT_EQ(a.languages[i].status, b.languages[i].status) << a.languages[i].code;
    }
    EXPECT_EQ(a.title.texts(), b.title.texts());
    EXPECT_EQ(a.description.texts(), b.description.texts());
    EXPECT_EQ(a.estimated_minutes, b.estimated_minutes);
    ASSERT_EQ(a.sources.size(), b.sources.size());
    for (std::size_t i = 0; i < a.sources.size(); ++i) {
        EXPECT_EQ(a.sources[i].id, b.sources[i].id);
        EXPECT_EQ(a.sources[i].instrument, b.sources[i].instrument);
        EXPECT_EQ(a.sources[i].source, b.sources[i].source);
        EXPECT_EQ(a.sources[i].url, b.sources[i].url);
        EXPECT_EQ(a.sources[i].licence, b.sources[i].licence);
    }
    ASSERT_EQ(a.questions.size(), b.questions.size());
    for (std::size_t i = 0; i < a.questions.size(); ++i) {
        const auto& x = a.questions[i];
        const auto& y = b.questions[i];
        SCOPED_TRACE(x.name);
        EXPECT_EQ(x.name, y.name);
        EXPECT_EQ(x.type, y.type);
        EXPECT_EQ(x.label.texts(), y.label.texts());
        EXPECT_EQ(x.hint.texts(), y.hint.texts());
        EXPECT_EQ(x.required, y.required);
        EXPECT_EQ(x.required_message.texts(), y.required_message.texts());
        EXPECT_EQ(expr(x.relevant), expr(y.relevant));
        EXPECT_EQ(expr(x.constraint), expr(y.constraint));
        EXPECT_EQ(x.constraint_message.texts(), y.constraint_message.texts());
        EXPECT_EQ(expr(x.calculation), expr(y.calculation));
        EXPECT_EQ(expr(x.choice_filter), expr(y.choice_filter));
        ASSERT_EQ(x.choices.size(), y.choices.size());
        for (std::size_t c = 0; c < x.choices.size(); ++c) {
            EXPECT_EQ(x.choices[c].value, y.choices[c].value);
            EXPECT_EQ(x.choices[c].label.texts(), y.choices[c].label.texts());
            EXPECT_EQ(x.choices[c].exclusive, y.choices[c].exclusive);
            EXPECT_EQ(x.choices[c].other, y.choices[c].other);
            EXPECT_EQ(x.choices[c].properties, y.choices[c].properties);
        }
        EXPECT_EQ(x.appearance, y.appearance);
        EXPECT_EQ(x.default_value, y.default_value);
        EXPECT_EQ(x.max_length, y.max_length);
        EXPECT_EQ(x.scale_min, y.scale_min);
        EXPECT_EQ(x.scale_max, y.scale_max);
        EXPECT_EQ(x.min_label.texts(), y.min_label.texts());
        EXPECT_EQ(x.max_label.texts(), y.max_label.texts());
        EXPECT_EQ(x.source, y.source);
    }
}

TEST(XlsformRoundTrip, EveryShippedSurveyExportsAndImportsToTheSameSurvey) {
    const fs::path defs[] = {FIELDKIOSK_SURVEY_DEFS_DIR};
    const auto catalog = core::load_paths(defs);
    ASSERT_TRUE(catalog.diagnostics.empty());
    ASSERT_GE(catalog.surveys.size(), 5U);
    testing::TempDir dir;
    for (const auto& survey : catalog.surveys) {
        SCOPED_TRACE(survey->id);
        const auto file = dir.path() / (survey->id + ".xlsx");
        ASSERT_TRUE(export_xlsform(*survey, file));
        const auto imported = import_file(file);
        std::string problems;
        for (const auto& p : imported.problems) problems += p.to_string() + "\n";
        ASSERT_TRUE(imported.ok()) << problems;
        EXPECT_EQ(problems, "") << "an exported survey imports without warnings";
        const auto loaded = core::load_survey_text(imported.survey.dump(), dir.path() / (survey->id + ".json"));
        ASSERT_TRUE(loaded.ok());
        expect_same(*survey, *loaded.survey);
    }
}

// Issue 12: acknowledge, date and rank questions go out as XLSForm's `acknowledge`, `date` and `rank LIST` rows
// and come back the same.
TEST(XlsformRoundTrip, AcknowledgeDateAndRankQuestionsExportAndImportToTheSameSurvey) {
    const auto original = core::load_survey_text(R"({"survey": "ack", "version": "2", "default_language": "en",
      "languages": [{"code": "en", "name": "English", "status": "complete"}, {"code": "ar", "name": "العربية", "status": "complete", "direction": "rtl"}],
      "title": {"en": "Ack", "ar": "إقرار"}, "description": {"en": "d", "ar": "د"}, "estimated_minutes": 1,
      "questions": [{"type": "acknowledge", "name": "agree", "label": {"en": "I have read the notice.", "ar": "قرأت الإشعار."},
                     "required": true, "default": "OK"},
                    {"type": "text", "name": "why", "label": {"en": "Why?", "ar": "لماذا؟"}, "relevant": "${agree} = 'OK'"},
                    {"type": "date", "name": "since", "label": {"en": "Since when?", "ar": "منذ متى؟"},
                     "constraint": ". >= '1950-01-01'", "default": "2020-02-29"},
                    {"type": "rank", "name": "order", "label": {"en": "In order?", "ar": "بالترتيب؟"},
                     "choices": [{"value": "a", "label": {"en": "A", "ar": "أ"}}, {"value": "b", "label": {"en": "B", "ar": "ب"}}]}]})",
                                                 "ack.json");
    ASSERT_TRUE(original.ok());
    testing::TempDir dir;
    const auto file = dir.path() / "ack.xlsx";
    ASSERT_TRUE(export_xlsform(*original.survey, file));
    const auto imported = import_file(file);
    std::string problems;
    for (const auto& p : imported.problems) problems += p.to_string() + "\n";
    ASSERT_TRUE(imported.ok()) << problems;
    EXPECT_EQ(imported.survey["questions"][0]["type"], "acknowledge");
    EXPECT_EQ(imported.survey["questions"][2]["type"], "date");
    EXPECT_EQ(imported.survey["questions"][3]["type"], "rank");
    const auto loaded = core::load_survey_text(imported.survey.dump(), dir.path() / "ack.json");
    ASSERT_TRUE(loaded.ok());
    expect_same(*original.survey, *loaded.survey);
}

// Issue 12: a choice_filter and the choices' properties go out as XLSForm's choice_filter column and the choices
// sheet's own columns, and come back the same.
TEST(XlsformRoundTrip, ChoiceFiltersAndChoicePropertiesExportAndImportToTheSameSurvey) {
    const auto original = core::load_survey_text(R"({"survey": "wards", "version": "3", "default_language": "en",
      "languages": [{"code": "en", "name": "English", "status": "complete"}],
      "title": {"en": "Wards"}, "description": {"en": "d"}, "estimated_minutes": 1,
      "questions": [{"type": "select_one", "name": "borough", "label": {"en": "Borough?"},
                     "choices": [{"value": "camden", "label": {"en": "Camden"}}, {"value": "islington", "label": {"en": "Islington"}}]},
                    {"type": "select_multiple", "name": "wards", "label": {"en": "Wards?"},
                     "choice_filter": "borough = ${borough} or size = 'big'",
                     "choices": [{"value": "kentish_town", "label": {"en": "Kentish Town"}, "properties": {"borough": "camden", "size": "big"}},
                                 {"value": "highbury", "label": {"en": "Highbury"}, "properties": {"borough": "islington"}},
                                 {"value": "none", "label": {"en": "None"}, "exclusive": true}]}]})",
                                                 "wards.json");
    ASSERT_TRUE(original.ok());
    testing::TempDir dir;
    const auto file = dir.path() / "wards.xlsx";
    ASSERT_TRUE(export_xlsform(*original.survey, file));
    const auto imported = import_file(file);
    std::string problems;
    for (const auto& p : imported.problems) problems += p.to_string() + "\n";
    ASSERT_TRUE(imported.ok()) << problems;
    EXPECT_EQ(imported.survey["questions"][1]["choice_filter"], "borough = ${borough} or size = 'big'");
    const auto loaded = core::load_survey_text(imported.survey.dump(), dir.path() / "wards.json");
    ASSERT_TRUE(loaded.ok());
    expect_same(*original.survey, *loaded.survey);
}

TEST(XlsformRoundTrip, AnUnwritableTargetIsNamed) {
    const fs::path defs[] = {FIELDKIOSK_SURVEY_DEFS_DIR};
    const auto catalog = core::load_paths(defs);
    ASSERT_FALSE(catalog.surveys.empty());
    const auto r = export_xlsform(*catalog.surveys.front(), "/nonexistent/folder/x.xlsx");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("/nonexistent/folder/x.xlsx"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace fieldkiosk::xlsform
