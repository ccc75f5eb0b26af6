// exports/wide.cpp: the wide table's columns, cells, labels, calculations, other versions and sealed rows.
#include "exports/wide.hpp"

#include "exports/codebook.hpp"

#include "core/loader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace fieldkiosk::exports {
namespace {

using nlohmann::json;

core::Catalog shipped() {
    const std::vector<std::filesystem::path> paths{FIELDKIOSK_SURVEY_DEFS_DIR};
    return core::load_paths(paths);
}

core::SurveyPtr survey(std::string_view id) {
    static const core::Catalog catalog = shipped();
    auto s = catalog.find(id);
    EXPECT_TRUE(s) << id;
    return s;
}

WideTable table(std::string_view id, std::string labels = {}) {
    auto t = WideTable::make(survey(id), WideOptions{std::move(labels)});
    EXPECT_TRUE(t) << (t ? "" : t.error());
    return std::move(*t);
}

std::size_t column(const WideTable& t, std::string_view name) {
    const auto& cols = t.columns();
    auto it = std::ranges::find_if(cols, [&](const Column& c) { return c.name == name; });
    EXPECT_NE(it, cols.end()) << name;
    return static_cast<std::size_t>(it - cols.begin());
}

ResponseRecord record(json answers, json extra = json::object()) {
    json p = {{"id", "r-1"},
              {"survey", "food"},
              {"survey_version", "1"},
              {"language", "en"},
              {"mode", "kiosk"},
              {"site", "kentish-town"},
              {"started_at", "2027-01-02T10:00:00Z"},
              {"answers", answers},
              {"write_ins", json::object()}};
    p.update(extra);
    ResponseRecord r;
    r.id = "r-1";
    r.kiosk = "kiosk-a";
    r.completed_at = "2027-01-02T10:04:00Z";
    r.received_at = "2027-01-02T10:05:00Z";
    r.payload = p.dump();
    return r;
}

TEST(WideTable, ColumnsFollowTheSurveyOrderWithMetadataFirstAndNoNotes) {
    const auto t = table("food");
    const auto h = t.header();
    const std::vector<std::string> meta{"id",          "site",           "kiosk",         "mode",
                                        "language",    "survey_version", "started_at",    "completed_at",
                                        "received_at", "sealed",         "quality_flags", "quality_reasons"};
    ASSERT_GE(h.size(), meta.size());
    EXPECT_TRUE(std::equal(meta.begin(), meta.end(), h.begin()));
    EXPECT_EQ(std::ranges::count(h, "food_intro"), 0) << "a note has no column";
    EXPECT_LT(column(t, "fies_worried"), column(t, "fies_raw_score"));
    EXPECT_LT(column(t, "fies_screening_summary"), column(t, "fresh_produce_nearby"));
    EXPECT_LT(column(t, "fresh_produce_nearby"), column(t, "food_sources"));
    // Blocks are expanded in place: the about-you questions have columns too.
    EXPECT_GT(column(t, "age_band"), 0u);
    const auto* q = t.survey().find("food_sources");
    ASSERT_TRUE(q);
    std::size_t at = column(t, "food_sources");
    for (const auto& c : q->choices) EXPECT_EQ(h[++at], "food_sources/" + c.value);
}

// Every multi-select of every shipped survey: each 0/1 column says whether its option is in the original.
TEST(WideTable, MultiSelectIndicatorsAgreeWithTheOriginalInEveryShippedSurvey) {
    const auto catalog = shipped();
    ASSERT_FALSE(catalog.current().empty());
    std::size_t checked = 0;
    for (const auto& s : catalog.current()) {
        auto t = WideTable::make(s);
        ASSERT_TRUE(t);
        json answers = json::object();
        for (const auto& q : s->questions)
            if (q.type == core::QuestionType::SelectMultiple) {
                json chosen = json::array();
                for (std::size_t i = 0; i < q.choices.size(); i += 2) chosen.push_back(q.choices[i].value);  // every other one
                answers[q.name] = chosen;
            }
        const auto cells = t->row(record(answers));
        for (std::size_t c = 0; c < t->columns().size(); ++c) {
            const Column& col = t->columns()[c];
            if (col.kind != ColumnKind::Option) continue;
            const std::string original = " " + cells[column(*t, col.question->name)] + " ";
            const bool in_original = original.find(" " + col.choice->value + " ") != std::string::npos;
            EXPECT_EQ(cells[c], in_original ? "1" : "0") << s->id << " " << col.name;
            ++checked;
        }
    }
    EXPECT_GT(checked, 20u);
}

TEST(WideTable, AnUnansweredMultiSelectLeavesItsIndicatorsEmptyNotZero) {
    const auto t = table("food");
    const auto cells = t.row(record(json::object()));
    const auto* q = t.survey().find("food_sources");
    EXPECT_EQ(cells[column(t, "food_sources")], "");
    EXPECT_EQ(cells[column(t, "food_sources/" + q->choices.front().value)], "");
}

// Issue 12: an acknowledge question is one column holding "OK", empty when not ticked or not asked; a date one
// column of YYYY-MM-DD.
TEST(WideTable, AcknowledgeDateAndRankQuestionsAreOneColumnEach) {
    const auto loaded = core::load_survey_text(R"({"survey": "food", "version": "1", "default_language": "en",
      "languages": [{"code": "en", "name": "English", "status": "complete"}],
      "title": {"en": "Ack"}, "description": {"en": "d"}, "estimated_minutes": 1,
      "questions": [{"type": "acknowledge", "name": "agree", "label": {"en": "I have read the notice."}},
                    {"type": "date", "name": "born", "label": {"en": "Born?"}},
                    {"type": "rank", "name": "order", "label": {"en": "In order?"},
                     "choices": [{"value": "a", "label": {"en": "A"}}, {"value": "b", "label": {"en": "B"}}]}]})",
                                               "ack.json");
    ASSERT_TRUE(loaded.ok());
    auto t = WideTable::make(loaded.survey);
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t->row(record({{"agree", "OK"}}))[column(*t, "agree")], "OK");
    EXPECT_EQ(t->row(record(json::object()))[column(*t, "agree")], "");
    const auto rows = codebook(*t);
    const auto it = std::ranges::find_if(rows, [](const CodebookRow& r) { return r.variable == "agree"; });
    ASSERT_NE(it, rows.end());
    EXPECT_EQ(it->type, "acknowledge");
    EXPECT_EQ(it->values, "OK = ticked (empty: not ticked, or not asked)");
    // A date is one column of its ISO text.
    EXPECT_EQ(t->row(record({{"born", "1990-06-15"}}))[column(*t, "born")], "1990-06-15");
    const auto born = std::ranges::find_if(rows, [](const CodebookRow& r) { return r.variable == "born"; });
    ASSERT_NE(born, rows.end());
    EXPECT_EQ(born->type, "date");
    EXPECT_EQ(born->values, "a date, YYYY-MM-DD");
    // A rank is one column of its values in the resident's order (ODK's rank value).
    EXPECT_EQ(t->row(record({{"order", {"b", "a"}}}))[column(*t, "order")], "b a");
    const auto order = std::ranges::find_if(rows, [](const CodebookRow& r) { return r.variable == "order"; });
    ASSERT_NE(order, rows.end());
    EXPECT_EQ(order->type, "rank");
    EXPECT_EQ(order->choices, "a = A | b = B");
}

