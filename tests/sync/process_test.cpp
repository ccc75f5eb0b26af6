// Drop-offs and process figures (issue 10, item 3): the heartbeat's drop-off counts on the wire and their bounds,
// the receiver keeping the larger count (so a replay never counts twice), the real client and `fieldkiosk-ctl sync`
// against the real server over loopback (SQLite; PostgreSQL with FIELDKIOSK_TEST_PG), and the figures themselves
// worked by hand on a small survey. Days come from the clock at set-up, never a literal compared with it.
#include "core/clock.hpp"
#include "core/loader.hpp"
#include "storage/response_store.hpp"
#include "sync/protocol/wire.hpp"
#include "sync/server/fleet.hpp"
#include "sync/server/process.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace fieldkiosk::testing {
namespace {

namespace fs = std::filesystem;
namespace srv = sync::server;
using sync::protocol::DropoffCount;
using sync::protocol::Heartbeat;

// --- wire and bounds ---

TEST(DropoffWire, RoundTripsInTheHeartbeatAndIsAbsentWhenEmpty) {
    sync::protocol::Batch b;
    b.kiosk_id = "dev-1";
    b.batch_id = "b-1";
    Heartbeat h;
    h.app_version = "fieldkiosk 9";
    b.heartbeat = h;
    EXPECT_EQ(sync::protocol::encode(b).find("dropoffs"), std::string::npos);
    b.heartbeat->dropoffs = {{"food", "2026.1", "fies_hungry", "Kentish Town library", "2026-03-04", 3},
                             {"food", "", "(end)", "", "2026-03-05", 1}};
    auto back = sync::protocol::decode_batch(sync::protocol::encode(b));
    ASSERT_TRUE(back.has_value()) << back.error().message;
    ASSERT_TRUE(back->heartbeat.has_value());
    EXPECT_EQ(back->heartbeat->dropoffs, b.heartbeat->dropoffs);
}

TEST(DropoffWire, EntriesOfTheWrongShapeAreSkippedNeverARefusal) {
    const auto h = sync::protocol::heartbeat_from_json(nlohmann::json::parse(R"({"dropoffs": [
        1, "x", {"survey": "food"}, {"survey": "food", "last_question": "q", "count": "3"},
        {"survey": "food", "last_question": "q", "count": 2.5},
        {"survey": "food", "version": 4, "last_question": "q", "site": "A", "day": "2026-01-01", "count": 2}]})"));
    ASSERT_EQ(h.dropoffs.size(), 1u);
    EXPECT_EQ(h.dropoffs[0].version, "");  // a number where a text belongs: left unknown
    EXPECT_EQ(h.dropoffs[0].count, 2);
    EXPECT_TRUE(sync::protocol::heartbeat_from_json(nlohmann::json::parse(R"({"dropoffs": {"a": 1}})")).dropoffs.empty());
}

TEST(DropoffBounds, TheReceiverKeepsOnlyCountsOfOneDayAndCutsTheRest) {
    sync::protocol::Batch b;
    b.heartbeat = Heartbeat{};
    auto& d = b.heartbeat->dropoffs;
    d.push_back({"food", "1", "q", "A", "2026-01-01", 4});                          // kept
    d.push_back({"food", "1", "q", "A", "yesterday", 4});                           // not a day
    d.push_back({"food", "1", "q", "A", "2026-1-01x", 4});                          // not a day
    d.push_back({"food", "1", "q", "A", "2026-01-02", -1});                         // negative
    d.push_back({"", "1", "q", "A", "2026-01-02", 1});                              // no survey
    d.push_back({"food", "1", std::string(500, 'q'), "A\n\x1b[31m", "2026-01-03", 5'000'000'000'000});  // long, escapes, huge
    const srv::KioskSeen s = srv::kiosk_seen(b, 0, 0);
    ASSERT_EQ(s.dropoffs.size(), 2u);
    EXPECT_EQ(s.dropoffs[0].count, 4);
    EXPECT_LE(s.dropoffs[1].last_question.size(), srv::k_max_survey_field_bytes);
    EXPECT_EQ(s.dropoffs[1].site.find('\x1b'), std::string::npos);
    EXPECT_EQ(s.dropoffs[1].site.find('\n'), std::string::npos);
    EXPECT_EQ(s.dropoffs[1].count, srv::k_max_dropoff_count);
    // At most k_max_dropoff_counts entries from one heartbeat.
    d.assign(sync::protocol::k_max_dropoff_counts + 50, {"food", "1", "q", "A", "2026-01-01", 1});
    EXPECT_EQ(srv::kiosk_seen(b, 0, 0).dropoffs.size(), sync::protocol::k_max_dropoff_counts);
}

// --- the figures, worked by hand ---

