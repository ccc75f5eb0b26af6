// Crash tests for sync, in the style of tests/storage/crash_test.cpp:
//  - the CLIENT (`fieldkiosk-ctl sync`) is killed with SIGKILL at random points while it drains, and
//    restarted until it finishes: the server must hold every response exactly once, and the kiosk's
//    store must pass check();
//  - the SERVER (`fieldkiosk-server serve`, a child process) is killed with SIGKILL while a batch's
//    transaction is open, and restarted on the same database: nothing half-stored, nothing lost.
#include "tests/support/child_process.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <fstream>
#include <future>
#include <iostream>

namespace fieldkiosk::testing {
namespace {

using namespace std::chrono_literals;

// Reads the child's output until `want` appears in a line (or `timeout_ms`); returns that line.
std::string read_line_with(int fd, std::string_view want, int timeout_ms) {
    std::string buf;
    pollfd p{fd, POLLIN, 0};
    char chunk[1024];
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (poll(&p, 1, 10) > 0) {
            const ssize_t n = read(fd, chunk, sizeof chunk);
            if (n <= 0) break;
            buf.append(chunk, static_cast<std::size_t>(n));
            for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos;) {
                std::string line = buf.substr(0, nl);
                buf.erase(0, nl + 1);
                if (line.find(want) != std::string::npos) return line;
            }
        }
    }
    return {};
}

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

// The N after `key` in ctl sync's summary ("sent 5 (accepted 3, duplicate 2), ..."); -1 when absent.
long long summary_field(const std::string& out, const std::string& key) {
    const auto at = out.find(key + " ");
    return at == std::string::npos ? -1 : std::stoll(out.substr(at + key.size() + 1));
}

// One line of the server's /metrics ("NAME VALUE"); -1 when it cannot be read.
long long metric(const std::string& base_url, const std::string& key, const std::string& token);

// fieldkiosk_items_total{result="NAME"} from the server's /metrics; -1 when it cannot be read.
long long items_total(const std::string& base_url, const std::string& result, const std::string& token) {
    return metric(base_url, "fieldkiosk_items_total{result=\"" + result + "\"}", token);
}

long long metric(const std::string& base_url, const std::string& name, const std::string& token) {
    const auto [status, body] = http_get(base_url + "/metrics", token);
    const std::string key = "\n" + name + " ";
    const auto at = body.find(key);
    if (status != 200 || at == std::string::npos) return -1;
    return std::stoll(body.substr(at + key.size()));
}

int wait_exit(Child& c) {
    int st = 0;
    waitpid(c.pid, &st, 0);
    close(c.out);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

class SyncCrash : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
    }
};

TEST_P(SyncCrash, KillNineTheClientAtRandomPointsNeverDuplicatesNorLoses) {
    Receiver receiver(GetParam());
    Kiosk kiosk;
    kiosk.fill(1500, "food", 11);
    kiosk.fill(1500, "youth", 12);
    std::mt19937 gen(20261128);
    std::uniform_int_distribution<int> delay_ms(0, 20);
    const std::vector<std::string> argv = {
        FIELDKIOSK_CTL_PATH,  "sync",    "--db", kiosk.db.string(), "--server", receiver.url(), "--token",
        receiver.kiosk_token, "--batch", "10"};
    // A kill "in the window" lands after the server committed a batch and before the client applied its
    // answer: the server then holds responses the kiosk still has queued. Each one must come back later as
    // "duplicate", never as a second copy. After each kill we look for such a gap.
    int kills = 0, kills_mid_drain = 0, kills_in_window = 0;
    for (int round = 0; round < 60 && receiver.responses() < 3000; ++round) {
        const std::int64_t before = receiver.responses();
        Child c = spawn(argv);
        ASSERT_GT(c.pid, 0);
        // Kill while it drains, however slowly the machine starts the process: wait (bounded) until the
        // server has committed something from this run, then a random moment later is the kill point.
        // (/proc/PID/stat state 'Z' means it finished by itself; it is reaped below, by wait_exit.)
        const auto finished = [&] {
            std::ifstream stat("/proc/" + std::to_string(c.pid) + "/stat");
            std::string pid, comm, state;
            stat >> pid >> comm >> state;
            return !stat || state == "Z";
        };
        wait_until([&] { return receiver.responses() != before || finished(); }, std::chrono::seconds(10),
                   std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(gen)));
        const bool killed = kill(c.pid, SIGKILL) == 0;
        const int code = wait_exit(c);
        kills += killed ? 1 : 0;
        kills_mid_drain += code == -SIGKILL ? 1 : 0;
        if (code == -SIGKILL && receiver.responses() > kiosk.counts().acknowledged) ++kills_in_window;
    }
    // A killed client's last request may still be in the server's hands: let the server finish it (its
    // in-flight gauge at 0 on two looks in a row, bounded) before taking the counts the final run is
    // compared with.
    int quiet = 0;
    wait_until(
        [&] {
            quiet = metric(receiver.url(), "fieldkiosk_batches_in_flight", receiver.metrics_token) == 0 ? quiet + 1 : 0;
            return quiet >= 2;
        },
        std::chrono::seconds(10), std::chrono::milliseconds(50));
    const std::int64_t on_server = receiver.responses();
    const std::int64_t acknowledged = kiosk.counts().acknowledged;
    std::cout << "kills: " << kills << ", of which while running: " << kills_mid_drain
              << ", between the server's commit and the client's apply: " << kills_in_window
              << "; on the server before the final run: " << on_server << " of 3000, acknowledged by the kiosk: " << acknowledged
              << "\n";
    // Finish the drain without interference.
    int rc = -1;
    long long duplicates = 0;
    for (int attempt = 0; attempt < 5 && rc != 0; ++attempt) {
        Child c = spawn(argv);
        const std::string out = read_all(c.out);
        close(c.out);
        int st = 0;
        waitpid(c.pid, &st, 0);
        rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        duplicates += std::max(0LL, summary_field(out, "duplicate"));
    }
    EXPECT_EQ(rc, 0);
    EXPECT_GT(kills_mid_drain, 0);
    EXPECT_GT(kills_in_window, 0) << "no kill landed between a commit and its apply: the test proved nothing about resends";
    // Whatever the server had that the kiosk had not applied came back as duplicates, and only that.
    EXPECT_EQ(duplicates, on_server - acknowledged);
    // And the server did answer "duplicate" (in the killed runs or the final one): resends happened and
    // were recognised, never stored twice.
    EXPECT_GT(items_total(receiver.url(), "duplicate", receiver.metrics_token), 0);
    EXPECT_EQ(receiver.responses(), 3000);
    EXPECT_EQ(receiver.conflicts(), 0);
    expect_exactly_once(*receiver.storage, kiosk.all_ids);
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(kiosk.db, clock);
    auto report = store->check();
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok) << (report->problems.empty() ? "" : report->problems[0]);
    EXPECT_EQ(store->outbox_counts()->queued, 0);
    EXPECT_EQ(store->outbox_counts()->acknowledged, 3000);
}

