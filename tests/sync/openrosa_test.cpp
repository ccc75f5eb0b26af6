// The OpenRosa target (issue 12): the kiosk's real client (OpenRosaUploader + CurlTransport) against a test
// receiver that behaves as ODK Central documents (tests/sync/openrosa_receiver.hpp), over loopback, through
// cut connections, replays, conflicts, refusals and a busy server: every response arrives exactly once.
#include "core/xlsform/submission.hpp"
#include "core/xlsform/xform.hpp"
#include "seal/sealed_box.hpp"
#include "sync/client/openrosa_uploader.hpp"
#include "sync/client/sync_engine.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/sealed_demo_survey.hpp"
#include "tests/sync/loopback.hpp"
#include "tests/sync/openrosa_receiver.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <filesystem>
#include <fstream>

namespace fieldkiosk::testing {
namespace {

namespace fs = std::filesystem;
using sync::client::DrainSummary;
using sync::client::Failure;

DrainSummary drain_openrosa(const fs::path& db, const std::string& url, std::string authorization = {}) {
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(db, clock);
    EXPECT_TRUE(store.has_value());
    sync::client::CurlTransport transport(Kiosk::quick());
    core::SeededRng rng(11);
    sync::client::SyncConfig config;
    config.openrosa = sync::client::OpenRosaTarget{.submission_url = url,
                                                   .authorization = std::move(authorization),
                                                   .survey_paths = {FIELDKIOSK_SURVEY_DEFS_DIR}};
    sync::client::OpenRosaUploader up(*store, transport, config, rng, clock);
    return up.drain();
}

std::string instance(const std::string& response_id) { return "uuid:" + response_id; }

// The leaf element names of a submission, in order, meta excluded.
std::vector<std::string> fields(const std::string& xml) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(xml.c_str()));
    std::vector<std::string> out;
    for (auto c : doc.document_element().children())
        if (std::string_view(c.name()) != "meta") out.emplace_back(c.name());
    return out;
}

TEST(OpenRosa, EveryResponseArrivesOnceInTheShapeOfThePublishedXForm) {
    CentralLikeReceiver central;
    Kiosk kiosk;
    const auto ids = kiosk.fill(30, "food");
    const auto s = drain_openrosa(kiosk.db, central.url());
    EXPECT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.accepted, 30);
    EXPECT_EQ(s.batches, 30);  // one request per submission
    EXPECT_EQ(kiosk.counts().queued, 0);
    EXPECT_EQ(kiosk.counts().acknowledged, 30);
    const auto stored = central.stored();
    ASSERT_EQ(stored.size(), 30u);
    // The instance the XForm publishes for this survey: the submission has the same fields in its order.
    const auto food = shipped_catalog().find("food");
    pugi::xml_document xform;
    ASSERT_TRUE(xform.load_string(xlsform::to_xform(*food).c_str()));
    std::vector<std::string> published;
    for (auto c : xform.select_node("//instance[not(@id)]/data").node().children())
        if (std::string_view(c.name()) != "meta") published.emplace_back(c.name());
    for (const auto& id : ids) {
        ASSERT_TRUE(stored.contains(instance(id))) << id;
        EXPECT_EQ(fields(stored.at(instance(id))), published);
        pugi::xml_document doc;
        ASSERT_TRUE(doc.load_string(stored.at(instance(id)).c_str()));
        EXPECT_STREQ(doc.document_element().attribute("version").value(), food->version.c_str());
        EXPECT_FALSE(std::string(doc.document_element().child("meta").child_value("timeEnd")).empty());
        // The response's site, mode and language travel in the XForm's hidden meta fields (issue 12).
        std::vector<std::string> meta, published_meta;
        for (auto c : doc.document_element().child("meta").children()) meta.emplace_back(c.name());
        for (auto c : xform.select_node("//instance[not(@id)]/data/meta").node().children()) published_meta.emplace_back(c.name());
        EXPECT_EQ(meta, published_meta);
        EXPECT_FALSE(std::string(doc.document_element().child("meta").child_value("fk_language")).empty());
        EXPECT_FALSE(std::string(doc.document_element().child("meta").child_value("fk_mode")).empty());
    }
}

