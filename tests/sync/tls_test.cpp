// HTTPS directly (fieldkiosk-server serve --tls-cert/--tls-key, httplib::SSLServer) against the real
// client: verification is always on, a private CA is trusted only through --ca-file, and a pinned
// public key that does not match refuses the server. The certificate: tests/sync/self_signed.hpp.
#include "tests/sync/loopback.hpp"
#include "tests/sync/self_signed.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::testing {
namespace {

using sync::client::Failure;

TEST(Tls, VerifiedServerOnlyWithItsCaAndMatchingPin) {
    TempDir dir;
    const Cert cert = make_self_signed(dir);
    Receiver receiver("sqlite", 0, 40, cert.cert.string(), cert.key.string());
    ASSERT_TRUE(receiver.url().starts_with("https://"));
    Kiosk k;
    k.fill(4);

    auto untrusted = k.drain(receiver.url(), receiver.kiosk_token);  // the system store does not know this CA
    ASSERT_TRUE(untrusted.failure);
    EXPECT_EQ(untrusted.failure->kind, Failure::Kind::Tls) << untrusted.failure->detail;

    auto opts = Kiosk::quick();
    opts.ca_file = cert.cert.string();
    opts.pinned_public_key = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    auto wrong_pin = k.drain(receiver.url(), receiver.kiosk_token, opts);
    ASSERT_TRUE(wrong_pin.failure);
    EXPECT_EQ(wrong_pin.failure->kind, Failure::Kind::Tls) << wrong_pin.failure->detail;
    EXPECT_EQ(receiver.responses(), 0);

    opts.pinned_public_key = cert.pin;
    auto ok = k.drain(receiver.url(), receiver.kiosk_token, opts);
    EXPECT_FALSE(ok.failure) << ok.failure->detail;
    EXPECT_EQ(ok.accepted, 4);
    expect_exactly_once(*receiver.storage, k.all_ids);
}

}  // namespace
}  // namespace fieldkiosk::testing
