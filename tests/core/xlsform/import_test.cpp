// core/xlsform/import.cpp: XLSForm -> survey JSON, every refusal located at sheet!cell (column).
#include "core/loader.hpp"
#include "core/xlsform/import.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::xlsform {
namespace {

Sheet sheet(std::string name, std::vector<std::vector<std::string>> rows) { return Sheet{.name = std::move(name), .rows = std::move(rows)}; }

std::string errors_of(const ImportResult& r) {
    std::string out;
    for (const auto& p : r.problems) out += p.to_string() + "\n";
    return out;
}

Workbook food_form() {
    return Workbook{{
        sheet("survey", {{"type", "name", "label::English (en)", "label::Español (es)", "relevant", "required", "constraint", "hint::English (en)"},
                         {"select_one yes_no", "eats", "Do you eat?", "¿Come?", "", "yes", "", ""},
                         {"begin group", "g", "", "", "${eats} = 'yes'", "", "", ""},
                         {"integer", "meals", "Meals a day", "Comidas", "", "TRUE", ". < 10", "A number"},
                         {"end group", "", "", "", "", "", "", ""},
                         {"range", "happy", "How happy?", "¿Feliz?", "", "", "", ""},
                         {"start", "start", "", "", "", "", "", ""}}),
        sheet("choices", {{"list_name", "name", "label::English (en)", "label::Español (es)"},
                          {"yes_no", "yes", "Yes", "Sí"},
                          {"yes_no", "no", "No", "No"}}),
        sheet("Settings", {{"form_title", "form_id", "version", "default_language", "estimated_minutes"},
                           {"Food", "food_x", "2026.1", "English (en)", "3"}}),
    }};
}

TEST(XlsformImport, MapsAFormToASurveyTheLoaderAccepts) {
    auto wb = food_form();
    wb.sheets[0].rows[5][6] = "";  // no parameters: range 1..10
    const auto r = import_workbook(wb, "food.xlsx");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    const auto& s = r.survey;
    EXPECT_EQ(s["survey"], "food_x");
    EXPECT_EQ(s["version"], "2026.1");
    EXPECT_EQ(s["default_language"], "en");
    EXPECT_EQ(s["languages"][1]["code"], "es");
    EXPECT_EQ(s["languages"][1]["status"], "draft");  // the hint lacks Spanish: filled from English, marked draft
    EXPECT_EQ(s["questions"].size(), 3U);             // 'start' is metadata the kiosk records itself
    EXPECT_EQ(s["questions"][1]["relevant"], "(${eats} = 'yes')");  // the group's relevant carried to its question
    EXPECT_EQ(s["questions"][1]["required"], true);
    EXPECT_EQ(s["questions"][2]["type"], "scale");
    EXPECT_EQ(s["questions"][2]["max"], 10);
    const auto loaded = core::load_survey_text(s.dump(), "food.json");
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded.survey->questions[0].choices[0].label.get("es"), "Sí");
}

TEST(XlsformImport, LoaderProblemsAreTracedBackToTheirCell) {
    auto wb = food_form();
    wb.sheets[0].rows[3][4] = "${age} > 3";  // survey!E4 (relevant)
    const auto r = import_workbook(wb, "form.xlsx");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(errors_of(r).find("form.xlsx: survey!E4 (relevant): "), std::string::npos) << errors_of(r);
    EXPECT_NE(errors_of(r).find("'age'"), std::string::npos) << errors_of(r);
}

TEST(XlsformImport, RefusesWhatTheKioskCannotDoAtItsCell) {
    auto wb = food_form();
    wb.sheets[0].rows.push_back({"geopoint", "where", "Where?", "¿Dónde?", "", "", "", ""});
    wb.sheets[0].rows.push_back({"begin repeat", "kids", "", "", "", "", "", ""});
    wb.sheets[0].rows.push_back({"select_one nolist", "x", "X", "X", "", "", "", ""});
    wb.sheets[0].rows.push_back({"text", "t", "T", "T", "", "${eats} = 'yes'", "", ""});
    wb.sheets[2].rows[0].push_back("public_key");
    wb.sheets[2].rows[1].push_back("MIIB");
    const auto r = import_workbook(wb, "form.xlsx");
    const auto text = errors_of(r);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(text.find("survey!A8 (type): 'geopoint': the kiosk has no location sensor"), std::string::npos) << text;
    EXPECT_NE(text.find("survey!A9 (type): 'begin repeat'"), std::string::npos) << text;
    EXPECT_NE(text.find("survey!A10 (type): there is no list named 'nolist'"), std::string::npos) << text;
    EXPECT_NE(text.find("survey!F11 (required): the kiosk takes required as yes or no"), std::string::npos) << text;
    EXPECT_NE(text.find("Settings!F2 (public_key)"), std::string::npos) << text;
    EXPECT_TRUE(r.survey.is_null());
}

