// ResponseStore against a real SQLite file in a temporary folder.
#include "storage/response_store.hpp"
#include "core/loader.hpp"
#include "core/session.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::storage {
namespace {

using namespace std::chrono_literals;
using core::Answer;

class StoreTest : public ::testing::Test {
protected:
    testing::TempDir dir;
    testing::FakeClock clock;
    core::SeededRng rng{7};
    std::filesystem::path db_path = dir.path() / "kiosk.db";

    ResponseStore open() {
        auto s = ResponseStore::open(db_path, clock);
        EXPECT_TRUE(s) << (s ? "" : s.error().message);
        return std::move(*s);
    }

    core::Response response(std::string survey = "food", std::string id = {}) {
        core::Response r;
        r.id = id.empty() ? core::make_uuid_v4(rng) : std::move(id);
        r.survey_id = std::move(survey);
        r.survey_version = "2026.1";
        r.language = "en";
        r.site = "Kentish Town Library";
        r.started_at = clock.wall_now();
        clock.advance(1s);
        r.completed_at = clock.wall_now();
        r.answers.emplace_back("fies_worried", Answer::choice("yes"));
        return r;
    }
};

TEST_F(StoreTest, CreatesSchemaIdentityAndWalOnFirstOpen) {
    auto s = open();
    EXPECT_EQ(s.kiosk_id().size(), 36u);
    EXPECT_EQ(*s.database().user_version(), ResponseStore::k_schema_version);
    auto mode = s.database().prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode && *mode->step());
    EXPECT_EQ(mode->column_text(0), "wal");
    auto sync = s.database().prepare("PRAGMA synchronous");
    ASSERT_TRUE(sync && *sync->step());
    EXPECT_EQ(sync->column_int64(0), 2);  // FULL
    auto fk = s.database().prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(fk && *fk->step());
    EXPECT_EQ(fk->column_int64(0), 1);
}

TEST_F(StoreTest, KioskIdAndSiteSurviveReopening) {
    std::string id;
    {
        auto s = open();
        id = s.kiosk_id();
        ASSERT_TRUE(s.set_site("Swiss Cottage Library"));
    }
    auto s = open();
    EXPECT_EQ(s.kiosk_id(), id);
    EXPECT_EQ(*s.site(), "Swiss Cottage Library");
}

TEST_F(StoreTest, SettingsSurviveReopeningAndAreKeptApartFromIdentity) {
    {
        auto s = open();
        EXPECT_FALSE(*s.setting("admin.failed_pins"));
        ASSERT_TRUE(s.set_setting("admin.failed_pins", "3"));
        ASSERT_TRUE(s.set_setting("admin.failed_pins", "4"));
        ASSERT_TRUE(s.set_setting("kiosk_id", "not-the-identity"));   // lives under "setting.", cannot clobber it
    }
    auto s = open();
    EXPECT_EQ(**s.setting("admin.failed_pins"), "4");
    EXPECT_EQ(s.kiosk_id().size(), 36u);
    EXPECT_NE(s.kiosk_id(), "not-the-identity");
}

TEST_F(StoreTest, RefusesADatabaseFromANewerProgram) {
    { (void)open(); }
    {
        auto db = Database::open(db_path);
        ASSERT_TRUE(db);
        ASSERT_TRUE(db->exec("PRAGMA user_version = 99"));
    }
    auto s = ResponseStore::open(db_path, clock);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind, StoreError::Kind::Schema);
    EXPECT_NE(s.error().message.find("newer than this program"), std::string::npos);
}

TEST_F(StoreTest, RefusesAFileThatIsNotADatabase) {
    dir.write("kiosk.db", std::string(8192, 'x'));
    auto s = ResponseStore::open(db_path, clock);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("not a database"), std::string::npos) << s.error().message;
}

