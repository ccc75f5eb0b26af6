// fieldkiosk-server report end to end (issue 10): responses simulated on two kiosks at two sites with the real
// `fieldkiosk-ctl simulate`, synced with the real client to the real receiver (SQLite; PostgreSQL when
// FIELDKIOSK_TEST_PG is set), then `report` — its figures must equal a count made here, independently, from the
// stored payloads. The same figures come from the receiver's CSV export through --from-csv. Times: the responses
// are made now; the period is the quarter holding "now" taken at set-up.
#include "core/clock.hpp"
#include "results/period.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/report_command.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace fieldkiosk::testing {
namespace {

using nlohmann::json;

struct Counts {
    std::int64_t n = 0, yes = 0;
};

// The report's tidy CSV as indicator|breakdown|group -> cells.
std::map<std::string, std::vector<std::string>> parse_report(const std::string& csv) {
    std::map<std::string, std::vector<std::string>> rows;
    std::istringstream in(csv);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.starts_with("#") || line.starts_with("indicator,")) continue;
        std::vector<std::string> cells(1);
        bool quoted = false;
        for (char c : line) {
            if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
                cells.emplace_back();
            else
                cells.back() += c;
        }
        rows[cells[0] + "|" + cells[2] + "|" + cells[3]] = cells;
    }
    return rows;
}

void simulate_at(const std::filesystem::path& db, const std::string& site, int count, int seed) {
    const std::vector<std::string> args = {
        "fieldkiosk-ctl", "simulate", "--db",    db.string(),           "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR,
        "--survey",       "food",     "--count", std::to_string(count), "--seed",    std::to_string(seed),
        "--site",         site};
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::istringstream in;
    std::ostringstream out, err;
    ASSERT_EQ(tools::run_ctl(static_cast<int>(argv.size()), argv.data(), in, out, err), 0) << err.str();
}

void sync_to(const std::filesystem::path& db, const Receiver& receiver) {
    const std::string d = db.string(), url = receiver.url();
    const char* argv[] = {"fieldkiosk-ctl", "sync",      "--db",    d.c_str(),
                          "--server",       url.c_str(), "--token", receiver.kiosk_token.c_str()};
    std::istringstream in;
    std::ostringstream out, err;
    ASSERT_EQ(tools::run_ctl(8, argv, in, out, err), 0) << err.str();
}

