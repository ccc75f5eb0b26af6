// More than one receiver on one PostgreSQL (issue 15): two real `fieldkiosk-server serve` processes on one
// database, many kiosks (the real libcurl client) syncing at once through both, and the same batch — or
// the same responses with different content — sent to both at the same moment. Every response is stored
// exactly once; every conflict is kept aside. PostgreSQL only (set FIELDKIOSK_TEST_PG).
#include "tests/support/child_process.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <latch>

namespace fieldkiosk::testing {
namespace {

using sync::protocol::ItemStatus;

// A `fieldkiosk-server serve` child on a free port; SIGTERM and reaped when destroyed.
class ServeProcess {
public:
    explicit ServeProcess(const std::string& db) {
        m_child = spawn({FIELDKIOSK_SERVER_PATH, "serve", "--db", db, "--listen", "127.0.0.1:0", "--surveys",
                         FIELDKIOSK_SURVEY_DEFS_DIR, "--threads", "4"});
        std::string buf;
        char chunk[512];
        pollfd p{m_child.out, POLLIN, 0};
        for (int waited = 0; waited < 30'000 && buf.find(" (http)") == std::string::npos; waited += 10) {
            if (::poll(&p, 1, 10) <= 0) continue;
            const auto n = ::read(m_child.out, chunk, sizeof chunk);
            if (n <= 0) break;
            buf.append(chunk, static_cast<std::size_t>(n));
        }
        const auto at = buf.find("listening on ");
        const auto end = buf.find(" (http)");
        if (at == std::string::npos || end == std::string::npos) return;
        const std::string hostport = buf.substr(at + 13, end - at - 13);
        url = "http://127.0.0.1:" + hostport.substr(hostport.rfind(':') + 1);
    }
    ~ServeProcess() {
        if (m_child.pid <= 0) return;
        ::kill(m_child.pid, SIGTERM);
        int st = 0;
        ::waitpid(m_child.pid, &st, 0);
        ::close(m_child.out);
    }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;
    std::string url;  // empty when it did not start

private:
    Child m_child;
};

sync::protocol::WireItem item_from(sync::protocol::WireItem w, const storage::OutboxItem& it) {
    w.id = it.response_id;
    w.survey = it.survey_id;
    w.payload = nlohmann::json::parse(it.payload);
    w.survey_version = w.payload["survey_version"];
    return w;
}

std::vector<sync::protocol::WireItem> items_of(const Kiosk& k, int count) {
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(k.db, clock);
    auto batch = store->next_batch({.max_count = count});
    std::vector<sync::protocol::WireItem> out;
    for (const auto& it : *batch) out.push_back(item_from({}, it));
    return out;
}

// POSTs `body` until it is answered 200 (a 503 "busy" stores nothing and is retried, as a kiosk would).
std::optional<sync::protocol::BatchAnswer> post_until_answered(const std::string& url, const std::string& token,
                                                               const std::string& body) {
    sync::client::CurlTransport t(Kiosk::quick());
    std::optional<sync::protocol::BatchAnswer> answer;
    bool refused = false;
    const bool answered = testing::wait_until(
        [&] {
            auto r =
                t.post({url + "/v1/batches", {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}}, body});
            if (r && r->status == 200) {
                if (auto a = sync::protocol::decode_batch_answer(r->body)) answer = std::move(*a);
                return true;
            }
            if (r && r->status != 503) {
                ADD_FAILURE() << "answered " << r->status << ": " << r->body;
                refused = true;
            }
            return refused;
        },
        std::chrono::seconds(10), std::chrono::milliseconds(100));
    if (!answered) ADD_FAILURE() << "never answered 200";
    return answer;
}

// Sends `a` to one receiver and `b` to the other at the same moment; returns both answers.
std::pair<std::optional<sync::protocol::BatchAnswer>, std::optional<sync::protocol::BatchAnswer>> at_once(
    const std::string& url_a, const std::string& body_a, const std::string& url_b, const std::string& body_b,
    const std::string& token) {
    std::latch go(2);
    std::optional<sync::protocol::BatchAnswer> ra, rb;
    std::thread ta([&] {
        go.arrive_and_wait();
        ra = post_until_answered(url_a, token, body_a);
    });
    std::thread tb([&] {
        go.arrive_and_wait();
        rb = post_until_answered(url_b, token, body_b);
    });
    ta.join();
    tb.join();
    return {ra, rb};
}

std::string batch_of(std::vector<sync::protocol::WireItem> items, const std::string& batch_id) {
    sync::protocol::Batch b;
    b.kiosk_id = "race-kiosk";
    b.batch_id = batch_id;
    b.responses = std::move(items);
    return sync::protocol::encode(b);
}

class TwoReceivers : public ::testing::Test {
protected:
    void SetUp() override {
        if (test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run two receivers on one PostgreSQL";
        schema.emplace();
        auto s = sync::server::open_storage(schema->url());
        ASSERT_TRUE(s) << s.error().message;
        storage = std::shared_ptr<sync::server::Storage>(std::move(*s));
        a.emplace(schema->url());
        b.emplace(schema->url());
        ASSERT_FALSE(a->url.empty());
        ASSERT_FALSE(b->url.empty());
    }
    void TearDown() override {
        a.reset();
        b.reset();
        storage.reset();
        schema.reset();
    }
    std::string token(const std::string& name) {
        const std::string t = sync::server::make_token();
        core::SystemClock clock;
        auto r = storage->add_token(name, "kiosk", sync::protocol::sha256_hex(t).value(), core::format_utc(clock.wall_now()));
        EXPECT_TRUE(r.has_value());
        return t;
    }
    std::optional<PgSchema> schema;
    std::shared_ptr<sync::server::Storage> storage;
    std::optional<ServeProcess> a, b;
};

TEST_F(TwoReceivers, ManyKiosksThroughBothStoreEveryResponseExactlyOnce) {
    constexpr int k_kiosks = 8;
    std::vector<std::unique_ptr<Kiosk>> kiosks;
    std::vector<std::string> tokens;
    for (int i = 0; i < k_kiosks; ++i) {
        kiosks.push_back(std::make_unique<Kiosk>());
        kiosks.back()->fill(60, i % 2 == 0 ? "food" : "youth", 100 + i);
        tokens.push_back(token("kiosk-" + std::to_string(i)));
    }
    std::vector<std::thread> threads;
    std::vector<sync::client::DrainSummary> summaries(k_kiosks);
    for (int i = 0; i < k_kiosks; ++i)
        threads.emplace_back([&, i] {
            // Half the kiosks through each receiver, all at once.
            summaries[i] = kiosks[i]->drain(i % 2 == 0 ? a->url : b->url, tokens[i], Kiosk::quick(), 7);
        });
    for (auto& t : threads) t.join();
    std::int64_t accepted = 0;
    for (int i = 0; i < k_kiosks; ++i) {
        EXPECT_FALSE(summaries[i].failure) << summaries[i].failure->detail;
        accepted += summaries[i].accepted;
        EXPECT_EQ(kiosks[i]->counts().queued, 0);
        expect_exactly_once(*storage, kiosks[i]->all_ids);
    }
    EXPECT_EQ(accepted, k_kiosks * 60);
    EXPECT_EQ(storage->counts().value().responses, k_kiosks * 60);
    EXPECT_EQ(storage->counts().value().conflicts, 0);
}

TEST_F(TwoReceivers, TheSameBatchSentToBothAtOnceIsStoredOnce) {
    const std::string t = token("race-kiosk");
    Kiosk k;
    k.fill(200, "food", 7);
    const auto items = items_of(k, 200);
    ASSERT_EQ(items.size(), 200u);
    for (std::size_t round = 0; round < 20; ++round) {
        const std::vector<sync::protocol::WireItem> chunk(items.begin() + static_cast<long>(round * 10),
                                                          items.begin() + static_cast<long>(round * 10 + 10));
        const std::string body = batch_of(chunk, "b-" + std::to_string(round));
        const auto [ra, rb] = at_once(a->url, body, b->url, body, t);
        ASSERT_TRUE(ra && rb);
        ASSERT_EQ(ra->results.size(), 10u);
        ASSERT_EQ(rb->results.size(), 10u);
        for (std::size_t i = 0; i < 10; ++i) {
            const auto x = ra->results[i].status, y = rb->results[i].status;
            // One of the two stored it; the other was told it is a duplicate (never both accepted).
            EXPECT_TRUE((x == ItemStatus::Accepted && y == ItemStatus::Duplicate) ||
                        (x == ItemStatus::Duplicate && y == ItemStatus::Accepted))
                << "round " << round << " item " << i << ": " << sync::protocol::to_string(x) << " / "
                << sync::protocol::to_string(y);
        }
    }
    expect_exactly_once(*storage, k.all_ids);
    EXPECT_EQ(storage->counts().value().responses, 200);
    EXPECT_EQ(storage->counts().value().conflicts, 0);
}

TEST_F(TwoReceivers, DifferentContentUnderOneIdSentToBothAtOnceKeepsOneAndSetsTheOtherAside) {
    const std::string t = token("race-kiosk");
    Kiosk k;
    k.fill(100, "food", 8);
    const auto items = items_of(k, 100);
    ASSERT_EQ(items.size(), 100u);
    for (std::size_t round = 0; round < 10; ++round) {
        std::vector<sync::protocol::WireItem> mine(items.begin() + static_cast<long>(round * 10),
                                                   items.begin() + static_cast<long>(round * 10 + 10));
        auto theirs = mine;
        for (auto& w : theirs) w.payload["site"] = "Somewhere else";
        const auto [ra, rb] = at_once(a->url, batch_of(mine, "m-" + std::to_string(round)), b->url,
                                      batch_of(theirs, "t-" + std::to_string(round)), t);
        ASSERT_TRUE(ra && rb);
        for (std::size_t i = 0; i < 10; ++i) {
            const auto x = ra->results.at(i).status, y = rb->results.at(i).status;
            EXPECT_TRUE((x == ItemStatus::Accepted && y == ItemStatus::Conflict) ||
                        (x == ItemStatus::Conflict && y == ItemStatus::Accepted))
                << "round " << round << " item " << i << ": " << sync::protocol::to_string(x) << " / "
                << sync::protocol::to_string(y);
        }
    }
    expect_exactly_once(*storage, k.all_ids);
    EXPECT_EQ(storage->counts().value().responses, 100);
    EXPECT_EQ(storage->counts().value().conflicts, 100);  // every losing copy kept aside, none lost
}

}  // namespace
}  // namespace fieldkiosk::testing