TEST(WideTable, MetadataComesFromTheStoreAndThePayload) {
    const auto t = table("food");
    const auto cells = t.row(record(json::object()));
    EXPECT_EQ(cells[column(t, "id")], "r-1");
    EXPECT_EQ(cells[column(t, "site")], "kentish-town");
    EXPECT_EQ(cells[column(t, "kiosk")], "kiosk-a");
    EXPECT_EQ(cells[column(t, "mode")], "kiosk");
    EXPECT_EQ(cells[column(t, "language")], "en");
    EXPECT_EQ(cells[column(t, "survey_version")], "1");
    EXPECT_EQ(cells[column(t, "started_at")], "2027-01-02T10:00:00Z");
    EXPECT_EQ(cells[column(t, "completed_at")], "2027-01-02T10:04:00Z");
    EXPECT_EQ(cells[column(t, "received_at")], "2027-01-02T10:05:00Z");
    EXPECT_EQ(cells[column(t, "sealed")], "0");
    EXPECT_EQ(cells[column(t, "quality_flags")], "");  // none given: a kiosk's own export
    EXPECT_EQ(cells[column(t, "quality_reasons")], "");
}

TEST(WideTable, QualityColumnsCarryTheRecordsFlagsAsGiven) {
    const auto t = table("food");
    ResponseRecord r = record(json::object());
    r.quality_flags = "burst;too_fast";
    r.quality_reasons = "burst: 4 or more completions from kiosk 'k' within 120 s; too fast: 3 s for 5 answered screens";
    const auto cells = t.row(r);
    EXPECT_EQ(cells[column(t, "quality_flags")], r.quality_flags);
    EXPECT_EQ(cells[column(t, "quality_reasons")], r.quality_reasons);
}

