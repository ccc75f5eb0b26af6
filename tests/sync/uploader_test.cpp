// sync/client/uploader.*: the rules that need no server (moved from loopback_test.cpp; the uploader against
// the real server is tests/sync/loopback_test.cpp).
#include "sync/client/uploader.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::testing {
namespace {

TEST(RetryLater, BackOffDoublesAndIsCapped) {
    using sync::client::Uploader;
    EXPECT_EQ(Uploader::retry_later_delay(0), std::chrono::minutes(1));
    EXPECT_EQ(Uploader::retry_later_delay(1), std::chrono::minutes(2));
    EXPECT_EQ(Uploader::retry_later_delay(3), std::chrono::minutes(8));
    EXPECT_EQ(Uploader::retry_later_delay(40), std::chrono::hours(6));
}

}  // namespace
}  // namespace fieldkiosk::testing
