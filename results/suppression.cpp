#include "results/suppression.hpp"

#include <cassert>

namespace fieldkiosk::results {

std::string Protection::reason() const {
    switch (hidden) {
        case Hidden::SmallBase:
            return "fewer than 10 people answered (<10): not shown";
        case Hidden::SmallCount:
            return "the figure rests on fewer than 10 people (<10): not shown";
        case Hidden::Secondary:
            return "hidden so that a smaller hidden group cannot be worked out from the total";
        case Hidden::No:
            break;
    }
    return low_base ? "low base, indicative (10-49 people)" : "";
}

Protection protect_cell(const CellCounts& c) {
    Protection p;
    if (c.n < k_min_base) {
        p.hidden = Hidden::SmallBase;
        return p;
    }
    if (c.is_share) {
        const auto small = [](std::int64_t k) { return k >= 1 && k < k_min_base; };
        if (small(c.numerator) || small(c.n - c.numerator)) p.hidden = Hidden::SmallCount;
    }
    p.low_base = c.n < k_low_base;
    return p;
}

void protect_breakdown(std::span<const CellCounts> groups, bool total_shown, std::span<Protection> out) {
    assert(groups.size() == out.size() && "protect_breakdown: out must have one Protection per group");
    std::size_t hidden = 0;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        out[i] = protect_cell(groups[i]);
        if (out[i].suppressed()) ++hidden;
    }
    if (!total_shown || hidden != 1) return;
    std::size_t pick = groups.size();
    for (std::size_t i = 0; i < groups.size(); ++i)
        if (!out[i].suppressed() && (pick == groups.size() || groups[i].n < groups[pick].n)) pick = i;
    if (pick != groups.size()) out[pick].hidden = Hidden::Secondary;
}

}  // namespace fieldkiosk::results
