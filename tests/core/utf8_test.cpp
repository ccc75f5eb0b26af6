#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fieldkiosk::core {
namespace {

TEST(Utf8Length, CountsCodePointsNotBytes) {
    EXPECT_EQ(utf8_length(""), 0u);
    EXPECT_EQ(utf8_length("abc"), 3u);
    EXPECT_EQ(utf8_length("caf\u00e9"), 4u);         // 2-byte é
    EXPECT_EQ(utf8_length("\u20ac5"), 2u);           // 3-byte €
    EXPECT_EQ(utf8_length("\U0001F600!"), 2u);       // 4-byte emoji
    EXPECT_EQ(utf8_length("Soomaali \u2026"), 10u);  // the ellipsis the receiver's tables add
}

TEST(Utf8Length, StrayContinuationBytesBelongToTheCharacterBefore) {
    EXPECT_EQ(utf8_length("a\x80\x80"), 1u);
    EXPECT_EQ(utf8_length("\x80"), 0u);
}

TEST(Utf8Prefix, KeepsWholeCharactersOnly) {
    EXPECT_EQ(utf8_prefix("abc", 2), "ab");
    EXPECT_EQ(utf8_prefix("abc", 3), "abc");
    EXPECT_EQ(utf8_prefix("abc", 10), "abc");
    EXPECT_EQ(utf8_prefix("abc", 0), "");
    EXPECT_EQ(utf8_prefix("\u00e9\u00e9\u00e9", 2), "\u00e9\u00e9");  // 4 bytes, never 3
    EXPECT_EQ(utf8_prefix("\U0001F600\U0001F600", 1), "\U0001F600");
}

}  // namespace
}  // namespace fieldkiosk::core
