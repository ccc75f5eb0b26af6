// The receiver's kept figures (sync/server/kept_figures.hpp): the report summed from kept cells must equal the
// report that reads every response, and the kept flags must equal the flags computed over every response, after
// any sequence of batches: batches on several kiosks arriving between reports, a batch stored late (a clock put
// back), other quality thresholds, other indicator definitions, responses that cannot be read. On SQLite and
// (FIELDKIOSK_TEST_PG) PostgreSQL. Times are taken from `now` at set-up; randomness from fixed seeds.
#include "sync/server/kept_figures.hpp"

#include "core/clock.hpp"
#include "results/output.hpp"
#include "results/period.hpp"
#include "sync/server/quality_rows.hpp"
#include "sync/server/report_command.hpp"
#include "sync/server/sql_connection.hpp"
#include "tests/results/shipped.hpp"
#include "tests/support/random_answers.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <sstream>

namespace fieldkiosk::testing {
namespace {

using nlohmann::json;
namespace srv = sync::server;

class KeptFigures : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
        const auto& ind = results::testing::shipped_indicators_dir();
        indicators = results::load_indicator_dir(ind, results::testing::shipped_lookup());
        ASSERT_TRUE(indicators.diagnostics.empty());
        food = results::testing::shipped_surveys().find("food");
        set = indicators.for_survey("food");
        ASSERT_NE(set, nullptr);
    }

    [[nodiscard]] std::string at(std::int64_t offset_s) const { return core::format_utc(now + std::chrono::seconds(offset_s)); }

    // One food response completed `completed_s` from now (negative: in the past), `took_s` after it started.
    srv::PreparedItem item(const std::string& id, std::int64_t completed_s, const json& answers, std::int64_t took_s = 400) {
        const std::array<std::string, 3> sites{"Kentish Town Library", "Swiss Cottage Library", "Queen's Crescent"};
        const json p = {{"id", id},
                        {"survey", "food"},
                        {"survey_version", food->version},
                        {"language", rng() % 4 ? "en" : "bn"},
                        {"mode", rng() % 3 ? "kiosk" : "assisted"},
                        {"site", sites[rng() % sites.size()]},
                        {"started_at", at(completed_s - took_s)},
                        {"completed_at", at(completed_s)},
                        {"answers", answers}};
        return {id, "food", food->version, at(completed_s), "hash-" + id, p.dump()};
    }