TEST(WideTable, LabelsInAnotherLanguageReplaceCodesButNotTheIndicators) {
    const auto t = table("food", "es");
    const auto* fresh = t.survey().find("fresh_produce_nearby");
    const auto* sources = t.survey().find("food_sources");
    ASSERT_TRUE(fresh && sources && sources->choices.size() >= 2);
    const auto& a = sources->choices[0];
    const auto& b = sources->choices[1];
    const auto cells = t.row(record({{"fresh_produce_nearby", fresh->choices[0].value}, {"food_sources", {a.value, b.value}}}));
    EXPECT_EQ(cells[column(t, "fresh_produce_nearby")], fresh->choices[0].label.get("es"));
    EXPECT_NE(cells[column(t, "fresh_produce_nearby")], fresh->choices[0].label.get("en"));
    EXPECT_EQ(cells[column(t, "food_sources")], a.label.get("es") + "; " + b.label.get("es"));
    EXPECT_EQ(cells[column(t, "food_sources/" + a.value)], "1");
    // Codes by default.
    const auto codes = table("food").row(record({{"fresh_produce_nearby", fresh->choices[0].value}}));
    EXPECT_EQ(codes[column(t, "fresh_produce_nearby")], fresh->choices[0].value);
}

TEST(WideTable, AnUnknownLanguageIsRefusedNamingTheSurveysLanguages) {
    auto t = WideTable::make(survey("food"), WideOptions{"xx"});
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().find("'xx'"), std::string::npos) << t.error();
    EXPECT_NE(t.error().find("es"), std::string::npos) << t.error();
}

json fies(std::string_view all, std::string_view last) {
    json a = json::object();
    for (const char* n :
         {"fies_worried", "fies_healthy", "fies_few_kinds", "fies_skipped", "fies_ate_less", "fies_ran_out", "fies_hungry"})
        a[n] = all;
    a["fies_whole_day"] = last;
    return a;
}

TEST(WideTable, MissingCalculationsAreComputedWithTheSurveysOwn) {
    const auto t = table("food");
    auto cells = t.row(record(fies("yes", "no")));
    EXPECT_EQ(cells[column(t, "fies_raw_score")], "7");
    EXPECT_EQ(cells[column(t, "fies_valid_count")], "8");
    EXPECT_EQ(cells[column(t, "fies_screening_summary")], "severe");
    cells = t.row(record(fies("no", "dont_know")));
    EXPECT_EQ(cells[column(t, "fies_raw_score")], "0");
    EXPECT_EQ(cells[column(t, "fies_valid_count")], "7");
    EXPECT_EQ(cells[column(t, "fies_screening_summary")], "incomplete");
}

TEST(WideTable, CalculationsThePayloadCarriesAreTakenAsStored) {
    const auto t = table("food");
    // As stored by the kiosk: the stored figure wins even where the answers would now say otherwise.
    const auto cells = t.row(record(fies("yes", "yes"), {{"calculated", {{"fies_raw_score", 5}}}}));
    EXPECT_EQ(cells[column(t, "fies_raw_score")], "5");
    EXPECT_EQ(cells[column(t, "fies_valid_count")], "8");  // not in the payload: computed
}