// Issue 16: a database in a read-only folder said SQLite's "unable to open database file" three times and
// never why. A temp folder made read-only stops only an ordinary user (root ignores permission bits), so
// the test also uses /sys, where not even root may create a file; each case that can apply here runs.
TEST_F(StoreTest, ADatabaseInAReadOnlyFolderSaysSoInPlainWords) {
    std::vector<std::filesystem::path> paths;
    const auto ro = dir.path() / "ro";
    std::filesystem::create_directories(ro);
    std::filesystem::permissions(ro, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    if (::geteuid() != 0) paths.push_back(ro / "kiosk.db");
    if (std::filesystem::is_directory("/sys")) {
        paths.emplace_back("/sys/fieldkiosk-test.db");
        paths.emplace_back("/sys/fieldkiosk-test/kiosk.db");  // the folder cannot even be made
    }
    if (paths.empty()) GTEST_SKIP() << "no folder here is read-only for this user";
    for (const auto& p : paths) {
        auto s = ResponseStore::open(p, clock);
        ASSERT_FALSE(s) << p;
        const auto& m = s.error().message;
        EXPECT_NE(m.find("read-only"), std::string::npos) << m;
        EXPECT_EQ(m.find("unable to open database file"), std::string::npos) << m;
        EXPECT_NE(m.find("--db PATH"), std::string::npos) << "says what to do: " << m;
    }
    std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
}

TEST_F(StoreTest, SavedResponseIsQueuedWithItsPayload) {
    auto s = open();
    const auto r = response();
    ASSERT_TRUE(s.save_completed(r));
    auto batch = s.next_batch({});
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->size(), 1u);
    EXPECT_EQ((*batch)[0].response_id, r.id);
    EXPECT_EQ((*batch)[0].encoding, "json");
    const auto j = nlohmann::json::parse((*batch)[0].payload);
    EXPECT_EQ(j["id"], r.id);
    EXPECT_EQ(j["answers"]["fies_worried"], "yes");
    EXPECT_EQ(s.outbox_counts()->queued, 1);
}

TEST_F(StoreTest, SavingTheSameResponseTwiceIsANoOpButADifferentOneWithTheSameIdIsRefused) {
    auto s = open();
    auto r = response();
    ASSERT_TRUE(s.save_completed(r));
    ASSERT_TRUE(s.save_completed(r));
    EXPECT_EQ(s.outbox_counts()->queued, 1);
    r.answers[0].second = Answer::choice("no");
    auto again = s.save_completed(r);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, StoreError::Kind::Constraint);
    EXPECT_EQ(s.outbox_counts()->queued, 1);
}

TEST_F(StoreTest, BatchesAreOldestFirstAndRespectCountAndBytes) {
    auto s = open();
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i) {
        auto r = response();
        ids.push_back(r.id);
        ASSERT_TRUE(s.save_completed(r));
    }
    auto three = s.next_batch({.max_count = 3});
    ASSERT_EQ(three->size(), 3u);
    EXPECT_EQ((*three)[0].response_id, ids[0]);
    EXPECT_EQ((*three)[2].response_id, ids[2]);
    const auto one_size = (*three)[0].payload.size();
    auto by_bytes = s.next_batch({.max_count = 100, .max_bytes = one_size * 2 + 1});
    EXPECT_EQ(by_bytes->size(), 2u);
    auto tiny = s.next_batch({.max_count = 100, .max_bytes = 1});
    EXPECT_EQ(tiny->size(), 1u);  // one oversized item still goes, alone
}

TEST_F(StoreTest, ResultsSettleItemsInOneTransactionAndQuarantineNeverDeletes) {
    auto s = open();
    std::vector<core::Response> rs;
    for (int i = 0; i < 5; ++i) {
        rs.push_back(response());
        ASSERT_TRUE(s.save_completed(rs.back()));
    }
    using O = ItemResult::Outcome;
    const ItemResult results[] = {{rs[0].id, O::Accepted, ""},
                                  {rs[1].id, O::Duplicate, ""},
                                  {rs[2].id, O::Conflict, "same id, different content"},
                                  {rs[3].id, O::Rejected, "unknown survey version"},
                                  {rs[4].id, O::Retry, ""}};
    ASSERT_TRUE(s.apply_results(results));
    auto c = s.outbox_counts();
    EXPECT_EQ(c->acknowledged, 2);
    EXPECT_EQ(c->conflict, 1);
    EXPECT_EQ(c->rejected, 1);
    EXPECT_EQ(c->queued, 1);
    auto q = s.quarantined();
    ASSERT_EQ(q->size(), 2u);
    EXPECT_EQ((*q)[0].second, "conflict: same id, different content");
    auto next = s.next_batch({});
    ASSERT_EQ(next->size(), 1u);
    EXPECT_EQ((*next)[0].response_id, rs[4].id);
    EXPECT_EQ((*next)[0].attempts, 1);
    // A settled item is never re-opened by a late duplicate answer.
    const ItemResult late[] = {{rs[2].id, O::Accepted, ""}};
    ASSERT_TRUE(s.apply_results(late));
    EXPECT_EQ(s.outbox_counts()->conflict, 1);
    std::int64_t stored = 0;
    ASSERT_TRUE(s.for_each_response("", [&](const StoredResponse& r) { stored += r.payload ? 1 : 0; }));
    EXPECT_EQ(stored, 5);
}