// A response keeps the version it was answered in; its submission has that version's fields, in that version's
// order, though a newer version is now the current one.
TEST(OpenRosa, AnOlderVersionsResponseIsSentInThatVersionsShape) {
    TempDir dir;
    auto version = [](const std::string& v, std::vector<std::string> names) {
        nlohmann::json s = {{"survey", "demo"},
                            {"version", v},
                            {"languages", {{{"code", "en"}, {"name", "English"}, {"status", "complete"}}}},
                            {"title", {{"en", "Demo"}}},
                            {"description", {{"en", "A demo"}}},
                            {"estimated_minutes", 1},
                            {"questions", nlohmann::json::array()}};
        for (const auto& n : names)
            s["questions"].push_back({{"type", "text"}, {"name", n}, {"label", {{"en", n}}}, {"max_length", 50}});
        return s.dump();
    };
    // The newer file first (the folder is read in name order), so that a catalog of current versions only would
    // keep version 2 and refuse version 1.
    std::ofstream(dir.path() / "a-demo-2.json") << version("2", {"second", "first", "third"});
    std::ofstream(dir.path() / "b-demo-1.json") << version("1", {"first", "second"});
    CentralLikeReceiver central({"demo"});
    Kiosk kiosk;
    {
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(kiosk.db, clock);
        core::Response r;
        r.id = "2b0c8e9a-5d1f-4c3e-8a7b-6f5e4d3c2b1a";
        r.survey_id = "demo";
        r.survey_version = "1";
        r.language = "en";
        r.mode = core::Mode::Assisted;
        r.site = "Queen's Crescent market";
        r.started_at = r.completed_at = clock.wall_now();
        r.answers = {{"first", core::Answer::text("one")}};
        ASSERT_TRUE(store->save_completed(r));
    }
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(kiosk.db, clock);
    sync::client::CurlTransport transport(Kiosk::quick());
    core::SeededRng rng(2);
    sync::client::SyncConfig config;
    config.openrosa = sync::client::OpenRosaTarget{.submission_url = central.url(), .survey_paths = {dir.path()}};
    sync::client::OpenRosaUploader up(*store, transport, config, rng, clock);
    const auto s = up.drain();
    ASSERT_FALSE(s.failure) << s.failure->detail;
    const auto stored = central.stored();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(fields(stored.begin()->second), (std::vector<std::string>{"first", "second"}));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(stored.begin()->second.c_str()));
    const auto meta = doc.document_element().child("meta");
    EXPECT_STREQ(meta.child_value("fk_site"), "Queen's Crescent market");
    EXPECT_STREQ(meta.child_value("fk_mode"), "assisted");
    EXPECT_STREQ(meta.child_value("fk_language"), "en");
}

TEST(OpenRosa, AnswersLostOnTheWayAreReplayedHarmlesslyAndEveryResponseIsThereOnce) {
    CentralLikeReceiver central;
    Kiosk kiosk;
    const auto ids = kiosk.fill(20, "safety");
    central.cut_after_storing(4);  // stored four times, but the kiosk never heard "201"
    int drains = 0;
    while (kiosk.counts().queued > 0 && drains < 10) {
        const auto s = drain_openrosa(kiosk.db, central.url());
        if (s.failure) {
            EXPECT_EQ(s.failure->kind, Failure::Kind::Offline) << s.failure->detail;
        }
        ++drains;
    }
    EXPECT_EQ(drains, 5);  // four cut answers, then one clean drain
    EXPECT_EQ(kiosk.counts().acknowledged, 20);
    EXPECT_EQ(central.stored().size(), 20u);
    EXPECT_EQ(central.replays(), 4);  // each cut submission came again, and Central took it as the same one
    for (const auto& id : ids) EXPECT_TRUE(central.stored().contains(instance(id)));
}

TEST(OpenRosa, AConflictIsParkedWithTheServersWordsAndNeverSentAgain) {
    CentralLikeReceiver central;
    Kiosk kiosk;
    const auto ids = kiosk.fill(3, "youth");
    central.preload(instance(ids[1]), "<data id=\"youth\">something else</data>");
    const auto s = drain_openrosa(kiosk.db, central.url());
    EXPECT_FALSE(s.failure);
    EXPECT_EQ(s.accepted, 2);
    EXPECT_EQ(s.conflict, 1);
    const auto counts = kiosk.counts();
    EXPECT_EQ(counts.conflict, 1);
    EXPECT_EQ(counts.queued, 0);
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(kiosk.db, clock);
    const auto quarantined = store->quarantined();
    ASSERT_TRUE(quarantined.has_value());
    ASSERT_EQ(quarantined->size(), 1u);
    EXPECT_NE(quarantined->front().second.find("different XML"), std::string::npos) << quarantined->front().second;
    const int before = central.requests();
    const auto again = drain_openrosa(kiosk.db, central.url());
    EXPECT_EQ(again.batches, 0);
    EXPECT_EQ(central.requests(), before);  // never retried in a loop
}

