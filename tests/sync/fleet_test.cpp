// Fleet health (issue 5): the heartbeat on the wire, the receiver's `kiosks` table, the `kiosks` report and
// the per-kiosk /metrics. The real client against the real server over loopback, on SQLite and (with
// FIELDKIOSK_TEST_PG) PostgreSQL; "now" for quiet kiosks is passed in (or the rows are seeded with an old
// received_at), never waited for.
// Over 600 lines on purpose: each test one fact of fleet health on both databases over the same loopback fixture.
#include "sync/server/fleet.hpp"
#include "storage/database.hpp"
#include "sync/client/heartbeat.hpp"
#include "sync/client/sync_engine.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/protocol/wire.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>

namespace fieldkiosk::testing {
namespace {

using namespace std::chrono_literals;
using sync::protocol::Heartbeat;
using sync::server::KioskRecord;

// --- wire ---

TEST(HeartbeatWire, RoundTripsInTheEnvelope) {
    sync::protocol::Batch b;
    b.kiosk_id = "dev-1";
    b.batch_id = "b-1";
    Heartbeat h;
    h.app_version = "fieldkiosk 9.9.9";
    h.surveys = {{"food", "1.0.0"}, {"youth", "2.1.0"}};
    h.queue_depth = 12;
    h.quarantined = 1;
    h.free_disk_bytes = 5'000'000'000;
    h.last_error = "No connection since 10:42";
    h.last_success_at = "2026-11-28T09:00:00.000Z";
    h.sent_at = "2026-11-28T10:00:00.000Z";
    h.state = "closed";
    b.heartbeat = h;
    auto d = sync::protocol::decode_batch(sync::protocol::encode(b));
    ASSERT_TRUE(d.has_value()) << d.error().message;
    ASSERT_TRUE(d->heartbeat.has_value());
    EXPECT_TRUE(d->responses.empty());
    EXPECT_EQ(d->heartbeat->app_version, h.app_version);
    EXPECT_EQ(d->heartbeat->surveys, h.surveys);
    EXPECT_EQ(d->heartbeat->queue_depth, 12);
    EXPECT_EQ(d->heartbeat->quarantined, 1);
    EXPECT_EQ(d->heartbeat->free_disk_bytes, 5'000'000'000);
    EXPECT_EQ(d->heartbeat->last_error, h.last_error);
    EXPECT_EQ(d->heartbeat->last_success_at, h.last_success_at);
    EXPECT_EQ(d->heartbeat->sent_at, h.sent_at);
    EXPECT_EQ(d->heartbeat->state, "closed");
}

TEST(HeartbeatWire, AbsentOrNotAnObjectIsNoHeartbeatAndUnknownKeysAreIgnored) {
    auto none = sync::protocol::decode_batch(R"({"protocol":1,"kiosk_id":"k","batch_id":"b","responses":[]})");
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->heartbeat.has_value());
    // What an older server sees from a newer kiosk, and a newer server from a stranger: keys it does not know.
    auto odd = sync::protocol::decode_batch(
        R"({"protocol":1,"kiosk_id":"k","batch_id":"b","responses":[],"heartbeat":"fine","future_key":{"x":1}})");
    ASSERT_TRUE(odd.has_value()) << odd.error().message;
    EXPECT_FALSE(odd->heartbeat.has_value());
}

TEST(HeartbeatWire, MembersOfTheWrongTypeAreLeftOutNotFatal) {
    auto d = sync::protocol::decode_batch(
        R"({"protocol":1,"kiosk_id":"k","batch_id":"b","responses":[],
            "heartbeat":{"app_version":7,"queue_depth":"lots","free_disk_bytes":1e300,"quarantined":-3,
                         "surveys":[1,"x",{"id":"food","version":3},{"version":"1"},{"id":"youth","version":"2.0.0"}],
                         "last_error":null,"state":false}})");
    ASSERT_TRUE(d.has_value()) << d.error().message;
    ASSERT_TRUE(d->heartbeat.has_value());
    EXPECT_EQ(d->heartbeat->app_version, "");
    EXPECT_FALSE(d->heartbeat->queue_depth.has_value());
    EXPECT_FALSE(d->heartbeat->free_disk_bytes.has_value());
    EXPECT_EQ(d->heartbeat->quarantined, -3);  // read as sent; the receiver bounds it (below)
    ASSERT_EQ(d->heartbeat->surveys.size(), 2u);
    EXPECT_EQ(d->heartbeat->surveys[0].id, "food");
    EXPECT_EQ(d->heartbeat->surveys[0].version, "");
    EXPECT_EQ(d->heartbeat->surveys[1].id, "youth");
    EXPECT_EQ(d->heartbeat->state, "open");
}

// --- pure parts of the receiver ---

TEST(Fleet, ParseDurationAcceptsUnitsAndNamesWhatIsWrong) {
    EXPECT_EQ(sync::server::parse_duration("30m").value(), 30min);
    EXPECT_EQ(sync::server::parse_duration("24h").value(), 24h);
    EXPECT_EQ(sync::server::parse_duration("3d").value(), 72h);
    EXPECT_EQ(sync::server::parse_duration("90s").value(), 90s);
    auto no_unit = sync::server::parse_duration("24");
    ASSERT_FALSE(no_unit.has_value());
    EXPECT_NE(no_unit.error().find("needs a unit"), std::string::npos) << no_unit.error();
    auto bad_unit = sync::server::parse_duration("3w");
    ASSERT_FALSE(bad_unit.has_value());
    EXPECT_NE(bad_unit.error().find("unknown unit 'w'"), std::string::npos) << bad_unit.error();
    EXPECT_FALSE(sync::server::parse_duration("").has_value());
    EXPECT_FALSE(sync::server::parse_duration("0h").has_value());
    EXPECT_FALSE(sync::server::parse_duration("-1h").has_value());
    EXPECT_FALSE(sync::server::parse_duration("h").has_value());
    EXPECT_FALSE(sync::server::parse_duration("99999999d").has_value());
}

TEST(Fleet, ParseUtcReadsWhatFormatUtcWrites) {
    const auto t = std::chrono::system_clock::time_point{std::chrono::milliseconds{1'795'000'123'456}};
    EXPECT_EQ(sync::server::parse_utc(core::format_utc(t)), t);
    EXPECT_TRUE(sync::server::parse_utc("2026-11-28T09:41:07Z").has_value());
    EXPECT_TRUE(sync::server::parse_utc("2026-11-28T09:41:07+00:00").has_value());
    EXPECT_FALSE(sync::server::parse_utc("2026-11-28T09:41:07+01:00").has_value());
    EXPECT_FALSE(sync::server::parse_utc("2026-02-30T09:41:07Z").has_value());
    EXPECT_FALSE(sync::server::parse_utc("yesterday").has_value());
    EXPECT_FALSE(sync::server::parse_utc("").has_value());
}

TEST(Fleet, BoundedTextCutsOnACharacterAndBlanksControls) {
    EXPECT_EQ(sync::server::bounded_text("a\nb\tc\x7f", 100), "a b c ");
    EXPECT_EQ(sync::server::bounded_text(std::string("nul\0here", 8), 100), "nul here");
    const std::string pounds = "££££££££££";  // 2 bytes each
    const std::string cut = sync::server::bounded_text(pounds, 10);
    EXPECT_LE(cut.size(), 10u);
    EXPECT_TRUE(cut.ends_with("…"));
    EXPECT_EQ(cut, "£££…");  // 6 + 3 bytes: never half a character
    const std::string big(1 << 20, 'x');
    EXPECT_EQ(sync::server::bounded_text(big, sync::server::k_max_last_error_bytes).size(), sync::server::k_max_last_error_bytes);
}

TEST(Fleet, HumanUnitsAndAgo) {
    EXPECT_EQ(sync::server::human_bytes(950), "950 B");
    EXPECT_EQ(sync::server::human_bytes(12'345'678), "12 MB");
    EXPECT_EQ(sync::server::human_bytes(1'800'000'000), "1.8 GB");
    const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1'800'000'000}};
    EXPECT_EQ(sync::server::ago(now - 3s, now), "just now");
    EXPECT_EQ(sync::server::ago(now - 12min, now), "12 min ago");
    EXPECT_EQ(sync::server::ago(now - 5h, now), "5 hours ago");
    EXPECT_EQ(sync::server::ago(now - 72h - 1h, now), "3 days ago");
    EXPECT_EQ(sync::server::ago(now + 1h, now), "in the future");
}

TEST(Fleet, LabelValuesAreEscaped) {
    EXPECT_EQ(sync::server::escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    KioskRecord k;
    k.name = "lib \"north\"\\\nrow";
    k.token_created_at = "2026-11-28T00:00:00.000Z";
    k.seen = true;
    k.device_id = "dev\"1";
    k.last_seen = "2026-11-28T00:00:00.000Z";
    k.heartbeat_at = k.last_seen;
    k.app_version = "fieldkiosk \\1\"";
    const auto now = *sync::server::parse_utc("2026-11-28T01:00:00Z");
    const std::string m = sync::server::render_kiosk_metrics({k}, now, 24h);
    EXPECT_NE(
        m.find(R"(fieldkiosk_kiosk_info{kiosk="lib \"north\"\\\nrow",app_version="fieldkiosk \\1\"",device_id="dev\"1"} 1)"),
        std::string::npos)
        << m;
    // Every sample line is one line: no raw newline survived inside a label.
    std::istringstream lines(m);
    for (std::string line; std::getline(lines, line);)
        EXPECT_TRUE(line.starts_with("#") || line.starts_with("fieldkiosk_")) << line;
}

TEST(Fleet, JudgeQuietNeverSeenAndRevoked) {
    const auto now = *sync::server::parse_utc("2026-11-28T12:00:00Z");
    KioskRecord young;
    young.name = "new";
    young.token_created_at = "2026-11-28T11:00:00.000Z";
    EXPECT_EQ(sync::server::judge(young, now, 24h).status, sync::server::KioskHealth::Status::NeverSeen);
    EXPECT_FALSE(sync::server::judge(young, now, 24h).quiet);
    EXPECT_TRUE(sync::server::judge(young, now, 30min).quiet);  // provisioned an hour ago, never synced
    KioskRecord seen = young;
    seen.seen = true;
    seen.last_seen = "2026-11-27T11:59:00.000Z";
    EXPECT_TRUE(sync::server::judge(seen, now, 24h).quiet);
    EXPECT_FALSE(sync::server::judge(seen, now, 3 * 24h).quiet);
    KioskRecord gone = seen;
    gone.revoked_at = "2026-11-27T12:00:00.000Z";
    EXPECT_EQ(sync::server::judge(gone, now, 1h).status, sync::server::KioskHealth::Status::Revoked);
    EXPECT_FALSE(sync::server::judge(gone, now, 1h).quiet);
}

// --- the real server over loopback ---

Heartbeat kiosk_heartbeat(const std::string& version = "fieldkiosk 0.9.0") {
    Heartbeat h;
    h.app_version = version;
    h.surveys = {{"food", "1.0.0"}};
    h.free_disk_bytes = 12'300'000'000;
    h.last_error = "";
    h.state = "open";
    return h;
}

class Fleet : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
    }
    // One drain with the real client, carrying `heartbeat` (completed as the engine would).
    sync::client::DrainSummary drain(Kiosk& k, std::optional<Heartbeat> heartbeat, int batch = 100) {
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(k.db, clock);
        EXPECT_TRUE(store.has_value());
        sync::client::CurlTransport transport(Kiosk::quick());
        core::SeededRng rng(11);
        sync::client::SyncConfig config{.server_url = receiver->url(), .token = receiver->kiosk_token};
        config.batch.max_count = batch;
        sync::client::Uploader up(*store, transport, config, rng);
        if (heartbeat) {
            auto counts = store->outbox_counts().value();
            heartbeat = sync::client::complete_heartbeat(*heartbeat, {counts.queued, counts.rejected + counts.conflict, "", {}},
                                                         k.db, clock.wall_now());
        }
        return up.drain({}, heartbeat);
    }
    sync::client::HttpResponse post_raw(const std::string& body) {
        sync::client::CurlTransport t(Kiosk::quick());
        auto r = t.post({receiver->url() + "/v1/batches",
                         {{"Authorization", "Bearer " + receiver->kiosk_token}, {"Content-Type", "application/json"}},
                         body});
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
        return r ? *r : sync::client::HttpResponse{};
    }
    KioskRecord row(const std::string& name) {
        auto all = receiver->storage->kiosks();
        EXPECT_TRUE(all.has_value()) << all.error().message;
        for (auto& k : *all)
            if (k.name == name) return k;
        ADD_FAILURE() << "no kiosk named " << name;
        return {};
    }
    std::pair<int, std::string> report(std::chrono::system_clock::time_point now, std::chrono::seconds quiet_after,
                                       bool json = false) {
        std::ostringstream out, err;
        const int rc = sync::server::run_kiosks_report(*receiver->storage, now, quiet_after, json, out, err);
        EXPECT_EQ(err.str(), "");
        return {rc, out.str()};
    }
    std::unique_ptr<Receiver> receiver;
};

TEST_P(Fleet, HeartbeatAfterADrainIsStoredListedAndInMetrics) {
    Kiosk k;
    k.fill(25, "food");
    auto s = drain(k, kiosk_heartbeat(), 10);
    ASSERT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.accepted, 25);
    EXPECT_TRUE(s.heartbeat_sent);
    const auto r = row("kiosk-1");
    EXPECT_TRUE(r.seen);
    EXPECT_EQ(r.app_version, "fieldkiosk 0.9.0");
    // 25 were queued when the drain began (the first batch's heartbeat says so); the server takes off what
    // each batch moved, so the list does not show a drained kiosk as full.
    EXPECT_EQ(r.queue_depth, 0);
    EXPECT_EQ(r.free_disk_bytes, 12'300'000'000);
    EXPECT_EQ(r.state, "open");
    EXPECT_EQ(r.surveys_json, R"([{"id":"food","version":"1.0.0"}])");
    EXPECT_EQ(r.last_batch_items, 5);  // the last of 3 batches (10, 10, 5)
    EXPECT_EQ(r.last_batch_accepted, 5);
    EXPECT_FALSE(r.device_id.empty());
    EXPECT_TRUE(sync::server::parse_utc(r.last_seen).has_value());
    EXPECT_TRUE(sync::server::parse_utc(r.sent_at).has_value());

    const auto [rc, text] = report(std::chrono::system_clock::now(), 24h);
    EXPECT_EQ(rc, 0) << text;
    EXPECT_NE(text.find("kiosk-1"), std::string::npos) << text;
    EXPECT_NE(text.find("fieldkiosk 0.9.0"), std::string::npos) << text;
    EXPECT_NE(text.find("12 GB"), std::string::npos) << text;
    EXPECT_EQ(text.find("QUIET"), std::string::npos) << text;

    const auto [status, metrics] = http_get(receiver->url() + "/metrics", receiver->metrics_token);
    ASSERT_EQ(status, 200);
    EXPECT_NE(metrics.find(R"(fieldkiosk_kiosk_queue_depth{kiosk="kiosk-1"} 0)"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find(R"(fieldkiosk_kiosk_free_disk_bytes{kiosk="kiosk-1"} 12300000000)"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find(R"(fieldkiosk_kiosk_last_error_present{kiosk="kiosk-1"} 0)"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find(R"(fieldkiosk_kiosk_info{kiosk="kiosk-1",app_version="fieldkiosk 0.9.0",device_id=")"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find(R"(fieldkiosk_kiosk_last_seen_timestamp_seconds{kiosk="kiosk-1"} )"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("fieldkiosk_kiosks_quiet 0\n"), std::string::npos) << metrics;
    // The batch counters are still there, and the old families come first.
    EXPECT_NE(metrics.find("fieldkiosk_batches_total{status=\"200\"} 3"), std::string::npos) << metrics;
}

TEST_P(Fleet, EmptyQueueStillSendsAHeartbeatAlone) {
    Kiosk k;
    k.fill(1);
    ASSERT_FALSE(drain(k, std::nullopt).failure);  // queue now empty
    Heartbeat h = kiosk_heartbeat("fieldkiosk 1.2.3");
    h.last_error = "";
    auto s = drain(k, h);
    ASSERT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.batches, 0);        // no responses went...
    EXPECT_TRUE(s.heartbeat_sent);  // ...but the heartbeat did, in an empty batch answered 200
    const auto r = row("kiosk-1");
    EXPECT_EQ(r.app_version, "fieldkiosk 1.2.3");
    EXPECT_EQ(r.queue_depth, 0);
    EXPECT_EQ(r.last_batch_items, 0);
    EXPECT_EQ(receiver->responses(), 1);
}

TEST_P(Fleet, EnginesPeriodicSyncOnAnEmptyQueueSendsTheProvidersHeartbeat) {
    Kiosk k;
    k.fill(1);
    ASSERT_FALSE(drain(k, std::nullopt).failure);
    core::SystemClock clock;
    core::SeededRng rng(5);
    sync::client::EngineOptions o;
    o.database = k.db;
    o.sync = sync::client::SyncConfig{.server_url = receiver->url(), .token = receiver->kiosk_token};
    o.period = 1h;  // the first sync is due at start; the queue is empty then
    std::atomic<int> asked{0};
    o.heartbeat = [&asked] {
        ++asked;
        Heartbeat h;
        h.app_version = "fieldkiosk engine-test";
        h.surveys = {{"youth", "1.0.0"}};
        h.state = "closed";
        return h;
    };
    sync::client::SyncEngine engine(
        o, [] { return std::make_unique<sync::client::CurlTransport>(Kiosk::quick()); }, clock, rng);
    engine.start();
    std::optional<sync::client::SyncStatus> last;
    fieldkiosk::testing::wait_until(
        [&] {
            for (auto& st : engine.status().drain()) last = st;
            return last && last->state == sync::client::SyncStatus::State::UpToDate;
        },
        15s);
    engine.stop();
    ASSERT_TRUE(last && last->state == sync::client::SyncStatus::State::UpToDate);
    EXPECT_GE(asked.load(), 1);
    const auto r = row("kiosk-1");
    EXPECT_EQ(r.app_version, "fieldkiosk engine-test");
    EXPECT_EQ(r.state, "closed");
    EXPECT_EQ(r.surveys_json, R"([{"id":"youth","version":"1.0.0"}])");
    EXPECT_EQ(r.queue_depth, 0);
    EXPECT_TRUE(r.free_disk_bytes.has_value() && *r.free_disk_bytes > 0);  // filled by the engine from the database's filesystem
    EXPECT_EQ(r.last_batch_items, 0);
}

// The real CurlTransport, but switched off on demand (a connect error, nothing sent), and every body it
// POSTs while on kept, so a test can read the heartbeats that reached the server.
class SwitchableTransport final : public sync::client::HttpTransport {
public:
    struct Shared {
        std::atomic<bool> offline{true};
        std::mutex mutex;
        std::vector<std::string> sent;
    };
    explicit SwitchableTransport(std::shared_ptr<Shared> shared) : m_shared(std::move(shared)) {}
    std::expected<sync::client::HttpResponse, sync::client::TransportError> post(const sync::client::HttpRequest& r) override {
        if (m_shared->offline) return std::unexpected(sync::client::TransportError{sync::client::TransportError::Kind::Connect, "test: offline"});
        {
            std::lock_guard lock(m_shared->mutex);
            m_shared->sent.push_back(r.body);
        }
        return m_real.post(r);
    }
    std::expected<sync::client::HttpResponse, sync::client::TransportError> get(const sync::client::HttpRequest& r) override {
        if (m_shared->offline) return std::unexpected(sync::client::TransportError{sync::client::TransportError::Kind::Connect, "test: offline"});
        return m_real.get(r);
    }

private:
    std::shared_ptr<Shared> m_shared;
    sync::client::CurlTransport m_real{Kiosk::quick()};
};

// A kiosk offline with 3 queued, 4 more completed meanwhile, then back: the heartbeat that gets through says
// 7 queued (counted when it is built, not after the last attempt) and no error ("No connection since…" is
// disproved by that very request being answered), so the server does not list a drained, connected kiosk
// as failing.
TEST_P(Fleet, AKioskBackFromOfflineReportsItsTrueQueueAndNoStaleError) {
    Kiosk k;
    k.fill(3);
    auto shared = std::make_shared<SwitchableTransport::Shared>();
    core::SystemClock clock;
    core::SeededRng rng(5);
    sync::client::EngineOptions o;
    o.database = k.db;
    o.sync = sync::client::SyncConfig{.server_url = receiver->url(), .token = receiver->kiosk_token};
    o.sync.gzip = false;  // the test reads the bodies
    o.sync.batch.max_count = 2;
    o.period = 1h;
    o.backoff.initial = 1h;  // no retry by itself: the test says when (sync_now)
    o.backoff.cap = 1h;
    o.heartbeat = [] { return kiosk_heartbeat(); };
    sync::client::SyncEngine engine(
        o, [shared] { return std::make_unique<SwitchableTransport>(shared); }, clock, rng);
    const auto wait_for = [&](const std::function<bool(const sync::client::SyncStatus&)>& done) {
        std::optional<sync::client::SyncStatus> last;
        fieldkiosk::testing::wait_until(
            [&] {
                for (auto& st : engine.status().drain()) {
                    last = st;
                    if (done(st)) return true;
                }
                return last && done(*last);
            },
            15s);
        return last;
    };
    engine.start();
    auto offline = wait_for([](const auto& st) { return st.failure == sync::client::Failure::Kind::Offline; });
    ASSERT_TRUE(offline && offline->failure == sync::client::Failure::Kind::Offline);
    EXPECT_EQ(offline->queued, 3);
    EXPECT_TRUE(offline->last_error.starts_with("No connection since")) << offline->last_error;

    k.fill(4, "food", 7);  // completed while offline
    shared->offline = false;
    engine.sync_now();
    auto done = wait_for([](const auto& st) { return st.state == sync::client::SyncStatus::State::UpToDate; });
    engine.stop();
    ASSERT_TRUE(done && done->state == sync::client::SyncStatus::State::UpToDate);
    EXPECT_EQ(done->queued, 0);
    EXPECT_EQ(receiver->responses(), 7);

    std::vector<std::string> sent;
    {
        std::lock_guard lock(shared->mutex);
        sent = shared->sent;
    }
    ASSERT_EQ(sent.size(), 4u);  // 2 + 2 + 2 + 1
    auto first = sync::protocol::decode_batch(sent[0]);
    ASSERT_TRUE(first.has_value()) << first.error().message;
    ASSERT_TRUE(first->heartbeat.has_value());
    EXPECT_EQ(first->heartbeat->queue_depth, 7);
    EXPECT_EQ(first->heartbeat->last_error, "");
    for (std::size_t i = 1; i < sent.size(); ++i) EXPECT_FALSE(sync::protocol::decode_batch(sent[i])->heartbeat.has_value()) << i;

    const auto r = row("kiosk-1");
    EXPECT_EQ(r.last_error, "");
    EXPECT_EQ(r.queue_depth, 0);
    const auto [status, metrics] = http_get(receiver->url() + "/metrics", receiver->metrics_token);
    ASSERT_EQ(status, 200);
    EXPECT_NE(metrics.find(R"(fieldkiosk_kiosk_last_error_present{kiosk="kiosk-1"} 0)"), std::string::npos) << metrics;
}

// Which errors a heartbeat still carries (heartbeat_last_error): those that reaching the server does not
// resolve.
TEST(HeartbeatError, OnlyErrorsThatAnAnsweredRequestDoesNotDisproveAreReported) {
    using K = sync::client::Failure::Kind;
    for (K kind : {K::Offline, K::Tls, K::Unauthorized, K::Throttled, K::ServerError})
        EXPECT_EQ(sync::client::heartbeat_last_error(kind, "old words"), "") << static_cast<int>(kind);
    for (K kind : {K::Refused, K::BadAnswer, K::Store})
        EXPECT_EQ(sync::client::heartbeat_last_error(kind, "old words"), "old words") << static_cast<int>(kind);
    EXPECT_EQ(sync::client::heartbeat_last_error(std::nullopt, "Sync stopped on an internal error"),
              "Sync stopped on an internal error");
    EXPECT_EQ(sync::client::heartbeat_last_error(std::nullopt, ""), "");
}

TEST_P(Fleet, BatchWithoutHeartbeatUpdatesLastSeenAndKeepsTheLastHeartbeat) {
    Kiosk k;
    k.fill(3);
    ASSERT_FALSE(drain(k, std::nullopt).failure);  // an old-style client: no heartbeat
    auto r = row("kiosk-1");
    EXPECT_TRUE(r.seen);
    EXPECT_TRUE(r.heartbeat_at.empty());
    EXPECT_EQ(r.last_batch_items, 3);
    const std::string first_seen = r.first_seen;

    ASSERT_FALSE(drain(k, kiosk_heartbeat("fieldkiosk 2.0.0")).failure);
    const auto with_heartbeat = row("kiosk-1");
    EXPECT_EQ(with_heartbeat.heartbeat_at, with_heartbeat.last_seen);  // the same batch
    k.fill(2, "food", 9);
    ASSERT_FALSE(drain(k, std::nullopt).failure);
    r = row("kiosk-1");
    EXPECT_EQ(r.app_version, "fieldkiosk 2.0.0");  // kept from the last heartbeat
    EXPECT_EQ(r.heartbeat_at, with_heartbeat.heartbeat_at);
    EXPECT_EQ(r.last_batch_items, 2);
    // The row now describes the heartbeat-less batch (its counts; its received_at is last_seen), not the
    // empty one that carried the heartbeat. The times are not compared: two batches can be received in the
    // same millisecond, and the clock may step between them.
    EXPECT_EQ(with_heartbeat.last_batch_items, 0);
    EXPECT_TRUE(sync::server::parse_utc(r.last_seen).has_value()) << r.last_seen;
    EXPECT_EQ(r.first_seen, first_seen);
}

// The heartbeat rides on a drain's first batch only; the batches after it lower the stored queue depth by
// what they moved (every item but retry_later), and raise quarantined by rejected + conflict.
TEST_P(Fleet, QueueDepthFollowsTheBatchesOfADrain) {
    auto& st = *receiver->storage;
    const auto store = [&](const sync::server::KioskSeen& seen) {
        sync::server::BatchContext ctx{"kiosk-1", "dev", "b", core::format_utc(std::chrono::system_clock::now())};
        ctx.seen = &seen;
        ASSERT_TRUE(st.store_batch(ctx, {}, {}).has_value());
    };
    store({.items = 100, .rejected = 3, .heartbeat = true, .state = "open", .queue_depth = 250, .quarantined = 2});
    EXPECT_EQ(row("kiosk-1").queue_depth, 150);
    EXPECT_EQ(row("kiosk-1").quarantined, 5);
    store({.items = 100, .rejected = 1, .retry_later = 10});
    EXPECT_EQ(row("kiosk-1").queue_depth, 60);
    EXPECT_EQ(row("kiosk-1").quarantined, 6);
    store({.items = 100});
    EXPECT_EQ(row("kiosk-1").queue_depth, 0);     // never below zero (responses completed meanwhile come with the next heartbeat)
    store({.heartbeat = true, .state = "open"});  // a heartbeat without a queue depth: unknown, and it stays unknown
    store({.items = 5});
    EXPECT_FALSE(row("kiosk-1").queue_depth.has_value());
    EXPECT_FALSE(row("kiosk-1").quarantined.has_value());
}

TEST_P(Fleet, AbsurdHeartbeatDoesNotBreakTheBatch) {
    Kiosk k;
    k.fill(1);
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(k.db, clock);
    auto items = store->next_batch({.max_count = 1}).value();
    nlohmann::json item = {{"id", items[0].response_id},
                           {"survey", items[0].survey_id},
                           {"encoding", "json"},
                           {"payload", nlohmann::json::parse(items[0].payload)}};
    item["survey_version"] = item["payload"]["survey_version"];
    std::string huge(1 << 20, 'e');
    huge[10] = '\n';
    huge[20] = '\0';
    nlohmann::json body = {{"protocol", 1},
                           {"kiosk_id", std::string(5000, 'd')},
                           {"batch_id", "b-absurd"},
                           {"responses", nlohmann::json::array({item})},
                           {"heartbeat",
                            {{"queue_depth", -5},
                             {"quarantined", 18446744073709551615ull},
                             {"free_disk_bytes", "plenty"},
                             {"last_error", huge},
                             {"state", std::string(100'000, 's')},
                             {"app_version", std::string("fieldkiosk\0\x1b[31mred", 19)},
                             {"sent_at", "not a time"},
                             {"surveys", nlohmann::json::array({1, "x", {{"id", std::string(500, 'i')}, {"version", "1"}}})}}}};
    const auto res = post_raw(body.dump());
    ASSERT_EQ(res.status, 200) << res.body;
    auto answer = sync::protocol::decode_batch_answer(res.body);
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->results.size(), 1u);
    EXPECT_EQ(answer->results[0].status, sync::protocol::ItemStatus::Accepted);
    const auto r = row("kiosk-1");
    EXPECT_FALSE(r.queue_depth.has_value());
    EXPECT_FALSE(r.quarantined.has_value());
    EXPECT_FALSE(r.free_disk_bytes.has_value());
    EXPECT_LE(r.last_error.size(), sync::server::k_max_last_error_bytes);
    EXPECT_EQ(r.last_error.find('\n'), std::string::npos);
    EXPECT_EQ(r.last_error.find('\0'), std::string::npos);
    EXPECT_LE(r.state.size(), sync::server::k_max_state_bytes);
    EXPECT_EQ(r.app_version.find('\x1b'), std::string::npos);  // no terminal escapes reach `kiosks`
    EXPECT_LE(r.device_id.size(), sync::server::k_max_short_text_bytes);
    EXPECT_TRUE(r.sent_at.empty());
    EXPECT_LT(r.surveys_json.size(), 200u);
    // Missing members altogether: still a 200 and a row.
    const auto bare = post_raw(R"({"protocol":1,"kiosk_id":"k","batch_id":"b2","responses":[],"heartbeat":{}})");
    EXPECT_EQ(bare.status, 200) << bare.body;
    EXPECT_EQ(row("kiosk-1").state, "open");
    EXPECT_EQ(receiver->responses(), 1);

    // The largest counts a JSON integer can hold: clamped to 10^15 when taken, so that the batches after it,
    // which add what they quarantine, never overflow (UB in C++; "bigint out of range" in PostgreSQL, which
    // would fail every later batch of this kiosk with a 500).
    constexpr auto k_huge = std::numeric_limits<std::int64_t>::max();
    const nlohmann::json maxed = {{"protocol", 1},
                                  {"kiosk_id", "dev-max"},
                                  {"batch_id", "b-max"},
                                  {"responses", nlohmann::json::array()},
                                  {"heartbeat", {{"queue_depth", k_huge}, {"quarantined", k_huge}, {"free_disk_bytes", k_huge}}}};
    const auto max_res = post_raw(maxed.dump());
    ASSERT_EQ(max_res.status, 200) << max_res.body;
    auto m = row("kiosk-1");
    EXPECT_EQ(m.queue_depth, sync::server::k_max_heartbeat_figure);
    EXPECT_EQ(m.quarantined, sync::server::k_max_heartbeat_figure);
    EXPECT_EQ(m.free_disk_bytes, sync::server::k_max_heartbeat_figure);
    // Then a batch without a heartbeat whose one item is rejected (its payload names another id):
    // quarantined + 1 saturates, the batch is answered 200, and the row follows it.
    nlohmann::json bad = item;
    bad["id"] = "r-rejected-after-max";
    const nlohmann::json rejected = {{"protocol", 1},
                                     {"kiosk_id", "dev-max"},
                                     {"batch_id", "b-after-max"},
                                     {"responses", nlohmann::json::array({bad})}};
    for (int i = 0; i < 2; ++i) {  // twice: the second adds to a stored figure already at the bound
        auto after = rejected;
        after["batch_id"] = "b-after-max-" + std::to_string(i);
        const auto res2 = post_raw(after.dump());
        ASSERT_EQ(res2.status, 200) << res2.body;
        auto a2 = sync::protocol::decode_batch_answer(res2.body);
        ASSERT_TRUE(a2.has_value());
        ASSERT_EQ(a2->results.size(), 1u);
        EXPECT_EQ(a2->results[0].status, sync::protocol::ItemStatus::Rejected) << res2.body;
        m = row("kiosk-1");
        EXPECT_EQ(m.last_batch_id, after["batch_id"].get<std::string>());
        EXPECT_EQ(m.last_batch_rejected, 1);
        EXPECT_EQ(m.quarantined, sync::server::k_max_heartbeat_figure);
        EXPECT_EQ(m.queue_depth, sync::server::k_max_heartbeat_figure - 1 - i);
    }
    // And the pure rule both backends follow.
    const sync::server::KioskQueueMove move{.left = 5, .quarantined = 5};
    EXPECT_EQ(move.quarantined_after(k_huge), sync::server::k_max_heartbeat_figure);
    EXPECT_EQ(move.quarantined_after(sync::server::k_max_heartbeat_figure - 2), sync::server::k_max_heartbeat_figure);
    EXPECT_EQ(move.quarantined_after(7), 12);
    EXPECT_EQ(receiver->responses(), 1);
}

TEST_P(Fleet, QuietNeverSeenAndRevokedKiosksInTheReport) {
    Kiosk k;
    k.fill(2);
    ASSERT_FALSE(drain(k, kiosk_heartbeat()).failure);
    const auto now = std::chrono::system_clock::now();
    const auto add = [&](const std::string& name) {
        ASSERT_TRUE(
            receiver->storage
                ->add_token(name, "kiosk", sync::protocol::sha256_hex(sync::server::make_token()).value(), core::format_utc(now))
                .has_value());
    };
    add("never-synced");
    add("old-kiosk");
    ASSERT_TRUE(receiver->storage->revoke_token("old-kiosk", core::format_utc(now)).has_value());
    // A kiosk last heard from 8 days ago: seeded through the storage with an old received_at.
    add("gone-quiet");
    const sync::server::KioskSeen seen{.items = 0,
                                       .heartbeat = true,
                                       .app_version = "fieldkiosk 0.1.0",
                                       .last_error = "No connection since 08:00",
                                       .state = "open",
                                       .queue_depth = 42,
                                       .free_disk_bytes = 900'000'000};
    sync::server::BatchContext ctx{"gone-quiet", "dev-q", "b-old", core::format_utc(now - 8 * 24h)};
    ctx.seen = &seen;
    ASSERT_TRUE(receiver->storage->store_batch(ctx, {}, {}).has_value());

    auto [rc, text] = report(now, 24h);
    EXPECT_EQ(rc, sync::server::k_exit_kiosks_quiet) << text;
    std::map<std::string, std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines[line.substr(0, line.find(' '))] = line;
    ASSERT_EQ(lines.count("gone-quiet"), 1u) << text;
    EXPECT_NE(lines["gone-quiet"].find("QUIET"), std::string::npos) << text;
    EXPECT_NE(lines["gone-quiet"].find("(8 days ago)"), std::string::npos) << text;
    EXPECT_NE(lines["gone-quiet"].find("900 MB"), std::string::npos) << text;
    EXPECT_NE(lines["gone-quiet"].find("No connection since 08:00"), std::string::npos) << text;
    EXPECT_NE(lines["old-kiosk"].find("revoked"), std::string::npos) << text;
    EXPECT_NE(lines["never-synced"].find("never seen"), std::string::npos) << text;
    EXPECT_NE(lines["kiosk-1"].find("  ok  "), std::string::npos) << text;
    EXPECT_EQ(lines.count("council-admin"), 0u) << "admin tokens are not kiosks";

    // JSON: the same judgement, for machines.
    auto [jrc, json_text] = report(now, 24h, true);
    EXPECT_EQ(jrc, sync::server::k_exit_kiosks_quiet);
    const auto j = nlohmann::json::parse(json_text);
    EXPECT_EQ(j["quiet"], 1);
    std::map<std::string, nlohmann::json> by_name;
    for (const auto& kj : j["kiosks"]) by_name[kj["name"]] = kj;
    EXPECT_EQ(by_name["gone-quiet"]["status"], "quiet");
    EXPECT_EQ(by_name["gone-quiet"]["queue_depth"], 42);
    EXPECT_EQ(by_name["old-kiosk"]["status"], "revoked");
    EXPECT_EQ(by_name["never-synced"]["status"], "never_seen");
    EXPECT_EQ(by_name["kiosk-1"]["status"], "ok");

    // A longer window: nobody is quiet, exit 0. Later still: the never-synced token counts as quiet too.
    EXPECT_EQ(report(now, 30 * 24h).first, 0);
    const auto later = now + 60 * 24h;
    auto [lrc, ltext] = report(later, 30 * 24h);
    EXPECT_EQ(lrc, sync::server::k_exit_kiosks_quiet);
    EXPECT_NE(ltext.find("QUIET (never seen)"), std::string::npos) << ltext;
    // Metrics judge the same way (one kiosks() read), and never list revoked tokens.
    const std::string m = sync::server::render_kiosk_metrics(receiver->storage->kiosks().value(), now, 24h);
    EXPECT_NE(m.find("fieldkiosk_kiosks_quiet 1\n"), std::string::npos) << m;
    EXPECT_NE(m.find(R"(fieldkiosk_kiosk_quiet{kiosk="gone-quiet"} 1)"), std::string::npos) << m;
    EXPECT_NE(m.find(R"(fieldkiosk_kiosk_last_error_present{kiosk="gone-quiet"} 1)"), std::string::npos) << m;
    EXPECT_EQ(m.find("old-kiosk"), std::string::npos) << m;
}

// Revoke + add-kiosk of the same name is a replacement device: it must not inherit the old device's row
// (shown QUIET at once, with the old queue and error). Re-adding an active name changes nothing.
TEST_P(Fleet, AReAddedTokenStartsWithoutTheOldDevicesRow) {
    auto& st = *receiver->storage;
    const auto now = std::chrono::system_clock::now();
    ASSERT_TRUE(st.add_token("lib-north", "kiosk", sync::protocol::sha256_hex(sync::server::make_token()).value(),
                             core::format_utc(now - 30 * 24h))
                    .has_value());
    const sync::server::KioskSeen seen{.items = 0,
                                       .heartbeat = true,
                                       .app_version = "fieldkiosk 0.1.0",
                                       .last_error = "No connection since 08:00",
                                       .state = "open",
                                       .queue_depth = 42,
                                       .free_disk_bytes = 900'000'000};
    sync::server::BatchContext ctx{"lib-north", "old-device", "b-old", core::format_utc(now - 9 * 24h)};
    ctx.seen = &seen;
    ASSERT_TRUE(st.store_batch(ctx, {}, {}).has_value());
    ASSERT_TRUE(row("lib-north").seen);
    ASSERT_TRUE(st.revoke_token("lib-north", core::format_utc(now - 1h)).has_value());
    ASSERT_TRUE(
        st.add_token("lib-north", "kiosk", sync::protocol::sha256_hex(sync::server::make_token()).value(), core::format_utc(now))
            .has_value());
    const auto r = row("lib-north");
    EXPECT_TRUE(r.revoked_at.empty());
    EXPECT_FALSE(r.seen);
    EXPECT_TRUE(r.device_id.empty()) << r.device_id;
    EXPECT_FALSE(r.queue_depth.has_value());
    EXPECT_TRUE(r.last_error.empty()) << r.last_error;
    const auto health = sync::server::judge(r, now, 24h);
    EXPECT_EQ(health.status, sync::server::KioskHealth::Status::NeverSeen);
    EXPECT_FALSE(health.quiet);
    const auto [rc, text] = report(now, 24h);
    EXPECT_EQ(rc, 0) << text;
    EXPECT_EQ(text.find("QUIET"), std::string::npos) << text;
    EXPECT_EQ(text.find("No connection since 08:00"), std::string::npos) << text;

    // add-kiosk of a name whose token is active is refused, and leaves that kiosk's row as it is.
    Kiosk k;
    k.fill(1);
    ASSERT_FALSE(drain(k, kiosk_heartbeat()).failure);
    auto again =
        st.add_token("kiosk-1", "kiosk", sync::protocol::sha256_hex(sync::server::make_token()).value(), core::format_utc(now));
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, sync::server::ServerError::Kind::Exists);
    EXPECT_TRUE(row("kiosk-1").seen);
    EXPECT_EQ(row("kiosk-1").app_version, "fieldkiosk 0.9.0");
}

TEST_P(Fleet, MetricsEscapeAKioskNameFromTheDatabase) {
    const std::string odd_name = "branch \"A\"\\B";
    const std::string token = receiver->add_token(odd_name, "kiosk");
    const auto res = [&] {
        sync::client::CurlTransport t(Kiosk::quick());
        return t.post({receiver->url() + "/v1/batches",
                       {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                       R"({"protocol":1,"kiosk_id":"d","batch_id":"b","responses":[],"heartbeat":{"app_version":"x\"y"}})"});
    }();
    ASSERT_TRUE(res.has_value());
    ASSERT_EQ(res->status, 200);
    const auto [status, metrics] = http_get(receiver->url() + "/metrics", receiver->metrics_token);
    ASSERT_EQ(status, 200);
    EXPECT_NE(metrics.find(R"(fieldkiosk_kiosk_info{kiosk="branch \"A\"\\B",app_version="x\"y",device_id="d"} 1)"),
              std::string::npos)
        << metrics;
}

TEST_P(Fleet, CtlSyncSendsAHeartbeatNamingItself) {
    Kiosk k;
    k.fill(4);
    std::vector<std::string> args = {"fieldkiosk-ctl", "sync", "--db", k.db.string(), "--server", receiver->url()};
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    ::setenv("FIELDKIOSK_TOKEN", receiver->kiosk_token.c_str(), 1);
    std::istringstream in;
    std::ostringstream out, err;
    const int rc = tools::run_ctl(static_cast<int>(argv.size()), argv.data(), in, out, err);
    ::unsetenv("FIELDKIOSK_TOKEN");
    EXPECT_EQ(rc, 0) << err.str();
    const auto r = row("kiosk-1");
    EXPECT_EQ(r.app_version, std::string("fieldkiosk-ctl ") + FIELDKIOSK_VERSION);
    EXPECT_EQ(r.queue_depth, 0);  // 4 before, all delivered
}

// A database made before the kiosks table existed (issue 4's schema, written by hand) is upgraded in place:
// its tokens and responses stay, and the first batch fills the new table.
TEST_P(Fleet, SchemaUpgradeOfADatabaseWithoutTheKiosksTable) {
    const std::string old_schema = R"sql(
CREATE TABLE tokens(name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE responses(id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, device_id TEXT NOT NULL, survey TEXT NOT NULL,
  survey_version TEXT NOT NULL, completed_at TEXT NOT NULL, content_hash TEXT NOT NULL,
  payload TEXT NOT NULL, received_at TEXT NOT NULL, batch_id TEXT NOT NULL);
CREATE INDEX responses_by_survey ON responses(survey, received_at);
CREATE TABLE conflicts(seq INTEGER PRIMARY KEY, id TEXT NOT NULL, kiosk TEXT NOT NULL, content_hash TEXT NOT NULL,
  payload TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE(id, content_hash));
)sql";
    // Times a month before now: the old rows must not depend on what today's date is.
    const std::string then = core::format_utc(std::chrono::system_clock::now() - 30 * 24h);
    const std::string old_rows =
        "INSERT INTO responses VALUES('r-old', 'lib', 'dev', 'food', '1.0.0', '" + then + "', 'h', '{}', '" + then + "', 'b');";
    const std::string token = sync::server::make_token();
    const std::string add = old_rows + "INSERT INTO tokens VALUES('lib', 'kiosk', '" + sync::protocol::sha256_hex(token).value() +
                            "', '" + then + "', NULL);";
    TempDir dir;
    std::optional<PgSchema> pg;
    std::string url;
    if (GetParam() == "postgresql") {
        pg.emplace();
        url = pg->url();
        // PgSchema's URL ends in search_path%3DNAME (URL form) or search_path=NAME' (conninfo form).
        const auto at =
            url.find("search_path%3D") != std::string::npos ? url.find("search_path%3D") + 14 : url.find("search_path=") + 12;
        std::string schema = url.substr(at);
        if (const auto q = schema.find('\''); q != std::string::npos) schema.resize(q);
        pg_exec("SET search_path = " + schema + "; " + old_schema + add);
    } else {
        url = "sqlite:" + (dir.path() / "old.db").string();
        auto db = storage::Database::open(dir.path() / "old.db", {.create = true});
        ASSERT_TRUE(db.has_value());
        ASSERT_TRUE(db->exec(old_schema + add).has_value());
    }
    auto opened = sync::server::open_storage(url);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    auto& s = **opened;
    auto before = s.kiosks();
    ASSERT_TRUE(before.has_value()) << before.error().message;
    ASSERT_EQ(before->size(), 1u);
    EXPECT_EQ((*before)[0].name, "lib");
    EXPECT_FALSE((*before)[0].seen);
    EXPECT_EQ(s.copies_of("r-old").value(), 1);
    EXPECT_EQ(s.find_token(sync::protocol::sha256_hex(token).value()).value()->name, "lib");
    const sync::server::KioskSeen seen{.heartbeat = true, .app_version = "fieldkiosk 0.2.0", .state = "open"};
    sync::server::BatchContext ctx{"lib", "dev", "b-new", core::format_utc(std::chrono::system_clock::now())};
    ctx.seen = &seen;
    ASSERT_TRUE(s.store_batch(ctx, {}, {}).has_value());
    auto after = s.kiosks().value();
    ASSERT_EQ(after.size(), 1u);
    EXPECT_TRUE(after[0].seen);
    EXPECT_EQ(after[0].app_version, "fieldkiosk 0.2.0");
    opened->reset();
    // Opening it again (the schema statements run at every start) changes nothing.
    auto again = sync::server::open_storage(url);
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ((*again)->kiosks().value().at(0).app_version, "fieldkiosk 0.2.0");
}

INSTANTIATE_TEST_SUITE_P(Backends, Fleet, ::testing::Values("sqlite", "postgresql"), [](const auto& p) { return p.param; });

// --- the verb itself: its exit statuses, through the real program ---

std::pair<int, std::string> run_server(const std::string& args) {
    return run_command(std::string(FIELDKIOSK_SERVER_PATH) + " " + args);
}

TEST(KiosksVerb, ExitStatusSaysWhetherAnyKioskIsQuiet) {
    TempDir dir;
    const std::string db = "sqlite:" + (dir.path() / "s.db").string();
    {
        auto s = sync::server::open_storage(db).value();
        ASSERT_TRUE(s->add_token("fresh", "kiosk", "h1", core::format_utc(std::chrono::system_clock::now())).has_value());
    }
    auto [ok_rc, ok_out] = run_server("kiosks --db " + db);
    EXPECT_EQ(ok_rc, 0) << ok_out;
    EXPECT_NE(ok_out.find("fresh"), std::string::npos) << ok_out;
    {
        // Dates relative to now (the verb judges against the real clock): a token of 40 days, last heard
        // from 39 days ago, is QUIET with --quiet-after 3d (and 24h) in any year.
        const auto now = std::chrono::system_clock::now();
        auto s = sync::server::open_storage(db).value();
        ASSERT_TRUE(s->add_token("stale", "kiosk", "h2", core::format_utc(now - 40 * 24h)).has_value());
        const sync::server::KioskSeen seen{};
        sync::server::BatchContext ctx{"stale", "dev", "b", core::format_utc(now - 39 * 24h)};
        ctx.seen = &seen;
        ASSERT_TRUE(s->store_batch(ctx, {}, {}).has_value());
    }
    auto [q_rc, q_out] = run_server("kiosks --db " + db + " --quiet-after 3d");
    EXPECT_EQ(q_rc, 3) << q_out;
    EXPECT_NE(q_out.find("QUIET"), std::string::npos) << q_out;
    auto [j_rc, j_out] = run_server("kiosks --json --db " + db);
    EXPECT_EQ(j_rc, 3) << j_out;
    EXPECT_EQ(nlohmann::json::parse(j_out)["quiet"], 1) << j_out;
    auto [bad_rc, bad_out] = run_server("kiosks --db " + db + " --quiet-after 24");
    EXPECT_EQ(bad_rc, 2) << bad_out;
    EXPECT_NE(bad_out.find("--quiet-after '24' needs a unit"), std::string::npos) << bad_out;
    auto [db_rc, db_out] = run_server("kiosks --db sqlite:" + (dir.path() / "no" / "such" / "dir.db").string());
    EXPECT_EQ(db_rc, 1) << db_out;
    EXPECT_NE(db_out.find("no database at"), std::string::npos) << db_out;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "no")) << "a report must not create a database";
}

}  // namespace
}  // namespace fieldkiosk::testing
