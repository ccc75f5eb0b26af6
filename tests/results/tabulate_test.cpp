// Indicators evaluated on responses built in memory: FIES completeness and thresholds, multi-select bases,
// ONS4 edges, young people against 25+, small-cell protection across a breakdown, change on a year earlier,
// weighting. Dates are fixed in the data (2025/2026), never taken from today.
#include "results/tabulate.hpp"

#include "core/loader.hpp"
#include "results/output.hpp"
#include "tests/results/shipped.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

namespace fieldkiosk::results {
namespace {

const core::Catalog& shipped() { return testing::shipped_surveys(); }

const IndicatorSet& set_for(std::string_view survey) {
    static const IndicatorCatalog cat = load_indicator_dir(testing::shipped_indicators_dir(), testing::shipped_lookup());
    const auto* s = cat.for_survey(survey);
    EXPECT_TRUE(s) << survey;
    return *s;
}

ResponseFrame frame(std::string_view survey, std::vector<std::pair<std::string, std::string>> answers,
                    std::string completed_at = "2026-08-10T10:00:00.000Z") {
    ResponseFrame f(shipped().find(survey));
    for (auto& [k, v] : answers) {
        const bool number = !v.empty() && std::ranges::all_of(v, [](char c) { return c >= '0' && c <= '9'; });
        f.set(k, number ? core::Value::number(std::stod(v)) : core::Value::string(v));
    }
    f.completed_at = std::move(completed_at);
    f.compute_calculations();
    return f;
}

const Figure& find(const Table& t, std::string_view id, std::string_view breakdown = "all", std::string_view group = "all") {
    for (const auto& f : t.figures)
        if (f.indicator == id && f.breakdown == breakdown && f.group == group) return f;
    ADD_FAILURE() << "no figure " << id << " " << breakdown << "=" << group;
    static const Figure none;
    return none;
}

std::vector<std::pair<std::string, std::string>> fies(int yes, const std::string& rest = "no") {
    static const char* items[] = {"fies_worried",  "fies_healthy", "fies_few_kinds", "fies_skipped",
                                  "fies_ate_less", "fies_ran_out", "fies_hungry",    "fies_whole_day"};
    std::vector<std::pair<std::string, std::string>> a;
    for (int i = 0; i < 8; ++i) a.emplace_back(items[i], i < yes ? "yes" : rest);
    return a;
}

TEST(Tabulate, FiesThresholdsCountOnlyCompleteAnswers) {
    std::vector<ResponseFrame> r;
    for (int k = 0; k < 10; ++k) {
        r.push_back(frame("food", fies(0)));
        r.push_back(frame("food", fies(3)));
        r.push_back(frame("food", fies(4)));
        r.push_back(frame("food", fies(7)));
    }
    for (int k = 0; k < 5; ++k) r.push_back(frame("food", fies(7, "dont_know")));  // 7 yes, 1 don't know: incomplete
    const auto t = compute_table(r, set_for("food"), {});
    const Figure& f1 = find(t, "F1");
    EXPECT_EQ(f1.n, 40);
    EXPECT_EQ(f1.numerator, 20);  // 4 and 7 yes; 3 is below the threshold
    EXPECT_EQ(f1.item_nonresponse, 5);
    EXPECT_DOUBLE_EQ(f1.value, 50.0);
    EXPECT_EQ(find(t, "F2").numerator, 10);
    EXPECT_EQ(find(t, "F3").numerator, 30);
    // The item rate keeps the incomplete respondents for the items they did answer yes or no.
    EXPECT_EQ(find(t, "F4_healthy").n, 45);
    EXPECT_EQ(find(t, "F4_whole_day").n, 40);
    EXPECT_EQ(find(t, "F4_whole_day").item_nonresponse, 5);
}

TEST(Tabulate, MultiSelectSharesUseRespondentsWhoAnsweredAndMaySumPast100) {
    std::vector<ResponseFrame> r;
    for (int k = 0; k < 20; ++k) r.push_back(frame("food", {{"food_sources", "supermarket market"}}));
    for (int k = 0; k < 10; ++k) r.push_back(frame("food", {{"food_sources", "supermarket"}}));
    for (int k = 0; k < 5; ++k) r.push_back(frame("food", {{"food_sources", "prefer_not"}}));
    for (int k = 0; k < 5; ++k) r.push_back(frame("food", {}));
    const auto t = compute_table(r, set_for("food"), {.only = {"F7"}});
    const Figure& super = find(t, "F7.supermarket");
    const Figure& market = find(t, "F7.market");
    EXPECT_EQ(super.n, 30);
    EXPECT_EQ(super.item_nonresponse, 10);
    EXPECT_DOUBLE_EQ(super.value, 100.0);
    EXPECT_NEAR(market.value, 66.667, 1e-3);
    EXPECT_GT(super.value + market.value, 100.0);
    EXPECT_EQ(find(t, "F7.online").numerator, 0);
    for (const auto& f : t.figures) EXPECT_NE(f.option, "prefer_not");
}

TEST(Tabulate, Ons4ThresholdEdgesAndYoungPeopleAgainst25Plus) {
    std::vector<ResponseFrame> r;
    for (int k = 0; k < 10; ++k) {
        r.push_back(frame("youth", {{"age_band", "18_24"}, {"ons4_life_satisfaction", "4"}, {"ons4_anxious_yesterday", "6"}}));
        r.push_back(frame("youth", {{"age_band", "45_54"}, {"ons4_life_satisfaction", "5"}, {"ons4_anxious_yesterday", "5"}}));
    }
    const auto t = compute_table(r, set_for("youth"), {});
    EXPECT_DOUBLE_EQ(find(t, "W5").value, 50.0);  // 4 is low, 5 is not
    EXPECT_DOUBLE_EQ(find(t, "W8").value, 50.0);  // 6 is high anxiety, 5 is not
    EXPECT_DOUBLE_EQ(find(t, "W1").value, 4.5);
    EXPECT_DOUBLE_EQ(find(t, "W5", "age_group", "16-24").value, 100.0);
    EXPECT_DOUBLE_EQ(find(t, "W5", "age_group", "25+").value, 0.0);
    EXPECT_DOUBLE_EQ(find(t, "W1", "age_group", "25+").value, 5.0);
    EXPECT_EQ(find(t, "W2").n, 0);  // nobody answered the worthwhile question
    EXPECT_EQ(find(t, "W2").item_nonresponse, 20);
    // Y5 is about people aged 25 and over only; Y1 about 16-24 only.
    EXPECT_EQ(find(t, "Y5").item_nonresponse, 10);
    EXPECT_EQ(find(t, "Y1").item_nonresponse, 10);
}

TEST(Tabulate, SmallWardHiddenAndTheNextSmallestToo) {
    std::vector<ResponseFrame> r;
    const auto add = [&](const char* ward, int yes, int no) {
        for (int k = 0; k < yes; ++k) r.push_back(frame("food", {{"ward", ward}, {"fresh_produce_nearby", "yes"}}));
        for (int k = 0; k < no; ++k) r.push_back(frame("food", {{"ward", ward}, {"fresh_produce_nearby", "no"}}));
    };
    add("belsize", 30, 30);
    add("kilburn", 15, 15);
    add("holborn_covent_garden", 4, 5);  // 9 people
    add("camden_town", 20, 20);
    const auto t = compute_table(r, set_for("food"), {.breakdowns = {"ward"}, .only = {"F5"}});
    EXPECT_FALSE(find(t, "F5").protection.suppressed());
    EXPECT_EQ(find(t, "F5", "ward", "holborn_covent_garden").protection.hidden, Hidden::SmallBase);
    EXPECT_EQ(find(t, "F5", "ward", "holborn_covent_garden").n, 0);  // blanked, never just flagged
    EXPECT_EQ(find(t, "F5", "ward", "kilburn").protection.hidden, Hidden::Secondary);
    EXPECT_FALSE(find(t, "F5", "ward", "camden_town").protection.suppressed());
    EXPECT_TRUE(find(t, "F5", "ward", "camden_town").protection.low_base);  // 40 people: shown, marked
    EXPECT_FALSE(find(t, "F5", "ward", "belsize").protection.low_base);     // 60 people
    std::ostringstream csv;
    write_csv(t, csv);
    EXPECT_NE(csv.str().find("F5,all,ward,holborn_covent_garden,<10,<10,,,,,,yes,"), std::string::npos) << csv.str();
    EXPECT_NE(csv.str().find("F5,all,ward,kilburn,hidden,hidden,"), std::string::npos) << csv.str();
    EXPECT_EQ(csv.str().rfind("# Respondents chose to take part", 0), 0u);
}

TEST(Tabulate, ChangeOnTheSameQuarterAYearEarlier) {
    std::vector<ResponseFrame> r;
    for (int k = 0; k < 100; ++k)
        r.push_back(frame("food", {{"fresh_produce_nearby", k < 70 ? "yes" : "no"}}, "2026-08-01T12:00:00.000Z"));
    for (int k = 0; k < 100; ++k)
        r.push_back(frame("food", {{"fresh_produce_nearby", k < 50 ? "yes" : "no"}}, "2025-09-30T12:00:00.000Z"));
    for (int k = 0; k < 100; ++k)  // outside both windows
        r.push_back(frame("food", {{"fresh_produce_nearby", "no"}}, "2026-10-01T00:00:00.000Z"));
    const auto t = compute_table(r, set_for("food"), {.period = *parse_period("2026-Q3"), .only = {"F5"}});
    const Figure& f = find(t, "F5");
    EXPECT_EQ(f.n, 100);
    EXPECT_EQ(f.previous_period, "2025-Q3");
    ASSERT_TRUE(f.change);
    EXPECT_NEAR(f.change->difference, 0.2, 1e-12);
    EXPECT_TRUE(f.change->change_detected());
    EXPECT_EQ(t.in_period, 100);
    EXPECT_EQ(t.responses_read, 300);
}

TEST(Tabulate, ExclusionHookLeavesResponsesOutAndCountsThem) {
    std::vector<ResponseFrame> r;
    for (int k = 0; k < 30; ++k) r.push_back(frame("food", {{"fresh_produce_nearby", "yes"}}));
    r[0].id = "flagged";
    Filters f{.only = {"F5"}};
    f.exclude = [](const ResponseFrame& x) -> std::optional<std::string> {
        return x.id == "flagged" ? std::optional<std::string>("answered too fast") : std::nullopt;
    };
    const auto t = compute_table(r, set_for("food"), std::move(f));
    EXPECT_EQ(find(t, "F5").n, 29);
    EXPECT_EQ(t.excluded, 1);
    ASSERT_EQ(t.exclusion_reasons.size(), 1u);
    EXPECT_EQ(t.exclusion_reasons[0], "answered too fast: 1");
}

TEST(Tabulate, WeightedShareFollowsTheRakedWeights) {
    // Ward a: 40 respondents, 10 yes; ward b: 10 respondents, all yes. Population: a 500, b 500.
    std::vector<ResponseFrame> r;
    for (int k = 0; k < 40; ++k)
        r.push_back(frame("food", {{"ward", "belsize"}, {"fresh_produce_nearby", k < 10 ? "yes" : "no"}}));
    for (int k = 0; k < 10; ++k) r.push_back(frame("food", {{"ward", "kilburn"}, {"fresh_produce_nearby", "yes"}}));
    r.push_back(frame("food", {{"ward", "not_camden"}, {"fresh_produce_nearby", "yes"}}));
    const auto totals = *parse_population_totals("variable,category,total\nward,belsize,500\nward,kilburn,500\n", "t.csv");
    const auto t = compute_table(r, set_for("food"), {.only = {"F5"}, .weights = &totals});
    const Figure& f = find(t, "F5");
    EXPECT_EQ(f.n, 51);
    ASSERT_TRUE(f.weighted_value);
    EXPECT_NEAR(*f.weighted_value, 100.0 * (0.5 * 10.0 / 40.0 + 0.5 * 1.0), 1e-6);  // 62.5 %
    ASSERT_TRUE(t.weighting);
    EXPECT_EQ(t.weighting->excluded, 1);  // not_camden has no population total
    EXPECT_NEAR(f.n_eff, 1.0 / (0.5 * 0.5 / 40 + 0.5 * 0.5 / 10), 1e-6);
}

}  // namespace
}  // namespace fieldkiosk::results

