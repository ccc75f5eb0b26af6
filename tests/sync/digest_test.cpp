// The one SHA-256 of the project (sync/protocol/digest.*), which receiver and kiosk both use.
#include "sync/protocol/digest.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fieldkiosk::sync::protocol {
namespace {

TEST(Sha256Hex, GivesTheStandardDigestsInLowerCaseHex) {  // FIPS 180-2 examples
    EXPECT_EQ(sha256_hex("").value(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc").value(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')).value(),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Hex, BytesNotTextAreDigested) {  // a NUL inside and non-ASCII bytes count as they are
    EXPECT_NE(sha256_hex(std::string("a\0b", 3)).value(), sha256_hex("ab").value());
    EXPECT_EQ(sha256_hex("caf\u00e9").value().size(), 64u);
}

}  // namespace
}  // namespace fieldkiosk::sync::protocol
