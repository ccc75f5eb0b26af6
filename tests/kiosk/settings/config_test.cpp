// kiosk/settings/config.*: where the settings file is looked for, and what it says (the App's fallback to a
// last good copy is tested in tests/kiosk/app_test.cpp; opening hours in opening_hours_test.cpp).
#include "kiosk/settings/config.hpp"

#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fieldkiosk::kiosk {
namespace {

using testing::ScopedEnv;

TEST(DefaultConfigPath, TakesTheUsersFileWhenItExists) {
    testing::TempDir dir;
    const auto file = dir.write("fieldkiosk/fieldkiosk.toml", "[kiosk]\n");
    ScopedEnv xdg("XDG_CONFIG_HOME", dir.path().string());
    EXPECT_EQ(default_config_path(), file);
}

TEST(DefaultConfigPath, OtherwiseTheSystemFileOrNone) {
    testing::TempDir dir;  // an XDG folder without the file
    ScopedEnv xdg("XDG_CONFIG_HOME", dir.path().string());
    const auto p = default_config_path();
    std::error_code ec;
    if (std::filesystem::is_regular_file("/etc/fieldkiosk/fieldkiosk.toml", ec))
        EXPECT_EQ(p, std::filesystem::path("/etc/fieldkiosk/fieldkiosk.toml"));
    else
        EXPECT_TRUE(p.empty()) << p;
}

// The file's contents (moved from tests/kiosk/app_test.cpp: tests mirror sources).
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(KioskConfig, TheDraftAgeIsReadFromAssistedAndCheckedForRange) {
    auto r = parse_config("[assisted]\ndraft_max_age_hours = 24\n", "k.toml");
    EXPECT_EQ(r.config.draft_max_age, std::chrono::hours{24});
    EXPECT_TRUE(r.messages.empty());
    r = parse_config("[assisted]\ndraft_max_age_hours = 0\n", "k.toml");
    EXPECT_EQ(r.config.draft_max_age, std::chrono::hours{72});
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_NE(r.messages[0].find("assisted.draft_max_age_hours"), std::string::npos);
}

TEST(KioskConfig, MissingFileGivesDefaultsAndAClearMessage) {
    const auto r = load_config("/nonexistent/fieldkiosk.toml");
    EXPECT_FALSE(r.file_used);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_NE(r.messages[0].find("cannot be read"), std::string::npos);
    EXPECT_EQ(r.config.idle_timeout, seconds{60});
    EXPECT_EQ(r.config.idle_countdown, seconds{20});
    EXPECT_EQ(r.config.mode, core::Mode::Kiosk);
}

TEST(KioskConfig, BrokenFileIsIgnoredWholeWithTheLineOfTheProblem) {
    const auto r = parse_config("[timing]\nidle_timeout_seconds = = 5\n", "k.toml");
    EXPECT_FALSE(r.file_used);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_NE(r.messages[0].find("k.toml is broken at line 2, column"), std::string::npos) << r.messages[0];
    EXPECT_EQ(r.config.idle_timeout, seconds{60});
}

TEST(KioskConfig, ReadsEverySettingAndReportsBadOnes) {
    const auto r = parse_config(R"(
[kiosk]
mode = "assisted"
site = "Swiss Cottage library"
worker = "Sam"
default_language = "es"
ask_language = false
enabled_surveys = ["food"]
colour = "blue"
[timing]
idle_timeout_seconds = 90
idle_countdown_seconds = 2
thanks_return_seconds = 8
tap_guard_ms = 450
[admin]
pin_hash = "$argon2id$..."
lockout_after_attempts = 5
[display]
ui_scale = 1.25
high_contrast = true
width = 800
height = 1280
fullscreen = false
[sound]
)",
                                "k.toml");
    EXPECT_TRUE(r.file_used);
    const auto& c = r.config;
    EXPECT_EQ(c.mode, core::Mode::Assisted);
    EXPECT_EQ(c.site, "Swiss Cottage library");
    EXPECT_EQ(c.worker, "Sam");
    EXPECT_EQ(c.default_language, "es");
    EXPECT_FALSE(c.ask_language);
    EXPECT_EQ(c.enabled_surveys, std::vector<std::string>{"food"});
    EXPECT_EQ(c.idle_timeout, seconds{90});
    EXPECT_EQ(c.idle_countdown, seconds{20});  // 2 is below the minimum: default kept
    EXPECT_EQ(c.thanks_return, seconds{8});
    EXPECT_EQ(c.tap_guard, milliseconds{450});
    EXPECT_EQ(c.lockout_after_attempts, 5);
    EXPECT_FLOAT_EQ(c.ui_scale, 1.25f);
    EXPECT_TRUE(c.high_contrast);
    EXPECT_EQ(c.window_width, 800);
    EXPECT_FALSE(c.fullscreen);
    ASSERT_EQ(r.messages.size(), 3u);
    EXPECT_NE(r.messages[0].find("sound"), std::string::npos);
    EXPECT_NE(r.messages[1].find("kiosk.colour"), std::string::npos);
    EXPECT_NE(r.messages[2].find("timing.idle_countdown_seconds"), std::string::npos);
}