    // `n` responses from `kiosk`, completed over the last 800 days, received `received_s` from now; every 25th
    // starts a burst of 5 a few seconds apart, every 30th is followed by a copy of its answers a minute later,
    // every 40th took 2 s, every 97th has an answer that does not fit its question (it cannot be read).
    void store(const std::string& kiosk, int n, std::int64_t received_s) {
        std::vector<srv::PreparedItem> items;
        for (int i = 0; i < n; ++i) {
            const std::string id = kiosk + "-" + std::to_string(next++);
            const std::int64_t t = -static_cast<std::int64_t>(rng() % (800 * 86'400));
            json answers = random_answers(*food, rng);
            if (i % 97 == 5) answers["fresh_produce_nearby"] = 42;
            items.push_back(item(id, t, answers, i % 40 == 7 ? 2 : 400));
            if (i % 30 == 3) items.push_back(item(id + "-copy", t + 60, answers));
            if (i % 25 == 11)
                for (int b = 1; b < 5; ++b) items.push_back(item(id + "-burst" + std::to_string(b), t + 7 * b, random_answers(*food, rng)));
        }
        store_items(kiosk, items, received_s);
    }
    void store_items(const std::string& kiosk, const std::vector<srv::PreparedItem>& items, std::int64_t received_s) {
        const srv::BatchContext ctx{kiosk, "dev-" + kiosk, "batch-" + std::to_string(++next), at(received_s), nullptr};
        auto stored = receiver->storage->store_batch(ctx, items, {});
        ASSERT_TRUE(stored.has_value()) << stored.error().message;
    }

    [[nodiscard]] std::string table_json(const results::Filters& filters, bool kept, bool include_flagged = false,
                                         const srv::QualitySettings& quality = {}) {
        srv::TabulateRequest request{food, set, filters, quality, include_flagged, kept};
        std::ostringstream err;
        auto t = srv::tabulate_stored(*receiver->storage, request, err);
        EXPECT_TRUE(t.has_value()) << (t ? "" : t.error());
        if (!t) return {};
        std::ostringstream out;
        results::write_json(*t, *set, out, "en");
        return out.str() + "\nstandard error:\n" + err.str();
    }

    // The kept report equals the full pass for several filters.
    void expect_kept_equals_full(const std::string& when, const srv::QualitySettings& quality = {}) {
        const auto m = results::month_of(at(0));
        ASSERT_TRUE(m);
        std::vector<results::Filters> cases(4);
        cases[1].breakdowns = {"ward", "site", "month", "kiosk"};
        cases[2].period = *results::parse_period(results::quarter_text(*m));
        cases[2].breakdowns = {"age_group", "mode"};
        cases[3].period = *results::parse_period("12m-" + results::month_text(*m));
        cases[3].breakdowns = {"quarter", "language"};
        for (std::size_t c = 0; c < cases.size(); ++c)
            for (const bool include : {false, true}) {
                const std::string kept = table_json(cases[c], true, include, quality);
                const std::string full = table_json(cases[c], false, include, quality);
                ASSERT_FALSE(full.empty());
                EXPECT_EQ(kept, full) << when << ": filters #" << c << (include ? " with the flagged" : "");
            }
    }

    // After a refresh, every response's kept flags equal the flags computed over all the survey's responses.
    void expect_kept_flags_equal_full(const srv::QualitySettings& quality, std::int64_t* flagged = nullptr, std::size_t chunk = 20'000) {
        auto refreshed = srv::refresh_kept(*receiver->storage, {food, set, quality, chunk});
        ASSERT_TRUE(refreshed.has_value()) << refreshed.error().message;
        auto full = srv::flag_survey(*receiver->storage, "food", food.get(), quality);
        ASSERT_TRUE(full.has_value());
        std::int64_t rows = 0, with = 0;
        auto r = srv::for_each_response_with_flags(*receiver->storage, "food", [&](const srv::ExportRow& row) {
            ++rows;
            const srv::QualityResult* q = full->find(row.id);
            EXPECT_EQ(row.quality_flags, q ? srv::flag_names(q->flags) : "") << row.id;
            EXPECT_EQ(row.quality_reasons, q ? q->reasons : "") << row.id;
            with += row.quality_flags.empty() ? 0 : 1;
            return true;
        });
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(with, full->flagged());
        if (flagged) *flagged = with;
        EXPECT_GT(rows, 0);
        expect_same_rows_in_small_flagged_pages();
    }

    // The export's reader holds the flagged responses a page at a time: with pages of 1, 2 or 7 it gives what it
    // gives with one page, row for row, in the stored order (received_at, id).
    void expect_same_rows_in_small_flagged_pages() {
        const auto rows_with = [&](std::size_t page) {
            std::vector<std::string> out;
            auto r = srv::for_each_response_with_flags(
                *receiver->storage, "food",
                [&](const srv::ExportRow& row) {
                    out.push_back(row.id + " " + row.received_at + " " + row.quality_flags + " " + row.quality_reasons + " " +
                                  std::to_string(row.payload.size()));
                    return true;
                },
                page);
            EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
            return out;
        };
        const auto one_page = rows_with(srv::k_flagged_page);
        std::vector<std::string> stored;
        ASSERT_TRUE(receiver->storage->for_each_response("food", [&](const srv::ExportRow& row) {
            stored.push_back(row.id);
            return true;
        }));
        ASSERT_EQ(one_page.size(), stored.size());
        for (std::size_t i = 0; i < stored.size(); ++i) ASSERT_EQ(one_page[i].substr(0, one_page[i].find(' ')), stored[i]) << "row " << i;
        for (const std::size_t page : {1, 2, 7}) EXPECT_EQ(rows_with(page), one_page) << "flagged pages of " << page;
    }

    std::unique_ptr<Receiver> receiver;
    results::IndicatorCatalog indicators;
    core::SurveyPtr food;
    const results::IndicatorSet* set = nullptr;
    std::chrono::sys_seconds now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    std::mt19937_64 rng{20261205};
    int next = 0;
};

TEST_P(KeptFigures, EqualTheFullPassAfterEveryBatchAndKeepTheFlagsInStep) {
    store("kentish", 150, -7200);
    store("swiss", 120, -7000);
    expect_kept_equals_full("first report");
    std::int64_t flagged = 0;
    expect_kept_flags_equal_full({}, &flagged);
    EXPECT_GT(flagged, 20) << "the fixture must raise flags of each kind for the test to mean anything";
    // More batches between reports, one kiosk's new responses completed among its old ones (their flags change).
    store("kentish", 60, -3600);
    store("queens", 40, -3000);
    expect_kept_equals_full("after three more batches");
    expect_kept_flags_equal_full({});
    store("swiss", 30, -60);
    expect_kept_equals_full("after one more");
    expect_kept_flags_equal_full({});

    // A later batch that changes the flags of responses already kept: it completes a burst begun in an earlier
    // batch, and repeats an earlier response's answers a minute after it (both become duplicates).
    const json same = random_answers(*food, rng);
    store_items("queens", {item("q-early-1", -50'000, same), item("q-early-2", -49'990, random_answers(*food, rng)),
                           item("q-early-3", -49'980, random_answers(*food, rng))},
                -50);
    expect_kept_equals_full("before the burst is complete");
    store_items("queens", {item("q-late-burst", -49'970, random_answers(*food, rng)), item("q-late-copy", -49'940, same)}, -40);
    expect_kept_equals_full("after it");
    expect_kept_flags_equal_full({});
    bool changed = false;
    ASSERT_TRUE(srv::for_each_response_with_flags(*receiver->storage, "food", [&](const srv::ExportRow& row) {
        if (row.id == "q-early-1") changed = row.quality_flags == "burst;duplicate";
        return true;
    }));
    EXPECT_TRUE(changed) << "an earlier response's kept flags follow a later batch";
}

TEST_P(KeptFigures, FlagsComputedInSmallChunksEqualTheFullPass) {
    store("kentish", 150, -7200);
    store("kentish", 50, -600);
    srv::QualitySettings wide;
    wide.duplicate_window_s = 30 * 86'400;  // reach across many chunks
    wide.near_identical_share = 0.3;
    std::int64_t flagged = 0;
    expect_kept_flags_equal_full(wide, &flagged, 7);
    EXPECT_GT(flagged, 40);
}

TEST_P(KeptFigures, ARefreshReadsOnlyTheNewResponses) {
    store("kentish", 100, -600);
    const srv::KeptRequest request{food, set, {}};
    auto first = srv::refresh_kept(*receiver->storage, request);
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_TRUE(first->flags_recomputed);
    EXPECT_TRUE(first->cells_rebuilt);
    EXPECT_EQ(first->new_responses, first->responses);
    EXPECT_EQ(first->cells_added, first->responses);
    auto again = srv::refresh_kept(*receiver->storage, request);
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(again->flags_recomputed);
    EXPECT_FALSE(again->cells_rebuilt);
    EXPECT_EQ(again->new_responses, 0);
    EXPECT_EQ(again->cells_added, 0);
    store("kentish", 10, -300);
    auto third = srv::refresh_kept(*receiver->storage, request);
    ASSERT_TRUE(third.has_value());
    EXPECT_EQ(third->responses - first->responses, third->new_responses);
    EXPECT_EQ(third->cells_added, third->new_responses);
    EXPECT_GE(third->new_responses, 10);
    EXPECT_FALSE(third->cells_rebuilt);
}

TEST_P(KeptFigures, ABatchStoredWithAnEarlierClockIsStillCounted) {
    store("kentish", 80, -60);
    expect_kept_equals_full("first");
    // The receiver's clock was put back three hours: this batch's received_at is before the last one seen, beyond
    // the hour the refresh looks back first.
    store("swiss", 50, -3 * 3600);
    auto status = srv::refresh_kept(*receiver->storage, {food, set, {}});
    ASSERT_TRUE(status.has_value());
    EXPECT_GE(status->new_responses, 50);
    expect_kept_equals_full("after the late batch");
    expect_kept_flags_equal_full({});
}

TEST_P(KeptFigures, OtherThresholdsRecomputeEveryFlag) {
    store("kentish", 120, -600);
    store("swiss", 60, -500);
    expect_kept_flags_equal_full({});
    srv::QualitySettings strict;  // other thresholds: the kept flags must follow
    strict.burst_count = 3;
    strict.burst_window_s = 40;
    strict.duplicate_window_s = 30;  // the copies a minute later are no longer duplicates
    auto status = srv::refresh_kept(*receiver->storage, {food, set, strict});
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(status->flags_recomputed);
    EXPECT_FALSE(status->cells_rebuilt) << "the cells do not depend on the thresholds";
    expect_kept_flags_equal_full(strict);
    expect_kept_equals_full("with other thresholds", strict);
    store("kentish", 20, -100);
    expect_kept_equals_full("a batch later", strict);
}

TEST_P(KeptFigures, OtherIndicatorDefinitionsRebuildTheCells) {
    store("kentish", 90, -600);
    expect_kept_equals_full("shipped definitions");
    // The same survey with a one-indicator file: the kept cells were made for the shipped file.
    auto other = results::parse_indicator_text(
        R"({"survey": "food", "indicators": [{"id": "Z1", "mission": "food", "kind": "proportion",
            "label": {"en": "Fresh produce nearby"}, "caption": {"en": "Test."}, "base": "${fresh_produce_nearby} = 'yes' or ${fresh_produce_nearby} = 'no'",
            "numerator": "${fresh_produce_nearby} = 'yes'"}]})",
        "other.json", results::testing::shipped_lookup());
    ASSERT_TRUE(other.has_value()) << (other ? "" : other.error().front().to_string());
    auto status = srv::refresh_kept(*receiver->storage, {food, &*other, {}});
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(status->cells_rebuilt);
    set = &*other;
    expect_kept_equals_full("the other definitions");
    set = indicators.for_survey("food");
    expect_kept_equals_full("back to the shipped definitions");
}

