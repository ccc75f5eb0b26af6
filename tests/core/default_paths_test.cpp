#include "core/default_paths.hpp"

#include "tests/support/scoped_env.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fieldkiosk::core {
namespace {

using testing::ScopedEnv;

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
