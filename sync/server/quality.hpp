// fieldkiosk::sync::server quality flags — signs that a response may not be one person's own, careful
// answers, computed by the receiver from what it holds (docs/quality_flags.md). A flag never blocks a
// resident and never deletes anything: it is a reason to look, shown next to the response.
//
// Index:
//   QualitySettings   the thresholds (server settings) with their documented defaults
//   QualityInput      what one response contributes: its kiosk and times; for an open response its answers
//   QualityFlag       burst, duplicate, too_fast, straight_line (bits); flag_names()
//   compute_quality   every response's flags and reasons, one pass over a survey's responses
//
// Sealed responses carry only metadata in clear, so only `burst` can be computed for them.
// Thread-safety: pure functions on values; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldkiosk::sync::server {

struct QualitySettings {
    std::int64_t burst_window_s = 120;       // burst: this many completions from one kiosk ...
    int burst_count = 4;                     // ... within this many seconds (first to last, inclusive)
    std::int64_t duplicate_window_s = 3600;  // duplicate: an earlier response from the same kiosk within this ...
    double near_identical_share = 0.9;       // ... with at least this share of its answers the same
    int duplicate_min_answers = 5;           // answer sets smaller than this are never compared
    int duplicate_max_compare = 32;          // at most this many earlier responses are compared (cost bound)
    double min_seconds_per_screen = 1.5;     // too_fast: under this many seconds per answered screen
    int straight_line_min_items = 5;         // straight_line: at least this many scale answers, all the same
};

struct QualityInput {
    std::string id, kiosk;
    std::int64_t started_at_s = 0, completed_at_s = 0;  // Unix seconds
    bool sealed = false;                                // true: answers unknown here; only `burst` applies
    // Open responses: one hash per (question, answer) pair, sorted (core of the duplicate test), and the
    // answers to the perception and ONS4 scale questions in survey order (straight-lining).
    std::vector<std::uint64_t> answer_hashes;
    std::vector<std::int64_t> scale_answers;
};

enum QualityFlag : std::uint8_t { k_flag_burst = 1, k_flag_duplicate = 2, k_flag_too_fast = 4, k_flag_straight_line = 8 };

struct QualityResult {
    std::uint8_t flags = 0;
    std::string reasons;  // one plain sentence per flag, "; " between them; empty when none
};

// "burst;duplicate" (fixed order), or "" for none.
[[nodiscard]] std::string flag_names(std::uint8_t flags);
// The hash of one answer for QualityInput::answer_hashes (FNV-1a over "question\x1fvalue").
[[nodiscard]] std::uint64_t answer_hash(std::string_view question, std::string_view value);

// One result per input, in the same order. O(n log n) plus duplicate_max_compare comparisons per response.
[[nodiscard]] std::vector<QualityResult> compute_quality(std::span<const QualityInput> responses,
                                                         const QualitySettings& settings);

}  // namespace fieldkiosk::sync::server
