#include "core/default_paths.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace fieldkiosk::core {
namespace {

// Sets an environment variable for one test and puts the old value back.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
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

TEST(DefaultSurveysDir, TheEnvironmentVariableComesFirst) {
    ScopedEnv env("FIELDKIOSK_SURVEYS", "/srv/council/surveys");
    EXPECT_EQ(default_surveys_dir(), std::filesystem::path("/srv/council/surveys"));
}

TEST(DefaultSurveysDir, WithoutItAnExistingFolderInstalledOrInTheSourceTree) {
    ScopedEnv env("FIELDKIOSK_SURVEYS", "");  // empty counts as unset
    const auto dir = default_surveys_dir();
    EXPECT_TRUE(dir == FIELDKIOSK_INSTALLED_SURVEYS_DIR || dir == FIELDKIOSK_SOURCE_SURVEYS_DIR) << dir;
    EXPECT_TRUE(std::filesystem::is_directory(dir)) << dir;
}

}  // namespace
}  // namespace fieldkiosk::core
