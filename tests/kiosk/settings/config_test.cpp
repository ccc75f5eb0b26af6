// kiosk/settings/config.*: where the settings file is looked for. (The file's contents are tested in
// tests/kiosk/app_test.cpp and opening_hours_test.cpp.)
#include "kiosk/settings/config.hpp"

#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace fieldkiosk::kiosk {
namespace {

class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (m_old)
            ::setenv(m_name, m_old->c_str(), 1);
        else
            ::unsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

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
