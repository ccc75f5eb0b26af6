// sync/client timing rules without sleeping: Backoff with a seeded Rng, SyncSchedule on a fake clock,
// the plain words of describe(), and the engine's own thread against a real server.
#include "sync/client/sync_engine.hpp"
#include "sync/client/backoff.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>

#include <array>
#include <thread>
#include <vector>

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

// Opening hours: an hour between syncs while closed, and on opening a first sync at a random moment within
// the normal period, so that a borough's kiosks opening at 09:00 do not all send at once.
TEST(SyncSchedule, ClosedSyncsRarelyAndOpeningSyncsWithinTheJitter) {
    testing::FakeClock clock;
    const auto t0 = clock.steady_now();
    SyncSchedule s(3s, 300s, t0);
    s.on_success(t0);
    s.on_closed(3600s);
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(s.due(), t0 + 300s);  // the sync already planned still happens
    s.on_success(t0 + 300s);
    EXPECT_EQ(s.due(), t0 + 300s + 3600s);  // then once an hour
    s.on_response_completed(t0 + 400s);     // a late respondent's response is still sent soon
    EXPECT_EQ(s.due(), t0 + 403s);
    s.on_success(t0 + 403s);
    EXPECT_EQ(s.due(), t0 + 403s + 3600s);
    s.on_opened(t0 + 1000s, 42s);
    EXPECT_FALSE(s.closed());
    EXPECT_EQ(s.due(), t0 + 1042s);  // not an hour later: within the jitter
    s.on_success(t0 + 1042s);
    EXPECT_EQ(s.due(), t0 + 1342s);  // and every period again
    // Opening never cuts a back-off short, and never delays a sync already due sooner.
    s.on_closed(3600s);
    s.on_failure(t0 + 2000s, 600s);
    s.on_opened(t0 + 2010s, 5s);
    EXPECT_EQ(s.due(), t0 + 2600s);
    s.on_sync_now(t0 + 2700s);
    s.on_success(t0 + 2700s);
    s.on_response_completed(t0 + 2710s);  // due at 2713 s
    s.on_opened(t0 + 2711s, 200s);
    EXPECT_EQ(s.due(), t0 + 2713s);
}