// Issue 12: `acknowledge` was refused; it is now read as the kiosk's acknowledge question.
TEST(XlsformImport, AcknowledgeIsReadAsAnAcknowledgeQuestion) {
    auto wb = food_form();
    wb.sheets[0].rows.push_back({"acknowledge", "agree", "I have read this", "He leído esto", "", "yes", "", ""});
    const auto r = import_workbook(wb, "food.xlsx");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    const auto& q = r.survey["questions"].back();
    EXPECT_EQ(q["type"], "acknowledge");
    EXPECT_EQ(q["name"], "agree");
    EXPECT_EQ(q["required"], true);
    EXPECT_FALSE(q.contains("choices"));
    const auto loaded = core::load_survey_text(r.survey.dump(), "food.json");
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded.survey->questions.back().type, core::QuestionType::Acknowledge);
    // Written with something after it, it is refused at its cell.
    wb.sheets[0].rows.back()[0] = "acknowledge yes";
    const auto bad = import_workbook(wb, "food.xlsx");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(errors_of(bad).find("food.xlsx: survey!A8 (type): 'acknowledge' takes nothing after it"), std::string::npos)
        << errors_of(bad);
}

// Issue 12: `date` was refused; it is now read as the kiosk's date question, its constraint kept.
TEST(XlsformImport, DateIsReadAsADateQuestion) {
    auto wb = food_form();
    wb.sheets[0].rows.push_back({"date", "moved", "When did you move here?", "¿Cuándo se mudó?", "", "", ". <= '2030-12-31'", ""});
    const auto r = import_workbook(wb, "food.xlsx");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    const auto& q = r.survey["questions"].back();
    EXPECT_EQ(q["type"], "date");
    EXPECT_EQ(q["constraint"], ". <= '2030-12-31'");
    const auto loaded = core::load_survey_text(r.survey.dump(), "food.json");
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded.survey->questions.back().type, core::QuestionType::Date);
    // time and datetime stay refused at their cell.
    wb.sheets[0].rows.back()[0] = "datetime";
    const auto bad = import_workbook(wb, "food.xlsx");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(errors_of(bad).find("food.xlsx: survey!A8 (type): 'datetime': the kiosk has no date-and-time question"), std::string::npos)
        << errors_of(bad);
}

// Issue 12: `rank LIST` was refused; it is now read as the kiosk's rank question over that list.
TEST(XlsformImport, RankIsReadAsARankQuestionOverItsList) {
    auto wb = food_form();
    wb.sheets[0].rows.push_back({"rank yes_no", "order", "Put these in order", "Ordene", "", "", "", ""});
    const auto r = import_workbook(wb, "food.xlsx");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    const auto& q = r.survey["questions"].back();
    EXPECT_EQ(q["type"], "rank");
    EXPECT_EQ(q["choices"], "yes_no");
    const auto loaded = core::load_survey_text(r.survey.dump(), "food.json");
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded.survey->questions.back().type, core::QuestionType::Rank);
    EXPECT_EQ(loaded.survey->questions.back().choices.size(), 2U);
    wb.sheets[0].rows.back()[0] = "rank";  // no list: refused at its cell
    const auto bad = import_workbook(wb, "food.xlsx");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(errors_of(bad).find("food.xlsx: survey!A8 (type): write 'rank LIST'"), std::string::npos) << errors_of(bad);
}

TEST(XlsformImport, RangeMustFitTheKiosksScale) {
    auto wb = food_form();
    wb.sheets[0].rows[0].push_back("parameters");
    wb.sheets[0].rows[5].push_back("start=0 end=20 step=1");
    const auto r = import_workbook(wb, "form.xlsx");
    EXPECT_NE(errors_of(r).find("survey!I6 (parameters): the kiosk asks a range"), std::string::npos) << errors_of(r);
    wb.sheets[0].rows[5].back() = "start=1, end=5, step=1";
    const auto ok = import_workbook(wb, "form.xlsx");
    ASSERT_TRUE(ok.ok()) << errors_of(ok);
    EXPECT_EQ(ok.survey["questions"][2]["max"], 5);
}

TEST(XlsformImport, HeadersAndSheetsAreCaseInsensitiveAndLegacyLanguagesWork) {
    Workbook wb{{sheet("SURVEY", {{"TYPE", "NAME", "Label:English", "Label:French", "Constraint", "jr:constraintMsg:English"},
                                  {"select one from yn", "q", "Q?", "Q ?", "", ""},
                                  {"decimal", "d", "D?", "D ?", ". > 0", "Above zero"}}),
                 sheet("CHOICES", {{"List Name", "Name", "Label:English", "Label:French"}, {"yn", "y", "Yes", "Oui"}})}};
    const auto r = import_workbook(wb, "legacy.xlsx");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    EXPECT_EQ(r.survey["survey"], "legacy");
    EXPECT_EQ(r.survey["languages"][1]["code"], "fr");
    EXPECT_EQ(r.survey["questions"][1]["constraint_message"]["en"], "Above zero");
    EXPECT_EQ(r.survey["questions"][0]["choices"], "yn");
}