TEST(WideTable, NeetApproximationIsComputedOnlyWhereTheSurveyAsksIt) {
    const auto t = table("youth");
    auto cells = t.row(record({{"age_band", "18_24"}, {"in_education_training", "no"}, {"in_paid_work", "no"}}));
    EXPECT_EQ(cells[column(t, "neet_approx")], "yes");
    cells = t.row(record({{"age_band", "18_24"}, {"in_education_training", "yes"}}));
    EXPECT_EQ(cells[column(t, "neet_approx")], "no");
    cells = t.row(record({{"age_band", "45_54"}}));
    EXPECT_EQ(cells[column(t, "neet_approx")], "") << "not relevant for adults";
}

TEST(WideTable, AnotherVersionMapsByQuestionNameAndRemovedQuestionsHaveNoColumn) {
    const auto t = table("food");
    const auto before = t.header();
    std::string problem;
    const auto cells =
        t.row(record({{"fies_worried", "yes"}, {"question_removed_since", "x"}}, {{"survey_version", "0.1"}}), &problem);
    EXPECT_EQ(cells.size(), before.size());
    EXPECT_EQ(cells[column(t, "fies_worried")], "yes");
    EXPECT_EQ(cells[column(t, "survey_version")], "0.1");
    EXPECT_EQ(std::ranges::count(t.header(), "question_removed_since"), 0);
    EXPECT_EQ(std::ranges::find(cells, "x"), cells.end());
}

TEST(WideTable, AnAnswerThatNoLongerFitsIsWrittenAsStoredAndNoted) {
    const auto t = table("food");
    std::string problem;
    const auto cells = t.row(record({{"fresh_produce_nearby", {"a", "b"}}}), &problem);
    EXPECT_EQ(cells[column(t, "fresh_produce_nearby")], "a b");
    EXPECT_NE(problem.find("fresh_produce_nearby"), std::string::npos) << problem;
}

TEST(WideTable, ASealedResponseHasItsFlagAndEmptyAnswerCells) {
    const auto t = table("food");
    ResponseRecord r = record(json::object());
    json p = json::parse(r.payload);
    p.erase("answers");
    p["sealed"] = {{"key_id", "food-2027"}, {"box", "AAAA"}};
    r.payload = p.dump();
    const auto cells = t.row(r);
    EXPECT_EQ(cells[column(t, "sealed")], "1");
    EXPECT_EQ(cells[column(t, "id")], "r-1");
    for (std::size_t c = 0; c < cells.size(); ++c)
        if (t.columns()[c].question) { EXPECT_EQ(cells[c], "") << t.columns()[c].name; }
}

TEST(WideTable, APayloadThatIsNotJsonKeepsItsMetadataAndSaysWhy) {
    const auto t = table("food");
    ResponseRecord r = record(json::object());
    r.payload = "{not json";
    std::string problem;
    const auto cells = t.row(r, &problem);
    EXPECT_EQ(cells[column(t, "id")], "r-1");
    EXPECT_EQ(cells[column(t, "received_at")], "2027-01-02T10:05:00Z");
    EXPECT_NE(problem.find("not a JSON object"), std::string::npos);
}

TEST(CsvLine, QuotesAndGuardsFormulasAsTheLongExportDoes) {
    EXPECT_EQ(csv_line({"a", "b,c", "say \"hi\"", "=1+1", ""}), "a,\"b,c\",\"say \"\"hi\"\"\",'=1+1,\r\n");
}

TEST(WideTable, WriteInsHaveTheirOwnColumn) {
    const auto t = table("food");
    const auto* q = t.survey().find("food_sources");
    auto other = std::ranges::find_if(q->choices, [](const core::Choice& c) { return c.other; });
    ASSERT_NE(other, q->choices.end());
    const auto cells = t.row(record({{"food_sources", {other->value}}}, {{"write_ins", {{"food_sources", "allotment"}}}}));
    EXPECT_EQ(cells[column(t, "food_sources_other")], "allotment");
}

}  // namespace
}  // namespace fieldkiosk::exports
