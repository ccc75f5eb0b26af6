// The real client against the real server over loopback, on SQLite and (with FIELDKIOSK_TEST_PG) on
// PostgreSQL. Faults are injected in the server (status, delay, dropped connection after commit) or by
// stopping it. Every test ends by checking that each response is on the server exactly once.
// Over 600 lines on purpose: one scenario per test of the real client against the real server, on both databases, sharing the loopback fixture.
#include "tests/sync/loopback.hpp"
#include "sync/protocol/gzip.hpp"
#include "sync/protocol/wire.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <tuple>

namespace fieldkiosk::testing {
namespace {

using sync::client::Failure;
using sync::server::Fault;
using namespace std::chrono_literals;

class Loopback : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
    }
    // POSTs raw bytes to /v1/batches with the kiosk's token.
    sync::client::HttpResponse post_raw(const std::string& body, bool gzip = false, std::string token = {}) {
        sync::client::CurlTransport t(Kiosk::quick());
        sync::client::HttpRequest req{receiver->url() + "/v1/batches",
                                      {{"Authorization", "Bearer " + (token.empty() ? receiver->kiosk_token : token)},
                                       {"Content-Type", "application/json"}},
                                      body};
        if (gzip) req.headers.emplace_back("Content-Encoding", "gzip");
        auto r = t.post(req);
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
        return r ? *r : sync::client::HttpResponse{};
    }
    std::unique_ptr<Receiver> receiver;
};

sync::protocol::WireItem item_from(const std::filesystem::path& db, std::size_t index) {
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(db, clock);
    auto batch = store->next_batch({.max_count = static_cast<int>(index) + 1});
    const auto& it = batch->at(index);
    sync::protocol::WireItem w;
    w.id = it.response_id;
    w.survey = it.survey_id;
    w.payload = nlohmann::json::parse(it.payload);
    w.survey_version = w.payload["survey_version"];
    return w;
}

std::string batch_of(std::vector<sync::protocol::WireItem> items) {
    sync::protocol::Batch b;
    b.kiosk_id = "test-kiosk";
    b.batch_id = "b-1";
    b.responses = std::move(items);
    return sync::protocol::encode(b);
}

TEST_P(Loopback, HappyPathDeliversEveryResponseOnce) {
    Kiosk k;
    k.fill(30, "food");
    k.fill(20, "youth", 2);
    auto s = k.drain(receiver->url(), receiver->kiosk_token, Kiosk::quick(), 16);
    EXPECT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.accepted, 50);
    EXPECT_EQ(s.duplicate, 0);
    EXPECT_EQ(k.counts().queued, 0);
    EXPECT_EQ(k.counts().acknowledged, 50);
    EXPECT_EQ(receiver->responses(), 50);
    expect_exactly_once(*receiver->storage, k.all_ids);
    // A second drain has nothing to send.
    auto again = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_EQ(again.batches, 0);
    EXPECT_FALSE(again.failure);
}

