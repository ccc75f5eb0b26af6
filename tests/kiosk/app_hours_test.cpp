// Opening hours in the kiosk's app state machine (kiosk/app/app.cpp): Attract -> Closed at closing time only
// when nobody is mid-survey, Closed -> Attract at opening time, touches ignored while closed except the
// hidden admin corner, next_wakeup() at the next change, sync told once per change, and the words on the
// Closed screen and the admin panel. A fake clock and a fixed UTC zone; no sleeping.
//
// The fake clock starts on Friday 15 January 2027, 08:00 UTC (tests/support/fake_clock.hpp).
#include "kiosk/app/app.hpp"
#include "kiosk/settings/pin.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"

#include <gtest/gtest.h>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::answer_and_next;
using fieldkiosk::testing::start_walk;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const FixedOffsetZone k_utc;

// Weekdays 09:00-17:00, Saturday 10:00-16:00, Sunday closed; optionally bank holidays.
KioskConfig with_hours(std::vector<std::string> closed_dates = {}) {
    KioskConfig c;
    c.hours.configured = true;
    for (int d = 0; d < 5; ++d) c.hours.week[static_cast<std::size_t>(d)] = {{9 * 60, 17 * 60}};
    c.hours.week[5] = {{10 * 60, 16 * 60}};
    for (const auto& d : closed_dates) c.hours.closed_dates.push_back(*parse_local_date(d));
    std::ranges::sort(c.hours.closed_dates);
    return c;
}

struct HoursFixture : KioskFixture {
    explicit HoursFixture(KioskConfig c = with_hours()) : KioskFixture(std::move(c)) { app.set_time_zone(k_utc); }
    // Moves the fake clock to `hh:mm` of the day `days` after Friday 15 January 2027 (UTC), ticking.
    void at(int days, int hh, int mm, int ss = 0) {
        const auto target = std::chrono::sys_days{std::chrono::year{2027} / 1 / 15} + std::chrono::days{days} + hours{hh} +
                            minutes{mm} + seconds{ss};
        const auto d = std::chrono::duration_cast<milliseconds>(target - clock.wall_now());
        EXPECT_GE(d.count(), 0) << "the fake clock only moves forward";
        clock.advance(d);
        app.tick();
    }
};

struct CountingSync final : SyncPort {
    void notify_response_completed() override {}
    void sync_now() override {}
    void set_closed(bool closed) override { calls.push_back(closed); }
    std::vector<bool> calls;
};



void hold_corner(KioskFixture& f, milliseconds how_long) {
    for (auto t = milliseconds{0}; t <= how_long; t += milliseconds{100}) {
        f.app.apply(act::CornerHeld{});
        f.app.tick();
        f.clock.advance(milliseconds{100});
    }
}

}  // namespace

