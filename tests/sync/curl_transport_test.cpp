// sync/client/curl_transport.*: which addresses may be spoken to in plain HTTP (moved from loopback_test.cpp).
#include "sync/client/curl_transport.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::testing {
namespace {

TEST(PlainHttp, IsAllowedOnlyToLoopback) {
    using sync::client::insecure_url_problem;
    using sync::client::is_loopback_host;
    for (const char* h : {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "localhost."})
        EXPECT_TRUE(is_loopback_host(h)) << h;
    for (const char* h : {"128.0.0.1", "10.0.0.1", "192.168.1.2", "::2", "[2001:db8::1]", "surveys.example.gov.uk",
                          "localhost.example.com", "127.0.0.1.example.com", ""})
        EXPECT_FALSE(is_loopback_host(h)) << h;
    EXPECT_FALSE(insecure_url_problem("http://127.0.0.1:8080"));
    EXPECT_FALSE(insecure_url_problem("http://[::1]:8080/x"));
    EXPECT_FALSE(insecure_url_problem("http://localhost:8080"));
    EXPECT_FALSE(insecure_url_problem("https://surveys.example.gov.uk"));
    EXPECT_FALSE(insecure_url_problem("HTTPS://surveys.example.gov.uk"));
    auto p = insecure_url_problem("http://surveys.example.gov.uk");
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->starts_with(sync::client::k_insecure_url_message)) << *p;
    EXPECT_TRUE(insecure_url_problem("HTTP://surveys.example.gov.uk"));
    EXPECT_TRUE(insecure_url_problem("surveys.example.gov.uk"));  // libcurl would guess http://
}

}  // namespace
}  // namespace fieldkiosk::testing
