// Index:
//   helpers      reasons, per-kiosk ordering
//   the flags    burst (sliding window), duplicate (earlier neighbours), too_fast, straight_line
#include "sync/server/quality.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace fieldkiosk::sync::server {

namespace {

void add_reason(QualityResult& r, QualityFlag flag, const std::string& why) {
    r.flags |= flag;
    if (!r.reasons.empty()) r.reasons += "; ";
    r.reasons += why;
}

// Indices of the responses of each kiosk, each list in completion order (ties by input order).
std::vector<std::vector<std::size_t>> by_kiosk(std::span<const QualityInput> in) {
    std::unordered_map<std::string_view, std::size_t> slot;
    std::vector<std::vector<std::pair<std::int64_t, std::size_t>>> timed;  // (completed, index): sorted without
    for (std::size_t i = 0; i < in.size(); ++i) {                          // touching the responses again
        auto [it, fresh] = slot.try_emplace(in[i].kiosk, timed.size());
        if (fresh) timed.emplace_back();
        timed[it->second].emplace_back(in[i].completed_at_s, i);
    }
    std::vector<std::vector<std::size_t>> groups(timed.size());
    for (std::size_t k = 0; k < timed.size(); ++k) {
        std::ranges::sort(timed[k]);  // by time, then by input order (the index)
        groups[k].reserve(timed[k].size());
        for (const auto& [t, i] : timed[k]) groups[k].push_back(i);
    }
    return groups;
}

// Burst: every response inside a run of >= burst_count completions whose first and last are at most
// burst_window_s apart. Two pointers over the kiosk's completion times.
void flag_bursts(std::span<const QualityInput> in, const std::vector<std::size_t>& g, const QualitySettings& s,
                 std::vector<QualityResult>& out) {
    if (s.burst_count < 2 || g.size() < static_cast<std::size_t>(s.burst_count)) return;
    std::size_t left = 0;
    std::size_t flag_until = 0;  // responses g[.. flag_until) are in some burst
    std::vector<bool> in_burst(g.size(), false);
    for (std::size_t right = 0; right < g.size(); ++right) {
        while (in[g[right]].completed_at_s - in[g[left]].completed_at_s > s.burst_window_s) ++left;
        const std::size_t n = right - left + 1;
        if (n >= static_cast<std::size_t>(s.burst_count)) {
            for (std::size_t k = std::max(left, flag_until); k <= right; ++k) in_burst[k] = true;
            flag_until = right + 1;
        }
    }
    for (std::size_t k = 0; k < g.size(); ++k)
        if (in_burst[k])
            add_reason(out[g[k]], k_flag_burst,
                       "burst: " + std::to_string(s.burst_count) + " or more completions from kiosk '" + in[g[k]].kiosk +
                           "' within " + std::to_string(s.burst_window_s) + " s");
}

// The share of the two (sorted) answer sets that is common: |A ∩ B| / |A ∪ B|.
double alike(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
    std::size_t i = 0, j = 0, same = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) {
            ++same, ++i, ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    const std::size_t all = a.size() + b.size() - same;
    return all == 0 ? 0.0 : static_cast<double>(same) / static_cast<double>(all);
}

// A 64-bit signature of an answer set: one bit per answer. An answer in one set and not the other flips at
// most one bit, so popcount(sig(A) ^ sig(B)) <= |A \ B| + |B \ A|: a pair whose signatures differ in more
// bits than the most differences `near_identical_share` allows cannot be alike, and is skipped unmerged.
std::uint64_t signature(const std::vector<std::uint64_t>& hashes) {
    std::uint64_t sig = 0;
    for (const auto h : hashes) sig |= std::uint64_t{1} << ((h * 0x9E3779B97F4A7C15ull) >> 58);  // FNV-1a's top bits mix poorly
    return sig;
}

// The most answers two sets of sizes a and b may differ in and still be at least `share` alike; -1: never.
int most_differences(std::size_t a, std::size_t b, double share) {
    const auto total = static_cast<double>(a + b);
    const auto common = static_cast<std::int64_t>(std::ceil(share * total / (1.0 + share) - 1e-9));
    return static_cast<int>(static_cast<std::int64_t>(a + b) - 2 * common);
}

void flag_duplicates(std::span<const QualityInput> in, const std::vector<std::size_t>& g, const QualitySettings& s,
                     std::vector<QualityResult>& out) {
    const auto big_enough = [&](const QualityInput& r) {
        return !r.sealed && r.answer_hashes.size() >= static_cast<std::size_t>(std::max(1, s.duplicate_min_answers));
    };
    // The kiosk's responses side by side (time, size, signature): the inner loop touches only these arrays,
    // not the responses themselves, which lie scattered in memory (one cache miss each).
    std::vector<std::uint64_t> sig(g.size());
    std::vector<std::int64_t> at(g.size());
    std::vector<std::uint32_t> size(g.size());  // 0: not compared (sealed or too few answers)
    for (std::size_t k = 0; k < g.size(); ++k) {
        const QualityInput& r = in[g[k]];
        sig[k] = signature(r.answer_hashes);
        at[k] = r.completed_at_s;
        size[k] = big_enough(r) ? static_cast<std::uint32_t>(r.answer_hashes.size()) : 0;
    }
    for (std::size_t k = 1; k < g.size(); ++k) {
        if (size[k] == 0) continue;
        const QualityInput& r = in[g[k]];
        const std::size_t stop = k > static_cast<std::size_t>(s.duplicate_max_compare) ? k - s.duplicate_max_compare : 0;
        for (std::size_t j = k; j-- > stop;) {
            if (at[k] - at[j] > s.duplicate_window_s) break;
            if (size[j] == 0) continue;
            const int most = most_differences(size[k], size[j], s.near_identical_share);
            if (most < 0 || std::popcount(sig[k] ^ sig[j]) > most) continue;
            const QualityInput& e = in[g[j]];
            const double share = alike(r.answer_hashes, e.answer_hashes);
            if (share < s.near_identical_share) continue;
            char pct[8];
            std::snprintf(pct, sizeof pct, "%.0f", share * 100);
            const std::string words = share >= 1.0 ? "the same answers as" : std::string(pct) + "% the same answers as";
            const std::string gap = std::to_string(r.completed_at_s - e.completed_at_s);
            add_reason(out[g[k]], k_flag_duplicate,
                       "duplicate: " + words + " response " + e.id + ", " + gap + " s earlier on the same kiosk");
            if ((out[g[j]].flags & k_flag_duplicate) == 0)
                add_reason(out[g[j]], k_flag_duplicate,
                           "duplicate: " + words + " response " + r.id + ", " + gap + " s later on the same kiosk");
            break;
        }
    }
}

void flag_one(const QualityInput& r, const QualitySettings& s, QualityResult& out) {
    if (r.sealed) return;
    const auto screens = static_cast<double>(r.answer_hashes.size());
    const auto took = static_cast<double>(r.completed_at_s - r.started_at_s);
    if (screens > 0 && took < screens * s.min_seconds_per_screen) {
        char words[160];
        std::snprintf(words, sizeof words, "too fast: %.0f s for %.0f answered screens (under %.1f s each)", took, screens,
                      s.min_seconds_per_screen);
        add_reason(out, k_flag_too_fast, words);
    }
    const auto& v = r.scale_answers;
    if (s.straight_line_min_items > 0 && v.size() >= static_cast<std::size_t>(s.straight_line_min_items) &&
        std::ranges::all_of(v, [&](std::int64_t x) { return x == v.front(); }))
        add_reason(out, k_flag_straight_line,
                   "straight-lining: the same answer (" + std::to_string(v.front()) + ") on all " + std::to_string(v.size()) +
                       " scale questions");
}

}  // namespace

std::string flag_names(std::uint8_t flags) {
    std::string out;
    for (const auto& [bit, name] : {std::pair{k_flag_burst, "burst"}, std::pair{k_flag_duplicate, "duplicate"},
                                    std::pair{k_flag_too_fast, "too_fast"}, std::pair{k_flag_straight_line, "straight_line"}})
        if ((flags & bit) != 0) out += (out.empty() ? "" : ";") + std::string(name);
    return out;
}

std::uint64_t answer_hash(std::string_view question, std::string_view value) {
    std::uint64_t h = 1469598103934665603ull;
    const auto mix = [&h](std::string_view s) {
        for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    };
    mix(question);
    mix("\x1f");
    mix(value);
    return h;
}

std::vector<QualityResult> compute_quality(std::span<const QualityInput> responses, const QualitySettings& settings) {
    std::vector<QualityResult> out(responses.size());
    for (const auto& g : by_kiosk(responses)) {
        flag_bursts(responses, g, settings, out);
        flag_duplicates(responses, g, settings, out);
    }
    for (std::size_t i = 0; i < responses.size(); ++i) flag_one(responses[i], settings, out[i]);
    return out;
}

}  // namespace fieldkiosk::sync::server
