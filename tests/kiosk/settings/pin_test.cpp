// The admin PIN (kiosk/settings/pin.*): the one strength rule, and the proof that both ways of setting a PIN
// ask it (`fieldkiosk --hash-pin` here, `fieldkiosk-ctl provision` in tests/tools/provision_test.cpp).
#include "kiosk/settings/pin.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace fieldkiosk::kiosk {
namespace {

const std::vector<std::pair<std::string, std::string>> k_weak = {
    {"123", "4 to 12 digits"},      {"1234567890123", "4 to 12 digits"},  {"12a4", "4 to 12 digits"},
    {"", "4 to 12 digits"},         {"0000", "one digit repeated"},       {"99999999", "one digit repeated"},
    {"1234", "consecutive digits"}, {"9876", "consecutive digits"},       {"7890", "consecutive digits"},
    {"0123456789", "consecutive"},  {"1212", "group of digits repeated"}, {"123123", "group of digits repeated"},
    {"1984", "looks like a year"},  {"2024", "looks like a year"},        {"2580", "most common PINs"},
};
const std::vector<std::string> k_ordinary = {"482916", "7391", "135792468024", "1235", "2100", "0192"};

TEST(PinWeakness, RefusesWeakPinsSayingWhichRule) {
    for (const auto& [pin, rule] : k_weak) {
        auto w = pin_weakness(pin);
        ASSERT_TRUE(w.has_value()) << pin;
        EXPECT_NE(w->find(rule), std::string::npos) << pin << ": " << *w;
    }
}

TEST(PinWeakness, TakesOrdinaryPins) {
    for (const auto& pin : k_ordinary) EXPECT_FALSE(pin_weakness(pin).has_value()) << pin << ": " << *pin_weakness(pin);
}

// `fieldkiosk --hash-pin` with `pin` on standard input: its exit status (0 hashed, 2 refused).
int hash_pin_exit(const std::string& pin) {
    // Digits and the letter 'a' only (see the tables above), so plain single quotes are enough.
    const std::string command = "printf '%s\\n' '" + pin + "' | '" FIELDKIOSK_KIOSK_PATH "' --hash-pin >/dev/null 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The kiosk's own flag used to hash any four or more digits (0000, 1234, 2580) that provision refuses.
TEST(PinWeakness, TheKioskHashPinFlagGivesTheSameVerdictsAsTheRule) {
    for (const auto& [pin, rule] : k_weak) EXPECT_EQ(hash_pin_exit(pin), 2) << pin << " (" << rule << ")";
    for (const auto& pin : k_ordinary) EXPECT_EQ(hash_pin_exit(pin), 0) << pin;
}

TEST(PinHash, VerifiesOnlyTheSamePin) {
    const auto h = hash_pin("482916");
    ASSERT_TRUE(h.has_value()) << h.error();
    EXPECT_TRUE(verify_pin(*h, "482916"));
    EXPECT_FALSE(verify_pin(*h, "482917"));
    EXPECT_FALSE(verify_pin("", "482916"));
}

// Moved from tests/kiosk/app_test.cpp (tests mirror sources).
TEST(KioskPin, HashIsSaltedAndVerifies) {
    const auto a = hash_pin("1234"), b = hash_pin("1234");
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
    EXPECT_TRUE(a->starts_with("$argon2id$"));
    EXPECT_TRUE(verify_pin(*a, "1234"));
    EXPECT_FALSE(verify_pin(*a, "1235"));
    EXPECT_FALSE(verify_pin("", "1234"));
    EXPECT_FALSE(verify_pin("garbage", "1234"));
}

}  // namespace
}  // namespace fieldkiosk::kiosk