TEST(SyncSchedule, OpeningJitterIsWithinThePeriodSpreadAndRepeatableBySeed) {
    core::SeededRng rng(2026);
    std::array<int, 10> tenths{};
    for (int i = 0; i < 2000; ++i) {
        const auto j = SyncSchedule::opening_jitter(rng, 300'000ms);
        ASSERT_GE(j.count(), 0);
        ASSERT_LT(j.count(), 300'000);
        ++tenths[static_cast<std::size_t>(j.count() / 30'000)];
    }
    for (std::size_t i = 0; i < tenths.size(); ++i)
        EXPECT_GT(tenths[i], 100) << "tenth " << i << " of the period is rarely chosen";
    core::SeededRng a(5), b(5);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(SyncSchedule::opening_jitter(a, 300'000ms), SyncSchedule::opening_jitter(b, 300'000ms));
    EXPECT_EQ(SyncSchedule::opening_jitter(a, 0ms), 0ms);
}

TEST(Describe, PlainWords) {
    Failure f{.kind = Failure::Kind::Unauthorized, .http_status = 401};
    EXPECT_EQ(describe(f, {}), "The server refused this kiosk's key");
    f.kind = Failure::Kind::Offline;
    EXPECT_TRUE(describe(f, std::chrono::system_clock::now()).starts_with("No connection since "));
}

// What each engine test starts from: a kiosk store with `responses` completed, a fake clock (the engine's
// thread waits on it: advance() wakes it, so a debounce, a period or the closed hour pass at once), a seeded
// Rng, and options pointing at `url` with `token`.
struct EngineSetUp {
    EngineSetUp(int responses, const std::string& url, const std::string& token) {
        kiosk.fill(responses);
        options.database = kiosk.db;
        options.sync = SyncConfig{.server_url = url, .token = token};
    }
    testing::Kiosk kiosk;
    testing::FakeClock clock;
    core::SeededRng rng{3};
    EngineOptions options;
};

SyncEngine::TransportFactory quick_curl() {
    return [] { return std::make_unique<CurlTransport>(testing::Kiosk::quick()); };
}

// Drains the engine's status queue into `last`; true once `done(*last)`.
template <class Done>
bool drained_until(SyncEngine& engine, std::optional<SyncStatus>& last, Done done) {
    for (auto& s : engine.status().drain()) last = s;
    return last && done(*last);
}

bool up_to_date(const SyncStatus& s) { return s.state == SyncStatus::State::UpToDate; }

TEST(SyncEngine, OwnThreadDrainsAtStartAndAfterACompletionAndPostsStatus) {
    testing::Receiver receiver("sqlite");
    EngineSetUp e(20, receiver.url(), receiver.kiosk_token);
    e.options.period = 1h;
    SyncEngine engine(e.options, quick_curl(), e.clock, e.rng);
    engine.start();  // the first sync is due at once
    std::optional<SyncStatus> last;
    ASSERT_TRUE(testing::wait_until([&] { return drained_until(engine, last, up_to_date); }, 15s));
    EXPECT_EQ(receiver.responses(), 20);
    e.kiosk.fill(5, "food", 2);
    engine.notify_response_completed();
    // The engine took the notification in: it now waits for exactly the debounce, not the hour.
    const auto debounced = e.clock.steady_now() + e.options.debounce;
    ASSERT_TRUE(testing::wait_until([&] { return e.clock.earliest_wait() == debounced; }, 15s));
    EXPECT_EQ(receiver.responses(), 20);
    e.clock.advance(e.options.debounce);  // the debounce passes, in the engine's own time
    last.reset();
    EXPECT_TRUE(testing::wait_until([&] { return receiver.responses() == 25 && drained_until(engine, last, up_to_date); }, 15s))
        << receiver.responses();
    engine.stop();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->state, SyncStatus::State::UpToDate);
    EXPECT_EQ(last->queued, 0);
    EXPECT_EQ(last->last_success, e.clock.wall_now());
    EXPECT_TRUE(last->last_error.empty());
    EXPECT_EQ(last->delivered_total, 25);
}

// set_closed() reaches the engine's own thread: closed, a sync waits closed_period (an hour); opened again,
// the first sync comes within the normal period (jittered). Both on the fake clock: the hour passes at once.
TEST(SyncEngine, ClosedSyncsHourlyAndReopeningSendsWithinThePeriod) {
    testing::Receiver receiver("sqlite");
    EngineSetUp e(3, receiver.url(), receiver.kiosk_token);
    e.options.period = 5min;
    e.options.closed_period = 1h;
    SyncEngine engine(e.options, quick_curl(), e.clock, e.rng);
    engine.set_closed(true);  // the kiosk starts outside opening hours
    engine.start();           // its first sync happens at once, then the next is an hour away
    std::optional<SyncStatus> last;
    ASSERT_TRUE(testing::wait_until([&] { return drained_until(engine, last, up_to_date); }, 15s));
    ASSERT_EQ(receiver.responses(), 3);
    e.kiosk.fill(4, "food", 2);  // completed while closed, without a notification: waits for the hourly sync
    ASSERT_TRUE(testing::wait_until([&] { return e.clock.earliest_wait() == e.clock.steady_now() + 1h; }, 15s));
    e.clock.advance(1h);
    EXPECT_TRUE(testing::wait_until([&] { return receiver.responses() >= 7; }, 15s)) << receiver.responses();
    e.kiosk.fill(2, "food", 3);
    engine.set_closed(false);  // opening time: within one period (the jitter), not an hour
    const auto opened = e.clock.steady_now();
    ASSERT_TRUE(testing::wait_until(
        [&] {
            const auto w = e.clock.earliest_wait();
            return w && *w <= opened + e.options.period;
        },
        15s));
    e.clock.advance(e.options.period);
    EXPECT_TRUE(testing::wait_until([&] { return receiver.responses() >= 9; }, 15s)) << receiver.responses();
    engine.stop();
    EXPECT_EQ(receiver.responses(), 9);
}

TEST(SyncEngine, RefusedKeyIsReportedInPlainWords) {
    testing::Receiver receiver("sqlite");
    EngineSetUp e(2, receiver.url(), "fk_wrong");
    SyncEngine engine(e.options, quick_curl(), e.clock, e.rng);
    engine.start();
    std::optional<SyncStatus> last;
    testing::wait_until([&] { return drained_until(engine, last, [](const SyncStatus& s) { return s.failure.has_value(); }); },
                        15s);
    engine.stop();
    ASSERT_TRUE(last && last->failure);
    EXPECT_EQ(last->last_error, "The server refused this kiosk's key");
    EXPECT_EQ(last->queued, 2);
}

// A transport with no server behind it: every request fails at once, as with the network down.
class Unplugged final : public HttpTransport {
public:
    std::expected<HttpResponse, TransportError> post(const HttpRequest&) override { return down(); }
    std::expected<HttpResponse, TransportError> get(const HttpRequest&) override { return down(); }

private:
    static std::unexpected<TransportError> down() {
        return std::unexpected(TransportError{.kind = TransportError::Kind::Connect, .message = "unplugged"});
    }
};

// The header promises every method is safe from any thread. stop() used to join outside the lock, so two
// stop()s could both join the one thread (std::system_error, or undefined behaviour), and start() could
// assign the thread while a stop() read it. Here four threads start, poke and stop one engine at once; the
// asan preset's build of this test would also report a data race's use-after-free.
TEST(SyncEngine, StartsAndStopsFromSeveralThreadsAtOnce) {
    EngineSetUp e(2, "http://127.0.0.1:9", "fk_any");
    e.options.debounce = 1ms;
    e.options.backoff = {.initial = 1ms, .cap = 5ms};
    SyncEngine engine(
        e.options, [] { return std::make_unique<Unplugged>(); }, e.clock, e.rng);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&engine, t] {
            for (int i = 0; i < 25; ++i) {
                engine.start();
                if ((i + t) % 3 == 0) engine.notify_response_completed();
                if ((i + t) % 4 == 0) engine.sync_now();
                engine.set_closed((i + t) % 5 == 0);
                engine.stop();
            }
        });
    for (auto& th : threads) th.join();
    engine.stop();   // a stopped engine: a no-op
    engine.start();  // and it still starts and does its work afterwards
    std::optional<SyncStatus> last;
    EXPECT_TRUE(testing::wait_until(
        [&] { return drained_until(engine, last, [](const SyncStatus& s) { return s.failure == Failure::Kind::Offline; }); },
        15s));
    engine.stop();
    (void)engine.status().drain();
}

}  // namespace
}  // namespace fieldkiosk::sync::client