TEST_F(StoreTest, DeferredItemsWaitForTheirTime) {
    auto s = open();
    auto r = response();
    ASSERT_TRUE(s.save_completed(r));
    const std::string ids[] = {r.id};
    ASSERT_TRUE(s.defer(ids, clock.wall_now() + 30s));
    EXPECT_TRUE(s.next_batch({})->empty());
    clock.advance(29s);
    EXPECT_TRUE(s.next_batch({})->empty());
    clock.advance(1s);
    EXPECT_EQ(s.next_batch({})->size(), 1u);
}

TEST_F(StoreTest, StatsCountTodayTotalQueueAndDropoffsWithoutAnswers) {
    auto s = open();
    ASSERT_TRUE(s.save_completed(response("food")));
    clock.advance(std::chrono::hours(48));
    ASSERT_TRUE(s.save_completed(response("food")));
    ASSERT_TRUE(s.save_completed(response("safety")));
    ASSERT_TRUE(s.record_dropoff({"food", "3", "fies_hungry", "Kentish Town library"}));
    ASSERT_TRUE(s.record_dropoff({"food", "3", "fies_hungry", "Kentish Town library"}));
    ASSERT_TRUE(s.record_dropoff({"food", "3", "intro", "Kentish Town library"}));
    auto st = s.stats();
    ASSERT_TRUE(st);
    ASSERT_EQ(st->surveys.size(), 2u);
    EXPECT_EQ(st->surveys[0].survey_id, "food");
    EXPECT_EQ(st->surveys[0].completed_total, 2);
    EXPECT_EQ(st->surveys[0].completed_today, 1);
    EXPECT_EQ(st->outbox.queued, 3);
    ASSERT_TRUE(st->outbox.oldest_queued_completed_at);
    ASSERT_EQ(st->dropoffs.size(), 2u);
    EXPECT_EQ(st->dropoffs[0].last_question, "fies_hungry");
    EXPECT_EQ(st->dropoffs[0].count, 2);
    // The drop-off table has no column that could hold an answer.
    auto cols = s.database().prepare("SELECT group_concat(name) FROM pragma_table_info('dropoffs')");
    ASSERT_TRUE(cols && *cols->step());
    EXPECT_EQ(cols->column_text(0), "id,survey_id,last_question,at,survey_version,site");
}

