// Response quality flags (sync/server/quality.hpp): each flag at its boundary, with the default settings.
#include "sync/server/quality.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fieldkiosk::sync::server {
namespace {

constexpr std::int64_t k_t0 = 1'800'000'000;

QualityInput response(std::string id, std::int64_t completed, std::string kiosk = "kiosk-1", int answers = 10,
                      std::int64_t took = 300) {
    QualityInput r;
    r.id = std::move(id);
    r.kiosk = std::move(kiosk);
    r.completed_at_s = k_t0 + completed;
    r.started_at_s = r.completed_at_s - took;
    for (int q = 0; q < answers; ++q) r.answer_hashes.push_back(answer_hash("q" + std::to_string(q), r.id + "-own"));
    std::ranges::sort(r.answer_hashes);
    return r;
}

// Gives `r` the same answers as `like` on `same` questions, its own on the rest.
void share_answers(QualityInput& r, int questions, int same) {
    r.answer_hashes.clear();
    for (int q = 0; q < questions; ++q)
        r.answer_hashes.push_back(answer_hash("q" + std::to_string(q), q < same ? "shared" : r.id + "-own"));
    std::ranges::sort(r.answer_hashes);
}

std::vector<std::uint8_t> flags(const std::vector<QualityInput>& in, const QualitySettings& s = {}) {
    std::vector<std::uint8_t> out;
    for (const auto& r : compute_quality(in, s)) out.push_back(r.flags);
    return out;
}

bool has(std::uint8_t f, QualityFlag flag) { return (f & flag) != 0; }

TEST(QualityFlags, BurstAtExactlyTheWindowIsFlaggedOneSecondMoreIsNot) {
    // Defaults: 4 completions within 120 s (first to last).
    std::vector<QualityInput> at{response("a", 0), response("b", 40), response("c", 80), response("d", 120)};
    for (auto f : flags(at)) EXPECT_TRUE(has(f, k_flag_burst));
    at[3] = response("d", 121);
    for (auto f : flags(at)) EXPECT_FALSE(has(f, k_flag_burst));
    std::vector<QualityInput> three{response("a", 0), response("b", 1), response("c", 2)};
    for (auto f : flags(three)) EXPECT_FALSE(has(f, k_flag_burst));
}

TEST(QualityFlags, BurstCountsOneKioskAtATimeAndSaysWhy) {
    std::vector<QualityInput> in{response("a", 0, "k1"), response("b", 1, "k2"), response("c", 2, "k1"),
                                 response("d", 3, "k2"), response("e", 4, "k1"), response("f", 5, "k3")};
    for (auto f : flags(in)) EXPECT_FALSE(has(f, k_flag_burst));
    in.push_back(response("g", 6, "k1"));
    const auto r = compute_quality(in, {});
    EXPECT_TRUE(has(r[0].flags, k_flag_burst));
    EXPECT_FALSE(has(r[1].flags, k_flag_burst));
    EXPECT_NE(r[0].reasons.find("burst: 4 or more completions from kiosk 'k1' within 120 s"), std::string::npos) << r[0].reasons;
}

TEST(QualityFlags, SealedResponsesAreFlaggedOnMetadataOnly) {
    std::vector<QualityInput> in;
    for (int i = 0; i < 4; ++i) {
        auto r = response(std::to_string(i), i * 30, "k1", 0, 1);  // no answers known, one second each
        r.sealed = true;
        r.scale_answers = {5, 5, 5, 5, 5, 5};  // ignored: a sealed response's answers are not known here
        in.push_back(r);
    }
    for (auto f : flags(in)) EXPECT_EQ(f, k_flag_burst);
}

TEST(QualityFlags, IdenticalAnswersWithinTheWindowFlagBothOneSecondLaterNeither) {
    auto a = response("a", 0), b = response("b", 3600);
    share_answers(a, 10, 10);
    share_answers(b, 10, 10);
    auto r = compute_quality(std::vector{a, b}, {});
    EXPECT_TRUE(has(r[0].flags, k_flag_duplicate));
    EXPECT_TRUE(has(r[1].flags, k_flag_duplicate));
    EXPECT_NE(r[1].reasons.find("the same answers as response a, 3600 s earlier"), std::string::npos) << r[1].reasons;
    b = response("b", 3601);
    share_answers(b, 10, 10);
    for (auto f : flags({a, b})) EXPECT_FALSE(has(f, k_flag_duplicate));
    b = response("b", 10, "kiosk-2");  // another kiosk: two people may well answer alike
    share_answers(b, 10, 10);
    for (auto f : flags({a, b})) EXPECT_FALSE(has(f, k_flag_duplicate));
}

TEST(QualityFlags, NearIdenticalAtNinetyPercentIsFlaggedBelowIsNot) {
    // 19 questions each, 18 in common: 18 / (19 + 19 - 18) = 0.9 exactly.
    auto a = response("a", 0), b = response("b", 60);
    share_answers(a, 19, 18);
    share_answers(b, 19, 18);
    for (auto f : flags({a, b})) EXPECT_TRUE(has(f, k_flag_duplicate));
    // 17 in common: 17 / 21 = 0.81.
    share_answers(a, 19, 17);
    share_answers(b, 19, 17);
    for (auto f : flags({a, b})) EXPECT_FALSE(has(f, k_flag_duplicate));
}

TEST(QualityFlags, ShortAnswerSetsAreNeverCompared) {
    auto a = response("a", 0), b = response("b", 60);
    share_answers(a, 4, 4);  // default minimum: 5
    share_answers(b, 4, 4);
    for (auto f : flags({a, b})) EXPECT_FALSE(has(f, k_flag_duplicate));
    share_answers(a, 5, 5);
    share_answers(b, 5, 5);
    for (auto f : flags({a, b})) EXPECT_TRUE(has(f, k_flag_duplicate));
}

TEST(QualityFlags, TooFastBelowOneAndAHalfSecondsPerScreen) {
    EXPECT_FALSE(has(flags({response("a", 0, "k", 10, 15)})[0], k_flag_too_fast));  // 15 s for 10 screens: 1.5 s each
    const auto r = compute_quality(std::vector{response("a", 0, "k", 10, 14)}, {});
    EXPECT_TRUE(has(r[0].flags, k_flag_too_fast));
    EXPECT_NE(r[0].reasons.find("too fast: 14 s for 10 answered screens (under 1.5 s each)"), std::string::npos) << r[0].reasons;
    EXPECT_FALSE(has(flags({response("a", 0, "k", 0, 0)})[0], k_flag_too_fast));  // nothing answered: nothing to judge
}

TEST(QualityFlags, StraightLiningNeedsFiveEqualScaleAnswers) {
    auto r = response("a", 0);
    r.scale_answers = {7, 7, 7, 7, 7};
    const auto out = compute_quality(std::vector{r}, {});
    EXPECT_TRUE(has(out[0].flags, k_flag_straight_line));
    EXPECT_NE(out[0].reasons.find("the same answer (7) on all 5 scale questions"), std::string::npos);
    r.scale_answers = {7, 7, 7, 7};
    EXPECT_FALSE(has(flags({r})[0], k_flag_straight_line));
    r.scale_answers = {7, 7, 7, 7, 6, 7};
    EXPECT_FALSE(has(flags({r})[0], k_flag_straight_line));
}

TEST(QualityFlags, SettingsMoveTheBoundaries) {
    QualitySettings s;
    s.burst_count = 2;
    s.burst_window_s = 10;
    s.min_seconds_per_screen = 0;
    auto in = std::vector{response("a", 0), response("b", 10)};
    for (auto f : flags(in, s)) EXPECT_EQ(f, k_flag_burst);
    in[1] = response("b", 11);
    for (auto f : flags(in, s)) EXPECT_EQ(f, 0);
}

TEST(QualityFlags, NamesInAFixedOrder) {
    EXPECT_EQ(flag_names(0), "");
    EXPECT_EQ(flag_names(k_flag_straight_line | k_flag_burst), "burst;straight_line");
    EXPECT_EQ(flag_names(15), "burst;duplicate;too_fast;straight_line");
}

}  // namespace
}  // namespace fieldkiosk::sync::server