constexpr std::string_view k_survey = R"({
  "survey": "walk", "version": "1", "languages": [{"code": "en", "name": "English", "status": "complete"}],
  "title": {"en": "Walk"}, "description": {"en": "d"}, "estimated_minutes": 2,
  "sources": [{"id": "own", "instrument": "ours", "source": "ours", "licence": "MIT"}],
  "questions": [
    {"name": "q1", "type": "select_one", "label": {"en": "Do you walk?"},
     "choices": [{"value": "yes", "label": {"en": "Yes"}}, {"value": "no", "label": {"en": "No"}},
                 {"value": "dont_know", "label": {"en": "Don't know"}}]},
    {"name": "q2", "type": "integer", "label": {"en": "How many days?"}, "relevant": "${q1} = 'yes'"},
    {"name": "q3", "type": "select_one", "label": {"en": "Your age"},
     "choices": [{"value": "a", "label": {"en": "Under 30"}}, {"value": "b", "label": {"en": "30 or over"}},
                 {"value": "prefer_not", "label": {"en": "Prefer not to say"}}]},
    {"name": "bye", "type": "note", "label": {"en": "Thank you"}}
  ]
})";

srv::ExportRow row(const std::string& id, const nlohmann::json& payload) {
    srv::ExportRow r;
    r.id = id;
    r.kiosk = "kiosk-1";
    r.survey = "walk";
    r.survey_version = "1";
    r.completed_at = payload.value("completed_at", "");
    r.payload = payload.dump();
    return r;
}

nlohmann::json payload(const std::string& mode, const std::string& site, const std::string& started, const std::string& completed,
                       nlohmann::json answers) {
    return {{"mode", mode},         {"site", site},         {"started_at", started}, {"completed_at", completed},
            {"answers", answers},   {"write_ins", nlohmann::json::object()}, {"calculated", nlohmann::json::object()}};
}

TEST(ProcessFigures, CompletionRateDropOffMinutesAndItemNonResponseAsWorkedByHand) {
    auto loaded = core::load_survey_text(k_survey, "walk.json");
    ASSERT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].to_string());
    // Days and times from now, as a kiosk would make them.
    const auto t0 = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const auto at = [&](int minutes) { return core::format_utc(t0 + std::chrono::minutes(minutes)); };
    const std::string day = at(0).substr(0, 10);
    srv::ProcessTally tally(loaded.survey, nullptr);
    tally.add(row("r1", payload("kiosk", "A", at(0), at(10), {{"q1", "yes"}, {"q2", 5}, {"q3", "a"}})));
    tally.add(row("r2", payload("kiosk", "A", at(0), at(4), {{"q1", "no"}, {"q3", "prefer_not"}})));  // q2 not asked
    tally.add(row("r3", payload("assisted", "B", at(0), at(20), {{"q1", "yes"}, {"q3", "a"}})));     // q2 asked, skipped
    tally.add(row("r4", payload("kiosk", "B", at(30), at(10), {{"q1", "dont_know"}})));              // clock went back
    auto sealed = payload("kiosk", "A", at(0), at(6), nullptr);
    sealed.erase("answers");
    sealed["sealed"] = {{"key_id", "k1"}, {"box", "AAAA"}};
    tally.add(row("r5", sealed));
    srv::ExportRow broken = row("r6", nlohmann::json::object());
    broken.payload = "not json";
    tally.add(broken);
    tally.add_dropoffs({{"kiosk-1", {"walk", "1", "q2", "A", day, 2}},
                        {"kiosk-1", {"walk", "0", "old_q", "A", day, 1}},
                        {"kiosk-2", {"walk", "1", "(end)", "B", day, 3}}});
    const srv::ProcessFigures f = tally.finish();

    EXPECT_EQ(f.completed, 5);  // r6 is not a response
    EXPECT_EQ(f.completed_kiosk, 4);
    EXPECT_EQ(f.completed_assisted, 1);
    EXPECT_EQ(f.dropoffs, 6);
    ASSERT_TRUE(f.completion_rate.has_value());
    EXPECT_DOUBLE_EQ(*f.completion_rate, 4.0 / 10.0);
    EXPECT_EQ(f.sealed, 1);
    EXPECT_EQ(f.unreadable, 1);

    ASSERT_EQ(f.by_site.size(), 2u);
    EXPECT_EQ(f.by_site[0].site, "A");
    EXPECT_EQ(f.by_site[0].completed, 3);
    EXPECT_EQ(f.by_site[0].dropoffs, 3);
    EXPECT_DOUBLE_EQ(*f.by_site[0].completion_rate, 0.5);
    EXPECT_EQ(f.by_site[1].completed, 2);
    EXPECT_EQ(f.by_site[1].completed_kiosk, 1);
    EXPECT_DOUBLE_EQ(*f.by_site[1].completion_rate, 0.25);  // 1 of 1 + 3
    ASSERT_EQ(f.by_site_day.size(), 2u);
    EXPECT_EQ(f.by_site_day[0].day, day);

    // The survey's order, then names it lacks, then the closing screens.
    ASSERT_EQ(f.dropoff_by_screen.size(), 3u);
    EXPECT_EQ(f.dropoff_by_screen[0].question, "q2");
    EXPECT_EQ(f.dropoff_by_screen[0].label, "How many days?");
    EXPECT_DOUBLE_EQ(f.dropoff_by_screen[0].share_of_starts, 0.2);
    EXPECT_EQ(f.dropoff_by_screen[1].question, "old_q");
    EXPECT_EQ(f.dropoff_by_screen[2].question, "(end)");
    EXPECT_DOUBLE_EQ(f.dropoff_by_screen[2].share_of_starts, 0.3);

    // Minutes 10, 4, 20 and 6 (r4 left out): median 8, middle half 5.5 to 12.5; kiosks 4, 6, 10.
    EXPECT_EQ(f.timed, 4);
    EXPECT_EQ(f.untimed, 1);
    EXPECT_DOUBLE_EQ(*f.median_minutes, 8.0);
    EXPECT_DOUBLE_EQ(*f.lower_quartile_minutes, 5.5);
    EXPECT_DOUBLE_EQ(*f.upper_quartile_minutes, 12.5);
    EXPECT_DOUBLE_EQ(*f.median_minutes_kiosk, 6.0);
    EXPECT_DOUBLE_EQ(*f.median_minutes_assisted, 20.0);

    ASSERT_EQ(f.items.size(), 3u);  // the note takes no answer
    const auto& q1 = f.items[0];
    EXPECT_EQ(q1.asked, 4);
    EXPECT_EQ(q1.answered, 3);
    EXPECT_EQ(q1.dont_know, 1);
    const auto& q2 = f.items[1];
    EXPECT_EQ(q2.asked, 2);  // only where q1 is yes
    EXPECT_EQ(q2.answered, 1);
    EXPECT_EQ(q2.unanswered, 1);
    EXPECT_DOUBLE_EQ(*q2.rate(), 0.5);
    const auto& q3 = f.items[2];
    EXPECT_EQ(q3.asked, 4);
    EXPECT_EQ(q3.answered, 2);
    EXPECT_EQ(q3.prefer_not, 1);
    EXPECT_EQ(q3.unanswered, 1);

    std::ostringstream text, json;
    srv::render_process_text(f, text);
    EXPECT_NE(text.str().find("Completion rate at kiosks: 40.0% of 10 started"), std::string::npos) << text.str();
    srv::render_process_json(f, json);
    const auto j = nlohmann::json::parse(json.str());
    EXPECT_EQ(j["dropoffs"], 6);
    EXPECT_EQ(j["item_nonresponse"][1]["unanswered"], 1);
}