TEST_P(Loopback, ServerDownThenUp) {
    Kiosk k;
    k.fill(10);
    receiver->stop();
    auto down = k.drain(receiver->url(), receiver->kiosk_token);
    ASSERT_TRUE(down.failure);
    EXPECT_EQ(down.failure->kind, Failure::Kind::Offline);
    EXPECT_EQ(k.counts().queued, 10);
    EXPECT_TRUE(sync::client::describe(*down.failure, std::chrono::system_clock::now()).starts_with("No connection since "));
    receiver->start();
    auto up = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_FALSE(up.failure);
    EXPECT_EQ(up.accepted, 10);
    EXPECT_EQ(k.counts().queued, 0);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

TEST_P(Loopback, ConnectionDroppedAfterCommitIsResentAsDuplicate) {
    Kiosk k;
    k.fill(12);
    receiver->set_fault([](std::uint64_t n) { return n == 1 ? Fault{.kind = Fault::Kind::DropAfterCommit} : Fault{}; });
    auto first = k.drain(receiver->url(), receiver->kiosk_token);
    ASSERT_TRUE(first.failure);
    EXPECT_EQ(first.failure->kind, Failure::Kind::Offline) << first.failure->detail;
    EXPECT_EQ(receiver->responses(), 12);  // the server committed...
    EXPECT_EQ(k.counts().queued, 12);      // ...but the kiosk never heard, so nothing is marked sent
    auto second = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_FALSE(second.failure);
    EXPECT_EQ(second.duplicate, 12);
    EXPECT_EQ(second.accepted, 0);
    EXPECT_EQ(receiver->responses(), 12);
    EXPECT_EQ(k.counts().queued, 0);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

TEST_P(Loopback, ServerErrorsAndThrottlingLeaveEverythingQueued) {
    Kiosk k;
    k.fill(5);
    struct Case {
        int status, retry_after;
        Failure::Kind kind;
    };
    for (const Case c : {Case{500, 0, Failure::Kind::ServerError}, Case{503, 7, Failure::Kind::Throttled},
                         Case{429, 3, Failure::Kind::Throttled}}) {
        receiver->set_fault([c](std::uint64_t) {
            return Fault{.kind = Fault::Kind::Status, .status = c.status, .retry_after_s = c.retry_after};
        });
        auto s = k.drain(receiver->url(), receiver->kiosk_token);
        ASSERT_TRUE(s.failure) << c.status;
        EXPECT_EQ(s.failure->kind, c.kind) << c.status;
        EXPECT_EQ(s.failure->http_status, c.status);
        if (c.retry_after > 0) {
            ASSERT_TRUE(s.failure->retry_after) << c.status;
            EXPECT_EQ(*s.failure->retry_after, std::chrono::seconds(c.retry_after));
        }
        EXPECT_EQ(k.counts().queued, 5);
        EXPECT_EQ(receiver->responses(), 0);
    }
    receiver->set_fault({});
    auto ok = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_FALSE(ok.failure);
    EXPECT_EQ(ok.accepted, 5);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

TEST_P(Loopback, RateLimitAnswers429WithRetryAfter) {
    receiver.reset();
    receiver = std::make_unique<Receiver>(GetParam(), /*rate_per_second=*/0.01, /*burst=*/1);
    Kiosk k;
    k.fill(4);
    auto s = k.drain(receiver->url(), receiver->kiosk_token, Kiosk::quick(), /*batch=*/2);
    EXPECT_EQ(s.accepted, 2);
    ASSERT_TRUE(s.failure);
    EXPECT_EQ(s.failure->kind, Failure::Kind::Throttled);
    EXPECT_EQ(s.failure->http_status, 429);
    ASSERT_TRUE(s.failure->retry_after);
    EXPECT_GE(*s.failure->retry_after, std::chrono::seconds(1));
    EXPECT_EQ(k.counts().queued, 2);
}

TEST_P(Loopback, HealthLimitsMetricsAndExport) {
    Kiosk k;
    k.fill(3);
    ASSERT_FALSE(k.drain(receiver->url(), receiver->kiosk_token).failure);
    auto health = http_get(receiver->url() + "/v1/health");
    EXPECT_EQ(health.first, 200);
    auto limits = sync::protocol::decode_limits(health.second);
    ASSERT_TRUE(limits) << health.second;
    EXPECT_EQ(limits->max_items, sync::protocol::Limits{}.max_items);
    EXPECT_EQ(http_get(receiver->url() + "/v1/limits").first, 200);
    auto metrics = http_get(receiver->url() + "/metrics", receiver->metrics_token);
    EXPECT_EQ(metrics.first, 200);
    EXPECT_NE(metrics.second.find("fieldkiosk_items_total{result=\"accepted\"} 3"), std::string::npos) << metrics.second;
    EXPECT_NE(metrics.second.find("fieldkiosk_batch_duration_seconds_count 1"), std::string::npos) << metrics.second;
    // Export needs the admin token; a kiosk token is not enough.
    EXPECT_EQ(http_get(receiver->url() + "/v1/export/food.csv").first, 401);
    EXPECT_EQ(http_get(receiver->url() + "/v1/export/food.csv", receiver->kiosk_token).first, 401);
    auto csv = http_get(receiver->url() + "/v1/export/food.csv", receiver->admin_token);
    EXPECT_EQ(csv.first, 200);
    EXPECT_TRUE(csv.second.starts_with("id,kiosk,")) << csv.second;
    EXPECT_EQ(std::count(csv.second.begin(), csv.second.end(), '\n'), 4);  // header + 3 rows
    for (const auto& id : k.all_ids) EXPECT_NE(csv.second.find(id), std::string::npos) << id;
}

TEST_P(Loopback, SlowAnswerTimesOutThenResendCountsOnce) {
    Kiosk k;
    k.fill(8);
    receiver->set_fault([](std::uint64_t n) { return n == 1 ? Fault{.kind = Fault::Kind::Delay, .delay = 2500ms} : Fault{}; });
    auto impatient = Kiosk::quick();
    impatient.total_timeout = std::chrono::seconds(1);
    auto first = k.drain(receiver->url(), receiver->kiosk_token, impatient);
    ASSERT_TRUE(first.failure);
    EXPECT_EQ(first.failure->kind, Failure::Kind::Offline) << first.failure->detail;
    EXPECT_EQ(k.counts().queued, 8);
    auto second = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_FALSE(second.failure);
    EXPECT_EQ(second.accepted + second.duplicate, 8);
    receiver->stop();  // lets the delayed request finish: it must find its items already stored
    EXPECT_EQ(receiver->responses(), 8);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

TEST_P(Loopback, SameBatchTwiceIsDuplicateTheSecondTime) {
    Kiosk k;
    k.fill(3);
    const std::string body = batch_of({item_from(k.db, 0), item_from(k.db, 1), item_from(k.db, 2)});
    auto a = post_raw(body);
    ASSERT_EQ(a.status, 200) << a.body;
    auto b = post_raw(body);
    ASSERT_EQ(b.status, 200) << b.body;
    auto first = sync::protocol::decode_batch_answer(a.body);
    auto second = sync::protocol::decode_batch_answer(b.body);
    ASSERT_TRUE(first && second);
    for (const auto& r : first->results) EXPECT_EQ(r.status, sync::protocol::ItemStatus::Accepted);
    for (const auto& r : second->results) EXPECT_EQ(r.status, sync::protocol::ItemStatus::Duplicate);
    EXPECT_EQ(receiver->responses(), 3);
}

TEST_P(Loopback, ConflictIsKeptAsideAndNeverOverwrites) {
    Kiosk k;
    k.fill(1);
    auto original = item_from(k.db, 0);
    ASSERT_EQ(post_raw(batch_of({original})).status, 200);
    auto changed = original;
    changed.payload["site"] = "Somewhere else";
    auto res = post_raw(batch_of({changed}));
    ASSERT_EQ(res.status, 200);
    auto answer = sync::protocol::decode_batch_answer(res.body);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->results.at(0).status, sync::protocol::ItemStatus::Conflict);
    EXPECT_FALSE(answer->results.at(0).reason.empty());
    EXPECT_EQ(receiver->responses(), 1);
    EXPECT_EQ(receiver->conflicts(), 1);
    // The stored copy is still the original.
    std::string stored_site;
    ASSERT_TRUE(receiver->storage->for_each_response("food", [&](const sync::server::ExportRow& row) {
        stored_site = nlohmann::json::parse(row.payload)["site"];
        return true;
    }));
    EXPECT_EQ(stored_site, original.payload["site"]);
    // The kiosk itself, sending its (original) copy, gets "duplicate".
    auto s = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_EQ(s.duplicate, 1);
}

TEST_P(Loopback, ConflictReachesTheKiosksQuarantine) {
    Kiosk k;
    k.fill(1);
    auto other = item_from(k.db, 0);
    other.payload["site"] = "A different kiosk said this";
    ASSERT_EQ(post_raw(batch_of({other})).status, 200);
    auto s = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_EQ(s.conflict, 1);
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(k.db, clock);
    auto q = store->quarantined();
    ASSERT_TRUE(q);
    ASSERT_EQ(q->size(), 1u);
    EXPECT_EQ(q->at(0).first, k.all_ids.at(0));
    EXPECT_NE(q->at(0).second.find("different content"), std::string::npos) << q->at(0).second;
}

TEST_P(Loopback, RejectedItemsCarryAReasonAndAreQuarantined) {
    Kiosk k;
    k.fill(2);
    auto unknown = item_from(k.db, 0);
    unknown.survey = "no-such-survey";
    unknown.payload["survey"] = "no-such-survey";
    auto bad_answer = item_from(k.db, 1);
    bad_answer.payload["answers"]["not_a_question"] = "x";
    auto old_version = item_from(k.db, 1);
    old_version.id = "00000000-0000-4000-8000-000000000001";
    old_version.payload["id"] = old_version.id;
    old_version.survey_version = "0.0.1-old";
    old_version.payload["survey_version"] = "0.0.1-old";
    auto res = post_raw(batch_of({unknown, bad_answer, old_version}));
    ASSERT_EQ(res.status, 200) << res.body;
    auto a = sync::protocol::decode_batch_answer(res.body);
    ASSERT_TRUE(a);
    for (const auto& r : a->results) EXPECT_FALSE(r.reason.empty()) << r.id;
    // An unknown survey or version is not the response's fault: retry_later, not rejected (kiosks may get a
    // new survey version before the server does). A bad answer is rejected.
    EXPECT_EQ(a->results[0].status, sync::protocol::ItemStatus::RetryLater);
    EXPECT_EQ(a->results[1].status, sync::protocol::ItemStatus::Rejected);
    EXPECT_EQ(a->results[2].status, sync::protocol::ItemStatus::RetryLater);
    EXPECT_TRUE(a->results[0].reason.starts_with(sync::protocol::k_reason_unknown_survey_version)) << a->results[0].reason;
    EXPECT_NE(a->results[0].reason.find("unknown survey"), std::string::npos) << a->results[0].reason;
    EXPECT_NE(a->results[1].reason.find("not_a_question"), std::string::npos) << a->results[1].reason;
    EXPECT_NE(a->results[2].reason.find("unknown version"), std::string::npos) << a->results[2].reason;
    EXPECT_EQ(receiver->responses(), 0);
}

TEST_P(Loopback, AnswersTheDefinitionDoesNotAllowAreRejected) {
    Kiosk k;
    k.fill(10, "youth", 4);
    const auto catalog = shipped_catalog();
    const auto survey = catalog.find("youth");
    ASSERT_TRUE(survey);
    // Change one select_one answer to a value that is not among its choices, and one scale answer to a
    // number outside its range: both must come back rejected, naming the question.
    std::vector<sync::protocol::WireItem> bad;
    for (std::size_t i = 0; i < 10 && bad.size() < 2; ++i) {
        auto w = item_from(k.db, i);
        for (auto& [name, value] : w.payload["answers"].items()) {
            const core::Question* q = survey->find(name);
            if (q == nullptr) continue;
            if (bad.empty() && q->type == core::QuestionType::SelectOne && value.is_string()) {
                value = "zz-not-a-choice";
                bad.push_back(w);
                break;
            }
            if (bad.size() == 1 && q->type == core::QuestionType::Scale) {
                value = 999;
                bad.push_back(w);
                break;
            }
        }
    }
    ASSERT_EQ(bad.size(), 2u) << "the simulated responses should include a select_one and a scale answer";
    auto res = post_raw(batch_of(bad));
    ASSERT_EQ(res.status, 200) << res.body;
    auto a = sync::protocol::decode_batch_answer(res.body);
    ASSERT_TRUE(a);
    for (const auto& r : a->results) {
        EXPECT_EQ(r.status, sync::protocol::ItemStatus::Rejected) << r.id;
        EXPECT_NE(r.reason.find("answer to '"), std::string::npos) << r.reason;
    }
    EXPECT_NE(a->results[0].reason.find("zz-not-a-choice"), std::string::npos) << a->results[0].reason;
    EXPECT_NE(a->results[1].reason.find("999 is outside"), std::string::npos) << a->results[1].reason;
    EXPECT_EQ(receiver->responses(), 0);
}

TEST_P(Loopback, BadAndRevokedTokensAreRefused) {
    Kiosk k;
    k.fill(4);
    auto bad = k.drain(receiver->url(), "fk_not-a-real-token");
    ASSERT_TRUE(bad.failure);
    EXPECT_EQ(bad.failure->kind, Failure::Kind::Unauthorized);
    EXPECT_EQ(sync::client::describe(*bad.failure, {}), "The server refused this kiosk's key");
    // The admin token may export but not send batches.
    auto admin = k.drain(receiver->url(), receiver->admin_token);
    ASSERT_TRUE(admin.failure);
    EXPECT_EQ(admin.failure->kind, Failure::Kind::Unauthorized);
    ASSERT_TRUE(receiver->storage->revoke_token("kiosk-1", receiver->now_utc()));
    auto revoked = k.drain(receiver->url(), receiver->kiosk_token);
    ASSERT_TRUE(revoked.failure);
    EXPECT_EQ(revoked.failure->kind, Failure::Kind::Unauthorized);
    EXPECT_EQ(k.counts().queued, 4);
    EXPECT_EQ(receiver->responses(), 0);
}

TEST_P(Loopback, OversizedMalformedAndGzipBombBodiesStoreNothing) {
    Kiosk k;
    k.fill(2);
    const std::string good = batch_of({item_from(k.db, 0), item_from(k.db, 1)});
    // Malformed: not JSON, JSON of the wrong shape, an unknown protocol, a bad gzip stream.
    EXPECT_EQ(post_raw("{not json").status, 400);
    EXPECT_EQ(post_raw(R"({"protocol":1,"kiosk_id":"k","batch_id":"b","responses":[{"id":"x"}]})").status, 400);
    EXPECT_EQ(post_raw(R"({"protocol":99,"kiosk_id":"k","batch_id":"b","responses":[]})").status, 400);
    EXPECT_EQ(post_raw(good.substr(0, good.size() / 2)).status, 400);
    EXPECT_EQ(post_raw("this is not gzip at all", /*gzip=*/true).status, 400);
    // Oversized as sent.
    const std::string huge(sync::protocol::Limits{}.max_body_bytes + 10, ' ');
    EXPECT_EQ(post_raw(huge).status, 413);
    // A gzip bomb: 10 KB on the wire that inflates far beyond the decompressed cap.
    const std::string bomb =
        sync::protocol::gzip_compress(std::string(sync::protocol::Limits{}.max_decompressed_bytes + (1u << 20), ' '), 9);
    ASSERT_LT(bomb.size(), sync::protocol::Limits{}.max_body_bytes);
    EXPECT_EQ(post_raw(bomb, /*gzip=*/true).status, 413);
    // Too many items in one batch.
    sync::protocol::Batch many;
    many.kiosk_id = "k";
    many.batch_id = "b";
    many.responses.resize(sync::protocol::Limits{}.max_items + 1, item_from(k.db, 0));
    EXPECT_EQ(post_raw(sync::protocol::encode(many)).status, 413);
    EXPECT_EQ(receiver->responses(), 0);
    // And the server is still fine: a gzip'd good batch goes through.
    auto ok = post_raw(sync::protocol::gzip_compress(good), true);
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(receiver->responses(), 2);
}

TEST_P(Loopback, BatchTooLargeForTheServerIsHalvedUntilItFits) {
    receiver.reset();
    receiver = std::make_unique<Receiver>(GetParam(), 0, 40, "", "", /*max_decompressed_bytes=*/6000);
    Kiosk k;
    k.fill(20);
    auto s = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.accepted, 20);
    EXPECT_EQ(k.counts().queued, 0);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

TEST_P(Loopback, SilentClientsHoldingEveryWorkerDoNotStallAKioskForever) {
    // More half-sent requests than the server has workers (4 in the fixture), each then silent. The
    // read time-out (5 s in the fixture) frees the workers, and the kiosk's batch goes through.
    const int port = std::stoi(receiver->url().substr(receiver->url().rfind(':') + 1));
    std::vector<int> stalled;
    for (int i = 0; i < 6; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        const std::string partial = "POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Len";
        ASSERT_EQ(send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
        stalled.push_back(fd);
    }
    Kiosk k;
    k.fill(5);
    auto s = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.accepted, 5);
    for (int fd : stalled) close(fd);
}

TEST_P(Loopback, TenThousandResponseBacklogDrains) {
    Kiosk k;
    k.fill(10'000, "youth", 3);
    auto s = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_FALSE(s.failure);
    EXPECT_EQ(s.accepted, 10'000);
    EXPECT_EQ(k.counts().queued, 0);
    EXPECT_EQ(receiver->responses(), 10'000);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

// --- Review fixes: transport security, batch splitting, retry_later, early answers, chunked bodies ---

// A clock that reads `offset` away from the real one (the client's deferrals and the store's "now").
class ShiftedClock final : public core::Clock {
public:
    explicit ShiftedClock(std::chrono::hours offset) : m_offset(offset) {}
    [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override {
        return std::chrono::system_clock::now() + m_offset;
    }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override { return std::chrono::steady_clock::now(); }
    void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                    std::chrono::steady_clock::time_point deadline) const override {
        cv.wait_until(lock, deadline);
    }

private:
    std::chrono::hours m_offset;
};

// One Uploader for several drains, as SyncEngine keeps one for the whole process.
struct LongLivedClient {
    LongLivedClient(const Kiosk& k, const std::string& url, const std::string& token, int batch,
                    const core::Clock& deferral_clock = real_clock())
        : store(storage::ResponseStore::open(k.db, real_clock()).value()),
          transport(Kiosk::quick()),
          rng(7),
          uploader(store, transport, config(url, token, batch), rng, deferral_clock) {}
    static const core::Clock& real_clock() {
        static const core::SystemClock c;
        return c;
    }
    static sync::client::SyncConfig config(const std::string& url, const std::string& token, int batch) {
        sync::client::SyncConfig c{.server_url = url, .token = token};
        c.batch.max_count = batch;
        return c;
    }
    storage::ResponseStore store;
    sync::client::CurlTransport transport;
    core::SeededRng rng;
    sync::client::Uploader uploader;
};

std::string metric(const std::string& url, const std::string& name, const std::string& token) {
    const auto [status, body] = http_get(url + "/metrics", token);
    const auto at = body.find("\n" + name + " ");
    if (status != 200 || at == std::string::npos) return {};
    const auto start = at + name.size() + 2;
    return body.substr(start, body.find('\n', start) - start);
}

TEST_P(Loopback, PlainHttpToANonLoopbackHostSendsNothing) {
    Kiosk k;
    k.fill(3);
    // ".invalid" never resolves: the refusal must come before any lookup or connection.
    auto refused = k.drain("http://fieldkiosk-sync.invalid:" + receiver->url().substr(receiver->url().rfind(':') + 1),
                           receiver->kiosk_token);
    ASSERT_TRUE(refused.failure);
    EXPECT_EQ(refused.failure->kind, Failure::Kind::Tls);
    EXPECT_TRUE(refused.failure->detail.starts_with(sync::client::k_insecure_url_message)) << refused.failure->detail;
    EXPECT_NE(sync::client::describe(*refused.failure, std::chrono::system_clock::now()).find("https://"), std::string::npos);
    EXPECT_EQ(refused.bytes_sent, 0u);
    EXPECT_EQ(k.counts().queued, 3);
    // localhost is loopback: plain http is fine there.
    auto ok = k.drain("http://localhost:" + receiver->url().substr(receiver->url().rfind(':') + 1), receiver->kiosk_token);
    EXPECT_FALSE(ok.failure) << ok.failure->detail;
    EXPECT_EQ(ok.accepted, 3);
}

TEST_P(Loopback, WholeRequest400BacksOffTheBatchAndDefersNothing) {
    Kiosk k;
    k.fill(10);
    receiver->set_fault([](std::uint64_t) { return Fault{.kind = Fault::Kind::Status, .status = 400}; });
    auto refused = k.drain(receiver->url(), receiver->kiosk_token, Kiosk::quick(), 4);
    ASSERT_TRUE(refused.failure);
    EXPECT_EQ(refused.failure->kind, Failure::Kind::Refused);
    EXPECT_EQ(refused.failure->http_status, 400);
    EXPECT_EQ(k.counts().queued, 10);
    receiver->set_fault({});
    // Nothing was set aside: everything goes at once, with no wait.
    auto s = k.drain(receiver->url(), receiver->kiosk_token, Kiosk::quick(), 4);
    EXPECT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.accepted, 10);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

TEST_P(Loopback, BatchLimitsComeBackAfterASuccessfulSend) {
    Kiosk k;
    k.fill(40);
    receiver->set_fault([](std::uint64_t n) { return n == 1 ? Fault{.kind = Fault::Kind::Status, .status = 413} : Fault{}; });
    LongLivedClient c(k, receiver->url(), receiver->kiosk_token, 16);
    auto s = c.uploader.drain();
    EXPECT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.accepted, 40);
    EXPECT_EQ(s.batches, 3);  // 8 after the 413, then 16 and 16 again (never 8 for the rest of the process)
    // And a later drain by the same Uploader starts at the normal size too.
    k.fill(32, "food", 5);
    auto again = c.uploader.drain();
    EXPECT_FALSE(again.failure);
    EXPECT_EQ(again.accepted, 32);
    EXPECT_EQ(again.batches, 2);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

TEST_P(Loopback, A400NamingAResponseSplitsTheBatchThenSetsThatResponseAside) {
    Kiosk k;
    k.fill(20);
    receiver->set_fault(
        [](std::uint64_t n) { return n == 1 ? Fault{.kind = Fault::Kind::Status, .status = 400, .item = 0} : Fault{}; });
    auto split = k.drain(receiver->url(), receiver->kiosk_token, Kiosk::quick(), 8);
    EXPECT_FALSE(split.failure) << split.failure->detail;
    EXPECT_EQ(split.accepted, 20);
    EXPECT_EQ(split.batches, 3);  // 4, then 8 and 8
    // Alone and still named: set aside for a day by the Uploader's clock (here two days behind, so the day
    // is already over by the store's clock and the response goes again at once).
    k.fill(1, "food", 9);
    receiver->set_fault([](std::uint64_t) { return Fault{.kind = Fault::Kind::Status, .status = 400, .item = 0}; });
    const ShiftedClock two_days_ago(std::chrono::hours(-48));
    {
        LongLivedClient c(k, receiver->url(), receiver->kiosk_token, 8, two_days_ago);
        auto alone = c.uploader.drain();
        ASSERT_TRUE(alone.failure);
        EXPECT_EQ(alone.failure->kind, Failure::Kind::Refused);
    }
    receiver->set_fault({});
    auto after = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_EQ(after.accepted, 1);
    // With the real clock the response is set aside: still queued, but not sent again now.
    k.fill(1, "food", 10);
    receiver->set_fault([](std::uint64_t) { return Fault{.kind = Fault::Kind::Status, .status = 400, .item = 0}; });
    auto refused = k.drain(receiver->url(), receiver->kiosk_token);
    ASSERT_TRUE(refused.failure);
    receiver->set_fault({});
    auto later = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_EQ(later.batches, 0);
    EXPECT_EQ(k.counts().queued, 1);
}

TEST_P(Loopback, UnknownSurveyVersionIsRetriedLaterNotQuarantined) {
    // The kiosks have "youth"; the server does not (yet).
    core::Catalog partial = shipped_catalog();
    std::erase_if(partial.surveys, [](const auto& s) { return s->id == "youth"; });
    receiver->stop();
    receiver->validator = std::make_shared<const sync::server::Validator>(std::move(partial));
    receiver->start();
    Kiosk k;
    const auto food = k.fill(6, "food");
    const auto youth = k.fill(4, "youth", 2);
    auto s = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_FALSE(s.failure) << s.failure->detail;
    EXPECT_EQ(s.accepted, 6);
    EXPECT_EQ(s.retry_later, 4);
    EXPECT_EQ(s.rejected, 0);
    EXPECT_EQ(k.counts().queued, 4);  // kept, not quarantined
    EXPECT_EQ(k.counts().rejected, 0);
    // Deferred with back-off: an immediate drain does not send them again.
    auto soon = k.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_EQ(soon.batches, 0);
    EXPECT_EQ(soon.retry_later, 0);
    // The server learns the survey; once the back-off is over (a store clock a day ahead) they are delivered.
    receiver->stop();
    receiver->validator = std::make_shared<const sync::server::Validator>(shipped_catalog());
    receiver->start();
    const ShiftedClock tomorrow(std::chrono::hours(24));
    auto store = storage::ResponseStore::open(k.db, tomorrow);
    ASSERT_TRUE(store);
    sync::client::CurlTransport transport(Kiosk::quick());
    core::SeededRng rng(3);
    sync::client::Uploader up(*store, transport, LongLivedClient::config(receiver->url(), receiver->kiosk_token, 100), rng,
                              tomorrow);
    auto later = up.drain();
    EXPECT_FALSE(later.failure) << later.failure->detail;
    EXPECT_EQ(later.accepted, 4);
    EXPECT_EQ(k.counts().queued, 0);
    expect_exactly_once(*receiver->storage, k.all_ids);
}

TEST_P(Loopback, AnswersGivenBeforeTheBodyIsReadDoNotPoisonTheConnection) {
    Kiosk k;
    k.fill(3);
    const std::string good = batch_of({item_from(k.db, 0), item_from(k.db, 1), item_from(k.db, 2)});
    // A large body the server will not read: if it stayed on the connection it would be taken for the
    // next request.
    std::string junk =
        R"({"protocol":1,"kiosk_id":"k","batch_id":"x","responses":[],"pad":")" + std::string(256 * 1024, 'a') + "\"}";
    sync::client::CurlTransport t(Kiosk::quick());  // one libcurl handle for every request below
    const auto post = [&](const std::string& body, const std::string& token) {
        sync::client::HttpRequest req{
            receiver->url() + "/v1/batches", {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}}, body};
        auto r = t.post(req);
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
        return r ? *r : sync::client::HttpResponse{};
    };
    // 401, then at once a good request on the same handle.
    EXPECT_EQ(post(junk, "fk_not_a_token").status, 401);
    auto first = post(good, receiver->kiosk_token);
    ASSERT_EQ(first.status, 200) << first.body;
    auto a1 = sync::protocol::decode_batch_answer(first.body);
    ASSERT_TRUE(a1) << first.body;
    EXPECT_EQ(a1->results.size(), 3u);
    // 429 (injected on the next request), then at once the same batch again: duplicates, read correctly.
    std::atomic<int> seen{0};
    receiver->set_fault([&seen](std::uint64_t) {
        return seen++ == 0 ? Fault{.kind = Fault::Kind::Status, .status = 429, .retry_after_s = 1} : Fault{};
    });
    EXPECT_EQ(post(junk, receiver->kiosk_token).status, 429);
    auto second = post(good, receiver->kiosk_token);
    ASSERT_EQ(second.status, 200) << second.body;
    auto a2 = sync::protocol::decode_batch_answer(second.body);
    ASSERT_TRUE(a2) << second.body;
    ASSERT_EQ(a2->results.size(), 3u);
    for (const auto& r : a2->results) EXPECT_EQ(r.status, sync::protocol::ItemStatus::Duplicate);
    EXPECT_EQ(receiver->responses(), 3);
    // Every request has left the in-flight gauge (the RAII guard), faults and refusals included.
    EXPECT_EQ(metric(receiver->url(), "fieldkiosk_batches_in_flight", receiver->metrics_token), "0");
}

TEST_P(Loopback, ChunkedUploadsAreRefusedWith411) {
    Kiosk k;
    k.fill(2);
    const std::string body = batch_of({item_from(k.db, 0), item_from(k.db, 1)});
    CURL* h = curl_easy_init();
    std::string answer;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Authorization: Bearer " + receiver->kiosk_token).c_str());
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
    headers = curl_slist_append(headers, "Expect:");
    const std::string url = receiver->url() + "/v1/batches";
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(
        h, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* u) {
            static_cast<std::string*>(u)->append(d, s * n);
            return s * n;
        });
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
    long status = 0;
    const CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    ASSERT_EQ(rc, CURLE_OK) << curl_easy_strerror(rc);
    EXPECT_EQ(status, 411) << answer;
    auto e = sync::protocol::decode_error(answer);
    ASSERT_TRUE(e) << answer;
    EXPECT_EQ(e->error, "length_required");
    EXPECT_EQ(receiver->responses(), 0);
    // The same batch with a Content-Length is taken.
    auto ok = post_raw(body);
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(receiver->responses(), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, Loopback, ::testing::Values("sqlite", "postgresql"), [](const auto& p) { return p.param; });

}  // namespace
}  // namespace fieldkiosk::testing
