// The App's log (kiosk/app/log_sink.cpp): lines go to the injected sink, which tests read instead of
// stderr; the operator's journal gets the same lines from the default StderrLogSink.
#include "kiosk/app/log_sink.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::answer_and_next;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::start_walk;

TEST(KioskLog, AFailedSaveIsLoggedToTheInjectedSinkWithTheResponseAndTheReason) {
    KioskFixture f;
    start_walk(f, "safety");
    f.store.fail_saves = 1;
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    ASSERT_EQ(f.app.screen(), Screen::SaveFailed);
    const auto lines = f.log.lines();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(lines[0].starts_with("saving response ")) << lines[0];
    EXPECT_NE(lines[0].find("kept in memory, will retry"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("database or disk is full"), std::string::npos) << lines[0];
    f.app.apply(act::RetrySave{});  // saved now: nothing more to say
    EXPECT_EQ(f.log.lines().size(), 1u);
}

TEST(KioskLog, AWalkThatEndsWellLogsNothing) {
    KioskFixture f;
    start_walk(f, "safety");
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    EXPECT_TRUE(f.log.lines().empty()) << f.log.lines().front();
}

TEST(KioskLog, ClosingTimeIsLoggedInTheAdminPanelsWords) {
    KioskConfig c;
    c.hours.configured = true;  // every day closed: the attract screen closes at the first tick
    KioskFixture f(c);
    f.app.tick();
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_TRUE(f.log.contains("Opening hours: closed")) << (f.log.lines().empty() ? "" : f.log.lines().front());
}

TEST(KioskLog, TheMemorySinkKeepsLinesFromSeveralThreadsWhole) {
    MemoryLogSink sink;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&sink, t] {
            for (int i = 0; i < 100; ++i) sink.write("thread " + std::to_string(t) + " line " + std::to_string(i));
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(sink.lines().size(), 400u);
    EXPECT_TRUE(sink.contains("thread 3 line 99"));
    EXPECT_FALSE(sink.contains("thread 4"));
}
