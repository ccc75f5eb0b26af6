// End to end: a resident walks a shipped survey by touch on the headless kiosk; the response is saved
// in a real ResponseStore; the real SyncEngine (own thread, real libcurl transport) sends it to a real
// fieldkiosk-server (SQLite, in-process on 127.0.0.1). The test waits, bounded, until the server holds
// the response exactly once and the kiosk's outbox shows it acknowledged. No timing assertions.
#include "kiosk/sync/sync_bridge.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/kiosk/touch_walk.hpp"
#include "tests/kiosk/ui_driver.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using namespace std::chrono_literals;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::Receiver;
using fieldkiosk::testing::UiDriver;

TEST(KioskSyncEndToEnd, AResponseWalkedByTouchReachesTheRealServerExactlyOnce) {
    const sync::client::CurlGlobal curl_global;
    Receiver server("sqlite");
    KioskFixture f;  // fake clock for the UI; the engine runs on real time
    // As main.cpp does, from [sync] settings.
    KioskConfig::Sync settings;
    settings.server_url = server.url();
    settings.debounce = 0s;
    settings.period = 3600s;  // only the completed response (or Sync now) triggers a send here
    auto options = engine_options(settings, server.kiosk_token, f.dir.path() / "kiosk.db");
    std::atomic<int> wakes{0};
    options.on_status = [&] { ++wakes; };
    core::SystemClock engine_clock;
    core::SeededRng engine_rng{7};
    sync::client::SyncEngine engine(
        std::move(options), [] { return std::make_unique<sync::client::CurlTransport>(fieldkiosk::testing::Kiosk::quick()); },
        engine_clock, engine_rng);
    EngineSyncPort port(engine);
    f.app.set_sync(&port);
    engine.start();

    UiDriver ui(f.app, f.clock, {1080, 1920});
    ASSERT_TRUE(ui.tap("tile:safety"));
    ASSERT_TRUE(ui.tap("lang:en"));
    ASSERT_TRUE(ui.tap("consent:start"));
    fieldkiosk::testing::Expected expected;
    std::map<std::string, std::string> write_ins;
    for (int steps = 0; f.app.screen() == Screen::Question && steps < 80; ++steps) {
        fieldkiosk::testing::answer_by_touch(ui, f, expected, write_ins);
        if (HasFatalFailure()) return;
        ASSERT_TRUE(ui.tap("nav:next"));
    }
    ASSERT_EQ(f.app.screen(), Screen::Thanks);
    std::string id;
    ASSERT_TRUE(f.store_opened->for_each_response("", [&](const storage::StoredResponse& r) { id = r.id; }).has_value());
    ASSERT_FALSE(id.empty());

    // The main loop's part, frame by frame: hand the engine's statuses to the app. Bounded wait.
    const bool delivered = fieldkiosk::testing::wait_until(
        [&] {
            (void)hand_over_status(engine, f.app);
            ui.frame();
            const auto copies = server.storage->copies_of(id);
            const auto counts = f.store_opened->outbox_counts();
            return copies && *copies == 1 && counts && counts->acknowledged == 1 && counts->queued == 0 &&
                   f.app.sync_status().delivered_total == 1;
        },
        60s, 10ms);
    ASSERT_TRUE(delivered) << "queued " << f.store_opened->outbox_counts()->queued << ", on the server "
                           << server.storage->copies_of(id).value_or(-1) << ", kiosk says: " << f.app.sync_status().last_error;
    fieldkiosk::testing::expect_exactly_once(*server.storage, {id});
    EXPECT_EQ(server.responses(), 1);
    EXPECT_GT(wakes.load(), 0);
    const auto& s = f.app.sync_status();
    EXPECT_EQ(s.queued, 0);
    EXPECT_TRUE(s.last_error.empty()) << s.last_error;
    EXPECT_TRUE(s.last_success.has_value());

    // Staff open the panel: nothing waiting; "Sync now" sends again and the server still has it once.
    ASSERT_TRUE(f.app.go_to("admin:panel"));
    ui.frame();
    const auto v = f.app.view();
    EXPECT_TRUE(std::ranges::find(v.admin.sync_lines, "Waiting to send: 0") != v.admin.sync_lines.end());
    ASSERT_TRUE(ui.tap("admin:sync"));
    engine.stop();
    f.app.set_sync(nullptr);
    fieldkiosk::testing::expect_exactly_once(*server.storage, {id});
}

// Fleet health: the kiosk's own heartbeat (KioskHeartbeat, as main.cpp wires it) reaches the server with
// nothing queued, naming the app and exactly the surveys the kiosk offers.
TEST(KioskSyncEndToEnd, AnIdleKiosksHeartbeatNamesTheAppAndTheSurveysItOffers) {
    const sync::client::CurlGlobal curl_global;
    Receiver server("sqlite");
    KioskFixture f;
    KioskConfig::Sync settings;
    settings.server_url = server.url();
    settings.period = 3600s;  // the sync due at start is the only one: the queue is empty then
    auto options = engine_options(settings, server.kiosk_token, f.dir.path() / "kiosk.db");
    KioskHeartbeat heartbeat;
    heartbeat.refresh(f.app);
    options.heartbeat = [&heartbeat] { return heartbeat(); };
    core::SystemClock engine_clock;
    core::SeededRng engine_rng{9};
    sync::client::SyncEngine engine(
        std::move(options), [] { return std::make_unique<sync::client::CurlTransport>(fieldkiosk::testing::Kiosk::quick()); },
        engine_clock, engine_rng);
    engine.start();
    std::optional<sync::server::KioskRecord> row;
    fieldkiosk::testing::wait_until(
        [&] {
            (void)hand_over_status(engine, f.app, &heartbeat);
            if (auto all = server.storage->kiosks())
                for (auto& k : *all)
                    if (k.name == "kiosk-1" && !k.heartbeat_at.empty()) row = k;
            return row.has_value();
        },
        60s, 10ms);
    engine.stop();
    ASSERT_TRUE(row) << "no heartbeat reached the server; kiosk says: " << f.app.sync_status().last_error;
    EXPECT_EQ(row->app_version, std::string("fieldkiosk ") + FIELDKIOSK_VERSION);
    EXPECT_EQ(row->state, std::string(f.app.hours_state()));
    nlohmann::json offered = nlohmann::json::array();
    for (const auto& [id, version] : f.app.offered_surveys()) offered.push_back({{"id", id}, {"version", version}});
    ASSERT_FALSE(offered.empty());
    EXPECT_EQ(row->surveys_json, offered.dump());
    EXPECT_EQ(row->queue_depth, 0);
    EXPECT_EQ(row->last_batch_items, 0);
    EXPECT_EQ(server.responses(), 0);
}