TEST_P(KeptFigures, UnreadableResponsesAreNamedAndCountedAsTheFullPassDoes) {
    store("kentish", 200, -600);  // two of them have an answer that does not fit
    const std::string kept = table_json({}, true);
    EXPECT_NE(kept.find("could not be read (named on standard error): 3"), std::string::npos) << kept.substr(0, 2000);
    EXPECT_NE(kept.find("left out: answer to 'fresh_produce_nearby'"), std::string::npos) << kept.substr(kept.find("standard error"));
    EXPECT_EQ(kept, table_json({}, false));
}

// A receiver that kept its flags before response_flags had received_at (the key an export reads the flagged
// responses by): opening its database adds the column and fills it from responses; the flags read as before.
TEST_P(KeptFigures, FlagsKeptWithoutTheirReceivedTimeAreBroughtUpToDateOnOpening) {
    store("kentish", 150, -7200);
    store("swiss", 60, -600);
    std::int64_t flagged = 0;
    expect_kept_flags_equal_full({}, &flagged);
    ASSERT_GT(flagged, 10);
    ASSERT_TRUE(receiver->storage->with_sql(true, [](srv::SqlConnection& c) -> srv::SResult<void> {
        for (const char* sql : {"DROP INDEX response_flags_flagged", "ALTER TABLE response_flags DROP COLUMN received_at"})
            if (auto r = c.execute(sql); !r) return std::unexpected(r.error());
        return {};
    }));
    auto reopened = srv::open_storage(receiver->db_url());
    ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
    std::int64_t empty = -1;
    ASSERT_TRUE((*reopened)->with_sql(false, [&](srv::SqlConnection& c) -> srv::SResult<void> {
        return c.query("SELECT count(*) FROM response_flags WHERE received_at = ''", {}, [&](const srv::SqlRow& row) {
            empty = row.int64(0);
            return false;
        });
    }));
    EXPECT_EQ(empty, 0) << "every kept row has its response's received_at";
    receiver->storage = std::shared_ptr<srv::Storage>(std::move(*reopened));
    expect_kept_flags_equal_full({}, &flagged);
    EXPECT_GT(flagged, 10);

    // Flagged rows kept afterwards by an older receiver (it does not know the column: ''): the next refresh
    // fills them in, so the export's flagged pages still find them.
    ASSERT_TRUE(receiver->storage->with_sql(true, [](srv::SqlConnection& c) -> srv::SResult<void> {
        if (auto r = c.execute("UPDATE response_flags SET received_at = '' WHERE flags <> 0"); !r) return std::unexpected(r.error());
        return {};
    }));
    expect_kept_flags_equal_full({}, &flagged);
}

INSTANTIATE_TEST_SUITE_P(Backends, KeptFigures, ::testing::Values("sqlite", "postgresql"), [](const auto& p) { return p.param; });

}  // namespace
}  // namespace fieldkiosk::testing
