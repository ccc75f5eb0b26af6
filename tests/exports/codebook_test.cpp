// exports/codebook.cpp: the codebook covers every question and choice; SPSS syntax stays within 251 bytes a line.
#include "exports/codebook.hpp"

#include "core/loader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace fieldkiosk::exports {
namespace {

core::Catalog shipped() {
    const std::vector<std::filesystem::path> paths{FIELDKIOSK_SURVEY_DEFS_DIR};
    return core::load_paths(paths);
}

const CodebookRow* find(const std::vector<CodebookRow>& rows, std::string_view variable) {
    auto it = std::ranges::find_if(rows, [&](const CodebookRow& r) { return r.variable == variable; });
    return it == rows.end() ? nullptr : &*it;
}

TEST(Codebook, EveryShippedSurveyCoversEveryQuestionAndChoiceWithItsSource) {
    const auto catalog = shipped();
    ASSERT_GE(catalog.current().size(), 4u);
    for (const auto& s : catalog.current()) {
        auto t = WideTable::make(s);
        ASSERT_TRUE(t);
        const auto rows = codebook(*t);
        EXPECT_EQ(rows.size(), t->columns().size()) << s->id;
        for (const char* quality : {"quality_flags", "quality_reasons"}) {
            const CodebookRow* r = find(rows, quality);
            ASSERT_TRUE(r) << s->id << ": no codebook row for " << quality;
            EXPECT_EQ(r->type, "metadata");
            EXPECT_NE(r->label.find(std::string_view(quality) == "quality_flags" ? "Quality flags" : "quality flag"),
                      std::string::npos)
                << r->label;
        }
        EXPECT_NE(find(rows, "quality_flags")->values.find("burst, duplicate, too_fast, straight_line"), std::string::npos);
        for (const auto& q : s->questions) {
            if (q.type == core::QuestionType::Note) continue;
            const CodebookRow* r = find(rows, q.name);
            ASSERT_TRUE(r) << s->id << ": no codebook row for " << q.name;
            EXPECT_EQ(r->type, core::to_string(q.type));
            EXPECT_FALSE(r->label.empty()) << q.name;
            if (q.relevant) { EXPECT_EQ(r->relevant, q.relevant->text()); }
            if (q.calculation) { EXPECT_EQ(r->calculation, q.calculation->text()); }
            for (const auto& c : q.choices) {
                EXPECT_NE(r->choices.find(c.value + " = " + c.label.get(s->default_language)), std::string::npos)
                    << s->id << "." << q.name << ": choice " << c.value;
                if (q.type == core::QuestionType::SelectMultiple) {
                    EXPECT_TRUE(find(rows, q.name + "/" + c.value)) << q.name << "/" << c.value;
                }
            }
            if (!q.source.empty()) {
                auto src = std::ranges::find_if(s->sources, [&](const core::Source& x) { return x.id == q.source; });
                ASSERT_NE(src, s->sources.end());
                EXPECT_EQ(r->licence, src->licence) << q.name;
                EXPECT_EQ(r->instrument, src->instrument) << q.name;
            }
        }
    }
}

TEST(Codebook, CsvHasAHeaderAndOneRecordPerColumn) {
    auto t = WideTable::make(shipped().find("food"));
    ASSERT_TRUE(t);
    const std::string csv = codebook_csv(*t);
    EXPECT_TRUE(
        csv.starts_with("variable,question,label,type,values,relevant,calculation,choices,instrument,source,licence,url\r\n"));
    EXPECT_NE(csv.find("\r\nfies_worried,fies_worried,"), std::string::npos);
}

TEST(Codebook, LabelsInTheChosenLanguage) {
    const auto s = shipped().find("food");
    auto t = WideTable::make(s, WideOptions{"fr"});
    ASSERT_TRUE(t);
    const auto rows = codebook(*t);
    EXPECT_EQ(find(rows, "fies_worried")->label, s->find("fies_worried")->label.get("fr"));
}

core::SurveyPtr long_label_survey(const std::string& label) {
    const nlohmann::json doc = {{"survey", "long"},
                                {"version", "1"},
                                {"languages", {{{"code", "en"}, {"name", "English"}, {"status", "complete"}}}},
                                {"title", {{"en", "Long"}}},
                                {"description", {{"en", "d"}}},
                                {"estimated_minutes", 3},
                                {"questions",
                                 {{{"type", "select_one"},
                                   {"name", "q"},
                                   {"label", {{"en", label}}},
                                   {"choices", {{{"value", "a"}, {"label", {{"en", label}}}}}}},
                                  {{"type", "select_multiple"},
                                   {"name", "m"},
                                   {"label", {{"en", "M"}}},
                                   {"choices", {{{"value", "x-y"}, {"label", {{"en", "X"}}}}}}}}}};
    const std::string text = doc.dump();
    auto r = core::load_survey_text(text, "long.json");
    std::string errors;
    for (const auto& d : r.diagnostics) errors += d.to_string() + "\n";
    EXPECT_TRUE(r.ok()) << errors;
    return r.survey;
}

TEST(Spss, NoLineIsLongerThan251BytesEvenWithAVeryLongQuotedMultibyteLabel) {
    std::string label;
    for (int i = 0; i < 120; ++i) label += "It's «très» long ";  // quotes to double, 2-byte characters
    const auto s = long_label_survey(label);
    ASSERT_TRUE(s);
    auto t = WideTable::make(s);
    ASSERT_TRUE(t);
    const std::string sps = spss_syntax(*t);
    std::istringstream lines(sps);
    std::string line, rebuilt;
    bool in_q = false, values = false;
    while (std::getline(lines, line)) {
        EXPECT_LE(line.size(), k_spss_max_line) << line;
        if (line == "VALUE LABELS") values = true;
        if (values) continue;
        if (line == "  q" || line == "  /q")
            in_q = true;
        else if (in_q && line.starts_with("    '")) {
            // '...' + : the piece without its quotes and the continuation.
            std::string piece = line.substr(5);
            piece = piece.substr(0, piece.rfind('\''));
            rebuilt += piece;
            if (!line.ends_with("+")) in_q = false;
        }
    }
    std::string escaped;
    for (char c : s->find("q")->label.get("en")) escaped += c == '\'' ? std::string("''") : std::string(1, c);
    EXPECT_EQ(rebuilt, escaped) << "the pieces join back to the label, quotes doubled";
    EXPECT_NE(sps.find("VALUE LABELS"), std::string::npos);
    EXPECT_NE(sps.find("  /m_x_y\n    1 'chosen'"), std::string::npos) << "option columns: '/' and '-' become '_'";
    EXPECT_TRUE(sps.ends_with("EXECUTE.\n"));
}

TEST(Spss, OneFilePerLanguage) {
    const auto s = shipped().find("food");
    auto en = WideTable::make(s);
    auto es = WideTable::make(s, WideOptions{"es"});
    ASSERT_TRUE(en && es);
    const std::string q = s->find("fresh_produce_nearby")->label.get("es");
    EXPECT_EQ(spss_syntax(*en).find(q.substr(0, 30)), std::string::npos);
    EXPECT_NE(spss_syntax(*es).find(q.substr(0, 30)), std::string::npos);
}

TEST(Spss, NamesAreValidSpssVariableNames) {
    EXPECT_EQ(spss_name("food_sources/food-bank"), "food_sources_food_bank");
    EXPECT_EQ(spss_name("1st"), "v_1st");
    EXPECT_EQ(spss_name(std::string(80, 'a')).size(), 64u);
}

}  // namespace
}  // namespace fieldkiosk::exports
