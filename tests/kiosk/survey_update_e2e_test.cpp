// Survey updates end to end on the kiosk: the real fieldkiosk-server (in-process, loopback) moves to a new
// version of food; the real SyncEngine (options as main.cpp makes them) downloads it after a drain; the
// main loop's step (offer_downloaded_surveys) hands it to the App, which offers it to the next respondent.
#include "kiosk/sync/sync_bridge.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/sync/loopback.hpp"
#include "tests/sync/survey_folders.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using namespace std::chrono_literals;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::Receiver;

namespace {

std::string tile_title(const ViewModel& v, const std::string& id) {
    for (const auto& t : v.tiles)
        if (t.survey_id == id) return t.title;
    return "(no tile)";
}

}  // namespace

TEST(KioskSurveyUpdateEndToEnd, TheEngineDownloadsTheNewVersionAndTheAppOffersItToTheNextRespondent) {
    const sync::client::CurlGlobal curl_global;
    Receiver server("sqlite");
    fieldkiosk::testing::TempDir root;
    fieldkiosk::testing::serve_folder(server, fieldkiosk::testing::server_surveys(root, true, true));
    KioskFixture f;
    const auto db = f.dir.path() / "kiosk.db";
    KioskConfig::Sync settings;
    settings.server_url = server.url();
    settings.debounce = 0s;
    settings.period = 3600s;
    auto options = engine_options(settings, server.kiosk_token, db);
    ASSERT_TRUE(options.survey_updates.has_value());  // on by default, next to the database
    const auto downloads = options.survey_updates->folder;
    EXPECT_EQ(downloads, f.dir.path() / "surveys");
    core::SystemClock engine_clock;
    core::SeededRng engine_rng{7};
    sync::client::SyncEngine engine(
        std::move(options), [] { return std::make_unique<sync::client::CurlTransport>(fieldkiosk::testing::Kiosk::quick()); },
        engine_clock, engine_rng);
    engine.start();
    // As the main loop does each frame: statuses to the app; a higher surveys_updated means new files.
    const bool offered = fieldkiosk::testing::wait_until(
        [&] {
            (void)hand_over_status(engine, f.app);
            return f.app.sync_status().surveys_updated > 0 &&
                   offer_downloaded_surveys(f.app, fieldkiosk::testing::shipped_surveys(), downloads);
        },
        30s, 10ms);
    engine.stop();
    ASSERT_TRUE(offered) << f.app.sync_status().survey_error;
    EXPECT_TRUE(f.app.sync_status().survey_error.empty());
    EXPECT_EQ(tile_title(f.app.view(), "food"), "Food v2");  // on the attract screen: at once
    f.app.apply(act::OpenSurvey{"food"});
    if (f.app.screen() == Screen::Language) f.app.apply(act::ChooseLanguage{"en"});
    f.app.apply(act::ConsentStart{});
    ASSERT_EQ(f.app.screen(), Screen::Question);
    EXPECT_EQ(f.app.session()->survey().version, fieldkiosk::testing::k_food_v2);

    // A restart (main.cpp at start-up) finds the download again, and a damaged file there is left out.
    auto again = with_downloaded(fieldkiosk::testing::shipped_surveys(), downloads);
    EXPECT_TRUE(again.problems.empty()) << again.problems.front();
    bool has_v2 = false;
    for (const auto& s : again.surveys) has_v2 = has_v2 || (s->id == "food" && s->version == fieldkiosk::testing::k_food_v2);
    EXPECT_TRUE(has_v2);
    std::ofstream(sync::client::downloaded_survey_path(downloads, "food", "2026.3"))
        << R"({"survey": "food", "version": "2026.3"})";
    again = with_downloaded(fieldkiosk::testing::shipped_surveys(), downloads);
    ASSERT_FALSE(again.problems.empty());
    for (const auto& p : again.problems) {  // every problem of that file, each naming it
        EXPECT_TRUE(p.starts_with("downloaded survey left out: ")) << p;
        EXPECT_NE(p.find("2026.3.json"), std::string::npos) << p;
    }
    KioskFixture restarted({}, again.surveys);
    EXPECT_EQ(tile_title(restarted.app.view(), "food"), "Food v2");  // the newest that loads: 2026.2
}
