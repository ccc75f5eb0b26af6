// sync/client timing rules without sleeping: Backoff with a seeded Rng, SyncSchedule on a fake clock,
// the plain words of describe(), and the engine's own thread against a real server.
#include "sync/client/sync_engine.hpp"
#include "sync/client/backoff.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::sync::client {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, GrowsExponentiallyWithJitterAndIsCapped) {
    core::SeededRng rng(42);
    Backoff b({.initial = 1000ms, .cap = 16'000ms}, rng);
    std::int64_t base = 1000;
    for (int i = 0; i < 10; ++i) {
        const auto w = b.next().count();
        EXPECT_GE(w, base / 2) << i;
        EXPECT_LE(w, base) << i;
        base = std::min<std::int64_t>(base * 2, 16'000);
    }
    b.reset();
    EXPECT_LE(b.next().count(), 1000);
}

TEST(Backoff, SameSeedSameWaits) {
    core::SeededRng r1(7), r2(7);
    Backoff a({}, r1), b({}, r2);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(a.next(), b.next());
}

TEST(Backoff, RetryAfterIsAFloorButCapped) {
    core::SeededRng rng(1);
    Backoff b({.initial = 1000ms, .cap = 60'000ms, .max_retry_after = 600'000ms}, rng);
    EXPECT_EQ(b.next(std::chrono::seconds(30)), 30'000ms);
    EXPECT_EQ(b.next(std::chrono::seconds(86'400)), 600'000ms);  // a silly header cannot silence a kiosk for a day
}

TEST(SyncSchedule, DebouncePeriodBackoffAndSyncNow) {
    testing::FakeClock clock;
    const auto t0 = clock.steady_now();
    SyncSchedule s(3s, 300s, t0);
    EXPECT_TRUE(s.is_due(t0));  // at start
    s.on_success(t0);
    EXPECT_FALSE(s.is_due(t0 + 299s));
    EXPECT_TRUE(s.is_due(t0 + 300s));
    s.on_response_completed(t0 + 10s);
    EXPECT_EQ(s.due(), t0 + 13s);
    s.on_response_completed(t0 + 12s);  // a second completion does not push the sync further away
    EXPECT_EQ(s.due(), t0 + 13s);
    s.on_failure(t0 + 13s, 60s);
    s.on_response_completed(t0 + 20s);  // completions do not cut a back-off short
    EXPECT_EQ(s.due(), t0 + 73s);
    s.on_sync_now(t0 + 21s);  // the operator's "Sync now" does
    EXPECT_TRUE(s.is_due(t0 + 21s));
}

TEST(Describe, PlainWords) {
    Failure f{.kind = Failure::Kind::Unauthorized, .http_status = 401};
    EXPECT_EQ(describe(f, {}), "The server refused this kiosk's key");
    f.kind = Failure::Kind::Offline;
    EXPECT_TRUE(describe(f, std::chrono::system_clock::now()).starts_with("No connection since "));
}

TEST(SyncEngine, OwnThreadDrainsAfterACompletionAndPostsStatus) {
    testing::Receiver receiver("sqlite");
    testing::Kiosk kiosk;
    kiosk.fill(20);
    core::SystemClock clock;
    core::SeededRng rng(3);
    EngineOptions o;
    o.database = kiosk.db;
    o.sync = SyncConfig{.server_url = receiver.url(), .token = receiver.kiosk_token};
    o.debounce = 10ms;
    o.period = 1h;
    SyncEngine engine(
        o, [] { return std::make_unique<CurlTransport>(testing::Kiosk::quick()); }, clock, rng);
    engine.start();
    engine.notify_response_completed();
    // Wait for the status that says everything went (a bounded wait, not a timing assertion).
    std::optional<SyncStatus> last;
    for (int i = 0; i < 3000 && !(last && last->state == SyncStatus::State::UpToDate); ++i) {
        for (auto& s : engine.status().drain()) last = s;
        std::this_thread::sleep_for(5ms);
    }
    engine.stop();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->state, SyncStatus::State::UpToDate);
    EXPECT_EQ(last->queued, 0);
    EXPECT_TRUE(last->last_success.has_value());
    EXPECT_TRUE(last->last_error.empty());
    EXPECT_EQ(receiver.responses(), 20);
}

TEST(SyncEngine, RefusedKeyIsReportedInPlainWords) {
    testing::Receiver receiver("sqlite");
    testing::Kiosk kiosk;
    kiosk.fill(2);
    core::SystemClock clock;
    core::SeededRng rng(3);
    EngineOptions o;
    o.database = kiosk.db;
    o.sync = SyncConfig{.server_url = receiver.url(), .token = "fk_wrong"};
    SyncEngine engine(
        o, [] { return std::make_unique<CurlTransport>(testing::Kiosk::quick()); }, clock, rng);
    engine.start();
    std::optional<SyncStatus> last;
    for (int i = 0; i < 3000 && !(last && last->failure); ++i) {
        for (auto& s : engine.status().drain()) last = s;
        std::this_thread::sleep_for(5ms);
    }
    engine.stop();
    ASSERT_TRUE(last && last->failure);
    EXPECT_EQ(last->last_error, "The server refused this kiosk's key");
    EXPECT_EQ(last->queued, 2);
}

}  // namespace
}  // namespace fieldkiosk::sync::client