namespace fieldkiosk::results {
namespace {

TEST(Output, EveryFormatCarriesTheCaveatAndNeverAHiddenFigure) {
    std::vector<ResponseFrame> r;
    for (int k = 0; k < 30; ++k)
        r.push_back(frame("food", {{"ward", "belsize"}, {"fresh_produce_nearby", k < 12 ? "yes" : "no"}}));
    for (int k = 0; k < 5; ++k) r.push_back(frame("food", {{"ward", "kilburn"}, {"fresh_produce_nearby", "yes"}}));
    const auto t = compute_table(r, set_for("food"), {.breakdowns = {"ward"}, .only = {"F5"}});
    std::ostringstream text, js;
    write_text(t, set_for("food"), text);
    write_json(t, set_for("food"), js);
    EXPECT_NE(text.str().find("interval (assumes random sampling)"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("self-selected sample"), std::string::npos);
    EXPECT_EQ(text.str().find("margin of error:"), std::string::npos);
    const auto doc = nlohmann::json::parse(js.str());
    EXPECT_NE(doc["caveat"].get<std::string>().find("self-selected"), std::string::npos);
    bool saw_hidden = false;
    for (const auto& f : doc["figures"])
        if (f["group"] == "kilburn") {
            saw_hidden = true;
            EXPECT_TRUE(f["suppressed"].get<bool>());
            EXPECT_EQ(f["n"], "<10");
            EXPECT_FALSE(f.contains("percent"));
            EXPECT_FALSE(f.contains("interval"));
        }
    EXPECT_TRUE(saw_hidden);
    EXPECT_EQ(shown_count(0), "0");
    EXPECT_EQ(shown_count(9), "<10");
    EXPECT_EQ(shown_count(10), "10");
}

// A stored payload's text into a frame (what report reads for every response): answers by name, stored calculated
// values kept, missing ones computed, metadata; broken payloads refused without changing the frame.
TEST(ResponseFrameLoad, ReadsAStoredPayload) {
    ResponseFrame f(shipped().find("food"));
    nlohmann::json p = {{"id", "r1"},
                        {"site", "Kentish Town library"},
                        {"mode", "kiosk"},
                        {"language", "en"},
                        {"completed_at", "2026-08-10T10:00:00.000Z"},
                        {"answers", {{"fies_worried", "yes"}, {"fies_healthy", "yes"}, {"food_sources", {"supermarket", "market"}},
                                     {"not_in_this_version", "x"}}},
                        {"calculated", {{"fies_valid_count", 8}}}};
    ASSERT_TRUE(f.load_payload(p.dump()));
    EXPECT_EQ(f.id, "r1");
    EXPECT_EQ(f.site, "Kentish Town library");
    EXPECT_EQ(f.mode, "kiosk");
    EXPECT_EQ(f.completed_at, "2026-08-10T10:00:00.000Z");
    EXPECT_EQ(f.value("fies_worried").to_string(), "yes");
    EXPECT_EQ(f.value("food_sources").to_string(), "supermarket market");
    EXPECT_EQ(f.value("fies_valid_count").to_number(), 8) << "a stored calculated value is kept as stored";
    EXPECT_EQ(f.value("fies_raw_score").to_number(), 2) << "a missing one is computed from the answers";
    EXPECT_EQ(f.group_of("site"), "Kentish Town library");
}

TEST(ResponseFrameLoad, ReadsEscapedTextAndTheAnswerObjectForm) {
    ResponseFrame f(shipped().find("food"));
    const std::string text =
        R"({"answers":{"fies_worried":{"value":"yes","other":"x"},"fies_h\u0065althy":"no"},"site":"Caf\u00e9 \"Eat\""})";
    ASSERT_TRUE(f.load_payload(text));
    EXPECT_EQ(f.value("fies_worried").to_string(), "yes");
    EXPECT_EQ(f.value("fies_healthy").to_string(), "no") << "a name written with an escape";
    EXPECT_EQ(f.site, "Caf\xc3\xa9 \"Eat\"");
}

TEST(ResponseFrameLoad, RefusesBrokenPayloadsAndKeepsTheFrame) {
    ResponseFrame f(shipped().find("food"));
    ASSERT_TRUE(f.load_payload(R"({"answers":{"fies_worried":"yes"},"id":"good"})"));
    const auto refused = [&](const std::string& text) {
        auto r = f.load_payload(text);
        return r ? std::string("accepted") : r.error();
    };
    EXPECT_EQ(refused(R"({"answers":{"fies_worried":"no"})"), "its payload is not JSON");
    EXPECT_EQ(refused(R"(["a"])"), "the response is not a JSON object");
    EXPECT_EQ(refused(R"({"answers":["a"]})"), "its answers are not a JSON object");
    EXPECT_EQ(refused(R"({"answers":{"fies_worried":3}})"), "answer to 'fies_worried': expected text in quotes");
    EXPECT_EQ(refused(R"({"answers":{"food_sources":["a",2]}})"),
              "answer to 'food_sources': every selected value must be text in quotes");
    EXPECT_NE(refused(R"({"sealed":{"key_id":"k"}})").find("the response is sealed"), std::string::npos);
    EXPECT_EQ(f.value("fies_worried").to_string(), "yes") << "a refused payload leaves the frame as it was";
    EXPECT_EQ(f.id, "good");
}

}  // namespace
}  // namespace fieldkiosk::results