TEST(ProcessFigures, NothingCollectedHasNoRateAndNoMinutes) {
    auto loaded = core::load_survey_text(k_survey, "walk.json");
    ASSERT_TRUE(loaded.ok());
    srv::ProcessTally tally(loaded.survey, nullptr);
    const auto f = tally.finish();
    EXPECT_EQ(f.completed, 0);
    EXPECT_FALSE(f.completion_rate.has_value());
    EXPECT_FALSE(f.median_minutes.has_value());
    EXPECT_FALSE(f.items[0].rate().has_value());
    std::ostringstream text;
    srv::render_process_text(f, text);
    EXPECT_NE(text.str().find("none reported"), std::string::npos);
}

// --- the real client, ctl and server over loopback ---

class Dropoffs : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
    }
    void record(const fs::path& db, const storage::DropoffAt& d, int times) {
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(db, clock);
        ASSERT_TRUE(store.has_value());
        for (int i = 0; i < times; ++i) ASSERT_TRUE(store->record_dropoff(d));
    }
    int ctl_sync(const fs::path& db) {
        auto [rc, out, err] = run_ctl_args({"sync", "--db", db.string(), "--server", receiver->url(), "--token", receiver->kiosk_token});
        EXPECT_EQ(rc, 0) << err;
        return rc;
    }
    std::int64_t stored(const std::string& question) {
        std::int64_t n = 0;
        const auto all = receiver->storage->dropoffs("food").value();  // a copy: the expected is a temporary
        for (const auto& r : all)
            if (r.tally.last_question == question) n += r.tally.count;
        return n;
    }
    std::unique_ptr<Receiver> receiver;
};