TEST(KioskHours, WithoutHoursTheKioskNeverCloses) {
    KioskFixture f;
    f.app.set_time_zone(k_utc);
    for (int i = 0; i < 48; ++i) {
        f.clock.advance(hours{1});
        f.app.tick();
        ASSERT_EQ(f.app.screen(), Screen::Attract);
    }
    EXPECT_FALSE(f.app.closed());
    EXPECT_EQ(f.app.hours_state(), "open");
    EXPECT_EQ(f.app.next_wakeup(), milliseconds{60'000});
    ASSERT_TRUE(f.app.go_to("admin:panel"));
    EXPECT_EQ(f.app.view().admin.hours_lines, (std::vector<std::string>{"Opening hours: not set, always open"}));
}

TEST(KioskHours, BeforeOpeningItIsClosedAndAtOpeningTimeTheAttractScreenReturns) {
    HoursFixture f;  // Friday 08:00
    f.app.tick();
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_TRUE(f.app.closed());
    EXPECT_EQ(f.app.hours_state(), "closed");
    EXPECT_EQ(f.app.view().closed_message, "This kiosk opens again today at 9:00.");
    EXPECT_EQ(f.app.view().lang, "en");
    f.at(0, 8, 59, 59);
    EXPECT_EQ(f.app.screen(), Screen::Closed);
    f.at(0, 9, 0);
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_FALSE(f.app.closed());
    EXPECT_FALSE(f.app.view().tiles.empty());
}

TEST(KioskHours, AtClosingTimeTheIdleAttractScreenCloses) {
    HoursFixture f;
    f.at(0, 16, 59, 59);
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    f.at(0, 17, 0);
    EXPECT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_EQ(f.app.view().closed_message, "This kiosk opens again tomorrow at 10:00.");  // Saturday
    f.at(1, 16, 0);                                                                       // Saturday closes; Sunday closed
    EXPECT_EQ(f.app.view().closed_message, "This kiosk opens again at 9:00 on Monday.");
}

TEST(KioskHours, ARespondentWhoStartedBeforeClosingFinishesThenTheKioskCloses) {
    HoursFixture f;
    f.at(0, 16, 59, 30);
    start_walk(f);
    f.at(0, 17, 0, 10);  // closing time passed, 40 s after the last touch: no idle prompt yet
    ASSERT_EQ(f.app.screen(), Screen::Question);
    EXPECT_FALSE(f.app.idle_prompt());
    EXPECT_FALSE(f.app.closed());
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    ASSERT_EQ(f.app.screen(), Screen::Thanks);
    EXPECT_EQ(f.saved().size(), 1u);
    f.clock.advance(seconds{14});
    f.app.tick();
    EXPECT_EQ(f.app.screen(), Screen::Thanks);
    f.clock.advance(seconds{1});
    f.app.tick();
    EXPECT_EQ(f.app.screen(), Screen::Closed);  // the thank-you screen returned, and the kiosk closed
    EXPECT_EQ(f.app.session(), nullptr);
}

TEST(KioskHours, ARespondentWhoWalksAwayAfterClosingIsWipedByTheIdleTimeOutThenClosed) {
    HoursFixture f;
    f.at(0, 16, 59, 30);
    start_walk(f);
    const std::string at = f.app.session()->current().name;
    f.at(0, 17, 0, 30);  // 60 s without a touch
    ASSERT_TRUE(f.app.idle_prompt());
    EXPECT_EQ(f.app.screen(), Screen::Question);
    f.clock.advance(seconds{20});
    f.app.tick();
    EXPECT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_EQ(f.app.session(), nullptr);
    EXPECT_EQ(f.dropoffs("food", at), 1);
    EXPECT_TRUE(f.saved().empty());
}

TEST(KioskHours, WhileClosedTouchesDoNothing) {
    HoursFixture f;
    f.at(0, 18, 0);
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    const std::vector<Action> taps = {
        act::Activity{},      act::OpenSurvey{"food"}, act::OpenLanguage{},   act::ChooseLanguage{"fr"},
        act::CloseLanguage{}, act::ConsentStart{},     act::ConsentDecline{}, act::TapChoice{"yes"},
        act::SetScale{3},     act::TypeText{"a"},      act::Next{},           act::Back{},
        act::StartAgain{},    act::StillHere{},        act::ThanksDone{},     act::RetrySave{},
        act::PinDigit{'1'},   act::PinSubmit{},        act::AdminClose{},     act::AdminExit{},
        act::AdminSyncNow{},  act::OpenDrafts{},       act::CloseDrafts{},    act::ShowFullPrivacy{}};
    for (const auto& a : taps) {
        f.app.apply(a);
        f.app.tick();
        ASSERT_EQ(f.app.screen(), Screen::Closed) << "after action #" << a.index();
    }
    EXPECT_EQ(f.app.session(), nullptr);
    EXPECT_EQ(f.app.language(), "en");
    EXPECT_FALSE(f.app.quit_requested());
}

TEST(KioskHours, TheAdminCornerStillWorksWhileClosedAndReturnsToClosed) {
    KioskConfig c = with_hours();
    c.pin_hash = *hash_pin("2468");
    HoursFixture f(c);
    f.at(0, 17, 30);  // Friday evening
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    hold_corner(f, milliseconds{3100});
    ASSERT_EQ(f.app.screen(), Screen::Admin);
    for (char d : std::string("2468")) f.app.apply(act::PinDigit{d});
    f.app.apply(act::PinSubmit{});
    ASSERT_TRUE(f.app.view().admin.unlocked);
    EXPECT_EQ(f.app.view().admin.hours_lines, (std::vector<std::string>{"Opening hours: closed, opens Sat 10:00"}));
    EXPECT_TRUE(f.app.closed());  // still closed for sync while staff use the panel
    f.app.apply(act::AdminClose{});
    EXPECT_EQ(f.app.screen(), Screen::Closed);
}

TEST(KioskHours, AdminOpenedWhileClosedReturnsToAttractIfTheKioskOpenedMeanwhile) {
    KioskConfig c = with_hours();
    c.pin_hash = *hash_pin("2468");
    c.idle_timeout = seconds{3600};  // staff take their time
    HoursFixture f(c);
    f.at(0, 8, 50);
    hold_corner(f, milliseconds{3100});
    ASSERT_EQ(f.app.screen(), Screen::Admin);
    for (char d : std::string("2468")) f.app.apply(act::PinDigit{d});
    f.app.apply(act::PinSubmit{});
    f.at(0, 9, 5);
    EXPECT_EQ(f.app.screen(), Screen::Admin);
    EXPECT_FALSE(f.app.closed());
    EXPECT_EQ(f.app.view().admin.hours_lines, (std::vector<std::string>{"Opening hours: open now, closes 17:00"}));
    f.app.apply(act::AdminClose{});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
}

TEST(KioskHours, NextWakeupIsTheNextChangeAtMostAMinuteAway) {
    HoursFixture f;
    f.at(0, 8, 59, 15);
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_EQ(f.app.next_wakeup(), milliseconds{45'000});
    f.at(0, 12, 0);
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.app.next_wakeup(), milliseconds{60'000});  // the cap: the wall clock may be set right meanwhile
    f.at(0, 16, 59, 50);
    EXPECT_EQ(f.app.next_wakeup(), milliseconds{10'000});
    f.at(0, 17, 0);
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_EQ(f.app.next_wakeup(), milliseconds{60'000});  // closed until tomorrow: a frame a minute at most
}

TEST(KioskHours, SyncIsToldOncePerChangeAndOnBeingConnectedWhileClosed) {
    HoursFixture f;
    CountingSync sync;
    f.app.tick();  // 08:00: closed before any port
    ASSERT_TRUE(f.app.closed());
    f.app.set_sync(&sync);
    EXPECT_EQ(sync.calls, (std::vector<bool>{true}));
    f.at(0, 8, 30);
    f.at(0, 9, 0);
    f.at(0, 12, 0);
    f.at(0, 17, 0);
    f.at(0, 18, 0);
    EXPECT_EQ(sync.calls, (std::vector<bool>{true, false, true}));
    f.app.set_sync(nullptr);
}

TEST(KioskHours, TheClosedScreenSpeaksTheDefaultLanguage) {
    HoursFixture f;
    f.at(0, 16, 50);
    f.app.apply(act::OpenLanguage{});  // someone chose French on the attract screen and left
    f.app.apply(act::ChooseLanguage{"fr"});
    ASSERT_EQ(f.app.language(), "fr");
    f.at(0, 17, 0);
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_EQ(f.app.language(), "en");
    EXPECT_EQ(f.app.view().t("closed_heading"), "Closed");

    KioskConfig c = with_hours();
    c.default_language = "fr";
    HoursFixture fr(c);
    fr.at(0, 17, 0);
    const auto v = fr.app.view();
    EXPECT_EQ(v.lang, "fr");
    EXPECT_EQ(v.t("closed_heading"), "Fermé");
    EXPECT_EQ(v.closed_message, "Cette borne rouvre demain à 10:00.");
}

TEST(KioskHours, AfterALongClosureTheDateIsGiven) {
    HoursFixture f(
        with_hours({"2027-01-16", "2027-01-18", "2027-01-19", "2027-01-20", "2027-01-21", "2027-01-22", "2027-01-23"}));
    f.at(0, 17, 0);  // Friday; Saturday and the whole next week closed
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_EQ(f.app.view().closed_message, "This kiosk opens again at 9:00 on Monday 25 January.");
    ASSERT_TRUE(f.app.go_to("admin:panel"));
    EXPECT_EQ(f.app.view().admin.hours_lines[0], "Opening hours: closed, opens Mon 25 Jan 09:00");
}

TEST(KioskHours, NoOpeningAheadSaysSoAndProblemsWithTheSettingReachTheAdminPanel) {
    KioskConfig c;
    c.hours.configured = true;  // every day closed
    c.hours.problems.push_back("k.toml: [hours] has no opening on any day");
    HoursFixture f(c);
    f.app.tick();
    ASSERT_EQ(f.app.screen(), Screen::Closed);
    EXPECT_EQ(f.app.view().closed_message, "This kiosk is closed for now.");
    EXPECT_EQ(f.app.next_wakeup(), milliseconds{60'000});
    ASSERT_TRUE(f.app.go_to("admin:panel"));
    EXPECT_EQ(f.app.view().admin.hours_lines, (std::vector<std::string>{"Opening hours: closed; no opening in the coming year",
                                                                        "Problem: k.toml: [hours] has no opening on any day"}));
}

TEST(KioskHours, GoToClosedShowsTheClosedScreenEvenWithoutHours) {
    KioskFixture f;
    f.app.set_time_zone(k_utc);
    ASSERT_TRUE(f.app.go_to("closed"));
    EXPECT_EQ(f.app.screen(), Screen::Closed);
    // Friday 08:00 with a library's usual week: opens at nine.
    EXPECT_EQ(f.app.view().closed_message, "This kiosk opens again today at 9:00.");
    EXPECT_EQ(to_string(Screen::Closed), "closed");
}