TEST(KioskConfig, ShippedExampleFileHasNoProblemsAndStatesTheDefaults) {
    const auto file = std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR).parent_path() / "installer/fieldkiosk.toml";
    const auto r = load_config(file);
    EXPECT_TRUE(r.file_used);
    EXPECT_TRUE(r.messages.empty()) << r.messages.front();
    const KioskConfig d;
    EXPECT_EQ(r.config.mode, d.mode);
    EXPECT_EQ(r.config.idle_timeout, d.idle_timeout);
    EXPECT_EQ(r.config.idle_countdown, d.idle_countdown);
    EXPECT_EQ(r.config.thanks_return, d.thanks_return);
    EXPECT_EQ(r.config.admin_hold, d.admin_hold);
    EXPECT_EQ(r.config.save_retry, d.save_retry);
    EXPECT_EQ(r.config.tap_guard, d.tap_guard);
    EXPECT_EQ(r.config.lockout_after_attempts, d.lockout_after_attempts);
    EXPECT_EQ(r.config.lockout_base, d.lockout_base);
    EXPECT_EQ(r.config.organisation, d.organisation);
    EXPECT_EQ(r.config.window_width, d.window_width);
    EXPECT_EQ(r.config.font_dir, d.font_dir);
    EXPECT_EQ(r.config.fullscreen, d.fullscreen);
    EXPECT_EQ(r.config.high_contrast, d.high_contrast);
    EXPECT_EQ(r.config.sync.server_url, d.sync.server_url);
    EXPECT_EQ(r.config.sync.token_file, d.sync.token_file);
    EXPECT_EQ(r.config.sync.period, d.sync.period);
    EXPECT_EQ(r.config.sync.debounce, d.sync.debounce);
    EXPECT_EQ(r.config.sync.retention_days, d.sync.retention_days);
}

TEST(KioskConfig, SyncSettingsAreReadWithTheirDefaults) {
    const KioskConfig d;
    EXPECT_TRUE(d.sync.server_url.empty());  // sync off unless asked for
    EXPECT_EQ(d.sync.period, seconds{300});
    EXPECT_EQ(d.sync.debounce, seconds{3});
    EXPECT_EQ(d.sync.retention_days, 0);
    const auto r = parse_config(R"(
[sync]
server_url = "https://surveys.example.gov.uk/"
token_file = "/etc/fieldkiosk/token"
ca_file = "/etc/fieldkiosk/ca.pem"
pinned_public_key = "sha256//AAAA"
period_seconds = 600
debounce_seconds = 5
retention_days = 30
)",
                                "k.toml");
    EXPECT_TRUE(r.messages.empty()) << r.messages.front();
    EXPECT_EQ(r.config.sync.server_url, "https://surveys.example.gov.uk");
    EXPECT_EQ(r.config.sync.ca_file, "/etc/fieldkiosk/ca.pem");
    EXPECT_EQ(r.config.sync.pinned_public_key, "sha256//AAAA");
    EXPECT_EQ(r.config.sync.period, seconds{600});
    EXPECT_EQ(r.config.sync.debounce, seconds{5});
    EXPECT_EQ(r.config.sync.retention_days, 30);
}