TEST_F(StoreTest, DropoffDaysCountPerSurveyVersionQuestionSiteAndDayNewestFirst) {
    auto s = open();
    const std::string day1 = core::format_utc(clock.wall_now()).substr(0, 10);
    ASSERT_TRUE(s.record_dropoff({"food", "3", "fies_hungry", "Kentish Town library"}));
    ASSERT_TRUE(s.record_dropoff({"food", "3", "fies_hungry", "Kentish Town library"}));
    ASSERT_TRUE(s.record_dropoff({"food", "4", "fies_hungry", "Kentish Town library"}));  // another version
    ASSERT_TRUE(s.record_dropoff({"food", "3", "fies_hungry", "Swiss Cottage library"}));  // another site
    clock.advance(std::chrono::hours(24));
    const std::string day2 = core::format_utc(clock.wall_now()).substr(0, 10);
    ASSERT_NE(day1, day2);
    ASSERT_TRUE(s.record_dropoff({"food", "3", "intro", "Kentish Town library"}));
    auto days = s.dropoff_days(100);
    ASSERT_TRUE(days);
    ASSERT_EQ(days->size(), 4u);
    EXPECT_EQ((*days)[0].day, day2);  // newest day first
    EXPECT_EQ((*days)[0].last_question, "intro");
    EXPECT_EQ((*days)[0].count, 1);
    EXPECT_EQ((*days)[1].day, day1);
    EXPECT_EQ((*days)[1].survey_version, "3");
    EXPECT_EQ((*days)[1].site, "Kentish Town library");
    EXPECT_EQ((*days)[1].count, 2);
    EXPECT_EQ((*days)[2].site, "Swiss Cottage library");
    EXPECT_EQ((*days)[3].survey_version, "4");
    // The cap keeps the newest.
    auto capped = s.dropoff_days(1);
    ASSERT_TRUE(capped);
    ASSERT_EQ(capped->size(), 1u);
    EXPECT_EQ((*capped)[0].day, day2);
}

TEST_F(StoreTest, ASchemaOneDatabaseKeepsItsDropoffsWithVersionAndSiteUnknown) {
    { (void)open(); }
    {
        auto db = Database::open(db_path);
        ASSERT_TRUE(db);
        // Back to schema 1's drop-off table, with one row in it, as an older kiosk left it.
        ASSERT_TRUE(db->exec("DROP INDEX dropoffs_by_time; ALTER TABLE dropoffs DROP COLUMN survey_version;"
                             " ALTER TABLE dropoffs DROP COLUMN site;"
                             " INSERT INTO dropoffs(survey_id, last_question, at) VALUES('food', 'intro', '2026-01-02T10:00:00Z');"
                             " PRAGMA user_version = 1"));
    }
    auto s = open();
    EXPECT_EQ(*s.database().user_version(), 2);
    auto days = s.dropoff_days(10);
    ASSERT_TRUE(days);
    ASSERT_EQ(days->size(), 1u);
    EXPECT_EQ((*days)[0].survey_id, "food");
    EXPECT_EQ((*days)[0].survey_version, "");
    EXPECT_EQ((*days)[0].site, "");
    EXPECT_EQ((*days)[0].day, "2026-01-02");
}

TEST_F(StoreTest, DraftsSaveListResumeAndDiscard) {
    auto s = open();
    ASSERT_TRUE(s.save_draft({{"d1", "youth", "Amina", "Outreach van", ""}, R"({"format": 1})"}));
    ASSERT_TRUE(s.save_draft({{"d2", "food", "Sam", "Queen's Crescent", ""}, R"({"format": 1, "x": 2})"}));
    ASSERT_TRUE(s.save_draft({{"d1", "youth", "Amina", "Outreach van", ""}, R"({"format": 1, "x": 3})"}));  // update
    auto list = s.list_drafts();
    ASSERT_EQ(list->size(), 2u);
    auto d1 = s.load_draft("d1");
    ASSERT_TRUE(d1 && *d1);
    EXPECT_EQ((*d1)->state, R"({"format": 1, "x": 3})");
    EXPECT_EQ((*d1)->info.worker, "Amina");
    ASSERT_TRUE(s.discard_draft("d1"));
    EXPECT_FALSE(*s.load_draft("d1"));
    EXPECT_EQ(s.stats()->drafts, 1);
}

TEST_F(StoreTest, RetentionPurgesOnlyAcknowledgedPayloadsAndKeepsATombstone) {
    auto s = open();
    auto acked = response(), queued = response();
    ASSERT_TRUE(s.save_completed(acked));
    ASSERT_TRUE(s.save_completed(queued));
    const ItemResult ok[] = {{acked.id, ItemResult::Outcome::Accepted, ""}};
    ASSERT_TRUE(s.apply_results(ok));
    clock.advance(std::chrono::hours(24 * 31));
    auto purged = s.purge_acknowledged(clock.wall_now() - std::chrono::hours(24 * 30));
    ASSERT_TRUE(purged);
    EXPECT_EQ(*purged, 1);
    int tombstones = 0, kept = 0;
    ASSERT_TRUE(s.for_each_response("", [&](const StoredResponse& r) {
        if (!r.payload) {
            ++tombstones;
            EXPECT_EQ(r.id, acked.id);
        } else {
            ++kept;
        }
    }));
    EXPECT_EQ(tombstones, 1);
    EXPECT_EQ(kept, 1);
    EXPECT_TRUE(s.check()->ok);
}