TEST(OpenRosa, AWrongTokenStopsTheDrainAndChangesNothing) {
    CentralLikeReceiver central;
    Kiosk kiosk;
    kiosk.fill(5, "food");
    const auto s = drain_openrosa(kiosk.db, central.url("not-the-key"));
    ASSERT_TRUE(s.failure);
    EXPECT_EQ(s.failure->kind, Failure::Kind::Unauthorized);
    EXPECT_EQ(s.failure->http_status, 401);
    EXPECT_EQ(central.requests(), 1);
    EXPECT_EQ(kiosk.counts().queued, 5);
    EXPECT_EQ(sync::client::describe(*s.failure, std::chrono::system_clock::now()), "The server refused this kiosk's key");
}

TEST(OpenRosa, ABusyOrFailingServerMakesTheKioskWaitAndLosesNothing) {
    CentralLikeReceiver central;
    Kiosk kiosk;
    kiosk.fill(6, "food");
    central.answer_next(1, 503);
    auto s = drain_openrosa(kiosk.db, central.url());
    ASSERT_TRUE(s.failure);
    EXPECT_EQ(s.failure->kind, Failure::Kind::Throttled);
    ASSERT_TRUE(s.failure->retry_after);
    EXPECT_EQ(*s.failure->retry_after, std::chrono::seconds(1));
    central.answer_next(1, 500);
    s = drain_openrosa(kiosk.db, central.url());
    ASSERT_TRUE(s.failure);
    EXPECT_EQ(s.failure->kind, Failure::Kind::ServerError);
    EXPECT_EQ(kiosk.counts().queued, 6);
    s = drain_openrosa(kiosk.db, central.url());
    EXPECT_FALSE(s.failure);
    EXPECT_EQ(central.stored().size(), 6u);
    EXPECT_EQ(kiosk.counts().acknowledged, 6);
}

TEST(OpenRosa, AResponseTheServerRefusesIsSetAsideSoTheRestStillGo) {
    CentralLikeReceiver central;
    Kiosk kiosk;
    kiosk.fill(4, "food");
    central.answer_next(1, 413);
    auto s = drain_openrosa(kiosk.db, central.url());
    ASSERT_TRUE(s.failure);
    EXPECT_EQ(s.failure->kind, Failure::Kind::Refused);
    s = drain_openrosa(kiosk.db, central.url());
    EXPECT_FALSE(s.failure);
    EXPECT_EQ(s.accepted, 3);
    const auto counts = kiosk.counts();
    EXPECT_EQ(counts.acknowledged, 3);
    EXPECT_EQ(counts.queued, 1);  // set aside for a day, never deleted
}

TEST(OpenRosa, AFormThatIsNotPublishedIsRefusedAndTheResponseKept) {
    CentralLikeReceiver central({"safety"});
    Kiosk kiosk;
    kiosk.fill(2, "food");
    const auto s = drain_openrosa(kiosk.db, central.url());
    ASSERT_TRUE(s.failure);
    EXPECT_EQ(s.failure->http_status, 404);
    EXPECT_NE(s.failure->detail.find("does not exist"), std::string::npos) << s.failure->detail;
    EXPECT_EQ(kiosk.counts().queued, 2);
    EXPECT_TRUE(central.stored().empty());
}

// The receiver must hold to Central's rules, or the tests above prove less than they say.
TEST(OpenRosa, TheTestReceiverRefusesWhatCentralRefuses) {
    CentralLikeReceiver central;
    sync::client::CurlTransport transport(Kiosk::quick());
    core::SeededRng rng(3);
    core::SystemClock clock;
    TempDir dir;
    auto store = storage::ResponseStore::open(dir.path() / "k.db", clock);
    sync::client::SyncConfig config;
    config.openrosa = sync::client::OpenRosaTarget{.submission_url = central.url()};
    sync::client::OpenRosaUploader up(*store, transport, config, rng, clock);
    const std::string xml = "<data id=\"food\" version=\"1\"><q>a</q><meta><instanceID>uuid:x</instanceID></meta></data>";
    auto req = up.make_request(xml);
    std::erase_if(req.headers, [](const auto& h) { return h.first == "X-OpenRosa-Version"; });
    EXPECT_EQ(transport.post(req)->status, 400);
    req = up.make_request("<data id=\"food\"><q>a</q></data>");
    EXPECT_EQ(transport.post(req)->status, 400);  // no instanceID
    EXPECT_EQ(transport.post(up.make_request(xml))->status, 201);
    EXPECT_EQ(transport.post(up.make_request(xml))->status, 201);  // identical replay
    EXPECT_EQ(transport.post(up.make_request("<data id=\"food\"><q>b</q><meta><instanceID>uuid:x</instanceID></meta></data>"))->status,
              409);
    EXPECT_EQ(central.stored().size(), 1u);
    EXPECT_EQ(central.replays(), 1);
}

