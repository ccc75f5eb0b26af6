#include "results/raking.hpp"

#include "results/stats.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace fieldkiosk::results {

const Margin* PopulationTotals::find(std::string_view variable) const {
    for (const auto& m : margins)
        if (m.variable == variable) return &m;
    return nullptr;
}

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

std::vector<std::string> split_commas(std::string_view line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto comma = line.find(',', start);
        out.push_back(trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

// max |Σw_k / T_k - 1| over every margin's categories with a target.
double margin_error(const std::vector<std::vector<double>>& target, const std::vector<std::vector<int>>& categories,
                    const std::vector<char>& used, const std::vector<double>& weights) {
    double worst = 0;
    std::vector<double> sums;
    for (std::size_t m = 0; m < target.size(); ++m) {
        sums.assign(target[m].size(), 0.0);
        for (std::size_t i = 0; i < weights.size(); ++i)
            if (used[i]) sums[static_cast<std::size_t>(categories[m][i])] += weights[i];
        for (std::size_t k = 0; k < sums.size(); ++k)
            if (target[m][k] > 0) worst = std::max(worst, std::fabs(sums[k] / target[m][k] - 1.0));
    }
    return worst;
}

}  // namespace

std::expected<PopulationTotals, std::string> parse_population_totals(std::string_view text, const std::string& file_name) {
    PopulationTotals out;
    std::istringstream in{std::string(text)};
    std::string line;
    int number = 0;
    bool header = false;
    while (std::getline(in, line)) {
        ++number;
        const std::string where = file_name + ":" + std::to_string(number) + ": ";
        if (trim(line).empty() || trim(line).front() == '#') continue;
        const auto f = split_commas(line);
        if (!header) {
            if (f.size() != 3 || f[0] != "variable" || f[1] != "category" || f[2] != "total")
                return std::unexpected(where + "the first line must be the header `variable,category,total`");
            header = true;
            continue;
        }
        if (f.size() != 3)
            return std::unexpected(where + "has " + std::to_string(f.size()) +
                                   " columns; each line is variable,category,total (e.g. ward,belsize,11234)");
        if (f[0].empty()) return std::unexpected(where + "column 'variable' is empty: name a question, e.g. ward or age_band");
        if (f[1].empty()) return std::unexpected(where + "column 'category' is empty: give a choice value, e.g. belsize");
        double total = 0;
        const auto [ptr, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), total);
        if (ec != std::errc{} || ptr != f[2].data() + f[2].size() || !std::isfinite(total) || total <= 0)
            return std::unexpected(where + "column 'total' is '" + f[2] + "': it must be a positive number of people");
        auto it = std::ranges::find(out.margins, f[0], &Margin::variable);
        if (it == out.margins.end()) it = out.margins.insert(out.margins.end(), Margin{f[0], {}, {}});
        if (std::ranges::find(it->categories, f[1]) != it->categories.end())
            return std::unexpected(where + "category '" + f[1] + "' of '" + f[0] + "' is given twice; give each once");
        it->categories.push_back(f[1]);
        it->totals.push_back(total);
    }
    if (out.margins.empty()) return std::unexpected(file_name + ": has no totals (expected lines like ward,belsize,11234)");
    return out;
}

std::expected<PopulationTotals, std::string> read_population_totals(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(file.string() + ": cannot be read (does it exist?)");
    std::ostringstream s;
    s << in.rdbuf();
    return parse_population_totals(s.str(), file.string());
}