TEST_F(StoreTest, CheckFindsBrokenInvariants) {
    auto s = open();
    ASSERT_TRUE(s.save_completed(response()));
    auto healthy = s.check();
    ASSERT_TRUE(healthy);
    EXPECT_TRUE(healthy->ok);
    EXPECT_EQ(healthy->responses, 1);
    ASSERT_TRUE(s.database().exec("DELETE FROM outbox"));
    ASSERT_TRUE(s.database().exec("UPDATE responses SET payload = '{\"id\": \"someone-else\"}'"));
    auto broken = s.check();
    ASSERT_TRUE(broken);
    EXPECT_FALSE(broken->ok);
    ASSERT_EQ(broken->problems.size(), 2u);
    EXPECT_NE(broken->problems[0].find("without an outbox row"), std::string::npos);
    EXPECT_NE(broken->problems[1].find("not that response's JSON"), std::string::npos);
}

TEST_F(StoreTest, AFullDiskLosesNothingAndSaysSo) {
    auto s = open();
    const auto first = response();
    ASSERT_TRUE(s.save_completed(first));
    // A real SQLITE_FULL: cap the file at its current size, as a full disk would.
    auto pages = s.database().prepare("PRAGMA page_count");
    ASSERT_TRUE(pages && *pages->step());
    ASSERT_TRUE(s.database().exec("PRAGMA max_page_count = " + std::to_string(pages->column_int64(0))));
    core::Response big = response();
    big.answers.emplace_back("comments", Answer::text(std::string(64 * 1024, 'x')));
    auto saved = s.save_completed(big);
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error().kind, StoreError::Kind::Full);
    EXPECT_NE(saved.error().message.find("nothing was written"), std::string::npos);
    // Nothing half-written, the earlier response intact, and the caller still holds `big` to retry.
    EXPECT_EQ(s.outbox_counts()->queued, 1);
    EXPECT_TRUE(s.check()->ok);
    ASSERT_TRUE(s.database().exec("PRAGMA max_page_count = 1073741823"));
    EXPECT_TRUE(s.save_completed(big));
    EXPECT_EQ(s.outbox_counts()->queued, 2);
}

TEST_F(StoreTest, SavesASessionsResponseEndToEnd) {
    auto loaded = core::load_survey_file(std::filesystem::path(FIELDKIOSK_TEST_DATA_DIR) / "valid_example.json");
    ASSERT_TRUE(loaded.ok());
    core::Session session(loaded.survey, {}, clock, rng);
    ASSERT_TRUE(session.set_answer(Answer::choice("young")));
    while (session.state() == core::Session::State::Answering) ASSERT_TRUE(session.next());
    auto r = session.complete();
    ASSERT_TRUE(r);
    auto s = open();
    ASSERT_TRUE(s.save_completed(*r));
    int n = 0;
    ASSERT_TRUE(s.for_each_response("broken_example", [&](const StoredResponse& sr) {
        ++n;
        EXPECT_EQ(sr.id, session.id());
        EXPECT_EQ(nlohmann::json::parse(*sr.payload)["answers"]["age_band"], "young");
    }));
    EXPECT_EQ(n, 1);
}

TEST_F(StoreTest, TransactionRollsBackWhenNotCommitted) {
    auto s = open();
    {
        auto tx = Transaction::begin(s.database());
        ASSERT_TRUE(tx);
        ASSERT_TRUE(s.database().exec("INSERT INTO meta(key, value) VALUES ('x', 'y')"));
    }
    auto st = s.database().prepare("SELECT count(*) FROM meta WHERE key = 'x'");
    ASSERT_TRUE(st && *st->step());
    EXPECT_EQ(st->column_int64(0), 0);
}

}  // namespace
}  // namespace fieldkiosk::storage