TEST_P(Dropoffs, CountsReachTheReceiverWithTheHeartbeatAndAreNeverCountedTwice) {
    Kiosk k;
    k.fill(3, "food");
    record(k.db, {"food", "2026.1", "fies_hungry", "Kentish Town library"}, 2);
    record(k.db, {"food", "2026.1", "intro", "Kentish Town library"}, 1);
    ctl_sync(k.db);
    EXPECT_EQ(stored("fies_hungry"), 2);
    EXPECT_EQ(stored("intro"), 1);
    // The whole tally again with the next heartbeat (an idle kiosk's empty batch): still 2, not 4.
    ctl_sync(k.db);
    EXPECT_EQ(stored("fies_hungry"), 2);
    // One more on the kiosk: 3.
    record(k.db, {"food", "2026.1", "fies_hungry", "Kentish Town library"}, 1);
    ctl_sync(k.db);
    EXPECT_EQ(stored("fies_hungry"), 3);
    const auto all = receiver->storage->dropoffs("food").value();
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all[0].kiosk, "kiosk-1");
    EXPECT_EQ(all[0].tally.site, "Kentish Town library");
    EXPECT_EQ(all[0].tally.version, "2026.1");
    EXPECT_EQ(all[0].tally.day, core::format_utc(std::chrono::system_clock::now()).substr(0, 10));
    EXPECT_EQ(receiver->responses(), 3);

    // An older heartbeat arriving late (a smaller count for the same day) never lowers the count.
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(k.db, clock);
    ASSERT_TRUE(store.has_value());
    nlohmann::json body = {{"protocol", 1}, {"kiosk_id", store->kiosk_id()}, {"batch_id", "b-late"}, {"responses", nlohmann::json::array()}};
    body["heartbeat"] = {{"dropoffs", {{{"survey", "food"}, {"version", "2026.1"}, {"last_question", "fies_hungry"},
                                        {"site", "Kentish Town library"}, {"day", all[0].tally.day}, {"count", 1}}}}};
    sync::client::CurlTransport t(Kiosk::quick());
    auto res = t.post({receiver->url() + "/v1/batches",
                       {{"Authorization", "Bearer " + receiver->kiosk_token}, {"Content-Type", "application/json"}}, body.dump()});
    ASSERT_TRUE(res.has_value());
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(stored("fies_hungry"), 3);
}

TEST_P(Dropoffs, TwoDevicesCountApartAndTheProcessVerbShowsTheirSum) {
    Kiosk a, b;
    a.fill(4, "food", 1);
    b.fill(2, "food", 2);
    record(a.db, {"food", "2026.1", "fies_hungry", "Kentish Town library"}, 2);
    record(b.db, {"food", "2026.1", "fies_hungry", "Kentish Town library"}, 2);
    ctl_sync(a.db);
    ctl_sync(b.db);
    EXPECT_EQ(stored("fies_hungry"), 4);  // same key, two devices: both counted

    std::ostringstream out, err;
    srv::ProcessOptions o{receiver->db_url(), "food", "json", {FIELDKIOSK_SURVEY_DEFS_DIR}, "test"};
    ASSERT_EQ(srv::run_process(o, out, err), 0) << err.str();
    const auto j = nlohmann::json::parse(out.str());
    EXPECT_EQ(j["completed"], 6);
    EXPECT_EQ(j["dropoffs"], 4);
    EXPECT_DOUBLE_EQ(j["completion_rate"].get<double>(), 6.0 / 10.0);
    EXPECT_EQ(j["dropoff_by_screen"][0]["question"], "fies_hungry");
    // Audited like report.
    const auto audit = receiver->storage->audit_entries("").value();
    ASSERT_FALSE(audit.empty());
    EXPECT_EQ(audit.back().action, "process");
    EXPECT_EQ(audit.back().rows, 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, Dropoffs, ::testing::Values("sqlite", "postgresql"), [](const auto& p) { return p.param; });

TEST(ProcessVerb, RefusesAMistypedDatabaseAndAnUnknownSurveyWithoutCreatingAFile) {
    TempDir dir;
    const fs::path missing = dir.path() / "nope.db";
    std::ostringstream out, err;
    srv::ProcessOptions o{"sqlite:" + missing.string(), "food", "table", {FIELDKIOSK_SURVEY_DEFS_DIR}, "test"};
    EXPECT_EQ(srv::run_process(o, out, err), 1);
    EXPECT_NE(err.str().find("no database at"), std::string::npos) << err.str();
    EXPECT_FALSE(fs::exists(missing));
    o.survey = "nosuch";
    std::ostringstream err2;
    EXPECT_EQ(srv::run_process(o, out, err2), 2);
    EXPECT_NE(err2.str().find("'nosuch' is not among the surveys"), std::string::npos) << err2.str();
    o.format = "xml";
    std::ostringstream err3;
    EXPECT_EQ(srv::run_process(o, out, err3), 2);
}

}  // namespace
}  // namespace fieldkiosk::testing