void check_report_equals_independent_count(const std::string& backend) {
    Receiver receiver(backend);
    TempDir dir;
    simulate_at(dir.path() / "k1.db", "Kentish Town Library", 160, 11);
    simulate_at(dir.path() / "k2.db", "Swiss Cottage Library", 140, 12);
    sync_to(dir.path() / "k1.db", receiver);
    sync_to(dir.path() / "k2.db", receiver);
    ASSERT_EQ(receiver.responses(), 300);
    const std::string quarter = results::quarter_text(*results::month_of(core::format_utc(std::chrono::system_clock::now())));

    // The independent count: straight from the stored payloads' answers (not their calculated values).
    std::map<std::string, Counts> f5, f1;  // by ward; "all" for everyone
    std::ostringstream export_csv;
    export_csv << sync::server::csv_header();
    ASSERT_TRUE(receiver.storage->for_each_response("food", [&](const sync::server::ExportRow& row) {
        export_csv << sync::server::csv_row(row);
        const json a = json::parse(row.payload)["answers"];
        const std::string ward = a.contains("ward") ? a["ward"].get<std::string>() : "not answered";
        const std::string fresh = a.value("fresh_produce_nearby", "");
        if (fresh == "yes" || fresh == "sometimes" || fresh == "no")
            for (const auto& g : {std::string("all"), ward}) {
                ++f5[g].n;
                f5[g].yes += fresh == "yes";
            }
        int valid = 0, yes = 0;
        for (const char* item : {"fies_worried", "fies_healthy", "fies_few_kinds", "fies_skipped", "fies_ate_less",
                                 "fies_ran_out", "fies_hungry", "fies_whole_day"}) {
            const std::string v = a.value(item, "");
            valid += v == "yes" || v == "no";
            yes += v == "yes";
        }
        if (valid == 8)
            for (const auto& g : {std::string("all"), ward}) {
                ++f1[g].n;
                f1[g].yes += yes >= 4;
            }
        return true;
    }));
    ASSERT_GT(f5["all"].n, 50);

    sync::server::ReportOptions o;
    o.db = receiver.db_url();
    o.survey = "food";
    o.by = {"ward"};
    o.period = quarter;
    o.format = "csv";
    o.surveys = {FIELDKIOSK_SURVEY_DEFS_DIR};
    // `simulate` completes its walks within moments of each other on one kiosk token: every response is a burst
    // (and too fast), so all would be left out by default. This test is about the figures themselves; leaving
    // flagged responses out is tested in quality_rows_test.cpp.
    o.include_flagged = true;
    std::ostringstream out, err;
    ASSERT_EQ(sync::server::run_report(o, out, err), 0) << err.str();
    EXPECT_TRUE(out.str().starts_with("# Respondents chose to take part")) << out.str().substr(0, 200);
    const auto rows = parse_report(out.str());

    int shown_wards = 0, hidden_wards = 0;
    for (const auto& [id, counts] : {std::pair{"F5", &f5}, std::pair{"F1", &f1}}) {
        for (const auto& [group, c] : *counts) {
            const std::string key = std::string(id) + "|" + (group == "all" ? "all" : "ward") + "|" + group;
            ASSERT_TRUE(rows.contains(key)) << key;
            const auto& cells = rows.at(key);
            EXPECT_EQ(cells[1], quarter);
            if (cells[11] == "no") {
                EXPECT_EQ(cells[4], std::to_string(c.n)) << key;
                EXPECT_EQ(cells[5], std::to_string(c.yes)) << key;
                char pct[32];
                std::snprintf(pct, sizeof pct, "%.2f", 100.0 * static_cast<double>(c.yes) / static_cast<double>(c.n));
                EXPECT_EQ(cells[6], pct) << key;
                if (group != "all") ++shown_wards;
            } else {
                // Hidden: too few people, a count of 1-9 (or its complement), or hidden beside another.
                const bool small = c.n < 10 || (c.yes >= 1 && c.yes < 10) || (c.n - c.yes >= 1 && c.n - c.yes < 10);
                EXPECT_TRUE(small || cells[12].find("worked out from the total") != std::string::npos) << key << " " << cells[12];
                EXPECT_TRUE(cells[6].empty()) << key;  // no figure
                if (group != "all") ++hidden_wards;
            }
        }
    }
    EXPECT_GT(shown_wards + hidden_wards, 10);

    // The same report from the receiver's export file.
    const auto csv_file = dir.path() / "food.csv";
    std::ofstream(csv_file, std::ios::binary) << export_csv.str();
    sync::server::ReportOptions from_csv = o;
    from_csv.db.clear();
    from_csv.from_csv = csv_file.string();
    std::ostringstream out2, err2;
    ASSERT_EQ(sync::server::run_report(from_csv, out2, err2), 0) << err2.str();
    EXPECT_EQ(out2.str(), out.str());

    // Weighted to ward totals: raking converges, every weighted figure shows n_eff, not_camden is left out.
    const auto totals = dir.write("totals.csv", [] {
        std::string t = "variable,category,total\n";
        for (const char* w : {"belsize",
                              "bloomsbury",
                              "camden_square",
                              "camden_town",
                              "fortune_green",
                              "frognal",
                              "gospel_oak",
                              "hampstead_town",
                              "haverstock",
                              "highgate",
                              "holborn_covent_garden",
                              "kentish_town_north",
                              "kentish_town_south",
                              "kilburn",
                              "kings_cross",
                              "primrose_hill",
                              "regents_park",
                              "south_hampstead",
                              "st_pancras_somers_town",
                              "west_hampstead"})
            t += std::string("ward,") + w + ",10000\n";
        return t;
    }());
    sync::server::ReportOptions weighted = o;
    weighted.weights = totals.string();
    weighted.format = "json";
    weighted.by.clear();
    std::ostringstream out3, err3;
    ASSERT_EQ(sync::server::run_report(weighted, out3, err3), 0) << err3.str();
    const json doc = json::parse(out3.str());
    EXPECT_TRUE(doc["weighting"]["converged"].get<bool>()) << doc["weighting"].dump();
    EXPECT_GT(doc["weighting"]["excluded_from_weighting"].get<int>(), 0);  // not_camden, prefer_not, unanswered
    EXPECT_NE(doc["caveat"].get<std::string>().find("adjusted does not mean representative"), std::string::npos);
    for (const auto& f : doc["figures"])
        if (!f["suppressed"].get<bool>() && f.contains("percent")) { EXPECT_TRUE(f.contains("weighted")) << f.dump(); }

    // The report was audited (it read the responses).
    auto audit = receiver.storage->audit_entries("");
    ASSERT_TRUE(audit);
    ASSERT_FALSE(audit->empty());
    EXPECT_EQ(audit->back().action, "report");
    EXPECT_EQ(audit->back().rows, 300);
    EXPECT_EQ(std::ranges::count(*audit, std::string("report"), &sync::server::AuditEntry::action), 2);
}