TEST_P(SyncCrash, ServerKilledMidBatchAndRestarted) {
    TempDir dir;
    std::optional<PgSchema> schema;
    if (GetParam() == "postgresql") schema.emplace();
    const std::string db = schema ? schema->url() : "sqlite:" + (dir.path() / "server.db").string();
    // A kiosk token, made with the real CLI (the token is alone on the last line).
    Child add = spawn({FIELDKIOSK_SERVER_PATH, "add-kiosk", "kiosk-1", "--db", db});
    std::string out, line;
    {
        char buf[4096];
        ssize_t n;
        while ((n = read(add.out, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    ASSERT_EQ(wait_exit(add), 0);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    const std::string token = out.substr(out.rfind('\n') + 1);
    ASSERT_TRUE(token.starts_with("fk_")) << out;

    Kiosk kiosk;
    kiosk.fill(40);
    const auto serve = [&](bool stall) {
        std::vector<std::string> argv = {FIELDKIOSK_SERVER_PATH,    "serve", "--db", db, "--listen", "127.0.0.1:0", "--surveys",
                                         FIELDKIOSK_SURVEY_DEFS_DIR};
        if (stall) argv.insert(argv.end(), {"--fault-stall-before-commit-ms", "30000"});
        Child c = spawn(argv);
        const std::string l = read_line_with(c.out, "listening on", 20'000);
        const auto port = l.substr(l.rfind(':') + 1, l.find(' ', l.rfind(':')) - l.rfind(':') - 1);
        return std::pair{c, "http://127.0.0.1:" + port};
    };

    auto [stalled, url] = serve(true);
    ASSERT_GT(stalled.pid, 0);
    ASSERT_NE(url, "http://127.0.0.1:");
    // The client sends its first batch; the server holds the transaction open; we kill it there.
    auto drained = std::async(std::launch::async, [&, u = url] { return kiosk.drain(u, token); });
    // The server says when the batch's transaction is open and waiting to commit (the stall is 30 s).
    const std::string stalled_line = read_line_with(stalled.out, "stalled before commit", 20'000);
    EXPECT_FALSE(stalled_line.empty()) << "the server never reached the stalled commit";
    kill(stalled.pid, SIGKILL);
    wait_exit(stalled);
    auto first = drained.get();
    ASSERT_TRUE(first.failure);
    EXPECT_EQ(first.delivered(), 0);
    EXPECT_EQ(kiosk.counts().queued, 40);

    auto [healthy, url2] = serve(false);
    auto second = kiosk.drain(url2, token);
    EXPECT_FALSE(second.failure) << (second.failure ? second.failure->detail : "");
    EXPECT_EQ(second.accepted, 40);  // nothing of the killed transaction was kept
    kill(healthy.pid, SIGTERM);
    EXPECT_EQ(wait_exit(healthy), 0);  // SIGTERM is a clean stop

    auto storage = sync::server::open_storage(db);
    ASSERT_TRUE(storage);
    EXPECT_EQ((*storage)->counts()->responses, 40);
    expect_exactly_once(**storage, kiosk.all_ids);

    // And the operator's export sees each of them once: a header and one row per response ("--out -": standard
    // output, as without --out, not a file named "-").
    Child exp = spawn({FIELDKIOSK_SERVER_PATH, "export", "--db", db, "--survey", "food", "--format", "csv", "--out", "-"});
    std::string csv;
    {
        char buf[4096];
        ssize_t n;
        while ((n = read(exp.out, buf, sizeof buf)) > 0) csv.append(buf, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(wait_exit(exp), 0);
    EXPECT_TRUE(csv.starts_with("id,kiosk,device_id,survey,")) << csv.substr(0, 200);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 41);
    for (const auto& id : kiosk.all_ids) EXPECT_NE(csv.find(id), std::string::npos) << id;
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncCrash, ::testing::Values("sqlite", "postgresql"), [](const auto& p) { return p.param; });

}  // namespace
}  // namespace fieldkiosk::testing
