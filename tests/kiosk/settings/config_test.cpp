// kiosk/settings/config.*: where the settings file is looked for. (The file's contents are tested in
// tests/kiosk/app_test.cpp and opening_hours_test.cpp.)
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

}  // namespace
}  // namespace fieldkiosk::kiosk
