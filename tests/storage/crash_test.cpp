// Crash test in the style of SQLite's crash9.test: kill -9 a process that is saving responses
// (`fieldkiosk-ctl simulate`, the kiosk's save path) at random moments, reopen the database, and require
// PRAGMA integrity_check = ok, the store's invariants, and every id the child printed as saved.
#include "storage/response_store.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <random>
#include <set>
#include <thread>

namespace fieldkiosk::storage {
namespace {

using testing::Child;
using testing::spawn;

// Reads whatever the child wrote so far; appends complete lines to `lines`.
void drain(int fd, std::string& partial, std::vector<std::string>& lines, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    char buf[4096];
    while (poll(&p, 1, timeout_ms) > 0) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) return;
        partial.append(buf, static_cast<std::size_t>(n));
        for (std::size_t nl; (nl = partial.find('\n')) != std::string::npos;) {
            lines.push_back(partial.substr(0, nl));
            partial.erase(0, nl + 1);
        }
        timeout_ms = 0;
    }
}

TEST(Crash, KillNineWhileSavingNeverLosesASavedResponseNorCorrupts) {
    testing::TempDir dir;
    const auto db = (dir.path() / "kiosk.db").string();
    std::mt19937 gen(20261128);
    std::uniform_int_distribution<int> delay_ms(0, 30);
    std::set<std::string> saved;
    int kills = 0;
    for (int round = 0; round < 100; ++round) {
        Child c = spawn({FIELDKIOSK_CTL_PATH, "simulate", "--db", db, "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "--survey",
                         round % 2 ? "food" : "youth", "--count", "100000", "--seed", std::to_string(round)});
        ASSERT_GT(c.pid, 0);
        std::string partial;
        std::vector<std::string> lines;
        // Wait until the child is saving (its first "saved" line, or 10 s at most), then let it run a
        // random while longer, so that the kill lands anywhere in the save loop.
        const auto start = std::chrono::steady_clock::now();
        while (lines.empty() && std::chrono::steady_clock::now() - start < std::chrono::seconds(10))
            drain(c.out, partial, lines, 5);
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms(gen));
        while (std::chrono::steady_clock::now() < until) drain(c.out, partial, lines, 1);
        kill(c.pid, SIGKILL);
        int status = 0;
        waitpid(c.pid, &status, 0);
        drain(c.out, partial, lines, 0);  // lines written before the kill are still in the pipe
        close(c.out);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++kills;
        for (const auto& l : lines) {
            ASSERT_EQ(l.rfind("saved ", 0), 0u) << l;
            saved.insert(l.substr(6));
        }
    }
    EXPECT_EQ(kills, 100);  // every round was killed mid-run, none finished its 100,000 saves
    EXPECT_GE(saved.size(), 100u);

    core::SystemClock clock;
    auto store = ResponseStore::open(db, clock);
    ASSERT_TRUE(store) << store.error().message;
    auto report = store->check();
    ASSERT_TRUE(report);
    for (const auto& p : report->problems) ADD_FAILURE() << p;
    EXPECT_TRUE(report->ok);
    std::set<std::string> present;
    ASSERT_TRUE(store->for_each_response("", [&](const StoredResponse& r) { present.insert(r.id); }));
    std::size_t missing = 0;
    for (const auto& id : saved) missing += present.contains(id) ? 0u : 1u;
    EXPECT_EQ(missing, 0u) << "of " << saved.size() << " responses reported saved";
    // Nothing else appears either: at most one response per round committed after its "saved" line was cut.
    EXPECT_LE(present.size(), saved.size() + 100);
    RecordProperty("saved", static_cast<int>(saved.size()));
}

}  // namespace
}  // namespace fieldkiosk::storage
