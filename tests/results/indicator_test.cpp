// The shipped Camden indicator set, and broken indicator files with located errors.
#include "results/indicator.hpp"

#include "core/loader.hpp"
#include "tests/results/shipped.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <vector>

namespace fieldkiosk::results {
namespace {

const core::Catalog& shipped() { return testing::shipped_surveys(); }

SurveyLookup lookup() { return testing::shipped_lookup(); }

std::string problems(const std::vector<core::Diagnostic>& d) {
    std::string s;
    for (const auto& x : d) s += x.to_string() + "\n";
    return s;
}

TEST(Indicators, ShippedCamdenSetLoadsAgainstTheShippedSurveys) {
    ASSERT_TRUE(shipped().diagnostics.empty()) << problems(shipped().diagnostics);
    const auto cat = load_indicator_dir(testing::shipped_indicators_dir(), lookup());
    ASSERT_TRUE(cat.diagnostics.empty()) << problems(cat.diagnostics);
    std::set<std::string> ids;
    for (const auto& s : cat.sets)
        for (const auto& i : s.indicators) ids.insert(i.id);
    for (const char* id :
         {"F1",  "F2",  "F3", "F4_healthy", "F4_whole_day", "F5", "F6", "F6b", "F7", "S1", "S2", "S3", "S4", "S5", "S6", "S7",
          "S8a", "S8b", "Y1", "Y2",         "Y3",           "Y4", "Y5", "W1",  "W2", "W3", "W4", "W5", "W6", "W7", "W8"})
        EXPECT_TRUE(ids.contains(id)) << id;
    EXPECT_EQ(std::ranges::count_if(ids, [](const std::string& i) { return i.starts_with("F4_"); }), 8);
}

TEST(Indicators, FiesLabelsSayScreeningAndNeetSaysNotOns) {
    const auto cat = load_indicator_dir(testing::shipped_indicators_dir(), lookup());
    for (const auto& s : cat.sets)
        for (const auto& i : s.indicators) {
            if (i.id.starts_with("F1") || i.id.starts_with("F2") || i.id.starts_with("F3") || i.id.starts_with("F4")) {
                EXPECT_NE(i.label.get("en").find("screening"), std::string::npos) << i.id;
                EXPECT_NE(i.caption.get("en").find("not"), std::string::npos) << i.id;  // "not FAO's official ..."
                EXPECT_EQ(i.label.get("en").find("prevalence"), std::string::npos) << i.id;
            }
            if (i.id == "Y1") { EXPECT_NE(i.caption.get("en").find("not the ONS"), std::string::npos); }
            if (i.id.starts_with("W")) { EXPECT_EQ(i.compare, "age_group") << i.id; }
        }
}

std::vector<core::Diagnostic> broken(const std::string& indicators_json, const std::string& survey = "food") {
    const std::string text = "{\"survey\": \"" + survey + "\", \"indicators\": [" + indicators_json + "]}";
    auto r = parse_indicator_text(text, "broken.json", lookup());
    EXPECT_FALSE(r) << indicators_json;
    return r ? std::vector<core::Diagnostic>{} : r.error();
}

constexpr const char* k_label = R"j("label": {"en": "x"}, "caption": {"en": "y"})j";

TEST(Indicators, UnknownQuestionIsNamedWithASuggestion) {
    const auto d = broken(R"j({"id": "F9", "mission": "food", "kind": "proportion", "base": "${fies_helthy} = 'yes'",
                              "numerator": "true()", )j" +
                          std::string(k_label) + "}");
    ASSERT_EQ(d.size(), 1u) << problems(d);
    EXPECT_EQ(d[0].file, "broken.json");
    EXPECT_EQ(d[0].question, "F9");
    EXPECT_EQ(d[0].field, "base");
    EXPECT_NE(d[0].message.find("${fies_helthy}"), std::string::npos);
    EXPECT_NE(d[0].message.find("did you mean ${fies_healthy}"), std::string::npos);
}

TEST(Indicators, ChoiceValueTheQuestionDoesNotHaveIsRefused) {
    const auto d = broken(R"j({"id": "F9", "mission": "food", "kind": "proportion", "base": "true()",
                              "numerator": "${fresh_produce_nearby} = 'Yes'", )j" +
                          std::string(k_label) + "}");
    ASSERT_EQ(d.size(), 1u) << problems(d);
    EXPECT_EQ(d[0].field, "numerator");
    EXPECT_NE(d[0].message.find("'Yes', which is not one of its choice values (yes, sometimes, no"), std::string::npos);
}

TEST(Indicators, EveryProblemOfAFileIsLocated) {
    const auto d = broken(R"j({"id": "F9", "mission": "food", "kind": "ratio", "base": "${ward} = ", "colour": "red",
                              "label": {"fr": "x"}, "caption": {"en": "y"}},
                             {"id": "F9", "mission": "food", "kind": "option_shares", "question": "fresh_produce_nearby",
                              "base": "true()", )j" +
                          std::string(k_label) + R"j(, "compare": "postcode"})j");
    const std::string all = problems(d);
    EXPECT_NE(all.find("broken.json: F9.kind: 'ratio' is not a kind: use proportion, mean or option_shares"), std::string::npos)
        << all;
    EXPECT_NE(all.find("F9.base: column"), std::string::npos) << all;
    EXPECT_NE(all.find("F9.colour: is not an indicator field"), std::string::npos) << all;
    EXPECT_NE(all.find("F9.label: has no English text"), std::string::npos) << all;
    EXPECT_NE(all.find("F9.id: is used twice"), std::string::npos) << all;
    EXPECT_NE(all.find("'fresh_produce_nearby' is not a select_multiple question"), std::string::npos) << all;
    EXPECT_NE(all.find("F9.compare: 'postcode' is not a breakdown; use one of ward,"), std::string::npos) << all;
}

TEST(Indicators, FileLevelProblems) {
    auto a = parse_indicator_text(R"({"survey": "groceries", "indicators": []})", "x.json", lookup());
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error()[0].to_string(), "x.json: survey: 'groceries' is not a known survey: name one in the surveys folder");
    auto b = parse_indicator_text("{\"survey\": \"food\",\n \"indicators\": [,]}", "x.json", lookup());
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error()[0].line, 2);
    auto c = load_indicator_file("/nonexistent/food.json", lookup());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error()[0].message.find("cannot be read"), std::string::npos);
}

}  // namespace
}  // namespace fieldkiosk::results
