// App::go_to (kiosk/app/app_screenshots.cpp): screens reached by real actions, unknown ones refused.
#include "tests/kiosk/app_steps.hpp"

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using namespace fieldkiosk::testing;  // KioskFixture (kiosk_fixture.hpp), start, idle_out (app_steps.hpp)

TEST(KioskApp, GoToReachesNamedQuestionsAndRefusesUnknownScreens) {
    KioskFixture f;
    ASSERT_TRUE(f.app.go_to("question:youth:in_paid_work"));
    EXPECT_EQ(f.app.view().question.name, "in_paid_work");
    EXPECT_FALSE(f.app.go_to("question:food:nope"));
    EXPECT_FALSE(f.app.go_to("sideways"));
    for (const char* s : {"attract", "language", "consent", "thanks", "idle", "admin", "admin:panel", "drafts", "save_failed"}) {
        KioskFixture g;
        EXPECT_TRUE(g.app.go_to(s)) << s;
    }
}