TEST(OpenRosa, SealedAnswersStayOnTheKioskBecauseOpenRosaCannotCarryThem) {
    CentralLikeReceiver central({"sealed_demo", "food"});
    Kiosk kiosk;
    kiosk.fill(2, "food");
    const auto key = *seal::generate_key_pair("demo-1");
    const auto survey = core::load_survey_text(sealed_demo::survey("1", seal::survey_setting(key)).dump(), "sealed_demo.json");
    ASSERT_TRUE(survey.ok());
    {
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(kiosk.db, clock);
        core::Response r;
        r.id = "6f1f0d5e-1c1b-4c55-9d1a-2f4a9b1c0e77";
        r.survey_id = "sealed_demo";
        r.survey_version = "1";
        r.language = "en";
        r.started_at = r.completed_at = clock.wall_now();
        r.answers = {{"food_bank", core::Answer::choice(std::string(sealed_demo::k_yes))}};
        r.sealed_to = survey.survey->encryption;
        ASSERT_TRUE(store->save_completed(r));
    }
    const auto s = drain_openrosa(kiosk.db, central.url());
    EXPECT_FALSE(s.failure);
    EXPECT_EQ(s.held, 1);
    EXPECT_EQ(s.accepted, 2);
    EXPECT_EQ(kiosk.counts().queued, 1);
    EXPECT_EQ(central.stored().size(), 2u);
}

// The kiosk's own path: the background engine with [sync] openrosa_url_file, survey updates asked for but
// never fetched (an OpenRosa server has no fieldkiosk survey files: a GET would show as a request here).
TEST(OpenRosa, TheKiosksSyncEngineSendsThereAndAsksForNoSurveyUpdates) {
    using namespace std::chrono_literals;
    CentralLikeReceiver central;
    Kiosk kiosk;
    kiosk.fill(12, "food");
    sync::client::EngineOptions options;
    options.database = kiosk.db;
    options.sync.openrosa = sync::client::OpenRosaTarget{.submission_url = central.url(), .survey_paths = {FIELDKIOSK_SURVEY_DEFS_DIR}};
    options.survey_updates = sync::client::SurveyUpdateOptions{.folder = kiosk.db.parent_path() / "surveys"};
    options.period = 1h;
    FakeClock clock;
    core::SeededRng rng(5);
    sync::client::SyncEngine engine(options, [] { return std::make_unique<sync::client::CurlTransport>(Kiosk::quick()); }, clock, rng);
    engine.start();
    std::optional<sync::client::SyncStatus> last;
    ASSERT_TRUE(wait_until(
        [&] {
            for (auto& st : engine.status().drain()) last = st;
            return last && last->state == sync::client::SyncStatus::State::UpToDate;
        },
        15s));
    engine.stop();
    EXPECT_EQ(last->delivered_total, 12);
    EXPECT_EQ(central.stored().size(), 12u);
    EXPECT_EQ(central.requests(), 12);  // the submissions, and nothing else
    EXPECT_EQ(kiosk.counts().acknowledged, 12);
}

TEST(OpenRosa, CtlSyncSendsFromAnAddressFileOnlyItsOwnerCanRead) {
    CentralLikeReceiver central;
    Kiosk kiosk;
    kiosk.fill(3, "food");
    TempDir dir;
    const auto file = dir.path() / "openrosa-url";
    std::ofstream(file) << central.url() << "\n";
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    auto run = [&] {
        return run_ctl_args({"sync", "--db", kiosk.db.string(), "--openrosa-file", file.string(), "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR});
    };
    auto [rc, out, err] = run();
    EXPECT_EQ(rc, 2);
    EXPECT_NE(err.find("chmod 600"), std::string::npos) << err;
    EXPECT_EQ(central.requests(), 0);
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    std::tie(rc, out, err) = run();
    EXPECT_EQ(rc, 0) << err;
    EXPECT_NE(out.find("sent 3 (accepted 3"), std::string::npos) << out;
    EXPECT_EQ(central.stored().size(), 3u);
}

}  // namespace
}  // namespace fieldkiosk::testing