TEST(KioskConfig, BrokenSyncSettingsAreReportedAndSafe) {
    auto r = parse_config("[sync]\nserver_url = \"surveys.example.gov.uk\"\nperiod_seconds = 1\nretention_days = -3\nspeed = 2\n",
                          "k.toml");
    EXPECT_TRUE(r.config.sync.server_url.empty());  // not a URL: sync off
    EXPECT_EQ(r.config.sync.period, seconds{300});
    EXPECT_EQ(r.config.sync.retention_days, 0);
    ASSERT_EQ(r.messages.size(), 4u);
    EXPECT_NE(r.messages[0].find("sync.speed"), std::string::npos);
    EXPECT_NE(r.messages[1].find("sync.period_seconds"), std::string::npos);
    EXPECT_NE(r.messages[2].find("sync.retention_days"), std::string::npos);
    EXPECT_NE(r.messages[3].find("sync.server_url"), std::string::npos);
    EXPECT_NE(r.messages[3].find("sync is off"), std::string::npos);

    r = parse_config("[sync]\nserver_url = \"https://x.example\"\npinned_public_key = \"AAAA\"\n", "k.toml");
    EXPECT_TRUE(r.config.sync.server_url.empty());  // a broken pin never means "send without it"
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_NE(r.messages[0].find("sync.pinned_public_key"), std::string::npos);
}

TEST(KioskConfig, TheTokenFileMustBeReadableOnlyByItsOwner) {
    fieldkiosk::testing::TempDir dir;
    const auto p = dir.path() / "token";
    EXPECT_NE(read_token_file(p).error().find("does not exist"), std::string::npos);
    {
        std::ofstream out(p);
        out << "  abc123  \n";
    }
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                        std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    auto t = read_token_file(p);
    ASSERT_FALSE(t.has_value());
    EXPECT_NE(t.error().find("mode 0644"), std::string::npos) << t.error();
    EXPECT_NE(t.error().find("chmod 600"), std::string::npos) << t.error();
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    t = read_token_file(p);
    ASSERT_TRUE(t.has_value()) << t.error();
    EXPECT_EQ(*t, "abc123");
    std::filesystem::permissions(p, std::filesystem::perms::owner_read);  // 0400 is stricter: fine
    EXPECT_TRUE(read_token_file(p).has_value());
    EXPECT_NE(read_token_file(dir.path()).error().find("not a regular file"), std::string::npos);
}

TEST(KioskConfig, AnOpenRosaServerIsNamedByAFileAndNeverBesideFieldkioskServer) {
    auto r = parse_config("[sync]\nopenrosa_url_file = \"/etc/fieldkiosk/openrosa-url\"\nopenrosa_token_file = \"/etc/fieldkiosk/kobo\"\n",
                          "k.toml");
    EXPECT_TRUE(r.messages.empty());
    EXPECT_EQ(r.config.sync.openrosa_url_file, "/etc/fieldkiosk/openrosa-url");
    EXPECT_EQ(r.config.sync.openrosa_token_file, "/etc/fieldkiosk/kobo");
    EXPECT_TRUE(r.config.sync.enabled());
    EXPECT_FALSE(parse_config("", "k.toml").config.sync.enabled());
    // Both: the responses would have to go to one of them, and the kiosk will not guess which.
    r = parse_config("[sync]\nserver_url = \"https://x.example\"\nopenrosa_url_file = \"/etc/fieldkiosk/openrosa-url\"\n", "k.toml");
    EXPECT_FALSE(r.config.sync.enabled());
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_NE(r.messages[0].find("sync.openrosa_url_file"), std::string::npos) << r.messages[0];
}

TEST(KioskConfig, TheOpenRosaAddressFileIsKeptLikeTheTokenAndNamedInItsMessages) {
    fieldkiosk::testing::TempDir dir;
    const auto p = dir.path() / "openrosa-url";
    auto t = read_secret_file(p, "OpenRosa address file", "put the form's submission URL there");
    ASSERT_FALSE(t.has_value());
    EXPECT_NE(t.error().find("The OpenRosa address file"), std::string::npos) << t.error();
    EXPECT_NE(t.error().find("submission URL"), std::string::npos) << t.error();
    std::ofstream(p) << "https://central.example/v1/key/SECRET/projects/1/submission\n";
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                        std::filesystem::perms::others_read);
    t = read_secret_file(p, "OpenRosa address file", "");
    ASSERT_FALSE(t.has_value());
    EXPECT_NE(t.error().find("chmod 600"), std::string::npos) << t.error();
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EXPECT_EQ(read_secret_file(p, "OpenRosa address file", "").value(), "https://central.example/v1/key/SECRET/projects/1/submission");
}

}  // namespace
}  // namespace fieldkiosk::kiosk
