// Quality flags of stored responses (sync/server/quality_rows.cpp) and where they show: what a stored row
// contributes to compute_quality(), the quality_flags and quality_reasons columns of the long and wide CSV, and
// `report` leaving flagged responses out unless include_flagged — on SQLite and (FIELDKIOSK_TEST_PG) PostgreSQL.
// Times are taken from `now` at set-up; the responses are stored directly with chosen times (the real client would
// stamp them with the real clock).
#include "sync/server/quality_rows.hpp"

#include "core/clock.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/export_formats.hpp"
#include "sync/server/report_command.hpp"
#include "tests/support/csv_reader.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace fieldkiosk::testing {
namespace {

using nlohmann::json;
namespace srv = sync::server;

struct Clocked {
    std::chrono::sys_seconds now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    [[nodiscard]] std::string at(std::int64_t offset_s) const {
        return core::format_utc(now - std::chrono::hours(24) + std::chrono::seconds(offset_s));
    }
};

// One stored food response: completed `completed_s` after the start of the fixture, `took_s` after it started.
srv::ExportRow food_row(const Clocked& c, const std::string& id, const std::string& kiosk, std::int64_t completed_s, json answers,
                        std::int64_t took_s = 300, const std::string& survey = "food") {
    const json payload = {{"id", id},
                          {"survey", survey},
                          {"survey_version", "2026.1"},
                          {"language", "en"},
                          {"mode", "kiosk"},
                          {"site", "Kentish Town Library"},
                          {"started_at", c.at(completed_s - took_s)},
                          {"completed_at", c.at(completed_s)},
                          {"answers", std::move(answers)}};
    return srv::ExportRow{id, kiosk, "dev-" + kiosk, survey, "2026.1", c.at(completed_s), c.at(completed_s + 5), payload.dump()};
}

srv::ExportRow sealed_row(const Clocked& c, const std::string& id, const std::string& kiosk, std::int64_t completed_s) {
    auto r = food_row(c, id, kiosk, completed_s, json::object(), 1);
    json p = json::parse(r.payload);
    p.erase("answers");
    p["sealed"] = {{"key_id", "food-2027"}, {"box", "AAAA"}};
    r.payload = p.dump();
    return r;
}

core::SurveyPtr shipped(const std::string& id) { return shipped_catalog().find(id); }

// --- what a stored row contributes ---

TEST(QualityRows, AnOpenRowGivesItsTimesOneHashPerAnswerAndItsLikertPlacesInSurveyOrder) {
    const Clocked c;
    const auto safety = shipped("safety");
    ASSERT_TRUE(safety);
    const auto* dark = safety->find("safety_walk_dark");
    const auto* day = safety->find("safety_walk_day");
    ASSERT_TRUE(dark && day);
    // Written day-first: the items still come in the survey's order (walk_dark before walk_day).
    const json answers = {{"safety_walk_day", day->choices[0].value},
                          {"safety_walk_dark", dark->choices[2].value},
                          {"safety_unsafe_places", json::array({"park"})}};
    bool known = false;
    const auto in = srv::quality_input(food_row(c, "r1", "k1", 1000, answers, 240, "safety"), safety.get(), &known);
    EXPECT_TRUE(known);
    EXPECT_EQ(in.completed_at_s - in.started_at_s, 240);
    EXPECT_EQ(in.kiosk, "k1");
    EXPECT_FALSE(in.sealed);
    EXPECT_EQ(in.answer_hashes.size(), 3u);
    EXPECT_TRUE(std::ranges::is_sorted(in.answer_hashes));
    EXPECT_EQ(in.scale_answers, (std::vector<std::int64_t>{3, 1}));  // places on the list, from 1
    // Without the definition: no straight-lining items, the rest the same.
    const auto bare = srv::quality_input(food_row(c, "r1", "k1", 1000, answers, 240, "safety"), nullptr);
    EXPECT_TRUE(bare.scale_answers.empty());
    EXPECT_EQ(bare.answer_hashes, in.answer_hashes);
}

TEST(QualityRows, StraightLiningOnTheLikertQuestionsIsFlaggedOneDifferentAnswerIsNot) {
    const Clocked c;
    const auto safety = shipped("safety");
    json same = json::object(), one_off = json::object();
    int likert = 0;
    for (const auto& q : safety->questions)
        if (q.appearance == core::Appearance::Likert && q.type == core::QuestionType::SelectOne) {
            same[q.name] = q.choices[1].value;
            one_off[q.name] = q.choices[likert == 0 ? 0 : 1].value;
            ++likert;
        }
    ASSERT_GE(likert, 5);  // the default straight_line_min_items
    srv::ResponseFlags flags({}, safety.get());
    flags.add(food_row(c, "same", "k1", 0, same, 600, "safety"));
    flags.add(food_row(c, "one-off", "k2", 0, one_off, 600, "safety"));
    flags.finish();
    ASSERT_NE(flags.find("same"), nullptr);
    EXPECT_EQ(srv::flag_names(flags.find("same")->flags), "straight_line");
    EXPECT_EQ(flags.find("one-off"), nullptr);
    EXPECT_EQ(flags.flagged(), 1);
}

TEST(QualityRows, ASealedRowCanOnlyBeABurst) {
    const Clocked c;
    srv::ResponseFlags flags({}, shipped("food").get());
    // Four sealed responses 1 s after starting and 30 s apart: a burst; too fast it cannot be told (no answers).
    for (int i = 0; i < 4; ++i) flags.add(sealed_row(c, "s" + std::to_string(i), "k1", i * 30));
    flags.finish();
    for (int i = 0; i < 4; ++i) {
        const auto* q = flags.find("s" + std::to_string(i));
        ASSERT_NE(q, nullptr) << i;
        EXPECT_EQ(srv::flag_names(q->flags), "burst");
    }
}

TEST(QualityRows, UnreadableTimesNeverRaiseAFlag) {
    const Clocked c;
    auto no_start = food_row(c, "a", "k1", 100, {{"fresh_produce_nearby", "yes"}}, 0);  // 0 s for 1 screen: too fast
    json p = json::parse(no_start.payload);
    p.erase("started_at");
    no_start.payload = p.dump();
    auto bad_end = food_row(c, "b", "k1", 100, {{"fresh_produce_nearby", "yes"}}, 0);
    bad_end.completed_at = "yesterday";
    bool known = true;
    (void)srv::quality_input(bad_end, nullptr, &known);
    EXPECT_FALSE(known);
    srv::ResponseFlags flags({}, nullptr);
    flags.add(no_start);
    flags.add(bad_end);
    flags.add(food_row(c, "fast", "k2", 100, {{"fresh_produce_nearby", "yes"}}, 0));  // the control: is flagged
    flags.finish();
    EXPECT_EQ(flags.find("a"), nullptr);
    EXPECT_EQ(flags.find("b"), nullptr);
    ASSERT_NE(flags.find("fast"), nullptr);
    EXPECT_EQ(srv::flag_names(flags.find("fast")->flags), "too_fast");
}

// --- the receiver: exports and report, both backends ---

class QualityOnReceiver : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
    }
    void store(const std::string& kiosk, const std::vector<srv::ExportRow>& rows) {
        std::vector<srv::PreparedItem> items;
        for (const auto& r : rows) items.push_back({r.id, r.survey, r.survey_version, r.completed_at, "hash-" + r.id, r.payload});
        const srv::BatchContext ctx{kiosk, "dev-" + kiosk, "batch-" + kiosk + std::to_string(++batches), clock.at(100'000),
                                    nullptr};
        auto stored = receiver->storage->store_batch(ctx, items, {});
        ASSERT_TRUE(stored.has_value()) << stored.error().message;
    }
    // 20 responses from `kentish`, 10 minutes apart (10 say yes to fresh produce nearby, 10 no), and a stuffed
    // burst: 12 responses from `stuffed`, 5 s apart, all yes.
    void store_fixture() {
        std::vector<srv::ExportRow> kentish, stuffed;
        for (int i = 0; i < 20; ++i)
            kentish.push_back(food_row(clock, "k-" + std::to_string(i), "kentish", i * 600,
                                       {{"fresh_produce_nearby", i % 2 == 0 ? "yes" : "no"}}));
        for (int i = 0; i < 12; ++i)
            stuffed.push_back(
                food_row(clock, "s-" + std::to_string(i), "stuffed", 30'000 + i * 5, {{"fresh_produce_nearby", "yes"}}));
        store("kentish", kentish);
        store("stuffed", stuffed);
    }
    std::unique_ptr<Receiver> receiver;
    Clocked clock;
    int batches = 0;
};

std::string export_text(srv::Storage& storage, const srv::ExportRequest& request, const core::Catalog* catalog) {
    std::string text;
    const core::SystemClock clock;
    const srv::ExportAudit audit{storage, clock, "test", "quality"};
    auto done = srv::export_survey_to(
        storage, catalog, request,
        [&text](std::string_view part) {
            text += part;
            return true;
        },
        audit);
    EXPECT_TRUE(done.has_value()) << (done ? "" : done.error().message);
    return text;
}

// column -> cell, by the rows' id
std::map<std::string, std::pair<std::string, std::string>> flags_by_id(const std::string& csv) {
    const auto rows = read_csv(csv);
    std::map<std::string, std::pair<std::string, std::string>> out;
    if (rows.empty()) return out;
    const auto col = [&](std::string_view name) {
        return static_cast<std::size_t>(std::ranges::find(rows[0], name) - rows[0].begin());
    };
    const std::size_t id = col("id"), f = col("quality_flags"), why = col("quality_reasons");
    EXPECT_LT(f, rows[0].size());
    EXPECT_LT(why, rows[0].size());
    for (std::size_t r = 1; r < rows.size(); ++r)
        if (f < rows[r].size() && why < rows[r].size()) out[rows[r][id]] = {rows[r][f], rows[r][why]};
    return out;
}

TEST_P(QualityOnReceiver, LongAndWideCsvCarryEachResponsesFlagsAndReasons) {
    store_fixture();
    store("sealed-kiosk", {sealed_row(clock, "x-0", "sealed-kiosk", 50'000), sealed_row(clock, "x-1", "sealed-kiosk", 50'010),
                           sealed_row(clock, "x-2", "sealed-kiosk", 50'020), sealed_row(clock, "x-3", "sealed-kiosk", 50'030)});
    const auto catalog = shipped_catalog();
    for (const auto format : {srv::ExportFormat::Csv, srv::ExportFormat::Wide}) {
        const auto flags = flags_by_id(export_text(*receiver->storage, {"food", format, "", {}}, &catalog));
        ASSERT_EQ(flags.size(), 36u) << srv::to_string(format);
        for (int i = 0; i < 20; ++i)
            EXPECT_EQ(flags.at("k-" + std::to_string(i)).first + flags.at("k-" + std::to_string(i)).second, "") << i;
        for (int i = 0; i < 12; ++i) {
            const auto& [names, why] = flags.at("s-" + std::to_string(i));
            EXPECT_EQ(names, "burst") << i;
            EXPECT_NE(why.find("burst: 4 or more completions from kiosk 'stuffed' within 120 s"), std::string::npos) << why;
        }
        for (int i = 0; i < 4; ++i) EXPECT_EQ(flags.at("x-" + std::to_string(i)).first, "burst") << "sealed: burst only";
    }
    // The thresholds are the request's: 13 in a burst, and the stuffed 12 are not one.
    srv::ExportRequest strict{"food", srv::ExportFormat::Csv, "", {}};
    strict.quality.burst_count = 13;
    for (const auto& [id, cells] : flags_by_id(export_text(*receiver->storage, strict, &catalog)))
        EXPECT_EQ(cells.first, "") << id;
}

TEST_P(QualityOnReceiver, ReportLeavesTheStuffedBurstOutAndCountsItWithIncludeFlagged) {
    store_fixture();
    srv::ReportOptions o;
    o.db = receiver->db_url();
    o.survey = "food";
    o.format = "json";
    o.surveys = {FIELDKIOSK_SURVEY_DEFS_DIR};
    const auto f5 = [](const json& doc) {
        for (const auto& f : doc["figures"])
            if (f["indicator"] == "F5" && f["breakdown"] == "all") return f;
        return json();
    };
    std::ostringstream out, err;
    ASSERT_EQ(srv::run_report(o, out, err), 0) << err.str();
    const json without = json::parse(out.str());
    EXPECT_EQ(without["excluded"], 12);
    EXPECT_EQ(without["exclusion_reasons"], json::array({"quality flag: burst: 12"}));
    EXPECT_EQ(f5(without)["n"], 20) << f5(without).dump();  // the independent count: kentish only, 10 of 20
    EXPECT_EQ(f5(without)["numerator"], 10) << f5(without).dump();

    o.include_flagged = true;
    std::ostringstream out2, err2;
    ASSERT_EQ(srv::run_report(o, out2, err2), 0) << err2.str();
    const json with = json::parse(out2.str());
    EXPECT_EQ(with["excluded"], 0);
    EXPECT_EQ(f5(with)["n"], 32) << f5(with).dump();  // 20 + 12, of whom 10 + 12 said yes
    EXPECT_EQ(f5(with)["numerator"], 22) << f5(with).dump();

    // The table shows beside the figures how many were left out and why; the same from the export file.
    TempDir dir;
    const auto file = dir.path() / "food.csv";
    std::ofstream(file, std::ios::binary) << export_text(*receiver->storage, {"food", srv::ExportFormat::Csv, "", {}}, nullptr);
    srv::ReportOptions text = o;
    text.include_flagged = false;
    text.db.clear();
    text.from_csv = file.string();
    text.format = "table";
    std::ostringstream out3, err3;
    ASSERT_EQ(srv::run_report(text, out3, err3), 0) << err3.str();
    EXPECT_NE(out3.str().find(": 20 responses (12 left out)\n  left out: quality flag: burst: 12\n"), std::string::npos)
        << out3.str();
}

TEST_P(QualityOnReceiver, ReportThresholdsComeFromConfigAndABadOneIsAUsageError) {
    store_fixture();
    TempDir dir;
    srv::ReportOptions o;
    o.db = receiver->db_url();
    o.survey = "food";
    o.format = "json";
    o.surveys = {FIELDKIOSK_SURVEY_DEFS_DIR};
    o.config = dir.write("server.toml", "[quality]\nburst_count = 13\n").string();
    std::ostringstream out, err;
    ASSERT_EQ(srv::run_report(o, out, err), 0) << err.str();
    EXPECT_EQ(json::parse(out.str())["excluded"], 0);
    o.config = dir.write("bad.toml", "[quality]\nburst_count = 1\n").string();
    std::ostringstream out2, err2;
    EXPECT_EQ(srv::run_report(o, out2, err2), 2);
    EXPECT_NE(err2.str().find("bad.toml:2: quality.burst_count: must be a whole number from 2"), std::string::npos) << err2.str();
}

TEST_P(QualityOnReceiver, AnExportFromBeforeTheQualityColumnsIsStillReadAndFlagged) {
    store_fixture();
    // The long CSV as it was before issue 13's two columns: 14 fields a row.
    std::string header = srv::csv_header();
    header.replace(header.find(",quality_flags,quality_reasons"), std::string(",quality_flags,quality_reasons").size(), "");
    std::string old = header;
    ASSERT_TRUE(receiver->storage->for_each_response("food", [&old](const srv::ExportRow& row) {
        std::string line = srv::csv_row(row);
        EXPECT_TRUE(line.ends_with(",,\r\n")) << line;  // no flags stored with the row itself
        old += line.substr(0, line.size() - 4) + "\r\n";
        return true;
    }));
    TempDir dir;
    srv::ReportOptions o;
    o.survey = "food";
    o.format = "json";
    o.surveys = {FIELDKIOSK_SURVEY_DEFS_DIR};
    o.from_csv = dir.write("old.csv", old).string();
    std::ostringstream out, err;
    ASSERT_EQ(srv::run_report(o, out, err), 0) << err.str();
    const json doc = json::parse(out.str());
    EXPECT_EQ(doc["responses_read"], 32);
    EXPECT_EQ(doc["excluded"], 12);  // the flags are computed from the file's rows
    // A row of the wrong width for its header is still refused, naming the width the header gives.
    o.from_csv = dir.write("mixed.csv", old + srv::csv_row(food_row(clock, "n", "k", 1, json::object()))).string();
    std::ostringstream out2, err2;
    EXPECT_EQ(srv::run_report(o, out2, err2), 1);
    EXPECT_NE(err2.str().find("has 16 fields; an export row has 14"), std::string::npos) << err2.str();
}

INSTANTIATE_TEST_SUITE_P(Backends, QualityOnReceiver, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace fieldkiosk::testing
