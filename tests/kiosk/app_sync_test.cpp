// The kiosk's App and sync (kiosk/app/sync_port.hpp): when the engine is told, Sync now, and the engine's
// status on the admin panel in plain words, through a fake SyncPort. No ImGui, no SDL, no network.
#include "kiosk/settings/pin.hpp"
#include "tests/kiosk/app_steps.hpp"

#include <algorithm>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using namespace fieldkiosk::testing;  // KioskFixture (kiosk_fixture.hpp), start, idle_out (app_steps.hpp)
using std::chrono::seconds;

// ---------------------------------------------------------------- sync (through SyncPort)

namespace {

struct FakeSync final : SyncPort {
    int notified = 0, now = 0;
    void notify_response_completed() override { ++notified; }
    void sync_now() override { ++now; }
};

bool has_line(const std::vector<std::string>& lines, std::string_view text) {
    return std::ranges::any_of(lines, [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

}  // namespace

TEST(KioskSync, ACompletedAndSavedResponseNotifiesSyncOnce) {
    KioskFixture f;
    FakeSync sync;
    f.app.set_sync(&sync);
    start(f, "safety");
    while (f.app.screen() == Screen::Question) {
        // Nothing is notified before the response is durable (on the closing note it is).
        EXPECT_EQ(sync.notified, f.app.view().question.closing ? 1 : 0);
        answer_and_next(f);
    }
    ASSERT_EQ(f.app.screen(), Screen::Thanks);
    EXPECT_EQ(f.saved().size(), 1u);
    EXPECT_EQ(sync.notified, 1);
    f.app.apply(act::ThanksDone{});
    f.clock.advance(seconds{120});
    f.app.tick();
    EXPECT_EQ(sync.notified, 1);
    EXPECT_EQ(sync.now, 0);
}

TEST(KioskSync, AFailedSaveDoesNotNotifyButTheRetryThatSavesItDoes) {
    KioskFixture f;
    FakeSync sync;
    f.app.set_sync(&sync);
    start(f, "safety");
    f.store.fail_saves = 1;
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    ASSERT_EQ(f.app.screen(), Screen::SaveFailed);
    EXPECT_EQ(sync.notified, 0);
    f.app.apply(act::RetrySave{});
    ASSERT_TRUE(f.app.view().question.closing);  // saved; safety's closing note follows
    EXPECT_EQ(sync.notified, 1);
}

TEST(KioskSync, AnAbandonedResponseNeverNotifies) {
    KioskFixture f;
    FakeSync sync;
    f.app.set_sync(&sync);
    start(f, "food");
    answer_and_next(f);
    idle_out(f);
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(sync.notified, 0);
}

TEST(KioskSync, SyncNowOnTheUnlockedAdminPanelAsksTheEngine) {
    KioskConfig c;
    c.pin_hash = *hash_pin("2468");
    KioskFixture f(c);
    FakeSync sync;
    f.app.set_sync(&sync);
    ASSERT_TRUE(f.app.go_to("admin"));  // the PIN pad: not yet
    f.app.apply(act::AdminSyncNow{});
    EXPECT_EQ(sync.now, 0);
    for (char d : std::string("\b\b2468")) {
        if (d == '\b')
            f.app.apply(act::PinBackspace{});
        else
            f.app.apply(act::PinDigit{d});
    }
    f.app.apply(act::PinSubmit{});
    ASSERT_TRUE(f.app.view().admin.unlocked);
    EXPECT_TRUE(f.app.view().admin.sync_available);
    f.app.apply(act::AdminSyncNow{});
    EXPECT_EQ(sync.now, 1);
    EXPECT_EQ(sync.notified, 0);
}

TEST(KioskSync, WithoutAPortTheAdminPanelSaysSyncIsNotSetUpAndSyncNowDoesNothing) {
    KioskFixture f;
    ASSERT_TRUE(f.app.go_to("admin:panel"));
    const auto v = f.app.view();
    EXPECT_FALSE(v.admin.sync_available);
    EXPECT_EQ(v.admin.sync.state, SyncStatusVm::State::Off);
    ASSERT_EQ(v.admin.sync_lines.size(), 1u);
    EXPECT_TRUE(v.admin.sync_lines[0].starts_with(k_sync_off)) << v.admin.sync_lines[0];
    f.app.apply(act::AdminSyncNow{});  // no port: nothing happens, nothing breaks
    EXPECT_EQ(f.app.screen(), Screen::Admin);
}

TEST(KioskSync, TheEnginesStatusShowsOnTheAdminPanelInPlainWords) {
    KioskFixture f;
    FakeSync sync;
    f.app.set_sync(&sync);
    ASSERT_TRUE(f.app.go_to("admin:panel"));
    EXPECT_TRUE(has_line(f.app.view().admin.sync_lines, "Sync: starting"));
    SyncStatusVm s;
    s.state = SyncStatusVm::State::Failing;
    s.queued = 4;
    s.quarantined = 2;
    s.last_error = "No connection since 10:42";
    f.app.set_sync_status(s);
    auto v = f.app.view();
    EXPECT_EQ(v.admin.sync.queued, 4);
    EXPECT_EQ(v.admin.sync.last_error, "No connection since 10:42");
    EXPECT_TRUE(has_line(v.admin.sync_lines, "Waiting to send: 4"));
    EXPECT_TRUE(has_line(v.admin.sync_lines, "Problem: No connection since 10:42"));
    EXPECT_TRUE(has_line(v.admin.sync_lines, "Kept aside by the server: 2"));
    EXPECT_TRUE(has_line(v.admin.sync_lines, "Last successful sync: none since the kiosk started"));

    s.state = SyncStatusVm::State::UpToDate;
    s.queued = 0;
    s.last_error.clear();
    s.last_success = f.clock.wall_now();
    f.app.set_sync_status(s);
    v = f.app.view();
    EXPECT_TRUE(has_line(v.admin.sync_lines, "Sync: up to date"));
    EXPECT_TRUE(has_line(v.admin.sync_lines, "Waiting to send: 0"));
    EXPECT_TRUE(has_line(v.admin.sync_lines, "today"));
    EXPECT_FALSE(has_line(v.admin.sync_lines, "Problem:"));

    s.state = SyncStatusVm::State::Failing;
    s.last_error = "The server refused this kiosk's key";
    f.app.set_sync_status(s);
    EXPECT_TRUE(has_line(f.app.view().admin.sync_lines, "The server refused this kiosk's key"));
}