TEST(XlsformImport, OneSheetWorkbookIsTheSurveyAndOrOtherAddsAWriteIn) {
    Workbook wb{{sheet("Sheet1", {{"type", "name", "label"}, {"text", "a", "A?"}})}};
    EXPECT_TRUE(import_workbook(wb, "one.xlsx").ok());
    Workbook other{{sheet("survey", {{"type", "name", "label"}, {"select_one c or_other", "a", "A?"}}),
                    sheet("choices", {{"list_name", "name", "label"}, {"c", "x", "X"}})}};
    const auto r = import_workbook(other, "o.xlsx");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    EXPECT_EQ(r.survey["questions"][0]["choices"][1]["value"], "other");
    EXPECT_EQ(r.survey["questions"][0]["choices"][1]["other"], true);
}

TEST(XlsformImport, UnknownLanguageDuplicateColumnsAndUnclosedGroupsAreLocated) {
    Workbook wb{{sheet("survey", {{"type", "name", "label:Klingon", "label", "label"}, {"begin group", "g", "", "", ""}, {"text", "a", "A", "A", ""}})}};
    const auto text = errors_of(import_workbook(wb, "x.xlsx"));
    EXPECT_NE(text.find("survey!C1 (label:Klingon): cannot tell the language code of 'Klingon'"), std::string::npos) << text;
    EXPECT_NE(text.find("survey!E1 (label): a second 'label' column (the first is column D)"), std::string::npos) << text;
    EXPECT_NE(text.find("survey!A2 (type): this group has no 'end group'"), std::string::npos) << text;
}

// Issue 12: choice_filter. The choices sheet's other columns become each choice's properties, the survey's
// choice_filter column the question's filter; what the loader refuses is located at the filter's cell.
Workbook towns_form(std::string filter) {
    return Workbook{{
        sheet("survey", {{"type", "name", "label", "choice_filter"},
                         {"select_one counties", "county", "County?", ""},
                         {"select_one towns", "town", "Town?", std::move(filter)}}),
        sheet("choices", {{"list_name", "name", "label", "county", "Notes for translators"},
                          {"counties", "camden", "Camden", "", ""},
                          {"counties", "islington", "Islington", "", ""},
                          {"towns", "kentish_town", "Kentish Town", "camden", "a ward"},
                          {"towns", "highbury", "Highbury", "islington", ""},
                          {"towns", "anywhere", "Anywhere", "", ""}}),
        sheet("settings", {{"form_id", "version", "estimated_minutes"}, {"towns", "1", "1"}}),
    }};
}

TEST(XlsformImport, ChoiceFilterAndTheChoicesSheetsOtherColumnsAreCarried) {
    const auto r = import_workbook(towns_form("county = ${county}"), "towns.xlsx");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    const auto& s = r.survey;
    EXPECT_EQ(s["questions"][1]["choice_filter"], "county = ${county}");
    EXPECT_FALSE(s["questions"][0].contains("choice_filter"));
    EXPECT_EQ(s["choice_lists"]["towns"][0]["properties"], nlohmann::ordered_json({{"county", "camden"}}));
    EXPECT_FALSE(s["choice_lists"]["towns"][2].contains("properties"));  // an empty cell: no property
    EXPECT_FALSE(s["choice_lists"]["counties"][0].contains("properties"));
    EXPECT_NE(errors_of(r).find("choices!E1 (Notes for translators): warning: ignored"), std::string::npos) << errors_of(r);
    const auto loaded = core::load_survey_text(s.dump(), "towns.json");
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded.survey->questions[1].choice_filter);
}

TEST(XlsformImport, AChoiceFilterNamingAColumnTheChoicesSheetLacksIsRefusedAtItsCell) {
    auto r = import_workbook(towns_form("borough = ${county}"), "towns.xlsx");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(errors_of(r).find("survey!D3 (choice_filter): refers to 'borough', which is not a property"), std::string::npos)
        << errors_of(r);
    r = import_workbook(towns_form("county = = ${county}"), "towns.xlsx");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(errors_of(r).find("survey!D3 (choice_filter): does not parse at column 10"), std::string::npos) << errors_of(r);
    auto wb = towns_form("");
    wb.sheets[0].rows[1][3] = "name != 'islington'";  // on the first select: fine; on a text question: refused
    wb.sheets[0].rows.push_back({"text", "street", "Street?", "county = 'camden'"});
    r = import_workbook(wb, "towns.xlsx");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(errors_of(r).find("survey!D4 (choice_filter): only a select_one"), std::string::npos) << errors_of(r);
}

TEST(XlsformImport, UnreadableFileIsNamed) {
    const auto r = import_file("/nonexistent/form.xlsx");
    ASSERT_EQ(r.problems.size(), 1U);
    EXPECT_EQ(r.problems[0].to_string(), "/nonexistent/form.xlsx: cannot open the file");
}

}  // namespace
}  // namespace fieldkiosk::xlsform