TEST(Report, FiguresEqualAnIndependentCountOnSqlite) { check_report_equals_independent_count("sqlite"); }

TEST(Report, FiguresEqualAnIndependentCountOnPostgresql) {
    if (!test_pg()) GTEST_SKIP() << "FIELDKIOSK_TEST_PG is not set (see tests/support/start-postgres.sh)";
    check_report_equals_independent_count("postgresql");
}

TEST(Report, BadOptionsSayWhatIsValid) {
    const auto run = [](sync::server::ReportOptions o) {
        o.surveys = {FIELDKIOSK_SURVEY_DEFS_DIR};
        std::ostringstream out, err;
        const int rc = sync::server::run_report(o, out, err);
        return std::pair{rc, err.str()};
    };
    sync::server::ReportOptions o;
    o.survey = "food";
    EXPECT_EQ(run(o).first, 2);  // neither --db nor --from-csv
    o.db = "sqlite:/nonexistent/dir/x.db";
    o.period = "2026-07-01..2026-07-09";
    auto [rc, err] = run(o);
    EXPECT_EQ(rc, 2);
    EXPECT_NE(err.find("--period: period '2026-07-01..2026-07-09' is not one we show"), std::string::npos) << err;
    o.period.clear();
    o.by = {"ward,postcode"};
    std::tie(rc, err) = run(o);
    EXPECT_EQ(rc, 2);
    EXPECT_NE(err.find("--by 'postcode' is not a breakdown"), std::string::npos) << err;
    o.by.clear();
    o.survey = "groceries";
    std::tie(rc, err) = run(o);
    EXPECT_EQ(rc, 2);
    EXPECT_NE(err.find("--survey 'groceries' is not among the surveys"), std::string::npos) << err;
}

TEST(Report, BrokenExportAndWeightsFilesAreNamedWithTheirLine) {
    TempDir dir;
    const auto csv = dir.write("bad.csv", sync::server::csv_header() + "only,three,fields\r\n");
    sync::server::ReportOptions o;
    o.survey = "food";
    o.from_csv = csv.string();
    o.surveys = {FIELDKIOSK_SURVEY_DEFS_DIR};
    std::ostringstream out, err;
    EXPECT_EQ(sync::server::run_report(o, out, err), 1);
    EXPECT_NE(err.str().find(csv.string() + ":2: has 3 fields; an export row has 16"), std::string::npos) << err.str();
    const auto totals = dir.write("totals.csv", "variable,category,total\nward,belsize,100\npostcode,NW1,3\n");
    o.from_csv = dir.write("ok.csv", sync::server::csv_header()).string();
    o.weights = totals.string();
    std::ostringstream out2, err2;
    EXPECT_EQ(sync::server::run_report(o, out2, err2), 1);
    EXPECT_NE(err2.str().find("variable 'postcode' is not a single-choice question of survey 'food'"), std::string::npos)
        << err2.str();
}

}  // namespace
}  // namespace fieldkiosk::testing
