// fieldkiosk::results small-cell protection — what may be shown of a group's figure (docs/results.md, "Small groups").
//
// Index:
//   k_min_base, k_low_base   10 and 50: the ONS threshold rule and the "low base, indicative" mark
//   CellCounts, Protection   one group's counts in, what to show out
//   protect_cell             rules (a), (b), (d): base < 10; a count or share resting on 1–9 people; low base
//   protect_breakdown        rule (c): where a total is shown, one hidden group is never alone (secondary)
//
// Rules (indicators.md §2, ONS "10 threshold rule", UK LLC output checks):
//   (a) a group whose unweighted base is under 10 shows "<10" and no figure;
//   (b) a share whose numerator, or whose complement (base - numerator), is 1–9 people shows "<10";
//   (c) when exactly one group of a breakdown is hidden and the total is shown, the next smallest is hidden too,
//       so the hidden one cannot be worked out by subtraction;
//   (d) a base of 10–49 is shown but marked "low base, indicative".
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace fieldkiosk::results {

inline constexpr std::int64_t k_min_base = 10;  // below: never shown
inline constexpr std::int64_t k_low_base = 50;  // below (and >= 10): "low base, indicative"

struct CellCounts {
    std::int64_t n = 0;          // unweighted base
    std::int64_t numerator = 0;  // people counted in the share (proportion kinds); ignored for means
    bool is_share = true;        // false: a mean (rests on n only)
};

enum class Hidden : std::uint8_t { No, SmallBase, SmallCount, Secondary };

struct Protection {
    Hidden hidden = Hidden::No;
    bool low_base = false;
    [[nodiscard]] bool suppressed() const { return hidden != Hidden::No; }
    // Plain words for a researcher: "" when shown (with "low base, indicative" when low_base).
    [[nodiscard]] std::string reason() const;
};

[[nodiscard]] Protection protect_cell(const CellCounts& c);

// Applies protect_cell to each group of one breakdown (one indicator, one period), then rule (c) when
// `total_shown`: if exactly one group is hidden, the smallest shown group (by n; ties: the first) is hidden as
// Secondary. `out` must have the size of `groups`.
void protect_breakdown(std::span<const CellCounts> groups, bool total_shown, std::span<Protection> out);

}  // namespace fieldkiosk::results