namespace {

// Who is raked: respondents with a category in every margin (used[i] = 1).
struct Sample {
    const std::vector<std::vector<int>>& categories;  // [margin][respondent]
    std::vector<char> used;
    std::size_t n = 0;
};

// Targets per margin and category: categories without respondents folded into the rest (with a note), every
// margin scaled to the first's total, which is returned as `grand`.
std::vector<std::vector<double>> rake_targets(const PopulationTotals& totals, const Sample& s, double& grand,
                                              std::vector<std::string>& notes) {
    std::vector<std::vector<double>> target(totals.margins.size());
    for (std::size_t m = 0; m < totals.margins.size(); ++m) {
        const Margin& mg = totals.margins[m];
        std::vector<std::int64_t> count(mg.categories.size(), 0);
        for (std::size_t i = 0; i < s.n; ++i)
            if (s.used[i]) ++count[static_cast<std::size_t>(s.categories[m][i])];
        double all = 0, kept = 0;
        target[m] = mg.totals;
        for (std::size_t k = 0; k < count.size(); ++k) {
            all += mg.totals[k];
            if (count[k] == 0) {
                target[m][k] = 0;
                notes.push_back("no respondent in " + mg.variable + " = " + mg.categories[k] +
                                ": its total was spread over the other " + mg.variable + " categories");
            } else {
                kept += mg.totals[k];
            }
        }
        if (m == 0) grand = all;
        for (double& t : target[m]) t *= grand / kept;
    }
    return target;
}

// Iterative proportional fitting from r.weights until every margin is within the tolerance, or the limit.
void rake_rounds(const std::vector<std::vector<double>>& target, const Sample& s, const RakeOptions& options, RakeResult& r) {
    std::vector<double> sums;
    r.converged = false;
    for (r.iterations = 1; r.iterations <= options.max_iterations; ++r.iterations) {
        for (std::size_t m = 0; m < target.size(); ++m) {
            sums.assign(target[m].size(), 0.0);
            for (std::size_t i = 0; i < s.n; ++i)
                if (s.used[i]) sums[static_cast<std::size_t>(s.categories[m][i])] += r.weights[i];
            for (std::size_t i = 0; i < s.n; ++i)
                if (s.used[i]) {
                    const auto k = static_cast<std::size_t>(s.categories[m][i]);
                    r.weights[i] *= target[m][k] / sums[k];
                }
        }
        r.max_margin_error = margin_error(target, s.categories, s.used, r.weights);
        if (r.max_margin_error < options.tolerance) {
            r.converged = true;
            return;
        }
    }
    r.iterations = options.max_iterations;
}

// Weights above options.cap times the mean are capped and the rest raked again, up to max_cap_rounds times.
void cap_and_rerake(const std::vector<std::vector<double>>& target, const Sample& s, double grand, const RakeOptions& options,
                    RakeResult& r) {
    const double limit = options.cap * grand / static_cast<double>(r.used);
    const auto apply_cap = [&] {
        bool capped = false;
        for (double& w : r.weights)
            if (w > limit * (1.0 + 1e-9)) {
                w = limit;
                capped = true;
            }
        return capped;
    };
    int round = 0;
    while (round < options.max_cap_rounds && apply_cap()) {
        ++round;
        rake_rounds(target, s, options, r);
    }
    if (round == options.max_cap_rounds && apply_cap()) {
        // The totals need weights above the cap: keep the cap, say how far the margins are from the totals.
        r.converged = false;
        r.max_margin_error = margin_error(target, s.categories, s.used, r.weights);
        r.notes.push_back("the totals cannot be met without weights above the cap; weighted margins are off by up to " +
                          std::to_string(static_cast<int>(std::round(100 * r.max_margin_error))) +
                          "%: collapse small categories in the totals file");
    }
    if (round > 0)
        r.notes.push_back("weights capped at " + std::to_string(static_cast<int>(options.cap)) +
                          " times the mean weight and re-raked (" + std::to_string(round) + " rounds)");
}

}  // namespace

RakeResult rake(const PopulationTotals& totals, const std::vector<std::vector<int>>& categories, const RakeOptions& options) {
    assert(categories.size() == totals.margins.size() && "rake: one category vector per margin");
    RakeResult r;
    Sample s{categories, {}, categories.empty() ? 0 : categories.front().size()};
    r.weights.assign(s.n, 0.0);
    s.used.assign(s.n, 1);
    for (const auto& cats : categories) {
        assert(cats.size() == s.n && "rake: every margin needs one category per respondent");
        for (std::size_t i = 0; i < s.n; ++i)
            if (cats[i] < 0) s.used[i] = 0;
    }
    for (std::size_t i = 0; i < s.n; ++i) (s.used[i] ? r.used : r.excluded)++;
    if (r.used == 0 || totals.margins.empty()) return r;

    double grand = 0;
    const auto target = rake_targets(totals, s, grand, r.notes);
    for (std::size_t i = 0; i < s.n; ++i) r.weights[i] = s.used[i] ? grand / static_cast<double>(r.used) : 0.0;
    rake_rounds(target, s, options, r);
    if (options.cap > 0) cap_and_rerake(target, s, grand, options, r);
    double sum = 0, sum2 = 0;
    for (double w : r.weights) {
        sum += w;
        sum2 += w * w;
    }
    r.n_eff = kish_effective_n(sum, sum2);
    return r;
}

}  // namespace fieldkiosk::results
